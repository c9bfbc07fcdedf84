/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Creating a container: the monitor (runtime.c, on the host) and the
 * container's first process (container_init.c, in the new namespaces) step
 * through the setup together over a SOCK_SEQPACKET pair:
 *
 *   monitor                          container init
 *   clone3(namespaces)  ----------->  waits
 *   uid/gid maps, cgroup, veth,
 *   idmapped rootfs     --SETUP(fd)->  ids, cgroupns, network, hostname,
 *                                      mounts, pivot_root, security
 *                       <--READY----   (or ERROR + message, and exit)
 *   state file, prestart hook
 *                       ---EXEC---->   execvp(); the socket is close-on-exec,
 *                       <--EOF------   so EOF means the command runs
 *                       <--EXECFAIL--  (or the errno of execvp)
 *
 * Under --trace only, the init also reports each of its steps as a PHASE
 * message (any number of them before READY, and one, "exec", before the
 * EOF), so that the monitor can put them on the run's timeline. An
 * untraced start sends none.
 */
#ifndef NSW_RUNTIME_H
#define NSW_RUNTIME_H

#include <signal.h>
#include "runtime/container.h"
#include "lib/error.h"
#include "runtime/state.h"

enum nsw_msg_type {
	NSW_MSG_SETUP = 1,
	NSW_MSG_READY,
	NSW_MSG_EXEC,
	NSW_MSG_ERROR,
	NSW_MSG_EXEC_FAILED,
	NSW_MSG_PHASE,
};

/* PHASE: one step of the init, as a timeline item and/or a step's span. */
struct nsw_phase {
	unsigned long long ts;		/* CLOCK_MONOTONIC ns, when it was done */
	unsigned long long begin;	/* when it began, for step; else 0 */
	char what[16];			/* the item ("mount"); "": a span only */
	char step[16];			/* the summary step it counts to, or "" */
	char detail[256];		/* for people */
	char fields[384];		/* JSON members for the item, or "" */
};

struct nsw_msg {
	int type;
	struct nsw_error err;	/* ERROR, EXEC_FAILED */
	/*
	 * READY: the init's namespace inodes, by nsw_types[] index, read by
	 * the init itself (a rootless monitor may not read a non-dumpable
	 * process's /proc/PID/ns).
	 */
	unsigned long long ns_inode[NSW_TYPE_COUNT];
	struct nsw_phase phase;	/* PHASE */
};

/* What the init needs beyond the description. */
struct nsw_init_args {
	const struct nsw_container *c;
	const struct nsw_instance *in;
	int sock;
	bool trace;	/* report each step (PHASE) */
};

/* The container's first process; never returns. */
__attribute__((noreturn)) void nsw_container_init_main(struct nsw_init_args *a);

/* One message, with an optional fd; fd_out receives one if sent (or -1). */
int nsw_msg_send(int sock, const struct nsw_msg *m, int fd);
int nsw_msg_recv(int sock, struct nsw_msg *m, int *fd_out);

/* Create, start and wait for a container; returns its exit status. */
int nsw_run(struct nsw_container *c, struct nsw_error *err);

/* Remove what a container holds on the host (cgroup, veth, bridge, state). */
int nsw_release(const struct nsw_instance *in, struct nsw_error *err);

/* Process security shared by run and exec: ids, caps, no_new_privs. */
int nsw_apply_identity(const struct nsw_container *c, struct nsw_error *err);
/* The container environment (defaults, then --env) in a new NULL-ended array. */
char **nsw_build_env(const struct nsw_container *c);
/* The signals run and exec pass on to their command (blocked meanwhile). */
void nsw_forwarded_signals(sigset_t *set);
/* Forward those signals to pidfd's process until it exits; its exit status. */
int nsw_forward_and_wait(int pidfd);
/* The exit status a shell would give: code, or 128+N for signal N. */
int nsw_wait_status(int status);

/*
 * Load a container's state (and, if c is not NULL, its options) and open a
 * pidfd on its init, checked to be the recorded process: the pidfd, or -1
 * with "not running".
 */
int nsw_open_init(const char *name, struct nsw_instance *in,
		  struct nsw_container *c, struct nsw_error *err);
/* Signal a container's init through a pidfd (kill, rm -f). */
int nsw_signal_container(const char *name, int sig, struct nsw_error *err);

/* Re-exec from a sealed memfd copy unless already (CVE-2019-5736). */
int nsw_reexec_sealed(char **argv, struct nsw_error *err);

#endif /* NSW_RUNTIME_H */
