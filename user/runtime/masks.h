/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Masked and read-only paths, applied to the procfs and sysfs mounts the
 * init has just made, never through a path lookup in the image: a symlink
 * of the rootfs cannot send a mask elsewhere, and a mask that cannot be
 * applied fails the start.
 */
#ifndef NSW_MASKS_H
#define NSW_MASKS_H

#include "runtime/container.h"
#include "lib/error.h"

/* The mounts the masks go into: fds of their roots, -1 if not made. */
struct nsw_mask_mounts {
	int proc;	/* the container's /proc */
	int sys;	/* its /sys (a sysfs, or a bind of the host's) */
	/*
	 * OCI: the container's / after pivot_root, for listed paths outside
	 * /proc and /sys (-1: none; such a path is then an error).
	 */
	int root;
};

/* Is target one of the mounts masks go into? Then its slot in mm. */
int *nsw_mask_mount_slot(struct nsw_mask_mounts *mm, const struct nsw_mount *m);

/*
 * Hide c->masked_paths (a file under a bind of /dev/null, a directory under
 * an empty read-only tmpfs) and bind c->readonly_paths read-only over
 * themselves, each resolved from the root of its mount in mm without
 * following a symlink or crossing a mount. Call after pivot_root: the
 * file masks are clones of the container's /dev/null (checked to be the
 * null device). Fills the counts of paths masked and made read-only. A path the kernel does not
 * have is skipped; any other failure is an error.
 */
int nsw_masks_apply(const struct nsw_container *c, const struct nsw_mask_mounts *mm,
		    int *masked, int *readonly, struct nsw_error *err);

void nsw_mask_mounts_close(struct nsw_mask_mounts *mm);

#endif /* NSW_MASKS_H */
