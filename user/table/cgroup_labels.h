/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Containers from the cgroup ids the BPF side records with each event
 * (struct nsw_event's cgroup_id and cgroup_v1_id): id -> cgroup path ->
 * label. The cgroup directory usually outlives a process that lived a
 * millisecond, so the id still resolves when the record is handled; no
 * /proc file of the event's process is read. Resolutions are cached by id:
 * only the first lookups of an id may read /proc, of the cgroup's own
 * processes, to find a runtime's state wherever it is kept.
 */
#ifndef NSW_CGROUP_LABELS_H
#define NSW_CGROUP_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"
#include "table/labels.h"

/* Where runtimes keep their state: /run. */
#define NSW_RUN_DIR "/run"

struct nsw_cgroup_labels;

/*
 * Find the cgroup2 mount and the v1 hierarchy of the first controller of
 * enum nsw_v1_ctrl mounted as one (from mountinfo). A host without either
 * gives a resolver that finds nothing for it.
 */
int nsw_cgroup_labels_open(struct nsw_cgroup_labels **out, struct nsw_error *err);
void nsw_cgroup_labels_free(struct nsw_cgroup_labels *c);

/* enum nsw_v1_ctrl: what the BPF side should read as cgroup_v1_id. */
__u32 nsw_cgroup_labels_v1_ctrl(const struct nsw_cgroup_labels *c);

/*
 * The container of a record's cgroups: the v2 cgroup's path first, then the
 * v1 one; false if neither names one. An unresolved id is asked again a
 * few times (a runtime's state may be written just after), then never.
 */
bool nsw_cgroup_labels_get(struct nsw_cgroup_labels *c, __u64 v2_id, __u64 v1_id,
			   struct nsw_label *l);

/*
 * The container of one cgroup, known by its absolute path (abs, under the
 * hierarchy's mount) and its path in the hierarchy (rel): the path forms of
 * nsw_cgroup_path_label(), then runtimes' state under run (NSW_RUN_DIR):
 * runc's state.json under each of runc's roots (its cgroup_paths), and
 * containerd's task directories for /<namespace>/<id>.
 */
bool nsw_cgroup_dir_label(const char *run, const char *abs, const char *rel,
			  struct nsw_label *l);

/* Runtime state directories learned from processes, kept for later cgroups. */
#define NSW_LEARNED_ROOTS 16
#define NSW_ROOT_PATH_MAX 4096

enum nsw_root_kind {
	NSW_ROOT_RUNC,  /* a runc --root: <root>/<id>/state.json */
	NSW_ROOT_TASKS, /* containerd's task directories: <dir>/<id> */
};

struct nsw_runtime_root {
	enum nsw_root_kind kind;
	char engine[16];
	char path[NSW_ROOT_PATH_MAX];
};

/* The most recent NSW_LEARNED_ROOTS, the oldest replaced first. */
struct nsw_runtime_roots {
	struct nsw_runtime_root root[NSW_LEARNED_ROOTS];
	unsigned int n, next;
};

/*
 * The container of one cgroup (abs, rel as for nsw_cgroup_dir_label) found
 * under the roots learned so far.
 */
bool nsw_learned_roots_label(const struct nsw_runtime_roots *roots, const char *abs,
			     const char *rel, struct nsw_label *l);

/*
 * What the processes of one cgroup (abs, its directory; the first few of its
 * cgroup.procs) tell of their runtime, read under proc ("/proc"), wherever
 * its state is: runc's init names its state directory in its environment
 * (_LIBCONTAINER_STATEDIR) until it execs the container's command; a runc
 * among its parents names its --root; a containerd shim among them works
 * in its task's directory, beside the other tasks of its namespace. Each is
 * checked against the state there (as nsw_cgroup_dir_label does for /run)
 * and learned into roots. run (NSW_RUN_DIR) names the engine of a root
 * docker or containerd lays out there.
 */
bool nsw_cgroup_procs_label(const char *proc, const char *run, const char *abs,
			    const char *rel, struct nsw_runtime_roots *roots,
			    struct nsw_label *l);

#endif /* NSW_CGROUP_LABELS_H */
