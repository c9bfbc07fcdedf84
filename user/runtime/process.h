/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process setup shared by run's init, run's monitor and exec: the
 * container's identity and environment, the signals passed on to the
 * command, its exit status.
 */
#ifndef NSW_PROCESS_H
#define NSW_PROCESS_H

#include <signal.h>
#include "runtime/container.h"
#include "lib/error.h"

/* Exit status of a process killed by signal N: NSW_EXIT_SIGNAL_BASE + N. */
#define NSW_EXIT_SIGNAL_BASE 128
/* Neither exited nor killed (cannot happen after WEXITED). */
#define NSW_EXIT_UNKNOWN 255

/* Process security: ids, caps, no_new_privs. */
int nsw_apply_identity(const struct nsw_container *c, struct nsw_error *err);
/*
 * OCI, noNewPrivileges false with a seccomp filter: the kernel loads a
 * filter without no_new_privs only for CAP_SYS_ADMIN, so the capabilities
 * are cut after the filter is loaded (nsw_apply_caps), as runc does.
 */
bool nsw_caps_deferred(const struct nsw_container *c);
int nsw_apply_caps(const struct nsw_container *c, struct nsw_error *err);

/*
 * The container environment (defaults, then --env) in a new NULL-ended
 * array whose strings it owns; NULL if out of memory.
 */
char **nsw_build_env(const struct nsw_container *c);
void nsw_free_env(char **env);

/* The signals run and exec pass on to their command (blocked meanwhile). */
void nsw_forwarded_signals(sigset_t *set);

/*
 * Forward those signals to pidfd's process until it exits; while waiting,
 * call ready(arg) whenever extra_fd (-1: none) polls readable. Its exit
 * status.
 */
int nsw_wait_forwarding(int pidfd, int extra_fd, void (*ready)(void *),
			void *arg);
/* The same; *end (if not NULL): how it ended, as waitid() told (si_code, si_status). */
int nsw_wait_forwarding_si(int pidfd, int extra_fd, void (*ready)(void *),
			   void *arg, siginfo_t *end);
static inline int nsw_forward_and_wait(int pidfd)
{
	return nsw_wait_forwarding(pidfd, -1, NULL, NULL);
}

/* The exit status a shell would give: code, or 128+N for signal N. */
int nsw_wait_status(int status);

#endif /* NSW_PROCESS_H */
