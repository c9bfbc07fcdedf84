// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp profile parser: every field of the OCI and Docker formats
 * read into the model, written back and read again to the same model (the
 * state file's round trip), and each kind of bad input refused with a
 * message naming the source and the field. The default profile builds and
 * its own JSON parses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <cmocka.h>
#include "runtime/caps.h"
#include "runtime/seccomp.h"

static const char full[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,\n"
	" \"architectures\": [\"SCMP_ARCH_X86\"],\n"
	" \"archMap\": [{\"architecture\": \"SCMP_ARCH_PPC64LE\", \"subArchitectures\": null}],\n"
	" \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
	" \"syscalls\": [\n"
	"  {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"io\"},\n"
	"  {\"name\": \"keyctl\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,\n"
	"   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"], \"arches\": [\"amd64\"], \"minKernel\": \"4.8\"},\n"
	"   \"excludes\": {\"caps\": [\"CAP_BPF\"], \"arches\": [\"s390x\"]}},\n"
	"  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_KILL\",\n"
	"   \"args\": [{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"},\n"
	"            {\"index\": 5, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_NE\"}]}\n"
	" ]}\n";

static struct nsw_seccomp_profile *parse_ok(const char *text)
{
	struct nsw_seccomp_profile *p = NULL;
	struct nsw_error err = { 0 };

	if (nsw_seccomp_profile_parse(text, "t.json", &p, &err) < 0)
		fail_msg("parse failed: %s", err.msg);
	return p;
}

static void check_full(const struct nsw_seccomp_profile *p)
{
	assert_int_equal(p->default_action, NSW_SCMP_ERRNO);
	assert_int_equal(p->default_errno, ENOSYS);
	assert_int_equal(p->n_arches >= 1, 1);
	assert_int_equal(p->arches[0], SCMP_ARCH_X86);
	assert_int_equal(p->flags, NSW_SCMP_FLAG_LOG);
	assert_int_equal(p->n_rules, 3);
	assert_int_equal(p->rules[0].n_names, 2);
	assert_string_equal(p->rules[0].names[1], "write");
	assert_int_equal(p->rules[0].action, NSW_SCMP_ALLOW);
	assert_int_equal(p->rules[0].errno_ret, -1);
	assert_string_equal(p->rules[1].names[0], "keyctl");
	assert_int_equal(p->rules[1].errno_ret, 1);
	assert_int_equal(p->rules[1].includes.caps, NSW_CAP_BIT(CAP_SYS_ADMIN));
	assert_int_equal(p->rules[1].includes.arches[0], SCMP_ARCH_X86_64);
	assert_int_equal(p->rules[1].includes.min_kernel[0], 4);
	assert_int_equal(p->rules[1].includes.min_kernel[1], 8);
	assert_int_equal(p->rules[1].excludes.caps, NSW_CAP_BIT(CAP_BPF));
	assert_int_equal(p->rules[1].excludes.arches[0], SCMP_ARCH_S390X);
	assert_int_equal(p->rules[2].action, NSW_SCMP_KILL_THREAD);
	assert_int_equal(p->rules[2].n_args, 2);
	assert_int_equal(p->rules[2].args[0].op, NSW_SCMP_CMP_MASKED_EQ);
	assert_int_equal(p->rules[2].args[0].value, 2114060288);
	assert_int_equal(p->rules[2].args[1].index, 5);
	assert_true(p->rules[2].args[1].value == UINT64_MAX);
}

static char *write_mem(const struct nsw_seccomp_profile *p)
{
	struct nsw_json w;
	char *text;

	assert_int_equal(nsw_json_open_mem(&w), 0);
	nsw_seccomp_profile_write(&w, p);
	text = nsw_json_take_mem(&w);
	assert_non_null(text);
	return text;
}

/* Every field in, out through the writer, and in again: the same model. */
static void test_full_round_trip(void **state)
{
	struct nsw_seccomp_profile *p = parse_ok(full), *q;
	char *text, *again;

	(void)state;
	check_full(p);
	text = write_mem(p);
	q = parse_ok(text);
	check_full(q);
	again = write_mem(q);
	assert_string_equal(text, again);
	free(text);
	free(again);
	nsw_seccomp_profile_free(p);
	nsw_seccomp_profile_free(q);
}

static const struct {
	const char *text, *want;
} bad[] = {
	{ "", "t.json: not JSON" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\"", "t.json: not JSON" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\"} {}", "t.json: not JSON: text after the object" },
	{ "null", "t.json: not JSON: null" },
	{ "[1]", "t.json: must be a JSON object, not array" },
	{ "{}", "t.json: defaultAction: missing" },
	{ "{\"defaultAction\": 1}", "t.json: defaultAction: must be a string, not int" },
	{ "{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "defaultAction: unknown action 'SCMP_ACT_NOPE'" },
	{ "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "defaultAction: SCMP_ACT_NOTIFY needs a listener" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
	  "defaultErrnoRet: SCMP_ACT_ALLOW returns no errno" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}",
	  "defaultErrnoRet: errno 5000 is out of range" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
	  "defaultErrnoRet: must be an unsigned integer, not -1" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"bogus\": 1}", "unknown field 'bogus'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": \"SCMP_ARCH_X86\"}",
	  "architectures: must be an array, not string" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"x86\"]}",
	  "architectures[0]: unknown architecture 'x86'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_X\"]}",
	  "flags[0]: unknown flag 'SECCOMP_FILTER_FLAG_X'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x.sock\"}",
	  "listenerPath: seccomp notification listeners are not supported" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	  "syscalls: must be an array, not object" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "syscalls[0]: no system call named" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
	  "syscalls[0].action: missing" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"nosuch\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "syscalls[0].names[0]: unknown system call 'nosuch'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [1], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "syscalls[0].names[0]: must be a string, not int" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "syscalls[0].args[0].index: 6 is not an argument" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_XX\"}]}]}",
	  "syscalls[0].args[0].op: unknown operator 'SCMP_CMP_XX'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "syscalls[0].args[0].value: must be an unsigned integer, not double" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0}]}]}",
	  "syscalls[0].args[0].op: missing" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"four\"}}]}",
	  "syscalls[0].includes.minKernel: 'four' is not a kernel version" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"minKernel\": \"4.8\"}}]}",
	  "syscalls[0].excludes: unknown field 'minKernel'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": [\"ALL\"]}}]}",
	  "syscalls[0].includes.caps[0]: unknown capability 'ALL'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_LOG\", \"errnoRet\": 1}]}",
	  "syscalls[0].errnoRet: SCMP_ACT_LOG returns no errno" },
};

static void test_bad_profiles(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nsw_seccomp_profile *p = (void *)1;
		struct nsw_error err = { 0 };

		if (nsw_seccomp_profile_parse(bad[i].text, "t.json", &p, &err) == 0)
			fail_msg("accepted: %s", bad[i].text);
		assert_null(p);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("for %s\n  got: %s\n want: ...%s...", bad[i].text, err.msg, bad[i].want);
		if (strncmp(err.msg, "seccomp profile t.json: ", 24))
			fail_msg("the message does not name the file: %s", err.msg);
	}
}

/* Docker's archMap: the native architecture's entry adds its compat ABIs. */
static void test_arch_map(void **state)
{
	struct nsw_seccomp_profile *p;
	char text[512];

	(void)state;
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	snprintf(text, sizeof(text),
		 "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": ["
		 "{\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]},"
		 "{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}]}");
	p = parse_ok(text);
	assert_int_equal(p->n_arches, 3);
	assert_int_equal(p->arches[0], SCMP_ARCH_X86_64);
	assert_int_equal(p->arches[1], SCMP_ARCH_X86);
	assert_int_equal(p->arches[2], SCMP_ARCH_X32);
	nsw_seccomp_profile_free(p);
}

/* The built-in profile: written out, it is a profile the parser accepts. */
static void test_default_profile_parses(void **state)
{
	for (int userns = 0; userns <= 1; userns++) {
		struct nsw_seccomp_profile *d = nsw_seccomp_default_profile(userns), *q;
		char *text;
		bool keyctl = false, mount = false;

		(void)state;
		assert_non_null(d);
		assert_int_equal(d->default_action, NSW_SCMP_ALLOW);
		text = write_mem(d);
		q = parse_ok(text);
		assert_int_equal(q->n_rules, d->n_rules);
		for (int i = 0; i < q->n_rules; i++)
			for (int k = 0; k < q->rules[i].n_names; k++) {
				keyctl |= !strcmp(q->rules[i].names[k], "keyctl");
				mount |= !strcmp(q->rules[i].names[k], "mount");
			}
		assert_true(keyctl);
		/* --allow-userns lets the new namespace's root mount. */
		assert_int_equal(mount, !userns);
		free(text);
		nsw_seccomp_profile_free(d);
		nsw_seccomp_profile_free(q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_round_trip),
		cmocka_unit_test(test_bad_profiles),
		cmocka_unit_test(test_arch_map),
		cmocka_unit_test(test_default_profile_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
