/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's version, for errors that are the kernel's age and
 * not the caller's doing: a syscall that is not there (ENOSYS) names the
 * kernel, not the filesystem or the option.
 */
#ifndef NSW_KERNEL_H
#define NSW_KERNEL_H

#include <stdbool.h>
#include "lib/error.h"

/* mount_setattr(), which idmaps a mount and sets a tree's flags. */
#define NSW_IDMAP_MAJOR 5
#define NSW_IDMAP_MINOR 12

/*
 * The running kernel against major.minor: -1 older, 0 the same, 1 newer,
 * NSW_KERNEL_UNKNOWN if its release cannot be read.
 */
#define NSW_KERNEL_UNKNOWN 2
int nsw_kernel_compare(unsigned int major, unsigned int minor);

/* Is the running kernel older than major.minor? (false if unknown) */
bool nsw_kernel_older(unsigned int major, unsigned int minor);

/*
 * Fill err: "WHAT needs Linux MAJOR.MINOR or later (this kernel is
 * RELEASE)". Returns -1.
 */
int nsw_error_kernel(struct nsw_error *err, const char *what,
		     unsigned int major, unsigned int minor);

#endif /* NSW_KERNEL_H */
