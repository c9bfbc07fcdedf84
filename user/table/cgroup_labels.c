// SPDX-License-Identifier: GPL-2.0
/*
 * Cgroup ids -> paths -> containers. A kernfs node id is what the kernel
 * takes as a file handle on a cgroup mount (FILEID_KERNFS), so
 * open_by_handle_at() finds the directory without a walk of the hierarchy
 * and without racing the process that was in it. docs/table.md tells which
 * runtimes and paths are recognised.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include <libmount/libmount.h>
#include <uthash.h>
#include "table/cgroup_labels.h"
#include "lib/lazylib.h"
#include "lib/util.h"

/* FILEID_KERNFS: a kernfs file handle is its 64-bit node id. */
#define KERNFS_HANDLE_TYPE 0xfe
#define KERNFS_HANDLE_BYTES 8
/* An unresolved id is asked about at most this often. */
#define CGROUP_LABEL_TRIES 3
/*
 * Ids kept resolved (about 300 bytes each). A host-wide trace runs for
 * months while cgroups come and go with every container: past this, the
 * oldest entry goes; a live cgroup's id is then resolved again.
 */
#define CGROUP_CACHE_MAX 8192
#define MOUNTINFO "/proc/self/mountinfo"
#define PROC_DIR "/proc"
/* Processes of one cgroup asked, and parents of each. */
#define PROCS_MAX 8
#define ANCESTORS_MAX 4
/* The most of a /proc/PID/environ or cmdline read. */
#define PROC_TEXT_MAX 65536
/* runc's init (runc 1.0 on) is told its container's state directory so. */
#define STATEDIR_VAR "_LIBCONTAINER_STATEDIR="
#define SHIM_PREFIX "containerd-shim"
#define RUNC_ROOT_FLAG "--root"
/* Entries of one runc root looked at (a root is one directory per container). */
#define ROOT_SCAN_MAX 4096

enum hierarchy {
	HIER_V2,
	HIER_V1,
	HIER_COUNT,
};

/* The controllers of enum nsw_v1_ctrl, by their mount option name. */
static const char *const v1_ctrl_names[] = {
	[NSW_V1_PIDS] = "pids",
	[NSW_V1_MEMORY] = "memory",
	[NSW_V1_CPU] = "cpu",
	[NSW_V1_DEVICES] = "devices",
	[NSW_V1_FREEZER] = "freezer",
};

/*
 * runc's state roots as docker and containerd lay them out ('*' is a
 * containerd namespace, a docker daemon's namespace, a uid), and the engine
 * a container under each belongs to.
 */
static const struct {
	const char *pattern;
	const char *engine;
} runc_roots[] = {
	{ "runc", "runc" },
	{ "docker/runtime-runc/*", "docker" },
	{ "containerd/runc/*", "containerd" },
	{ "user/*/runc", "runc" },
};

/* containerd's task state: one directory per <namespace>/<id>. */
static const char *const containerd_task_dirs[] = {
	"containerd/io.containerd.runtime.v2.task",
	"containerd/io.containerd.runtime.v1.linux",
};

struct mount_of {
	bool found;
	char dir[PATH_MAX];  /* where it is mounted */
	char root[PATH_MAX]; /* the hierarchy's path at the mount's root */
};

struct cache_key {
	__u64 id;
	__u32 hier;
	__u32 zero;
};

struct cached {
	struct cache_key key;
	bool found;
	unsigned int tries;
	struct nsw_label label;
	UT_hash_handle hh;
};

struct nsw_cgroup_labels {
	struct mount_of mnt[HIER_COUNT];
	int mnt_fd[HIER_COUNT];
	__u32 v1_ctrl;
	struct cached *cache;
	struct nsw_runtime_roots roots;
	/*
	 * The entry each hierarchy's last lookup found: a flood's records
	 * come from one cgroup, and the hash (a byte-wise Jenkins over the
	 * key) was 6% of the reporter's time. Entries live as long as c.
	 */
	struct cached *last[HIER_COUNT];
};

static void set_mount(struct mount_of *m, const char *root, const char *dir)
{
	m->found = true;
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	snprintf(m->root, sizeof(m->root), "%s", strcmp(root, "/") ? root : "");
}

/* The cgroup2 mount and the first v1 hierarchy of v1_ctrl_names[] mounted. */
static int find_mounts(struct nsw_cgroup_labels *c, struct nsw_error *err)
{
	cleanup_mnt_table struct libmnt_table *tb = NULL;
	cleanup_mnt_iter struct libmnt_iter *it = NULL;
	struct mount_of v1[ARRAY_SIZE(v1_ctrl_names)] = {};
	struct libmnt_fs *fs;

	if (nsw_mnt_read_table(MOUNTINFO, &tb, err) < 0)
		return -1;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return nsw_error(err, ENOMEM, "reading %s", MOUNTINFO);
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *fstype = mnt_fs_get_fstype(fs), *opts = mnt_fs_get_fs_options(fs);
		const char *root = mnt_fs_get_root(fs), *dir = mnt_fs_get_target(fs);

		if (!fstype || !root || !dir)
			continue;
		if (!strcmp(fstype, "cgroup2") && !c->mnt[HIER_V2].found)
			set_mount(&c->mnt[HIER_V2], root, dir);
		if (strcmp(fstype, "cgroup") || !opts)
			continue;
		/* The superblock's options name the controllers, each whole. */
		for (size_t i = 1; i < ARRAY_SIZE(v1_ctrl_names); i++)
			if (!v1[i].found && !mnt_optstr_get_option(opts, v1_ctrl_names[i], NULL, NULL))
				set_mount(&v1[i], root, dir);
	}
	for (size_t i = 1; i < ARRAY_SIZE(v1_ctrl_names); i++) {
		if (v1[i].found) {
			c->mnt[HIER_V1] = v1[i];
			c->v1_ctrl = i;
			break;
		}
	}
	return 0;
}

int nsw_cgroup_labels_open(struct nsw_cgroup_labels **out, struct nsw_error *err)
{
	struct nsw_cgroup_labels *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return nsw_error(err, ENOMEM, "cgroup labels");
	if (find_mounts(c, err) < 0) {
		free(c);
		return -1;
	}
	for (int h = 0; h < HIER_COUNT; h++)
		c->mnt_fd[h] = c->mnt[h].found ?
				       open(c->mnt[h].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
				       -1;
	*out = c;
	return 0;
}

void nsw_cgroup_labels_free(struct nsw_cgroup_labels *c)
{
	struct cached *e, *tmp;

	if (!c)
		return;
	HASH_ITER(hh, c->cache, e, tmp) {
		HASH_DEL(c->cache, e);
		free(e);
	}
	for (int h = 0; h < HIER_COUNT; h++)
		if (c->mnt_fd[h] >= 0)
			close(c->mnt_fd[h]);
	free(c);
}

__u32 nsw_cgroup_labels_v1_ctrl(const struct nsw_cgroup_labels *c)
{
	return c ? c->v1_ctrl : NSW_V1_NONE;
}

/* The last two components of rel ("/a/ns/id"): ns and id. */
static bool last_two(const char *rel, char *ns, size_t nslen, char *id, size_t idlen)
{
	const char *slash_id = strrchr(rel, '/'), *slash_ns;

	if (!slash_id || slash_id == rel || !slash_id[1])
		return false;
	for (slash_ns = slash_id - 1; slash_ns > rel && *slash_ns != '/'; slash_ns--)
		;
	if (*slash_ns != '/' || (size_t)(slash_id - slash_ns - 1) >= nslen ||
	    strlen(slash_id + 1) >= idlen || slash_id == slash_ns + 1)
		return false;
	memcpy(ns, slash_ns + 1, slash_id - slash_ns - 1);
	ns[slash_id - slash_ns - 1] = '\0';
	strcpy(id, slash_id + 1);
	return true;
}

static bool set(struct nsw_label *l, const char *engine, const char *id)
{
	if (!id[0] || strlen(id) >= sizeof(l->id) || strchr(id, '/'))
		return false;
	memset(l, 0, sizeof(*l));
	snprintf(l->engine, sizeof(l->engine), "%s", engine);
	snprintf(l->id, sizeof(l->id), "%s", id);
	return true;
}

/* One runc container's state.json: is abs one of its cgroup_paths? */
static bool runc_state_has(const char *state, const char *abs, bool *exists)
{
	struct json_object *o = json_object_from_file(state), *paths;
	bool hit = false;

	*exists = o != NULL;
	if (!o)
		return false;
	if (json_object_object_get_ex(o, "cgroup_paths", &paths) &&
	    json_object_is_type(paths, json_type_object)) {
		json_object_object_foreach(paths, key, val) {
			(void)key;
			if (json_object_is_type(val, json_type_string) &&
			    !strcmp(json_object_get_string(val), abs))
				hit = true;
		}
	}
	json_object_put(o);
	return hit;
}

/* out = "a/b" (out may be a); false if it does not fit. */
static bool path_join(char *out, size_t len, const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);

	if (al + 1 + bl >= len)
		return false;
	memmove(out, a, al); /* out may be a */
	out[al] = '/';
	memcpy(out + al + 1, b, bl + 1);
	return true;
}

/*
 * A state directory's owner may speak for the cgroup: root, ourselves, or
 * the cgroup's own owner (a rootless runc's). Anyone else could write a
 * state.json naming someone else's cgroup.
 */
static bool owner_may_label(const char *state_dir, const char *abs)
{
	struct stat sd, cg;

	if (stat(state_dir, &sd) < 0)
		return false;
	if (sd.st_uid == 0 || sd.st_uid == geteuid())
		return true;
	return stat(abs, &cg) == 0 && cg.st_uid == sd.st_uid;
}

/*
 * One runc container's directory (dir, named by its id): its state names
 * the cgroup abs; or, still being made (the directory is there, its
 * state.json not yet), its id is the cgroup's last component.
 */
static bool runc_dir_label(const char *dir, const char *engine, const char *abs,
			   struct nsw_label *l)
{
	const char *id = strrchr(dir, '/'), *leaf = strrchr(abs, '/');
	char state[PATH_MAX];
	bool exists;

	if (!id || !id[1] || id[1] == '.')
		return false;
	id++;
	if (!path_join(state, sizeof(state), dir, "state.json"))
		return false;
	if (!runc_state_has(state, abs, &exists) &&
	    (exists || !leaf || strcmp(leaf + 1, id) || access(dir, F_OK)))
		return false;
	return owner_may_label(dir, abs) && set(l, engine, id);
}

/* The runc container under root whose state names the cgroup abs. */
static bool runc_root_label(const char *root, const char *engine, const char *abs,
			    struct nsw_label *l)
{
	DIR *d = opendir(root);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	for (int n = 0; !found && n < ROOT_SCAN_MAX && (e = readdir(d)); n++) {
		char dir[PATH_MAX];

		if (e->d_name[0] == '.')
			continue;
		found = path_join(dir, sizeof(dir), root, e->d_name) &&
			runc_dir_label(dir, engine, abs, l);
	}
	closedir(d);
	return found;
}

/*
 * containerd's task directories under tasks (".../io.containerd.runtime.v2.task"):
 * the cgroup's last two components, /<namespace>/<id>, are one (ctr's form).
 */
static bool task_dir_label(const char *tasks, const char *abs, const char *rel,
			   struct nsw_label *l)
{
	char dir[PATH_MAX], ns[NAME_MAX + 1], id[NAME_MAX + 1];

	if (!last_two(rel, ns, sizeof(ns), id, sizeof(id)) || ns[0] == '.' || id[0] == '.')
		return false;
	if (!path_join(dir, sizeof(dir), tasks, ns) || !path_join(dir, sizeof(dir), dir, id))
		return false;
	return !access(dir, F_OK) && owner_may_label(dir, abs) && set(l, "containerd", id);
}

bool nsw_cgroup_dir_label(const char *run, const char *abs, const char *rel,
			  struct nsw_label *l)
{
	char pattern[PATH_MAX];

	if (nsw_cgroup_path_label(rel, strlen(rel), l))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(runc_roots); i++) {
		glob_t g;
		bool found = false;

		snprintf(pattern, sizeof(pattern), "%s/%s", run, runc_roots[i].pattern);
		if (glob(pattern, GLOB_ONLYDIR | GLOB_NOSORT, NULL, &g))
			continue;
		for (size_t k = 0; k < g.gl_pathc && !found; k++)
			found = runc_root_label(g.gl_pathv[k], runc_roots[i].engine, abs, l);
		globfree(&g);
		if (found)
			return true;
	}
	/* ctr's containers: cgroup /<namespace>/<id>, below wherever the shim is. */
	for (size_t i = 0; i < ARRAY_SIZE(containerd_task_dirs); i++) {
		snprintf(pattern, sizeof(pattern), "%s/%s", run, containerd_task_dirs[i]);
		if (task_dir_label(pattern, abs, rel, l))
			return true;
	}
	return false;
}

/* The engine whose layout under run a runc root is in ("runc" if none). */
static const char *root_engine(const char *run, const char *root)
{
	char pattern[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(runc_roots); i++) {
		snprintf(pattern, sizeof(pattern), "%s/%s", run, runc_roots[i].pattern);
		if (!fnmatch(pattern, root, FNM_PATHNAME))
			return runc_roots[i].engine;
	}
	return "runc";
}

static void learn(struct nsw_runtime_roots *r, enum nsw_root_kind kind,
		  const char *engine, const char *path)
{
	struct nsw_runtime_root *e;

	if (!path[0] || strlen(path) >= sizeof(e->path))
		return;
	for (unsigned int i = 0; i < r->n; i++) {
		e = &r->root[i];
		if (e->kind != kind || strcmp(e->path, path))
			continue;
		/* A shim seen above a runc says whose that runc is. */
		if (strcmp(engine, "runc"))
			snprintf(e->engine, sizeof(e->engine), "%s", engine);
		return;
	}
	e = &r->root[r->next];
	r->next = (r->next + 1) % NSW_LEARNED_ROOTS;
	if (r->n < NSW_LEARNED_ROOTS)
		r->n++;
	e->kind = kind;
	snprintf(e->engine, sizeof(e->engine), "%s", engine);
	snprintf(e->path, sizeof(e->path), "%s", path);
}

bool nsw_learned_roots_label(const struct nsw_runtime_roots *roots, const char *abs,
			     const char *rel, struct nsw_label *l)
{
	for (unsigned int i = 0; i < roots->n; i++) {
		const struct nsw_runtime_root *r = &roots->root[i];

		if (r->kind == NSW_ROOT_RUNC ? runc_root_label(r->path, r->engine, abs, l) :
					       task_dir_label(r->path, abs, rel, l))
			return true;
	}
	return false;
}

/* A small /proc file of pid, NUL-terminated; its length, or -1. */
static ssize_t read_proc(const char *proc, pid_t pid, const char *name, char *buf,
			 size_t max)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	size_t len = 0;
	ssize_t n = 0;

	snprintf(path, sizeof(path), "%s/%d/%s", proc, pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < max - 1 && (n = read(fd, buf + len, max - 1 - len)) > 0)
		len += n;
	if (n < 0)
		return -1;
	buf[len] = '\0';
	return len;
}

/* Where /proc/PID/name (cwd) points, absolute; false if unreadable. */
static bool proc_link(const char *proc, pid_t pid, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/%s", proc, pid, name);
	n = readlink(path, buf, len - 1);
	if (n <= 0 || (size_t)n >= len - 1 || buf[0] != '/')
		return false;
	buf[n] = '\0';
	return true;
}

static pid_t parent_of(const char *proc, pid_t pid)
{
	char buf[1024], *close_paren;
	int ppid;

	if (read_proc(proc, pid, "stat", buf, sizeof(buf)) <= 0 ||
	    !(close_paren = strrchr(buf, ')')) || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

/* Cut path at its last '/' (levels times); false if there is none left. */
static bool up(char *path, int levels)
{
	while (levels-- > 0) {
		char *slash = strrchr(path, '/');

		if (!slash || slash == path)
			return false;
		*slash = '\0';
	}
	return true;
}

/* What the processes around one process say of where their runtime keeps state. */
struct clues {
	char statedir[PATH_MAX]; /* runc's init: its container's directory */
	char runc_root[PATH_MAX]; /* a runc above it: its --root */
	char tasks[PATH_MAX];     /* a containerd shim above it: the task directories */
};

/*
 * The value of runc's --root in a cmdline (args, n bytes), made absolute
 * with the process's cwd. urfave/cli takes --root and -root, each with
 * " DIR" or "=DIR".
 */
static bool root_arg(const char *proc, pid_t pid, const char *args, size_t n, char *out,
		     size_t len)
{
	const char *dir = NULL;
	char cwd[PATH_MAX];

	for (const char *a = args; a < args + n && !dir; a += strlen(a) + 1) {
		const char *name = a[0] == '-' && a[1] == '-' ? a + 2 : a[0] == '-' ? a + 1 : NULL;
		size_t k = strlen(RUNC_ROOT_FLAG) - 2;

		if (!name || strncmp(name, RUNC_ROOT_FLAG + 2, k))
			continue;
		if (name[k] == '=')
			dir = name + k + 1;
		else if (!name[k] && a + strlen(a) + 1 < args + n)
			dir = a + strlen(a) + 1;
	}
	if (!dir || !dir[0])
		return false;
	if (dir[0] == '/') {
		snprintf(out, len, "%s", dir);
		return true;
	}
	return proc_link(proc, pid, "cwd", cwd, sizeof(cwd)) && path_join(out, len, cwd, dir);
}

static void gather(const char *proc, pid_t pid, struct clues *c)
{
	cleanup_free char *text = malloc(PROC_TEXT_MAX);
	ssize_t n;

	if (!text)
		return;
	n = read_proc(proc, pid, "environ", text, PROC_TEXT_MAX);
	for (const char *v = text; n > 0 && v < text + n; v += strlen(v) + 1)
		if (!strncmp(v, STATEDIR_VAR, strlen(STATEDIR_VAR)) &&
		    v[strlen(STATEDIR_VAR)] == '/')
			snprintf(c->statedir, sizeof(c->statedir), "%s", v + strlen(STATEDIR_VAR));
	for (int depth = 0; depth < ANCESTORS_MAX; depth++) {
		const char *base;

		pid = parent_of(proc, pid);
		if (pid <= 1 || pid == getpid())
			return;
		/* An exited runc not yet reaped has no cmdline: its parent may say more. */
		n = read_proc(proc, pid, "cmdline", text, PROC_TEXT_MAX);
		if (n <= 0)
			continue;
		base = strrchr(text, '/');
		base = base ? base + 1 : text;
		if (!strncmp(base, SHIM_PREFIX, strlen(SHIM_PREFIX))) {
			/* The shim works in its task's directory: <tasks>/<namespace>/<id>. */
			if (proc_link(proc, pid, "cwd", c->tasks, sizeof(c->tasks)) &&
			    !up(c->tasks, 2))
				c->tasks[0] = '\0';
			return;
		}
		if (!c->runc_root[0])
			root_arg(proc, pid, text, n, c->runc_root, sizeof(c->runc_root));
	}
}

/* A container directory runc made: its state.json or its exec.fifo is there. */
static bool runc_made(const char *dir)
{
	char p[PATH_MAX];

	return (path_join(p, sizeof(p), dir, "state.json") && !access(p, F_OK)) ||
	       (path_join(p, sizeof(p), dir, "exec.fifo") && !access(p, F_OK));
}

static bool proc_label(const char *proc, const char *run, pid_t pid, const char *abs,
		       const char *rel, struct nsw_runtime_roots *roots, struct nsw_label *l)
{
	cleanup_free struct clues *c = calloc(1, sizeof(*c));
	char root[PATH_MAX];
	const char *engine;

	if (!c)
		return false;
	gather(proc, pid, c);
	if (c->tasks[0]) {
		learn(roots, NSW_ROOT_TASKS, "containerd", c->tasks);
		if (task_dir_label(c->tasks, abs, rel, l))
			return true;
	}
	if (c->statedir[0]) {
		snprintf(root, sizeof(root), "%s", c->statedir);
		if (up(root, 1)) {
			engine = c->tasks[0] ? "containerd" : root_engine(run, root);
			if (runc_made(c->statedir))
				learn(roots, NSW_ROOT_RUNC, engine, root);
			if (runc_dir_label(c->statedir, engine, abs, l))
				return true;
		}
	}
	/* Any program may have a --root: kept only once it proved to be runc's. */
	if (c->runc_root[0]) {
		engine = c->tasks[0] ? "containerd" : root_engine(run, c->runc_root);
		if (runc_root_label(c->runc_root, engine, abs, l)) {
			learn(roots, NSW_ROOT_RUNC, engine, c->runc_root);
			return true;
		}
	}
	return false;
}

bool nsw_cgroup_procs_label(const char *proc, const char *run, const char *abs,
			    const char *rel, struct nsw_runtime_roots *roots,
			    struct nsw_label *l)
{
	char path[PATH_MAX];
	cleanup_fclose FILE *f = NULL;
	int pid;

	/* The root cgroup is the host's, whatever runs in it. */
	if (!strcmp(rel, "/"))
		return false;
	f = path_join(path, sizeof(path), abs, "cgroup.procs") ? fopen(path, "re") : NULL;
	for (int k = 0; f && k < PROCS_MAX && fscanf(f, "%d", &pid) == 1; k++)
		if (pid > 0 && proc_label(proc, run, pid, abs, rel, roots, l))
			return true;
	return false;
}

/* The cgroup of node id in hierarchy h: its absolute and hierarchy paths. */
static bool resolve_path(struct nsw_cgroup_labels *c, int h, __u64 id, char *abs,
			 size_t abslen, char *rel, size_t rellen)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[KERNFS_HANDLE_BYTES];
	} handle;
	char link[64];
	cleanup_close int fd = -1;
	const struct mount_of *m = &c->mnt[h];
	size_t dirlen = strlen(m->dir);
	ssize_t n;

	if (c->mnt_fd[h] < 0)
		return false;
	handle.fh.handle_bytes = KERNFS_HANDLE_BYTES;
	handle.fh.handle_type = KERNFS_HANDLE_TYPE;
	memcpy(handle.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(c->mnt_fd[h], &handle.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, abs, abslen - 1);
	if (n <= 0 || (size_t)n >= abslen - 1)
		return false;
	abs[n] = '\0';
	if (strncmp(abs, m->dir, dirlen) || (abs[dirlen] && abs[dirlen] != '/'))
		return false;
	snprintf(rel, rellen, "%s%s", m->root, abs[dirlen] ? abs + dirlen : "/");
	return true;
}

/* At CGROUP_CACHE_MAX, the oldest entry goes (uthash keeps insertion order). */
static void evict_oldest(struct nsw_cgroup_labels *c)
{
	struct cached *old = c->cache;

	if (HASH_COUNT(c->cache) < CGROUP_CACHE_MAX)
		return;
	for (int h = 0; h < HIER_COUNT; h++)
		if (c->last[h] == old)
			c->last[h] = NULL;
	HASH_DEL(c->cache, old);
	free(old);
}

static bool lookup(struct nsw_cgroup_labels *c, int h, __u64 id, struct nsw_label *l)
{
	struct cache_key key = { .id = id, .hier = h };
	char abs[PATH_MAX], rel[PATH_MAX];
	struct cached *e;

	if (!id)
		return false;
	e = c->last[h];
	if (!e || e->key.id != id)
		HASH_FIND(hh, c->cache, &key, sizeof(key), e);
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return false;
		e->key = key;
		evict_oldest(c);
		HASH_ADD(hh, c->cache, key, sizeof(key), e);
	}
	if (!e->found && e->tries < CGROUP_LABEL_TRIES) {
		e->tries++;
		if (!resolve_path(c, h, id, abs, sizeof(abs), rel, sizeof(rel))) {
			/* The cgroup is gone: nothing will name it now. */
			if (errno == ESTALE)
				e->tries = CGROUP_LABEL_TRIES;
		} else {
			e->found = nsw_cgroup_dir_label(NSW_RUN_DIR, abs, rel, &e->label) ||
				   nsw_learned_roots_label(&c->roots, abs, rel, &e->label) ||
				   nsw_cgroup_procs_label(PROC_DIR, NSW_RUN_DIR, abs, rel,
							  &c->roots, &e->label);
		}
	}
	c->last[h] = e;
	if (e->found)
		*l = e->label;
	return e->found;
}

bool nsw_cgroup_labels_get(struct nsw_cgroup_labels *c, __u64 v2_id, __u64 v1_id,
			   struct nsw_label *l)
{
	if (!c)
		return false;
	return lookup(c, HIER_V2, v2_id, l) || lookup(c, HIER_V1, v1_id, l);
}
