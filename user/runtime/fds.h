/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a container's process (run's init, exec's command) holds when it
 * execs: no host file descriptor, a working directory inside the
 * container's root, and a tie to the process that waits for it
 * (CVE-2024-21626; the parent-death signal).
 */
#ifndef NSW_FDS_H
#define NSW_FDS_H

#include "lib/error.h"

/*
 * Close every fd above stdio but the n in keep: before anything the user
 * controls is resolved, so no inherited handle (the caller's, the
 * monitor's) can be reached through /proc/self/fd.
 */
int nsw_close_fds_except(const int *keep, int n, struct nsw_error *err);

/*
 * chdir() to dir, resolved inside the process's root: symlinks (the
 * image's, or the path given) stay under it and no /proc/self/fd/N magic
 * link is followed, so the directory is in the container.
 */
int nsw_enter_workdir(const char *dir, struct nsw_error *err);

/*
 * Just before exec: the only fds above stdio are the n in keep, and no
 * stdio fd is a directory (a handle on the host's tree). Read from the
 * container's /proc, which must be a procfs.
 */
int nsw_check_fds(const int *keep, int n, struct nsw_error *err);

/*
 * SIGKILL when the parent exits (PR_SET_PDEATHSIG), after the last change
 * of ids, which clears it. peer_fd: a socket or pipe end whose other end
 * only the parent holds; if the parent already died, it is hung up and
 * this fails.
 */
int nsw_die_with_parent(int peer_fd, struct nsw_error *err);

#endif /* NSW_FDS_H */
