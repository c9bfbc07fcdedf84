/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime's contract with the command line: run a container, find a
 * running one, signal it, remove what it left. Inside, one file per
 * concern:
 *
 *   monitor.c    the monitor's phases, in order (claim, spawn, prepare,
 *                start, wait, release) and the failure path
 *   init.c       the container's first process, from clone3() to execvp()
 *   protocol.c   the messages between the two (protocol.h)
 *   observer.h   what an observer (run --trace) is told, typed
 *   process.c    identity, environment, signals, exit status (run and exec)
 *   fds.c        no host fd, the workdir inside the root, parent death
 *   tty.c        the container's own session; -t's pseudo-terminal and its relay
 *   masks.c      masked and read-only paths, on the init's own mounts
 *   layer.c      the container's writable layer over the rootfs
 *   seccomp.c    the filter: profiles (OCI, Docker), Docker's default
 *                (seccomp_default.c)
 *   alloc.c      id ranges and addresses, under the state lock
 *   kernel.c     the running kernel's version, for errors that are its age
 *   container.c  the description
 *   state.c      the state directory and lock; state_parse.c reads a state
 *                file as untrusted input
 *   cgroup.c, netdev.c, caps.c   the host's side
 */
#ifndef NSW_RUNTIME_H
#define NSW_RUNTIME_H

#include "runtime/container.h"
#include "runtime/observer.h"
#include "runtime/state.h"
#include "lib/error.h"

/*
 * Create, start and wait for a container (--detach: until its command
 * runs). obs (NULL: none) is told each step; not with c->detach. The exit
 * status of the command (0 when detached), or -1 with err filled and
 * err->status the exit status to end with (125: the runtime failed, 126:
 * the command cannot be executed, 127: it was not found).
 */
int nsw_run(struct nsw_container *c, const struct nsw_observer *obs,
	    struct nsw_error *err);

/* Remove what a container holds on the host (cgroup, veth, bridge, layer, state). */
int nsw_release(const struct nsw_instance *in, struct nsw_error *err);
/*
 * The same, with the state lock held. err must start empty; it ends with
 * the last failure, if any (each part is tried).
 */
void nsw_release_locked(const struct nsw_instance *in, struct nsw_error *err);
/*
 * The same, but the state directory stays (with output.log): a detached
 * container's end is recorded in it, for ps -a and logs, until rm.
 */
void nsw_release_held_locked(const struct nsw_instance *in, struct nsw_error *err);

/*
 * Load a container's state (and, if c is not NULL, its options) and open a
 * pidfd on its init, checked to be the recorded process: the pidfd, or -1
 * with "not running".
 */
int nsw_open_init(const char *name, struct nsw_instance *in,
		  struct nsw_container *c, struct nsw_error *err);
/*
 * rm -f of a container being created: SIGKILL its monitor, if the recorded
 * pid is still this container's monitor (0 if it is not, or gone).
 */
int nsw_kill_monitor(const struct nsw_instance *in, struct nsw_error *err);
/*
 * Under the lock, remove container name's directory, and nothing its state
 * names, if it has no state file (a start killed before its first save) or,
 * with invalid, an invalid one. 0 done, 1 if the state turned out to be a
 * valid one meanwhile (rm as usual), -1.
 */
int nsw_remove_unrecorded(const char *name, bool invalid, struct nsw_error *err);
/* Signal a container's init through a pidfd (kill, rm -f). */
int nsw_signal_container(const char *name, int sig, struct nsw_error *err);

/*
 * Re-exec from an image of the binary nobody can write (a lower-only
 * overlay, or a sealed memfd copy), unless already (CVE-2019-5736).
 */
int nsw_reexec_sealed(char **argv, struct nsw_error *err);

#endif /* NSW_RUNTIME_H */
