// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <sys/utsname.h>
#include "runtime/kernel.h"

int nsw_kernel_compare(unsigned int major, unsigned int minor)
{
	struct utsname u;
	unsigned int ma, mi;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &ma, &mi) != 2)
		return NSW_KERNEL_UNKNOWN;
	if (ma != major)
		return ma < major ? -1 : 1;
	return mi < minor ? -1 : mi > minor;
}

bool nsw_kernel_older(unsigned int major, unsigned int minor)
{
	return nsw_kernel_compare(major, minor) == -1;
}

int nsw_error_kernel(struct nsw_error *err, const char *what,
		     unsigned int major, unsigned int minor)
{
	struct utsname u;

	if (uname(&u) < 0)
		return nsw_error(err, 0, "%s needs Linux %u.%u or later", what,
				 major, minor);
	return nsw_error(err, 0, "%s needs Linux %u.%u or later (this kernel is %s)",
			 what, major, minor, u.release);
}
