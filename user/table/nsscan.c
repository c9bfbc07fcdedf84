// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <libmount/libmount.h>
#include "lib/lazylib.h"
#include "table/nsscan.h"
#include "lib/nsnames.h"
#include "lib/util.h"

/* Linux 6.18 has it; Debian 12's headers do not. */
#ifndef NS_GET_ID
#define NS_GET_ID _IOR(0xb7, 13, __u64)
#endif

/* include/linux/sched.h: the task flag of a kernel thread (not UAPI). */
#define PF_KTHREAD 0x00200000UL

#define NSW_MOUNTINFO "/proc/self/mountinfo"
/* An nsfs mount's root: "net:[4026532177]". */
#define NSFS_ROOT_OPEN ":["
#define NSFS_ROOT_CLOSE "]"
#define NSFS_TYPE_NAME_MAX 16
#define NSFS_MOUNTS_FIRST 8
#define PIDS_FIRST 256

/* "/proc/PID..." paths. */
#define PROC_PATH_LEN 64
/* /proc/PID/stat: pid, comm (at most 64 bytes escaped), then 50 numbers. */
#define PROC_STAT_LEN 1024
#define PROC_STATUS_LEN 4096
#define STATUS_UID "\nUid:"

/* Where `ip netns` keeps its mounts. */
static const char *const netns_dirs[] = { "/run/netns/", "/var/run/netns/" };

/*
 * /proc/PID/stat: "pid (comm) state ppid pgrp session tty tpgid flags ...".
 * comm may hold spaces and parentheses, so it ends at the last ')'.
 */
static int parse_stat(const char *buf, struct nsw_proc_ns *p)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	unsigned long flags;
	size_t n;
	char state;
	int ppid;

	if (!open || !close || close < open)
		return -1;
	if (sscanf(close + 1, " %c %d %*d %*d %*d %*d %lu", &state, &ppid,
		   &flags) != 3)
		return -1;
	n = close - open - 1;
	if (n >= sizeof(p->comm))
		n = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, n);
	p->comm[n] = '\0';
	p->ppid = ppid;
	p->kthread = flags & PF_KTHREAD;
	return 0;
}

static ssize_t read_at(int dfd, const char *name, char *buf, size_t len)
{
	cleanup_close int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static int read_real_uid(int dfd, uid_t *uid)
{
	char buf[PROC_STATUS_LEN];
	const char *line;

	if (read_at(dfd, "status", buf, sizeof(buf)) < 0)
		return -1;
	line = strstr(buf, STATUS_UID);
	if (!line || sscanf(line + strlen(STATUS_UID), "%u", uid) != 1)
		return -1;
	return 0;
}

int nsw_read_proc_ns(pid_t pid, struct nsw_proc_ns *p)
{
	cleanup_close int dfd = -1;
	char path[PROC_PATH_LEN], buf[PROC_STAT_LEN];
	struct stat st;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "/proc/%d", pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0)
		return -1;
	p->pid = pid;
	p->proc_uid = st.st_uid;
	if (read_at(dfd, "stat", buf, sizeof(buf)) <= 0 || parse_stat(buf, p) < 0)
		return -1;
	if (read_real_uid(dfd, &p->uid) < 0)
		return -1;
	for (unsigned int s = 0; s < NSW_SLOT_COUNT; s++) {
		char name[PROC_PATH_LEN];

		snprintf(name, sizeof(name), "ns/%s", nsw_slot_name(s));
		/* EACCES (no ptrace access) and ENOENT (a zombie) leave 0. */
		if (fstatat(dfd, name, &st, 0) == 0)
			p->ns[s] = st.st_ino;
	}
	/* Gone meanwhile: its slots may be half read. */
	if (faccessat(dfd, "stat", F_OK, 0) < 0)
		return -1;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int list_pids(pid_t **out, size_t *n, struct nsw_error *err)
{
	DIR *d = opendir("/proc");
	pid_t *v = NULL;
	size_t count = 0, cap = 0;
	struct dirent *e;

	if (!d)
		return nsw_error(err, errno, "cannot read /proc");
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (!isdigit((unsigned char)e->d_name[0]) || *end || pid <= 0)
			continue;
		if (count == cap) {
			pid_t *nv = realloc(v, (cap = cap ? cap * 2 : PIDS_FIRST) * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(d);
				return nsw_error(err, ENOMEM, "listing /proc");
			}
			v = nv;
		}
		v[count++] = pid;
	}
	closedir(d);
	if (count)
		qsort(v, count, sizeof(*v), cmp_pid);
	*out = v;
	*n = count;
	return 0;
}

int nsw_scan_procs(int (*fn)(const struct nsw_proc_ns *p, void *data),
		   void *data, struct nsw_error *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;

	if (list_pids(&pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct nsw_proc_ns p;
		int ret;

		if (nsw_read_proc_ns(pids[i], &p) < 0)
			continue;
		ret = fn(&p, data);
		if (ret)
			return ret;
	}
	return 0;
}

/* "net:[4026532177]", an nsfs mount's root -> type and inode. */
static int parse_nsfs_root(const char *root, unsigned int *type, __u32 *inode)
{
	const char *br = strstr(root, NSFS_ROOT_OPEN);
	char name[NSFS_TYPE_NAME_MAX];
	const char *num;
	unsigned long long v;
	unsigned int t;
	char *end;

	if (!br || (size_t)(br - root) >= sizeof(name))
		return -1;
	memcpy(name, root, br - root);
	name[br - root] = '\0';
	t = nsw_type_index(name);
	if (t >= NSW_TYPE_COUNT)
		return -1;
	num = br + strlen(NSFS_ROOT_OPEN);
	errno = 0;
	v = strtoull(num, &end, 10);
	if (errno || end == num || strcmp(end, NSFS_ROOT_CLOSE) || !v || v > UINT32_MAX)
		return -1;
	*type = t;
	*inode = v;
	return 0;
}

/* 1 if fs is an nsfs mount (m filled in), else 0. */
static int nsfs_mount_of(struct libmnt_fs *fs, struct nsw_nsfs_mount *m)
{
	const char *fstype = mnt_fs_get_fstype(fs);
	const char *root = mnt_fs_get_root(fs);
	const char *target = mnt_fs_get_target(fs);

	if (!fstype || strcmp(fstype, "nsfs") || !root || !target)
		return 0;
	if (parse_nsfs_root(root, &m->type, &m->inode) < 0)
		return 0;
	if (snprintf(m->path, sizeof(m->path), "%s", target) >= (int)sizeof(m->path))
		return 0;
	return 1;
}

int nsw_scan_nsfs_mounts(struct nsw_nsfs_mount **mounts, size_t *n,
			 struct nsw_error *err)
{
	cleanup_mnt_table struct libmnt_table *tb = NULL;
	cleanup_mnt_iter struct libmnt_iter *it = NULL;
	cleanup_free struct nsw_nsfs_mount *v = NULL;
	size_t count = 0, cap = 0;
	struct libmnt_fs *fs;
	struct nsw_nsfs_mount m;

	*mounts = NULL;
	*n = 0;
	if (nsw_mnt_read_table(NSW_MOUNTINFO, &tb, err) < 0)
		return -1;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return nsw_error(err, ENOMEM, "reading nsfs mounts");
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		if (!nsfs_mount_of(fs, &m))
			continue;
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : NSFS_MOUNTS_FIRST;
			struct nsw_nsfs_mount *nv = realloc(v, ncap * sizeof(*v));

			if (!nv)
				return nsw_error(err, ENOMEM, "reading nsfs mounts");
			v = nv;
			cap = ncap;
		}
		v[count++] = m;
	}
	*mounts = steal_pointer(&v);
	*n = count;
	return 0;
}

const char *nsw_netns_name(const struct nsw_nsfs_mount *m)
{
	if (strcmp(nsw_types[m->type].name, "net"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(netns_dirs); i++) {
		size_t n = strlen(netns_dirs[i]);
		const char *name = m->path + n;

		if (!strncmp(m->path, netns_dirs[i], n) && *name && !strchr(name, '/'))
			return name;
	}
	return NULL;
}

static int type_of_flag(int flag)
{
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++)
		if (nsw_types[i].flag == (__u64)flag)
			return i;
	return -1;
}

/*
 * The inode of the namespace an nsfs ioctl hands back as a new fd; 0 when
 * it is out of reach (EPERM: above the caller's user namespace, or the
 * initial one, which has no owner or parent).
 */
static int related_inode(int fd, unsigned long req, const char *what,
			 __u32 *inode, struct nsw_error *err)
{
	cleanup_close int rfd = ioctl(fd, req);
	struct stat st;

	*inode = 0;
	if (rfd < 0) {
		if (errno == EPERM)
			return 0;
		return nsw_error(err, errno, "nsfs %s", what);
	}
	if (fstat(rfd, &st) < 0)
		return nsw_error(err, errno, "fstat of the %s namespace", what);
	*inode = st.st_ino;
	return 0;
}

int nsw_ns_meta_fd(int fd, struct nsw_ns_meta *m, struct nsw_error *err)
{
	struct stat st;
	__u64 id = 0;
	int flag, type;
	const char *name;

	memset(m, 0, sizeof(*m));
	if (fstat(fd, &st) < 0)
		return nsw_error(err, errno, "fstat of a namespace file");
	flag = ioctl(fd, NS_GET_NSTYPE);
	if (flag < 0)
		return nsw_error(err, errno, "NS_GET_NSTYPE: not a namespace file");
	type = type_of_flag(flag);
	if (type < 0)
		return nsw_error(err, 0, "NS_GET_NSTYPE: unknown type 0x%x", flag);
	m->type = type;
	m->inode = st.st_ino;
	name = nsw_types[type].name;
	/* Older kernels: ENOTTY; a type without ids: EINVAL. */
	if (ioctl(fd, NS_GET_ID, &id) == 0)
		m->ns_id = id;
	else if (errno != ENOTTY && errno != EINVAL)
		return nsw_error(err, errno, "NS_GET_ID of %s:[%lu]", name,
				 (unsigned long)st.st_ino);
	if (related_inode(fd, NS_GET_USERNS, "owner", &m->owner_user, err) < 0)
		return -1;
	if (!strcmp(name, "pid") || !strcmp(name, "user")) {
		if (related_inode(fd, NS_GET_PARENT, "parent", &m->parent, err) < 0)
			return -1;
	}
	if (!strcmp(name, "user")) {
		uid_t uid;

		if (ioctl(fd, NS_GET_OWNER_UID, &uid) == 0) {
			m->owner_uid = uid;
			m->owner_uid_valid = true;
		}
	}
	return 0;
}

int nsw_ns_meta_slot(pid_t pid, unsigned int slot, __u32 expected_inode,
		     struct nsw_ns_meta *m, struct nsw_error *err)
{
	cleanup_close int fd = -1;
	char path[PROC_PATH_LEN];
	struct stat st;

	if (slot >= NSW_SLOT_COUNT)
		return nsw_error(err, EINVAL, "namespace slot %u", slot);
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, nsw_slot_name(slot));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0)
		return nsw_error(err, errno, "fstat %s", path);
	if (expected_inode && st.st_ino != expected_inode)
		return nsw_error(err, ESRCH, "%s is [%lu], not [%u] any more", path,
				 (unsigned long)st.st_ino, expected_inode);
	return nsw_ns_meta_fd(fd, m, err);
}

int nsw_ns_meta_pid(pid_t pid, unsigned int type, __u32 expected_inode,
		    struct nsw_ns_meta *m, struct nsw_error *err)
{
	if (type >= NSW_TYPE_COUNT)
		return nsw_error(err, EINVAL, "namespace type %u", type);
	return nsw_ns_meta_slot(pid, nsw_types[type].slot, expected_inode, m, err);
}

/* Up to len - 1 bytes of /proc/PID/NAME; the count, -1 if unreadable. */
static ssize_t read_proc_file(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[PROC_PATH_LEN];
	cleanup_close int fd = -1;
	ssize_t n = 0, r;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
	return n;
}

void nsw_proc_command(pid_t pid, char *buf, size_t len)
{
	ssize_t n = read_proc_file(pid, "cmdline", buf, len);

	if (n > 0) {
		/* A NUL ends each argument; the last one ends the line. */
		if (buf[n - 1] == '\0')
			n--;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		return;
	}
	if (read_proc_file(pid, "comm", buf, len) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}
