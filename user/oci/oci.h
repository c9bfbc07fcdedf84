/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nswatch as an OCI runtime: the lifecycle of runc's command line (create,
 * start, state, kill, delete, list, features) over the runtime's
 * containers. A container lives in the state root (--root, default
 * NSW_OCI_ROOT) as the runtime's own state directory, plus two files of
 * ours: oci.json (bundle, annotations, the hooks still to run, the init's
 * pid) and, while created, start.fifo, which the init waits on.
 *
 * create sets the container up and returns while its init waits on the
 * fifo; the init is not waited for by nswatch: whoever called create (an
 * engine's conmon or shim, a child subreaper) reaps it. start writes to
 * the fifo; the status is the kernel's: created while the init lives and
 * the fifo is there, running while it lives, stopped once it is gone.
 * delete removes what it held (cgroups, state) and runs poststop hooks.
 *
 * Errors use the words engines look for: "does not exist", "container not
 * running", "exists".
 */
#ifndef NSW_OCI_H
#define NSW_OCI_H

#include <stdbool.h>
#include <sys/types.h>
#include "oci/config.h"
#include "lib/error.h"
#include "lib/json.h"

#define NSW_OCI_ROOT "/run/nswatch-runc"
/* The runtime-spec version nswatch implements (state, features). */
#define NSW_OCI_VERSION	    "1.2.0"
#define NSW_OCI_VERSION_MIN "1.0.0"

enum nsw_oci_status {
	NSW_OCI_CREATING,
	NSW_OCI_CREATED,
	NSW_OCI_RUNNING,
	NSW_OCI_STOPPED,
	NSW_OCI_PAUSED, /* running or created, its cgroup frozen (pause) */
};

const char *nsw_oci_status_name(enum nsw_oci_status s);

/* What `state` prints, read from oci.json and the kernel. */
struct nsw_oci_state {
	char id[NSW_NAME_MAX + 1];
	char bundle[4096], rootfs[4096];
	char created[48]; /* RFC 3339 with fractions */
	char owner[32];
	pid_t pid; /* the init's host pid; 0 once stopped */
	unsigned long long starttime;
	enum nsw_oci_status status;
	/* Annotations and the hooks still to run (poststart, poststop). */
	struct nsw_oci_config saved;
};

/* Use dir as the state root instead of NSW_OCI_ROOT (--root). */
int nsw_oci_set_root(const char *dir, struct nsw_error *err);

struct nsw_oci_create_opts {
	const char *bundle;	    /* NULL: the working directory */
	const char *pid_file;	    /* NULL: none */
	const char *console_socket; /* where the terminal's master goes */
};

int nsw_oci_create(const char *id, const struct nsw_oci_create_opts *o, struct nsw_error *err);
int nsw_oci_start(const char *id, struct nsw_error *err);
/* Load a container's state: "container ID does not exist" if none. */
int nsw_oci_state_load(const char *id, struct nsw_oci_state *st, struct nsw_error *err);
void nsw_oci_state_free(struct nsw_oci_state *st);
/* The state as the spec's JSON object (ociVersion, id, pid, status, ...). */
void nsw_oci_state_write(struct nsw_json *w, const struct nsw_oci_state *st);
/* Signal the init (all: every process of the container's cgroup). */
int nsw_oci_kill(const char *id, int sig, bool all, struct nsw_error *err);
/*
 * Remove a created or stopped container (force: a running one too, killed
 * first) and run its poststop hooks.
 */
int nsw_oci_delete(const char *id, bool force, struct nsw_error *err);
/*
 * The host pids of a container's processes (from its cgroups, sorted, each
 * once); free *pids. A container without cgroups: its init alone.
 */
int nsw_oci_pids(const char *id, pid_t **pids, int *n, struct nsw_error *err);
/* Ids of the containers in the state root, sorted; free each and the array. */
int nsw_oci_list(char ***ids, int *n, struct nsw_error *err);
/* What this runtime supports, as runc's `features` prints it. */
void nsw_oci_features(struct nsw_json *w);

/* "KILL", "SIGKILL", "kill", "9": the signal number, or -1 with err. */
int nsw_oci_parse_signal(const char *s, int *sig, struct nsw_error *err);

/*
 * Run the hooks of kind in cfg, each with the state (as `state` prints it,
 * with status) on its stdin. The first failure: -1 with the hook named.
 */
int nsw_oci_run_hooks(const struct nsw_oci_config *cfg, enum nsw_oci_hook_kind kind,
		      const struct nsw_oci_state *st, struct nsw_error *err);

/* ---- exec, pause, resume; hooks in the container (exec.c, freeze.c, hooks.c) ---- */

/* runc's exec: the process from a file, or the bundle's process with these changes. */
struct nsw_oci_exec_opts {
	const char *process;	    /* --process FILE (the spec's process object); NULL: none */
	bool detach;		    /* return once the command runs; the caller's reaper reaps it */
	const char *pid_file;	    /* the process's host pid, written whole */
	bool tty;		    /* without --process: a terminal (needs console_socket) */
	const char *console_socket; /* where the terminal's master goes */
	const char *cwd;
	int n_env;
	char **env; /* K=V, over the process's own */
	bool user_set;
	unsigned int uid, gid;
	int n_caps;
	char **caps; /* added to the bounding, effective and permitted sets */
	bool no_new_privs;
	char **argv; /* without --process: the command (NULL-ended) */
};

/*
 * Run a process in container id (created or running): every namespace of
 * its init, its cgroups, its root, its recorded seccomp filter, the
 * process's identity and capabilities. Detached: 0 once the command has
 * been executed; else its exit status (128+N for signal N). -1 with err:
 * "container ID does not exist", "cannot exec in a stopped container".
 */
int nsw_oci_exec(const char *id, const struct nsw_oci_exec_opts *o, struct nsw_error *err);

/* Freeze (pause) or thaw (resume) every process of the container's cgroup. */
int nsw_oci_pause(const char *id, struct nsw_error *err);
int nsw_oci_resume(const char *id, struct nsw_error *err);
/* Is the container's cgroup frozen, or being frozen (its status is then paused)? */
bool nsw_oci_paused(const char *id);
/* Thaw it whatever its state (kill -9 and delete --force of a paused container). */
void nsw_oci_thaw(const char *id);

/*
 * Will `start` of container id (in state root) run startContainer hooks,
 * which enter the container? true when unsure (no readable oci.json).
 */
bool nsw_oci_start_enters(const char *root, const char *id);

/* create's: the terminal's master to an engine's console socket (SCM_RIGHTS). */
int nsw_oci_send_console(const char *path, int master, struct nsw_error *err);
/* create's: a pid file written whole (a temporary file renamed). */
int nsw_oci_write_pid_file(const char *path, pid_t pid, struct nsw_error *err);

#endif /* NSW_OCI_H */
