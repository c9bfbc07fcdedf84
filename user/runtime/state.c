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
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <stdint.h>
#include "runtime/caps.h"
#include "runtime/seccomp.h"
#include "runtime/process.h"
#include "runtime/state.h"
#include "lib/json.h"
#include "lib/readfile.h"
#include "lib/util.h"

/* State files hold no fractions; this is for one a hand put there. */
#define STATE_DOUBLE_DECIMALS 6

#define STATE_ROOT_SYSTEM "/run/nswatch"
#define STATE_LOCK ".lock"
#define STATE_FILE "state.json"
#define STATE_FILE_TMP "state.json.tmp"
#define OUTPUT_LOG "output.log"
#define STATE_MARK "monitor"
/* Far above any state file nswatch writes (256 environment strings...). */
#define STATE_FILE_MAX (16 << 20)
/* Waiting for the lock: how often a stop signal is looked for, at most. */
#define LOCK_POLL_MIN_NS 1000000L
#define LOCK_POLL_MAX_NS 20000000L

/* What a container's directory may hold, for nsw_state_remove(). */
static const char *const state_files[] = { STATE_FILE, STATE_FILE_TMP, OUTPUT_LOG, STATE_MARK,
					   NSW_STATE_OCI_FILE, NSW_STATE_OCI_TMP,
					   NSW_STATE_START_FIFO };

const char *const nsw_state_net_names[NSW_NET_MODES] = {
	[NSW_NET_NONE] = "none",
	[NSW_NET_BRIDGE] = "bridge",
	[NSW_NET_HOST] = "host",
};

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

int nsw_state_set_root(const char *dir, struct nsw_error *err)
{
	if (dir[0] != '/')
		return nsw_error(err, 0, "the state root %s is not an absolute path", dir);
	if (snprintf(state_root, sizeof(state_root), "%s", dir) >= (int)sizeof(state_root))
		return nsw_error(err, ENAMETOOLONG, "the state root %s", dir);
	return 0;
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

static int open_lock(char *path, size_t len, struct nsw_error *err)
{
	int fd;

	if (ensure_root(err) < 0)
		return -1;
	snprintf(path, len, "%s/%s", nsw_state_root(), STATE_LOCK);
	/* Close-on-exec: a hook or a command must never hold it. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open the state lock %s", path);
	return fd;
}

int nsw_state_lock(struct nsw_error *err)
{
	char path[PATH_MAX];
	int fd = open_lock(path, sizeof(path), err);

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return nsw_error(err, errno, "cannot lock %s", path);
	}
	return fd;
}

/*
 * flock() cannot wait for a signal too, and a handler that interrupts it
 * races with the call: try, then wait for a stop signal for a while, again.
 */
int nsw_state_lock_or_signal(const sigset_t *stop, struct nsw_error *err)
{
	struct timespec wait = { 0, LOCK_POLL_MIN_NS };
	char path[PATH_MAX];
	int fd = open_lock(path, sizeof(path), err), sig;

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			nsw_error(err, errno, "cannot lock %s", path);
			goto fail;
		}
		sig = sigtimedwait(stop, NULL, &wait);
		if (sig > 0) {
			nsw_error(err, 0, "interrupted by SIG%s while waiting for the state lock %s (another nswatch holds it); nothing was made",
				  sigabbrev_np(sig) ?: "?", path);
			nsw_error_set_status(err, NSW_EXIT_SIGNAL_BASE + sig);
			goto fail;
		}
		if (wait.tv_nsec < LOCK_POLL_MAX_NS)
			wait.tv_nsec *= 2;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* root/name open as a directory, never through a symlink; -1 with errno. */
static int open_dir(const char *name, struct nsw_error *err)
{
	char dir[PATH_MAX];

	if (state_path(name, NULL, dir, sizeof(dir), err) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static bool has_state_file(const char *name)
{
	struct nsw_error ignored;
	cleanup_close int dfd = open_dir(name, &ignored);
	struct stat st;

	return dfd < 0 || fstatat(dfd, STATE_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	       errno != ENOENT;
}

int nsw_state_claim(const char *name, struct nsw_error *err)
{
	char dir[PATH_MAX];

	if (ensure_root(err) < 0 || state_path(name, NULL, dir, sizeof(dir), err) < 0)
		return -1;
	if (mkdir(dir, 0700) < 0) {
		/* Claimed and saved under the same lock: no state file, nobody's. */
		if (errno == EEXIST && !has_state_file(name))
			return 0;
		if (errno == EEXIST)
			return nsw_error(err, 0,
					 "the name '%s' is taken by a container, running or stopped, until it is removed (see nswatch ps -a; nswatch rm %s)",
					 name, name);
		return nsw_error(err, errno, "cannot create %s", dir);
	}
	return 0;
}

int nsw_state_mark(const char *name, struct nsw_error *err)
{
	cleanup_close int dfd = open_dir(name, err);
	int fd;

	if (dfd < 0)
		return nsw_error(err, errno, "cannot open the state of '%s'", name);
	fd = openat(dfd, STATE_MARK, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return nsw_error(err, errno, "cannot create the monitor's mark of '%s'", name);
	return fd;
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
	nsw_json_key(w, "capabilities");
	nsw_caps_json(w, c->caps);
	write_seccomp(w, &c->seccomp);
	nsw_json_kv_int(w, "memory", c->limits.memory_bytes);
	nsw_json_kv_int(w, "pids_limit", c->limits.pids_max);
	nsw_json_kv_uint(w, "cpu_quota_us", c->limits.cpu_quota_us);
	nsw_json_kv_uint(w, "cpu_period_us", c->limits.cpu_period_us);
	nsw_json_kv_string(w, "net", c->net < NSW_NET_MODES ? nsw_state_net_names[c->net] : "");
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
		if (cg->dirs[i].made)
			nsw_json_kv_int(w, "made", cg->dirs[i].made);
		nsw_json_object_end(w);
	}
	nsw_json_array_end(w);
}

/* How a kept container ended: only in its "exited" record. */
static void write_end(struct nsw_json *w, const struct nsw_instance *in)
{
	if (strcmp(in->status, NSW_STATUS_EXITED))
		return;
	nsw_json_kv_int(w, "exit_status", in->exit_status);
	nsw_json_kv_int(w, "signal", in->exit_signal);
	nsw_json_kv_string(w, "finished", in->finished);
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
	write_end(w, in);
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

/*
 * The text of root/name/state.json, read without following a symlink, a
 * regular file of bounded size; NUL-ended for json-c's error messages.
 */
static int read_text(const char *name, char **text, size_t *len, struct nsw_error *err)
{
	cleanup_close int dfd = -1, fd = -1;
	char path[PATH_MAX];

	if (!nsw_name_valid(name))
		return nsw_error(err, 0, "invalid container name '%s'", name);
	if (state_path(name, STATE_FILE, path, sizeof(path), err) < 0)
		return -1;
	dfd = open_dir(name, err);
	if (dfd < 0 && errno == ENOENT)
		return nsw_error(err, 0, "no container named '%s' (see nswatch ps -a)", name);
	if (dfd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
		nsw_error(err, 0, "%s/%s is not a directory", nsw_state_root(), name);
		return NSW_STATE_INVALID;
	}
	if (dfd < 0)
		return nsw_error(err, errno, "cannot open the state of '%s'", name);
	fd = openat(dfd, STATE_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		nsw_error(err, 0,
			  "container '%s' has no state file: it is being created, or its start was interrupted (nswatch rm %s removes it then)",
			  name, name);
		return NSW_STATE_NO_FILE;
	}
	if (fd < 0 && errno != ELOOP)
		return nsw_error(err, errno, "cannot open %s", path);
	if (fd >= 0 && nsw_read_bounded(fd, STATE_FILE_MAX, text, len) == 0)
		return 0;
	if (fd < 0 || errno == EFBIG) {
		nsw_error(err, 0, "invalid state file %s: not a regular file of at most %d bytes",
			  path, STATE_FILE_MAX);
		return NSW_STATE_INVALID;
	}
	return nsw_error(err, errno, "cannot read %s", path);
}

int nsw_state_load(const char *name, struct nsw_instance *in,
		   struct nsw_container *c, struct nsw_error *err)
{
	cleanup_free char *text = NULL;
	size_t len;
	int r = read_text(name, &text, &len, err);

	if (r < 0)
		return r;
	if (nsw_state_parse(text, len, name, in, c, err) < 0 ||
	    nsw_cgroup_check_owned(&in->cg, name, err) < 0) {
		if (c)
			nsw_container_free(c);
		nsw_error_wrap(err, "invalid state file %s/%s/%s", nsw_state_root(), name,
			       STATE_FILE);
		return NSW_STATE_INVALID;
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

/* What write_end() adds to an "exited" record. */
static const char *const end_fields[] = { "exit_status", "signal", "finished" };

char *nsw_state_json(const char *name, const char *status, struct nsw_error *err)
{
	cleanup_json struct json_object *o = NULL;
	cleanup_free char *raw = NULL;
	struct nsw_instance in;
	struct nsw_json w;
	size_t len;
	char *text;

	/* Checked as a load checks it: ps --json shows only what nswatch wrote. */
	if (read_text(name, &raw, &len, err) < 0 ||
	    nsw_state_parse(raw, len, name, &in, NULL, err) < 0)
		return NULL;
	o = json_tokener_parse(raw);
	if (!o || !json_object_is_type(o, json_type_object)) {
		nsw_error(err, 0, "cannot parse the state of '%s'", name);
		return NULL;
	}
	/* The status the caller sees now, in the place of the one written. */
	json_object_object_add(o, "status", json_object_new_string(status));
	/* Every line has the end's fields: null until the command ended. */
	for (size_t i = 0; i < ARRAY_SIZE(end_fields); i++)
		if (!json_object_object_get_ex(o, end_fields[i], NULL))
			json_object_object_add(o, end_fields[i], NULL);
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
	cleanup_close int dfd = -1;
	char dir[PATH_MAX];

	if (state_path(name, NULL, dir, sizeof(dir), err) < 0)
		return -1;
	dfd = open_dir(name, err);
	/* Not a directory (a symlink put there by hand): the entry itself goes. */
	if (dfd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
		if (unlink(dir) < 0 && errno != ENOENT)
			return nsw_error(err, errno, "cannot remove %s", dir);
		return 0;
	}
	if (dfd < 0)
		return errno == ENOENT ? 0 : nsw_error(err, errno, "cannot open %s", dir);
	for (size_t i = 0; i < ARRAY_SIZE(state_files); i++)
		if (unlinkat(dfd, state_files[i], 0) < 0 && errno != ENOENT)
			return nsw_error(err, errno, "cannot remove %s/%s", dir, state_files[i]);
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

/* Field 4 of /proc/PID/stat. */
static pid_t proc_ppid(pid_t pid)
{
	char path[64], buf[1024], *p;
	cleanup_close int fd = -1;
	ssize_t len;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (len = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[len] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* Does pid hold the mark of container name open? */
static bool holds_mark(pid_t pid, const char *name)
{
	struct nsw_error ignored;
	cleanup_close int dfd = open_dir(name, &ignored);
	struct stat mark, st;
	struct dirent *e;
	char path[64];
	DIR *d;
	bool found = false;

	if (dfd < 0 || fstatat(dfd, STATE_MARK, &mark, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		found = fstatat(dirfd(d), e->d_name, &st, 0) == 0 && st.st_dev == mark.st_dev &&
			st.st_ino == mark.st_ino;
	}
	closedir(d);
	return found;
}

bool nsw_monitor_alive(const struct nsw_instance *in)
{
	return nsw_proc_same(in->monitor_pid, in->monitor_starttime) &&
	       holds_mark(in->monitor_pid, in->name);
}

bool nsw_init_alive(const struct nsw_instance *in)
{
	return nsw_proc_same(in->pid, in->starttime) && proc_ppid(in->pid) == in->monitor_pid &&
	       nsw_monitor_alive(in);
}

const char *nsw_instance_status(const struct nsw_instance *in)
{
	/* Written by the monitor as its last act: nothing of it runs. */
	if (!strcmp(in->status, NSW_STATUS_EXITED))
		return NSW_STATUS_EXITED;
	if (nsw_init_alive(in))
		return strcmp(in->status, "created") ? "running" : "created";
	if (nsw_monitor_alive(in))
		return in->pid ? "stopping" : "creating";
	return NSW_STATUS_DEAD;
}

bool nsw_status_ended(const char *status)
{
	return !strcmp(status, NSW_STATUS_EXITED) || !strcmp(status, NSW_STATUS_DEAD);
}

int nsw_state_log_path(const char *name, char *buf, size_t len, struct nsw_error *err)
{
	return state_path(name, OUTPUT_LOG, buf, len, err);
}

int nsw_state_open_log(const char *name, struct nsw_error *err)
{
	cleanup_close int dfd = -1, fd = -1;
	struct stat st;

	if (!nsw_name_valid(name))
		return nsw_error(err, 0, "invalid container name '%s'", name);
	dfd = open_dir(name, err);
	if (dfd < 0 && errno == ENOENT)
		return nsw_error(err, 0, "no container named '%s' (see nswatch ps -a)", name);
	if (dfd < 0)
		return nsw_error(err, errno, "cannot open the state of '%s'", name);
	/* Non-blocking: a fifo put there by hand must not hang the reader. */
	fd = openat(dfd, OUTPUT_LOG, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return nsw_error(err, 0, "container '%s' has no log", name);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open the log of '%s'", name);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return nsw_error(err, 0, "the log of '%s' is not a regular file", name);
	return steal_fd(&fd);
}
