/* SPDX-License-Identifier: GPL-2.0 */
/* Scope-bound cleanup, in the style of crun and systemd. */
#ifndef NSW_UTIL_H
#define NSW_UTIL_H

#include <stdlib.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))
#define cleanup_fclose __attribute__((cleanup(cleanup_fclosep)))

/* Hand ownership out of a cleanup-scoped variable. */
/*
 * From statx(): 1 if the file is the root of a mount, 0 if not, -1 if the
 * kernel does not say (STATX_ATTR_MOUNT_ROOT is 5.8+).
 */
static inline int nsw_statx_mount_root(const struct statx *stx)
{
	if (!(stx->stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -1;
	return !!(stx->stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

static inline void *take_ptr(void *pp)
{
	void **p = pp;
	void *v = *p;

	*p = NULL;
	return v;
}
#define steal_pointer(pp) take_ptr(pp)

static inline int steal_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

#endif /* NSW_UTIL_H */
