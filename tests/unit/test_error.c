// SPDX-License-Identifier: GPL-2.0
/* The error contract: wrapping adds context and never corrupts the message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "lib/error.h"

static void test_wrap_puts_context_in_front_once(void **state)
{
	struct nsw_error err;
	char line[1024];

	(void)state;
	assert_int_equal(nsw_error(&err, EINVAL, "fsconfig size=x"), -1);
	assert_int_equal(nsw_error_wrap(&err, "cannot mount %s on %s", "tmpfs", "/tmp"), -1);
	assert_string_equal(err.msg, "cannot mount tmpfs on /tmp: fsconfig size=x");
	assert_int_equal(err.errnum, EINVAL);
	nsw_error_format(&err, line, sizeof(line));
	assert_string_equal(line, "cannot mount tmpfs on /tmp: fsconfig size=x: Invalid argument");
}

static void test_wrap_of_an_empty_message_adds_no_colon(void **state)
{
	struct nsw_error err = { 0 };

	(void)state;
	nsw_error_wrap(&err, "context");
	assert_string_equal(err.msg, "context");
}

static void test_wrap_keeps_status_and_truncates_safely(void **state)
{
	struct nsw_error err;
	char longmsg[2000];

	(void)state;
	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	nsw_error(&err, -ENOENT, "%s", longmsg);
	assert_int_equal(err.errnum, ENOENT);
	nsw_error_set_status(&err, 127);
	nsw_error_wrap(&err, "ctx");
	assert_int_equal(err.status, 127);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "ctx: xxx", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_puts_context_in_front_once),
		cmocka_unit_test(test_wrap_of_an_empty_message_adds_no_colon),
		cmocka_unit_test(test_wrap_keeps_status_and_truncates_safely),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
