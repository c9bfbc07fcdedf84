/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test helpers share. Each is one .c file, built by the Makefile
 * or static by security.bats; this header sits beside them. Include it
 * after defining _GNU_SOURCE (strerrorname_np).
 */
#ifndef NSW_PROBE_H
#define NSW_PROBE_H

#include <string.h>

/* "EPERM" for EPERM, as the tests compare it; "E?" if libc has no name. */
static inline const char *ename(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

#endif /* NSW_PROBE_H */
