// SPDX-License-Identifier: GPL-2.0
/* `nswatch trace` option parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <argp.h>
#include <cmocka.h>
#include "cli/trace_opts.h"

#define PARSE(opts, ...)                                                        \
	({                                                                      \
		char *argv_[] = { "nswatch trace", __VA_ARGS__, NULL };         \
		trace_parse_args((int)(sizeof(argv_) / sizeof(argv_[0])) - 1,   \
				 argv_, (opts), ARGP_NO_ERRS);                  \
	})

static void test_defaults(void **state)
{
	struct trace_opts o;
	char *argv[] = { "nswatch trace", NULL };

	(void)state;
	assert_int_equal(trace_parse_args(1, argv, &o, ARGP_NO_ERRS), 0);
	assert_int_equal(o.tracer.pid, 0);
	assert_false(o.json);
	assert_null(o.cmd);
	assert_int_equal(o.tracer.type_mask, 0);
	assert_int_equal(o.tracer.op_mask, NSW_OP_BIT(NSW_OP_CLONE) | NSW_OP_BIT(NSW_OP_CLONE3) |
					    NSW_OP_BIT(NSW_OP_UNSHARE) | NSW_OP_BIT(NSW_OP_SETNS) |
					    NSW_OPMASK_NS_EMPTY);
	assert_int_equal(o.tracer.ring_size, TRACE_RING_SIZE_DEFAULT);
}

/*
 * No option at all: the tracer's own defaults, which run --trace uses too,
 * but for the ring buffer, which is larger for trace.
 */
static void test_defaults_are_the_tracers(void **state)
{
	struct nsw_tracer_settings d = nsw_tracer_settings_default();
	struct trace_opts o;
	char *argv[] = { "nswatch trace", NULL };

	(void)state;
	assert_int_equal(trace_parse_args(1, argv, &o, ARGP_NO_ERRS), 0);
	assert_int_equal(o.tracer.pid, d.pid);
	assert_int_equal(o.tracer.comm_set, d.comm_set);
	assert_int_equal(o.tracer.type_mask, d.type_mask);
	assert_int_equal(o.tracer.op_mask, d.op_mask);
	assert_int_equal(o.tracer.failed_only, d.failed_only);
	assert_int_equal(o.tracer.all_clones, d.all_clones);
	assert_int_equal(o.tracer.ring_size, TRACE_RING_SIZE_DEFAULT);
	assert_true(d.ring_size < TRACE_RING_SIZE_DEFAULT);
	assert_int_equal(o.tracer.verbose, d.verbose);
	assert_false(d.follow || d.exclude_self || d.proc_events || d.failed_only);
}

static void test_filters(void **state)
{
	struct trace_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "--pid", "123", "--comm", "ip", "--type", "net,pid",
			       "--op", "setns", "--failed", "--json"), 0);
	assert_int_equal(o.tracer.pid, 123);
	assert_true(o.tracer.comm_set);
	assert_string_equal(o.tracer.comm, "ip");
	assert_int_equal(o.tracer.type_mask, (1U << NSW_SLOT_NET) | (1U << NSW_SLOT_PID));
	assert_int_equal(o.tracer.op_mask, NSW_OP_BIT(NSW_OP_SETNS));
	assert_true(o.tracer.failed_only);
	assert_true(o.json);
}

static void test_command_keeps_its_own_options(void **state)
{
	struct trace_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "--json", "--", "unshare", "--net", "--pid", "sh"), 0);
	assert_non_null(o.cmd);
	assert_string_equal(o.cmd[0], "unshare");
	assert_string_equal(o.cmd[1], "--net");
	assert_string_equal(o.cmd[2], "--pid");
	assert_string_equal(o.cmd[3], "sh");
	assert_null(o.cmd[4]);
	assert_int_equal(o.tracer.pid, 0);
}

static void test_bad_values(void **state)
{
	struct trace_opts o;

	(void)state;
	assert_int_not_equal(PARSE(&o, "--pid", "0"), 0);
	assert_int_not_equal(PARSE(&o, "--pid", "-5"), 0);
	assert_int_not_equal(PARSE(&o, "--pid", "12x"), 0);
	assert_int_not_equal(PARSE(&o, "--comm", "a-name-longer-than-15"), 0);
	assert_int_not_equal(PARSE(&o, "--type", "netns"), 0);
	assert_int_not_equal(PARSE(&o, "--op", "fork"), 0);
	assert_int_not_equal(PARSE(&o, "--duration", "0"), 0);
	assert_int_not_equal(PARSE(&o, "--duration", "soon"), 0);
	assert_int_not_equal(PARSE(&o, "--ring-size", "3000"), 0);
	assert_int_not_equal(PARSE(&o, "--ring-size", "1K"), 0);
	assert_int_not_equal(PARSE(&o, "--no-such-option"), 0);
}

static void test_sizes_and_durations(void **state)
{
	struct trace_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "--ring-size", "64K", "--duration", "1.5"), 0);
	assert_int_equal(o.tracer.ring_size, 64 * 1024);
	assert_true(o.duration > 1.49 && o.duration < 1.51);
	assert_int_equal(PARSE(&o, "--ring-size", "8M"), 0);
	assert_int_equal(o.tracer.ring_size, 8 << 20);
}

static void test_conflicts(void **state)
{
	struct trace_opts o;

	(void)state;
	assert_int_not_equal(PARSE(&o, "--pid", "1", "--", "true"), 0);
	assert_int_not_equal(PARSE(&o, "--duration", "5", "--", "true"), 0);
}

static void test_rate_limit(void **state)
{
	struct trace_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "--json"), 0);
	assert_int_equal(o.tracer.rate_limit, NSW_RATE_LIMIT_DEFAULT);
	assert_int_equal(PARSE(&o, "--rate-limit", "0"), 0);
	assert_int_equal(o.tracer.rate_limit, 0);
	assert_int_equal(PARSE(&o, "--rate-limit", "250"), 0);
	assert_int_equal(o.tracer.rate_limit, 250);
	assert_int_not_equal(PARSE(&o, "--rate-limit", "-1"), 0);
	assert_int_not_equal(PARSE(&o, "--rate-limit", "1000001"), 0);
	assert_int_not_equal(PARSE(&o, "--rate-limit", "10x"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_defaults_are_the_tracers),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_command_keeps_its_own_options),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_sizes_and_durations),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_rate_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
