// SPDX-License-Identifier: GPL-2.0
/*
 * Masked and read-only paths (masks.h). runc resolved them by path after
 * pivot_root, through the image's symlinks, and skipped what it could not
 * find; so did we: a rootfs whose /proc was a symlink into a directory that
 * a later mount covered (/dev) kept an unmasked procfs, hidden, and a
 * nested user namespace could then mount a fresh procfs (the kernel allows
 * it when an unmasked one is already there) and, without a user namespace
 * of the container's own, write the host's core_pattern. Here every path is
 * resolved from the root of the mount it belongs to.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include "runtime/masks.h"
#include "lib/util.h"

#define PROC_TARGET "/proc"
#define SYS_TARGET "/sys"

/* The null device, 1:3 (Documentation/admin-guide/devices.txt). */
#define NULL_MAJOR 1
#define NULL_MINOR 3

int *nsw_mask_mount_slot(struct nsw_mask_mounts *mm, const struct nsw_mount *m)
{
	if (m->volume)
		return NULL;
	if (!strcmp(m->target, PROC_TARGET))
		return &mm->proc;
	if (!strcmp(m->target, SYS_TARGET))
		return &mm->sys;
	return NULL;
}

void nsw_mask_mounts_close(struct nsw_mask_mounts *mm)
{
	if (mm->proc >= 0)
		close(mm->proc);
	if (mm->sys >= 0)
		close(mm->sys);
	if (mm->root >= 0)
		close(mm->root);
	mm->proc = mm->sys = mm->root = -1;
}

/* The mount a listed path lies in, and the path relative to its root. */
struct mask_target {
	int mnt;
	const char *rel;
	unsigned long magic;
};

/* The mounts masks go into, in the order of the fds of struct nsw_mask_mounts. */
static const struct {
	const char *target;
	unsigned long magic;
} bases[] = { { PROC_TARGET, PROC_SUPER_MAGIC }, { SYS_TARGET, SYSFS_MAGIC } };

static int locate(const struct nsw_mask_mounts *mm, const char *path,
		  struct mask_target *t, struct nsw_error *err)
{
	const int fds[ARRAY_SIZE(bases)] = { mm->proc, mm->sys };

	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		size_t n = strlen(bases[i].target);

		if (strncmp(path, bases[i].target, n) || path[n] != '/' || !path[n + 1])
			continue;
		if (fds[i] < 0)
			return nsw_error(err, 0, "%s: the container has no %s mount of its own",
					 path, bases[i].target);
		t->mnt = fds[i];
		t->rel = path + n + 1;
		t->magic = bases[i].magic;
		return 0;
	}
	/* OCI: anywhere else, inside the container's root (no magic to check). */
	if (mm->root >= 0 && path[0] == '/' && path[1]) {
		t->mnt = mm->root;
		t->rel = path + 1;
		t->magic = 0;
		return 0;
	}
	return nsw_error(err, 0, "%s: not under /proc or /sys", path);
}

/* resolve(): the kernel has no such file. */
#define MASK_ABSENT (-2)

/*
 * The path inside the mount it belongs to: no symlink (procfs has a few,
 * the image none here), no other mount crossed, nothing above the mount's
 * root. An O_PATH fd, MASK_ABSENT, or -1 with err filled.
 */
static int resolve(const struct nsw_mask_mounts *mm, const char *path, struct nsw_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
	};
	struct mask_target t = { .mnt = -1 };
	struct statfs sf;
	int fd;

	if (locate(mm, path, &t, err) < 0)
		return -1;
	if (!t.magic)
		how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS;
	if (t.magic && fstatfs(t.mnt, &sf) < 0)
		return nsw_error(err, errno, "%s: fstatfs of its mount", path);
	if (t.magic && (unsigned long)sf.f_type != t.magic)
		return nsw_error(err, 0, "%s: its mount is not a %s (magic 0x%lx)", path,
				 t.magic == PROC_SUPER_MAGIC ? "procfs" : "sysfs",
				 (unsigned long)sf.f_type);
	fd = syscall(SYS_openat2, t.mnt, t.rel, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	/*
	 * ENOENT here can only come from the kernel's own procfs or sysfs:
	 * the walk started at the root of the mount we made, followed no
	 * symlink and stayed in that mount. So the kernel lacks the file
	 * (/proc/timer_stats went in 4.11, /proc/acpi needs ACPI), and there
	 * is nothing to hide. Anything else (ELOOP, EXDEV, EACCES) is not a
	 * kernel without the file, and fails the start.
	 */
	if (errno == ENOENT)
		return MASK_ABSENT;
	return nsw_error(err, errno, "%s", path);
}

static int attach(int mfd, int tfd, const char *what, const char *path,
		  struct nsw_error *err)
{
	if (move_mount(mfd, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsw_error(err, errno, "cannot %s %s: move_mount", what, path);
	return 0;
}

/* An empty read-only tmpfs, detached. */
static int empty_tmpfs(const char *path, struct nsw_error *err)
{
	cleanup_close int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
	int mfd;

	if (fsfd < 0)
		return nsw_error(err, errno, "cannot mask %s: fsopen tmpfs", path);
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsw_error(err, errno, "cannot mask %s: tmpfs", path);
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			      MOUNT_ATTR_NOEXEC);
	if (mfd < 0)
		return nsw_error(err, errno, "cannot mask %s: fsmount", path);
	return mfd;
}

/* A detached clone of the container's /dev/null, which must be the null device. */
static int null_device(const char *path, struct nsw_error *err)
{
	int mfd = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct stat st;

	if (mfd < 0)
		return nsw_error(err, errno, "cannot mask %s: cannot bind /dev/null", path);
	if (fstat(mfd, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != NULL_MAJOR ||
	    minor(st.st_rdev) != NULL_MINOR) {
		close(mfd);
		return nsw_error(err, 0, "cannot mask %s: /dev/null is not the null device", path);
	}
	return mfd;
}

static int mask_one(const struct nsw_mask_mounts *mm, const char *path, struct nsw_error *err)
{
	cleanup_close int tfd = -1, mfd = -1;
	struct stat st;

	tfd = resolve(mm, path, err);
	if (tfd == MASK_ABSENT)
		return 0;
	if (tfd < 0)
		return -1;
	if (fstat(tfd, &st) < 0)
		return nsw_error(err, errno, "masked path %s", path);
	mfd = S_ISDIR(st.st_mode) ? empty_tmpfs(path, err) : null_device(path, err);
	if (mfd < 0)
		return -1;
	if (attach(mfd, tfd, "mask", path, err) < 0)
		return -1;
	return 1;
}

static int readonly_one(const struct nsw_mask_mounts *mm, const char *path,
			struct nsw_error *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	cleanup_close int tfd = -1, mfd = -1;

	tfd = resolve(mm, path, err);
	if (tfd == MASK_ABSENT)
		return 0;
	if (tfd < 0)
		return -1;
	mfd = open_tree(tfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
					 AT_EMPTY_PATH);
	if (mfd < 0)
		return nsw_error(err, errno, "cannot make %s read-only: open_tree", path);
	if (mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return nsw_error(err, errno, "cannot make %s read-only: mount_setattr", path);
	if (attach(mfd, tfd, "make read-only", path, err) < 0)
		return -1;
	return 1;
}

int nsw_masks_apply(const struct nsw_container *c, const struct nsw_mask_mounts *mm,
		    int *masked, int *readonly, struct nsw_error *err)
{
	int r;

	*masked = *readonly = 0;
	for (const char *const *p = c->masked_paths; p && *p; p++) {
		r = mask_one(mm, *p, err);
		if (r < 0)
			return -1;
		*masked += r;
	}
	for (const char *const *p = c->readonly_paths; p && *p; p++) {
		r = readonly_one(mm, *p, err);
		if (r < 0)
			return -1;
		*readonly += r;
	}
	return 0;
}
