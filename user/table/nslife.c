// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace lifetimes from the kernel: nsfs file handles where the kernel
 * has them, a bounded search of file descriptors and mounts where not.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "table/nslife.h"
#include "table/nsscan.h"
#include "lib/clock.h"
#include "lib/nsnames.h"
#include "lib/util.h"

/*
 * include/uapi/linux/fcntl.h and exportfs.h of Linux 6.18: the nsfs root
 * for open_by_handle_at() and the handle type of an nsfs file. Debian 12's
 * headers have neither.
 */
#define NSW_FD_NSFS_ROOT (-10003)
#define NSW_FILEID_NSFS 0xf1

/* include/uapi/linux/nsfs.h: struct nsfs_file_handle. */
struct nsw_nsfs_handle {
	__u64 ns_id;
	__u32 ns_type; /* the CLONE_NEW* flag */
	__u32 ns_inum;
};

#define PROC_DIR "/proc"
#define FD_PATH_LEN 64
/* "cgroup:[4294967295]" and room to spare. */
#define NS_LINK_LEN 64

/* A path longer than the room is still worth showing, cut. */
static void copy_cut(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

const char *nsw_holder_kind_name(enum nsw_holder_kind k)
{
	switch (k) {
	case NSW_HOLDER_FD:
		return "fd";
	case NSW_HOLDER_MOUNT:
		return "mount";
	case NSW_HOLDER_OWNER:
		return "owner";
	case NSW_HOLDER_PARENT:
		return "parent";
	case NSW_HOLDER_UNKNOWN:
		break;
	}
	return "unknown";
}

void nsw_holder_text(const struct nsw_ns_holder *h, char *buf, size_t len)
{
	switch (h->kind) {
	case NSW_HOLDER_FD:
		snprintf(buf, len, "fd %d of pid %d", h->fd, (int)h->pid);
		return;
	case NSW_HOLDER_MOUNT:
		snprintf(buf, len, "mount at %s", h->path);
		return;
	case NSW_HOLDER_OWNER:
	case NSW_HOLDER_PARENT:
		snprintf(buf, len, "%s of %s:[%u]", nsw_holder_kind_name(h->kind),
			 h->ns_type < NSW_TYPE_COUNT ? nsw_types[h->ns_type].name : "?",
			 h->ns_inode);
		return;
	case NSW_HOLDER_UNKNOWN:
		break;
	}
	snprintf(buf, len, "unknown");
}

int nsw_ns_alive(unsigned int type, __u32 inode, __u64 ns_id)
{
	struct {
		struct file_handle h;
		struct nsw_nsfs_handle ns;
	} fh;
	int fd;

	if (!ns_id || type >= NSW_TYPE_COUNT)
		return -1;
	memset(&fh, 0, sizeof(fh));
	fh.h.handle_bytes = sizeof(fh.ns);
	fh.h.handle_type = NSW_FILEID_NSFS;
	fh.ns.ns_id = ns_id;
	fh.ns.ns_type = nsw_types[type].flag;
	fh.ns.ns_inum = inode;
	fd = open_by_handle_at(NSW_FD_NSFS_ROOT, &fh.h, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	/* ESTALE is the kernel saying it is freed; anything else says nothing. */
	return errno == ESTALE ? 0 : -1;
}

/* "uts:[4026532301]" names (type, inode). */
static bool link_is(const char *link, unsigned int type, __u32 inode)
{
	char want[NS_LINK_LEN];

	snprintf(want, sizeof(want), "%s:[%u]", nsw_types[type].name, inode);
	return !strcmp(link, want);
}

bool nsw_ns_fd_is(pid_t pid, int fd, unsigned int type, __u32 inode)
{
	char path[FD_PATH_LEN], link[NS_LINK_LEN];
	ssize_t n;

	if (pid <= 0 || fd < 0 || type >= NSW_TYPE_COUNT)
		return false;
	snprintf(path, sizeof(path), PROC_DIR "/%d/fd/%d", (int)pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	return link_is(link, type, inode);
}

bool nsw_ns_mount_of(unsigned int type, __u32 inode, char *path, size_t len)
{
	cleanup_free struct nsw_nsfs_mount *m = NULL;
	struct nsw_error err;
	size_t n = 0;

	if (nsw_scan_nsfs_mounts(&m, &n, &err) < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (m[i].type == type && m[i].inode == inode) {
			copy_cut(path, len, m[i].path);
			return true;
		}
	}
	return false;
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* One process's descriptors against the queries. */
static void scan_fds(int proc_fd, const char *pid_name, struct nsw_ns_query *q, size_t n)
{
	__attribute__((cleanup(closedirp))) DIR *d = NULL;
	char sub[FD_PATH_LEN], link[NS_LINK_LEN];
	struct dirent *de;
	int dfd;

	snprintf(sub, sizeof(sub), "%s/fd", pid_name);
	dfd = openat(proc_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		/* Anything but an nsfs file is longer or has no ":[". */
		if (len <= 0 || !memchr(link, '[', len))
			continue;
		link[len] = '\0';
		for (size_t i = 0; i < n; i++) {
			if (q[i].found || !link_is(link, q[i].type, q[i].inode))
				continue;
			q[i].found = true;
			q[i].holder.kind = NSW_HOLDER_FD;
			q[i].holder.pid = atoi(pid_name);
			q[i].holder.fd = atoi(de->d_name);
		}
	}
}

bool nsw_ns_fd_of(pid_t pid, unsigned int type, __u32 inode, int *fd)
{
	struct nsw_ns_query q = { .type = type, .inode = inode };
	char name[FD_PATH_LEN];
	int proc;

	if (pid <= 0 || type >= NSW_TYPE_COUNT)
		return false;
	proc = open(PROC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return false;
	snprintf(name, sizeof(name), "%d", (int)pid);
	scan_fds(proc, name, &q, 1);
	close(proc);
	if (q.found)
		*fd = q.holder.fd;
	return q.found;
}

static bool all_found(const struct nsw_ns_query *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!q[i].found)
			return false;
	return true;
}

int nsw_ns_scan_holders(struct nsw_ns_query *q, size_t n, long long budget_ns,
			bool *complete, struct nsw_error *err)
{
	__attribute__((cleanup(closedirp))) DIR *proc = NULL;
	long long deadline = nsw_mono_ns() + budget_ns;
	struct dirent *de;

	cleanup_free struct nsw_nsfs_mount *m = NULL;
	size_t nm = 0;

	*complete = false;
	if (nsw_scan_nsfs_mounts(&m, &nm, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		memset(&q[i].holder, 0, sizeof(q[i].holder));
		q[i].found = false;
		for (size_t j = 0; j < nm && !q[i].found; j++) {
			if (m[j].type != q[i].type || m[j].inode != q[i].inode)
				continue;
			q[i].found = true;
			q[i].holder.kind = NSW_HOLDER_MOUNT;
			copy_cut(q[i].holder.path, sizeof(q[i].holder.path), m[j].path);
		}
	}
	proc = opendir(PROC_DIR);
	if (!proc)
		return nsw_error(err, errno, "cannot open " PROC_DIR);
	while (!all_found(q, n) && (de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (nsw_mono_ns() >= deadline)
			return 0;
		scan_fds(dirfd(proc), de->d_name, q, n);
	}
	*complete = true;
	return 0;
}
