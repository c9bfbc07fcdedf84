// SPDX-License-Identifier: GPL-2.0
/* nsw_read_bounded: the whole of a bounded regular file, or EFBIG. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/readfile.h"

/* A file holding text, opened for reading; unlinked at once. */
static int file_with(const char *text)
{
	char path[] = "/tmp/nsw-readfile-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void test_whole_file_nul_ended(void **state)
{
	int fd = file_with("{\"a\": 1}");
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(nsw_read_bounded(fd, 8, &text, &len), 0);
	assert_int_equal(len, 8);
	assert_string_equal(text, "{\"a\": 1}");
	free(text);
	close(fd);
}

static void test_empty_file(void **state)
{
	int fd = file_with("");
	char *text = NULL;
	size_t len = 1;

	(void)state;
	assert_int_equal(nsw_read_bounded(fd, 8, &text, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);
	close(fd);
}

/* One byte over the bound is refused; the same file at its size is read (above). */
static void test_over_the_bound_is_efbig(void **state)
{
	int fd = file_with("{\"a\": 1}");
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(nsw_read_bounded(fd, 7, &text, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_null(text);
	close(fd);
}

/* Not a regular file: a directory, a pipe (which could block forever). */
static void test_not_regular_is_efbig(void **state)
{
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY), p[2];
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_true(dir >= 0);
	assert_int_equal(nsw_read_bounded(dir, 1 << 20, &text, &len), -1);
	assert_int_equal(errno, EFBIG);
	close(dir);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(nsw_read_bounded(p[0], 1 << 20, &text, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_null(text);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_file_nul_ended),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_over_the_bound_is_efbig),
		cmocka_unit_test(test_not_regular_is_efbig),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
