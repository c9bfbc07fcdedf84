// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping, and the shape of an event line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <cmocka.h>
#include "lib/json.h"
#include "lib/clock.h"
#include "lib/nsnames.h"
#include "table/nstable.h"
#include "session/presenter.h"

static char *escape(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	json_write_string(f, s, len);
	fclose(f);
	return buf;
}

static void check(const char *in, size_t len, const char *want)
{
	char *got = escape(in, len);

	assert_string_equal(got, want);
	free(got);
}

static void test_plain_and_specials(void **state)
{
	(void)state;
	check("unshare", 16, "\"unshare\"");
	check("a\"b\\c", 16, "\"a\\\"b\\\\c\"");
	check("tab\there\n", 16, "\"tab\\there\\n\"");
	check("\x01\x1f\x7f", 16, "\"\\u0001\\u001f\\u007f\"");
	check("", 16, "\"\"");
}

static void test_stops_at_len_without_nul(void **state)
{
	const char comm[16] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
				'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p' };

	(void)state;
	check(comm, sizeof(comm), "\"abcdefghijklmnop\"");
	check("abcdef", 3, "\"abc\"");
}

static void test_utf8_kept_invalid_escaped(void **state)
{
	(void)state;
	check("caf\xc3\xa9", 16, "\"caf\xc3\xa9\"");
	check("\xe2\x82\xac", 16, "\"\xe2\x82\xac\"");
	/* A lone continuation byte, a truncated sequence, an overlong NUL. */
	check("\x80x", 16, "\"\\u0080x\"");
	check("\xe2\x82", 2, "\"\\u00e2\\u0082\"");
	check("\xc0\x80", 16, "\"\\u00c0\\u0080\"");
	/* A surrogate encoded in UTF-8 is not valid UTF-8. */
	check("\xed\xa0\x80", 16, "\"\\u00ed\\u00a0\\u0080\"");
}

static void test_rfc3339(void **state)
{
	char buf[40];

	(void)state;
	nsw_format_rfc3339(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");
	nsw_format_rfc3339(1795343160123456789LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22T10:26:00.123456Z");
}

static char *event_json(const struct nsw_event *ev)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	nsw_print_json(f, ev, 0, NULL);
	fclose(f);
	return buf;
}

static void test_failed_unshare_line(void **state)
{
	struct nsw_event ev = { 0 };
	char *line;

	(void)state;
	ev.op = NSW_OP_UNSHARE;
	ev.flags = CLONE_NEWNET;
	ev.flags_valid = 1;
	ev.ret = (__u64)-1;
	ev.after_valid = 1;
	ev.pid = ev.tid = 42;
	ev.uid = 65534;
	strcpy(ev.comm, "unshare");
	line = event_json(&ev);
	assert_non_null(strstr(line, "\"op\":\"unshare\""));
	assert_non_null(strstr(line, "\"flags\":[\"CLONE_NEWNET\"]"));
	assert_non_null(strstr(line, "\"ret\":-1,\"error\":\"EPERM\""));
	assert_null(strstr(line, "\"created\""));
	assert_int_equal(line[strlen(line) - 1], '\n');
	free(line);
}

static void test_created_pid_is_named_pid(void **state)
{
	struct nsw_event ev = { 0 };
	char *line;

	(void)state;
	ev.op = NSW_OP_UNSHARE;
	ev.flags = CLONE_NEWPID | CLONE_NEWUTS;
	ev.flags_valid = 1;
	ev.after_valid = 1;
	ev.ns_after[NSW_SLOT_PID_FOR_CHILDREN] = 4026532300U;
	ev.ns_after[NSW_SLOT_UTS] = 4026532301U;
	line = event_json(&ev);
	assert_non_null(strstr(line, "\"created\":[{\"type\":\"uts\",\"inode\":4026532301},"
				     "{\"type\":\"pid\",\"inode\":4026532300}]"));
	assert_non_null(strstr(line, "\"pid_for_children\":4026532300"));
	free(line);
}

static void test_failed_clone_has_null_after(void **state)
{
	struct nsw_event ev = { 0 };
	char *line;

	(void)state;
	ev.op = NSW_OP_CLONE3;
	ev.flags = CLONE_NEWUSER;
	ev.flags_valid = 1;
	ev.ret = (__u64)-11;
	line = event_json(&ev);
	assert_non_null(strstr(line, "\"ns_after\":null"));
	assert_non_null(strstr(line, "\"error\":\"EAGAIN\""));
	assert_non_null(strstr(line, "\"child_pid\":0"));
	free(line);
}

/* The JSON presenter's ns_empty line, whole: a comm that is not UTF-8 escaped. */
static void test_ns_empty_line(void **state)
{
	struct nsw_ns_entry e = { 0 };
	struct nsw_line_presenter lp = { 0 };
	struct nsw_ns_empty ne = { .entry = &e, .container = "docker:abc",
				   .last_pid = 77, .ts_ns = 0 };
	struct nsw_presenter p;
	char *buf = NULL;
	size_t size = 0;

	(void)state;
	e.type = nsw_type_index("net");
	e.inode = 4026532400U;
	e.ns_id = 12;
	e.origin = NSW_ORIGIN_CREATED;
	e.creator_pid = 70;
	e.creator_op = NSW_OP_UNSHARE;
	memcpy(e.creator_comm, "ip\xff\"x", 6);
	strcpy(e.netns_name, "red");
	lp.f = open_memstream(&buf, &size);
	p = nsw_present_json(&lp);
	p.on_ns_empty(p.ctx, &ne);
	fclose(lp.f);
	assert_string_equal(buf,
			    "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"op\":\"ns_empty\","
			    "\"type\":\"net\",\"inode\":4026532400,\"ns_id\":12,"
			    "\"last_pid\":77,\"origin\":\"created\",\"created_by\":{\"pid\":70,"
			    "\"comm\":\"ip\\u00ff\\\"x\",\"op\":\"unshare\"},"
			    "\"container\":\"docker:abc\",\"netns\":\"red\"}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_specials),
		cmocka_unit_test(test_stops_at_len_without_nul),
		cmocka_unit_test(test_utf8_kept_invalid_escaped),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_failed_unshare_line),
		cmocka_unit_test(test_created_pid_is_named_pid),
		cmocka_unit_test(test_failed_clone_has_null_after),
		cmocka_unit_test(test_ns_empty_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
