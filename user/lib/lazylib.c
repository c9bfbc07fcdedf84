// SPDX-License-Identifier: GPL-2.0
/* libmount and libsmartcols through dlopen() (lazylib.h). */
#define NSW_LAZYLIB_IMPL
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <libmount/libmount.h>
#include <libsmartcols/libsmartcols.h>
#include "lib/lazylib.h"
#include "lib/util.h"

struct nsw_libmount nsw_libmount;
struct nsw_libsmartcols nsw_libsmartcols;

struct lazylib {
	const char *soname, *package;
	const char *const *names;
	void **slots;		/* as many as names */
	size_t n;
	void *handle;		/* once loaded */
};

/* Every symbol of the table, or none: 0, or -1 with err. */
static int load(struct lazylib *l, struct nsw_error *err)
{
	void *h;

	if (l->handle)
		return 0;
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return nsw_error(err, ELIBACC, "cannot load %s: %s (apt-get install %s)",
				 l->soname, dlerror(), l->package);
	for (size_t i = 0; i < l->n; i++) {
		l->slots[i] = dlsym(h, l->names[i]);
		if (!l->slots[i]) {
			nsw_error(err, 0, "%s has no %s (util-linux 2.38 or later is needed)",
				  l->soname, l->names[i]);
			dlclose(h);
			return -1;
		}
	}
	l->handle = h;
	return 0;
}

#define NSW_LAZY_NAME(f) #f,

int nsw_load_libmount(struct nsw_error *err)
{
	static const char *const names[] = { NSW_LIBMOUNT_CALLS(NSW_LAZY_NAME) };
	static void *slots[ARRAY_SIZE(names)];
	static struct lazylib l = { NSW_LIBMOUNT_SONAME, "libmount1", names, slots,
				    ARRAY_SIZE(names), NULL };

	_Static_assert(sizeof(slots) == sizeof(nsw_libmount), "one pointer per call");
	if (l.handle)
		return 0;
	if (load(&l, err) < 0)
		return -1;
	memcpy(&nsw_libmount, slots, sizeof(slots));
	return 0;
}

int nsw_load_libsmartcols(struct nsw_error *err)
{
	static const char *const names[] = { NSW_LIBSMARTCOLS_CALLS(NSW_LAZY_NAME) };
	static void *slots[ARRAY_SIZE(names)];
	static struct lazylib l = { NSW_LIBSMARTCOLS_SONAME, "libsmartcols1", names, slots,
				    ARRAY_SIZE(names), NULL };

	_Static_assert(sizeof(slots) == sizeof(nsw_libsmartcols), "one pointer per call");
	if (l.handle)
		return 0;
	if (load(&l, err) < 0)
		return -1;
	memcpy(&nsw_libsmartcols, slots, sizeof(slots));
	return 0;
}
