/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Someone watching a container start (run --trace's timeline, say): the
 * monitor reports each of its steps, typed, and passes on the init's PHASE
 * records. The runtime knows nothing of how they are shown; without an
 * observer it reports nothing and the init sends no PHASE.
 *
 * Times are CLOCK_MONOTONIC ns (lib/clock.h's nsw_mono_ns(), the clock of
 * bpf_ktime_get_ns()).
 */
#ifndef NSW_OBSERVER_H
#define NSW_OBSERVER_H

#include <stdbool.h>
#include <sys/types.h>
#include "runtime/container.h"
#include "runtime/protocol.h"
#include "runtime/state.h"

/* The monitor's steps, in the order they come. */
enum nsw_step_kind {
	NSW_STEP_CREATE,	/* the monitor starts: nothing made yet */
	NSW_STEP_CGROUPS,	/* the cgroups made, with the limits */
	NSW_STEP_BRIDGE,	/* the bridge is there */
	NSW_STEP_CLONE3,	/* the init, in its new namespaces */
	NSW_STEP_SETGROUPS,	/* rootless: setgroups denied */
	NSW_STEP_ID_MAP,	/* one of uid_map, gid_map written */
	NSW_STEP_ID_MAPS,	/* every id map is written (a span) */
	NSW_STEP_CGROUP_JOINED,	/* the init moved into one cgroup */
	NSW_STEP_CGROUPS_JOINED, /* the init is in all of them (a span) */
	NSW_STEP_VETH,		/* the veth pair, its peer in the init's netns */
	NSW_STEP_IDMAP,		/* the rootfs, idmapped */
	NSW_STEP_LAYER,		/* the writable layer (layer.h) */
	NSW_STEP_SETUP,		/* SETUP sent: the init reports from now on */
	NSW_STEP_READY,		/* READY: the init is set up */
	NSW_STEP_HOOK,		/* the prestart hook ran */
	NSW_STEP_EXEC,		/* EXEC sent: the init reports its last step */
	NSW_STEP_RUNNING,	/* the command runs */
	NSW_STEP_EXITED,	/* the init ended */
	NSW_STEP_KILL,		/* the start failed: the init is killed */
	NSW_STEP_RELEASED,	/* what the container held is removed */
	NSW_STEP_ERROR,		/* why the run failed (the last step) */
};

struct nsw_step {
	enum nsw_step_kind kind;
	unsigned long long begin;	/* when it began */
	unsigned long long end;		/* when it was done */
	const struct nsw_container *c;
	const struct nsw_instance *in;	/* in->pid: the init, 0 before clone3 */
	union {
		struct {
			unsigned long flags;	/* CLONE_NEW* */
			const char *cgroup;	/* born in it; NULL if not */
		} clone3;
		struct {
			const char *path;	/* /proc/PID/setgroups */
		} setgroups;
		struct {
			const char *file;	/* "uid_map", "gid_map" */
			const struct nsw_idmap *maps;
			int n;
		} id_map;
		struct {
			const char *path;
		} cgroup_joined;
		struct {
			const char *address;	/* the bridge's, "10.89.0.1/24" */
		} bridge;
		struct {
			const char *peer;	/* its name in the container */
		} veth;
		struct {
			const char *dir;	/* STATE/NAME/layer */
			bool mounted;		/* the overlay made (rootless: by the init) */
		} layer;
		struct {
			bool idmapped;		/* the idmapped rootfs goes along */
		} setup;
		struct {
			pid_t pid;
			int status;		/* as a shell gives it */
		} hook;
		struct {
			int status;		/* as a shell gives it */
		} exited;
		struct {
			const struct nsw_error *err;
		} error;
	};
};

struct nsw_observer {
	void *ctx;
	/* A step of the monitor's, done. */
	void (*step)(void *ctx, const struct nsw_step *s);
	/* One of the init's steps, as it reported it; c: the description. */
	void (*phase)(void *ctx, const struct nsw_phase *p,
		      const struct nsw_container *c,
		      const struct nsw_instance *in);
	/*
	 * An fd the monitor polls while it waits (on the init's reports and on
	 * the command), -1 for none; drain(ctx) when it is readable, and after
	 * each of the init's reports, so that what it collects and the init's
	 * steps meet in time.
	 */
	int fd;
	void (*drain)(void *ctx);
	/* The container's processes are gone: drain for the last time. */
	void (*done)(void *ctx);
};

#endif /* NSW_OBSERVER_H */
