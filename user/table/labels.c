// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/inotify.h>
#include <json-c/json.h>
#include "table/labels.h"
#include "runtime/state.h"
#include "lib/util.h"

#define HEX_ID_LEN 64
#define SHORT_ID_LEN 12
/* An id at least this long and all hex is a hash, shown cut (docker's rule). */
#define HASH_ID_MIN 32
/* runc's systemd driver: runc-<id>.scope. */
#define RUNC_SCOPE_PREFIX "runc-"
#define RUNC_SCOPE_SUFFIX ".scope"
/* Path components of one cgroup path looked at. */
#define CGROUP_DEPTH_MAX 128
#define CGROUP_FILE_MAX 16384

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_hex_id(const char *s, size_t n)
{
	return n == HEX_ID_LEN && all_hex(s, n);
}

void nsw_label_format(const struct nsw_label *l, char *buf, size_t len)
{
	size_t n = strlen(l->id);

	if (n > SHORT_ID_LEN && n >= HASH_ID_MIN && all_hex(l->id, n))
		n = SHORT_ID_LEN;
	snprintf(buf, len, "%s:%.*s", l->engine, (int)n, l->id);
}

static bool set_label(struct nsw_label *l, const char *engine, const char *id,
		      size_t n)
{
	if (n == 0 || n >= sizeof(l->id))
		return false;
	snprintf(l->engine, sizeof(l->engine), "%s", engine);
	l->pod[0] = '\0';
	memcpy(l->id, id, n);
	l->id[n] = '\0';
	return true;
}

/* c (n bytes) is PREFIX<64 hex>SUFFIX: the id. */
static bool wrapped_hex(const char *c, size_t n, const char *prefix,
			const char *suffix, const char **id)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (n != p + HEX_ID_LEN + s || strncmp(c, prefix, p) ||
	    strncmp(c + p + HEX_ID_LEN, suffix, s) || !is_hex_id(c + p, HEX_ID_LEN))
		return false;
	*id = c + p;
	return true;
}

/* c (n bytes) is PREFIX<something>SUFFIX: the something, idn bytes. */
static bool wrapped(const char *c, size_t n, const char *prefix, const char *suffix,
		    const char **id, size_t *idn)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (n <= p + s || strncmp(c, prefix, p) || strncmp(c + n - s, suffix, s))
		return false;
	*id = c + p;
	*idn = n - p - s;
	return true;
}

/* runc's container ids: letters, digits, '_', '+', '-', '.'. */
static bool runc_id_valid(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (!isalnum(ch) && !strchr("_+-.", ch))
			return false;
	}
	return true;
}

static bool comp_eq(const char *c, size_t n, const char *word)
{
	return strlen(word) == n && !strncmp(c, word, n);
}

/*
 * One path component c (n bytes), with the one before it (prev, pn; pn 0
 * at the top) and whether a component above starts with "kubepods".
 */
static bool match_component(const char *c, size_t n, const char *prev, size_t pn,
			    bool under_kubepods, struct nsw_label *l)
{
	const char *id;
	size_t idn;
	char name[NSW_NAME_MAX + 2];

	if (wrapped_hex(c, n, "docker-", ".scope", &id) ||
	    (comp_eq(prev, pn, "docker") && wrapped_hex(c, n, "", "", &id)))
		return set_label(l, "docker", id, HEX_ID_LEN);
	if (wrapped_hex(c, n, "cri-containerd-", ".scope", &id))
		return set_label(l, "containerd", id, HEX_ID_LEN);
	if (wrapped_hex(c, n, "crio-", ".scope", &id) ||
	    wrapped_hex(c, n, "crio-", "", &id))
		return set_label(l, "cri-o", id, HEX_ID_LEN);
	if (wrapped_hex(c, n, "libpod-", ".scope", &id) ||
	    (comp_eq(prev, pn, "libpod_parent") && wrapped_hex(c, n, "libpod-", "", &id)))
		return set_label(l, "podman", id, HEX_ID_LEN);
	if (under_kubepods && wrapped_hex(c, n, "", "", &id))
		return set_label(l, "containerd", id, HEX_ID_LEN);
	if (comp_eq(prev, pn, "nswatch") && n < sizeof(name)) {
		memcpy(name, c, n);
		name[n] = '\0';
		if (nsw_name_valid(name))
			return set_label(l, "nswatch", c, n);
	}
	if (wrapped(c, n, RUNC_SCOPE_PREFIX, RUNC_SCOPE_SUFFIX, &id, &idn) &&
	    runc_id_valid(id, idn))
		return set_label(l, "runc", id, idn);
	return false;
}

static bool path_label(const char *path, size_t len, struct nsw_label *l);

/* Kubernetes pod uids: 36 characters, hex and dashes (8-4-4-4-12). */
#define POD_UID_LEN 36

/* A pod uid, with '_' for '-' in the systemd forms. */
static bool pod_uid_valid(const char *s, size_t n)
{
	if (n != POD_UID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' && s[i] != '_' : !all_hex(s + i, 1))
			return false;
	}
	return true;
}

/*
 * The pod of a component below kubepods: cgroupfs "pod<uid>", systemd
 * "kubepods[-QOS]-pod<uid_>.slice".
 */
static bool pod_component(const char *c, size_t n, char *pod, size_t len)
{
	const char *uid = NULL;
	const char *at;

	if (n == 3 + POD_UID_LEN && !strncmp(c, "pod", 3))
		uid = c + 3;
	else if (n >= 8 + 4 + POD_UID_LEN + 6 && !strncmp(c, "kubepods", 8) &&
		 !strncmp(c + n - 6, ".slice", 6) &&
		 (at = c + n - 6 - POD_UID_LEN - 4) && !strncmp(at, "-pod", 4))
		uid = at + 4;
	if (!uid || !pod_uid_valid(uid, POD_UID_LEN) || len <= POD_UID_LEN)
		return false;
	for (size_t i = 0; i < POD_UID_LEN; i++)
		pod[i] = uid[i] == '_' ? '-' : uid[i];
	pod[POD_UID_LEN] = '\0';
	return true;
}

bool nsw_cgroup_path_label(const char *path, size_t len, struct nsw_label *l)
{
	return path_label(path, len, l);
}

/* The innermost container along one cgroup path ("/a/b/c", n bytes). */
static bool path_label(const char *path, size_t len, struct nsw_label *l)
{
	const char *comp[CGROUP_DEPTH_MAX];
	size_t clen[CGROUP_DEPTH_MAX], k = 0;
	bool kube[CGROUP_DEPTH_MAX], under = false;

	for (size_t i = 0; i < len && k < ARRAY_SIZE(comp);) {
		size_t n;

		while (i < len && path[i] == '/')
			i++;
		if (i == len)
			break;
		n = strcspn(path + i, "/\n");
		if (i + n > len)
			n = len - i;
		comp[k] = path + i;
		clen[k] = n;
		kube[k] = under;
		if (n >= 8 && !strncmp(path + i, "kubepods", 8))
			under = true;
		k++;
		i += n;
	}
	while (k-- > 0) {
		const char *prev = k ? comp[k - 1] : "";
		size_t pn = k ? clen[k - 1] : 0;

		if (match_component(comp[k], clen[k], prev, pn, kube[k], l)) {
			l->pod[0] = '\0';
			/* The pod is the nearest pod component above the container. */
			while (kube[k] && k-- > 0)
				if (pod_component(comp[k], clen[k], l->pod, sizeof(l->pod)))
					break;
			return true;
		}
	}
	return false;
}

/*
 * Lines are "ID:CONTROLLERS:PATH". The cgroup v2 line (0::) is read first:
 * it is the one every engine sets; then the v1 hierarchies in order.
 */
bool nsw_cgroup_text_label(const char *text, struct nsw_label *l)
{
	for (int pass = 0; pass < 2; pass++) {
		for (const char *line = text; line && *line;) {
			const char *end = strchr(line, '\n');
			size_t len = end ? (size_t)(end - line) : strlen(line);
			const char *c1 = memchr(line, ':', len), *c2;
			bool v2;

			if (c1 && (c2 = memchr(c1 + 1, ':', len - (c1 + 1 - line)))) {
				v2 = !strncmp(line, "0::", 3);
				if (v2 == (pass == 0) && c2[1] == '/' &&
				    path_label(c2 + 1, len - (c2 + 1 - line), l))
					return true;
			}
			line = end ? end + 1 : NULL;
		}
	}
	return false;
}

static char *read_small(const char *path, size_t max)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;
	size_t len = 0;

	if (fd < 0 || !(buf = malloc(max + 1)))
		return NULL;
	while (len < max && (n = read(fd, buf + len, max - len)) > 0)
		len += n;
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static char *proc_cgroup_text(pid_t pid)
{
	char path[40];

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	return read_small(path, CGROUP_FILE_MAX);
}

/* One runc state.json: its init (pid, starttime) while that is alive. */
static bool runc_init_of(const char *root, const char *id, pid_t *pid)
{
	char path[PATH_MAX];
	struct json_object *o, *v;
	unsigned long long start = 0;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	o = json_object_from_file(path);
	if (!o)
		return false;
	if (json_object_object_get_ex(o, "init_process_pid", &v)) {
		*pid = json_object_get_int(v);
		if (json_object_object_get_ex(o, "init_process_start", &v))
			start = strtoull(json_object_get_string(v), NULL, 10);
		ok = *pid > 0 && nsw_proc_same(*pid, start);
	}
	json_object_put(o);
	return ok;
}

/* A line of a /proc/PID/cgroup text whose path is /<id> or ends in /<id>. */
static bool cgroup_path_ends_in(const char *text, const char *id)
{
	size_t n = strlen(id);

	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');

		if ((size_t)(end - line) > n + 1 && end[-(long)n - 1] == '/' &&
		    !strncmp(end - n, id, n))
			return true;
		line = *end ? end + 1 : NULL;
	}
	return false;
}

bool nsw_runc_state_label(const char *root, const char *cgroup_text,
			  struct nsw_label *l)
{
	DIR *d = opendir(root);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		cleanup_free char *init_text = NULL;
		pid_t pid;

		if (e->d_name[0] == '.' || !runc_id_valid(e->d_name, strlen(e->d_name)))
			continue;
		if (!runc_init_of(root, e->d_name, &pid)) {
			/*
			 * runc records its init's pid only once the init runs,
			 * but makes the container's directory and cgroup before
			 * the init unshares anything: a directory without a live
			 * init whose id ends the process's cgroup path is a
			 * container being made.
			 */
			if (cgroup_path_ends_in(cgroup_text, e->d_name))
				found = set_label(l, "runc", e->d_name, strlen(e->d_name));
			continue;
		}
		init_text = proc_cgroup_text(pid);
		if (init_text && !strcmp(init_text, cgroup_text))
			found = set_label(l, "runc", e->d_name, strlen(e->d_name));
	}
	closedir(d);
	return found;
}

bool nsw_pid_label(pid_t pid, struct nsw_label *l)
{
	cleanup_free char *text = proc_cgroup_text(pid);
	cleanup_free char *self = NULL;

	if (!text)
		return false;
	if (nsw_cgroup_text_label(text, l))
		return true;
	/*
	 * runc's own cgroup for a bundle made by `runc spec` is just /<id>:
	 * nothing tells it apart from any other cgroup, so ask runc which
	 * cgroups are its containers'. Never for a process in our own
	 * cgroups: that is the host.
	 */
	self = proc_cgroup_text(getpid());
	if (self && !strcmp(self, text))
		return false;
	return nsw_runc_state_label(NSW_RUNC_ROOT, text, l);
}

/*
 * A container whose init is alive (running, or created and waiting to
 * start its command). Without --ns TYPE its TYPE inode is the host's
 * namespace, which must not be labelled as the container's.
 */
static bool load_running(const char *name, struct nsw_container_ns *out)
{
	struct nsw_instance in;
	struct nsw_container c;
	struct nsw_error e;
	const char *status;

	/* Being created or removed meanwhile: not one to list. */
	if (nsw_state_load(name, &in, &c, &e) < 0)
		return false;
	status = nsw_instance_status(&in);
	if (strcmp(status, "running") && strcmp(status, "created")) {
		nsw_container_free(&c);
		return false;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", in.name);
	out->pid = in.pid;
	out->monitor_pid = in.monitor_pid;
	for (size_t t = 0; t < NSW_TYPE_COUNT; t++)
		if (c.ns_flags & nsw_types[t].flag)
			out->ns_inode[t] = in.ns_inode[t];
	nsw_container_free(&c);
	return true;
}

int nsw_scan_nswatch_containers(struct nsw_container_ns **out, size_t *n,
				struct nsw_error *err)
{
	struct nsw_container_ns *v = NULL;
	char **names;
	int count;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (nsw_state_list(&names, &count, err) < 0)
		return -1;
	if (count && !(v = calloc(count, sizeof(*v)))) {
		for (int i = 0; i < count; i++)
			free(names[i]);
		free(names);
		return nsw_error(err, ENOMEM, "listing containers");
	}
	for (int i = 0; i < count; i++) {
		if (load_running(names[i], &v[k]))
			k++;
		free(names[i]);
	}
	free(names);
	*out = v;
	*n = k;
	return 0;
}

const struct nsw_container_ns *
nsw_container_by_ns(const struct nsw_container_ns *list, size_t n,
		    unsigned int type, __u32 inode)
{
	if (type >= NSW_TYPE_COUNT || !inode)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (list[i].ns_inode[type] == inode)
			return &list[i];
	return NULL;
}

bool nsw_container_label(const struct nsw_container_ns *list, size_t n, unsigned int type,
			 __u32 inode, struct nsw_label *l)
{
	const struct nsw_container_ns *c = nsw_container_by_ns(list, n, type, inode);

	if (!c)
		return false;
	memset(l, 0, sizeof(*l));
	snprintf(l->engine, sizeof(l->engine), "nswatch");
	snprintf(l->id, sizeof(l->id), "%.*s", (int)sizeof(l->id) - 1, c->name);
	return true;
}

/* What changes a container's listing: a directory made, renamed or removed. */
#define ROOT_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | \
		     IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
/* ... and its state file replaced (written aside, then renamed in). */
#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | \
		    IN_CLOSE_WRITE | IN_ONLYDIR)
#define INOTIFY_BUF 4096

struct nsw_nswatch_cache {
	int ino_fd;          /* -1: no inotify, every ask scans */
	int parent_wd;       /* watching for the root to appear, or -1 */
	bool stale;
	char root[PATH_MAX];
	char root_name[NAME_MAX + 1];
	struct nsw_container_ns *list;
	size_t n;
};

struct nsw_nswatch_cache *nsw_nswatch_cache_new(void)
{
	struct nsw_nswatch_cache *c = calloc(1, sizeof(*c));
	char tmp[PATH_MAX];

	if (!c)
		return NULL;
	c->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	c->parent_wd = -1;
	c->stale = true;
	snprintf(c->root, sizeof(c->root), "%s", nsw_state_root());
	snprintf(tmp, sizeof(tmp), "%s", c->root);
	snprintf(c->root_name, sizeof(c->root_name), "%s", basename(tmp));
	return c;
}

void nsw_nswatch_cache_free(struct nsw_nswatch_cache *c)
{
	if (!c)
		return;
	if (c->ino_fd >= 0)
		close(c->ino_fd);
	free(c->list);
	free(c);
}

/* Read what inotify queued: anything about the state is a reason to scan. */
static void cache_drain(struct nsw_nswatch_cache *c)
{
	char buf[INOTIFY_BUF] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	if (c->ino_fd < 0) {
		c->stale = true;
		return;
	}
	while ((n = read(c->ino_fd, buf, sizeof(buf))) > 0) {
		for (char *at = buf; at < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)at;

			/* The parent only says whether the root appeared. */
			if (ev->wd != c->parent_wd || (ev->len && !strcmp(ev->name, c->root_name)) ||
			    (ev->mask & IN_Q_OVERFLOW))
				c->stale = true;
			at += sizeof(*ev) + ev->len;
		}
	}
}

/* Watch the root (or, until it exists, its parent) and each container's directory. */
static void cache_watch(struct nsw_nswatch_cache *c, char **names, int count)
{
	char tmp[PATH_MAX], path[PATH_MAX];

	if (c->ino_fd < 0)
		return;
	if (inotify_add_watch(c->ino_fd, c->root, ROOT_EVENTS) < 0) {
		snprintf(tmp, sizeof(tmp), "%s", c->root);
		if (c->parent_wd < 0)
			c->parent_wd = inotify_add_watch(c->ino_fd, dirname(tmp),
							 IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
		return;
	}
	for (int i = 0; i < count; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", c->root, names[i]) <
		    (int)sizeof(path))
			inotify_add_watch(c->ino_fd, path, DIR_EVENTS);
	}
}

/* Scan the state root again; the cache stays as it was if it cannot be read. */
static void cache_scan(struct nsw_nswatch_cache *c)
{
	struct nsw_container_ns *v = NULL;
	struct nsw_error err;
	char **names;
	int count;
	size_t k = 0;

	/* Cleared first: a change made during the scan is read as one after it. */
	c->stale = false;
	if (nsw_state_list(&names, &count, &err) < 0)
		return;
	cache_watch(c, names, count);
	if (count)
		v = calloc(count, sizeof(*v));
	for (int i = 0; i < count; i++) {
		if (v && load_running(names[i], &v[k]))
			k++;
		free(names[i]);
	}
	free(names);
	if (count && !v) {
		c->stale = true;
		return;
	}
	free(c->list);
	c->list = v;
	c->n = k;
}

bool nsw_nswatch_cache_label(struct nsw_nswatch_cache *c, unsigned int type,
			     __u32 inode, struct nsw_label *l)
{
	cache_drain(c);
	if (c->stale)
		cache_scan(c);
	return nsw_container_label(c->list, c->n, type, inode, l);
}
