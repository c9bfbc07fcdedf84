// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded CO-RE types are used only on the kernel they were cut from:
 * the same GNU build id in /sys/kernel/notes, nothing else.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "trace/kernel_btf.h"

/* A notes section: a "Linux" note, then (if id) a GNU build id note. */
static size_t make_notes(unsigned char *buf, const char *id, size_t idlen)
{
	size_t off = 0;
	uint32_t h[3];

	h[0] = 6, h[1] = 4, h[2] = 0x101; /* "Linux\0", 4 bytes of desc */
	memcpy(buf + off, h, sizeof(h)), off += sizeof(h);
	memcpy(buf + off, "Linux\0\0\0", 8), off += 8;
	memcpy(buf + off, "\1\0\0\0", 4), off += 4;
	if (id) {
		h[0] = 4, h[1] = idlen, h[2] = 3;
		memcpy(buf + off, h, sizeof(h)), off += sizeof(h);
		memcpy(buf + off, "GNU\0", 4), off += 4;
		memcpy(buf + off, id, idlen), off += (idlen + 3) & ~3U;
	}
	return off;
}

static void test_same_build_id(void **state)
{
	unsigned char a[128], b[128];
	size_t la = make_notes(a, "0123456789abcdefghij", 20);
	size_t lb = make_notes(b, "0123456789abcdefghij", 20);

	(void)state;
	assert_true(nsw_kernel_notes_match(a, la, b, lb));
}

/* Control: one byte of the id differs, as after a rebuild of the kernel. */
static void test_other_build_id(void **state)
{
	unsigned char a[128], b[128];
	size_t la = make_notes(a, "0123456789abcdefghij", 20);
	size_t lb = make_notes(b, "0123456789abcdefghiX", 20);

	(void)state;
	assert_false(nsw_kernel_notes_match(a, la, b, lb));
}

/* Equal notes without a build id prove nothing: no match. */
static void test_no_build_id(void **state)
{
	unsigned char a[128];
	size_t la = make_notes(a, NULL, 0);

	(void)state;
	assert_false(nsw_kernel_notes_match(a, la, a, la));
	assert_false(nsw_kernel_notes_match(a, 0, a, 0));
}

/* Truncated or lying sizes: no match, no read past the end. */
static void test_garbage(void **state)
{
	unsigned char a[128], b[128];
	size_t la = make_notes(a, "0123456789abcdefghij", 20);
	uint32_t huge = 0xfffffff0;

	(void)state;
	memcpy(b, a, la);
	assert_false(nsw_kernel_notes_match(a, la - 8, a, la));
	memcpy(b + 24, &huge, sizeof(huge)); /* the build id note's namesz */
	assert_false(nsw_kernel_notes_match(b, la, a, la));
	memset(b, 0xff, sizeof(b));
	assert_false(nsw_kernel_notes_match(b, sizeof(b), b, sizeof(b)));
}

/* The running kernel's notes, where readable, name themselves. */
static void test_running_kernel(void **state)
{
	unsigned char buf[4096];
	FILE *f = fopen("/sys/kernel/notes", "rb");
	size_t n;

	(void)state;
	if (!f)
		skip();
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(nsw_kernel_notes_match(buf, n, buf, n));
}

/* The ids bpf_rdonly_cast() needs, as tracer.c asks for them. */
static const char *const cast_names[] = { "ns_common", "files_struct" };
#define CAST_N (sizeof(cast_names) / sizeof(cast_names[0]))

static const char table[] = "btf_size 5516713\n"
			    "STRUCT ns_common 1778\n"
			    "STRUCT files_struct 9506\n"
			    "FUNC bpf_rdonly_cast 65486\n";

/* A table recorded from a BTF of the running kernel's size gives its ids. */
static void test_ids_table_same_kernel(void **state)
{
	unsigned int ids[CAST_N];

	(void)state;
	assert_true(nsw_kernel_btf_ids_from_table(table, strlen(table), 5516713,
						  "bpf_rdonly_cast", cast_names, ids, CAST_N));
	assert_int_equal(ids[0], 1778);
	assert_int_equal(ids[1], 9506);
}

/*
 * Control: the same table where the running kernel's BTF has another size
 * (another kernel, the same build id notwithstanding) is refused, ids 0.
 */
static void test_ids_table_other_kernel_refused(void **state)
{
	unsigned int ids[CAST_N] = { 1, 1 };

	(void)state;
	assert_false(nsw_kernel_btf_ids_from_table(table, strlen(table), 5516712,
						   "bpf_rdonly_cast", cast_names, ids, CAST_N));
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 0);
}

/* A name or the kfunc missing, or no size line: refused, ids 0. */
static void test_ids_table_incomplete_refused(void **state)
{
	static const char no_files[] = "btf_size 10\nSTRUCT ns_common 5\nFUNC bpf_rdonly_cast 7\n";
	static const char no_kfunc[] = "btf_size 10\nSTRUCT ns_common 5\nSTRUCT files_struct 6\n";
	static const char no_size[] = "STRUCT ns_common 5\nSTRUCT files_struct 6\n"
				      "FUNC bpf_rdonly_cast 7\n";
	static const char wrong_kind[] = "btf_size 10\nSTRUCT ns_common 5\nUNION files_struct 6\n"
					 "FUNC bpf_rdonly_cast 7\n";
	static const char zero_id[] = "btf_size 10\nSTRUCT ns_common 0\nSTRUCT files_struct 6\n"
				      "FUNC bpf_rdonly_cast 7\n";
	static const char good[] = "btf_size 10\nSTRUCT ns_common 5\nSTRUCT files_struct 6\n"
				   "FUNC bpf_rdonly_cast 7";
	const char *bad[] = { no_files, no_kfunc, no_size, wrong_kind, zero_id, "" };
	unsigned int ids[CAST_N];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ids[0] = ids[1] = 1;
		assert_false(nsw_kernel_btf_ids_from_table(bad[i], strlen(bad[i]), 10,
							   "bpf_rdonly_cast", cast_names, ids,
							   CAST_N));
		assert_int_equal(ids[0] | ids[1], 0);
	}
	/* Control: complete, and no newline at the end. */
	assert_true(nsw_kernel_btf_ids_from_table(good, strlen(good), 10, "bpf_rdonly_cast",
						  cast_names, ids, CAST_N));
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 6);
}

/* The table this build embeds (kernel_btf.c), from scripts/min_btf.sh. */
extern const char nsw_btf_ids[], nsw_btf_ids_end[];

/*
 * Against the kernel's truth: what a tracer gets here (the recorded ids on
 * the build host, else a read) is what the running kernel's BTF says; and
 * the table embedded by this build, taken at the running kernel's BTF
 * size, holds the same ids or is refused.
 */
static void test_ids_are_the_running_kernels(void **state)
{
	unsigned int got[CAST_N], truth[CAST_N], recorded[CAST_N];
	bool have = nsw_kernel_btf_struct_ids_read("bpf_rdonly_cast", cast_names, truth, CAST_N);
	struct stat st;

	(void)state;
	assert_int_equal(nsw_kernel_btf_struct_ids("bpf_rdonly_cast", cast_names, got, CAST_N),
			 have);
	assert_memory_equal(got, truth, sizeof(got));
	if (stat("/sys/kernel/btf/vmlinux", &st) == 0 &&
	    nsw_kernel_btf_ids_from_table(nsw_btf_ids, nsw_btf_ids_end - nsw_btf_ids, st.st_size,
					  "bpf_rdonly_cast", cast_names, recorded, CAST_N)) {
		assert_true(have);
		assert_memory_equal(recorded, truth, sizeof(recorded));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_build_id),
		cmocka_unit_test(test_other_build_id),
		cmocka_unit_test(test_no_build_id),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_running_kernel),
		cmocka_unit_test(test_ids_table_same_kernel),
		cmocka_unit_test(test_ids_table_other_kernel_refused),
		cmocka_unit_test(test_ids_table_incomplete_refused),
		cmocka_unit_test(test_ids_are_the_running_kernels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
