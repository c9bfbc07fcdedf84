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
#include "runtime/caps.h"
#include "runtime/state.h"
#include "lib/util.h"

static void cleanup_jsonp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(cleanup_jsonp)))

const char *nsw_state_root(void)
{
	static char root[PATH_MAX];
	const char *xdg;

	if (root[0])
		return root;
	if (geteuid() == 0)
		snprintf(root, sizeof(root), "/run/nswatch");
	else if ((xdg = getenv("XDG_RUNTIME_DIR")) && xdg[0] == '/')
		snprintf(root, sizeof(root), "%s/nswatch", xdg);
	else
		snprintf(root, sizeof(root), "/tmp/nswatch-%u", geteuid());
	return root;
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
	snprintf(path, sizeof(path), "%s/.lock", nsw_state_root());
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open the state lock %s", path);
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return nsw_error(err, errno, "cannot lock %s", path);
	}
	return fd;
}

static void dir_of(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", nsw_state_root(), name);
}

int nsw_state_claim(const char *name, struct nsw_error *err)
{
	char dir[PATH_MAX];

	if (ensure_root(err) < 0)
		return -1;
	dir_of(name, dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return nsw_error(err, 0,
					 "the name '%s' is taken (see nswatch ps; nswatch rm %s)",
					 name, name);
		return nsw_error(err, errno, "cannot create %s", dir);
	}
	return 0;
}

static struct json_object *idmaps_json(const struct nsw_idmap *m, int n)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "inside", json_object_new_int64(m[i].inside));
		json_object_object_add(o, "outside", json_object_new_int64(m[i].outside));
		json_object_object_add(o, "count", json_object_new_int64(m[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *strings_json(char *const *v, int n)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; v && (n < 0 ? v[i] != NULL : i < n); i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static struct json_object *options_json(const struct nsw_container *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ns = json_object_new_array();
	struct json_object *caps = json_object_new_array();
	struct json_object *vols = json_object_new_array();
	static const char *const nets[] = { "none", "bridge", "host" };

	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		if (c->ns_flags & nsw_types[i].flag)
			json_object_array_add(ns, json_object_new_string(nsw_types[i].name));
	for (unsigned int i = 0; nsw_cap_name(i); i++)
		if (c->caps & NSW_CAP_BIT(i))
			json_object_array_add(caps, json_object_new_string(nsw_cap_name(i)));
	for (int i = 0; i < c->n_mounts; i++) {
		struct json_object *v;

		if (!c->mounts[i].volume)
			continue;
		v = json_object_new_object();
		json_object_object_add(v, "source", json_object_new_string(c->mounts[i].source));
		json_object_object_add(v, "target", json_object_new_string(c->mounts[i].target));
		json_object_object_add(v, "read_only",
				       json_object_new_boolean(c->mounts[i].attr & MOUNT_ATTR_RDONLY));
		json_object_array_add(vols, v);
	}
	json_object_object_add(o, "namespaces", ns);
	json_object_object_add(o, "uid_map", idmaps_json(c->uid_maps, c->n_uid_maps));
	json_object_object_add(o, "gid_map", idmaps_json(c->gid_maps, c->n_gid_maps));
	json_object_object_add(o, "rootless", json_object_new_boolean(c->rootless));
	json_object_object_add(o, "rootfs", json_object_new_string(c->rootfs));
	json_object_object_add(o, "read_only", json_object_new_boolean(c->readonly_root));
	json_object_object_add(o, "volumes", vols);
	json_object_object_add(o, "hostname", json_object_new_string(c->hostname));
	json_object_object_add(o, "command", strings_json(c->argv, -1));
	json_object_object_add(o, "env", strings_json(c->env, c->n_env));
	json_object_object_add(o, "workdir", json_object_new_string(c->workdir));
	json_object_object_add(o, "uid", json_object_new_int64(c->uid));
	json_object_object_add(o, "gid", json_object_new_int64(c->gid));
	json_object_object_add(o, "capabilities", caps);
	json_object_object_add(o, "memory", json_object_new_int64(c->limits.memory_bytes));
	json_object_object_add(o, "pids_limit", json_object_new_int64(c->limits.pids_max));
	json_object_object_add(o, "cpu_quota_us", json_object_new_int64(c->limits.cpu_quota_us));
	json_object_object_add(o, "cpu_period_us", json_object_new_int64(c->limits.cpu_period_us));
	json_object_object_add(o, "net", json_object_new_string(nets[c->net]));
	json_object_object_add(o, "detach", json_object_new_boolean(c->detach));
	return o;
}

static struct json_object *instance_json(const struct nsw_instance *in)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ns = json_object_new_object();
	struct json_object *cg = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(in->name));
	json_object_object_add(o, "status", json_object_new_string(in->status));
	json_object_object_add(o, "pid", json_object_new_int(in->pid));
	json_object_object_add(o, "pid_starttime", json_object_new_int64(in->starttime));
	json_object_object_add(o, "monitor_pid", json_object_new_int(in->monitor_pid));
	json_object_object_add(o, "monitor_starttime",
			       json_object_new_int64(in->monitor_starttime));
	json_object_object_add(o, "created", json_object_new_string(in->created));
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		json_object_object_add(ns, nsw_types[i].name,
				       json_object_new_int64(in->ns_inode[i]));
	json_object_object_add(o, "namespaces", ns);
	for (int i = 0; i < in->cg.n; i++) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "version", json_object_new_int(in->cg.dirs[i].version));
		json_object_object_add(d, "controller",
				       json_object_new_string(in->cg.dirs[i].controller));
		json_object_object_add(d, "path", json_object_new_string(in->cg.dirs[i].path));
		json_object_array_add(cg, d);
	}
	json_object_object_add(o, "cgroups", cg);
	json_object_object_add(o, "id_slot", json_object_new_int(in->idslot));
	json_object_object_add(o, "ip", json_object_new_string(in->ip));
	json_object_object_add(o, "gateway", json_object_new_string(in->gateway));
	json_object_object_add(o, "host_interface", json_object_new_string(in->host_if));
	json_object_object_add(o, "bridge", json_object_new_string(in->bridge));
	return o;
}

int nsw_state_save(const struct nsw_instance *in, const struct nsw_container *c,
		   struct nsw_error *err)
{
	cleanup_json struct json_object *o = instance_json(in);
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	const char *text;
	size_t len;
	int fd;

	json_object_object_add(o, "options", options_json(c));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	snprintf(path, sizeof(path), "%s/%s/state.json", nsw_state_root(), in->name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsw_error(err, errno, "cannot write %s", tmp);
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		int e = errno ? errno : EIO;

		close(fd);
		unlink(tmp);
		return nsw_error(err, e, "cannot write %s", tmp);
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return nsw_error(err, e, "cannot rename %s", tmp);
	}
	return 0;
}

static struct json_object *read_state(const char *name, struct nsw_error *err)
{
	char path[PATH_MAX];
	struct json_object *o;

	if (!nsw_name_valid(name))
		return nsw_error(err, 0, "invalid container name '%s'", name), NULL;
	snprintf(path, sizeof(path), "%s/%s/state.json", nsw_state_root(), name);
	if (access(path, F_OK) < 0) {
		char dir[PATH_MAX];

		dir_of(name, dir, sizeof(dir));
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
				return nsw_error(err, ENOMEM, "state");
		}
	c->workdir = strdup(json_object_get_string(json_object_object_get(opt, "workdir")) ?: "/");
	c->rootfs = strdup(json_object_get_string(json_object_object_get(opt, "rootfs")) ?: "");
	if (!c->workdir || !c->rootfs)
		return nsw_error(err, ENOMEM, "state");
	get_str(opt, "hostname", c->hostname, sizeof(c->hostname));
	c->uid = get_int(opt, "uid");
	c->gid = get_int(opt, "gid");
	c->rootless = json_object_get_boolean(json_object_object_get(opt, "rootless"));
	c->detach = json_object_get_boolean(json_object_object_get(opt, "detach"));
	return 0;
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

char *nsw_state_json(const char *name, const char *status, struct nsw_error *err)
{
	cleanup_json struct json_object *o = read_state(name, err);
	char *text;

	if (!o)
		return NULL;
	json_object_object_add(o, "status", json_object_new_string(status));
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	if (!text)
		nsw_error(err, ENOMEM, "ps");
	return text;
}

int nsw_state_remove(const char *name, struct nsw_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	static const char *const files[] = { "state.json", "state.json.tmp", "output.log" };

	dir_of(name, dir, sizeof(dir));
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
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
