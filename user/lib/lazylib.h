/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmount and libsmartcols, loaded when first needed instead of at every
 * start. With what they pull in (libblkid, libselinux and its constructor,
 * libpcre2) they cost each exec of nswatch about 0.5 ms, run execs twice
 * (runtime/selfexe.c), and only ls, trace and the cgroup plan use them
 * (docs/performance.md).
 *
 * Include this after the library's own header, call nsw_load_libmount()
 * or nsw_load_libsmartcols() before the first call, and write the calls
 * as usual: each name below stands for the pointer dlsym() found.
 */
#ifndef NSW_LAZYLIB_H
#define NSW_LAZYLIB_H

#include "lib/error.h"

#define NSW_LIBMOUNT_SONAME "libmount.so.1"
#define NSW_LIBSMARTCOLS_SONAME "libsmartcols.so.1"

#ifdef _LIBMOUNT_MOUNT_H
#define NSW_LIBMOUNT_CALLS(X)                                                       \
	X(mnt_new_table) X(mnt_unref_table) X(mnt_table_parse_file)                 \
	X(mnt_table_next_fs) X(mnt_new_iter) X(mnt_free_iter) X(mnt_fs_get_target) \
	X(mnt_fs_get_fstype) X(mnt_fs_get_root) X(mnt_fs_get_fs_options)            \
	X(mnt_optstr_get_option)

struct nsw_libmount {
#define NSW_LAZY_POINTER(f) __typeof__(f) *f;
	NSW_LIBMOUNT_CALLS(NSW_LAZY_POINTER)
#undef NSW_LAZY_POINTER
};
extern struct nsw_libmount nsw_libmount;
#endif

#ifdef _LIBSMARTCOLS_H
#define NSW_LIBSMARTCOLS_CALLS(X)                                                 \
	X(scols_new_table) X(scols_unref_table) X(scols_print_table)               \
	X(scols_table_new_column) X(scols_column_set_json_type)                    \
	X(scols_table_new_line) X(scols_line_add_child) X(scols_line_set_data)     \
	X(scols_line_refer_data) X(scols_table_enable_json)                        \
	X(scols_table_enable_raw) X(scols_table_enable_noheadings)                 \
	X(scols_table_set_name) X(scols_table_set_termforce)

struct nsw_libsmartcols {
#define NSW_LAZY_POINTER(f) __typeof__(f) *f;
	NSW_LIBSMARTCOLS_CALLS(NSW_LAZY_POINTER)
#undef NSW_LAZY_POINTER
};
extern struct nsw_libsmartcols nsw_libsmartcols;
#endif

/*
 * Load the library once: 0, or -1 with err naming what is missing (errnum
 * ELIBACC when the library itself is not installed, as in a minimal
 * initramfs that copied only what ldd lists).
 */
int nsw_load_libmount(struct nsw_error *err);
int nsw_load_libsmartcols(struct nsw_error *err);

#ifdef _LIBMOUNT_MOUNT_H
/*
 * libmount loaded, then the mount table of path (a mountinfo file) into
 * *tb, the caller's to unref: 0, or -1 with err naming path.
 */
int nsw_mnt_read_table(const char *path, struct libmnt_table **tb, struct nsw_error *err);
#endif

/* The calls, through the pointers (not in lazylib.c, which fills them). */
#ifndef NSW_LAZYLIB_IMPL
#ifdef _LIBMOUNT_MOUNT_H
#define mnt_new_table nsw_libmount.mnt_new_table
#define mnt_unref_table nsw_libmount.mnt_unref_table
#define mnt_table_parse_file nsw_libmount.mnt_table_parse_file
#define mnt_table_next_fs nsw_libmount.mnt_table_next_fs
#define mnt_new_iter nsw_libmount.mnt_new_iter
#define mnt_free_iter nsw_libmount.mnt_free_iter
#define mnt_fs_get_target nsw_libmount.mnt_fs_get_target
#define mnt_fs_get_fstype nsw_libmount.mnt_fs_get_fstype
#define mnt_fs_get_root nsw_libmount.mnt_fs_get_root
#define mnt_fs_get_fs_options nsw_libmount.mnt_fs_get_fs_options
#define mnt_optstr_get_option nsw_libmount.mnt_optstr_get_option

/* Scope-bound cleanup (lib/util.h's style) of what the calls make. */
static inline void nsw_mnt_unref_tablep(struct libmnt_table **tb)
{
	if (*tb)
		mnt_unref_table(*tb);
}

static inline void nsw_mnt_free_iterp(struct libmnt_iter **it)
{
	if (*it)
		mnt_free_iter(*it);
}

#define cleanup_mnt_table __attribute__((cleanup(nsw_mnt_unref_tablep)))
#define cleanup_mnt_iter __attribute__((cleanup(nsw_mnt_free_iterp)))
#endif
#ifdef _LIBSMARTCOLS_H
#define scols_new_table nsw_libsmartcols.scols_new_table
#define scols_unref_table nsw_libsmartcols.scols_unref_table
#define scols_print_table nsw_libsmartcols.scols_print_table
#define scols_table_new_column nsw_libsmartcols.scols_table_new_column
#define scols_column_set_json_type nsw_libsmartcols.scols_column_set_json_type
#define scols_table_new_line nsw_libsmartcols.scols_table_new_line
#define scols_line_add_child nsw_libsmartcols.scols_line_add_child
#define scols_line_set_data nsw_libsmartcols.scols_line_set_data
#define scols_line_refer_data nsw_libsmartcols.scols_line_refer_data
#define scols_table_enable_json nsw_libsmartcols.scols_table_enable_json
#define scols_table_enable_raw nsw_libsmartcols.scols_table_enable_raw
#define scols_table_enable_noheadings nsw_libsmartcols.scols_table_enable_noheadings
#define scols_table_set_name nsw_libsmartcols.scols_table_set_name
#define scols_table_set_termforce nsw_libsmartcols.scols_table_set_termforce
#endif
#endif /* NSW_LAZYLIB_IMPL */

#endif /* NSW_LAZYLIB_H */
