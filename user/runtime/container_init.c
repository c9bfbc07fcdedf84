// SPDX-License-Identifier: GPL-2.0
/*
 * The container's first process, from clone3() to execvp(): it already sits
 * in the new namespaces and waits for the monitor's SETUP before it touches
 * anything (its uid map does not exist until then).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "runtime/netdev.h"
#include "runtime/runtime.h"
#include "timeline/timeline.h"
#include "lib/util.h"

extern char **environ;

/*
 * --trace: the socket to report each step on (PHASE), -1 untraced. A
 * global of the init's own process: the monitor never sets it.
 */
static int trace_sock = -1;

/* When a step begins; 0 untraced, where no clock is read. */
static __u64 phase_now(void)
{
	return trace_sock >= 0 ? nsw_timeline_now() : 0;
}

/*
 * Report a step done now: an item what (NULL: none) and, if step is not
 * NULL, the span begin..now of that summary step.
 */
static __attribute__((format(printf, 5, 6))) void
phase(const char *what, const char *step, __u64 begin, const char *fields,
      const char *fmt, ...)
{
	struct nsw_msg m = { .type = NSW_MSG_PHASE };
	struct nsw_phase *p = &m.phase;
	va_list ap;

	if (trace_sock < 0)
		return;
	p->ts = nsw_timeline_now();
	p->begin = begin;
	snprintf(p->what, sizeof(p->what), "%s", what ? what : "");
	snprintf(p->step, sizeof(p->step), "%s", step ? step : "");
	snprintf(p->fields, sizeof(p->fields), "%s", fields ? fields : "");
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	/* If the monitor is gone, PDEATHSIG ends us anyway. */
	nsw_msg_send(trace_sock, &m, -1);
}

/* A mount for the timeline: "proc on /proc (nosuid,nodev,noexec)". */
static void phase_mount(const struct nsw_mount *m)
{
	static const struct {
		unsigned int attr;
		const char *name;
	} attrs[] = {
		{ MOUNT_ATTR_RDONLY, "ro" },	 { MOUNT_ATTR_NOSUID, "nosuid" },
		{ MOUNT_ATTR_NODEV, "nodev" },	 { MOUNT_ATTR_NOEXEC, "noexec" },
	};
	char flags[64] = "", list[96] = "", fields[sizeof(((struct nsw_phase *)0)->fields)] = "";
	size_t off = 0, loff = 0;

	if (trace_sock < 0)
		return;
	if (!m->fstype)
		off += snprintf(flags, sizeof(flags), "bind");
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		if (!(m->attr & attrs[i].attr))
			continue;
		off += snprintf(flags + off, sizeof(flags) - off, "%s%s",
				off ? "," : "", attrs[i].name);
		loff += snprintf(list + loff, sizeof(list) - loff, "%s\"%s\"",
				 loff ? "," : "", attrs[i].name);
	}
	/* One member, "mount": {...}; "source" is the item's own key. */
	strcpy(fields, "\"mount\":{");
	nsw_json_field_str(fields + strlen(fields), sizeof(fields) - strlen(fields),
			   "source", m->fstype ? m->fstype : m->source);
	nsw_json_field_str(fields, sizeof(fields), "fstype",
			   m->fstype ? m->fstype : "bind");
	nsw_json_field_str(fields, sizeof(fields), "target", m->target);
	if (m->data)
		nsw_json_field_str(fields, sizeof(fields), "options", m->data);
	off = strlen(fields);
	/* Whole or not at all: the fields must stay valid JSON. */
	if (off + loff + sizeof(",\"flags\":[]}") <= sizeof(fields))
		snprintf(fields + off, sizeof(fields) - off, ",\"flags\":[%s]}", list);
	else
		fields[0] = '\0';
	phase("mount", NULL, 0, fields, "%s on %s (%s%s%s)",
	      m->fstype ? m->fstype : m->source, m->target, flags,
	      m->data ? "; " : "", m->data ? m->data : "");
}

/*
 * Resolve path inside the container's root: absolute symlinks and ".."
 * stay under root_fd, so a symlink in the image cannot point a mount at
 * the host.
 */
static int open_in_root(int root_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

/* Open path under root_fd as an O_PATH fd, making it (and its parents). */
static int make_target(int root_fd, const char *path, bool is_file,
		       struct nsw_error *err)
{
	char parent[PATH_MAX], *slash;
	cleanup_close int pfd = -1;
	const char *base;
	int fd;

	fd = open_in_root(root_fd, path, O_PATH);
	if (fd >= 0 || errno != ENOENT)
		goto done;
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash || !slash[1])
		return nsw_error(err, ENOENT, "mount target %s", path);
	base = path + (slash - parent) + 1;
	if (slash == parent)
		strcpy(parent, "/");
	else
		*slash = '\0';
	pfd = make_target(root_fd, parent, false, err);
	if (pfd < 0)
		return -1;
	if (is_file) {
		fd = openat(pfd, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
					       O_NOFOLLOW, 0644);
		if (fd >= 0)
			close(fd);
	} else {
		fd = mkdirat(pfd, base, 0755);
	}
	if (fd < 0 && errno != EEXIST)
		return nsw_error(err, errno, "cannot create mount target %s in the rootfs",
				 path);
	fd = open_in_root(root_fd, path, O_PATH);
done:
	if (fd < 0)
		return nsw_error(err, errno, "mount target %s in the rootfs", path);
	return fd;
}

/* "a=b,flag" -> fsconfig() calls. */
static int fs_configure(int fsfd, const char *data, struct nsw_error *err)
{
	cleanup_free char *copy = data ? strdup(data) : NULL;
	char *save = NULL;

	if (data && !copy)
		return nsw_error(err, ENOMEM, "mount options");
	for (char *opt = copy ? strtok_r(copy, ",", &save) : NULL; opt;
	     opt = strtok_r(NULL, ",", &save)) {
		char *val = strchr(opt, '=');
		int r;

		if (val) {
			*val++ = '\0';
			r = fsconfig(fsfd, FSCONFIG_SET_STRING, opt, val, 0);
		} else {
			r = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
		}
		if (r < 0)
			return nsw_error(err, errno, "mount option %s", opt);
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsw_error(err, errno, "cannot create the filesystem");
	return 0;
}

/*
 * A clone of a shared mount joins its peer group: anything later mounted
 * on it would propagate back to the host. Every tree we attach is private.
 */
static int set_tree_attr(int tree, unsigned int attr_set)
{
	struct mount_attr attr = { .attr_set = attr_set,
				   .propagation = MS_PRIVATE };

	return mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			     sizeof(attr));
}

/* A detached mount of a new filesystem, or of a host path (a bind). */
static int make_mount(const struct nsw_mount *m, struct nsw_error *err)
{
	cleanup_close int fsfd = -1;
	int mfd;

	if (!m->fstype) {
		mfd = open_tree(AT_FDCWD, m->source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (mfd < 0)
			return nsw_error(err, errno, "cannot bind %s", m->source);
		if (set_tree_attr(mfd, m->attr) < 0) {
			close(mfd);
			return nsw_error(err, errno, "cannot set the flags of the bind of %s",
					 m->source);
		}
		return mfd;
	}
	fsfd = fsopen(m->fstype, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return nsw_error(err, errno, "cannot mount %s on %s", m->fstype,
				 m->target);
	/* What mount(8) and /proc/self/mountinfo show as the device. */
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", m->fstype, 0) < 0)
		return nsw_error(err, errno, "cannot mount %s on %s", m->fstype,
				 m->target);
	if (fs_configure(fsfd, m->data, err) < 0)
		return nsw_error(err, err->errnum, "cannot mount %s on %s: %s",
				 m->fstype, m->target, err->msg);
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, m->attr);
	if (mfd < 0)
		return nsw_error(err, errno, "cannot mount %s on %s", m->fstype,
				 m->target);
	return mfd;
}

/* bind_fd: the bind's tree, cloned earlier (-1 for a new filesystem). */
static int do_mount(int root_fd, const struct nsw_mount *m, int bind_fd,
		    struct nsw_error *err)
{
	cleanup_close int tfd = -1, mfd = bind_fd;

	if (mfd < 0)
		mfd = make_mount(m, err);
	if (mfd < 0)
		return -1;
	tfd = make_target(root_fd, m->target, m->is_file, err);
	if (tfd < 0)
		return -1;
	if (move_mount(mfd, "", tfd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsw_error(err, errno, "cannot mount on %s", m->target);
	return 0;
}

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "/dev/ptmx", "pts/ptmx" },	    { "/dev/fd", "/proc/self/fd" },
	{ "/dev/stdin", "/proc/self/fd/0" }, { "/dev/stdout", "/proc/self/fd/1" },
	{ "/dev/stderr", "/proc/self/fd/2" }, { "/dev/core", "/proc/kcore" },
};

static int make_dev_links(int root_fd, struct nsw_error *err)
{
	cleanup_close int dev = open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);

	if (dev < 0)
		return nsw_error(err, errno, "/dev in the container");
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		const char *base = dev_links[i].name + strlen("/dev/");

		if (symlinkat(dev_links[i].target, dev, base) < 0 && errno != EEXIST)
			return nsw_error(err, errno, "cannot create %s",
					 dev_links[i].name);
	}
	return 0;
}

/*
 * The rootfs as a mount of its own on its own directory (pivot_root wants
 * one); returns the fd of that mount's root. tree_fd is the monitor's
 * idmapped clone, or -1 to clone the directory here.
 */
static int attach_rootfs(int dir_fd, int tree_fd, struct nsw_error *err)
{
	int tree = tree_fd;

	if (tree < 0)
		tree = open_tree(dir_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					      AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return nsw_error(err, errno, "cannot bind the rootfs");
	/* nodev: a node made with CAP_MKNOD must not open a host device. */
	if (set_tree_attr(tree, MOUNT_ATTR_NODEV) < 0 ||
	    move_mount(tree, "", dir_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int e = errno;

		if (tree != tree_fd)
			close(tree);
		return nsw_error(err, e, "cannot attach the rootfs");
	}
	return tree;
}

static int enter_rootfs(struct nsw_error *err)
{
	/* Stacking the old root under the new one, then dropping it. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return nsw_error(err, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return nsw_error(err, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return nsw_error(err, errno, "chdir /");
	return 0;
}

/* The number of paths masked (those that exist), or -1. */
static int mask_paths(const char *const *paths, struct nsw_error *err)
{
	int n = 0;

	for (; paths && *paths; paths++) {
		cleanup_close int tfd = open_in_root(AT_FDCWD, *paths, O_PATH);
		cleanup_close int mfd = -1;
		struct stat st;

		if (tfd < 0) {
			if (errno == ENOENT)
				continue;
			return nsw_error(err, errno, "masked path %s", *paths);
		}
		if (fstat(tfd, &st) < 0)
			return nsw_error(err, errno, "masked path %s", *paths);
		if (S_ISDIR(st.st_mode)) {
			struct nsw_mount m = { .fstype = "tmpfs", .target = (char *)*paths,
					       .attr = MOUNT_ATTR_RDONLY };

			mfd = make_mount(&m, err);
		} else {
			mfd = open_tree(AT_FDCWD, "/dev/null",
					OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
			if (mfd < 0)
				nsw_error(err, errno, "cannot bind /dev/null");
		}
		if (mfd < 0)
			return -1;
		if (move_mount(mfd, "", tfd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return nsw_error(err, errno, "cannot mask %s", *paths);
		n++;
	}
	return n;
}

/* The number of paths made read-only (those that exist), or -1. */
static int readonly_paths(const char *const *paths, struct nsw_error *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	int n = 0;

	for (; paths && *paths; paths++) {
		cleanup_close int tfd = open_in_root(AT_FDCWD, *paths, O_PATH);
		cleanup_close int mfd = -1;

		if (tfd < 0) {
			if (errno == ENOENT)
				continue;
			return nsw_error(err, errno, "read-only path %s", *paths);
		}
		mfd = open_tree(tfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						 AT_RECURSIVE | AT_EMPTY_PATH);
		if (mfd < 0 ||
		    mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro,
				  sizeof(ro)) < 0 ||
		    move_mount(mfd, "", tfd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return nsw_error(err, errno, "cannot make %s read-only", *paths);
		n++;
	}
	return n;
}

/* What must be opened with the caller's own credentials, before become_root. */
struct host_handles {
	int rootfs_dir;
	int binds[NSW_MAX_MOUNTS];
};

static void close_handles(struct host_handles *h, int n)
{
	if (h->rootfs_dir >= 0)
		close(h->rootfs_dir);
	for (int i = 0; i < n; i++)
		if (h->binds[i] >= 0)
			close(h->binds[i]);
}

/*
 * The host paths (rootfs, bind sources) are reached as the user who ran
 * nswatch: once the container's root is an unprivileged host uid, a
 * directory above them may no longer be searchable.
 */
static int open_host_handles(const struct nsw_container *c,
			     struct host_handles *h, struct nsw_error *err)
{
	h->rootfs_dir = -1;
	for (int i = 0; i < c->n_mounts; i++)
		h->binds[i] = -1;
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return nsw_error(err, errno, "cannot make the mounts private");
	phase("private", NULL, 0, NULL, "every mount private (MS_REC|MS_PRIVATE): nothing propagates to the host");
	h->rootfs_dir = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfs_dir < 0)
		return nsw_error(err, errno, "rootfs %s", c->rootfs);
	for (int i = 0; i < c->n_mounts; i++) {
		if (c->mounts[i].fstype)
			continue;
		h->binds[i] = make_mount(&c->mounts[i], err);
		if (h->binds[i] < 0)
			return -1;
	}
	return 0;
}

static int setup_mounts(const struct nsw_container *c, int tree_fd,
			struct host_handles *h, struct nsw_error *err)
{
	cleanup_close int root_fd = -1;
	__u64 t = phase_now();
	int masked, ro;

	root_fd = attach_rootfs(h->rootfs_dir, tree_fd, err);
	if (root_fd < 0)
		return -1;
	phase("rootfs", NULL, 0, NULL, "%s on itself (%s, nodev)", c->rootfs,
	      tree_fd >= 0 ? "the idmapped tree" : "a bind");
	for (int i = 0; i < c->n_mounts; i++) {
		int bind = h->binds[i];

		h->binds[i] = -1; /* do_mount closes it */
		if (do_mount(root_fd, &c->mounts[i], bind, err) < 0)
			return -1;
		phase_mount(&c->mounts[i]);
	}
	if (make_dev_links(root_fd, err) < 0)
		return -1;
	phase("dev_links", "mounts", t, NULL, "%zu links in /dev: ptmx, fd, stdin, stdout, stderr, core",
	      ARRAY_SIZE(dev_links));
	t = phase_now();
	if (fchdir(root_fd) < 0)
		return nsw_error(err, errno, "chdir to the rootfs");
	if (enter_rootfs(err) < 0)
		return -1;
	phase("pivot_root", "pivot_root", t, NULL, "into %s; the old root detached",
	      c->rootfs);
	t = phase_now();
	masked = mask_paths(c->masked_paths, err);
	if (masked < 0)
		return -1;
	ro = readonly_paths(c->readonly_paths, err);
	if (ro < 0)
		return -1;
	if (c->readonly_root) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

		if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof(attr)) < 0)
			return nsw_error(err, errno, "cannot make the root read-only");
	}
	phase("masks", "masks", t, NULL, "%d paths masked, %d read-only%s", masked,
	      ro, c->readonly_root ? "; the root read-only" : "");
	return 0;
}

static int setup_network(const struct nsw_container *c,
			 const struct nsw_instance *in, struct nsw_error *err)
{
	if (c->net == NSW_NET_HOST)
		return 0;
	if (nsw_link_up("lo", err) < 0)
		return -1;
	if (c->net == NSW_NET_BRIDGE &&
	    nsw_if_configure("eth0", in->ip, in->gateway, err) < 0)
		return -1;
	return 0;
}

/* Become the container's root: the maps exist now, so uid 0 means us. */
static int become_root(const struct nsw_container *c, struct nsw_error *err)
{
	if (!(c->ns_flags & CLONE_NEWUSER))
		return 0;
	if (setresgid(0, 0, 0) < 0)
		return nsw_error(err, errno, "setresgid(0) in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return nsw_error(err, errno, "setresuid(0) in the user namespace");
	return 0;
}

static int watch_parent(pid_t monitor, struct nsw_error *err)
{
	/* Cleared by every change of credentials: set it again after them. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return nsw_error(err, errno, "PR_SET_PDEATHSIG");
	if (getppid() != monitor)
		return nsw_error(err, 0, "the monitor exited");
	return 0;
}

static int setup_namespaces(struct nsw_init_args *a, int tree_fd,
			    struct host_handles *h, struct nsw_error *err)
{
	const struct nsw_container *c = a->c;
	__u64 t;

	if (become_root(c, err) < 0)
		return -1;
	if (c->ns_flags & CLONE_NEWUSER)
		phase("become_root", NULL, 0, NULL, "uid 0, gid 0 in the user namespace");
	/* After the monitor moved us: our cgroup is the namespace's root. */
	if (c->ns_flags & CLONE_NEWCGROUP) {
		t = phase_now();
		if (unshare(CLONE_NEWCGROUP) < 0)
			return nsw_error(err, errno, "unshare(CLONE_NEWCGROUP)");
		phase("cgroupns", "cgroup", t, NULL,
		      "unshare(CLONE_NEWCGROUP): the init's cgroup is the namespace's root");
	}
	t = phase_now();
	if (setup_network(c, a->in, err) < 0)
		return -1;
	if (c->net != NSW_NET_HOST)
		phase("network", "network", t, NULL, "lo up%s%s%s%s",
		      c->net == NSW_NET_BRIDGE ? "; eth0 " : "",
		      c->net == NSW_NET_BRIDGE ? a->in->ip : "",
		      c->net == NSW_NET_BRIDGE ? " via " : "",
		      c->net == NSW_NET_BRIDGE ? a->in->gateway : "");
	if (c->ns_flags & CLONE_NEWUTS) {
		if (sethostname(c->hostname, strlen(c->hostname)) < 0)
			return nsw_error(err, errno, "sethostname %s", c->hostname);
		phase("hostname", NULL, 0, NULL, "%s", c->hostname);
	}
	return setup_mounts(c, tree_fd, h, err);
}

static int setup(struct nsw_init_args *a, int tree_fd, pid_t monitor,
		 struct nsw_error *err)
{
	const struct nsw_container *c = a->c;
	struct host_handles h;
	__u64 t = phase_now();
	int r;

	r = open_host_handles(c, &h, err);
	/* The bind sources, cloned with the caller's credentials. */
	phase(NULL, "mounts", t, NULL, " ");
	if (r == 0)
		r = setup_namespaces(a, tree_fd, &h, err);
	close_handles(&h, c->n_mounts);
	if (r < 0)
		return -1;
	t = phase_now();
	if (nsw_apply_identity(c, err) < 0)
		return -1;
	phase("identity", "identity", t, NULL,
	      "uid %u, gid %u, no supplementary groups, capabilities 0x%016llx",
	      c->uid, c->gid, (unsigned long long)c->caps);
	phase("no_new_privs", NULL, 0, NULL, "PR_SET_NO_NEW_PRIVS: exec gains no privileges");
	if (chdir(c->workdir) < 0)
		return nsw_error(err, errno, "--workdir %s in the container",
				 c->workdir);
	phase("workdir", NULL, 0, NULL, "%s", c->workdir);
	if (watch_parent(monitor, err) < 0)
		return -1;
	/* Whatever the caller left open must not reach the container. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return nsw_error(err, errno, "close_range");
	return 0;
}


static void own_ns_inodes(unsigned long long *inodes)
{
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", nsw_types[i].name);
		inodes[i] = stat(path, &st) == 0 ? st.st_ino : 0;
	}
}

/* The last report: the command is about to be executed. */
static void phase_exec(char **argv)
{
	char cmd[200] = "", fields[sizeof(((struct nsw_phase *)0)->fields)] = "";
	size_t off = 0;

	if (trace_sock < 0)
		return;
	for (int i = 0; argv[i] && off < sizeof(cmd); i++)
		off += snprintf(cmd + off, sizeof(cmd) - off, "%s%s", i ? " " : "",
				argv[i]);
	nsw_json_field_str(fields, sizeof(fields), "argv0", argv[0]);
	phase("exec", NULL, 0, fields, "execvp %s", cmd);
}

static __attribute__((noreturn)) void fail(int sock, int type,
					   const struct nsw_error *err)
{
	struct nsw_msg m = { .type = type, .err = *err };

	nsw_msg_send(sock, &m, -1);
	_exit(type == NSW_MSG_EXEC_FAILED ? 127 : 1);
}

void nsw_container_init_main(struct nsw_init_args *a)
{
	struct nsw_error err = { 0 };
	struct nsw_msg m;
	pid_t monitor = getppid();
	sigset_t all;
	int tree_fd = -1;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (a->trace)
		trace_sock = a->sock;
	if (watch_parent(monitor, &err) < 0)
		fail(a->sock, NSW_MSG_ERROR, &err);
	if (nsw_msg_recv(a->sock, &m, &tree_fd) <= 0 || m.type != NSW_MSG_SETUP)
		_exit(1);
	/*
	 * Until exec, nothing in the container may ptrace or read us. Not
	 * earlier: a rootless monitor writes our uid_map through /proc/PID,
	 * which non-dumpable makes root's. Until SETUP we only wait.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (setup(a, tree_fd, monitor, &err) < 0)
		fail(a->sock, NSW_MSG_ERROR, &err);
	if (tree_fd >= 0)
		close(tree_fd);
	m = (struct nsw_msg){ .type = NSW_MSG_READY };
	own_ns_inodes(m.ns_inode);
	if (nsw_msg_send(a->sock, &m, -1) < 0)
		_exit(1);
	if (nsw_msg_recv(a->sock, &m, NULL) <= 0 || m.type != NSW_MSG_EXEC)
		_exit(1);
	environ = nsw_build_env(a->c);
	if (!environ)
		_exit(1);
	phase_exec(a->c->argv);
	execvp(a->c->argv[0], a->c->argv);
	nsw_error(&err, errno, "%s", a->c->argv[0]);
	fail(a->sock, NSW_MSG_EXEC_FAILED, &err);
}
