// SPDX-License-Identifier: GPL-2.0
/*
 * The container's writable layer (layer.h): its directories, the overlay
 * over the rootfs, and their removal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "runtime/layer.h"
#include "runtime/state.h"
#include "lib/util.h"

#define LAYER_DIR "layer"
#define LAYER_UPPER "upper"
#define LAYER_WORK "work"
/* Where a tree too deep to remove in one descent is moved up to. */
#define LAYER_DEEP_PREFIX "deep."

/*
 * How deep the removal descends before it moves a directory up to the
 * layer's top: a tree of any depth is removed with at most this many
 * directories open at once.
 */
#define LAYER_MAX_DEPTH 32

int nsw_layer_path(const char *name, char *buf, size_t len,
		   struct nsw_error *err)
{
	int n;

	/* The name comes from a state file too: it must not climb out. */
	if (!nsw_name_valid(name))
		return nsw_error(err, 0, "invalid container name '%s'", name);
	/* The init reaches here after it became root: the root was fixed before. */
	n = snprintf(buf, len, "%s/%s/%s", nsw_state_root(), name, LAYER_DIR);
	if (n < 0 || (size_t)n >= len)
		return nsw_error(err, ENAMETOOLONG,
				 "the layer path of container '%s' is too long", name);
	return 0;
}

/* A tmpfs on path (an empty directory of ours): 0, or -1 with err. */
static int mount_tmpfs(const char *path, struct nsw_error *err)
{
	cleanup_close int fs = -1, mfd = -1;

	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return nsw_error(err, errno, "fsopen(tmpfs) for %s", path);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "nswatch-layer", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsw_error(err, errno, "cannot make a tmpfs for %s", path);
	mfd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	if (mfd < 0)
		return nsw_error(err, errno, "fsmount(tmpfs) for %s", path);
	if (move_mount(mfd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return nsw_error(err, errno, "cannot mount a tmpfs on %s", path);
	return 0;
}

int nsw_layer_create(const struct nsw_container *c, int lower,
		     struct nsw_error *err)
{
	cleanup_close int dir = -1;
	char path[PATH_MAX];
	struct stat st;

	if (nsw_layer_path(c->name, path, sizeof(path), err) < 0)
		return -1;
	if (fstat(lower, &st) < 0)
		return nsw_error(err, errno, "rootfs %s", c->rootfs);
	if (mkdir(path, 0700) < 0)
		return nsw_error(err, errno, "cannot create %s", path);
	if (!c->rootless && mount_tmpfs(path, err) < 0)
		return -1;
	dir = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	if (mkdirat(dir, LAYER_WORK, 0700) < 0)
		return nsw_error(err, errno, "cannot create %s/%s", path, LAYER_WORK);
	/* mkdir's mode is masked by the umask: set it whole afterwards. */
	if (mkdirat(dir, LAYER_UPPER, 0700) < 0 ||
	    fchmodat(dir, LAYER_UPPER, st.st_mode & 07777, 0) < 0)
		return nsw_error(err, errno, "cannot create %s/%s", path, LAYER_UPPER);
	/* Rootless, the upper directory is ours: that is the container's root. */
	if (!c->rootless &&
	    fchownat(dir, LAYER_UPPER, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return nsw_error(err, errno, "cannot give %s/%s to uid %u",
				 path, LAYER_UPPER, st.st_uid);
	return 0;
}

/* dir under the layer, opened for fsconfig(). */
static int open_layer_dir(const char *layer, const char *dir,
			  struct nsw_error *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", layer, dir);
	fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	return fd;
}

/*
 * A layer by its fd (6.13 and later); before, by the fd's path in /proc,
 * which reaches a detached mount as well.
 */
static int set_layer(int fs, const char *key, const char *old_key, int fd,
		     struct nsw_error *err)
{
	char path[64];

	if (fsconfig(fs, FSCONFIG_SET_FD, key, NULL, fd) == 0)
		return 0;
	if (errno != EINVAL)
		return nsw_error(err, errno, "overlay option %s", key);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (fsconfig(fs, FSCONFIG_SET_STRING, old_key, path, 0) < 0)
		return nsw_error(err, errno, "overlay option %s", old_key);
	return 0;
}

static int make_overlay(const struct nsw_container *c, int lower,
			struct nsw_error *err)
{
	cleanup_close int fs = -1, upper = -1, work = -1;
	char layer[PATH_MAX];
	int mfd;

	if (nsw_layer_path(c->name, layer, sizeof(layer), err) < 0)
		return -1;
	upper = open_layer_dir(layer, LAYER_UPPER, err);
	if (upper < 0)
		return -1;
	work = open_layer_dir(layer, LAYER_WORK, err);
	if (work < 0)
		return -1;
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return nsw_error(err, errno, "fsopen(overlay)");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
		return nsw_error(err, errno, "overlay source");
	if (set_layer(fs, "lowerdir+", "lowerdir", lower, err) < 0 ||
	    set_layer(fs, "upperdir", "upperdir", upper, err) < 0 ||
	    set_layer(fs, "workdir", "workdir", work, err) < 0)
		return -1;
	/*
	 * The layer is thrown away with the container: nothing in it needs
	 * syncing, and without this the container's end would sync the
	 * whole filesystem the state directory is on.
	 */
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0)
		return nsw_error(err, errno, "overlay option volatile");
	/*
	 * In a user namespace trusted.overlay.* cannot be set: without
	 * user.overlay.* instead, removing a directory of the rootfs fails.
	 */
	if (c->rootless && fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		return nsw_error(err, errno, "overlay option userxattr");
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsw_error(err, errno, "overlay over the rootfs, upper directory %s/%s",
				 layer, LAYER_UPPER);
	mfd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	if (mfd < 0)
		return nsw_error(err, errno, "fsmount(overlay)");
	return mfd;
}

int nsw_layer_mount(const struct nsw_container *c, int lower,
		    struct nsw_error *err)
{
	int mfd = make_overlay(c, lower, err);

	if (mfd < 0)
		return nsw_error_wrap(err, "cannot make the container's writable layer (--read-only runs without one)");
	return mfd;
}

/* ---- removal ---- */

struct remover {
	int top;		/* the layer directory */
	unsigned int moved;	/* directories moved up in this pass */
	unsigned int next;	/* the next LAYER_DEEP_PREFIX number */
	struct nsw_error *err;
	const char *path;	/* the layer, for messages */
};

/* Rootless, a directory the container made may deny us (mode 0). */
static int open_subdir(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == EACCES &&
	    fchmodat(dfd, name, S_IRWXU, AT_SYMLINK_NOFOLLOW) == 0)
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

static int unlink_entry(int dfd, const char *name, int flags)
{
	if (unlinkat(dfd, name, flags) == 0 || errno == ENOENT)
		return 0;
	if (errno != EACCES || fchmod(dfd, S_IRWXU) < 0)
		return -1;
	return unlinkat(dfd, name, flags) == 0 || errno == ENOENT ? 0 : -1;
}

static bool is_dir(int dfd, const struct dirent *e)
{
	struct stat st;

	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	return fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Out of the way of the descent: to the top, under a name of our own. */
static int move_up(struct remover *r, int dfd, const char *name)
{
	char to[32];

	for (;;) {
		snprintf(to, sizeof(to), LAYER_DEEP_PREFIX "%u", r->next++);
		if (renameat2(dfd, name, r->top, to, RENAME_NOREPLACE) == 0)
			break;
		if (errno != EEXIST)
			return nsw_error(r->err, errno, "cannot remove %s", r->path);
	}
	r->moved++;
	return 0;
}

/* Empty the directory dfd (closed here). */
static int empty_dir(struct remover *r, int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int r2 = 0;

	if (!d) {
		close(dfd);
		return nsw_error(r->err, errno, "cannot read %s", r->path);
	}
	while (r2 == 0 && (errno = 0, e = readdir(d))) {
		int fd;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!is_dir(dirfd(d), e)) {
			if (unlink_entry(dirfd(d), e->d_name, 0) < 0)
				r2 = nsw_error(r->err, errno, "cannot remove a file in %s",
					       r->path);
			continue;
		}
		if (depth >= LAYER_MAX_DEPTH) {
			r2 = move_up(r, dirfd(d), e->d_name);
			continue;
		}
		fd = open_subdir(dirfd(d), e->d_name);
		if (fd < 0 && errno == ENOENT)
			continue;	/* another rm got there first */
		if (fd < 0)
			r2 = nsw_error(r->err, errno, "cannot open a directory in %s", r->path);
		else if ((r2 = empty_dir(r, fd, depth + 1)) == 0 &&
			 unlink_entry(dirfd(d), e->d_name, AT_REMOVEDIR) < 0)
			r2 = nsw_error(r->err, errno, "cannot remove a directory in %s",
				       r->path);
	}
	if (r2 == 0 && errno)
		r2 = nsw_error(r->err, errno, "cannot read %s", r->path);
	closedir(d);
	return r2;
}

/* Is path (not followed) the root of a mount? */
static bool is_mount_root(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
		return false;
	return nsw_statx_mount_root(&stx) == 1;
}

int nsw_layer_remove(const char *name, struct nsw_error *err)
{
	struct remover r = { .err = err };
	cleanup_close int top = -1;
	char path[PATH_MAX];

	if (nsw_layer_path(name, path, sizeof(path), err) < 0)
		return -1;
	r.path = path;
	/*
	 * The tmpfs goes at once; a container still running keeps it until
	 * its end. None: rootless, or a start killed before it was mounted.
	 */
	if (is_mount_root(path) &&
	    umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
		return nsw_error(err, errno, "cannot unmount %s", path);
	top = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0) {
		if (errno == ENOENT)
			return 0;
		return nsw_error(err, errno, "cannot open %s", path);
	}
	r.top = top;
	/* Each pass removes what it reaches and moves the rest up. */
	do {
		/* A file of its own: a dup would share the offset of the last pass. */
		int fd = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return nsw_error(err, errno, "cannot read %s", path);
		r.moved = 0;
		if (empty_dir(&r, fd, 0) < 0)
			return -1;
	} while (r.moved);
	if (rmdir(path) < 0 && errno != ENOENT)
		return nsw_error(err, errno, "cannot remove %s", path);
	return 0;
}
