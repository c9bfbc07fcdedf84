// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <libmount/libmount.h>
#include "lib/lazylib.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "lib/clock.h"
#include "lib/util.h"

#define MIN_MEMORY	(1LL << 20)
#define MAX_PIDS	(4 * 1024 * 1024)	/* PID_MAX_LIMIT on 64-bit */
#define CPU_PERIOD_US	100000ULL
#define MIN_QUOTA_US	1000ULL
#define MAX_CPUS	1024ULL
#define RMDIR_WAIT_MS	2000
#define RMDIR_POLL_US	1000
/* Another container's destroy may remove the shared nswatch/ under us. */
#define MKDIR_TRIES	3
/* "/nswatch/" and a container name (NSW_NAME_MAX, container.h) and a NUL. */
#define NSW_NAME_MAX_PATH (sizeof("/nswatch/") + NSW_NAME_MAX)
#define SELF_MOUNTINFO "/proc/self/mountinfo"

/* "64k" ... "2t": binary units, each 10 bits above the one before. */
static const char memory_units[] = "kmgt";
#define MEMORY_UNIT_SHIFT 10

static const struct nsw_limits no_limits;

_Static_assert(sizeof(((struct nsw_cgroup_dir *)0)->path) == PATH_MAX,
	       "paths are built in PATH_MAX buffers");

int nsw_parse_memory(const char *s, long long *bytes, struct nsw_error *err)
{
	const char *unit;
	char *end;
	long long v;
	int shift = 0;

	/* strtoll() would take leading blanks and a sign. */
	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end && (unit = strchr(memory_units, tolower((unsigned char)*end)))) {
		shift = MEMORY_UNIT_SHIFT * (unit - memory_units + 1);
		end++;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end)
		goto bad;
	if (errno == ERANGE || v > LLONG_MAX >> shift)
		return nsw_error(err, 0, "memory limit '%s' is too large", s);
	v <<= shift;
	if (v < MIN_MEMORY)
		return nsw_error(err, 0,
				 "memory limit '%s' is below 1 MiB: the kernel would kill the container before it starts",
				 s);
	*bytes = v;
	return 0;
bad:
	return nsw_error(err, 0, "memory limit '%s' is not a size (e.g. 64m, 1g, 67108864)", s);
}

int nsw_parse_pids(const char *s, long long *max, struct nsw_error *err)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		goto bad;
	if (v < 1)
		return nsw_error(err, 0, "pids limit '%s' must be at least 1", s);
	/* The kernel refuses more in pids.max; say so before anything is made. */
	if (errno == ERANGE || v > MAX_PIDS)
		return nsw_error(err, 0, "pids limit '%s' is above the kernel's maximum of %d", s,
				 MAX_PIDS);
	*max = v;
	return 0;
bad:
	return nsw_error(err, 0, "pids limit '%s' is not a positive integer", s);
}

/*
 * Decimal digits by hand rather than strtod(): exact microseconds for
 * "0.1", and no "1e3", "inf" or "0x10".
 */
int nsw_parse_cpus(const char *s, unsigned long long *quota_us, unsigned long long *period_us,
		   struct nsw_error *err)
{
	unsigned long long whole = 0, frac = 0, scale = CPU_PERIOD_US;
	bool digits = false, nonzero = false;
	const char *p;

	for (p = s; isdigit((unsigned char)*p); p++) {
		/* Stop growing once over the maximum: no overflow. */
		if (whole <= MAX_CPUS)
			whole = whole * 10 + (*p - '0');
		digits = true;
		nonzero |= *p != '0';
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			scale /= 10;
			frac += (*p - '0') * scale;
			digits = true;
			nonzero |= *p != '0';
		}
	}
	if (!digits || *p)
		return nsw_error(err, 0, "CPU limit '%s' is not a number of CPUs (e.g. 0.5, 2)", s);
	if (!nonzero)
		return nsw_error(err, 0, "CPU limit '%s' must be more than 0", s);
	if (whole > MAX_CPUS || (whole == MAX_CPUS && frac))
		return nsw_error(err, 0, "CPU limit '%s' is above %llu CPUs", s, MAX_CPUS);
	*quota_us = whole * CPU_PERIOD_US + frac;
	if (*quota_us < MIN_QUOTA_US)
		return nsw_error(err, 0,
				 "CPU limit '%s' is below 0.01 CPU (the kernel's minimum quota is %llu us)",
				 s, MIN_QUOTA_US);
	*period_us = CPU_PERIOD_US;
	return 0;
}

enum { CTL_MEMORY, CTL_PIDS, CTL_CPU, CTL_CPUSET, CTL_DEVICES, CTL_COUNT };

static const char *const ctl_names[CTL_COUNT] = { "memory", "pids", "cpu", "cpuset", "devices" };

/* The v1 controllers a kernel may have; a hierarchy is named by its first. */
static const char *const v1_controllers[] = {
	"cpuset", "cpu",     "cpuacct",	   "blkio",   "memory", "devices", "freezer",
	"net_cls", "net_prio", "perf_event", "hugetlb", "pids",	  "rdma",    "misc",
};

static bool wanted(const struct nsw_limits *lim, int ctl)
{
	switch (ctl) {
	case CTL_MEMORY:
		return lim->memory_bytes > 0;
	case CTL_PIDS:
		return lim->pids_max > 0;
	case CTL_CPUSET:
		return lim->cpuset_cpus[0] || lim->cpuset_mems[0];
	case CTL_DEVICES:
		return lim->n_device_rules > 0;
	default:
		return lim->cpu_quota_us > 0 || lim->cpu_shares > 0 || lim->cpu_rt_period_us > 0 ||
		       lim->cpu_rt_runtime_us != 0;
	}
}

static bool has_limits(const struct nsw_limits *lim)
{
	for (int ctl = 0; ctl < CTL_COUNT; ctl++)
		if (wanted(lim, ctl))
			return true;
	return false;
}

/* Is word one of the delims-separated items of list? */
static bool has_word(const char *list, const char *word, const char *delims)
{
	size_t len = strlen(word), n;

	for (list += strspn(list, delims); *list; list += strspn(list, delims)) {
		n = strcspn(list, delims);
		if (n == len && !strncmp(list, word, len))
			return true;
		list += n;
	}
	return false;
}

/* dir/file into a PATH_MAX buffer; a mount at "/" must not give "//nswatch". */
static int join(char *buf, const char *dir, const char *file, struct nsw_error *err)
{
	const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";

	if (snprintf(buf, PATH_MAX, "%s%s%s", dir, sep, file) >= PATH_MAX)
		return nsw_error(err, ENAMETOOLONG, "path %s/%s is too long", dir, file);
	return 0;
}

static void dir_of(char *buf, const char *path)
{
	char *slash;

	snprintf(buf, PATH_MAX, "%s", path);
	slash = strrchr(buf, '/');
	if (slash == buf)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
}

/* path's parent, in place. */
static void up(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash == path)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
}

static bool has_file(const char *dir, const char *file)
{
	struct nsw_error ignored;
	char path[PATH_MAX];

	return !join(path, dir, file, &ignored) && !access(path, F_OK);
}

static int write_file(const char *dir, const char *file, const char *val,
		      struct nsw_error *err)
{
	cleanup_close int fd = -1;
	size_t len = strlen(val);
	char path[PATH_MAX];
	ssize_t n;

	if (join(path, dir, file, err))
		return -1;
	/* The kernel makes a cgroup's interface files; a missing one is an error. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	/* cgroupfs takes a value in one write() or not at all. */
	n = write(fd, val, len);
	if (n != (ssize_t)len)
		return nsw_error(err, n < 0 ? errno : EIO, "cannot write '%s' to %s", val, path);
	return 0;
}

static int read_file(const char *dir, const char *file, char *buf, size_t size,
		     struct nsw_error *err)
{
	cleanup_close int fd = -1;
	char path[PATH_MAX];
	ssize_t n;

	if (join(path, dir, file, err))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	n = read(fd, buf, size - 1);
	if (n < 0)
		return nsw_error(err, errno, "cannot read %s", path);
	buf[n] = '\0';
	return 0;
}


/* ctl NULL: the cgroup2 mount; else the v1 hierarchy with ctl among its options. */
static bool is_mount_of(struct libmnt_fs *fs, const char *ctl)
{
	const char *fstype = mnt_fs_get_fstype(fs), *opts;

	if (!fstype)
		return false;
	if (!ctl)
		return !strcmp(fstype, "cgroup2");
	/* The superblock's options name the controllers, each whole ("cpu" is not "cpuset"). */
	opts = mnt_fs_get_fs_options(fs);
	return !strcmp(fstype, "cgroup") && opts &&
	       mnt_optstr_get_option(opts, ctl, NULL, NULL) == 0;
}

/*
 * 1 with the mountpoint in mnt (PATH_MAX) and the mount's root in the
 * hierarchy in *root (NULL: not wanted); 0 if there is none.
 */
static int find_mount(struct libmnt_table *tb, const char *ctl, char *mnt, const char **root,
		      struct nsw_error *err)
{
	cleanup_mnt_iter struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	const char *target;
	int ret;

	if (!it)
		return nsw_error(err, ENOMEM, "cannot walk the mount table");
	while ((ret = mnt_table_next_fs(tb, it, &fs)) == 0) {
		if (!is_mount_of(fs, ctl) || !(target = mnt_fs_get_target(fs)))
			continue;
		if (snprintf(mnt, PATH_MAX, "%s", target) >= PATH_MAX)
			return nsw_error(err, ENAMETOOLONG, "cgroup mountpoint %s is too long",
					 target);
		if (root)
			*root = mnt_fs_get_root(fs) ? mnt_fs_get_root(fs) : "/";
		return 1;
	}
	if (ret < 0)
		return nsw_error(err, ret, "cannot walk the mount table");
	return 0;
}

/*
 * Which directories to make (cg->dirs[0..planned-1], the v2 one first) and
 * in which of them each controller's limit goes. cg->n counts those made.
 */
struct plan {
	int planned;
	int where[CTL_COUNT];	/* index in cg->dirs; -1: no limit */
	char enable[64];	/* "+memory +pids" for v2 cgroup.subtree_control */
	/* Where each directory's mountpoint ends in its path: what is below is made. */
	size_t base[NSW_CGROUP_MAX_DIRS];
};

static void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	for (int ctl = 0; ctl < CTL_COUNT; ctl++)
		p->where[ctl] = -1;
}

/* cgroup.controllers lists every controller the kernel has, a word each. */
#define V2_CONTROLLERS_LEN 1024
/* A line of /proc/self/cgroup: "4:memory:/a/b". */
#define SELF_CGROUP "/proc/self/cgroup"

/*
 * This process's cgroup in a hierarchy (ctl NULL: v2's "0::"), from
 * /proc/self/cgroup, into buf (PATH_MAX).
 */
static int own_cgroup(const char *ctl, char *buf, struct nsw_error *err)
{
	cleanup_fclose FILE *f = fopen(SELF_CGROUP, "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return nsw_error(err, errno, "cannot open %s", SELF_CGROUP);
	while ((n = getline(&line, &cap, f)) > 0) {
		char *ctls = strchr(line, ':'), *path;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (!ctls || !(path = strchr(ctls + 1, ':')))
			continue;
		*path++ = '\0';
		*ctls++ = '\0';
		if (ctl ? !has_word(ctls, ctl, ",") : strcmp(line, "0") || ctls[0])
			continue;
		if (snprintf(buf, PATH_MAX, "%s", path) >= PATH_MAX)
			return nsw_error(err, ENAMETOOLONG, "%s: %s", SELF_CGROUP, path);
		return 0;
	}
	return nsw_error(err, 0, "%s: no line for the %s hierarchy", SELF_CGROUP,
			 ctl ? ctl : "cgroup v2");
}

/*
 * The container's directory below a hierarchy's mountpoint, as runc's
 * cgroupfs driver puts it: nswatch/NAME by default; an absolute
 * cgroupsPath below the mountpoint; a relative one below this process's
 * own cgroup (for v2: its parent, which holds no process of its own).
 */
static int inner_path(const struct nsw_limits *lim, const char *name, const char *ctl,
		      const char *root, char *rel, struct nsw_error *err)
{
	char own[PATH_MAX];
	const char *sub;
	size_t rlen;

	if (!lim->path)
		return snprintf(rel, PATH_MAX, "nswatch/%s", name) >= PATH_MAX
			   ? nsw_error(err, ENAMETOOLONG, "cgroup name %s", name)
			   : 0;
	if (lim->path[0] == '/') {
		snprintf(rel, PATH_MAX, "%s", lim->path + 1);
		return 0;
	}
	if (own_cgroup(ctl, own, err) < 0)
		return -1;
	if (!ctl) {
		char *slash = strrchr(own, '/');

		if (slash)
			slash[slash == own] = '\0';
	}
	/* The mount shows the hierarchy from root down (a cgroup namespace's mount). */
	rlen = strcmp(root, "/") ? strlen(root) : 0;
	if (strncmp(own, root, rlen) || (own[rlen] && own[rlen] != '/'))
		return nsw_error(err, 0,
				 "linux.cgroupsPath '%s': this process's cgroup %s is outside the "
				 "mounted part %s of the %s hierarchy",
				 lim->path, own, root, ctl ? ctl : "v2");
	sub = own + rlen;
	sub += strspn(sub, "/");
	if (snprintf(rel, PATH_MAX, "%s%s%s", sub, sub[0] ? "/" : "", lim->path) >= PATH_MAX)
		return nsw_error(err, ENAMETOOLONG, "linux.cgroupsPath '%s'", lim->path);
	return 0;
}

/* The index of <mnt>/REL in the plan, added if new. */
static int plan_dir(struct nsw_cgroup *cg, struct plan *p, int version, const char *ctl,
		    const char *mnt, const char *rel, struct nsw_error *err)
{
	struct nsw_cgroup_dir *d = &cg->dirs[p->planned];
	char path[PATH_MAX];

	if (join(path, mnt, rel, err))
		return -1;
	/* Co-mounted v1 controllers ("cpu,cpuacct") share one directory. */
	for (int i = 0; i < p->planned; i++)
		if (!strcmp(cg->dirs[i].path, path))
			return i;
	if (p->planned == NSW_CGROUP_MAX_DIRS)
		return nsw_error(err, 0, "more than %d cgroup hierarchies needed",
				 NSW_CGROUP_MAX_DIRS);
	d->version = version;
	snprintf(d->controller, sizeof(d->controller), "%s", ctl);
	memcpy(d->path, path, sizeof(d->path));
	d->made = 0;
	p->base[p->planned] = strlen(path) - strlen(rel);
	return p->planned++;
}

/* The directory of the v1 hierarchy mounted by fs (ctl its first controller). */
static int plan_v1_mount(struct nsw_cgroup *cg, struct plan *p, const char *mnt, const char *root,
			 const char *ctl, const char *name, const struct nsw_limits *lim,
			 struct nsw_error *err)
{
	char rel[PATH_MAX];

	if (inner_path(lim, name, ctl, root, rel, err) < 0)
		return -1;
	return plan_dir(cg, p, 1, ctl, mnt, rel, err);
}

static int plan_v1(struct nsw_cgroup *cg, struct plan *p, struct libmnt_table *tb, int ctl,
		   const char *name, const struct nsw_limits *lim, struct nsw_error *err)
{
	char mnt[PATH_MAX];
	const char *root;
	int found;

	found = find_mount(tb, ctl_names[ctl], mnt, &root, err);
	if (found < 0)
		return -1;
	if (!found)
		return nsw_error(err, 0,
				 "cgroup controller '%s' is not available (neither in cgroup v2 nor mounted as a v1 hierarchy)",
				 ctl_names[ctl]);
	p->where[ctl] = plan_v1_mount(cg, p, mnt, root, ctl_names[ctl], name, lim, err);
	return p->where[ctl] < 0 ? -1 : 0;
}

/* Every v1 hierarchy with a controller, once each (named ones like name=systemd: none). */
static int plan_every_v1(struct nsw_cgroup *cg, struct plan *p, struct libmnt_table *tb,
			 const char *name, const struct nsw_limits *lim, struct nsw_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++) {
		char mnt[PATH_MAX];
		const char *root;
		int found = find_mount(tb, v1_controllers[i], mnt, &root, err);

		if (found < 0)
			return -1;
		if (found &&
		    plan_v1_mount(cg, p, mnt, root, v1_controllers[i], name, lim, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * The cgroup2 mount where systemd and most distributions put it (pure v2,
 * then hybrid), asked of the kernel: 1 with the mountpoint in mnt, else 0.
 * The mount table is read (and libmount loaded) only when it is elsewhere
 * or a v1 hierarchy is needed.
 */
static int usual_v2_mount(const char *mountinfo, char *mnt)
{
	static const char *const usual[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statx stx;
	struct statfs sf;

	if (strcmp(mountinfo, SELF_MOUNTINFO))
		return 0;	/* a test's table */
	for (size_t i = 0; i < ARRAY_SIZE(usual); i++) {
		if (statfs(usual[i], &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC ||
		    statx(AT_FDCWD, usual[i], AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0 ||
		    nsw_statx_mount_root(&stx) != 1)
			continue;
		snprintf(mnt, PATH_MAX, "%s", usual[i]);
		return 1;
	}
	return 0;
}

/* Decide everything before making anything: a missing controller costs nothing. */
static int plan_dirs(struct nsw_cgroup *cg, struct plan *p, const char *mountinfo,
		     const char *name, const struct nsw_limits *lim, struct nsw_error *err)
{
	cleanup_mnt_table struct libmnt_table *tb = NULL;
	char mnt[PATH_MAX], rel[PATH_MAX], v2_ctls[V2_CONTROLLERS_LEN] = "";
	const char *root = "/";
	size_t len;
	int v2 = 0;

	/* A relative path needs each mount's root; every hierarchy, the table. */
	if (!lim->path && !lim->every_hierarchy)
		v2 = usual_v2_mount(mountinfo, mnt);
	if (!v2) {
		if (nsw_mnt_read_table(mountinfo, &tb, err) < 0)
			return -1;
		v2 = find_mount(tb, NULL, mnt, &root, err);
	}
	if (v2 < 0)
		return -1;
	if (v2 && (read_file(mnt, "cgroup.controllers", v2_ctls, sizeof(v2_ctls), err) ||
		   inner_path(lim, name, NULL, root, rel, err) < 0 ||
		   plan_dir(cg, p, 2, "", mnt, rel, err) < 0))
		return -1;
	if (lim->every_hierarchy && plan_every_v1(cg, p, tb, name, lim, err) < 0)
		return -1;
	for (int ctl = 0; ctl < CTL_COUNT; ctl++) {
		if (!wanted(lim, ctl))
			continue;
		if (!has_word(v2_ctls, ctl_names[ctl], " \n")) {
			if (!tb && nsw_mnt_read_table(mountinfo, &tb, err) < 0)
				return -1;
			/* v2 has no devices controller (a BPF program): v1's, or nodev alone. */
			if (ctl == CTL_DEVICES && !lim->devices_needed &&
			    find_mount(tb, ctl_names[ctl], mnt, NULL, err) == 0)
				continue;
			if (plan_v1(cg, p, tb, ctl, name, lim, err))
				return -1;
			continue;
		}
		p->where[ctl] = 0;
		len = strlen(p->enable);
		snprintf(p->enable + len, sizeof(p->enable) - len, "%s+%s", len ? " " : "",
			 ctl_names[ctl]);
	}
	return 0;
}

/*
 * A new v1 cpuset cgroup has no CPUs and no memory nodes, and takes no
 * task until it has: it gets its parent's, as runc gives them.
 */
static int cpuset_inherit(const char *dir, struct nsw_error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[PATH_MAX], val[NSW_CPUSET_MAX * 4];

	dir_of(parent, dir);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (read_file(dir, files[i], val, sizeof(val), err))
			return -1;
		if (val[strspn(val, " \n")])
			continue;
		if (read_file(parent, files[i], val, sizeof(val), err) ||
		    write_file(dir, files[i], val, err))
			return -1;
	}
	return 0;
}

/* Remove the last made components of path, deepest first, each only if empty. */
static void remove_made(const char *path, int made)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	for (; made > 0; made--) {
		if (rmdir(dir) && errno != ENOENT)
			return;
		up(dir);
	}
}

/*
 * Make d->path, every component below the mountpoint (base) that is not
 * there yet, enabling the v2 controllers on the way down (a v2 cgroup
 * offers only what its parent's subtree_control lists). The last one must
 * be new. d->made: how many were made. On failure, those are removed.
 */
static int try_make_dir(struct nsw_cgroup_dir *d, size_t base, const char *enable,
			struct nsw_error *err)
{
	bool cpuset = d->version == 1 && !strcmp(d->controller, "cpuset");
	char dir[PATH_MAX];
	size_t end = base;

	d->made = 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(base > 1 ? base - 1 : base), d->path);
	while (d->path[end]) {
		bool leaf;

		if (*enable && write_file(dir, "cgroup.subtree_control", enable, err))
			goto undo;
		end += strspn(d->path + end, "/");
		end += strcspn(d->path + end, "/");
		leaf = !d->path[end];
		snprintf(dir, sizeof(dir), "%.*s", (int)end, d->path);
		if (mkdir(dir, 0755) == 0) {
			d->made++;
			if (cpuset && cpuset_inherit(dir, err))
				goto undo;
			continue;
		}
		if (errno == EEXIST && leaf)
			nsw_error(err, errno,
				  "cgroup %s already exists (left over from an earlier run, or in use)",
				  d->path);
		else if (errno != EEXIST || d->made)
			nsw_error(err, errno, "cannot create %s", dir);
		else
			continue;
		goto undo;
	}
	return 0;
undo:
	remove_made(dir, d->made);
	d->made = 0;
	return -1;
}

static int make_dir(struct nsw_cgroup_dir *d, size_t base, const char *enable, bool custom,
		    struct nsw_error *err)
{
	char parent[PATH_MAX];

	for (int tries = 0; tries < MKDIR_TRIES; tries++) {
		if (!try_make_dir(d, base, enable, err)) {
			/* nswatch/ is shared: removed with the last container, made or not. */
			if (!custom)
				d->made = 0;
			return 0;
		}
		if (err->errnum != ENOENT)
			break;
	}
	/* Only if empty: other containers may live in it. */
	if (!custom) {
		dir_of(parent, d->path);
		rmdir(parent);
	}
	return -1;
}

static int set_memory(const struct nsw_cgroup_dir *d, long long bytes, struct nsw_error *err)
{
	bool v2 = d->version == 2;
	const char *swap = v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	char val[32];

	snprintf(val, sizeof(val), "%lld", bytes);
	if (write_file(d->path, v2 ? "memory.max" : "memory.limit_in_bytes", val, err))
		return -1;
	/*
	 * Else the container swaps rather than meets its limit. The file is
	 * there only with swap accounting; v1's memsw counts memory + swap and
	 * may not be below limit_in_bytes, hence second.
	 */
	if (!has_file(d->path, swap))
		return 0;
	return write_file(d->path, swap, v2 ? "0" : val, err);
}

static int set_pids(const struct nsw_cgroup_dir *d, long long max, struct nsw_error *err)
{
	char val[32];

	snprintf(val, sizeof(val), "%lld", max);
	return write_file(d->path, "pids.max", val, err);
}

/* runc's map of v1 shares [2, 262144] onto v2 weights [1, 10000]. */
#define SHARES_MIN 2ULL
#define SHARES_SPAN 262142ULL
#define WEIGHT_SPAN 9999ULL

static int set_cpu_extra(const struct nsw_cgroup_dir *d, const struct nsw_limits *lim,
			 struct nsw_error *err)
{
	char val[24];

	if (lim->cpu_shares) {
		if (d->version == 2)
			snprintf(val, sizeof(val), "%llu",
				 1 + (lim->cpu_shares - SHARES_MIN) * WEIGHT_SPAN / SHARES_SPAN);
		else
			snprintf(val, sizeof(val), "%llu", lim->cpu_shares);
		if (write_file(d->path, d->version == 2 ? "cpu.weight" : "cpu.shares", val, err))
			return -1;
	}
	if (!lim->cpu_rt_period_us && !lim->cpu_rt_runtime_us)
		return 0;
	if (d->version == 2 || !has_file(d->path, "cpu.rt_runtime_us"))
		return nsw_error(err, 0,
				 "cpu realtime period and runtime: this kernel's cpu cgroup has no "
				 "cpu.rt_runtime_us (CONFIG_RT_GROUP_SCHED, cgroup v1)");
	/* The period first: a runtime is checked against it. */
	snprintf(val, sizeof(val), "%llu", lim->cpu_rt_period_us);
	if (lim->cpu_rt_period_us && write_file(d->path, "cpu.rt_period_us", val, err))
		return -1;
	snprintf(val, sizeof(val), "%lld", lim->cpu_rt_runtime_us);
	return lim->cpu_rt_runtime_us ? write_file(d->path, "cpu.rt_runtime_us", val, err) : 0;
}

static int set_cpu(const struct nsw_cgroup_dir *d, const struct nsw_limits *lim,
		   struct nsw_error *err)
{
	unsigned long long period = lim->cpu_period_us ? lim->cpu_period_us : CPU_PERIOD_US;
	char quota[24], per[24], max[48];

	if (set_cpu_extra(d, lim, err))
		return -1;
	if (!lim->cpu_quota_us)
		return 0;
	snprintf(quota, sizeof(quota), "%llu", lim->cpu_quota_us);
	snprintf(per, sizeof(per), "%llu", period);
	if (d->version == 2) {
		snprintf(max, sizeof(max), "%s %s", quota, per);
		return write_file(d->path, "cpu.max", max, err);
	}
	/*
	 * v1 checks the quota against the current period; a new group's quota
	 * is -1, so the period goes in first unchecked.
	 */
	if (write_file(d->path, "cpu.cfs_period_us", per, err))
		return -1;
	return write_file(d->path, "cpu.cfs_quota_us", quota, err);
}

static int set_cpuset(const struct nsw_cgroup_dir *d, const struct nsw_limits *lim,
		      struct nsw_error *err)
{
	if (lim->cpuset_cpus[0] && write_file(d->path, "cpuset.cpus", lim->cpuset_cpus, err))
		return -1;
	if (lim->cpuset_mems[0] && write_file(d->path, "cpuset.mems", lim->cpuset_mems, err))
		return -1;
	return 0;
}

/*
 * Every device denied, then the rules in order, as the v1 devices cgroup
 * takes them: "a" resets to all denied (deny) or allowed (allow).
 */
static int set_devices(const struct nsw_cgroup_dir *d, const struct nsw_limits *lim,
		       struct nsw_error *err)
{
	if (write_file(d->path, "devices.deny", "a", err))
		return -1;
	for (int i = 0; i < lim->n_device_rules; i++) {
		const struct nsw_device_rule *r = &lim->device_rules[i];
		char rule[64], major[24] = "*", minor[24] = "*";

		if (r->major >= 0)
			snprintf(major, sizeof(major), "%lld", r->major);
		if (r->minor >= 0)
			snprintf(minor, sizeof(minor), "%lld", r->minor);
		if (r->type == 'a')
			snprintf(rule, sizeof(rule), "a");
		else
			snprintf(rule, sizeof(rule), "%c %s:%s %s", r->type, major, minor, r->access);
		if (write_file(d->path, r->allow ? "devices.allow" : "devices.deny", rule, err))
			return -1;
	}
	return 0;
}

static int set_limits(const struct nsw_cgroup *cg, const struct plan *p,
		      const struct nsw_limits *lim, struct nsw_error *err)
{
	int mem = p->where[CTL_MEMORY], pids = p->where[CTL_PIDS], cpu = p->where[CTL_CPU];
	int cpuset = p->where[CTL_CPUSET];

	if (mem >= 0 && set_memory(&cg->dirs[mem], lim->memory_bytes, err))
		return -1;
	if (pids >= 0 && set_pids(&cg->dirs[pids], lim->pids_max, err))
		return -1;
	if (cpu >= 0 && set_cpu(&cg->dirs[cpu], lim, err))
		return -1;
	if (cpuset >= 0 && set_cpuset(&cg->dirs[cpuset], lim, err))
		return -1;
	if (p->where[CTL_DEVICES] >= 0 && set_devices(&cg->dirs[p->where[CTL_DEVICES]], lim, err))
		return -1;
	return 0;
}

int nsw_cgroup_create_at(struct nsw_cgroup *cg, const char *mountinfo_path, const char *name,
			 const struct nsw_limits *lim, struct nsw_error *err)
{
	struct plan p;
	struct nsw_error undo;
	size_t len;

	plan_init(&p);
	cg->n = 0;
	if (!lim)
		lim = &no_limits;
	if (plan_dirs(cg, &p, mountinfo_path, name, lim, err))
		return -1;
	cg->devices = p.where[CTL_DEVICES] >= 0;
	/* All directories first: a leftover is found before any limit is set. */
	for (; cg->n < p.planned; cg->n++)
		if (make_dir(&cg->dirs[cg->n], p.base[cg->n],
			     cg->dirs[cg->n].version == 2 ? p.enable : "", lim->path != NULL, err))
			goto remove_dirs;
	if (set_limits(cg, &p, lim, err))
		goto remove_dirs;
	return 0;
remove_dirs:
	if (nsw_cgroup_destroy(cg, &undo)) {
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, "; undoing it: %s", undo.msg);
	}
	cg->n = 0;
	return -1;
}

int nsw_cgroup_create(struct nsw_cgroup *cg, const char *name, const struct nsw_limits *lim,
		      struct nsw_error *err)
{
	cg->n = 0;
	/* Rootless: no cgroup unless limits were asked for, which need one. */
	if (geteuid() != 0) {
		if (lim && has_limits(lim))
			return nsw_error(err, 0,
					 "cgroup limits need root (no delegated cgroup for uid %u)",
					 (unsigned int)geteuid());
		return 0;
	}
	return nsw_cgroup_create_at(cg, SELF_MOUNTINFO, name, lim, err);
}

int nsw_cgroup_add_pid(const struct nsw_cgroup *cg, pid_t pid, struct nsw_error *err)
{
	char val[24];

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (int i = 0; i < cg->n; i++)
		if (write_file(cg->dirs[i].path, "cgroup.procs", val, err))
			return -1;
	return 0;
}

static long long now_ms(void)
{
	return nsw_mono_ns() / NSW_NSEC_PER_MSEC;
}

/* A cgroup is busy until its last task has finished exiting; wait for that. */
static int remove_dir(const char *path, long long deadline)
{
	while (rmdir(path)) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || now_ms() >= deadline)
			return -1;
		usleep(RMDIR_POLL_US);
	}
	return 0;
}

/* The shared nswatch/ goes only with its last container. */
static bool parent_in_use(int errnum)
{
	return errnum == ENOTEMPTY || errnum == EEXIST || errnum == EBUSY || errnum == ENOENT;
}

int nsw_cgroup_destroy(const struct nsw_cgroup *cg, struct nsw_error *err)
{
	long long deadline = now_ms() + RMDIR_WAIT_MS;
	char parent[PATH_MAX];
	int ret = 0;

	for (int i = 0; i < cg->n; i++) {
		if (!remove_dir(cg->dirs[i].path, deadline) || ret)
			continue;
		if (errno == EBUSY)
			ret = nsw_error(err, errno, "cannot remove cgroup %s (tasks still in it after %d ms)",
					cg->dirs[i].path, RMDIR_WAIT_MS);
		else
			ret = nsw_error(err, errno, "cannot remove cgroup %s", cg->dirs[i].path);
	}
	for (int i = 0; i < cg->n; i++) {
		dir_of(parent, cg->dirs[i].path);
		/* A config's path: the parents this container made, those left empty. */
		if (cg->dirs[i].made) {
			remove_made(parent, cg->dirs[i].made - 1);
			continue;
		}
		if (!rmdir(parent) || parent_in_use(errno) || ret)
			continue;
		ret = nsw_error(err, errno, "cannot remove %s", parent);
	}
	return ret;
}

int nsw_cgroup_plan(struct nsw_cgroup *cg, const char *name, const struct nsw_limits *lim,
		    struct nsw_error *err)
{
	struct plan p;

	plan_init(&p);
	cg->n = 0;
	if (geteuid() != 0)
		return 0;
	if (plan_dirs(cg, &p, SELF_MOUNTINFO, name, lim ? lim : &no_limits, err))
		return -1;
	cg->devices = p.where[CTL_DEVICES] >= 0;
	/* What a config's path will make: what is not there now. */
	for (int i = 0; lim && lim->path && i < p.planned; i++) {
		char dir[PATH_MAX];
		struct stat sb;

		snprintf(dir, sizeof(dir), "%s", cg->dirs[i].path);
		for (size_t len = strlen(dir); len > p.base[i] && lstat(dir, &sb) < 0;
		     len = strlen(dir)) {
			cg->dirs[i].made++;
			up(dir);
		}
	}
	cg->n = p.planned;
	return 0;
}

/*
 * The directory above nswatch/NAME: reached without a symlink, the root of
 * a mount, and that mount a cgroup hierarchy of the dir's version.
 */
static int check_mountpoint(const struct nsw_cgroup_dir *d, int i, struct nsw_error *err)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	char mnt[PATH_MAX], parent[PATH_MAX];
	cleanup_close int fd = -1;
	struct statfs sfs;
	struct statx stx;

	dir_of(parent, d->path);
	dir_of(mnt, parent);
	fd = syscall(SYS_openat2, AT_FDCWD, mnt, &how, sizeof(how));
	if (fd < 0)
		return nsw_error(err, errno, "cgroups[%d].path: %s", i, mnt);
	if (fstatfs(fd, &sfs) < 0 || statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, &stx) < 0)
		return nsw_error(err, errno, "cgroups[%d].path: %s", i, mnt);
	if (sfs.f_type != (d->version == 2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
		return nsw_error(err, 0, "cgroups[%d].path: %s is not a cgroup v%d hierarchy", i,
				 mnt, d->version);
	if (nsw_statx_mount_root(&stx) == 0)
		return nsw_error(err, 0, "cgroups[%d].path: %s is not where a cgroup hierarchy is mounted",
				 i, mnt);
	return 0;
}

/*
 * A config's path: what is above the made components, if still there, is
 * reached without a symlink and is a cgroup of the dir's version (what
 * destroy removes is an empty cgroup at most). Gone: nothing to remove.
 */
static int check_made(const struct nsw_cgroup_dir *d, int i, struct nsw_error *err)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	cleanup_close int fd = -1;
	char base[PATH_MAX];
	struct statfs sfs;

	if (d->path[0] != '/' || strstr(d->path, "/../") || strstr(d->path, "/./") ||
	    strstr(d->path, "//"))
		return nsw_error(err, 0, "cgroups[%d].path: %s is not a canonical path", i, d->path);
	snprintf(base, sizeof(base), "%s", d->path);
	for (int k = 0; k < d->made; k++) {
		if (!strcmp(base, "/"))
			return nsw_error(err, 0, "cgroups[%d].made: more than the path's components", i);
		up(base);
	}
	fd = syscall(SYS_openat2, AT_FDCWD, base, &how, sizeof(how));
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstatfs(fd, &sfs) < 0)
		return nsw_error(err, errno, "cgroups[%d].path: %s", i, base);
	if (sfs.f_type != (d->version == 2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
		return nsw_error(err, 0, "cgroups[%d].path: %s is not in a cgroup v%d hierarchy", i,
				 base, d->version);
	return 0;
}

int nsw_cgroup_check_owned(const struct nsw_cgroup *cg, const char *name, struct nsw_error *err)
{
	char want[NSW_NAME_MAX_PATH];

	snprintf(want, sizeof(want), "/nswatch/%s", name);
	for (int i = 0; i < cg->n; i++) {
		const struct nsw_cgroup_dir *d = &cg->dirs[i];
		size_t len = strlen(d->path), wlen = strlen(want);

		if (d->version != 1 && d->version != 2)
			return nsw_error(err, 0, "cgroups[%d].version: not 1 or 2", i);
		if (d->made > 0) {
			if (check_made(d, i, err) < 0)
				return -1;
			continue;
		}
		if (d->path[0] != '/' || len <= wlen || strcmp(d->path + len - wlen, want) ||
		    strstr(d->path, "/../") || strstr(d->path, "/./") || strstr(d->path, "//"))
			return nsw_error(err, 0, "cgroups[%d].path: %s is not <mount>/nswatch/%s", i,
					 d->path, name);
		if (check_mountpoint(d, i, err) < 0)
			return -1;
	}
	return 0;
}

int nsw_cgroup_path_valid(char *path, struct nsw_error *err)
{
	char *out = path;
	const char *c = path;

	if (strchr(path, ':'))
		return nsw_error(err, 0,
				 "'%s' is the systemd cgroup driver's form (slice:prefix:name); "
				 "nswatch manages cgroups itself (cgroupfs paths, no systemd)",
				 path);
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return nsw_error(err, 0, "'%s': a control character", path);
	for (const char *p = path; *p;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return nsw_error(err, 0, "'%s': a '.' or '..' component", path);
		p += n;
	}
	if (*c == '/')
		*out++ = *c++;
	while (*c) {
		size_t n;

		c += strspn(c, "/");
		n = strcspn(c, "/");
		if (!n)
			break;
		if (out > path && out[-1] != '/')
			*out++ = '/';
		memmove(out, c, n);
		out += n;
		c += n;
	}
	*out = '\0';
	if (!path[0] || !strcmp(path, "/"))
		return nsw_error(err, 0, "'%s' is a hierarchy's root: a container needs a cgroup of its own",
				 path[0] ? path : "");
	return 0;
}

int nsw_cgroup_mountpoint(const char *path, char *mnt, struct nsw_error *err)
{
	struct statx stx;

	snprintf(mnt, PATH_MAX, "%s", path);
	for (;;) {
		if (statx(AT_FDCWD, mnt, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) == 0 &&
		    nsw_statx_mount_root(&stx) == 1)
			return 0;
		if (!strcmp(mnt, "/"))
			return nsw_error(err, 0, "cgroup %s: no hierarchy mounted above it", path);
		up(mnt);
	}
}
