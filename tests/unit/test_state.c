// SPDX-License-Identifier: GPL-2.0
/*
 * State files: what nsw_state_save() writes, nsw_state_load() and
 * nsw_state_json() read back, for strings of any length and any bytes, in
 * a state root whose paths come near PATH_MAX. The root is the unprivileged
 * one ($XDG_RUNTIME_DIR/nswatch): as root the test takes the euid of nobody,
 * so that the host's /run/nswatch is never touched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include <cmocka.h>
#include "runtime/caps.h"
#include "runtime/state.h"

#define NOBODY 65534
/* The state root's length: a short name fits under it, the longest does not. */
#define ROOT_LEN      4040
#define COMPONENT_LEN 200

struct fx {
	char top[64]; /* what teardown removes */
	char xdg[PATH_MAX];
	bool dropped; /* euid is nobody's */
};

/* Valid UTF-8 of every width, JSON's specials, and control bytes. */
static const char odd[] = "quote\" back\\slash /slash\nnew\ttab\r\x01\x1f\x7f "
			  "\xc3\xbc\xc3\xb1\xc3\xaf \xe2\x9c\x93 \xf0\x9f\x98\x80 end";

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* top/aaa.../bbb.../... until the state root, xdg + "/nswatch", is ROOT_LEN long. */
static int make_xdg(struct fx *fx, uid_t owner)
{
	size_t want = ROOT_LEN - strlen("/nswatch");
	size_t len = strlen(fx->top);
	char c = 'a';

	snprintf(fx->xdg, sizeof(fx->xdg), "%s", fx->top);
	while (len < want) {
		size_t n = want - len - 1 < COMPONENT_LEN ? want - len - 1 : COMPONENT_LEN;

		if (n == 0) /* a lone '/' cannot end a path: lengthen the last one */
			n = 1;
		fx->xdg[len++] = '/';
		memset(fx->xdg + len, c++, n);
		len += n;
		fx->xdg[len] = '\0';
		if (mkdir(fx->xdg, 0755) < 0 || chown(fx->xdg, owner, -1) < 0)
			return -1;
	}
	return strlen(fx->xdg) + strlen("/nswatch") == ROOT_LEN ? 0 : -1;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	uid_t owner = geteuid() == 0 ? NOBODY : geteuid();

	if (!fx)
		return -1;
	snprintf(fx->top, sizeof(fx->top), "/tmp/nsw-test-state-XXXXXX");
	if (!mkdtemp(fx->top) || chmod(fx->top, 0755) < 0 || make_xdg(fx, owner) < 0)
		return -1;
	setenv("XDG_RUNTIME_DIR", fx->xdg, 1);
	if (geteuid() == 0) {
		if (seteuid(NOBODY) < 0)
			return -1;
		fx->dropped = true;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->dropped && seteuid(0) < 0)
		return -1;
	nftw(fx->top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static char *repeat(const char *unit, size_t min_len)
{
	size_t n = strlen(unit), len = 0;
	char *s = malloc(min_len + n + 1);

	assert_non_null(s);
	while (len < min_len) {
		memcpy(s + len, unit, n);
		len += n;
	}
	s[len] = '\0';
	return s;
}

/* The mountpoint of a cgroup2 mount, or of the v1 hierarchy of ctl. */
static bool cgroup_mount(const char *fstype, const char *ctl, char *mnt)
{
	char line[4096], point[1024], type[32], opts[1024];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %1023s", point) != 1 ||
		    sscanf(dash, " - %31s %*s %1023s", type, opts) != 2)
			continue;
		found = !strcmp(type, fstype) && (!ctl || strstr(opts, ctl));
	}
	if (f)
		fclose(f);
	if (found)
		strcpy(mnt, point);
	return found;
}

static void fill(struct nsw_instance *in, struct nsw_container *c, const char *name)
{
	char mnt[1024];

	memset(in, 0, sizeof(*in));
	memset(c, 0, sizeof(*c));
	snprintf(in->name, sizeof(in->name), "%s", name);
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(in->status, sizeof(in->status), "running");
	in->pid = 4242;
	in->starttime = 1ULL << 40;
	in->monitor_pid = 4241;
	in->monitor_starttime = (1ULL << 40) - 1;
	snprintf(in->created, sizeof(in->created), "2026-11-30T05:00:00Z");
	in->idslot = 3;
	snprintf(in->ip, sizeof(in->ip), "10.89.0.7/24");
	snprintf(in->gateway, sizeof(in->gateway), "10.89.0.1");
	snprintf(in->host_if, sizeof(in->host_if), "nswv7");
	snprintf(in->bridge, sizeof(in->bridge), "nswatch0");
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		in->ns_inode[i] = 4026531835ULL + i;
	/* Cgroup paths are checked against the host's mounts: real ones. */
	if (cgroup_mount("cgroup2", NULL, mnt)) {
		in->cg.dirs[in->cg.n].version = 2;
		snprintf(in->cg.dirs[in->cg.n++].path, PATH_MAX, "%s/nswatch/%s", mnt, name);
	}
	if (cgroup_mount("cgroup", "memory", mnt)) {
		in->cg.dirs[in->cg.n].version = 1;
		snprintf(in->cg.dirs[in->cg.n].controller, sizeof(in->cg.dirs[0].controller), "memory");
		snprintf(in->cg.dirs[in->cg.n++].path, PATH_MAX, "%s/nswatch/%s", mnt, name);
	}

	c->rootfs = repeat("/a dir with spaces", 3000);
	c->workdir = malloc(strlen(odd) + 2);
	assert_non_null(c->workdir);
	sprintf(c->workdir, "/%s", odd);
	assert_non_null(c->workdir);
	snprintf(c->hostname, sizeof(c->hostname), "host-\xc3\xbc");
	c->env[c->n_env++] = strdup("PATH=/usr/bin:/bin");
	c->env[c->n_env++] = repeat("LONG=0123456789", 8000);
	c->env[c->n_env] = malloc(strlen(odd) + 5);
	sprintf(c->env[c->n_env++], "ODD=%s", odd);
	for (int i = 0; i < c->n_env; i++)
		assert_non_null(c->env[i]);
	c->ns_flags = NSW_NS_ALL & ~CLONE_NEWTIME;
	c->caps = NSW_CAPS_DEFAULT | NSW_CAP_BIT(CAP_NET_ADMIN) | NSW_CAP_BIT(CAP_LAST_CAP);
	c->uid = 1000;
	c->gid = 1001;
	c->rootless = true;
	c->detach = true;
	c->net = NSW_NET_BRIDGE;
	c->limits.memory_bytes = 64 << 20;
	c->limits.pids_max = 20;
	c->n_uid_maps = 1;
	c->uid_maps[0] = (struct nsw_idmap){0, 100000, 65536};
	c->mounts[0].source = repeat("/src\"", 370);
	c->mounts[0].target = strdup("/data");
	c->mounts[0].volume = true;
	c->mounts[0].attr = MOUNT_ATTR_RDONLY;
	c->n_mounts = 1;
}

/* Strict JSON, valid UTF-8: what any other reader would accept. */
static struct json_object *parse_strict(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, strlen(text) + 1);
	if (!o)
		fail_msg("not JSON (%s): %.200s",
			 json_tokener_error_desc(json_tokener_get_error(tok)), text);
	json_tokener_free(tok);
	return o;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	assert_non_null(f);
	n = getdelim(&text, &cap, '\0', f);
	assert_true(n > 0);
	fclose(f);
	return text;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_string(v);
}

static void test_round_trip(void **state)
{
	struct nsw_instance in, back;
	struct nsw_container c, cback;
	struct nsw_error err;
	char path[PATH_MAX];
	char *text;

	(void)state;
	fill(&in, &c, "c1");
	if (nsw_state_claim("c1", &err) < 0 || nsw_state_save(&in, &c, &err) < 0)
		fail_msg("%s: %s", err.msg, strerror(err.errnum));
	assert_int_equal(nsw_state_load("c1", &back, &cback, &err), 0);

	assert_string_equal(back.name, in.name);
	assert_string_equal(back.status, in.status);
	assert_int_equal(back.pid, in.pid);
	assert_int_equal(back.starttime, in.starttime);
	assert_int_equal(back.monitor_pid, in.monitor_pid);
	assert_int_equal(back.monitor_starttime, in.monitor_starttime);
	assert_string_equal(back.created, in.created);
	assert_int_equal(back.idslot, in.idslot);
	assert_string_equal(back.ip, in.ip);
	assert_string_equal(back.gateway, in.gateway);
	assert_string_equal(back.host_if, in.host_if);
	assert_string_equal(back.bridge, in.bridge);
	assert_memory_equal(back.ns_inode, in.ns_inode, sizeof(in.ns_inode));
	assert_int_equal(back.cg.n, in.cg.n);
	for (int i = 0; i < in.cg.n; i++) {
		assert_int_equal(back.cg.dirs[i].version, in.cg.dirs[i].version);
		assert_string_equal(back.cg.dirs[i].controller, in.cg.dirs[i].controller);
		assert_string_equal(back.cg.dirs[i].path, in.cg.dirs[i].path);
	}

	assert_string_equal(cback.rootfs, c.rootfs);
	assert_string_equal(cback.workdir, c.workdir);
	assert_string_equal(cback.hostname, c.hostname);
	assert_int_equal(cback.n_env, c.n_env);
	for (int i = 0; i < c.n_env; i++)
		assert_string_equal(cback.env[i], c.env[i]);
	assert_int_equal(cback.ns_flags, c.ns_flags);
	assert_int_equal(cback.caps, c.caps);
	assert_int_equal(cback.uid, c.uid);
	assert_int_equal(cback.gid, c.gid);
	assert_true(cback.rootless);
	assert_true(cback.detach);

	/* The file itself: strict JSON, with what load does not read back. */
	snprintf(path, sizeof(path), "%s/c1/state.json", nsw_state_root());
	text = slurp(path);
	{
		struct json_object *o = parse_strict(text), *opt, *vols, *v;

		assert_true(json_object_object_get_ex(o, "options", &opt));
		assert_string_equal(get_str(opt, "net"), "bridge");
		assert_true(json_object_object_get_ex(opt, "volumes", &vols));
		assert_int_equal(json_object_array_length(vols), 1);
		v = json_object_array_get_idx(vols, 0);
		assert_string_equal(get_str(v, "source"), c.mounts[0].source);
		assert_true(json_object_object_get_ex(v, "read_only", &v));
		assert_true(json_object_get_boolean(v));
		json_object_put(o);
	}
	free(text);

	nsw_container_free(&c);
	nsw_container_free(&cback);
	assert_int_equal(nsw_state_remove("c1", &err), 0);
}

/* ps --json: one line, the status given, the rest as written. */
static void test_ps_json(void **state)
{
	struct nsw_instance in;
	struct nsw_container c;
	struct json_object *o, *ns;
	struct nsw_error err;
	char *text;

	(void)state;
	fill(&in, &c, "c2");
	assert_int_equal(nsw_state_claim("c2", &err), 0);
	assert_int_equal(nsw_state_save(&in, &c, &err), 0);
	text = nsw_state_json("c2", "stopped", &err);
	assert_non_null(text);
	assert_null(strchr(text, '\n'));
	o = parse_strict(text);
	assert_string_equal(get_str(o, "name"), "c2");
	assert_string_equal(get_str(o, "status"), "stopped");
	assert_string_equal(get_str(o, "created"), in.created);
	assert_true(json_object_object_get_ex(o, "pid_starttime", &ns));
	assert_int_equal(json_object_get_int64(ns), in.starttime);
	assert_true(json_object_object_get_ex(o, "namespaces", &ns));
	assert_int_equal(json_object_get_int64(json_object_object_get(ns, nsw_types[0].name)),
			 in.ns_inode[0]);
	json_object_put(o);
	free(text);
	nsw_container_free(&c);
	assert_int_equal(nsw_state_remove("c2", &err), 0);
}

/* A byte that is not UTF-8 (a path can hold any): the file still parses, strictly. */
static void test_not_utf8(void **state)
{
	struct nsw_instance in, back;
	struct nsw_container c;
	struct nsw_error err;
	char path[PATH_MAX];
	char *text;

	(void)state;
	fill(&in, &c, "c3");
	free(c.workdir);
	c.workdir = strdup("/w\xff\xfe\xc3(");
	assert_int_equal(nsw_state_claim("c3", &err), 0);
	assert_int_equal(nsw_state_save(&in, &c, &err), 0);
	snprintf(path, sizeof(path), "%s/c3/state.json", nsw_state_root());
	text = slurp(path);
	json_object_put(parse_strict(text));
	free(text);
	assert_int_equal(nsw_state_load("c3", &back, NULL, &err), 0);
	assert_string_equal(back.name, "c3");
	text = nsw_state_json("c3", "running", &err);
	assert_non_null(text);
	json_object_put(parse_strict(text));
	free(text);
	nsw_container_free(&c);
	assert_int_equal(nsw_state_remove("c3", &err), 0);
}

/* A path that does not fit is an error, never a truncated path. */
static void test_path_too_long(void **state)
{
	char name[NSW_NAME_MAX + 1];
	struct nsw_instance in;
	struct nsw_error err;

	(void)state;
	assert_int_equal(strlen(nsw_state_root()), ROOT_LEN);
	memset(name, 'n', NSW_NAME_MAX);
	name[NSW_NAME_MAX] = '\0';
	assert_int_equal(nsw_state_claim(name, &err), -1);
	assert_int_equal(err.errnum, ENAMETOOLONG);
	assert_non_null(strstr(err.msg, name));
	memset(&in, 0, sizeof(in));
	memcpy(in.name, name, sizeof(name));
	assert_int_equal(nsw_state_load(name, &in, NULL, &err), -1);
	assert_int_equal(err.errnum, ENAMETOOLONG);
}

/* text with the first from replaced by to; caller frees. */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	assert_non_null(at);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) > 0);
	return out;
}

/*
 * State files are not trusted: each field that rm, kill or exec would act
 * on, changed by hand, is refused with its name; nothing crashes.
 */
static void test_untrusted(void **state)
{
	static const struct {
		const char *from, *to, *field;
	} cases[] = {
		{ "\"name\":\"c4\"", "\"name\":\"../../x\"", "\"name\"" },
		{ "\"name\":\"c4\"", "\"name\":\"c5\"", "\"name\"" },
		{ "\"name\":\"c4\"", "\"name\":\"c4\\u0000x\"", "\"name\"" },
		{ "\"cgroups\":[", "\"cgroups\":{},\"x\":[", "\"cgroups\"" },
		{ "\"cgroups\":[", "\"cgroups\":[{\"version\":2,\"controller\":\"\",\"path\":\"/sys/fs/cgroup/../../etc/nswatch/c4\"}],\"y\":[", "cgroups[0].path" },
		{ "\"cgroups\":[", "\"cgroups\":[{\"version\":2,\"controller\":\"\",\"path\":\"/sys/fs/cgroup/system.slice\"}],\"y\":[", "cgroups[0].path" },
		{ "\"cgroups\":[", "\"cgroups\":[{\"version\":3,\"controller\":\"\",\"path\":\"/a/nswatch/c4\"}],\"y\":[", "cgroups[0].version" },
		{ "\"host_interface\":\"nswv7\"", "\"host_interface\":\"eth0\"", "\"host_interface\"" },
		{ "\"host_interface\":\"nswv7\"", "\"host_interface\":\"nswv8\"", "\"host_interface\"" },
		{ "\"bridge\":\"nswatch0\"", "\"bridge\":\"docker0\"", "\"bridge\"" },
		{ "\"ip\":\"10.89.0.7/24\"", "\"ip\":\"192.168.1.1/24\"", "\"ip\"" },
		{ "\"pid\":4242", "\"pid\":-1", "\"pid\"" },
		{ "\"pid\":4242", "\"pid\":1e3", "\"pid\"" },
		{ "\"pid\":4242", "\"pid\":\"1\"", "\"pid\"" },
		{ "\"pid\":4242", "\"pid\":99999999999999999999", "\"pid\"" },
		{ "\"monitor_pid\":4241", "\"monitor_pid\":0", "\"monitor_pid\"" },
		{ "\"status\":\"running\"", "\"status\":\"stopped\"", "\"status\"" },
		{ "\"id_slot\":3", "\"id_slot\":4096", "\"id_slot\"" },
		{ "\"mnt\":4026531835", "\"mnt\":\"x\"", "namespaces.mnt" },
		{ "\"mnt\":4026531835", "\"mnt\":4294967296", "namespaces.mnt" },
		{ "\"net\":\"bridge\"", "\"net\":\"x\"", "options.net" },
		{ "\"uid\":1000", "\"uid\":4294967296", "options.uid" },
		{ "\"PATH=/usr/bin:/bin\"", "\"=x\"", "options.env[0]" },
		{ "\"capabilities\":[", "\"capabilities\":[\"CAP_NOPE\"],\"y\":[", "options.capabilities[0]" },
		{ "\"options\":{", "\"options\":[],\"x\":{", "\"options\"" },
		{ "\"workdir\":\"/", "\"workdir\":\"", "options.workdir" },
	};
	struct nsw_instance in, back;
	struct nsw_container c, cback;
	struct nsw_error err;
	char path[PATH_MAX];
	char *text, *bad;

	(void)state;
	fill(&in, &c, "c4");
	assert_int_equal(nsw_state_claim("c4", &err), 0);
	assert_int_equal(nsw_state_save(&in, &c, &err), 0);
	snprintf(path, sizeof(path), "%s/c4/state.json", nsw_state_root());
	text = slurp(path);
	assert_int_equal(nsw_state_parse(text, strlen(text), "c4", &back, &cback, &err), 0);
	nsw_container_free(&cback);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = replace(text, cases[i].from, cases[i].to);
		err.msg[0] = '\0';
		if (nsw_state_parse(bad, strlen(bad), "c4", &back, &cback, &err) == 0)
			fail_msg("accepted: %s -> %s", cases[i].from, cases[i].to);
		if (!strstr(err.msg, cases[i].field))
			fail_msg("%s -> %s: '%s' does not name %s", cases[i].from, cases[i].to,
				 err.msg, cases[i].field);
		free(bad);
	}
	/* Not the whole text: JSON cut anywhere, or with more after it. */
	for (size_t len = 0; len < strlen(text) - 1; len += 7)
		assert_int_equal(nsw_state_parse(text, len, "c4", &back, NULL, &err), -1);
	bad = replace(text, "\n", "\n{}");
	assert_int_equal(nsw_state_parse(bad, strlen(bad), "c4", &back, NULL, &err), -1);
	free(bad);

	/* The file itself: a load says which file, ps and rm -f can go on. */
	bad = replace(text, "\"cgroups\":[", "\"cgroups\":{},\"x\":[");
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(bad, f);
		fclose(f);
	}
	free(bad);
	assert_int_equal(nsw_state_load("c4", &back, &cback, &err), NSW_STATE_INVALID);
	assert_non_null(strstr(err.msg, "invalid state file"));
	assert_null(nsw_state_json("c4", "running", &err));
	free(text);
	nsw_container_free(&c);
	assert_int_equal(nsw_state_remove("c4", &err), 0);

	/* A directory without state file: said so, told apart. */
	assert_int_equal(nsw_state_claim("c4", &err), 0);
	assert_int_equal(nsw_state_load("c4", &back, NULL, &err), NSW_STATE_NO_FILE);
	/* Under the lock it has no owner: a claim takes it over. */
	assert_int_equal(nsw_state_claim("c4", &err), 0);
	assert_int_equal(nsw_state_remove("c4", &err), 0);
}

/*
 * An exited record (issue 12): how it ended round-trips, each end field is
 * checked (range, 128+N for a signal, the time), no other status may carry
 * them, and ps --json gives every line the three fields (null unless
 * exited). The status as of now: "exited" as written, whatever the pids.
 */
static void test_exited(void **state)
{
	static const struct {
		const char *from, *to, *field;
	} cases[] = {
		{ "\"exit_status\":137", "\"exit_status\":256", "\"exit_status\"" },
		{ "\"exit_status\":137", "\"exit_status\":-1", "\"exit_status\"" },
		{ "\"exit_status\":137", "\"exit_status\":\"137\"", "\"exit_status\"" },
		{ "\"exit_status\":137", "\"exit_status\":3", "\"exit_status\"" },
		{ "\"signal\":9", "\"signal\":65", "\"signal\"" },
		{ "\"signal\":9", "\"signal\":-9", "\"signal\"" },
		{ "\"finished\":\"2026-11-30T06:00:00Z\"", "\"finished\":\"\"", "\"finished\"" },
		{ "\"finished\":\"2026-11-30T06:00:00Z\"", "\"finished\":\"yesterday\"", "\"finished\"" },
		{ "\"finished\":\"2026-11-30T06:00:00Z\",", "", "\"finished\"" },
		{ "\"status\":\"exited\"", "\"status\":\"running\"", "\"exit_status\"" },
	};
	struct nsw_instance in, back;
	struct nsw_container c, cback;
	struct json_object *o, *v;
	struct nsw_error err;
	char path[PATH_MAX];
	char *text, *bad;

	(void)state;
	fill(&in, &c, "c6");
	snprintf(in.status, sizeof(in.status), NSW_STATUS_EXITED);
	in.exit_status = 137;
	in.exit_signal = 9;
	snprintf(in.finished, sizeof(in.finished), "2026-11-30T06:00:00Z");
	assert_int_equal(nsw_state_claim("c6", &err), 0);
	assert_int_equal(nsw_state_save(&in, &c, &err), 0);
	assert_int_equal(nsw_state_load("c6", &back, &cback, &err), 0);
	nsw_container_free(&cback);
	assert_string_equal(back.status, NSW_STATUS_EXITED);
	assert_int_equal(back.exit_status, 137);
	assert_int_equal(back.exit_signal, 9);
	assert_string_equal(back.finished, in.finished);
	assert_string_equal(nsw_instance_status(&back), NSW_STATUS_EXITED);
	assert_true(nsw_status_ended(NSW_STATUS_EXITED));
	assert_true(nsw_status_ended(NSW_STATUS_DEAD));
	assert_false(nsw_status_ended("running"));
	assert_false(nsw_status_ended("stopping"));

	snprintf(path, sizeof(path), "%s/c6/state.json", nsw_state_root());
	text = slurp(path);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = replace(text, cases[i].from, cases[i].to);
		err.msg[0] = '\0';
		if (nsw_state_parse(bad, strlen(bad), "c6", &back, &cback, &err) == 0)
			fail_msg("accepted: %s -> %s", cases[i].from, cases[i].to);
		if (!strstr(err.msg, cases[i].field))
			fail_msg("%s -> %s: '%s' does not name %s", cases[i].from, cases[i].to,
				 err.msg, cases[i].field);
		free(bad);
	}
	/* An exit of its own: any status, signal 0. */
	bad = replace(text, "\"signal\":9", "\"signal\":0");
	assert_int_equal(nsw_state_parse(bad, strlen(bad), "c6", &back, NULL, &err), 0);
	assert_int_equal(back.exit_status, 137);
	assert_int_equal(back.exit_signal, 0);
	free(bad);

	free(text);
	text = nsw_state_json("c6", NSW_STATUS_EXITED, &err);
	assert_non_null(text);
	o = parse_strict(text);
	assert_true(json_object_object_get_ex(o, "exit_status", &v));
	assert_int_equal(json_object_get_int(v), 137);
	assert_true(json_object_object_get_ex(o, "signal", &v));
	assert_int_equal(json_object_get_int(v), 9);
	assert_string_equal(get_str(o, "finished"), in.finished);
	json_object_put(o);
	free(text);
	assert_int_equal(nsw_state_remove("c6", &err), 0);

	/* Not exited: no end in the file, null in ps --json. */
	snprintf(in.status, sizeof(in.status), "running");
	assert_int_equal(nsw_state_claim("c6", &err), 0);
	assert_int_equal(nsw_state_save(&in, &c, &err), 0);
	text = slurp(path);
	assert_null(strstr(text, "exit_status"));
	assert_null(strstr(text, "finished"));
	free(text);
	text = nsw_state_json("c6", "running", &err);
	assert_non_null(text);
	o = parse_strict(text);
	for (size_t i = 0; i < 3; i++) {
		static const char *const keys[] = { "exit_status", "signal", "finished" };

		assert_true(json_object_object_get_ex(o, keys[i], &v));
		assert_null(v);
	}
	json_object_put(o);
	free(text);
	nsw_container_free(&c);
	assert_int_equal(nsw_state_remove("c6", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_ps_json),
	    cmocka_unit_test(test_not_utf8),
	    cmocka_unit_test(test_path_too_long),
	    cmocka_unit_test(test_untrusted),
	    cmocka_unit_test(test_exited),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
