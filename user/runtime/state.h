/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container state on the host: one directory per container under
 * /run/nswatch/ (root) or $XDG_RUNTIME_DIR/nswatch/ (others), holding
 * state.json. Written whole and renamed into place, so readers never see
 * half a file; a lock file serialises the allocation of names, id ranges
 * and addresses.
 */
#ifndef NSW_STATE_H
#define NSW_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "lib/error.h"
#include "lib/nsnames.h"

/* What a running container holds on the host, beyond its description. */
struct nsw_instance {
	char name[NSW_NAME_MAX + 1];
	char status[16];	/* creating, running (as written by the monitor) */
	pid_t pid;		/* the container's init, host pid; 0 before clone */
	unsigned long long starttime; /* of pid, against pid reuse */
	pid_t monitor_pid;
	unsigned long long monitor_starttime;
	char created[40];	/* RFC 3339 */
	int idslot;		/* default id range slot, -1 if none */
	char ip[32], gateway[32];	/* "10.89.0.2/24", "10.89.0.1"; "" */
	char host_if[16], bridge[16];	/* "" without --net bridge */
	struct nsw_cgroup cg;
	unsigned long long ns_inode[NSW_TYPE_COUNT]; /* by nsw_types[] index */
};

const char *nsw_state_root(void);
/* Take the state lock (blocking); returns an fd to close to release it. */
int nsw_state_lock(struct nsw_error *err);
/* Make the container's directory: fails with "name taken" if it exists. */
int nsw_state_claim(const char *name, struct nsw_error *err);
int nsw_state_save(const struct nsw_instance *in, const struct nsw_container *c,
		   struct nsw_error *err);
/* Fill in (and c, if not NULL: the options that exec needs). */
int nsw_state_load(const char *name, struct nsw_instance *in,
		   struct nsw_container *c, struct nsw_error *err);
/* The state as JSON text (for ps --json); caller frees. */
char *nsw_state_json(const char *name, const char *status,
		     struct nsw_error *err);
int nsw_state_remove(const char *name, struct nsw_error *err);
/* Names of all containers, sorted; caller frees each and the array. */
int nsw_state_list(char ***names, int *n, struct nsw_error *err);

/* Field 22 of /proc/PID/stat; -1 if the process is gone. */
int nsw_proc_starttime(pid_t pid, unsigned long long *starttime);
/* pid is alive and still the process that was recorded. */
bool nsw_proc_same(pid_t pid, unsigned long long starttime);
/* "running", "creating" or "stopped" (the monitor is gone: leftovers). */
const char *nsw_instance_status(const struct nsw_instance *in);

#endif /* NSW_STATE_H */
