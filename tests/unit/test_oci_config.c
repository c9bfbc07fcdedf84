// SPDX-License-Identifier: GPL-2.0
/*
 * config.json into the container description (oci/config.c): a full
 * config fills every field it names; each bad config fails with a message
 * that names its field, and leaves nothing allocated (ASan would say).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <json-c/json.h>
#include <cmocka.h>
#include "oci/config.h"
#include "runtime/caps.h"

#define BUNDLE "/bundles/b1"

static const char good[] =
    "{\"ociVersion\": \"1.2.0\","
    " \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
    " \"hostname\": \"web-1\","
    " \"process\": {\"terminal\": false, \"cwd\": \"/srv\","
    "   \"args\": [\"/bin/sh\", \"-c\", \"true\"],"
    "   \"env\": [\"PATH=/bin\", \"A=b=c\"],"
    "   \"user\": {\"uid\": 1000, \"gid\": 100, \"umask\": 18, \"additionalGids\": [5, 7]},"
    "   \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
    "     \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
    "     \"inheritable\": [], \"ambient\": [\"CAP_KILL\"]},"
    "   \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 512}],"
    "   \"noNewPrivileges\": true, \"oomScoreAdj\": 100},"
    " \"mounts\": ["
    "   {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
    "   {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "    \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
    "   {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"data\","
    "    \"options\": [\"rbind\", \"ro\", \"rprivate\"]},"
    "   {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
    "    \"options\": [\"nosuid\", \"newinstance\", \"ptmxmode=0666\"]}],"
    " \"hooks\": {\"prestart\": [{\"path\": \"/bin/true\", \"args\": [\"true\", \"x\"],"
    "   \"env\": [\"K=V\"], \"timeout\": 5}],"
    "   \"poststop\": [{\"path\": \"/bin/echo\"}]},"
    " \"annotations\": {\"io.nswatch.trace\": \"/tmp/t.json\", \"b\": \"c\"},"
    " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"ipc\"},"
    "   {\"type\": \"uts\"}, {\"type\": \"network\", \"path\": \"/var/run/netns/x\"}],"
    "   \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"],"
    "   \"cgroupsPath\": \"/machine/b1\", \"sysctl\": {\"kernel.shmmni\": \"8192\"},"
    "   \"resources\": {\"memory\": {\"limit\": 67108864, \"swap\": 67108864},"
    "     \"pids\": {\"limit\": 64}, \"cpu\": {\"quota\": 50000, \"period\": 100000},"
    "     \"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
    "   \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
    "     \"syscalls\": [{\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_ERRNO\"}]}}}";

static int parse(const char *text, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	memset(err, 0, sizeof(*err));
	return nsw_oci_config_parse(text, strlen(text), BUNDLE, "b1", cfg, err);
}

static void good_config(void **state)
{
	struct nsw_oci_config cfg;
	struct nsw_error err;
	struct nsw_container *c = &cfg.c;
	unsigned int net = nsw_type_index("net");

	(void)state;
	assert_int_equal(parse(good, &cfg, &err), 0);
	assert_string_equal(cfg.oci_version, "1.2.0");
	assert_true(c->oci);
	assert_string_equal(c->name, "b1");
	assert_string_equal(c->rootfs, BUNDLE "/rootfs");
	assert_true(c->readonly_root);
	assert_string_equal(c->hostname, "web-1");
	assert_string_equal(c->workdir, "/srv");
	assert_string_equal(c->argv[0], "/bin/sh");
	assert_string_equal(c->argv[2], "true");
	assert_null(c->argv[3]);
	assert_int_equal(c->n_env, 2);
	assert_string_equal(c->env[1], "A=b=c");
	assert_int_equal(c->uid, 1000);
	assert_int_equal(c->gid, 100);
	assert_true(c->set_umask);
	assert_int_equal(c->umask, 022);
	assert_int_equal(c->n_groups, 2);
	assert_int_equal(c->groups[1], 7);
	assert_true(c->caps_sets);
	assert_int_equal(c->caps, NSW_CAP_BIT(CAP_KILL) | NSW_CAP_BIT(CAP_CHOWN));
	assert_int_equal(c->caps_effective, NSW_CAP_BIT(CAP_KILL));
	assert_int_equal(c->caps_inheritable, 0);
	assert_int_equal(c->caps_ambient, NSW_CAP_BIT(CAP_KILL));
	assert_string_equal(c->sysctl[0], "kernel.shmmni=8192");
	assert_null(c->sysctl[1]);
	assert_int_equal(c->n_rlimits, 1);
	assert_int_equal(c->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c->rlimits[0].soft, 512);
	assert_int_equal(c->rlimits[0].hard, 1024);
	assert_false(c->keep_privs);
	assert_true(c->set_oom_score_adj);
	assert_int_equal(c->oom_score_adj, 100);
	/* The config's mounts only: the device nodes come with validate. */
	assert_int_equal(c->n_mounts, 4);
	/* devpts holds only the kernel's ptys: the one mount not made nodev. */
	assert_int_equal(c->mounts[3].attr, MOUNT_ATTR_NOSUID);
	assert_string_equal(c->mounts[3].data, "newinstance,ptmxmode=0666");
	assert_string_equal(c->mounts[1].fstype, "tmpfs");
	assert_string_equal(c->mounts[1].data, "mode=755,size=65536k");
	assert_int_equal(c->mounts[1].attr, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	assert_null(c->mounts[2].fstype);
	assert_string_equal(c->mounts[2].source, BUNDLE "/data");
	assert_int_equal(c->mounts[2].attr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV);
	/* Every mount is nodev, asked for or not. */
	assert_int_equal(c->mounts[0].attr, MOUNT_ATTR_NODEV);
	assert_int_equal(c->ns_flags, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS);
	assert_string_equal(cfg.ns_paths[net], "/var/run/netns/x");
	assert_string_equal(c->masked_paths[0], "/proc/kcore");
	assert_null(c->masked_paths[1]);
	assert_string_equal(c->readonly_paths[0], "/proc/sys");
	assert_string_equal(cfg.cgroups_path, "/machine/b1");
	assert_int_equal(c->limits.memory_bytes, 67108864);
	assert_int_equal(c->limits.pids_max, 64);
	assert_int_equal(c->limits.cpu_quota_us, 50000);
	assert_int_equal(c->limits.cpu_period_us, 100000);
	assert_int_equal(c->seccomp.mode, NSW_SECCOMP_PROFILE);
	assert_non_null(c->seccomp.profile);
	assert_int_equal(cfg.n_hooks[NSW_OCI_HOOK_PRESTART], 1);
	assert_string_equal(cfg.hooks[NSW_OCI_HOOK_PRESTART][0].args[1], "x");
	assert_string_equal(cfg.hooks[NSW_OCI_HOOK_PRESTART][0].env[0], "K=V");
	assert_int_equal(cfg.hooks[NSW_OCI_HOOK_PRESTART][0].timeout, 5);
	assert_int_equal(cfg.n_hooks[NSW_OCI_HOOK_POSTSTOP], 1);
	assert_null(cfg.hooks[NSW_OCI_HOOK_POSTSTOP][0].args);
	assert_int_equal(cfg.n_annotations, 2);
	nsw_oci_config_free(&cfg);
}

/* What the smallest config gets: OCI's defaults, not nswatch run's. */
static void minimal_config(void **state)
{
	static const char text[] = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"/r\"},"
				   " \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": "
				   "{\"uid\": 0, \"gid\": 0}},"
				   " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}";
	struct nsw_oci_config cfg;
	struct nsw_error err;

	(void)state;
	assert_int_equal(parse(text, &cfg, &err), 0);
	assert_int_equal(cfg.c.ns_flags, CLONE_NEWNS);
	assert_string_equal(cfg.c.rootfs, "/r");
	assert_string_equal(cfg.c.hostname, "");
	assert_int_equal(cfg.c.caps, 0);
	assert_true(cfg.c.keep_privs);
	assert_int_equal(cfg.c.seccomp.mode, NSW_SECCOMP_UNCONFINED);
	assert_null(cfg.c.masked_paths);
	assert_int_equal(cfg.c.n_mounts, 0);
	assert_int_equal(cfg.c.n_env, 0);
	assert_false(cfg.c.set_umask);
	nsw_oci_config_free(&cfg);
}

/* The saved part (oci.json) round-trips through the JSON writer and back. */
static void saved_round_trip(void **state)
{
	struct nsw_oci_config cfg, back;
	struct nsw_error err;
	struct json_object *top;
	struct nsw_json w;
	char *text;

	(void)state;
	assert_int_equal(parse(good, &cfg, &err), 0);
	assert_int_equal(nsw_json_open_mem(&w), 0);
	nsw_json_object_begin(&w);
	nsw_oci_config_write_saved(&w, &cfg);
	nsw_json_object_end(&w);
	text = nsw_json_take_mem(&w);
	assert_non_null(text);
	top = json_tokener_parse(text);
	assert_non_null(top);
	assert_int_equal(nsw_oci_config_parse_saved(top, &back, &err), 0);
	assert_int_equal(back.n_annotations, 2);
	assert_int_equal(back.n_hooks[NSW_OCI_HOOK_POSTSTOP], 1);
	assert_string_equal(back.hooks[NSW_OCI_HOOK_POSTSTOP][0].path, "/bin/echo");
	/* Only what later verbs run: prestart is done by then. */
	assert_int_equal(back.n_hooks[NSW_OCI_HOOK_PRESTART], 0);
	nsw_oci_config_free(&back);
	json_object_put(top);
	free(text);
	nsw_oci_config_free(&cfg);
}

/* Each bad config: the replacement of one piece of good, and the field named. */
static const struct {
	const char *from, *to, *field;
} bad[] = {
    {"\"ociVersion\": \"1.2.0\"", "\"ociVersion\": \"2.0.0\"", "ociVersion"},
    {"\"ociVersion\": \"1.2.0\"", "\"ociVersion\": 1", "ociVersion: must be string"},
    {"\"root\": {\"path\": \"rootfs\", \"readonly\": true}", "\"root\": {\"readonly\": true}",
     "root.path: missing"},
    {"\"readonly\": true", "\"readonly\": \"yes\"", "root.readonly: must be boolean"},
    {"\"hostname\": \"web-1\"", "\"hostname\": \"web_1\"", "hostname"},
    {"\"cwd\": \"/srv\"", "\"cwd\": \"srv\"", "process.cwd"},
    {"[\"/bin/sh\", \"-c\", \"true\"]", "[]", "process.args"},
    {"[\"/bin/sh\", \"-c\", \"true\"]", "[\"/bin/sh\", 3]", "process.args[1]"},
    {"\"A=b=c\"", "\"=b\"", "process.env[1]"},
    {"\"uid\": 1000", "\"uid\": -1", "process.user.uid"},
    {"[5, 7]", "[5, \"7\"]", "process.user.additionalGids[1]"},
    {"\"effective\": [\"CAP_KILL\"]", "\"effective\": [\"CAP_NOPE\"]",
     "process.capabilities.effective[0]"},
    {"\"effective\": [\"CAP_KILL\"]", "\"effective\": [\"ALL\"]",
     "process.capabilities.effective[0]"},
    {"\"RLIMIT_NOFILE\"", "\"RLIMIT_FOO\"", "process.rlimits[0].type"},
    {"\"hard\": 1024, \"soft\": 512", "\"hard\": 10, \"soft\": 512", "process.rlimits[0]"},
    {"\"oomScoreAdj\": 100", "\"oomScoreAdj\": 1001", "process.oomScoreAdj"},
    {"\"noNewPrivileges\": true",
     "\"noNewPrivileges\": true, \"ioPriority\": {\"class\": \"IOPRIO_CLASS_IDLE\"}",
     "process.ioPriority"},
    {"\"destination\": \"/proc\"", "\"destination\": \"proc\"", "mounts[0].destination"},
    {"\"destination\": \"/proc\"", "\"destination\": \"/x/../..\"", "mounts[0].destination"},
    {"\"type\": \"proc\"", "\"type\": \"cgroup\"", "mounts[0]"},
    {"\"nosuid\", \"strictatime\"", "\"nosuid\", \"rshared\"", "mounts[1].options[1]"},
    {"\"rbind\", \"ro\"", "\"rbind\", \"mode=700\"", "mounts[2].options"},
    {"\"rbind\", \"ro\"", "\"rbind\", \"dev\"", "mounts[2].options[1]: 'dev'"},
    {"\"path\": \"/bin/true\"", "\"path\": \"true\"", "hooks.prestart[0].path"},
    {"\"poststop\"", "\"createContainer\": {}, \"poststop\"",
     "hooks.createContainer: must be array"},
    {"\"b\": \"c\"", "\"b\": 1", "annotations.b"},
    {"{\"type\": \"pid\"}", "{\"type\": \"pidns\"}", "linux.namespaces[0].type"},
    {"{\"type\": \"pid\"}", "{\"type\": \"mount\"}", "linux.namespaces[1].type"},
    {"{\"type\": \"mount\"},", "", "linux.namespaces: a new mount namespace is required"},
    {"{\"type\": \"uts\"}", "{\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}",
     "linux.namespaces[3].path"},
    {"\"maskedPaths\": [\"/proc/kcore\"]", "\"maskedPaths\": [\"etc/shadow\"]",
     "linux.maskedPaths[0]"},
    {"\"readonlyPaths\": [\"/proc/sys\"]", "\"readonlyPaths\": [\"/proc/sys\", \"/a/..\"]",
     "linux.readonlyPaths[1]"},
    {"\"pids\": {\"limit\": 64}", "\"pids\": {\"limit\": \"64\"}", "linux.resources.pids"},
    {"\"swap\": 67108864", "\"swap\": 1", "linux.resources.memory.swap"},
    {"\"limit\": 67108864,", "\"limit\": 4096,", "linux.resources.memory.limit"},
    {"\"quota\": 50000", "\"quota\": 50000, \"shares\": 512", "linux.resources.cpu.shares"},
    {"\"devices\": [", "\"blockIO\": {\"weight\": 10}, \"devices\": [", "linux.resources.blockIO"},
    {"\"sysctl\": {\"kernel.shmmni\": \"8192\"}", "\"sysctl\": {\"kernel.panic\": \"1\"}",
     "linux.sysctl.kernel.panic: not a namespaced sysctl"},
    {"\"sysctl\": {\"kernel.shmmni\": \"8192\"}", "\"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}",
     "linux.sysctl.net.ipv4.ip_forward: needs a namespace"},
    {"\"sysctl\": {\"kernel.shmmni\": \"8192\"}", "\"sysctl\": {\"net/../x\": \"1\"}",
     "linux.sysctl.net/../x: not a sysctl name"},
    {"\"SCMP_ACT_ERRNO\"", "\"SCMP_ACT_NOPE\"", "linux.seccomp"},
    {"\"cgroupsPath\"",
     "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], \"cgroupsPath\"",
     "linux.uidMappings"},
    {"\"cgroupsPath\": \"/machine/b1\"",
     "\"cgroupsPath\": \"/machine/b1\", \"rootfsPropagation\": \"shared\"",
     "linux.rootfsPropagation"},
    {"\"hostname\": \"web-1\"", "\"hostname\": \"web-1\", \"domainname\": \"example.org\"",
     "domainname"},
};

static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t len = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(len);

	assert_non_null(at);
	assert_non_null(out);
	snprintf(out, len, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

static void bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = replace(good, bad[i].from, bad[i].to);
		struct nsw_oci_config cfg;
		struct nsw_error err;

		if (parse(text, &cfg, &err) == 0) {
			nsw_oci_config_free(&cfg);
			fail_msg("bad config %zu (%s) was accepted", i, bad[i].to);
		}
		if (!strstr(err.msg, bad[i].field))
			fail_msg("bad config %zu: '%s' does not name '%s'", i, err.msg,
				 bad[i].field);
		free(text);
	}
}

static void not_json(void **state)
{
	static const char *const texts[] = {"", "{", "[]", "{\"ociVersion\": \"1.0.0\"} x", "null"};
	struct nsw_oci_config cfg;
	struct nsw_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_int_equal(parse(texts[i], &cfg, &err), -1);
	/* A container id that is no name nswatch can give a directory. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(nsw_oci_config_parse(good, strlen(good), BUNDLE, "../x", &cfg, &err), -1);
	assert_non_null(strstr(err.msg, "container id '../x'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_config),	cmocka_unit_test(minimal_config),
	    cmocka_unit_test(saved_round_trip), cmocka_unit_test(bad_configs),
	    cmocka_unit_test(not_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
