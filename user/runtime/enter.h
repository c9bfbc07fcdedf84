/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A new process in a container that exists: in every namespace of its init
 * (one setns() through a pidfd; one namespace file at a time before 5.8),
 * its cgroups and its root. nswatch exec, the OCI exec and the OCI hooks
 * that run in the container (createContainer, startContainer) all start
 * their process here.
 *
 *   caller (host) -- fork -->  joiner: no inherited fd, cgroups,
 *                                |     setns(pidfd, the namespaces)
 *                                |  clone(CLONE_PARENT): a pid namespace
 *                                v  only applies to children
 *                              the process, a child of the caller: fn(arg)
 *
 * The process is the caller's child (the joiner is reaped here), so the
 * caller waits for it, or leaves it, when the caller exits, to whoever
 * reaps its orphans (an engine's conmon or shim, child subreapers).
 */
#ifndef NSW_ENTER_H
#define NSW_ENTER_H

#include <stdbool.h>
#include <sys/types.h>
#include "runtime/container.h"
#include "runtime/state.h"
#include "lib/error.h"

/* Exit statuses of a process that did not run, as docker and podman give them. */
#define NSW_ENTER_EXIT_RUNTIME	   125
#define NSW_ENTER_EXIT_CANNOT_EXEC 126
#define NSW_ENTER_EXIT_NOT_FOUND   127

/* The namespaces of pid that are not the caller's, as CLONE_NEW* bits. */
int nsw_enter_ns_flags(pid_t pid, unsigned long *flags, struct nsw_error *err);

struct nsw_enter {
	const struct nsw_instance *in; /* the container: name, init pid, cgroups */
	int pidfd;		       /* on in->pid, checked by the caller to be it */
	unsigned long ns_flags;	       /* the namespaces joined (nsw_enter_ns_flags) */
	const int *keep;	       /* fds the process keeps besides stdio */
	int n_keep;
	/*
	 * The process, in the container as root of its user namespace with
	 * the caller's capabilities: never returns (an exec, or
	 * nsw_enter_fail() through errpipe, which it must keep open).
	 */
	void (*fn)(void *arg, int errpipe);
	void *arg;
};

/*
 * Start e's process. *pid: its host pid. *report: the read end of its
 * report pipe, which nsw_enter_report() reads. -1 with err (status 125)
 * if the joiner failed (a cgroup, a namespace) or the process could not
 * be made; nothing is left then.
 */
int nsw_enter_spawn(const struct nsw_enter *e, pid_t *pid, int *report, struct nsw_error *err);

/*
 * Wait for the report and close it: 0 once the process has executed its
 * program (the pipe is close-on-exec) or exited without a word; -1 with
 * the error it sent (and that error's exit status).
 */
int nsw_enter_report(int report, struct nsw_error *err);

/* In fn: send err (status 125 unless set) through errpipe and _exit with its status. */
__attribute__((noreturn)) void nsw_enter_fail(int errpipe, struct nsw_error *err);

/*
 * The fn of exec: a command under a description's process settings
 * (identity, groups, rlimits, capabilities, no_new_privs, umask, workdir,
 * environment, c->tty, seccomp filter, in that order, as run's init).
 */
struct nsw_enter_command {
	const struct nsw_container *c;
	char **argv;
	/* With c->tty: the terminal's master goes there (nsw_tty_send_master). */
	int tty_sock;
	/* The caller waits for the command: it dies with the caller (detached: not). */
	bool die_with_parent;
};

__attribute__((noreturn)) void nsw_enter_command_main(void *arg, int errpipe);

#endif /* NSW_ENTER_H */
