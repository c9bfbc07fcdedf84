// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <stdint.h>
#include "runtime/caps.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"
#include "lib/json.h"
#include "lib/util.h"

/* State files hold no fractions; this is for one a hand put there. */
#define STATE_DOUBLE_DECIMALS 6

#define STATE_ROOT_SYSTEM "/run/nswatch"
#define STATE_LOCK ".lock"
#define STATE_FILE "state.json"
#define STATE_FILE_TMP "state.json.tmp"
#define OUTPUT_LOG "output.log"

/* What a container's directory may hold, for nsw_state_remove(). */
static const char *const state_files[] = { STATE_FILE, STATE_FILE_TMP, OUTPUT_LOG };

/* enum nsw_net_mode as the state file spells it. */
static const char *const net_names[] = {
	[NSW_NET_NONE] = "none",
	[NSW_NET_BRIDGE] = "bridge",
	[NSW_NET_HOST] = "host",
};

static void cleanup_jsonp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(cleanup_jsonp)))

/*
 * Where nswatch keeps its state, fixed for the life of the process:
 * nsw_state_root() fills it once and hands it out.
 */
static char state_root[PATH_MAX];

const char *nsw_state_root(void)
{
	const char *xdg;

	if (state_root[0])
		return state_root;
	if (geteuid() == 0)
		snprintf(state_root, sizeof(state_root), "%s", STATE_ROOT_SYSTEM);
	else if ((xdg = getenv("XDG_RUNTIME_DIR")) && xdg[0] == '/')
		snprintf(state_root, sizeof(state_root), "%s/nswatch", xdg);
	else
		snprintf(state_root, sizeof(state_root), "/tmp/nswatch-%u", geteuid());
	return state_root;
}

/* root/name, or root/name/file unless file is NULL. */
static int state_path(const char *name, const char *file, char *buf, size_t len,
		      struct nsw_error *err)
{
	int n;

	if (file)
		n = snprintf(buf, len, "%s/%s/%s", nsw_state_root(), name, file);
	else
		n = snprintf(buf, len, "%s/%s", nsw_state_root(), name);
	if (n < 0 || (size_t)n >= len)
		return nsw_error(err, ENAMETOOLONG, "the state path of container '%s' is too long",
				 name);
	return 0;
}

static int ensure_root(struct nsw_error *err)
{
	const char *root = nsw_state_root();
	struct stat st;

	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return nsw_error(err, errno, "cannot create the state directory %s",
				 root);
	/* In /tmp someone else could have made it first. */
	if (lstat(root, &st) < 0)
		return nsw_error(err, errno, "state directory %s", root);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return nsw_error(err, 0,
				 "state directory %s is not a directory owned by uid %u",
				 root, geteuid());
	return 0;
}

int nsw_state_lock(struct nsw_error *err)
{
	char path[PATH_MAX];
	int fd;

	if (ensure_root(err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", nsw_state_root(), STATE_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open the state lock %s", path);
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return nsw_error(err, errno, "cannot lock %s", path);
	}
	return fd;
}

int nsw_state_claim(const char *name, struct nsw_error *err)
{
	char dir[PATH_MAX];

	if (ensure_root(err) < 0 || state_path(name, NULL, dir, sizeof(dir), err) < 0)
		return -1;
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return nsw_error(err, 0,
					 "the name '%s' is taken (see nswatch ps; nswatch rm %s)",
					 name, name);
		return nsw_error(err, errno, "cannot create %s", dir);
	}
	return 0;
}

static void write_idmaps(struct nsw_json *w, const char *key, const struct nsw_idmap *m, int n)
{
	nsw_json_key(w, key);
	nsw_json_array_begin(w);
	for (int i = 0; i < n; i++) {
		nsw_json_object_begin(w);
		nsw_json_kv_int(w, "inside", m[i].inside);
		nsw_json_kv_int(w, "outside", m[i].outside);
		nsw_json_kv_int(w, "count", m[i].count);
		nsw_json_object_end(w);
	}
	nsw_json_array_end(w);
}

/* n < 0: v is NULL-terminated. */
static void write_strings(struct nsw_json *w, const char *key, char *const *v, int n)
{
	nsw_json_key(w, key);
	nsw_json_array_begin(w);
	for (int i = 0; v && (n < 0 ? v[i] != NULL : i < n); i++)
		nsw_json_string(w, v[i]);
	nsw_json_array_end(w);
}

static void write_namespaces(struct nsw_json *w, unsigned long flags)
{
	nsw_json_key(w, "namespaces");
	nsw_json_array_begin(w);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		if (flags & nsw_types[i].flag)
			nsw_json_string(w, nsw_types[i].name);
	nsw_json_array_end(w);
}

static void write_caps(struct nsw_json *w, uint64_t caps)
{
	char name[NSW_CAP_NAME_LEN];
	struct nsw_error ignored;

	nsw_json_key(w, "capabilities");
	nsw_json_array_begin(w);
	for (unsigned int i = 0; i <= CAP_LAST_CAP; i++)
		if ((caps & NSW_CAP_BIT(i)) && nsw_cap_name(i, name, sizeof(name), &ignored) == 0)
			nsw_json_string(w, name);
	nsw_json_array_end(w);
}

static void write_volumes(struct nsw_json *w, const struct nsw_container *c)
{
	nsw_json_key(w, "volumes");
	nsw_json_array_begin(w);
	for (int i = 0; i < c->n_mounts; i++) {
		if (!c->mounts[i].volume)
			continue;
		nsw_json_object_begin(w);
		nsw_json_kv_string(w, "source", c->mounts[i].source);
		nsw_json_kv_string(w, "target", c->mounts[i].target);
		nsw_json_kv_bool(w, "read_only", c->mounts[i].attr & MOUNT_ATTR_RDONLY);
		nsw_json_object_end(w);
	}
	nsw_json_array_end(w);
}

/* What exec must load again: the mode, and a profile file's rules. */
static void write_seccomp(struct nsw_json *w, const struct nsw_seccomp *s)
{
	nsw_json_kv_string(w, "seccomp", nsw_seccomp_mode_name(s->mode));
	nsw_json_kv_bool(w, "allow_userns", s->allow_userns);
	if (s->mode == NSW_SECCOMP_PROFILE && s->profile) {
		nsw_json_key(w, "seccomp_profile");
		nsw_seccomp_profile_write(w, s->profile);
	}
}

static const char *net_name(enum nsw_net_mode net)
{
	return net < ARRAY_SIZE(net_names) ? net_names[net] : "";
}

static void write_options(struct nsw_json *w, const struct nsw_container *c)
{
	nsw_json_key(w, "options");
	nsw_json_object_begin(w);
	write_namespaces(w, c->ns_flags);
	write_idmaps(w, "uid_map", c->uid_maps, c->n_uid_maps);
	write_idmaps(w, "gid_map", c->gid_maps, c->n_gid_maps);
	nsw_json_kv_bool(w, "rootless", c->rootless);
	nsw_json_kv_string(w, "rootfs", c->rootfs);
	nsw_json_kv_bool(w, "read_only", c->readonly_root);
	write_volumes(w, c);
	nsw_json_kv_string(w, "hostname", c->hostname);
	write_strings(w, "command", c->argv, -1);
	write_strings(w, "env", c->env, c->n_env);
	nsw_json_kv_string(w, "workdir", c->workdir);
	nsw_json_kv_int(w, "uid", c->uid);
	nsw_json_kv_int(w, "gid", c->gid);
	write_caps(w, c->caps);
	write_seccomp(w, &c->seccomp);
	nsw_json_kv_int(w, "memory", c->limits.memory_bytes);
	nsw_json_kv_int(w, "pids_limit", c->limits.pids_max);
	nsw_json_kv_uint(w, "cpu_quota_us", c->limits.cpu_quota_us);
	nsw_json_kv_uint(w, "cpu_period_us", c->limits.cpu_period_us);
	nsw_json_kv_string(w, "net", net_name(c->net));
	nsw_json_kv_bool(w, "detach", c->detach);
	nsw_json_object_end(w);
}

static void write_cgroups(struct nsw_json *w, const struct nsw_cgroup *cg)
{
	nsw_json_key(w, "cgroups");
	nsw_json_array_begin(w);
	for (int i = 0; i < cg->n; i++) {
		nsw_json_object_begin(w);
		nsw_json_kv_int(w, "version", cg->dirs[i].version);
		nsw_json_kv_string(w, "controller", cg->dirs[i].controller);
		nsw_json_kv_string(w, "path", cg->dirs[i].path);
		nsw_json_object_end(w);
	}
	nsw_json_array_end(w);
}

static void write_state(struct nsw_json *w, const struct nsw_instance *in,
			const struct nsw_container *c)
{
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "name", in->name);
	nsw_json_kv_string(w, "status", in->status);
	nsw_json_kv_int(w, "pid", in->pid);
	nsw_json_kv_uint(w, "pid_starttime", in->starttime);
	nsw_json_kv_int(w, "monitor_pid", in->monitor_pid);
	nsw_json_kv_uint(w, "monitor_starttime", in->monitor_starttime);
	nsw_json_kv_string(w, "created", in->created);
	nsw_json_key(w, "namespaces");
	nsw_json_object_begin(w);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		nsw_json_kv_uint(w, nsw_types[i].name, in->ns_inode[i]);
	nsw_json_object_end(w);
	write_cgroups(w, &in->cg);
	nsw_json_kv_int(w, "id_slot", in->idslot);
	nsw_json_kv_string(w, "ip", in->ip);
	nsw_json_kv_string(w, "gateway", in->gateway);
	nsw_json_kv_string(w, "host_interface", in->host_if);
	nsw_json_kv_string(w, "bridge", in->bridge);
	write_options(w, c);
	nsw_json_object_end(w);
	nsw_json_newline(w);
}

/* Into tmp, whole, then renamed over path: readers see the old file or the new. */
static int write_file(const char *tmp, const char *path, const struct nsw_instance *in,
		      const struct nsw_container *c, struct nsw_error *err)
{
	cleanup_fclose FILE *f = NULL;
	struct nsw_json w;
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsw_error(err, errno, "cannot write %s", tmp);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return nsw_error(err, errno, "cannot write %s", tmp);
	}
	nsw_json_init(&w, f);
	write_state(&w, in, c);
	if (fflush(f) != 0 || ferror(f))
		return nsw_error(err, errno ? errno : EIO, "cannot write %s", tmp);
	if (fclose(take_ptr(&f)) != 0)
		return nsw_error(err, errno, "cannot write %s", tmp);
	if (rename(tmp, path) < 0)
		return nsw_error(err, errno, "cannot rename %s", tmp);
	return 0;
}

int nsw_state_save(const struct nsw_instance *in, const struct nsw_container *c,
		   struct nsw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	if (state_path(in->name, STATE_FILE, path, sizeof(path), err) < 0 ||
	    state_path(in->name, STATE_FILE_TMP, tmp, sizeof(tmp), err) < 0)
		return -1;
	if (write_file(tmp, path, in, c, err) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static struct json_object *read_state(const char *name, struct nsw_error *err)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct json_object *o;

	if (!nsw_name_valid(name))
		return nsw_error(err, 0, "invalid container name '%s'", name), NULL;
	if (state_path(name, STATE_FILE, path, sizeof(path), err) < 0 ||
	    state_path(name, NULL, dir, sizeof(dir), err) < 0)
		return NULL;
	if (access(path, F_OK) < 0) {
		if (access(dir, F_OK) < 0)
			nsw_error(err, 0, "no container named '%s' (see nswatch ps)", name);
		else
			nsw_error(err, 0, "container '%s' is still being created", name);
		return NULL;
	}
	o = json_object_from_file(path);
	if (!o)
		nsw_error(err, 0, "cannot parse %s: %s", path, json_util_get_last_err());
	return o;
}

static long long get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static void get_str(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v;

	buf[0] = '\0';
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(buf, len, "%s", json_object_get_string(v));
}

static void load_cgroups(struct json_object *o, struct nsw_cgroup *cg)
{
	struct json_object *a;

	cg->n = 0;
	if (!json_object_object_get_ex(o, "cgroups", &a))
		return;
	for (size_t i = 0; i < json_object_array_length(a) && cg->n < NSW_CGROUP_MAX_DIRS; i++) {
		struct json_object *d = json_object_array_get_idx(a, i);
		struct nsw_cgroup_dir *dir = &cg->dirs[cg->n++];

		dir->version = get_int(d, "version");
		get_str(d, "controller", dir->controller, sizeof(dir->controller));
		get_str(d, "path", dir->path, sizeof(dir->path));
	}
}

static void load_instance(struct json_object *o, struct nsw_instance *in)
{
	struct json_object *ns;

	memset(in, 0, sizeof(*in));
	get_str(o, "name", in->name, sizeof(in->name));
	get_str(o, "status", in->status, sizeof(in->status));
	in->pid = get_int(o, "pid");
	in->starttime = get_int(o, "pid_starttime");
	in->monitor_pid = get_int(o, "monitor_pid");
	in->monitor_starttime = get_int(o, "monitor_starttime");
	get_str(o, "created", in->created, sizeof(in->created));
	if (json_object_object_get_ex(o, "namespaces", &ns))
		for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
			in->ns_inode[i] = get_int(ns, nsw_types[i].name);
	load_cgroups(o, &in->cg);
	in->idslot = get_int(o, "id_slot");
	get_str(o, "ip", in->ip, sizeof(in->ip));
	get_str(o, "gateway", in->gateway, sizeof(in->gateway));
	get_str(o, "host_interface", in->host_if, sizeof(in->host_if));
	get_str(o, "bridge", in->bridge, sizeof(in->bridge));
}

/* Absent (an older state file): the default, which exec must not lose. */
static int load_seccomp(struct json_object *opt, struct nsw_seccomp *s, struct nsw_error *err)
{
	struct json_object *v;
	const char *mode = "default";

	if (json_object_object_get_ex(opt, "seccomp", &v)) {
		if (!json_object_is_type(v, json_type_string))
			return nsw_error(err, 0, "state file: options.seccomp is not a string");
		mode = json_object_get_string(v);
	}
	if (json_object_object_get_ex(opt, "allow_userns", &v)) {
		if (!json_object_is_type(v, json_type_boolean))
			return nsw_error(err, 0, "state file: options.allow_userns is not a boolean");
		s->allow_userns = json_object_get_boolean(v);
	}
	if (!strcmp(mode, "default")) {
		s->mode = NSW_SECCOMP_DEFAULT;
	} else if (!strcmp(mode, "unconfined")) {
		s->mode = NSW_SECCOMP_UNCONFINED;
	} else if (!strcmp(mode, "profile")) {
		s->mode = NSW_SECCOMP_PROFILE;
		if (!json_object_object_get_ex(opt, "seccomp_profile", &v))
			return nsw_error(err, 0, "state file: options.seccomp is profile, without seccomp_profile");
		return nsw_seccomp_profile_from_json(v, "options.seccomp_profile of the state file",
						     &s->profile, err);
	} else {
		return nsw_error(err, 0, "state file: options.seccomp: unknown mode '%s'", mode);
	}
	return 0;
}

static int load_options(struct json_object *o, struct nsw_container *c,
			struct nsw_error *err)
{
	struct json_object *opt, *a;

	memset(c, 0, sizeof(*c));
	if (!json_object_object_get_ex(o, "options", &opt))
		return nsw_error(err, 0, "state file without options");
	if (json_object_object_get_ex(opt, "namespaces", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			const char *n = json_object_get_string(json_object_array_get_idx(a, i));

			c->ns_flags |= nsw_type_flag(n);
		}
	if (json_object_object_get_ex(opt, "capabilities", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			uint64_t bit;

			if (nsw_cap_parse(json_object_get_string(json_object_array_get_idx(a, i)),
					  &bit, err) < 0)
				return -1;
			c->caps |= bit;
		}
	if (json_object_object_get_ex(opt, "env", &a))
		for (size_t i = 0; i < json_object_array_length(a) && c->n_env < NSW_MAX_ENV; i++) {
			c->env[c->n_env] = strdup(json_object_get_string(json_object_array_get_idx(a, i)));
			if (!c->env[c->n_env++])
				return nsw_error(err, ENOMEM, "cannot load the state of a container");
		}
	c->workdir = strdup(json_object_get_string(json_object_object_get(opt, "workdir")) ?: "/");
	c->rootfs = strdup(json_object_get_string(json_object_object_get(opt, "rootfs")) ?: "");
	if (!c->workdir || !c->rootfs)
		return nsw_error(err, ENOMEM, "cannot load the state of a container");
	get_str(opt, "hostname", c->hostname, sizeof(c->hostname));
	c->uid = get_int(opt, "uid");
	c->gid = get_int(opt, "gid");
	c->rootless = json_object_get_boolean(json_object_object_get(opt, "rootless"));
	c->detach = json_object_get_boolean(json_object_object_get(opt, "detach"));
	return load_seccomp(opt, &c->seccomp, err);
}

int nsw_state_load(const char *name, struct nsw_instance *in,
		   struct nsw_container *c, struct nsw_error *err)
{
	cleanup_json struct json_object *o = read_state(name, err);

	if (!o)
		return -1;
	load_instance(o, in);
	if (c && load_options(o, c, err) < 0) {
		nsw_container_free(c);
		return -1;
	}
	return 0;
}

/* Any value json-c parsed, written again through the one writer. */
static void write_value(struct nsw_json *w, struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_boolean:
		nsw_json_bool(w, json_object_get_boolean(o));
		break;
	case json_type_int:
		/* json-c keeps what does not fit an int64 as a uint64. */
		if (json_object_get_int64(o) == INT64_MAX)
			nsw_json_uint(w, json_object_get_uint64(o));
		else
			nsw_json_int(w, json_object_get_int64(o));
		break;
	case json_type_double:
		nsw_json_fixed(w, json_object_get_double(o), STATE_DOUBLE_DECIMALS);
		break;
	case json_type_string:
		nsw_json_string_n(w, json_object_get_string(o), json_object_get_string_len(o));
		break;
	case json_type_array:
		nsw_json_array_begin(w);
		for (size_t i = 0; i < json_object_array_length(o); i++)
			write_value(w, json_object_array_get_idx(o, i));
		nsw_json_array_end(w);
		break;
	case json_type_object:
		nsw_json_object_begin(w);
		json_object_object_foreach(o, key, v) {
			nsw_json_key(w, key);
			write_value(w, v);
		}
		nsw_json_object_end(w);
		break;
	case json_type_null:
	default:
		nsw_json_null(w);
		break;
	}
}

char *nsw_state_json(const char *name, const char *status, struct nsw_error *err)
{
	cleanup_json struct json_object *o = read_state(name, err);
	struct nsw_json w;
	char *text;

	if (!o)
		return NULL;
	/* The status the caller sees now, in the place of the one written. */
	json_object_object_add(o, "status", json_object_new_string(status));
	if (nsw_json_open_mem(&w) < 0) {
		nsw_error(err, ENOMEM, "cannot format the state of '%s'", name);
		return NULL;
	}
	write_value(&w, o);
	text = nsw_json_take_mem(&w);
	if (!text)
		nsw_error(err, ENOMEM, "cannot format the state of '%s'", name);
	return text;
}

int nsw_state_remove(const char *name, struct nsw_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX];

	if (state_path(name, NULL, dir, sizeof(dir), err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(state_files); i++) {
		if (state_path(name, state_files[i], path, sizeof(path), err) < 0)
			return -1;
		if (unlink(path) < 0 && errno != ENOENT)
			return nsw_error(err, errno, "cannot remove %s", path);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return nsw_error(err, errno, "cannot remove %s", dir);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int nsw_state_list(char ***names, int *n, struct nsw_error *err)
{
	DIR *d = opendir(nsw_state_root());
	char **v = NULL;
	struct dirent *e;
	int count = 0;

	*names = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return nsw_error(err, errno, "cannot read %s", nsw_state_root());
	}
	while ((e = readdir(d))) {
		char **nv;

		if (e->d_name[0] == '.' || !nsw_name_valid(e->d_name))
			continue;
		nv = realloc(v, (count + 1) * sizeof(*v));
		if (!nv || !(nv[count] = strdup(e->d_name))) {
			v = nv ? nv : v;
			for (int i = 0; i < count; i++)
				free(v[i]);
			free(v);
			closedir(d);
			return nsw_error(err, ENOMEM, "listing containers");
		}
		v = nv;
		count++;
	}
	closedir(d);
	if (count)
		qsort(v, count, sizeof(*v), cmp_names);
	*names = v;
	*n = count;
	return 0;
}

/* The state letter (field 3) and starttime (field 22) of /proc/PID/stat. */
static int proc_stat(pid_t pid, char *state, unsigned long long *starttime)
{
	char path[64], buf[1024], *p;
	cleanup_close int fd = -1;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	/* comm may hold spaces and parentheses: start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c", state) != 1)
		return -1;
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", starttime) != 1)
		return -1;
	return 0;
}

int nsw_proc_starttime(pid_t pid, unsigned long long *starttime)
{
	char state;

	return proc_stat(pid, &state, starttime);
}

bool nsw_proc_same(pid_t pid, unsigned long long starttime)
{
	unsigned long long now;
	char state;

	/* A zombie has finished: its container is over. */
	return pid > 0 && proc_stat(pid, &state, &now) == 0 &&
	       now == starttime && state != 'Z';
}

const char *nsw_instance_status(const struct nsw_instance *in)
{
	if (nsw_proc_same(in->pid, in->starttime))
		return strcmp(in->status, "created") ? "running" : "created";
	if (nsw_proc_same(in->monitor_pid, in->monitor_starttime))
		return in->pid ? "stopping" : "creating";
	return "stopped";
}
