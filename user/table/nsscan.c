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
#include "table/nsscan.h"
#include "lib/nsnames.h"
#include "lib/util.h"

/* Linux 6.18 has it; Debian 12's headers do not. */
#ifndef NS_GET_ID
#define NS_GET_ID _IOR(0xb7, 13, __u64)
#endif

#define PF_KTHREAD 0x00200000UL

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
	char buf[4096];
	const char *line;

	if (read_at(dfd, "status", buf, sizeof(buf)) < 0)
		return -1;
	line = strstr(buf, "\nUid:");
	if (!line || sscanf(line + 5, "%u", uid) != 1)
		return -1;
	return 0;
}

int nsw_read_proc_ns(pid_t pid, struct nsw_proc_ns *p)
{
	cleanup_close int dfd = -1;
	char path[32], buf[1024];
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
		char name[40];

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
			pid_t *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

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

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' &&
		    r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0');
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* "net:[4026532177]" -> type and inode. */
static int parse_nsfs_root(const char *root, unsigned int *type, __u32 *inode)
{
	const char *br = strstr(root, ":[");
	unsigned long long v;
	char *end;

	if (!br)
		return -1;
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++) {
		if (strlen(nsw_types[i].name) != (size_t)(br - root) ||
		    strncmp(root, nsw_types[i].name, br - root))
			continue;
		errno = 0;
		v = strtoull(br + 2, &end, 10);
		if (errno || end == br + 2 || strcmp(end, "]") || !v || v > UINT32_MAX)
			return -1;
		*type = i;
		*inode = v;
		return 0;
	}
	return -1;
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] -
 * FSTYPE SOURCE SUPEROPTS". 1 if it is an nsfs mount (filled in), else 0.
 */
static int parse_mountinfo_line(char *line, struct nsw_nsfs_mount *m)
{
	char *f[6], *save = NULL, *tok, *fstype = NULL;
	int i = 0;

	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (i < 6) {
			f[i++] = tok;
		} else if (!strcmp(tok, "-")) {
			fstype = strtok_r(NULL, " \n", &save);
			break;
		}
	}
	if (i < 6 || !fstype || strcmp(fstype, "nsfs"))
		return 0;
	unescape_octal(f[3]);
	unescape_octal(f[4]);
	if (parse_nsfs_root(f[3], &m->type, &m->inode) < 0)
		return 0;
	if (snprintf(m->path, sizeof(m->path), "%s", f[4]) >= (int)sizeof(m->path))
		return 0;
	return 1;
}

int nsw_scan_nsfs_mounts(struct nsw_nsfs_mount **mounts, size_t *n,
			 struct nsw_error *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	struct nsw_nsfs_mount *v = NULL, m;
	size_t count = 0, cap = 0, len = 0;

	*mounts = NULL;
	*n = 0;
	if (!f)
		return nsw_error(err, errno, "cannot open /proc/self/mountinfo");
	while (getline(&line, &len, f) > 0) {
		if (!parse_mountinfo_line(line, &m))
			continue;
		if (count == cap) {
			struct nsw_nsfs_mount *nv;

			nv = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*v));
			if (!nv) {
				free(v);
				return nsw_error(err, ENOMEM, "reading nsfs mounts");
			}
			v = nv;
		}
		v[count++] = m;
	}
	if (ferror(f)) {
		free(v);
		return nsw_error(err, EIO, "cannot read /proc/self/mountinfo");
	}
	*mounts = v;
	*n = count;
	return 0;
}

const char *nsw_netns_name(const struct nsw_nsfs_mount *m)
{
	static const char *const dirs[] = { "/run/netns/", "/var/run/netns/" };

	if (strcmp(nsw_types[m->type].name, "net"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		size_t n = strlen(dirs[i]);
		const char *name = m->path + n;

		if (!strncmp(m->path, dirs[i], n) && *name && !strchr(name, '/'))
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

int nsw_ns_meta_pid(pid_t pid, unsigned int type, __u32 expected_inode,
		    struct nsw_ns_meta *m, struct nsw_error *err)
{
	cleanup_close int fd = -1;
	char path[64];
	struct stat st;

	if (type >= NSW_TYPE_COUNT)
		return nsw_error(err, EINVAL, "namespace type %u", type);
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, nsw_types[type].name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0)
		return nsw_error(err, errno, "fstat %s", path);
	if (expected_inode && st.st_ino != expected_inode)
		return nsw_error(err, ESRCH, "%s is %s:[%lu], not [%u] any more", path,
				 nsw_types[type].name, (unsigned long)st.st_ino,
				 expected_inode);
	return nsw_ns_meta_fd(fd, m, err);
}
