// SPDX-License-Identifier: GPL-2.0
/*
 * Capability names against libcap's and the kernel headers' own: every
 * capability up to CAP_LAST_CAP parses in each accepted form and formats
 * back to its name; the default set is Docker's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <cmocka.h>
#include "runtime/caps.h"

/* Every name libcap knows parses, bare, prefixed or in lower case, and formats back. */
static void test_every_name_round_trips(void **state)
{
	char name[NSW_CAP_NAME_LEN], lower[NSW_CAP_NAME_LEN], out[NSW_CAP_NAME_LEN];
	struct nsw_error err;
	uint64_t bits;

	(void)state;
	for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++) {
		char *lib = cap_to_name(cap);

		assert_non_null(lib);
		/* libcap names it, not with the number it uses for the unknown. */
		if (isdigit((unsigned char)lib[0]))
			fail_msg("libcap has no name for capability %d", cap);
		assert_int_equal(nsw_cap_name(cap, name, sizeof(name), &err), 0);
		assert_int_equal(strcasecmp(name, lib), 0);
		assert_int_equal(strncmp(name, "CAP_", 4), 0);
		cap_free(lib);

		assert_int_equal(nsw_cap_parse(name, &bits, &err), 0);
		assert_int_equal(bits, NSW_CAP_BIT(cap));
		assert_int_equal(nsw_cap_parse(name + 4, &bits, &err), 0);
		assert_int_equal(bits, NSW_CAP_BIT(cap));
		for (size_t i = 0; i <= strlen(name); i++)
			lower[i] = tolower((unsigned char)name[i]);
		assert_int_equal(nsw_cap_parse(lower, &bits, &err), 0);
		assert_int_equal(bits, NSW_CAP_BIT(cap));
		assert_int_equal(nsw_cap_parse(lower + 4, &bits, &err), 0);
		assert_int_equal(bits, NSW_CAP_BIT(cap));

		nsw_caps_format(NSW_CAP_BIT(cap), out, sizeof(out));
		assert_string_equal(out, name);
	}
}

static void test_names_from_the_headers(void **state)
{
	char name[NSW_CAP_NAME_LEN];
	struct nsw_error err;

	(void)state;
	assert_int_equal(nsw_cap_name(CAP_NET_ADMIN, name, sizeof(name), &err), 0);
	assert_string_equal(name, "CAP_NET_ADMIN");
	assert_int_equal(nsw_cap_name(CAP_CHECKPOINT_RESTORE, name, sizeof(name), &err), 0);
	assert_string_equal(name, "CAP_CHECKPOINT_RESTORE");
	assert_int_equal(nsw_cap_name(CAP_LAST_CAP + 1, name, sizeof(name), &err), -1);
	/* No silent truncation. */
	assert_int_equal(nsw_cap_name(CAP_CHOWN, name, 5, &err), -1);
	assert_int_equal(err.errnum, ERANGE);
}

static void test_all_and_format(void **state)
{
	char buf[NSW_CAP_NAME_LEN * (CAP_LAST_CAP + 1)];
	struct nsw_error err;
	uint64_t bits, back = 0;
	char *save, *tok;

	(void)state;
	assert_int_equal(nsw_cap_parse("ALL", &bits, &err), 0);
	assert_int_equal(bits, NSW_CAPS_ALL);
	assert_int_equal(nsw_cap_parse("all", &bits, &err), 0);
	assert_int_equal(bits, NSW_CAPS_ALL);
	/* Every name, comma-separated, and each parses back. */
	nsw_caps_format(NSW_CAPS_ALL, buf, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		assert_int_equal(nsw_cap_parse(tok, &bits, &err), 0);
		assert_false(back & bits);
		back |= bits;
	}
	assert_int_equal(back, NSW_CAPS_ALL);
	nsw_caps_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_unknown(void **state)
{
	static const char *const bad[] = {
	    "",
	    "CAP_",
	    "NET",
	    "NET_ADMINX",
	    "12",
	    "CAP_12",
	    "cap_41",
	    " NET_ADMIN",
	    "NET_ADMIN ",
	    "NET-ADMIN",
	    "CAP_CAP_NET_ADMIN",
	    "A_VERY_LONG_NAME_THAT_NO_CAPABILITY_HAS_AT_ALL",
	};
	struct nsw_error err;
	uint64_t bits = 7;
	char want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!nsw_cap_parse(bad[i], &bits, &err))
			fail_msg("'%s' was accepted", bad[i]);
		snprintf(want, sizeof(want),
			 "unknown capability '%s' (e.g. NET_ADMIN, CAP_SYS_ADMIN or ALL)", bad[i]);
		assert_string_equal(err.msg, want);
		assert_int_equal(bits, 7);
	}
}

/* Docker's and runc's default set without NET_RAW (podman's), by name. */
static void test_default_set(void **state)
{
	char buf[1024];

	(void)state;
	nsw_caps_format(NSW_CAPS_DEFAULT, buf, sizeof(buf));
	assert_string_equal(buf, "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,"
				 "CAP_SETGID,CAP_SETUID,CAP_SETPCAP,CAP_NET_BIND_SERVICE,"
				 "CAP_SYS_CHROOT,CAP_MKNOD,CAP_AUDIT_WRITE,"
				 "CAP_SETFCAP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_name_round_trips),
	    cmocka_unit_test(test_names_from_the_headers),
	    cmocka_unit_test(test_all_and_format),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_default_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
