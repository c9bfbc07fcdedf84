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

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
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
	/*
	 * Status "exited" (a detached container whose command ended, kept
	 * until rm): how it ended and when. What it held is released, so
	 * cg, ip, host_if and bridge are empty and idslot -1, unless a part
	 * could not be released (then rm tries again).
	 */
	int exit_status;	/* what run would exit with: the code, or 128+N */
	int exit_signal;	/* N if a signal ended it, else 0 */
	char finished[40];	/* RFC 3339; "" before it exits */
};

/* The status the monitor records when a kept container's command ended. */
#define NSW_STATUS_EXITED "exited"
/* The status of a container whose monitor is gone without recording an end. */
#define NSW_STATUS_DEAD "dead"
/* The highest signal number a state file may name (SIGRTMAX on Linux). */
#define NSW_STATE_SIGNAL_MAX 64

/* enum nsw_net_mode as the state file spells it. */
extern const char *const nsw_state_net_names[NSW_NET_MODES];

/* An OCI container's own files in its directory (oci/), removed with it. */
#define NSW_STATE_OCI_FILE "oci.json"
#define NSW_STATE_OCI_TMP "oci.json.tmp"
#define NSW_STATE_START_FIFO "start.fifo"

const char *nsw_state_root(void);
/* Another root (OCI --root), before anything reads the state. */
int nsw_state_set_root(const char *dir, struct nsw_error *err);
/*
 * Take the state lock (blocking); returns an fd to close to release it.
 * Held only for short critical sections (allocating, a bridge's removal),
 * never across a clone or a hook: every start waits on it.
 */
int nsw_state_lock(struct nsw_error *err);
/*
 * The same, but a signal of stop (blocked by the caller) that arrives while
 * waiting ends the wait: -1 with "interrupted" and exit status 128+N.
 */
int nsw_state_lock_or_signal(const sigset_t *stop, struct nsw_error *err);
/*
 * Under the lock: make the container's directory: fails with "name taken"
 * if it exists, unless it holds no state file (a start killed between this
 * and its first save: nobody else is between the two while we hold the lock).
 */
int nsw_state_claim(const char *name, struct nsw_error *err);
/*
 * The monitor's mark in the container's directory, made and opened; the
 * monitor keeps the fd for its life (and closes it in the init), so that a
 * pid read from the state file can be checked to be this container's monitor.
 */
int nsw_state_mark(const char *name, struct nsw_error *err);
int nsw_state_save(const struct nsw_instance *in, const struct nsw_container *c,
		   struct nsw_error *err);
/*
 * Fill in (and c, if not NULL: the options that exec needs) from the state
 * file of container name, every field checked (the file is not trusted).
 * Fails with -1, or with one of these, err filled in each case:
 */
#define NSW_STATE_NO_FILE (-2)	/* a directory without state file */
#define NSW_STATE_INVALID (-3)	/* not a state file nswatch wrote for name */
int nsw_state_load(const char *name, struct nsw_instance *in,
		   struct nsw_container *c, struct nsw_error *err);
/*
 * The checks of nsw_state_load() that need no host: text (len bytes, not
 * NUL-ended) as the state file of container name (NULL: any valid name).
 * Cgroup paths are checked as paths here; nsw_state_load() also checks
 * their mounts.
 */
int nsw_state_parse(const char *text, size_t len, const char *name,
		    struct nsw_instance *in, struct nsw_container *c,
		    struct nsw_error *err);
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
/*
 * The recorded monitor is alive and is this container's: it holds the mark.
 * The recorded init is alive and is the monitor's child.
 */
bool nsw_monitor_alive(const struct nsw_instance *in);
bool nsw_init_alive(const struct nsw_instance *in);
/*
 * As of now: "creating", "created", "running", "stopping" (the init is
 * gone, its monitor cleans up), "exited" (recorded by the monitor: the
 * command ended, the state is kept until rm), or "dead" (the monitor is
 * gone and recorded no end: leftovers that rm cleans up).
 */
const char *nsw_instance_status(const struct nsw_instance *in);
/* The container is over: "exited" or "dead" (ps lists it only with -a). */
bool nsw_status_ended(const char *status);
/*
 * The path of container name's output.log (a detached container's stdout
 * and stderr), and that file opened for reading: never through a symlink,
 * a regular file; -1 with err ("no log" when there is none).
 */
int nsw_state_log_path(const char *name, char *buf, size_t len, struct nsw_error *err);
int nsw_state_open_log(const char *name, struct nsw_error *err);

#endif /* NSW_STATE_H */
