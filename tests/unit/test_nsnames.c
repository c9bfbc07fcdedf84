// SPDX-License-Identifier: GPL-2.0
/* Flag decoding and the type/op list parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <cmocka.h>
#include "lib/nsnames.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void test_clone_low_byte_is_a_signal(void **state)
{
	(void)state;
	/* clone(): 0x80 is part of the exit signal, never CLONE_NEWTIME. */
	assert_int_equal(nsw_ns_flags(NSW_OP_CLONE, CLONE_NEWNET | SIGCHLD | 0x80),
			 CLONE_NEWNET);
	assert_int_equal(nsw_ns_flags(NSW_OP_CLONE3, CLONE_NEWTIME | CLONE_NEWPID),
			 CLONE_NEWTIME | CLONE_NEWPID);
	assert_int_equal(nsw_ns_flags(NSW_OP_UNSHARE, CLONE_NEWTIME), CLONE_NEWTIME);
}

static void test_non_namespace_flags_dropped(void **state)
{
	(void)state;
	assert_int_equal(nsw_ns_flags(NSW_OP_CLONE3, CLONE_VM | CLONE_FILES |
					  CLONE_PIDFD | (1ULL << 33)), 0);
	assert_int_equal(nsw_ns_flags(NSW_OP_UNSHARE, CLONE_FS | CLONE_NEWNS),
			 CLONE_NEWNS);
}

static void test_every_type_has_its_kernel_flag(void **state)
{
	static const struct { const char *name; unsigned long flag; } want[] = {
		{ "mnt", CLONE_NEWNS },	      { "uts", CLONE_NEWUTS },
		{ "ipc", CLONE_NEWIPC },      { "net", CLONE_NEWNET },
		{ "cgroup", CLONE_NEWCGROUP }, { "pid", CLONE_NEWPID },
		{ "time", CLONE_NEWTIME },    { "user", CLONE_NEWUSER },
	};

	(void)state;
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		assert_string_equal(nsw_types[i].name, want[i].name);
		assert_int_equal(nsw_types[i].flag, want[i].flag);
		assert_string_equal(nsw_slot_name(nsw_types[i].slot), want[i].name);
	}
}

static void test_new_pid_and_time_land_for_children(void **state)
{
	(void)state;
	assert_string_equal(nsw_type_of_slot(NSW_SLOT_PID_FOR_CHILDREN)->name, "pid");
	assert_string_equal(nsw_type_of_slot(NSW_SLOT_TIME_FOR_CHILDREN)->name, "time");
	assert_null(nsw_type_of_slot(NSW_SLOT_COUNT));
	assert_string_equal(nsw_slot_name(NSW_SLOT_PID_FOR_CHILDREN), "pid_for_children");
}

static void test_parse_types(void **state)
{
	struct nsw_error err;
	__u32 mask;

	(void)state;
	assert_int_equal(nsw_parse_types("net,uts", &mask, &err), 0);
	assert_int_equal(mask, (1U << NSW_SLOT_NET) | (1U << NSW_SLOT_UTS));
	assert_int_equal(nsw_parse_types("mnt,uts,ipc,net,cgroup,pid,time,user",
					 &mask, &err), 0);
	assert_int_equal(__builtin_popcount(mask), 8);

	assert_int_equal(nsw_parse_types("net,bogus", &mask, &err), -1);
	assert_non_null(strstr(err.msg, "'bogus'"));
	assert_int_equal(nsw_parse_types("", &mask, &err), -1);
	assert_int_equal(nsw_parse_types("net,", &mask, &err), -1);
	assert_int_equal(nsw_parse_types(",net", &mask, &err), -1);
	assert_int_equal(nsw_parse_types("pid_for_children", &mask, &err), -1);
}

static void test_parse_ops(void **state)
{
	struct nsw_error err;
	__u32 mask;

	(void)state;
	assert_int_equal(nsw_parse_ops("clone3,setns", &mask, &err), 0);
	assert_int_equal(mask, NSW_OP_BIT(NSW_OP_CLONE3) | NSW_OP_BIT(NSW_OP_SETNS));
	assert_int_equal(nsw_parse_ops("fork", &mask, &err), -1);
	assert_non_null(strstr(err.msg, "unknown operation 'fork'"));
}

static void test_errno_names(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(nsw_errno_name(1, buf, sizeof(buf)), "EPERM");
	assert_string_equal(nsw_errno_name(-22, buf, sizeof(buf)), "EINVAL");
	assert_string_equal(nsw_errno_name(4095, buf, sizeof(buf)), "E4095");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clone_low_byte_is_a_signal),
		cmocka_unit_test(test_non_namespace_flags_dropped),
		cmocka_unit_test(test_every_type_has_its_kernel_flag),
		cmocka_unit_test(test_new_pid_and_time_land_for_children),
		cmocka_unit_test(test_parse_types),
		cmocka_unit_test(test_parse_ops),
		cmocka_unit_test(test_errno_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
