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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_build_id),
		cmocka_unit_test(test_other_build_id),
		cmocka_unit_test(test_no_build_id),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_running_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
