// SPDX-License-Identifier: GPL-2.0
/*
 * What a container's process holds when it execs (CVE-2024-21626): the fds,
 * the working directory, the parent-death signal. Shared by run's init and
 * exec's command.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include "runtime/fds.h"
#include "lib/util.h"

/* The most fds a caller may ask to keep. */
#define NSW_FDS_KEEP_MAX 8

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int nsw_close_fds_except(const int *keep, int n, struct nsw_error *err)
{
	int sorted[NSW_FDS_KEEP_MAX];
	unsigned int from = STDERR_FILENO + 1;

	if (n > NSW_FDS_KEEP_MAX)
		return nsw_error(err, EINVAL, "too many fds to keep");
	memcpy(sorted, keep, n * sizeof(*keep));
	qsort(sorted, n, sizeof(*sorted), cmp_int);
	for (int i = 0; i < n; i++) {
		unsigned int k = sorted[i];

		if (sorted[i] < 0 || k < from)
			continue;
		if (k > from && syscall(SYS_close_range, from, k - 1, 0) < 0)
			return nsw_error(err, errno, "close_range");
		from = k + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0) < 0)
		return nsw_error(err, errno, "close_range");
	return 0;
}

/*
 * path under the root of this process: ".." and absolute symlinks stay
 * inside it, and /proc/self/fd/N and the like (magic links, which jump to
 * whatever the fd is) are refused.
 */
static int open_in_root(const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return -1;
	return syscall(SYS_openat2, root, path, &how, sizeof(how));
}

int nsw_enter_workdir(const char *dir, struct nsw_error *err)
{
	cleanup_close int fd = open_in_root(dir, O_PATH | O_DIRECTORY);
	char cwd[PATH_MAX];

	if (fd < 0 || fchdir(fd) < 0)
		return nsw_error(err, errno, "--workdir %s in the container", dir);
	/*
	 * A directory the root cannot reach has no path from it: glibc's
	 * getcwd() says ENOENT for the kernel's "(unreachable)".
	 */
	if (!getcwd(cwd, sizeof(cwd)) && errno == ENOENT)
		return nsw_error(err, 0, "--workdir %s is outside the container's root",
				 dir);
	return 0;
}

static bool kept(int fd, const int *keep, int n)
{
	for (int i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* What fd is, for the message: its /proc/self/fd link. */
static void fd_target(int dir, const char *name, char *buf, size_t len)
{
	ssize_t r = readlinkat(dir, name, buf, len - 1);

	if (r < 0)
		r = snprintf(buf, len, "?");
	buf[r] = '\0';
}

int nsw_check_fds(const int *keep, int n, struct nsw_error *err)
{
	int dfd = open_in_root("/proc/self/fd", O_RDONLY | O_DIRECTORY);
	struct dirent *de;
	struct statfs sfs;
	struct stat st;
	DIR *d;
	int r = 0;

	for (int fd = 0; fd <= STDERR_FILENO; fd++)
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
			return nsw_error(err, 0,
					 "fd %d is a directory: it would give the container a handle on the host's files",
					 fd);
	if (dfd < 0)
		return nsw_error(err, errno, "cannot list the open fds: /proc/self/fd in the container");
	if (fstatfs(dfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(dfd);
		return nsw_error(err, 0, "cannot list the open fds: /proc in the container is not a procfs");
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return nsw_error(err, errno, "cannot list the open fds");
	}
	while (r == 0 && (de = readdir(d))) {
		char target[PATH_MAX];
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd <= STDERR_FILENO || fd == dfd || kept(fd, keep, n))
			continue;
		fd_target(dfd, de->d_name, target, sizeof(target));
		r = nsw_error(err, 0, "fd %d (%s) is still open before exec: refused",
			      fd, target);
	}
	closedir(d);
	return r;
}

int nsw_die_with_parent(int peer_fd, struct nsw_error *err)
{
	struct pollfd p = { .fd = peer_fd };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return nsw_error(err, errno, "PR_SET_PDEATHSIG");
	/*
	 * The parent may have exited before the signal was set: then nothing
	 * will come. Its end of peer_fd was closed before it looked for
	 * children to signal; the fence orders our setting before this look.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (poll(&p, 1, 0) < 0)
		return nsw_error(err, errno, "poll");
	if (p.revents & (POLLHUP | POLLERR))
		return nsw_error(err, 0, "the parent exited");
	return 0;
}
