// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's cumulative held-back totals turned into reports: each call
 * reported once, whatever order the records and the map reads come in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "trace/throttle.h"

static struct nsw_throttled_event rec(__u32 uid, __u64 cg, __u32 op, __u64 total,
				      __u64 first, __u64 last)
{
	return (struct nsw_throttled_event){ .kind = NSW_KIND_THROTTLED, .uid = uid,
					     .cgroup_id = cg, .op = op, .total = total,
					     .first_ts = first, .last_ts = last };
}

static void test_differences(void **state)
{
	struct nsw_throttle_seen *s = nsw_throttle_seen_new();
	struct nsw_throttled_event r;
	struct nsw_throttled out;

	(void)state;
	assert_non_null(s);
	r = rec(1000, 0, NSW_OP_UNSHARE, 10, 100, 200);
	assert_true(nsw_throttle_seen_update(s, &r, &out));
	assert_int_equal(out.count, 10);
	assert_int_equal(out.total, 10);
	assert_int_equal(out.uid, 1000);
	assert_int_equal(out.op, NSW_OP_UNSHARE);
	/* Another operation and another source are counted apart. */
	r = rec(1000, 0, NSW_OP_SETNS, 3, 150, 160);
	assert_true(nsw_throttle_seen_update(s, &r, &out));
	assert_int_equal(out.count, 3);
	r = rec(0, 7, NSW_OP_UNSHARE, 4, 150, 160);
	assert_true(nsw_throttle_seen_update(s, &r, &out));
	assert_int_equal(out.count, 4);
	r = rec(1000, 0, NSW_OP_UNSHARE, 25, 300, 400);
	assert_true(nsw_throttle_seen_update(s, &r, &out));
	assert_int_equal(out.count, 15);
	assert_int_equal(out.total, 25);
	assert_int_equal(out.first_ts, 300);
	nsw_throttle_seen_free(s);
}

/* A record overtaken by a later one (or by a map read) brings nothing. */
static void test_overtaken(void **state)
{
	struct nsw_throttle_seen *s = nsw_throttle_seen_new();
	struct nsw_throttled_event r;
	struct nsw_throttled out;

	(void)state;
	r = rec(6001, 0, NSW_OP_SETNS, 50, 100, 500);
	assert_true(nsw_throttle_seen_update(s, &r, &out));
	r = rec(6001, 0, NSW_OP_SETNS, 40, 100, 450);
	assert_false(nsw_throttle_seen_update(s, &r, &out));
	r = rec(6001, 0, NSW_OP_SETNS, 50, 100, 500);
	assert_false(nsw_throttle_seen_update(s, &r, &out));
	/* A stale first_ts (older than what was reported) is moved up. */
	r = rec(6001, 0, NSW_OP_SETNS, 60, 100, 700);
	assert_true(nsw_throttle_seen_update(s, &r, &out));
	assert_int_equal(out.count, 10);
	assert_int_equal(out.first_ts, 500);
	assert_int_equal(out.last_ts, 700);
	nsw_throttle_seen_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differences),
		cmocka_unit_test(test_overtaken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
