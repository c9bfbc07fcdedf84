// SPDX-License-Identifier: GPL-2.0
/*
 * An exec's process file (oci/config.c's nsw_oci_process_parse()): the
 * spec's process object alone, as podman and containerd's shim write it,
 * fills the description's process fields; a bad one fails naming the field
 * as config.json's reader does; text that is no JSON object fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>
#include "oci/config.h"
#include "runtime/caps.h"

/* What podman's conmon hands `exec --process` (trimmed of the fields nswatch ignores). */
static const char good[] =
    "{\"terminal\": true, \"cwd\": \"/work\","
    " \"args\": [\"sh\", \"-c\", \"id\"],"
    " \"env\": [\"PATH=/usr/bin:/bin\", \"TERM=xterm\", \"HOME=/root\"],"
    " \"user\": {\"uid\": 1000, \"gid\": 1001, \"umask\": 18, \"additionalGids\": [10, 11]},"
    " \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
    "   \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
    "   \"inheritable\": [], \"ambient\": []},"
    " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 512}],"
    " \"noNewPrivileges\": true, \"oomScoreAdj\": 5, \"apparmorProfile\": \"\"}";

static int parse(const char *text, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	memset(err, 0, sizeof(*err));
	return nsw_oci_process_parse(text, strlen(text), cfg, err);
}

static void good_process(void **state)
{
	struct nsw_oci_config cfg;
	struct nsw_error err;
	const struct nsw_container *c = &cfg.c;

	(void)state;
	assert_int_equal(parse(good, &cfg, &err), 0);
	assert_true(c->oci);
	assert_true(c->tty);
	assert_string_equal(c->workdir, "/work");
	assert_string_equal(c->argv[0], "sh");
	assert_string_equal(c->argv[2], "id");
	assert_null(c->argv[3]);
	assert_int_equal(c->n_env, 3);
	assert_string_equal(c->env[1], "TERM=xterm");
	assert_int_equal(c->uid, 1000);
	assert_int_equal(c->gid, 1001);
	assert_true(c->set_umask);
	assert_int_equal(c->umask, 18);
	assert_int_equal(c->n_groups, 2);
	assert_int_equal(c->groups[1], 11);
	assert_true(c->caps_sets);
	assert_true(c->caps == (NSW_CAP_BIT(CAP_KILL) | NSW_CAP_BIT(CAP_CHOWN)));
	assert_true(c->caps_effective == NSW_CAP_BIT(CAP_KILL));
	assert_true(c->caps_inheritable == 0);
	assert_int_equal(c->n_rlimits, 1);
	assert_int_equal(c->rlimits[0].resource, RLIMIT_NOFILE);
	assert_false(c->keep_privs);
	assert_true(c->set_oom_score_adj);
	nsw_oci_config_free(&cfg);
}

/* Without capabilities: none at all, as for config.json's process. */
static void minimal_process(void **state)
{
	static const char minimal[] =
	    "{\"cwd\": \"/\", \"args\": [\"true\"], \"user\": {\"uid\": 0, \"gid\": 0}}";
	struct nsw_oci_config cfg;
	struct nsw_error err;

	(void)state;
	assert_int_equal(parse(minimal, &cfg, &err), 0);
	assert_false(cfg.c.tty);
	assert_true(cfg.c.caps == 0 && cfg.c.caps_effective == 0 && cfg.c.caps_permitted == 0);
	assert_int_equal(cfg.c.n_env, 0);
	assert_true(cfg.c.keep_privs);
	nsw_oci_config_free(&cfg);
}

static void bad_processes(void **state)
{
	static const struct {
		const char *text, *field;
	} bad[] = {
	    {"{\"cwd\": \"work\", \"args\": [\"true\"], \"user\": {}}", "process.cwd"},
	    {"{\"cwd\": \"/\", \"args\": [], \"user\": {}}", "process.args"},
	    {"{\"cwd\": \"/\", \"args\": [\"true\"]}", "process.user: missing"},
	    {"{\"cwd\": \"/\", \"args\": [\"true\"], \"user\": {\"uid\": -1}}", "process.user.uid"},
	    {"{\"cwd\": \"/\", \"args\": [\"true\"], \"user\": {}, \"env\": [\"=x\"]}",
	     "process.env[0]"},
	    {"{\"cwd\": \"/\", \"args\": [\"true\"], \"user\": {},"
	     " \"capabilities\": {\"effective\": [\"CAP_NOPE\"]}}",
	     "process.capabilities.effective[0]"},
	    {"{\"cwd\": \"/\", \"args\": [\"true\"], \"user\": {}, \"terminal\": 1}",
	     "process.terminal"},
	    {"[\"true\"]", "process: must be object"},
	    {"{\"cwd\": \"/\"", "not valid JSON"},
	    {"", "not valid JSON"},
	    {"{} x", "not valid JSON"},
	};
	struct nsw_oci_config cfg;
	struct nsw_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i].text, &cfg, &err) == 0) {
			nsw_oci_config_free(&cfg);
			fail_msg("bad process %zu (%s) was accepted", i, bad[i].text);
		}
		if (!strstr(err.msg, bad[i].field))
			fail_msg("bad process %zu: '%s' does not name '%s'", i, err.msg,
				 bad[i].field);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_process),
	    cmocka_unit_test(minimal_process),
	    cmocka_unit_test(bad_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
