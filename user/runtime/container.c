// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "runtime/caps.h"
#include "runtime/container.h"
#include "lib/nsnames.h"
#include "lib/util.h"

#ifndef NSW_DEFAULT_ROOTFS
#define NSW_DEFAULT_ROOTFS "/usr/local/share/nswatch/rootfs"
#endif

/* What a process inside could use to read or poke at the host's kernel. */
static const char *const default_masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore",
	"/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};

/* Kernel settings that are global, not per namespace. */
static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger", NULL,
};

bool nsw_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > NSW_NAME_MAX || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char ch = name[i];

		if (!isalnum(ch) && ch != '_' && ch != '.' && ch != '-')
			return false;
	}
	return true;
}

/* RFC 1123: letters, digits and '-', not at either end of a label. */
static bool hostname_label_valid(const char *l, size_t len)
{
	if (len == 0 || len > NSW_HOSTNAME_LABEL_MAX || l[0] == '-' || l[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)l[i]) && l[i] != '-')
			return false;
	return true;
}

bool nsw_hostname_valid(const char *name)
{
	size_t len = strlen(name);
	const char *p = name;

	if (len == 0 || len > NSW_HOSTNAME_MAX)
		return false;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (!hostname_label_valid(p, n))
			return false;
		if (!dot)
			return true;
		p = dot + 1;
	}
}

static int random_name(char *buf, size_t len, struct nsw_error *err)
{
	unsigned char r[4];

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return nsw_error(err, errno, "cannot pick a container name");
	snprintf(buf, len, "nsw-%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
	return 0;
}

int nsw_container_init(struct nsw_container *c, struct nsw_error *err)
{
	memset(c, 0, sizeof(*c));
	if (random_name(c->name, sizeof(c->name), err) < 0)
		return -1;
	c->rootfs = strdup(NSW_DEFAULT_ROOTFS);
	c->workdir = strdup("/");
	if (!c->rootfs || !c->workdir)
		return nsw_error(err, ENOMEM, "container description");
	c->ns_flags = NSW_NS_ALL;
	c->caps = NSW_CAPS_DEFAULT;
	c->net = NSW_NET_NONE;
	c->rootless = geteuid() != 0;
	c->masked_paths = default_masked;
	c->readonly_paths = default_readonly;
	return 0;
}

void nsw_container_free(struct nsw_container *c)
{
	free(c->rootfs);
	free(c->workdir);
	free(c->prestart_hook);
	nsw_seccomp_free(&c->seccomp);
	for (int i = 0; i < c->n_env; i++)
		free(c->env[i]);
	for (int i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].target);
		free(c->mounts[i].fstype);
		free(c->mounts[i].data);
	}
	memset(c, 0, sizeof(*c));
}

int nsw_parse_ns_list(const char *s, unsigned long *flags,
		      struct nsw_error *err)
{
	cleanup_free char *copy = strdup(s);
	char *save = NULL;

	if (!copy)
		return nsw_error(err, ENOMEM, "--ns");
	*flags = 0;
	for (char *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		unsigned int i = nsw_type_index(w);

		if (i == NSW_TYPE_COUNT)
			return nsw_error(err, 0,
					 "--ns: unknown namespace type '%s' (known: mnt, uts, ipc, net, cgroup, pid, time, user)",
					 w);
		*flags |= nsw_types[i].flag;
	}
	if (!*flags)
		return nsw_error(err, 0, "--ns: empty list");
	return 0;
}

static int parse_u32(const char *s, char **end, uint32_t *v)
{
	unsigned long long x;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, end, 10);
	if (errno || x > UINT32_MAX)
		return -1;
	*v = x;
	return 0;
}

int nsw_parse_idmap(const char *s, struct nsw_idmap *maps, int *n,
		    struct nsw_error *err)
{
	struct nsw_idmap m;
	char *p;

	if (*n >= NSW_MAX_IDMAPS)
		return nsw_error(err, 0, "too many id maps (at most %d)",
				 NSW_MAX_IDMAPS);
	if (parse_u32(s, &p, &m.inside) < 0 || *p != ':' ||
	    parse_u32(p + 1, &p, &m.outside) < 0 || *p != ':' ||
	    parse_u32(p + 1, &p, &m.count) < 0 || *p)
		return nsw_error(err, 0,
				 "bad id map '%s': expected INSIDE:OUTSIDE:COUNT, e.g. 0:100000:65536",
				 s);
	if (m.count == 0 || (uint64_t)m.inside + m.count > UINT32_MAX ||
	    (uint64_t)m.outside + m.count > UINT32_MAX)
		return nsw_error(err, 0,
				 "bad id map '%s': the count must be at least 1 and the ranges must end below 4294967295",
				 s);
	for (int i = 0; i < *n; i++) {
		const struct nsw_idmap *o = &maps[i];

		if (m.inside < o->inside + o->count &&
		    o->inside < m.inside + m.count)
			return nsw_error(err, 0,
					 "bad id map '%s': its inside range overlaps another map",
					 s);
		if (m.outside < o->outside + o->count &&
		    o->outside < m.outside + m.count)
			return nsw_error(err, 0,
					 "bad id map '%s': its outside range overlaps another map",
					 s);
	}
	maps[(*n)++] = m;
	return 0;
}

/*
 * dst in place: "//a/./b/" -> "/a/b". ".." is refused rather than
 * interpreted: inside the rootfs it would mean something else than on the
 * host. Returns false for a target that is not allowed ("/", "..").
 */
static bool volume_target_normalise(char *dst)
{
	char *out = dst + 1;
	const char *p = dst;

	while (*p) {
		const char *seg;
		size_t n;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = p - seg;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			return false;
		if (out > dst + 1)
			*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	*out = '\0';
	/* The root is the rootfs: a volume there would hide the whole image. */
	return dst[1] != '\0';
}

int nsw_parse_volume(struct nsw_container *c, const char *s,
		     struct nsw_error *err)
{
	cleanup_free char *copy = strdup(s);
	struct nsw_mount *m;
	char *src, *dst, *mode;

	if (!copy)
		return nsw_error(err, ENOMEM, "--volume");
	if (c->n_mounts >= NSW_MAX_MOUNTS)
		return nsw_error(err, 0, "too many volumes (at most %d)",
				 NSW_MAX_MOUNTS);
	src = copy;
	dst = strchr(src, ':');
	if (!dst)
		return nsw_error(err, 0,
				 "bad volume '%s': expected SRC:DST[:ro]", s);
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode)
		*mode++ = '\0';
	if (!*src || src[0] != '/' || !*dst || dst[0] != '/')
		return nsw_error(err, 0,
				 "bad volume '%s': SRC and DST must be absolute paths",
				 s);
	if (mode && strcmp(mode, "ro") && strcmp(mode, "rw"))
		return nsw_error(err, 0,
				 "bad volume '%s': the mode may only be ro or rw", s);
	if (!volume_target_normalise(dst))
		return nsw_error(err, 0,
				 "bad volume '%s': DST may not be / (the container's root) or contain ..",
				 s);
	m = &c->mounts[c->n_mounts];
	memset(m, 0, sizeof(*m));
	m->source = strdup(src);
	m->target = strdup(dst);
	if (!m->source || !m->target) {
		free(m->source);
		free(m->target);
		return nsw_error(err, ENOMEM, "--volume");
	}
	m->attr = MOUNT_ATTR_NODEV;
	if (mode && !strcmp(mode, "ro"))
		m->attr |= MOUNT_ATTR_RDONLY;
	m->volume = true;
	c->n_mounts++;
	return 0;
}

#define NOSUID MOUNT_ATTR_NOSUID
#define NODEV MOUNT_ATTR_NODEV
#define NOEXEC MOUNT_ATTR_NOEXEC

/* The standard mounts, in order; a NULL fstype means a bind of source. */
static const struct nsw_mount std_mounts[] = {
	{ NULL, "/proc", "proc", NULL, NOSUID | NODEV | NOEXEC, false, false },
	{ NULL, "/sys", "sysfs", NULL,
	  MOUNT_ATTR_RDONLY | NOSUID | NODEV | NOEXEC, false, false },
	/* nodev: only the bound nodes below work, never one made with mknod. */
	{ NULL, "/dev", "tmpfs", "mode=755,size=65536k", NOSUID | NODEV | NOEXEC,
	  false, false },
	{ NULL, "/dev/pts", "devpts", "newinstance,ptmxmode=0666,mode=0620",
	  NOSUID | NOEXEC, false, false },
	{ NULL, "/dev/shm", "tmpfs", "mode=1777,size=65536k",
	  NOSUID | NODEV | NOEXEC, false, false },
	{ NULL, "/dev/mqueue", "mqueue", NULL, NOSUID | NODEV | NOEXEC, false, false },
	/* A user namespace may not mknod: bind the host's harmless nodes. */
	{ "/dev/null", "/dev/null", NULL, NULL, NOSUID | NOEXEC, true, false },
	{ "/dev/zero", "/dev/zero", NULL, NULL, NOSUID | NOEXEC, true, false },
	{ "/dev/full", "/dev/full", NULL, NULL, NOSUID | NOEXEC, true, false },
	{ "/dev/random", "/dev/random", NULL, NULL, NOSUID | NOEXEC, true, false },
	{ "/dev/urandom", "/dev/urandom", NULL, NULL, NOSUID | NOEXEC, true, false },
	{ "/dev/tty", "/dev/tty", NULL, NULL, NOSUID | NOEXEC, true, false },
};

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

/* Put the standard mounts before the --volume ones. */
static int add_std_mounts(struct nsw_container *c, struct nsw_error *err)
{
	struct nsw_mount std[ARRAY_SIZE(std_mounts)] = { 0 };
	bool oom = false;
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(std_mounts); i++) {
		struct nsw_mount m = std_mounts[i];

		if (!strcmp(m.target, "/dev/mqueue") &&
		    !(c->ns_flags & CLONE_NEWIPC))
			continue;
		/* sysfs is only ours to mount with our own network namespace. */
		if (!strcmp(m.target, "/sys") && !(c->ns_flags & CLONE_NEWNET)) {
			m.source = "/sys";
			m.fstype = NULL;
		}
		std[n].source = dup_or_null(m.source, &oom);
		std[n].target = dup_or_null(m.target, &oom);
		std[n].fstype = dup_or_null(m.fstype, &oom);
		std[n].data = dup_or_null(m.data, &oom);
		std[n].attr = m.attr;
		std[n].is_file = m.is_file;
		n++;
	}
	if (oom || c->n_mounts + n > NSW_MAX_MOUNTS) {
		for (int i = 0; i < n; i++) {
			free(std[i].source);
			free(std[i].target);
			free(std[i].fstype);
			free(std[i].data);
		}
		return nsw_error(err, oom ? ENOMEM : 0, "too many mounts");
	}
	memmove(&c->mounts[n], &c->mounts[0], c->n_mounts * sizeof(c->mounts[0]));
	memcpy(&c->mounts[0], std, n * sizeof(std[0]));
	c->n_mounts += n;
	return 0;
}

int nsw_parse_user(const char *s, uint32_t *uid, uint32_t *gid,
		   struct nsw_error *err)
{
	unsigned long long u, g;
	char *end = (char *)s;

	/* Digits only: strtoull() alone takes " 1", "+1", "-1" and ":1" (as 0:1). */
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	u = strtoull(s, &end, 10);
	g = u;
	if (*end == ':') {
		const char *gs = end + 1;

		if (!isdigit((unsigned char)*gs))
			goto bad;
		g = strtoull(gs, &end, 10);
	}
	if (errno || *end || u > 0xfffffffeULL || g > 0xfffffffeULL)
		goto bad;
	*uid = u;
	*gid = g;
	return 0;
bad:
	return nsw_error(err, 0,
			 "bad --user '%s': expected numeric UID or UID:GID", s);
}

bool nsw_env_valid(const char *kv)
{
	return kv[0] != '=' && strchr(kv, '=');
}

int nsw_container_add_env(struct nsw_container *c, const char *kv,
			  struct nsw_error *err)
{
	if (!nsw_env_valid(kv))
		return nsw_error(err, 0, "bad --env '%s': expected KEY=VALUE", kv);
	if (c->n_env >= NSW_MAX_ENV)
		return nsw_error(err, 0, "too many --env (at most %d)", NSW_MAX_ENV);
	c->env[c->n_env] = strdup(kv);
	if (!c->env[c->n_env])
		return nsw_error(err, ENOMEM, "--env");
	c->n_env++;
	return 0;
}

static const char *const std_dirs[] = { "proc", "sys", "dev" };

/*
 * /proc, /sys and /dev of the image must be directories (or missing: they
 * are made), as runc requires: through a symlink, a standard mount could
 * land under a later one, out of reach of its masks. The init checks again
 * when it mounts (make_target()); this is the early, clear refusal.
 */
static int validate_std_dirs(const struct nsw_container *c, struct nsw_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(std_dirs); i++) {
		char path[PATH_MAX], link[PATH_MAX];
		struct stat st;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", c->rootfs, std_dirs[i]);
		if (lstat(path, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return nsw_error(err, errno, "rootfs: %s", path);
		}
		if (S_ISDIR(st.st_mode))
			continue;
		if (!S_ISLNK(st.st_mode))
			return nsw_error(err, 0,
					 "rootfs: %s is not a directory: /proc, /sys and /dev must be directories of the rootfs",
					 path);
		n = readlink(path, link, sizeof(link) - 1);
		link[n < 0 ? 0 : n] = '\0';
		return nsw_error(err, 0,
				 "rootfs: %s is a symlink (to %s): /proc, /sys and /dev must be directories of the rootfs",
				 path, link);
	}
	return 0;
}

static int validate_rootfs(struct nsw_container *c, struct nsw_error *err)
{
	char real[PATH_MAX];
	struct stat st;

	if (stat(c->rootfs, &st) < 0) {
		if (errno == ENOENT && !strcmp(c->rootfs, NSW_DEFAULT_ROOTFS))
			return nsw_error(err, 0,
					 "the default rootfs %s is missing: run 'make rootfs', or pass --rootfs DIR",
					 c->rootfs);
		return nsw_error(err, errno, "rootfs %s", c->rootfs);
	}
	if (!S_ISDIR(st.st_mode))
		return nsw_error(err, 0, "rootfs %s is not a directory",
				 c->rootfs);
	if (!realpath(c->rootfs, real))
		return nsw_error(err, errno, "rootfs %s", c->rootfs);
	if (!strcmp(real, "/"))
		return nsw_error(err, 0,
				 "rootfs %s is the host's root: give a separate directory",
				 c->rootfs);
	free(c->rootfs);
	c->rootfs = strdup(real);
	if (!c->rootfs)
		return nsw_error(err, ENOMEM, "rootfs");
	return validate_std_dirs(c, err);
}

static int validate_volumes(const struct nsw_container *c,
			    struct nsw_error *err)
{
	for (int i = 0; i < c->n_mounts; i++) {
		const struct nsw_mount *m = &c->mounts[i];
		struct stat st;

		if (m->fstype)
			continue;
		if (stat(m->source, &st) < 0)
			return nsw_error(err, errno, "volume source %s",
					 m->source);
	}
	return 0;
}

/* The whole map must be one that the kernel will accept for this caller. */
static int validate_maps(struct nsw_container *c, struct nsw_error *err)
{
	if (!(c->ns_flags & CLONE_NEWUSER)) {
		if (c->n_uid_maps || c->n_gid_maps)
			return nsw_error(err, 0,
					 "--uid-map and --gid-map need a user namespace (--ns has no user)");
		if (c->rootless)
			return nsw_error(err, 0,
					 "without root, a container needs a user namespace (add user to --ns)");
		return 0;
	}
	if (c->rootless) {
		uid_t uid = geteuid();
		gid_t gid = getegid();

		if (c->n_uid_maps &&
		    (c->n_uid_maps > 1 || c->uid_maps[0].outside != uid ||
		     c->uid_maps[0].count != 1))
			return nsw_error(err, 0,
					 "without root, --uid-map can only map one id to your own uid %u (e.g. 0:%u:1)",
					 uid, uid);
		if (c->n_gid_maps &&
		    (c->n_gid_maps > 1 || c->gid_maps[0].outside != gid ||
		     c->gid_maps[0].count != 1))
			return nsw_error(err, 0,
					 "without root, --gid-map can only map one id to your own gid %u (e.g. 0:%u:1)",
					 gid, gid);
		if (!c->n_uid_maps)
			c->uid_maps[c->n_uid_maps++] =
				(struct nsw_idmap){ 0, uid, 1 };
		if (!c->n_gid_maps)
			c->gid_maps[c->n_gid_maps++] =
				(struct nsw_idmap){ 0, gid, 1 };
	}
	if (c->n_uid_maps && !c->n_gid_maps) {
		memcpy(c->gid_maps, c->uid_maps, sizeof(c->uid_maps));
		c->n_gid_maps = c->n_uid_maps;
	}
	return 0;
}

/*
 * Given maps (the default is picked later, and is never one to one) that
 * map every id to itself: --uid-map 0:0:65536.
 */
static bool maps_identity(const struct nsw_idmap *maps, int n)
{
	for (int i = 0; i < n; i++)
		if (maps[i].inside != maps[i].outside)
			return false;
	return n > 0;
}

static bool id_mapped(const struct nsw_idmap *maps, int n, uint32_t id)
{
	for (int i = 0; i < n; i++)
		if (id >= maps[i].inside && id - maps[i].inside < maps[i].count)
			return true;
	return false;
}

/* Call after the default maps are known (nsw_idrange_pick fills them). */
int nsw_container_check_ids(const struct nsw_container *c,
			    struct nsw_error *err)
{
	if (!(c->ns_flags & CLONE_NEWUSER))
		return 0;
	if (!id_mapped(c->uid_maps, c->n_uid_maps, 0) ||
	    !id_mapped(c->gid_maps, c->n_gid_maps, 0))
		return nsw_error(err, 0,
				 "the id maps must map uid and gid 0 (the container's root sets up its mounts)");
	if (!id_mapped(c->uid_maps, c->n_uid_maps, c->uid))
		return nsw_error(err, 0,
				 "--user: uid %u is not mapped in the container (see --uid-map)",
				 c->uid);
	if (!id_mapped(c->gid_maps, c->n_gid_maps, c->gid))
		return nsw_error(err, 0,
				 "--user: gid %u is not mapped in the container (see --gid-map)",
				 c->gid);
	return 0;
}

/*
 * OCI: the config's mounts as given, then the host's harmless device nodes
 * (runc makes the same ones) where the config put none.
 */
static int add_oci_devices(struct nsw_container *c, struct nsw_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(std_mounts); i++) {
		const struct nsw_mount *d = &std_mounts[i];
		struct nsw_mount *m;
		bool given = false, oom = false;

		if (!d->is_file)
			continue;
		for (int j = 0; j < c->n_mounts && !given; j++)
			given = !strcmp(c->mounts[j].target, d->target);
		if (given)
			continue;
		if (c->n_mounts >= NSW_MAX_MOUNTS)
			return nsw_error(err, 0, "too many mounts");
		m = &c->mounts[c->n_mounts];
		*m = *d;
		m->source = dup_or_null(d->source, &oom);
		m->target = dup_or_null(d->target, &oom);
		c->n_mounts++;
		if (oom)
			return nsw_error(err, ENOMEM, "mounts");
	}
	return 0;
}

int nsw_container_validate(struct nsw_container *c, struct nsw_error *err)
{
	if (!c->argv || !c->argv[0])
		return nsw_error(err, 0, "no command given");
	if (!(c->ns_flags & CLONE_NEWNS) && !c->mnt_ns_path)
		return nsw_error(err, 0,
				 "--ns must include mnt: the rootfs needs a mount namespace");
	if (c->net == NSW_NET_BRIDGE && !(c->ns_flags & CLONE_NEWNET))
		return nsw_error(err, 0,
				 "--net bridge needs a network namespace (add net to --ns)");
	if (!(c->ns_flags & CLONE_NEWNET))
		c->net = NSW_NET_HOST;
	if (c->net == NSW_NET_BRIDGE && c->rootless)
		return nsw_error(err, 0,
				 "--net bridge needs root (it creates host interfaces)");
	/*
	 * The default, the name, is checked by nsw_name_valid(); one longer
	 * than the kernel's hostname is cut to it.
	 */
	if (!c->hostname[0] && !c->oci)
		snprintf(c->hostname, sizeof(c->hostname), "%.*s", NSW_HOSTNAME_MAX, c->name);
	else if (c->hostname[0] && !nsw_hostname_valid(c->hostname))
		return nsw_error(err, 0, NSW_HOSTNAME_RULE, c->hostname);
	if (c->workdir[0] != '/')
		return nsw_error(err, 0, "--workdir %s is not an absolute path",
				 c->workdir);
	if (validate_rootfs(c, err) < 0 || validate_volumes(c, err) < 0)
		return -1;
	if (validate_maps(c, err) < 0)
		return -1;
	/* An identity map idmaps nothing: no idmapped mount, which not every filesystem has. */
	c->idmap_rootfs = !c->rootless && (c->ns_flags & CLONE_NEWUSER) &&
			  !(maps_identity(c->uid_maps, c->n_uid_maps) &&
			    maps_identity(c->gid_maps, c->n_gid_maps));
	return c->oci ? add_oci_devices(c, err) : add_std_mounts(c, err);
}
