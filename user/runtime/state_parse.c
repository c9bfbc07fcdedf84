// SPDX-License-Identifier: GPL-2.0
/*
 * A state file's text, checked field by field. Whoever could write the
 * file (a user in $XDG_RUNTIME_DIR, a hook, a hand) is not trusted: rm
 * deletes the cgroups and interfaces it names and kill signals its pids, so
 * every field must be one nswatch itself could have written for this
 * container, and no text may crash a reader (tests/fuzz/fuzz_state.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "runtime/alloc.h"
#include "runtime/caps.h"
#include "runtime/netdev.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"
#include "lib/json.h"
#include "lib/util.h"

/* Nesting of the deepest state file (options.uid_map[i].count) and some. */
#define STATE_JSON_DEPTH 8
/* PID_MAX_LIMIT on 64-bit: no pid is above it. */
#define STATE_PID_MAX (4 * 1024 * 1024)
/* The gateway, the bridge's address without its prefix length. */
#define STATE_GATEWAY_LEN 16
/* An exit status as a shell sees it: 8 bits. */
#define NSW_EXIT_STATUS_MAX 255

static const char *const statuses[] = { "creating", "created", "running", NSW_STATUS_EXITED };

static void free_tokener(struct json_tokener **t)
{
	if (*t)
		json_tokener_free(*t);
}

static int bad(struct nsw_error *err, const char *field, const char *why)
{
	return nsw_error(err, 0, "field \"%s\": %s", field, why);
}

/* o[key] of type t, or an error naming the field. */
static int member(struct json_object *o, const char *key, const char *field,
		  enum json_type t, struct json_object **v, struct nsw_error *err)
{
	if (!json_object_object_get_ex(o, key, v))
		return bad(err, field, "missing");
	if (!json_object_is_type(*v, t))
		return bad(err, field, "of the wrong type");
	return 0;
}

/* A signed value in [lo, hi]. */
static int get_int(struct json_object *o, const char *key, const char *field,
		   long long lo, long long hi, long long *out, struct nsw_error *err)
{
	struct json_object *v;
	int64_t n;

	if (member(o, key, field, json_type_int, &v, err) < 0)
		return -1;
	n = json_object_get_int64(v);
	/* json-c keeps what is above INT64_MAX as a uint64; get_int64 saturates. */
	if (n < lo || n > hi || n == INT64_MAX)
		return bad(err, field, "out of range");
	*out = n;
	return 0;
}

/* An unsigned value up to hi. */
static int get_uint(struct json_object *o, const char *key, const char *field,
		    unsigned long long hi, unsigned long long *out, struct nsw_error *err)
{
	struct json_object *v;
	uint64_t n;

	if (member(o, key, field, json_type_int, &v, err) < 0)
		return -1;
	if (json_object_get_int64(v) < 0)
		return bad(err, field, "negative");
	n = json_object_get_uint64(v);
	if (n > hi)
		return bad(err, field, "out of range");
	*out = n;
	return 0;
}

static int get_bool(struct json_object *o, const char *key, const char *field,
		    bool *out, struct nsw_error *err)
{
	struct json_object *v;

	if (member(o, key, field, json_type_boolean, &v, err) < 0)
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

/* A string of at most max bytes, without NUL; the value is json-c's. */
static int str_value(struct json_object *v, const char *field, size_t max,
		     const char **out, struct nsw_error *err)
{
	const char *s;
	size_t len;

	if (!json_object_is_type(v, json_type_string))
		return bad(err, field, "of the wrong type");
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if (strlen(s) != len)
		return bad(err, field, "holds a NUL byte");
	if (len > max)
		return bad(err, field, "too long");
	*out = s;
	return 0;
}

static int get_str(struct json_object *o, const char *key, const char *field,
		   size_t max, const char **out, struct nsw_error *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return bad(err, field, "missing");
	return str_value(v, field, max, out, err);
}

/* Into a buffer of len bytes: at most len - 1. */
static int copy_str(struct json_object *o, const char *key, const char *field,
		    char *buf, size_t len, struct nsw_error *err)
{
	const char *s;

	if (get_str(o, key, field, len - 1, &s, err) < 0)
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

/* An array of at most max elements. */
static int get_array(struct json_object *o, const char *key, const char *field,
		     size_t max, struct json_object **a, size_t *n, struct nsw_error *err)
{
	if (member(o, key, field, json_type_array, a, err) < 0)
		return -1;
	*n = json_object_array_length(*a);
	if (*n > max)
		return bad(err, field, "too many elements");
	return 0;
}

static bool one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] && !strcmp(s, v[i]))
			return true;
	return false;
}

/* Absolute, and no empty, "." or ".." component: a path nothing can redirect. */
static bool canonical_path(const char *p)
{
	if (p[0] != '/' || !p[1])
		return false;
	for (const char *c = p + 1;;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

/* RFC 3339 as now_rfc3339() writes it, or close: digits and its separators. */
static bool rfc3339_chars(const char *s)
{
	return s[0] && strspn(s, "0123456789-:.TZ+") == strlen(s);
}

/* A v1 controller's name (cgroup.c makes them for memory, pids, cpu). */
static bool controller_name(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_") == strlen(s);
}

static int parse_cgroup(struct json_object *d, size_t i, const char *name,
			struct nsw_cgroup_dir *dir, struct nsw_error *err)
{
	char field[64], tail[NSW_NAME_MAX + sizeof("/nswatch/")];
	long long version;
	size_t len, tlen;

	snprintf(field, sizeof(field), "cgroups[%zu]", i);
	if (!json_object_is_type(d, json_type_object))
		return bad(err, field, "not an object");
	snprintf(field, sizeof(field), "cgroups[%zu].version", i);
	if (get_int(d, "version", field, 1, 2, &version, err) < 0)
		return -1;
	dir->version = version;
	snprintf(field, sizeof(field), "cgroups[%zu].controller", i);
	if (copy_str(d, "controller", field, dir->controller, sizeof(dir->controller), err) < 0)
		return -1;
	if (version == 2 ? dir->controller[0] != '\0'
			 : !dir->controller[0] || !controller_name(dir->controller))
		return bad(err, field, "not a controller nswatch uses");
	snprintf(field, sizeof(field), "cgroups[%zu].path", i);
	if (copy_str(d, "path", field, dir->path, sizeof(dir->path), err) < 0)
		return -1;
	/* An OCI config's cgroupsPath: "made" counts the components it made. */
	if (json_object_object_get_ex(d, "made", NULL)) {
		long long made;

		snprintf(field, sizeof(field), "cgroups[%zu].made", i);
		if (get_int(d, "made", field, 1, PATH_MAX, &made, err) < 0)
			return -1;
		dir->made = made;
		snprintf(field, sizeof(field), "cgroups[%zu].path", i);
		return canonical_path(dir->path) ? 0 : bad(err, field, "not a canonical path");
	}
	/* <mountpoint>/nswatch/NAME; the mountpoint is checked against mountinfo. */
	snprintf(tail, sizeof(tail), "/nswatch/%s", name);
	len = strlen(dir->path);
	tlen = strlen(tail);
	if (!canonical_path(dir->path) || len < tlen || strcmp(dir->path + len - tlen, tail))
		return bad(err, field, "not a path <cgroup mount>/nswatch/NAME");
	return 0;
}

static int parse_cgroups(struct json_object *o, const char *name, struct nsw_cgroup *cg,
			 struct nsw_error *err)
{
	struct json_object *a;
	size_t n;

	if (get_array(o, "cgroups", "cgroups", NSW_CGROUP_MAX_DIRS, &a, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (parse_cgroup(json_object_array_get_idx(a, i), i, name, &cg->dirs[i], err) < 0)
			return -1;
	cg->n = n;
	return 0;
}

static int parse_namespaces(struct json_object *o, struct nsw_instance *in,
			    struct nsw_error *err)
{
	struct json_object *ns;
	char field[32];

	if (member(o, "namespaces", "namespaces", json_type_object, &ns, err) < 0)
		return -1;
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		snprintf(field, sizeof(field), "namespaces.%s", nsw_types[i].name);
		/* An nsfs inode is an unsigned int in the kernel. */
		if (get_uint(ns, nsw_types[i].name, field, UINT32_MAX, &in->ns_inode[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The address, gateway and interfaces as alloc.c gives them, or none at all. */
static int parse_network(struct json_object *o, struct nsw_instance *in,
			 struct nsw_error *err)
{
	char want[STATE_GATEWAY_LEN];
	struct nsw_error e;
	unsigned int h;

	if (copy_str(o, "ip", "ip", in->ip, sizeof(in->ip), err) < 0 ||
	    copy_str(o, "gateway", "gateway", in->gateway, sizeof(in->gateway), err) < 0 ||
	    copy_str(o, "host_interface", "host_interface", in->host_if, sizeof(in->host_if),
		     err) < 0 ||
	    copy_str(o, "bridge", "bridge", in->bridge, sizeof(in->bridge), err) < 0)
		return -1;
	if (!in->ip[0]) {
		if (in->gateway[0] || in->host_if[0] || in->bridge[0])
			return bad(err, in->gateway[0] ? "gateway" : in->host_if[0] ? "host_interface" : "bridge",
				   "set without an address");
		return 0;
	}
	if (!strchr(in->ip, '/') || nsw_ipv4_host_number(NSW_SUBNET, in->ip, &h, &e) < 0)
		return bad(err, "ip", "not an address of nswatch's subnet " NSW_SUBNET);
	snprintf(want, sizeof(want), "%s", NSW_BRIDGE_ADDRESS);
	want[strcspn(want, "/")] = '\0';
	if (strcmp(in->gateway, want))
		return bad(err, "gateway", "not the bridge's address");
	snprintf(want, sizeof(want), NSW_VETH_PREFIX "%u", h);
	if (strcmp(in->host_if, want))
		return bad(err, "host_interface", "not the interface nswatch names for this address");
	if (strcmp(in->bridge, NSW_BRIDGE))
		return bad(err, "bridge", "not nswatch's bridge " NSW_BRIDGE);
	return 0;
}

/*
 * How an "exited" container ended, consistent with itself (a signal's
 * status is 128+N); no other status has these fields.
 */
static int parse_end(struct json_object *o, struct nsw_instance *in, struct nsw_error *err)
{
	static const char *const fields[] = { "exit_status", "signal", "finished" };
	long long v;

	if (strcmp(in->status, NSW_STATUS_EXITED)) {
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
			if (json_object_object_get_ex(o, fields[i], NULL))
				return bad(err, fields[i], "set in a container that has not exited");
		return 0;
	}
	if (get_int(o, "exit_status", "exit_status", 0, NSW_EXIT_STATUS_MAX, &v, err) < 0)
		return -1;
	in->exit_status = v;
	if (get_int(o, "signal", "signal", 0, NSW_STATE_SIGNAL_MAX, &v, err) < 0)
		return -1;
	in->exit_signal = v;
	if (in->exit_signal && in->exit_status != NSW_EXIT_SIGNAL_BASE + in->exit_signal)
		return bad(err, "exit_status", "not 128+N for the signal N that ended it");
	if (copy_str(o, "finished", "finished", in->finished, sizeof(in->finished), err) < 0)
		return -1;
	if (!rfc3339_chars(in->finished))
		return bad(err, "finished", "not an RFC 3339 time");
	return 0;
}

static int parse_instance(struct json_object *o, const char *name, struct nsw_instance *in,
			  struct nsw_error *err)
{
	long long v;

	memset(in, 0, sizeof(*in));
	if (copy_str(o, "name", "name", in->name, sizeof(in->name), err) < 0)
		return -1;
	if (!nsw_name_valid(in->name))
		return bad(err, "name", "not a valid container name");
	if (name && strcmp(in->name, name))
		return bad(err, "name", "not the name of its directory");
	if (copy_str(o, "status", "status", in->status, sizeof(in->status), err) < 0)
		return -1;
	if (!one_of(in->status, statuses, ARRAY_SIZE(statuses)))
		return bad(err, "status", "not a status nswatch writes");
	if (get_int(o, "pid", "pid", 0, STATE_PID_MAX, &v, err) < 0)
		return -1;
	in->pid = v;
	/* The init has a pid from "created" on. */
	if (!in->pid && strcmp(in->status, "creating"))
		return bad(err, "pid", "0 in a container that is not being created");
	if (get_uint(o, "pid_starttime", "pid_starttime", ULLONG_MAX, &in->starttime, err) < 0 ||
	    get_int(o, "monitor_pid", "monitor_pid", 1, STATE_PID_MAX, &v, err) < 0)
		return -1;
	in->monitor_pid = v;
	if (get_uint(o, "monitor_starttime", "monitor_starttime", ULLONG_MAX,
		     &in->monitor_starttime, err) < 0 ||
	    copy_str(o, "created", "created", in->created, sizeof(in->created), err) < 0)
		return -1;
	if (!rfc3339_chars(in->created))
		return bad(err, "created", "not an RFC 3339 time");
	if (parse_namespaces(o, in, err) < 0 || parse_cgroups(o, in->name, &in->cg, err) < 0)
		return -1;
	if (get_int(o, "id_slot", "id_slot", -1, NSW_IDRANGE_SLOTS - 1, &v, err) < 0)
		return -1;
	in->idslot = v;
	if (parse_network(o, in, err) < 0)
		return -1;
	return parse_end(o, in, err);
}

/* ---- options: what exec needs, and the rest checked for its type ---- */

static int parse_ns_flags(struct json_object *opt, struct nsw_container *c,
			  struct nsw_error *err)
{
	struct json_object *a;
	const char *s;
	char field[64];
	size_t n;

	if (get_array(opt, "namespaces", "options.namespaces", NSW_TYPE_COUNT, &a, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "options.namespaces[%zu]", i);
		if (str_value(json_object_array_get_idx(a, i), field, NSW_CAP_NAME_LEN, &s, err) < 0)
			return -1;
		if (!nsw_type_flag(s))
			return bad(err, field, "not a namespace type");
		c->ns_flags |= nsw_type_flag(s);
	}
	return 0;
}

static int parse_idmaps(struct json_object *opt, const char *key, struct nsw_idmap *maps,
			int *count, struct nsw_error *err)
{
	unsigned long long inside, outside, n_ids;
	struct json_object *a, *m;
	char field[80];
	size_t n;

	snprintf(field, sizeof(field), "options.%s", key);
	if (get_array(opt, key, field, NSW_MAX_IDMAPS, &a, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		m = json_object_array_get_idx(a, i);
		snprintf(field, sizeof(field), "options.%s[%zu]", key, i);
		if (!json_object_is_type(m, json_type_object))
			return bad(err, field, "not an object");
		if (get_uint(m, "inside", field, UINT32_MAX, &inside, err) < 0 ||
		    get_uint(m, "outside", field, UINT32_MAX, &outside, err) < 0 ||
		    get_uint(m, "count", field, UINT32_MAX, &n_ids, err) < 0)
			return -1;
		if (!n_ids)
			return bad(err, field, "maps no id");
		maps[i] = (struct nsw_idmap){ inside, outside, n_ids };
	}
	*count = n;
	return 0;
}

static int parse_volumes(struct json_object *opt, struct nsw_error *err)
{
	struct json_object *a, *v;
	const char *s;
	char field[64];
	bool ro;
	size_t n;

	if (get_array(opt, "volumes", "options.volumes", NSW_MAX_MOUNTS, &a, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		snprintf(field, sizeof(field), "options.volumes[%zu]", i);
		if (!json_object_is_type(v, json_type_object))
			return bad(err, field, "not an object");
		if (get_str(v, "source", field, PATH_MAX - 1, &s, err) < 0 ||
		    get_str(v, "target", field, PATH_MAX - 1, &s, err) < 0 ||
		    get_bool(v, "read_only", field, &ro, err) < 0)
			return -1;
		if (s[0] != '/')
			return bad(err, field, "target not an absolute path");
	}
	return 0;
}

/* Strings, each checked by ok (NULL: any), each copied into v if not NULL. */
static int parse_strings(struct json_object *opt, const char *key, size_t max,
			 bool (*ok)(const char *), char **v, int *count, struct nsw_error *err)
{
	struct json_object *a;
	const char *s;
	char field[64];
	size_t n;

	snprintf(field, sizeof(field), "options.%s", key);
	if (get_array(opt, key, field, max, &a, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "options.%s[%zu]", key, i);
		if (str_value(json_object_array_get_idx(a, i), field, INT_MAX, &s, err) < 0)
			return -1;
		if (ok && !ok(s))
			return bad(err, field, "not valid");
		if (v && !(v[(*count)++] = strdup(s)))
			return nsw_error(err, ENOMEM, "cannot load the state of a container");
	}
	return 0;
}

static int parse_caps(struct json_object *opt, struct nsw_container *c, struct nsw_error *err)
{
	struct json_object *a;
	const char *s;
	char field[64];
	uint64_t bit;
	size_t n;

	if (get_array(opt, "capabilities", "options.capabilities", CAP_LAST_CAP + 1, &a, &n,
		      err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "options.capabilities[%zu]", i);
		if (str_value(json_object_array_get_idx(a, i), field, NSW_CAP_NAME_LEN, &s, err) < 0)
			return -1;
		if (nsw_cap_parse(s, &bit, err) < 0)
			return bad(err, field, "not a capability");
		c->caps |= bit;
	}
	return 0;
}

/* An absolute path, strdup()ed into *out. */
static int get_path(struct json_object *opt, const char *key, const char *field, char **out,
		    struct nsw_error *err)
{
	const char *s;

	if (get_str(opt, key, field, PATH_MAX - 1, &s, err) < 0)
		return -1;
	if (s[0] != '/')
		return bad(err, field, "not an absolute path");
	*out = strdup(s);
	return *out ? 0 : nsw_error(err, ENOMEM, "cannot load the state of a container");
}

static int parse_limits(struct json_object *opt, struct nsw_container *c,
			struct nsw_error *err)
{
	long long v;

	if (get_int(opt, "memory", "options.memory", 0, LLONG_MAX, &v, err) < 0)
		return -1;
	c->limits.memory_bytes = v;
	if (get_int(opt, "pids_limit", "options.pids_limit", 0, STATE_PID_MAX, &v, err) < 0)
		return -1;
	c->limits.pids_max = v;
	return get_uint(opt, "cpu_quota_us", "options.cpu_quota_us", ULLONG_MAX,
			&c->limits.cpu_quota_us, err) ||
	       get_uint(opt, "cpu_period_us", "options.cpu_period_us", ULLONG_MAX,
			&c->limits.cpu_period_us, err);
}

/* Absent (a file from before seccomp): the default, which exec must not lose. */
static int parse_seccomp(struct json_object *opt, struct nsw_seccomp *s,
			 struct nsw_error *err)
{
	struct json_object *v;
	const char *mode = "default";

	if (json_object_object_get_ex(opt, "seccomp", &v)) {
		if (!json_object_is_type(v, json_type_string))
			return bad(err, "options.seccomp", "not a string");
		mode = json_object_get_string(v);
	}
	if (json_object_object_get_ex(opt, "allow_userns", &v) &&
	    get_bool(opt, "allow_userns", "options.allow_userns", &s->allow_userns, err) < 0)
		return -1;
	if (!strcmp(mode, "default"))
		s->mode = NSW_SECCOMP_DEFAULT;
	else if (!strcmp(mode, "unconfined"))
		s->mode = NSW_SECCOMP_UNCONFINED;
	else if (strcmp(mode, "profile"))
		return bad(err, "options.seccomp", "not a seccomp mode");
	else if (!json_object_object_get_ex(opt, "seccomp_profile", &v))
		return bad(err, "options.seccomp_profile", "missing, with options.seccomp profile");
	else {
		s->mode = NSW_SECCOMP_PROFILE;
		return nsw_seccomp_profile_from_json(v, "options.seccomp_profile of the state file",
						     &s->profile, err);
	}
	return 0;
}

static int parse_options(struct json_object *o, struct nsw_container *c,
			 struct nsw_error *err)
{
	unsigned long long id;
	struct json_object *opt;
	const char *net;
	int ignored = 0;
	bool ro;

	if (member(o, "options", "options", json_type_object, &opt, err) < 0 ||
	    parse_ns_flags(opt, c, err) < 0 ||
	    parse_idmaps(opt, "uid_map", c->uid_maps, &c->n_uid_maps, err) < 0 ||
	    parse_idmaps(opt, "gid_map", c->gid_maps, &c->n_gid_maps, err) < 0 ||
	    get_bool(opt, "rootless", "options.rootless", &c->rootless, err) < 0 ||
	    get_path(opt, "rootfs", "options.rootfs", &c->rootfs, err) < 0 ||
	    get_bool(opt, "read_only", "options.read_only", &ro, err) < 0 ||
	    parse_volumes(opt, err) < 0 ||
	    copy_str(opt, "hostname", "options.hostname", c->hostname, sizeof(c->hostname),
		     err) < 0 ||
	    parse_strings(opt, "command", INT_MAX, NULL, NULL, &ignored, err) < 0 ||
	    parse_strings(opt, "env", NSW_MAX_ENV, nsw_env_valid, c->env, &c->n_env, err) < 0 ||
	    get_path(opt, "workdir", "options.workdir", &c->workdir, err) < 0 ||
	    get_uint(opt, "uid", "options.uid", UINT32_MAX, &id, err) < 0)
		return -1;
	c->readonly_root = ro;
	c->uid = id;
	if (get_uint(opt, "gid", "options.gid", UINT32_MAX, &id, err) < 0)
		return -1;
	c->gid = id;
	if (parse_caps(opt, c, err) < 0 || parse_limits(opt, c, err) < 0 ||
	    get_str(opt, "net", "options.net", NSW_CAP_NAME_LEN, &net, err) < 0)
		return -1;
	for (c->net = 0; c->net < NSW_NET_MODES; c->net++)
		if (!strcmp(net, nsw_state_net_names[c->net]))
			break;
	if (c->net == NSW_NET_MODES)
		return bad(err, "options.net", "not a network mode");
	if (get_bool(opt, "detach", "options.detach", &c->detach, err) < 0)
		return -1;
	return parse_seccomp(opt, &c->seccomp, err);
}

int nsw_state_parse(const char *text, size_t len, const char *name, struct nsw_instance *in,
		    struct nsw_container *c, struct nsw_error *err)
{
	__attribute__((cleanup(free_tokener))) struct json_tokener *tok = NULL;
	cleanup_json struct json_object *o = NULL;
	struct nsw_container ignored;
	size_t end;

	if (!c)
		c = &ignored;
	memset(c, 0, sizeof(*c));
	if (len > INT_MAX)
		return nsw_error(err, 0, "too long");
	tok = json_tokener_new_ex(STATE_JSON_DEPTH);
	if (!tok)
		return nsw_error(err, ENOMEM, "cannot parse");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success)
		return nsw_error(err, 0, "not JSON: %s",
				 json_tokener_error_desc(json_tokener_get_error(tok)));
	/* One object, then nothing but the newline the writer ends with. */
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (!strchr(" \t\r\n", text[end]) || !text[end])
			return nsw_error(err, 0, "not JSON: text after the object");
	if (!json_object_is_type(o, json_type_object))
		return nsw_error(err, 0, "not a JSON object");
	if (parse_instance(o, name, in, err) < 0 || parse_options(o, c, err) < 0) {
		nsw_container_free(c);
		return -1;
	}
	if (c == &ignored)
		nsw_container_free(c);
	return 0;
}
