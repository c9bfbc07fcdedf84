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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "runtime/fds.h"
#include "runtime/init.h"
#include "runtime/kernel.h"
#include "runtime/layer.h"
#include "runtime/masks.h"
#include "runtime/netdev.h"
#include "runtime/process.h"
#include "runtime/protocol.h"
#include "runtime/tty.h"
#include "lib/clock.h"
#include "lib/util.h"

extern char **environ;

/*
 * The init's own exit statuses, seen only by the monitor's waitid(): the
 * monitor reports the error the init sent before it.
 */
#define INIT_EXIT_FAILED 1
#define INIT_EXIT_EXEC_FAILED 127

/*
 * Report a step done now (a PHASE record), if the monitor asked for them.
 * p->begin: when a timed step began (nsw_mono_ns()), else 0.
 */
static void phase(const struct nsw_init_args *a, struct nsw_phase *p)
{
	struct nsw_msg m = { .type = NSW_MSG_PHASE };

	if (!a->report)
		return;
	p->ts = nsw_mono_ns();
	m.phase = *p;
	/* If the monitor is gone, PDEATHSIG ends us anyway. */
	nsw_msg_send(a->sock, &m, -1);
}

/* A step with no payload: its kind, and when it began (0: not timed). */
static void phase_done(const struct nsw_init_args *a, enum nsw_phase_kind kind,
		       unsigned long long begin)
{
	struct nsw_phase p = { .kind = kind, .begin = begin };

	phase(a, &p);
}

/*
 * Resolve path inside the container's root: absolute symlinks and ".."
 * stay under root_fd, so a symlink in the image cannot point a mount at
 * the host. resolve: more RESOLVE_* flags.
 */
static int open_in_root_how(int root_fd, const char *path, int flags,
			    unsigned long long resolve)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
	};

	return syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

static int open_in_root(int root_fd, const char *path, int flags)
{
	return open_in_root_how(root_fd, path, flags, 0);
}

/*
 * Open path under root_fd as an O_PATH fd, making it (and its parents).
 * The caller names the mount; a parent that cannot be made is named here.
 * strict: every component a real directory, no symlink followed.
 */
static int make_path(int root_fd, const char *path, bool is_file, bool top,
		     bool strict, struct nsw_error *err)
{
	char parent[PATH_MAX], *slash;
	cleanup_close int pfd = -1;
	const char *base;
	int flags = O_PATH | (strict ? O_DIRECTORY : 0);
	unsigned long long resolve = strict ? RESOLVE_NO_SYMLINKS : 0;
	int fd;

	fd = open_in_root_how(root_fd, path, flags, resolve);
	if (fd >= 0 || errno != ENOENT)
		goto done;
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash || !slash[1])
		return nsw_error(err, ENOENT, "no mount target");
	base = path + (slash - parent) + 1;
	if (slash == parent)
		strcpy(parent, "/");
	else
		*slash = '\0';
	pfd = make_path(root_fd, parent, false, false, strict, err);
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
		return top ? nsw_error(err, errno, "cannot create the mount target in the rootfs")
			   : nsw_error(err, errno, "cannot create %s for the mount target", path);
	fd = open_in_root_how(root_fd, path, flags, resolve);
done:
	if (fd < 0 && strict && (errno == ELOOP || errno == ENOTDIR))
		return nsw_error(err, 0,
				 "%s in the rootfs is %s: /proc, /sys and /dev must be directories of the rootfs",
				 path, errno == ELOOP ? "a symlink" : "not a directory");
	if (fd < 0)
		return top ? nsw_error(err, errno, "no mount target in the rootfs")
			   : nsw_error(err, errno, "%s in the rootfs, for the mount target", path);
	return fd;
}

/*
 * The standard mounts (not --volume) go on real directories of the image,
 * never through a symlink: runc refuses a symlinked /proc too (where
 * RESOLVE_IN_ROOT would keep it inside the rootfs, it could still lead
 * under a later mount, which would hide the procfs from its masks).
 */
static int make_target(int root_fd, const struct nsw_mount *m,
		       struct nsw_error *err)
{
	return make_path(root_fd, m->target, m->is_file, true,
			 !m->volume && !m->is_file, err);
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

/* A failed set_tree_attr(): ENOSYS is the kernel's age, not the mount's fault. */
static int tree_attr_error(struct nsw_error *err, int e, const char *what)
{
	if (e != ENOSYS)
		return nsw_error(err, e, "%s", what);
	nsw_error_kernel(err, "mount_setattr", NSW_IDMAP_MAJOR, NSW_IDMAP_MINOR);
	return nsw_error_wrap(err, "%s", what);
}

/*
 * A detached mount of a new filesystem, or of a host path (a bind). The
 * error names the step that failed; the caller wraps it with the mount.
 */
static int make_mount(const struct nsw_mount *m, struct nsw_error *err)
{
	cleanup_close int fsfd = -1;
	int mfd;

	if (!m->fstype) {
		mfd = open_tree(AT_FDCWD, m->source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (mfd < 0)
			return nsw_error(err, errno, "cannot clone the source");
		if (set_tree_attr(mfd, m->attr) < 0) {
			int e = errno;

			close(mfd);
			return tree_attr_error(err, e, "cannot set the flags of the bind");
		}
		return mfd;
	}
	fsfd = fsopen(m->fstype, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return nsw_error(err, errno, "fsopen");
	/* What mount(8) and /proc/self/mountinfo show as the device. */
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", m->source ? m->source : m->fstype,
		     0) < 0)
		return nsw_error(err, errno, "mount source");
	if (fs_configure(fsfd, m->data, err) < 0)
		return -1;
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, m->attr);
	if (mfd < 0)
		return nsw_error(err, errno, "fsmount");
	return mfd;
}

/* The context of a mount's error: "cannot mount tmpfs on /dev". */
static int wrap_mount(struct nsw_error *err, const struct nsw_mount *m)
{
	if (m->fstype)
		return nsw_error_wrap(err, "cannot mount %s on %s", m->fstype,
				      m->target);
	return nsw_error_wrap(err, "cannot bind %s on %s", m->source, m->target);
}

/*
 * bind_fd: the bind's tree, cloned earlier (-1 for a new filesystem).
 * keep: if not NULL, gets the fd of the mount made (its root), which the
 * masks are later resolved from.
 */
static int do_mount(int root_fd, const struct nsw_mount *m, int bind_fd,
		    int *keep, struct nsw_error *err)
{
	cleanup_close int tfd = -1, mfd = bind_fd;

	if (mfd < 0)
		mfd = make_mount(m, err);
	if (mfd < 0)
		return wrap_mount(err, m);
	tfd = make_target(root_fd, m, err);
	if (tfd < 0)
		return wrap_mount(err, m);
	if (move_mount(mfd, "", tfd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		nsw_error(err, errno, "move_mount");
		return wrap_mount(err, m);
	}
	if (keep) {
		if (*keep >= 0)
			close(*keep);
		*keep = mfd;
		mfd = -1;
	}
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
 * tree (its writable layer, or its idmapped clone), or -1 to clone the
 * directory here.
 */
static int attach_rootfs(const struct nsw_container *c, int dir_fd, int tree_fd,
			 struct nsw_error *err)
{
	int tree = tree_fd;

	if (tree < 0)
		tree = open_tree(dir_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					      AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return nsw_error(err, errno, "cannot bind the rootfs");
	/* Rootless, only our own user namespace may mount the overlay. */
	if (tree_fd < 0 && c->rootless && nsw_layer_wanted(c)) {
		int layer = nsw_layer_mount(c, tree, err);

		close(tree);
		if (layer < 0)
			return -1;
		tree = layer;
	}
	/* nodev: a node made with CAP_MKNOD must not open a host device. */
	if (set_tree_attr(tree, MOUNT_ATTR_NODEV) < 0 ||
	    move_mount(tree, "", dir_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int e = errno;

		if (tree != tree_fd)
			close(tree);
		return tree_attr_error(err, e, "cannot attach the rootfs");
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
static int open_host_handles(const struct nsw_init_args *a,
			     struct host_handles *h, struct nsw_error *err)
{
	const struct nsw_container *c = a->c;

	h->rootfs_dir = -1;
	for (int i = 0; i < c->n_mounts; i++)
		h->binds[i] = -1;
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return nsw_error(err, errno, "cannot make the mounts private");
	phase_done(a, NSW_PHASE_PRIVATE, 0);
	h->rootfs_dir = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfs_dir < 0)
		return nsw_error(err, errno, "rootfs %s", c->rootfs);
	for (int i = 0; i < c->n_mounts; i++) {
		/*
		 * OCI as root in the host's user namespace reaches every source
		 * at mount time: cloned then, in the config's order, which is
		 * the order the kernel lists mounts in (by creation, 6.8+).
		 */
		if (c->mounts[i].fstype || (c->oci && !(c->ns_flags & CLONE_NEWUSER)))
			continue;
		h->binds[i] = make_mount(&c->mounts[i], err);
		if (h->binds[i] < 0)
			return wrap_mount(err, &c->mounts[i]);
	}
	return 0;
}

/* The masked and read-only paths, and the read-only root. */
static int harden_mounts(const struct nsw_init_args *a,
			 const struct nsw_mask_mounts *mm, struct nsw_error *err)
{
	const struct nsw_container *c = a->c;
	struct nsw_phase p = { .kind = NSW_PHASE_MASKS, .begin = nsw_mono_ns() };
	int masked, readonly;

	if (nsw_masks_apply(c, mm, &masked, &readonly, err) < 0)
		return -1;
	p.masks.masked = masked;
	p.masks.readonly = readonly;
	if (c->readonly_root) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

		if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof(attr)) < 0)
			return nsw_error(err, errno, "cannot make the root read-only");
	}
	p.masks.readonly_root = c->readonly_root;
	phase(a, &p);
	/* After pivot_root, which refuses a shared root. */
	if (c->root_shared || c->root_rshared) {
		struct mount_attr shared = { .propagation = MS_SHARED };

		if (mount_setattr(AT_FDCWD, "/", c->root_rshared ? AT_RECURSIVE : 0, &shared,
				  sizeof(shared)) < 0)
			return nsw_error(err, errno, "linux.rootfsPropagation: cannot make the root shared");
	}
	if (c->root_unbindable) {
		struct mount_attr unbindable = { .propagation = MS_UNBINDABLE };

		if (mount_setattr(AT_FDCWD, "/", 0, &unbindable, sizeof(unbindable)) < 0)
			return nsw_error(err, errno,
					 "linux.rootfsPropagation: cannot make the root unbindable");
	}
	return 0;
}

/*
 * OCI linux.devices: each node made in the container (its /dev tmpfs is
 * not nodev then: the devices cgroup allows only what may be opened). A
 * node already there (one nswatch binds) is kept, as runc keeps it.
 */
static int make_devices(int root_fd, const struct nsw_container *c, struct nsw_error *err)
{
	for (int i = 0; i < c->n_devices; i++) {
		const struct nsw_device *d = &c->devices[i];
		const char *base = strrchr(d->path, '/') + 1;
		cleanup_close int pfd = -1;
		char parent[PATH_MAX];

		snprintf(parent, sizeof(parent), "%.*s", (int)(base - d->path - 1), d->path);
		pfd = make_path(root_fd, parent[0] ? parent : "/", false, false, true, err);
		if (pfd < 0)
			return nsw_error_wrap(err, "linux.devices[%d] %s", i, d->path);
		if (mknodat(pfd, base, d->type | d->mode, makedev(d->major, d->minor)) < 0) {
			if (errno == EEXIST)
				continue;
			return nsw_error(err, errno, "linux.devices[%d]: cannot make %s", i, d->path);
		}
		/* Just made, by us, before any process of the container runs: not a symlink. */
		if (fchownat(pfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(pfd, base, d->mode, 0) < 0)
			return nsw_error(err, errno, "linux.devices[%d]: %s", i, d->path);
	}
	return 0;
}

/* OCI shared/rshared: a peer group of the container's own (its mounts are private clones). */
static int share_mount(int root_fd, const struct nsw_mount *m, bool recursive,
		       struct nsw_error *err)
{
	struct mount_attr shared = { .propagation = MS_SHARED };
	cleanup_close int fd = open_in_root_how(root_fd, m->target, O_PATH, RESOLVE_NO_SYMLINKS);

	if (fd < 0)
		return nsw_error(err, errno, "cannot open it to make it shared");
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &shared,
			  sizeof(shared)) < 0)
		return nsw_error(err, errno, "cannot make it shared");
	return 0;
}

/* A mount made read-only after what was mounted inside it (its mountpoints). */
static int seal_mount(int root_fd, const struct nsw_mount *m, struct nsw_error *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	cleanup_close int fd = open_in_root_how(root_fd, m->target, O_PATH | O_DIRECTORY,
						RESOLVE_NO_SYMLINKS);

	if (fd < 0)
		return nsw_error(err, errno, "cannot open it to make it read-only");
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return nsw_error(err, errno, "cannot make it read-only");
	return 0;
}

/*
 * Every mount, the /dev links, pivot_root; mm gets the mounts masks go
 * into. t: when the mounts step began.
 */
static int mount_all(const struct nsw_init_args *a, int root_fd,
		     struct host_handles *h, struct nsw_mask_mounts *mm,
		     unsigned long long t, struct nsw_error *err)
{
	const struct nsw_container *c = a->c;
	struct nsw_phase p;

	for (int i = 0; i < c->n_mounts; i++) {
		int bind = h->binds[i];

		h->binds[i] = -1; /* do_mount closes it */
		if (do_mount(root_fd, &c->mounts[i], bind,
			     nsw_mask_mount_slot(mm, &c->mounts[i]), err) < 0)
			return -1;
		p = (struct nsw_phase){ .kind = NSW_PHASE_MOUNT, .mount.index = i };
		phase(a, &p);
	}
	for (int i = 0; i < c->n_mounts; i++)
		if ((c->sealed_mounts & (1ULL << i)) && seal_mount(root_fd, &c->mounts[i], err) < 0)
			return wrap_mount(err, &c->mounts[i]);
	for (int i = 0; i < c->n_mounts; i++)
		if (((c->shared_mounts | c->rshared_mounts) & (1ULL << i)) &&
		    share_mount(root_fd, &c->mounts[i], c->rshared_mounts & (1ULL << i), err) < 0)
			return wrap_mount(err, &c->mounts[i]);
	if (make_devices(root_fd, c, err) < 0)
		return -1;
	if (make_dev_links(root_fd, err) < 0)
		return -1;
	p = (struct nsw_phase){ .kind = NSW_PHASE_DEV_LINKS, .begin = t,
				.dev_links.links = ARRAY_SIZE(dev_links) };
	phase(a, &p);
	t = nsw_mono_ns();
	if (fchdir(root_fd) < 0)
		return nsw_error(err, errno, "chdir to the rootfs");
	if (enter_rootfs(err) < 0)
		return -1;
	phase_done(a, NSW_PHASE_PIVOT_ROOT, t);
	return 0;
}

/*
 * OCI linux.sysctl, into the procfs just mounted (before /proc/sys goes
 * read-only), never through a symlink or another mount.
 */
static int write_sysctls(const struct nsw_container *c, int proc, struct nsw_error *err)
{
	if (proc < 0)
		return nsw_error(err, 0, "linux.sysctl: the container has no /proc of its own");
	for (char **kv = c->sysctl; *kv; kv++) {
		char path[PATH_MAX], *p;
		const char *eq = strchr(*kv, '=');
		size_t len = eq ? (size_t)(eq - *kv) : 0;
		ssize_t vlen;
		int fd;

		if (!eq || len + sizeof("sys/") > sizeof(path))
			return nsw_error(err, 0, "linux.sysctl: bad entry '%s'", *kv);
		snprintf(path, sizeof(path), "sys/%.*s", (int)len, *kv);
		for (p = path; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = open_in_root_how(proc, path, O_WRONLY, RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV);
		if (fd < 0)
			return nsw_error(err, errno, "linux.sysctl: cannot open /proc/%s", path);
		vlen = strlen(eq + 1);
		if (write(fd, eq + 1, vlen) != vlen) {
			int e = errno;

			close(fd);
			return nsw_error(err, e, "linux.sysctl: cannot write '%s' to /proc/%s", eq + 1,
					 path);
		}
		close(fd);
	}
	return 0;
}

static int setup_mounts(const struct nsw_init_args *a, int tree_fd,
			struct host_handles *h, struct nsw_error *err)
{
	cleanup_close int root_fd = -1;
	unsigned long long t = nsw_mono_ns();
	struct nsw_phase p = { .kind = NSW_PHASE_ROOTFS };
	struct nsw_mask_mounts mm = { .proc = -1, .sys = -1, .root = -1 };
	int r;

	root_fd = attach_rootfs(a->c, h->rootfs_dir, tree_fd, err);
	if (root_fd < 0)
		return -1;
	p.rootfs.idmapped = a->c->idmap_rootfs;
	p.rootfs.layer = nsw_layer_wanted(a->c);
	phase(a, &p);
	r = mount_all(a, root_fd, h, &mm, t, err);
	if (r == 0 && a->c->sysctl)
		r = write_sysctls(a->c, mm.proc, err);
	/* OCI masks any path of the container; after pivot_root, / is its root. */
	if (r == 0 && a->c->oci && (mm.root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = nsw_error(err, errno, "cannot open the container's root");
	if (r == 0)
		r = harden_mounts(a, &mm, err);
	nsw_mask_mounts_close(&mm);
	return r;
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

/*
 * Cleared by every change of credentials: set it again after them.
 * Whether the monitor already died is the socket's to tell (only the
 * monitor holds its other end): in a new pid namespace getppid() is 0
 * before and after.
 */
static int watch_parent(int sock, struct nsw_error *err)
{
	if (nsw_die_with_parent(sock, err) < 0)
		return nsw_error_wrap(err, "watching the monitor");
	return 0;
}

static int setup_namespaces(const struct nsw_init_args *a, int tree_fd,
			    struct host_handles *h, struct nsw_error *err)
{
	const struct nsw_container *c = a->c;
	unsigned long long t;

	if (become_root(c, err) < 0)
		return -1;
	if (c->ns_flags & CLONE_NEWUSER)
		phase_done(a, NSW_PHASE_BECOME_ROOT, 0);
	/* After the monitor moved us: our cgroup is the namespace's root. */
	if (c->ns_flags & CLONE_NEWCGROUP) {
		t = nsw_mono_ns();
		if (unshare(CLONE_NEWCGROUP) < 0)
			return nsw_error(err, errno, "unshare(CLONE_NEWCGROUP)");
		phase_done(a, NSW_PHASE_CGROUPNS, t);
	}
	t = nsw_mono_ns();
	if (setup_network(c, a->in, err) < 0)
		return -1;
	if (c->net != NSW_NET_HOST)
		phase_done(a, NSW_PHASE_NETWORK, t);
	/* OCI: a hostname comes with a uts namespace, new or joined (config.c). */
	if (((c->ns_flags & CLONE_NEWUTS) || c->oci) && c->hostname[0]) {
		if (sethostname(c->hostname, strlen(c->hostname)) < 0)
			return nsw_error(err, errno, "sethostname %s", c->hostname);
		phase_done(a, NSW_PHASE_HOSTNAME, 0);
	}
	return setup_mounts(a, tree_fd, h, err);
}

static int join_mnt_ns(const char *path, struct nsw_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return nsw_error(err, errno, "linux.namespaces: cannot open %s", path);
	if (setns(fd, CLONE_NEWNS) < 0)
		return nsw_error(err, errno, "linux.namespaces: cannot join %s (mnt)", path);
	return 0;
}

static int setup(const struct nsw_init_args *a, int tree_fd,
		 struct nsw_error *err)
{
	const struct nsw_container *c = a->c;
	struct host_handles h;
	struct nsw_phase p = { .kind = NSW_PHASE_IDENTITY };
	unsigned long long t = nsw_mono_ns();
	int r;

	/* OCI: a mount namespace joined by path is where the root is built. */
	if (c->mnt_ns_path && join_mnt_ns(c->mnt_ns_path, err) < 0)
		return -1;
	r = open_host_handles(a, &h, err);
	/* The bind sources, cloned with the caller's credentials. */
	phase_done(a, NSW_PHASE_HOST_HANDLES, t);
	if (r == 0)
		r = setup_namespaces(a, tree_fd, &h, err);
	close_handles(&h, c->n_mounts);
	if (r < 0)
		return -1;
	p.begin = nsw_mono_ns();
	if (nsw_apply_identity(c, err) < 0)
		return -1;
	p.identity.uid = c->uid;
	p.identity.gid = c->gid;
	p.identity.caps = c->caps;
	phase(a, &p);
	phase_done(a, NSW_PHASE_NO_NEW_PRIVS, 0);
	if (nsw_enter_workdir(c->workdir, err) < 0)
		return -1;
	phase_done(a, NSW_PHASE_WORKDIR, 0);
	/* OCI: the init outlives the process that made it (create). */
	if (!c->oci && watch_parent(a->sock, err) < 0)
		return -1;
	/* Closed at the start; nothing of the host may have come back since. */
	return nsw_check_fds(&a->sock, 1, err);
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

static __attribute__((noreturn)) void fail(int sock, int type,
					   const struct nsw_error *err)
{
	struct nsw_msg m = { .type = type, .err = *err };

	nsw_msg_send(sock, &m, -1);
	_exit(type == NSW_MSG_EXEC_FAILED ? INIT_EXIT_EXEC_FAILED : INIT_EXIT_FAILED);
}

/*
 * OCI: created, the init waits for `start`, which writes one byte to the
 * fifo; the creator is gone by then, so nothing else may wake us. The fifo
 * stays open (close-on-exec): `start` sees it close when the command runs.
 */
static int wait_for_start(int fifo)
{
	char byte;
	ssize_t n;

	while ((n = read(fifo, &byte, 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? 0 : -1;
}

/* After create returned nobody reads the socket: the error goes to stderr too. */
static __attribute__((noreturn)) void fail_oci(const struct nsw_init_args *a, int type,
					       const struct nsw_error *err)
{
	if (a->c->oci)
		nsw_error_print(err);
	fail(a->sock, type, err);
}

void nsw_container_init_main(const struct nsw_init_args *a)
{
	struct nsw_error err = { 0 };
	struct nsw_msg m;
	sigset_t all;
	int tree_fd = -1, tty_master, filter = -1, fifo = -1;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/*
	 * The caller's fds and the monitor's (its lock, the tracer's maps)
	 * must not reach the container, nor serve any path resolved below.
	 */
	if (nsw_close_fds_except(&a->sock, 1, &err) < 0 ||
	    (!a->c->oci && watch_parent(a->sock, &err) < 0))
		fail(a->sock, NSW_MSG_ERROR, &err);
	if (nsw_msg_recv(a->sock, &m, &tree_fd) <= 0 || m.type != NSW_MSG_SETUP)
		_exit(INIT_EXIT_FAILED);
	/*
	 * Until exec, nothing in the container may ptrace or read us. Not
	 * earlier: a rootless monitor writes our uid_map through /proc/PID,
	 * which non-dumpable makes root's. Until SETUP we only wait.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (setup(a, tree_fd, &err) < 0)
		fail(a->sock, NSW_MSG_ERROR, &err);
	if (tree_fd >= 0)
		close(tree_fd);
	if (nsw_tty_setup(a->c->tty, &tty_master, &err) < 0)
		fail(a->sock, NSW_MSG_ERROR, &err);
	m = (struct nsw_msg){ .type = NSW_MSG_READY };
	own_ns_inodes(m.ns_inode);
	/* With -t, READY carries the pseudo-terminal's master. */
	if (nsw_msg_send(a->sock, &m, tty_master) < 0)
		_exit(INIT_EXIT_FAILED);
	if (tty_master >= 0)
		close(tty_master);
	if (a->c->oci && (nsw_msg_recv(a->sock, &m, &fifo) <= 0 ||
			  m.type != NSW_MSG_START_FIFO || fifo < 0))
		_exit(INIT_EXIT_FAILED);
	/* EXEC carries the seccomp filter the monitor compiled meanwhile. */
	if (nsw_msg_recv(a->sock, &m, &filter) <= 0 || m.type != NSW_MSG_EXEC)
		_exit(INIT_EXIT_FAILED);
	environ = nsw_build_env(a->c);
	if (!environ)
		_exit(INIT_EXIT_FAILED);
	/* The last report: the command is about to be executed. */
	phase_done(a, NSW_PHASE_EXEC, 0);
	if (fifo >= 0 && wait_for_start(fifo) < 0)
		_exit(INIT_EXIT_FAILED);
	/* Last: the filter also holds what the init itself may still do. */
	if (nsw_seccomp_load(&a->c->seccomp, filter, &err) < 0 ||
	    (nsw_caps_deferred(a->c) && nsw_apply_caps(a->c, &err) < 0))
		fail_oci(a, NSW_MSG_ERROR, &err);
	if (filter >= 0)
		close(filter);
	execvp(a->c->argv[0], a->c->argv);
	nsw_error(&err, errno, "%s", a->c->argv[0]);
	fail_oci(a, NSW_MSG_EXEC_FAILED, &err);
}
