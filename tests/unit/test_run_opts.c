// SPDX-License-Identifier: GPL-2.0
/* `nswatch run` option parsing into the container description. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <argp.h>
#include <cmocka.h>
#include "runtime/caps.h"
#include "cli/run_opts.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int parse(struct nsw_container *c, char **argv)
{
	struct nsw_error err;
	int argc = 0;

	while (argv[argc])
		argc++;
	assert_int_equal(nsw_container_init(c, &err), 0);
	return run_parse_args(argc, argv, c, ARGP_NO_ERRS);
}

#define ARGV(...) ((char *[]){ "nswatch run", __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct nsw_container c;

	(void)state;
	assert_int_equal(parse(&c, ARGV("sh", "-c", "true")), 0);
	assert_int_equal(c.ns_flags, NSW_NS_ALL);
	assert_int_equal(c.ns_flags, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
				     CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWUSER |
				     CLONE_NEWCGROUP | CLONE_NEWTIME);
	assert_int_equal(c.caps, NSW_CAPS_DEFAULT);
	/* Docker's set without NET_RAW (issue 10, item 10). */
	assert_int_equal(c.caps, 0xa80405fbULL);
	assert_int_equal(c.net, NSW_NET_NONE);
	assert_string_equal(c.argv[0], "sh");
	/* The command's own options are its own. */
	assert_string_equal(c.argv[1], "-c");
	assert_true(nsw_name_valid(c.name));
	assert_int_equal(strncmp(c.name, "nsw-", 4), 0);
	assert_string_equal(c.workdir, "/");
	nsw_container_free(&c);
}

static void test_options(void **state)
{
	struct nsw_container c;

	(void)state;
	assert_int_equal(parse(&c, ARGV("--name", "web.1", "--hostname", "h",
					"--ns", "mnt,pid", "-e", "A=1", "-e", "B=",
					"-w", "/tmp", "-u", "1000:100", "--read-only",
					"-v", "/srv:/data:ro", "--cap-add", "net_admin",
					"--cap-drop", "CAP_CHOWN", "--memory", "64m",
					"--pids-limit", "20", "--cpus", "0.5",
					"--net", "bridge", "-d", "--", "ls", "-l")),
			 0);
	assert_string_equal(c.name, "web.1");
	assert_string_equal(c.hostname, "h");
	assert_int_equal(c.ns_flags, CLONE_NEWNS | CLONE_NEWPID);
	assert_int_equal(c.n_env, 2);
	assert_string_equal(c.env[1], "B=");
	assert_string_equal(c.workdir, "/tmp");
	assert_int_equal(c.uid, 1000);
	assert_int_equal(c.gid, 100);
	assert_true(c.readonly_root);
	assert_int_equal(c.n_mounts, 1);
	assert_string_equal(c.mounts[0].source, "/srv");
	assert_string_equal(c.mounts[0].target, "/data");
	assert_true(c.mounts[0].attr & MOUNT_ATTR_RDONLY);
	assert_true(c.caps & NSW_CAP_BIT(12));
	assert_false(c.caps & NSW_CAP_BIT(0));
	assert_int_equal(c.limits.memory_bytes, 64LL << 20);
	assert_int_equal(c.limits.pids_max, 20);
	assert_int_equal(c.limits.cpu_quota_us, 50000);
	assert_int_equal(c.net, NSW_NET_BRIDGE);
	assert_true(c.detach);
	assert_string_equal(c.argv[0], "ls");
	nsw_container_free(&c);
}

static void test_bad_options(void **state)
{
	char **bad[] = {
		ARGV("--name", "-x", "true"),
		ARGV("--name", "a/b", "true"),
		ARGV("--name", "", "true"),
		ARGV("--ns", "mnt,bogus", "true"),
		ARGV("--uid-map", "0:100000", "true"),
		ARGV("--uid-map", "0:100000:0", "true"),
		ARGV("--uid-map", "0:4294967295:2", "true"),
		ARGV("--uid-map", "0:1:10", "--uid-map", "5:100:1", "true"),
		ARGV("-v", "relative:/x", "true"),
		ARGV("-v", "/a", "true"),
		ARGV("-v", "/a:/b:rx", "true"),
		ARGV("-e", "NOEQUALS", "true"),
		ARGV("-u", "root", "true"),
		ARGV("-u", "-1", "true"),
		ARGV("-w", "tmp", "true"),
		ARGV("--cap-add", "CAP_BOGUS", "true"),
		ARGV("--memory", "lots", "true"),
		ARGV("--pids-limit", "0", "true"),
		ARGV("--cpus", "-1", "true"),
		ARGV("--net", "host", "true"),
		ARGV("--read-only"),
		/* The timeline needs the run that waits for the container. */
		ARGV("--trace", "-d", "true"),
		ARGV("-d", "--trace", "true"),
		ARGV("--trace-json", "/tmp/t.json", "--detach", "true"),
		ARGV("--trace-json", "", "true"),
		ARGV("--trace-json"),
		ARGV("--trace"),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nsw_container c;

		assert_int_not_equal(parse(&c, bad[i]), 0);
		nsw_container_free(&c);
	}
}

static void test_trace(void **state)
{
	struct nsw_container c;

	(void)state;
	assert_int_equal(parse(&c, ARGV("true")), 0);
	assert_false(c.trace);
	assert_null(c.trace_json);
	assert_false(nsw_container_traced(&c));
	nsw_container_free(&c);

	assert_int_equal(parse(&c, ARGV("--trace", "sh", "--trace-json", "x")), 0);
	assert_true(c.trace);
	assert_null(c.trace_json);
	/* After CMD, options are the command's. */
	assert_string_equal(c.argv[1], "--trace-json");
	nsw_container_free(&c);

	/* --trace-json alone traces, without text on stderr. */
	assert_int_equal(parse(&c, ARGV("--trace-json", "/tmp/t.json", "--", "true")), 0);
	assert_false(c.trace);
	assert_string_equal(c.trace_json, "/tmp/t.json");
	assert_true(nsw_container_traced(&c));
	nsw_container_free(&c);

	assert_int_equal(parse(&c, ARGV("--trace", "--trace-json=out.json", "true")), 0);
	assert_true(c.trace);
	assert_string_equal(c.trace_json, "out.json");
	assert_false(c.detach);
	nsw_container_free(&c);
}

/* --trace-out FILE in --trace-format; each format has one place to go. */
static void test_trace_out(void **state)
{
	char **bad[] = {
		ARGV("--trace-format", "perfetto", "true"),
		ARGV("--trace-out", "t.json", "--trace-format", "xml", "true"),
		ARGV("--trace-out", "", "true"),
		ARGV("--trace", "--trace-out", "t.txt", "--trace-format", "text", "true"),
		ARGV("--trace-json", "a.json", "--trace-out", "b.json", "true"),
		ARGV("--trace-out", "t.json", "-d", "true"),
	};
	struct nsw_container c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_not_equal(parse(&c, bad[i]), 0);
		nsw_container_free(&c);
	}
	assert_int_equal(parse(&c, ARGV("--trace-out", "t.json", "--trace-format", "perfetto",
					"--trace", "--trace-json", "j", "true")), 0);
	assert_string_equal(c.trace_out, "t.json");
	assert_string_equal(c.trace_format, "perfetto");
	assert_true(nsw_container_traced(&c));
	nsw_container_free(&c);
	/* --trace-out alone traces (JSON lines: the default format). */
	assert_int_equal(parse(&c, ARGV("--trace-out", "t.json", "true")), 0);
	assert_null(c.trace_format);
	assert_false(c.trace);
	assert_true(nsw_container_traced(&c));
	nsw_container_free(&c);
}

static void test_idmaps(void **state)
{
	struct nsw_idmap maps[NSW_MAX_IDMAPS];
	struct nsw_error err;
	int n = 0;

	(void)state;
	assert_int_equal(nsw_parse_idmap("0:100000:65536", maps, &n, &err), 0);
	assert_int_equal(nsw_parse_idmap("65536:300000:10", maps, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(maps[1].outside, 300000);
	/* Overlapping outside range. */
	assert_int_equal(nsw_parse_idmap("70000:100010:5", maps, &n, &err), -1);
	assert_non_null(strstr(err.msg, "outside range overlaps"));
	assert_int_equal(n, 2);
}

static void test_caps(void **state)
{
	struct nsw_error err;
	uint64_t bits;
	char buf[512];

	(void)state;
	assert_int_equal(nsw_cap_parse("sys_admin", &bits, &err), 0);
	assert_int_equal(bits, NSW_CAP_BIT(21));
	assert_int_equal(nsw_cap_parse("CAP_CHECKPOINT_RESTORE", &bits, &err), 0);
	assert_int_equal(bits, NSW_CAP_BIT(40));
	assert_int_equal(nsw_cap_parse("ALL", &bits, &err), 0);
	assert_int_equal(bits, (1ULL << 41) - 1);
	nsw_caps_format(NSW_CAP_BIT(0) | NSW_CAP_BIT(31), buf, sizeof(buf));
	assert_string_equal(buf, "CAP_CHOWN,CAP_SETFCAP");
}

static void test_names(void **state)
{
	char name[NSW_NAME_MAX + 2];

	(void)state;
	assert_true(nsw_name_valid("a"));
	assert_true(nsw_name_valid("web-1.prod_2"));
	assert_false(nsw_name_valid(".hidden"));
	assert_false(nsw_name_valid(".."));
	assert_false(nsw_name_valid("a b"));
	/* An engine's id: 64 hex digits (podman, docker, Kubernetes). */
	assert_true(nsw_name_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	memset(name, 'n', NSW_NAME_MAX);
	name[NSW_NAME_MAX] = '\0';
	assert_true(nsw_name_valid(name));
	name[NSW_NAME_MAX] = 'n';
	name[NSW_NAME_MAX + 1] = '\0';
	assert_false(nsw_name_valid(name));
}

/* ---- issue 10, item 11: --user, --hostname, --volume targets ---- */

static void test_user_strict(void **state)
{
	struct nsw_error err;
	uint32_t u = 7, g = 7;

	(void)state;
	assert_int_equal(nsw_parse_user("1:2", &u, &g, &err), 0);
	assert_int_equal(u, 1);
	assert_int_equal(g, 2);
	assert_int_equal(nsw_parse_user("1000", &u, &g, &err), 0);
	assert_int_equal(g, 1000);
	/* ":1" was taken as 0:1. */
	assert_int_equal(nsw_parse_user(":1", &u, &g, &err), -1);
	assert_int_equal(nsw_parse_user("1:", &u, &g, &err), -1);
	assert_int_equal(nsw_parse_user(" 1", &u, &g, &err), -1);
	assert_int_equal(nsw_parse_user("+1", &u, &g, &err), -1);
	assert_int_equal(nsw_parse_user("1:-2", &u, &g, &err), -1);
	assert_int_equal(nsw_parse_user("1:+2", &u, &g, &err), -1);
	assert_int_equal(nsw_parse_user("4294967295", &u, &g, &err), -1);
}

static void test_hostnames(void **state)
{
	struct nsw_container c;

	(void)state;
	assert_true(nsw_hostname_valid("web-1.example"));
	assert_true(nsw_hostname_valid("1a"));
	assert_false(nsw_hostname_valid("a\nb"));
	assert_false(nsw_hostname_valid("a_b"));
	assert_false(nsw_hostname_valid("-a"));
	assert_false(nsw_hostname_valid("a-"));
	assert_false(nsw_hostname_valid("a..b"));
	assert_false(nsw_hostname_valid(".a"));
	assert_false(nsw_hostname_valid(""));
	assert_true(nsw_hostname_valid("a123456789012345678901234567890123456789012345678901234567890.b"));
	assert_false(nsw_hostname_valid("a1234567890123456789012345678901234567890123456789012345678901b.c"));
	assert_false(nsw_hostname_valid("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g"));
	assert_int_equal(parse(&c, ARGV("--hostname", "a\nb", "true")), EINVAL);
	nsw_container_free(&c);
}

static void test_volume_targets(void **state)
{
	struct nsw_container c;
	struct nsw_error err;

	(void)state;
	assert_int_equal(nsw_container_init(&c, &err), 0);
	assert_int_equal(nsw_parse_volume(&c, "/src:/data/", &err), 0);
	assert_string_equal(c.mounts[0].target, "/data");
	assert_int_equal(nsw_parse_volume(&c, "/src://a/./b//:ro", &err), 0);
	assert_string_equal(c.mounts[1].target, "/a/b");
	assert_int_equal(nsw_parse_volume(&c, "/src:/", &err), -1);
	assert_int_equal(nsw_parse_volume(&c, "/src://", &err), -1);
	assert_int_equal(nsw_parse_volume(&c, "/src:/./", &err), -1);
	assert_int_equal(nsw_parse_volume(&c, "/src:/a/..", &err), -1);
	assert_int_equal(c.n_mounts, 2);
	nsw_container_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),  cmocka_unit_test(test_options),
		cmocka_unit_test(test_bad_options), cmocka_unit_test(test_idmaps),
		cmocka_unit_test(test_caps),	  cmocka_unit_test(test_names),
		cmocka_unit_test(test_trace),	  cmocka_unit_test(test_trace_out),
		cmocka_unit_test(test_user_strict), cmocka_unit_test(test_hostnames),
		cmocka_unit_test(test_volume_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
