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
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
#define MOUNTINFO "/proc/self/mountinfo"

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
	int ret;

	if (nsw_load_libmount(err) < 0)
		return -1;
	tb = mnt_new_table();
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!tb || !it)
		return nsw_error(err, ENOMEM, "reading %s", MOUNTINFO);
	ret = mnt_table_parse_file(tb, MOUNTINFO);
	if (ret < 0)
		return nsw_error(err, -ret, "cannot read %s", MOUNTINFO);
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

/*
 * The runc container under root whose state names the cgroup abs; or, for
 * a container still being made (its directory is there, its state.json not
 * yet), the one whose id is the cgroup's last component.
 */
static bool runc_root_label(const char *root, const char *engine, const char *abs,
			    struct nsw_label *l)
{
	DIR *d = opendir(root);
	const char *leaf = strrchr(abs, '/');
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char state[PATH_MAX];
		bool exists;

		if (e->d_name[0] == '.')
			continue;
		snprintf(state, sizeof(state), "%s/%s/state.json", root, e->d_name);
		if (runc_state_has(state, abs, &exists) ||
		    (!exists && leaf && !strcmp(leaf + 1, e->d_name)))
			found = set(l, engine, e->d_name);
	}
	closedir(d);
	return found;
}

bool nsw_cgroup_dir_label(const char *run, const char *abs, const char *rel,
			  struct nsw_label *l)
{
	char pattern[PATH_MAX], ns[NAME_MAX + 1], id[NAME_MAX + 1];

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
	if (!last_two(rel, ns, sizeof(ns), id, sizeof(id)))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(containerd_task_dirs); i++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/%s/%s/%s", run, containerd_task_dirs[i], ns, id);
		if (!access(dir, F_OK))
			return set(l, "containerd", id);
	}
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

static bool lookup(struct nsw_cgroup_labels *c, int h, __u64 id, struct nsw_label *l)
{
	struct cache_key key = { .id = id, .hier = h };
	char abs[PATH_MAX], rel[PATH_MAX];
	struct cached *e;

	if (!id)
		return false;
	HASH_FIND(hh, c->cache, &key, sizeof(key), e);
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return false;
		e->key = key;
		HASH_ADD(hh, c->cache, key, sizeof(key), e);
	}
	if (!e->found && e->tries < CGROUP_LABEL_TRIES) {
		e->tries++;
		e->found = resolve_path(c, h, id, abs, sizeof(abs), rel, sizeof(rel)) &&
			   nsw_cgroup_dir_label(NSW_RUN_DIR, abs, rel, &e->label);
	}
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
