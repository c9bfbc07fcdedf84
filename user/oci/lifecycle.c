// SPDX-License-Identifier: GPL-2.0
/*
 * The OCI lifecycle over the runtime's containers: create (the runtime's
 * monitor phases, stopped at the start fifo), start, state, kill, delete.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "oci/oci.h"
#include "runtime/cgroup.h"
#include "runtime/monitor.h"
#include "runtime/runtime.h"
#include "runtime/state.h"
#include "lib/clock.h"
#include "lib/readfile.h"
#include "lib/util.h"

/* oci.json is ours: far below this. */
#define OCI_STATE_MAX (1 << 20)
/* delete --force: how long the killed init may take to go. */
#define KILL_WAIT_MS 10000
#define PROCS_LINE   32
/* start: how long to wait for the init to exec the command (it may be stopped). */
#define START_WAIT_MS 10000

static const char *const status_names[] = {
    [NSW_OCI_CREATING] = "creating",
    [NSW_OCI_CREATED] = "created",
    [NSW_OCI_RUNNING] = "running",
    [NSW_OCI_STOPPED] = "stopped",
    [NSW_OCI_PAUSED] = "paused",
};

const char *nsw_oci_status_name(enum nsw_oci_status s)
{
	return status_names[s];
}

int nsw_oci_set_root(const char *dir, struct nsw_error *err)
{
	char real[PATH_MAX];

	/* The root may not exist yet; a relative one is made absolute. */
	if (dir[0] != '/') {
		if (!getcwd(real, sizeof(real)) || strlen(real) + strlen(dir) + 2 > sizeof(real))
			return nsw_error(err, errno, "--root %s", dir);
		strcat(real, "/");
		strcat(real, dir);
		dir = real;
	}
	return nsw_state_set_root(dir, err);
}

static int dir_path(const char *id, const char *file, char *buf, size_t len, struct nsw_error *err)
{
	int n = file ? snprintf(buf, len, "%s/%s/%s", nsw_state_root(), id, file)
		     : snprintf(buf, len, "%s/%s", nsw_state_root(), id);

	if (n < 0 || (size_t)n >= len)
		return nsw_error(err, ENAMETOOLONG, "the state path of '%s'", id);
	return 0;
}

static int not_exist(const char *id, struct nsw_error *err)
{
	return nsw_error(err, 0, "container %s does not exist", id);
}

/* ---- oci.json ---- */

static void write_state_body(struct nsw_json *w, const struct nsw_oci_state *st, const char *status,
			     pid_t pid)
{
	nsw_json_kv_string(w, "ociVersion", NSW_OCI_VERSION);
	nsw_json_kv_string(w, "id", st->id);
	nsw_json_kv_int(w, "pid", pid);
	nsw_json_kv_string(w, "status", status);
	nsw_json_kv_string(w, "bundle", st->bundle);
	nsw_json_kv_string(w, "rootfs", st->rootfs);
	nsw_json_kv_string(w, "created", st->created);
	nsw_json_kv_string(w, "owner", st->owner);
}

static int save(const struct nsw_oci_state *st, struct nsw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	cleanup_fclose FILE *f = NULL;
	struct nsw_json w;
	int fd;

	if (dir_path(st->id, NSW_STATE_OCI_FILE, path, sizeof(path), err) < 0 ||
	    dir_path(st->id, NSW_STATE_OCI_TMP, tmp, sizeof(tmp), err) < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return nsw_error(err, errno, "cannot write %s", tmp);
	}
	nsw_json_init(&w, f);
	nsw_json_object_begin(&w);
	write_state_body(&w, st, "created", st->pid);
	nsw_json_kv_uint(&w, "pid_starttime", st->starttime);
	nsw_oci_config_write_saved(&w, &st->saved);
	nsw_json_object_end(&w);
	nsw_json_newline(&w);
	if (fflush(f) != 0 || ferror(f) || fclose(take_ptr(&f)) != 0) {
		unlink(tmp);
		return nsw_error(err, errno ? errno : EIO, "cannot write %s", tmp);
	}
	if (rename(tmp, path) < 0)
		return nsw_error(err, errno, "cannot rename %s", tmp);
	return 0;
}

static int copy_string(struct json_object *top, const char *key, char *buf, size_t len,
		       const char *path, struct nsw_error *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(top, key, &v) || !json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) >= len)
		return nsw_error(err, 0, "invalid %s: field \"%s\"", path, key);
	snprintf(buf, len, "%s", json_object_get_string(v));
	return 0;
}

static int read_file(const char *path, char **text, struct nsw_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len;

	if (fd < 0)
		return -1;
	if (nsw_read_bounded(fd, OCI_STATE_MAX, text, &len) == 0)
		return 0;
	if (errno == EFBIG)
		return nsw_error(err, 0, "invalid %s: not a regular file of at most %d bytes", path,
				 OCI_STATE_MAX);
	return nsw_error(err, errno, "%s", path);
}

static enum nsw_oci_status kernel_status(const struct nsw_oci_state *st)
{
	char fifo[PATH_MAX];
	struct nsw_error ignored;
	struct stat sb;

	if (!nsw_proc_same(st->pid, st->starttime))
		return NSW_OCI_STOPPED;
	/* Frozen (pause): paused, whether started or not, as runc has it. */
	if (nsw_oci_paused(st->id))
		return NSW_OCI_PAUSED;
	if (dir_path(st->id, NSW_STATE_START_FIFO, fifo, sizeof(fifo), &ignored) == 0 &&
	    lstat(fifo, &sb) == 0)
		return NSW_OCI_CREATED;
	return NSW_OCI_RUNNING;
}

int nsw_oci_state_load(const char *id, struct nsw_oci_state *st, struct nsw_error *err)
{
	cleanup_free char *text = NULL;
	struct json_object *top = NULL, *v;
	char path[PATH_MAX];
	int r = -1;

	memset(st, 0, sizeof(*st));
	if (!nsw_name_valid(id))
		return not_exist(id, err);
	if (dir_path(id, NSW_STATE_OCI_FILE, path, sizeof(path), err) < 0)
		return -1;
	if (read_file(path, &text, err) < 0) {
		struct stat sb;
		char dir[PATH_MAX];

		if (err->msg[0])
			return -1;
		/* A directory without oci.json: a create still under way, or killed. */
		if (dir_path(id, NULL, dir, sizeof(dir), err) == 0 && stat(dir, &sb) == 0) {
			snprintf(st->id, sizeof(st->id), "%s", id);
			st->status = NSW_OCI_CREATING;
			return 0;
		}
		return not_exist(id, err);
	}
	top = json_tokener_parse(text);
	if (!top || !json_object_is_type(top, json_type_object)) {
		nsw_error(err, 0, "invalid %s: not a JSON object", path);
		goto out;
	}
	if (copy_string(top, "id", st->id, sizeof(st->id), path, err) < 0 ||
	    copy_string(top, "bundle", st->bundle, sizeof(st->bundle), path, err) < 0 ||
	    copy_string(top, "rootfs", st->rootfs, sizeof(st->rootfs), path, err) < 0 ||
	    copy_string(top, "created", st->created, sizeof(st->created), path, err) < 0 ||
	    copy_string(top, "owner", st->owner, sizeof(st->owner), path, err) < 0)
		goto out;
	if (strcmp(st->id, id)) {
		nsw_error(err, 0, "invalid %s: field \"id\" names another container", path);
		goto out;
	}
	if (!json_object_object_get_ex(top, "pid", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1 || json_object_get_int64(v) > 4194304) {
		nsw_error(err, 0, "invalid %s: field \"pid\"", path);
		goto out;
	}
	st->pid = json_object_get_int64(v);
	if (!json_object_object_get_ex(top, "pid_starttime", &v) ||
	    !json_object_is_type(v, json_type_int)) {
		nsw_error(err, 0, "invalid %s: field \"pid_starttime\"", path);
		goto out;
	}
	st->starttime = json_object_get_uint64(v);
	if (nsw_oci_config_parse_saved(top, &st->saved, err) < 0) {
		nsw_error_wrap(err, "invalid %s", path);
		goto out;
	}
	st->status = kernel_status(st);
	r = 0;
out:
	json_object_put(top);
	return r;
}

void nsw_oci_state_free(struct nsw_oci_state *st)
{
	nsw_oci_config_free(&st->saved);
}

void nsw_oci_state_write(struct nsw_json *w, const struct nsw_oci_state *st)
{
	nsw_json_object_begin(w);
	write_state_body(w, st, nsw_oci_status_name(st->status),
			 st->status == NSW_OCI_STOPPED ? 0 : st->pid);
	nsw_json_key(w, "annotations");
	nsw_json_object_begin(w);
	for (int i = 0; i < st->saved.n_annotations; i++)
		nsw_json_kv_string(w, st->saved.annotation_keys[i], st->saved.annotation_values[i]);
	nsw_json_object_end(w);
	nsw_json_object_end(w);
}

/* ---- create ---- */

/* Join the namespaces the config names by path, in this process: the init inherits them. */
static int join_namespaces(const struct nsw_oci_config *cfg, struct nsw_error *err)
{
	for (int i = 0; i < NSW_TYPE_COUNT; i++) {
		cleanup_close int fd = -1;

		/* A mount namespace is the init's to join (init.c): this process keeps the host's paths. */
		if (!cfg->ns_paths[i] || nsw_types[i].flag == CLONE_NEWNS)
			continue;
		fd = open(cfg->ns_paths[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return nsw_error(err, errno, "linux.namespaces: cannot open %s",
					 cfg->ns_paths[i]);
		if (setns(fd, nsw_types[i].flag) < 0)
			return nsw_error(err, errno, "linux.namespaces: cannot join %s (%s)",
					 cfg->ns_paths[i], nsw_types[i].name);
	}
	return 0;
}

/* The terminal's master to the engine's console socket (runc's protocol: SCM_RIGHTS). */
static int send_console(const char *path, int master, struct nsw_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	char name[] = "/dev/ptmx";
	struct iovec iov = {name, sizeof(name) - 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct cmsghdr *cm;

	if (strlen(path) >= sizeof(sa.sun_path))
		return nsw_error(err, ENAMETOOLONG, "--console-socket %s", path);
	strcpy(sa.sun_path, path);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return nsw_error(err, errno, "cannot connect to the console socket %s", path);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(s, &mh, MSG_NOSIGNAL) < 0)
		return nsw_error(err, errno, "cannot send the terminal to %s", path);
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct nsw_error *err)
{
	char tmp[PATH_MAX], text[16];
	int n = snprintf(text, sizeof(text), "%d", pid), fd;

	if (snprintf(tmp, sizeof(tmp), "%s.nswatch-tmp", path) >= (int)sizeof(tmp))
		return nsw_error(err, ENAMETOOLONG, "--pid-file %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nsw_error(err, errno, "cannot write the pid file %s", tmp);
	if (write(fd, text, n) != n || close(fd) < 0) {
		unlink(tmp);
		return nsw_error(err, errno, "cannot write the pid file %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return nsw_error(err, errno, "cannot write the pid file %s", path);
	}
	return 0;
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	nsw_format_rfc3339(nsw_timespec_ns(&ts), buf, len);
}

/* Undo a create that failed after the runtime made the container. */
static void undo_create(struct nsw_instance *in)
{
	struct nsw_error e = {0};
	int status;

	kill(in->pid, SIGKILL);
	waitpid(in->pid, &status, 0);
	if (nsw_release(in, &e) < 0)
		nsw_error_warn(&e);
}

/*
 * mkdir -p: runc makes its --root with its parents, and containerd's shim
 * names one (/run/containerd/runc/NAMESPACE) whose parent may not exist yet.
 */
static int mkdir_all(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/* What create does once the config is read and checked. */
static int create_from(const char *id, struct nsw_oci_config *cfg,
		       const struct nsw_oci_create_opts *o, struct nsw_oci_trace *trace,
		       struct nsw_error *err)
{
	struct nsw_oci_state st = {0};
	struct nsw_instance in;
	char tmp_fifo[PATH_MAX], fifo_path[PATH_MAX];
	cleanup_close int fifo = -1, tty = -1;
	int r;

	if (cfg->c.tty && !o->console_socket)
		return nsw_error(err, 0,
				 "process.terminal is true: --console-socket is needed to hand "
				 "over the terminal");
	if (!cfg->c.tty && o->console_socket)
		return nsw_error(err, 0, "--console-socket given, but process.terminal is false");
	if (mkdir_all(nsw_state_root(), 0700) < 0)
		return nsw_error(err, errno, "cannot create the state root %s", nsw_state_root());
	/* Dot-named: no listing takes it for a container while it waits here. */
	if (snprintf(tmp_fifo, sizeof(tmp_fifo), "%s/.%s.fifo", nsw_state_root(), id) >=
		(int)sizeof(tmp_fifo) ||
	    dir_path(id, NSW_STATE_START_FIFO, fifo_path, sizeof(fifo_path), err) < 0)
		return nsw_error(err, ENAMETOOLONG, "the state path of '%s'", id);
	unlink(tmp_fifo);
	if (mkfifo(tmp_fifo, 0600) < 0)
		return nsw_error(err, errno, "cannot make the start fifo %s", tmp_fifo);
	/* O_RDWR never blocks; the init reads from it, start writes a byte. */
	fifo = open(tmp_fifo, O_RDWR | O_CLOEXEC);
	if (fifo < 0) {
		unlink(tmp_fifo);
		return nsw_error(err, errno, "cannot open %s", tmp_fifo);
	}
	if (join_namespaces(cfg, err) < 0 ||
	    nsw_monitor_create(&cfg->c, fifo, nsw_oci_trace_observer(trace), &in, &tty, err) < 0) {
		unlink(tmp_fifo);
		return -1;
	}
	if (rename(tmp_fifo, fifo_path) < 0) {
		nsw_error(err, errno, "cannot move the start fifo to %s", fifo_path);
		unlink(tmp_fifo);
		goto undo;
	}
	snprintf(st.id, sizeof(st.id), "%s", id);
	snprintf(st.bundle, sizeof(st.bundle), "%s", cfg->bundle);
	snprintf(st.rootfs, sizeof(st.rootfs), "%s", cfg->c.rootfs);
	now_rfc3339(st.created, sizeof(st.created));
	snprintf(st.owner, sizeof(st.owner), "%s", "");
	st.pid = in.pid;
	st.starttime = in.starttime;
	st.status = NSW_OCI_CREATED;
	/* Only what the later verbs need; the config itself stays the caller's. */
	st.saved.no_process = cfg->no_process;
	st.saved.n_annotations = cfg->n_annotations;
	st.saved.annotation_keys = cfg->annotation_keys;
	st.saved.annotation_values = cfg->annotation_values;
	st.saved.n_hooks[NSW_OCI_HOOK_POSTSTART] = cfg->n_hooks[NSW_OCI_HOOK_POSTSTART];
	st.saved.hooks[NSW_OCI_HOOK_POSTSTART] = cfg->hooks[NSW_OCI_HOOK_POSTSTART];
	st.saved.n_hooks[NSW_OCI_HOOK_POSTSTOP] = cfg->n_hooks[NSW_OCI_HOOK_POSTSTOP];
	st.saved.hooks[NSW_OCI_HOOK_POSTSTOP] = cfg->hooks[NSW_OCI_HOOK_POSTSTOP];
	st.saved.n_hooks[NSW_OCI_HOOK_START_CONTAINER] = cfg->n_hooks[NSW_OCI_HOOK_START_CONTAINER];
	st.saved.hooks[NSW_OCI_HOOK_START_CONTAINER] = cfg->hooks[NSW_OCI_HOOK_START_CONTAINER];
	if (save(&st, err) < 0)
		goto undo;
	if (tty >= 0 && send_console(o->console_socket, tty, err) < 0)
		goto undo;
	/* The hooks see the state of a container that exists: created, with its pid. */
	if (nsw_oci_run_hooks(cfg, NSW_OCI_HOOK_PRESTART, &st, err) < 0 ||
	    nsw_oci_run_hooks(cfg, NSW_OCI_HOOK_CREATE_RUNTIME, &st, err) < 0 ||
	    nsw_oci_run_hooks(cfg, NSW_OCI_HOOK_CREATE_CONTAINER, &st, err) < 0)
		goto undo;
	if (o->pid_file && write_pid_file(o->pid_file, in.pid, err) < 0)
		goto undo;
	/* io.nswatch.trace: the recorder goes on until the command has run. */
	if (nsw_oci_trace_detach(trace, id, in.pid, err) < 0)
		goto undo;
	return 0;
undo:
	r = -1;
	undo_create(&in);
	return r;
}

/*
 * The cgroups are <hierarchy>/nswatch/ID whatever the state root (or the
 * config's cgroupsPath): a container of that name under another root
 * (nswatch run's, another --root) holds them, and a failed create would
 * remove what it records.
 */
static int check_cgroups_free(const char *id, const struct nsw_limits *lim,
			      struct nsw_cgroup *cg, struct nsw_error *err)
{
	struct stat sb;

	if (nsw_cgroup_plan(cg, id, lim, err) < 0)
		return -1;
	for (int i = 0; i < cg->n; i++) {
		if (lstat(cg->dirs[i].path, &sb) < 0)
			continue;
		if (lim->path)
			return nsw_error(err, EEXIST,
					 "linux.cgroupsPath: cgroup %s exists (another container's?)",
					 cg->dirs[i].path);
		return nsw_error(err, EEXIST,
				 "container with id exists: %s (cgroup %s, of another state root?)",
				 id, cg->dirs[i].path);
	}
	return 0;
}

/*
 * With the devices cgroup denying every device but the allowed ones, the
 * container's /dev tmpfs may hold device nodes (linux.devices): it is the
 * one mount not made nodev. Without that cgroup (cgroup v2 alone), /dev
 * stays nodev, and configs that need more (linux.devices, allow rules)
 * were refused by the plan.
 */
static void allow_dev_nodes(struct nsw_container *c, const struct nsw_cgroup *cg)
{
	if (!cg->devices)
		return;
	for (int i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].fstype && !strcmp(c->mounts[i].fstype, "tmpfs") &&
		    !strcmp(c->mounts[i].target, "/dev"))
			c->mounts[i].attr &= ~MOUNT_ATTR_NODEV;
}

static bool is_cgroup_mount(const struct nsw_mount *m)
{
	return m->fstype && (!strcmp(m->fstype, "cgroup") || !strcmp(m->fstype, "cgroup2"));
}

/*
 * The first of the binds of a cgroup mount m (index i): each of the
 * container's cgroups, read-only if m is, at m's target/HIERARCHY ("cpu",
 * "memory", "unified": the names the host mounts them at).
 */
static int cgroup_binds(struct nsw_container *c, int i, const struct nsw_cgroup *cg,
			unsigned int attr, struct nsw_error *err)
{
	const struct nsw_mount *m = &c->mounts[i];

	for (int k = 0; k < cg->n; k++) {
		struct nsw_mount *b = &c->mounts[i + 1 + k];
		char mnt[PATH_MAX];
		const char *name;

		memset(b, 0, sizeof(*b));
		if (nsw_cgroup_mountpoint(cg->dirs[k].path, mnt, err) < 0)
			return -1;
		name = strrchr(mnt, '/') + 1;
		b->source = strdup(cg->dirs[k].path);
		if (asprintf(&b->target, "%s/%s", m->target, name) < 0)
			b->target = NULL;
		b->attr = attr;
		if (!b->source || !b->target)
			return nsw_error(err, ENOMEM, "a cgroup mount");
	}
	return 0;
}

/* A mask of bits by mount index, once n mounts are inserted after mount i. */
static uint64_t shift_mounts(uint64_t mask, int i, int n)
{
	uint64_t low = mask & ((2ULL << i) - 1);

	return low | ((mask >> (i + 1)) << (i + 1 + n));
}

/*
 * A config's cgroup mounts (podman gives /sys/fs/cgroup one): what runc
 * mounts on cgroup v1, a tmpfs holding a bind of each of the container's
 * cgroups (read-only with the mount, the tmpfs too once they are in); on
 * a host with cgroup v2 alone, the one cgroup bound there.
 */
static int expand_cgroup_mounts(struct nsw_oci_config *cfg, const struct nsw_cgroup *cg,
				struct nsw_error *err)
{
	struct nsw_container *c = &cfg->c;

	for (int i = 0; i < c->n_mounts; i++) {
		struct nsw_mount *m = &c->mounts[i];
		unsigned int ro;

		if (!is_cgroup_mount(m))
			continue;
		if (!cg->n)
			return nsw_error(err, 0, "mounts[%d]: a cgroup mount, and no cgroup of its own",
					 i);
		free(m->fstype);
		m->fstype = NULL;
		if (cg->n == 1 && cg->dirs[0].version == 2) {
			free(m->source);
			m->source = strdup(cg->dirs[0].path);
			if (!m->source)
				return nsw_error(err, ENOMEM, "mounts[%d]", i);
			continue;
		}
		if (c->n_mounts + cg->n > NSW_MAX_MOUNTS)
			return nsw_error(err, 0, "mounts: too many with the cgroup mount's %d binds",
					 cg->n);
		memmove(&c->mounts[i + 1 + cg->n], &c->mounts[i + 1],
			(c->n_mounts - i - 1) * sizeof(*m));
		c->n_mounts += cg->n;
		c->shared_mounts = shift_mounts(c->shared_mounts, i, cg->n);
		c->rshared_mounts = shift_mounts(c->rshared_mounts, i, cg->n);
		ro = m->attr & MOUNT_ATTR_RDONLY;
		m->attr &= ~MOUNT_ATTR_RDONLY;
		if (ro)
			c->sealed_mounts |= 1ULL << i;
		free(m->source);
		m->fstype = strdup("tmpfs");
		m->source = strdup("tmpfs");
		m->data = strdup("mode=755");
		/* Counted mounts first: a failure below leaves them to be freed. */
		memset(&c->mounts[i + 1], 0, cg->n * sizeof(*m));
		if (!m->fstype || !m->source || !m->data)
			return nsw_error(err, ENOMEM, "mounts[%d]", i);
		if (cgroup_binds(c, i, cg, m->attr | ro, err) < 0)
			return nsw_error_wrap(err, "mounts[%d]", i);
		i += cg->n;
	}
	return 0;
}

int nsw_oci_create(const char *id, const struct nsw_oci_create_opts *o, struct nsw_error *err)
{
	struct nsw_oci_config cfg;
	struct nsw_cgroup cg = {0};
	char bundle[PATH_MAX], dir[PATH_MAX];
	struct nsw_oci_trace *trace = NULL;
	struct stat sb;
	int r;

	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return nsw_error(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	if (nsw_oci_config_load(bundle, id, &cfg, err) < 0)
		return -1;
	if (dir_path(id, NULL, dir, sizeof(dir), err) < 0) {
		nsw_oci_config_free(&cfg);
		return -1;
	}
	if (lstat(dir, &sb) == 0) {
		nsw_oci_config_free(&cfg);
		return nsw_error(err, EEXIST, "container with id exists: %s", id);
	}
	r = nsw_container_validate(&cfg.c, err);
	if (r == 0)
		r = check_cgroups_free(id, &cfg.c.limits, &cg, err);
	/* After validate: the cgroups bound are not there yet, their binds are not checked. */
	if (r == 0)
		r = expand_cgroup_mounts(&cfg, &cg, err);
	if (r == 0)
		allow_dev_nodes(&cfg.c, &cg);
	/* io.nswatch.trace: checked, and the tracer on, before anything is made. */
	if (r == 0)
		r = nsw_oci_trace_begin(&cfg, o->trace, &trace, err);
	if (r == 0)
		r = create_from(id, &cfg, o, trace, err);
	if (r < 0)
		nsw_oci_trace_fail(trace, err);
	nsw_oci_config_free(&cfg);
	return r;
}

/* ---- start, kill, delete ---- */

static int signal_pid(pid_t pid, unsigned long long starttime, int sig);

int nsw_oci_start(const char *id, struct nsw_error *err)
{
	struct nsw_oci_state st;
	char fifo[PATH_MAX], byte = 0;
	int fd, r = 0;

	if (nsw_oci_state_load(id, &st, err) < 0)
		return -1;
	if (st.status != NSW_OCI_CREATED) {
		nsw_error(err, 0,
			  st.status == NSW_OCI_STOPPED
			      ? "cannot start a container that has stopped"
			      : "cannot start a container that is %s (not created)",
			  nsw_oci_status_name(st.status));
		nsw_oci_state_free(&st);
		return -1;
	}
	if (st.saved.no_process) {
		/* It can never run: ended, so that it is stopped and can be deleted. */
		signal_pid(st.pid, st.starttime, SIGKILL);
		nsw_oci_state_free(&st);
		return nsw_error(err, 0,
				 "cannot start container %s: its config.json has no process to run "
				 "(the container is killed; delete it)",
				 id);
	}
	if (dir_path(id, NSW_STATE_START_FIFO, fifo, sizeof(fifo), err) < 0) {
		nsw_oci_state_free(&st);
		return -1;
	}
	/* In the container, before the command; a failure stops it (the spec). */
	if (nsw_oci_run_hooks(&st.saved, NSW_OCI_HOOK_START_CONTAINER, &st, err) < 0) {
		nsw_oci_kill(id, SIGKILL, false, &(struct nsw_error){0});
		nsw_oci_state_free(&st);
		return -1;
	}
	/* The init holds the fifo open for reading: this neither blocks nor fails. */
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, &byte, 1) != 1)
		r = nsw_error(err, errno, "cannot start container %s: container not running", id);
	if (r == 0)
		unlink(fifo);
	if (fd >= 0) {
		/*
		 * Return once the command runs: the init's end of the fifo is
		 * close-on-exec, and a fifo without readers is POLLERR to us.
		 */
		struct pollfd p = {fd, 0, 0};

		while (r == 0 && poll(&p, 1, START_WAIT_MS) < 0 && errno == EINTR)
			;
		close(fd);
	}
	/* io.nswatch.trace: the file is written once the command has run. */
	if (r == 0)
		nsw_oci_trace_wait(id);
	st.status = NSW_OCI_RUNNING;
	/* A poststart hook that fails is a warning: the container runs (the spec). */
	if (r == 0 && nsw_oci_run_hooks(&st.saved, NSW_OCI_HOOK_POSTSTART, &st, err) < 0) {
		nsw_error_warn(err);
		memset(err, 0, sizeof(*err));
	}
	nsw_oci_state_free(&st);
	return r;
}

static int signal_pid(pid_t pid, unsigned long long starttime, int sig)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0), r = -1;

	if (pidfd < 0)
		return -1;
	/* Pinned first, then checked to still be the process recorded. */
	if (nsw_proc_same(pid, starttime))
		r = syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
	close(pidfd);
	return r;
}

/* kill --all: every process in the container's cgroups. */
static void signal_cgroup(const struct nsw_cgroup *cg, int sig)
{
	for (int i = 0; i < cg->n; i++) {
		char path[PATH_MAX + 16], line[PROCS_LINE];
		FILE *f;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dirs[i].path);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			pid_t pid = atoi(line);

			if (pid > 0)
				kill(pid, sig);
		}
		fclose(f);
	}
}

int nsw_oci_kill(const char *id, int sig, bool all, struct nsw_error *err)
{
	struct nsw_oci_state st;
	struct nsw_instance in;
	int r = 0;

	if (nsw_oci_state_load(id, &st, err) < 0)
		return -1;
	if (st.status != NSW_OCI_CREATED && st.status != NSW_OCI_RUNNING &&
	    st.status != NSW_OCI_PAUSED) {
		nsw_oci_state_free(&st);
		return nsw_error(err, 0, "cannot kill container %s: container not running", id);
	}
	if (signal_pid(st.pid, st.starttime, sig) < 0)
		r = nsw_error(err, errno, "cannot kill container %s: container not running", id);
	if (r == 0 && all && nsw_state_load(id, &in, NULL, err) == 0)
		signal_cgroup(&in.cg, sig);
	/* A frozen task takes SIGKILL only once thawed (v1): thaw, as runc does. */
	if (r == 0 && sig == SIGKILL && st.status == NSW_OCI_PAUSED)
		nsw_oci_thaw(id);
	nsw_oci_state_free(&st);
	return r;
}

/* Until the init is gone (it is not ours to reap: its exit is what counts). */
static int wait_gone(pid_t pid, unsigned long long starttime)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = {pidfd, POLLIN, 0};
	int r;

	if (pidfd < 0)
		return 0;
	if (!nsw_proc_same(pid, starttime)) {
		close(pidfd);
		return 0;
	}
	while ((r = poll(&p, 1, KILL_WAIT_MS)) < 0 && errno == EINTR)
		;
	close(pidfd);
	return r > 0 ? 0 : -1;
}

/*
 * delete --force of a container that is not there: done, as runc has it
 * (podman and containerd's shim call it after a failed create, and after
 * a delete).
 */
static bool gone_for_force(const char *id)
{
	struct nsw_error ignored;
	char path[PATH_MAX];

	return nsw_name_valid(id) && dir_path(id, NULL, path, sizeof(path), &ignored) == 0 &&
	       access(path, F_OK) < 0 && errno == ENOENT;
}

int nsw_oci_delete(const char *id, bool force, struct nsw_error *err)
{
	struct nsw_oci_state st;
	struct nsw_instance in;
	int r;

	if (nsw_oci_state_load(id, &st, err) < 0) {
		if (!force || !gone_for_force(id))
			return -1;
		memset(err, 0, sizeof(*err));
		return 0;
	}
	/* The spec: deleting a container that is not stopped is an error. */
	if (st.status != NSW_OCI_STOPPED && !force) {
		nsw_error(err, 0, "cannot delete container %s that is not stopped: %s", id,
			  nsw_oci_status_name(st.status));
		nsw_oci_state_free(&st);
		return -1;
	}
	if (st.status == NSW_OCI_CREATED || st.status == NSW_OCI_RUNNING ||
	    st.status == NSW_OCI_PAUSED) {
		signal_pid(st.pid, st.starttime, SIGKILL);
		/* Killed, then thawed, so that the kill is taken (runc's order). */
		if (st.status == NSW_OCI_PAUSED)
			nsw_oci_thaw(id);
		if (wait_gone(st.pid, st.starttime) < 0) {
			nsw_oci_state_free(&st);
			return nsw_error(err, 0, "container %s: its init did not end after SIGKILL",
					 id);
		}
	}
	/* io.nswatch.trace: a recorder still waiting writes what it has and ends. */
	nsw_oci_trace_end(id);
	r = nsw_state_load(id, &in, NULL, err);
	/* A create still under way (or killed): its process, then its init. */
	if (r == 0 && st.status == NSW_OCI_CREATING) {
		r = nsw_kill_monitor(&in, err);
		if (r == 0 && in.pid > 0 && signal_pid(in.pid, in.starttime, SIGKILL) == 0)
			wait_gone(in.pid, in.starttime);
	}
	if (r == NSW_STATE_NO_FILE || (r == NSW_STATE_INVALID && force)) {
		memset(err, 0, sizeof(*err));
		r = nsw_remove_unrecorded(id, force, err) < 0 ? -1 : 0;
	} else if (r == 0) {
		r = nsw_release(&in, err);
	}
	if (r == 0 && st.status != NSW_OCI_CREATING &&
	    nsw_oci_run_hooks(&st.saved, NSW_OCI_HOOK_POSTSTOP, &st, err) < 0) {
		/* The spec: a poststop hook's failure is logged, the delete stands. */
		nsw_error_warn(err);
		memset(err, 0, sizeof(*err));
	}
	nsw_oci_state_free(&st);
	return r;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int add_pid(pid_t **v, int *n, int *cap, pid_t pid)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : PROCS_LINE;
		pid_t *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = pid;
	return 0;
}

int nsw_oci_pids(const char *id, pid_t **pids, int *n, struct nsw_error *err)
{
	struct nsw_oci_state st;
	struct nsw_instance in;
	int cap = 0, out = 0;

	*pids = NULL;
	*n = 0;
	if (nsw_oci_state_load(id, &st, err) < 0)
		return -1;
	nsw_oci_state_free(&st);
	if (st.status == NSW_OCI_STOPPED || st.status == NSW_OCI_CREATING)
		return 0;
	if (nsw_state_load(id, &in, NULL, err) < 0)
		return -1;
	for (int i = 0; i < in.cg.n; i++) {
		char path[PATH_MAX + 16], line[PROCS_LINE];
		FILE *f;

		snprintf(path, sizeof(path), "%s/cgroup.procs", in.cg.dirs[i].path);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (atoi(line) > 0 && add_pid(pids, n, &cap, atoi(line)) < 0) {
				fclose(f);
				free(*pids);
				*pids = NULL;
				return nsw_error(err, ENOMEM, "the processes of %s", id);
			}
		fclose(f);
	}
	if (!*n && add_pid(pids, n, &cap, st.pid) < 0)
		return nsw_error(err, ENOMEM, "the processes of %s", id);
	qsort(*pids, *n, sizeof(**pids), cmp_pid);
	for (int i = 0; i < *n; i++)
		if (!out || (*pids)[out - 1] != (*pids)[i])
			(*pids)[out++] = (*pids)[i];
	*n = out;
	return 0;
}

int nsw_oci_list(char ***ids, int *n, struct nsw_error *err)
{
	return nsw_state_list(ids, n, err);
}

/* ---- signals ---- */

int nsw_oci_parse_signal(const char *s, int *sig, struct nsw_error *err)
{
	const char *name = s;
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] && !*end && !errno) {
		if (v < 1 || v > SIGRTMAX)
			return nsw_error(err, 0, "invalid signal '%s'", s);
		*sig = v;
		return 0;
	}
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && !strcasecmp(name, abbrev)) {
			*sig = i;
			return 0;
		}
	}
	return nsw_error(err, 0, "invalid signal '%s'", s);
}

/* ---- for exec (exec.c): create's console and pid file ---- */

int nsw_oci_send_console(const char *path, int master, struct nsw_error *err)
{
	return send_console(path, master, err);
}

int nsw_oci_write_pid_file(const char *path, pid_t pid, struct nsw_error *err)
{
	return write_pid_file(path, pid, err);
}
