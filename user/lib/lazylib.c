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
	size_t n;
	void *handle;		/* once loaded */
};

/*
 * Every symbol of the table into the struct of pointers at fns (n of
 * them), or none: 0, or -1 with err.
 */
static int load(struct lazylib *l, void *fns, struct nsw_error *err)
{
	void **slots = fns;
	void *h;

	if (l->handle)
		return 0;
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return nsw_error(err, ELIBACC, "cannot load %s: %s (apt-get install %s)",
				 l->soname, dlerror(), l->package);
	for (size_t i = 0; i < l->n; i++) {
		slots[i] = dlsym(h, l->names[i]);
		if (!slots[i]) {
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

static const char *const libmount_names[] = { NSW_LIBMOUNT_CALLS(NSW_LAZY_NAME) };
static const char *const libsmartcols_names[] = { NSW_LIBSMARTCOLS_CALLS(NSW_LAZY_NAME) };
_Static_assert(sizeof(nsw_libmount) == ARRAY_SIZE(libmount_names) * sizeof(void *),
	       "one pointer per libmount call");
_Static_assert(sizeof(nsw_libsmartcols) == ARRAY_SIZE(libsmartcols_names) * sizeof(void *),
	       "one pointer per libsmartcols call");

static struct lazylib libmount = { NSW_LIBMOUNT_SONAME, "libmount1", libmount_names,
				   ARRAY_SIZE(libmount_names), NULL };
static struct lazylib libsmartcols = { NSW_LIBSMARTCOLS_SONAME, "libsmartcols1",
				       libsmartcols_names, ARRAY_SIZE(libsmartcols_names),
				       NULL };

int nsw_load_libmount(struct nsw_error *err)
{
	return load(&libmount, &nsw_libmount, err);
}

int nsw_load_libsmartcols(struct nsw_error *err)
{
	return load(&libsmartcols, &nsw_libsmartcols, err);
}

int nsw_mnt_read_table(const char *path, struct libmnt_table **tb, struct nsw_error *err)
{
	struct libmnt_table *t;
	int ret;

	*tb = NULL;
	if (nsw_load_libmount(err) < 0)
		return -1;
	t = nsw_libmount.mnt_new_table();
	if (!t)
		return nsw_error(err, ENOMEM, "cannot read %s", path);
	ret = nsw_libmount.mnt_table_parse_file(t, path);
	if (ret < 0) {
		nsw_libmount.mnt_unref_table(t);
		return nsw_error(err, -ret, "cannot read %s", path);
	}
	*tb = t;
	return 0;
}
