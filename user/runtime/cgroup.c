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

enum { CTL_MEMORY, CTL_PIDS, CTL_CPU, CTL_COUNT };

static const char *const ctl_names[CTL_COUNT] = { "memory", "pids", "cpu" };

static bool wanted(const struct nsw_limits *lim, int ctl)
{
	switch (ctl) {
	case CTL_MEMORY:
		return lim->memory_bytes > 0;
	case CTL_PIDS:
		return lim->pids_max > 0;
	default:
		return lim->cpu_quota_us > 0;
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

/* 1 with the mountpoint in mnt (PATH_MAX); 0 if there is none. */
static int find_mount(struct libmnt_table *tb, const char *ctl, char *mnt, struct nsw_error *err)
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
};

/* cgroup.controllers lists every controller the kernel has, a word each. */
#define V2_CONTROLLERS_LEN 1024

/* The index of <mnt>/nswatch/NAME in the plan, added if new. */
static int plan_dir(struct nsw_cgroup *cg, struct plan *p, int version, const char *ctl,
		    const char *mnt, const char *name, struct nsw_error *err)
{
	struct nsw_cgroup_dir *d = &cg->dirs[p->planned];
	char parent[PATH_MAX], path[PATH_MAX];

	if (join(parent, mnt, "nswatch", err) || join(path, parent, name, err))
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
	return p->planned++;
}

static int plan_v1(struct nsw_cgroup *cg, struct plan *p, struct libmnt_table *tb, int ctl,
		   const char *name, struct nsw_error *err)
{
	char mnt[PATH_MAX];
	int found;

	found = find_mount(tb, ctl_names[ctl], mnt, err);
	if (found < 0)
		return -1;
	if (!found)
		return nsw_error(err, 0,
				 "cgroup controller '%s' is not available (neither in cgroup v2 nor mounted as a v1 hierarchy)",
				 ctl_names[ctl]);
	p->where[ctl] = plan_dir(cg, p, 1, ctl_names[ctl], mnt, name, err);
	return p->where[ctl] < 0 ? -1 : 0;
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
	char mnt[PATH_MAX], v2_ctls[V2_CONTROLLERS_LEN] = "";
	size_t len;
	int v2;

	v2 = usual_v2_mount(mountinfo, mnt);
	if (!v2) {
		if (nsw_mnt_read_table(mountinfo, &tb, err) < 0)
			return -1;
		v2 = find_mount(tb, NULL, mnt, err);
	}
	if (v2 < 0)
		return -1;
	if (v2 && (read_file(mnt, "cgroup.controllers", v2_ctls, sizeof(v2_ctls), err) ||
		   plan_dir(cg, p, 2, "", mnt, name, err) < 0))
		return -1;
	for (int ctl = 0; ctl < CTL_COUNT; ctl++) {
		if (!wanted(lim, ctl))
			continue;
		if (!has_word(v2_ctls, ctl_names[ctl], " \n")) {
			if ((!tb && nsw_mnt_read_table(mountinfo, &tb, err) < 0) ||
			    plan_v1(cg, p, tb, ctl, name, err))
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
 * Make <mount>/nswatch/NAME, enabling the v2 controllers on the way down:
 * a v2 cgroup offers only what its parent's subtree_control lists.
 */
static int try_make_dir(const struct nsw_cgroup_dir *d, const char *enable,
			struct nsw_error *err)
{
	char parent[PATH_MAX], mount[PATH_MAX];

	dir_of(parent, d->path);
	dir_of(mount, parent);
	if (*enable && write_file(mount, "cgroup.subtree_control", enable, err))
		return -1;
	if (mkdir(parent, 0755) && errno != EEXIST)
		return nsw_error(err, errno, "cannot create %s", parent);
	if (*enable && write_file(parent, "cgroup.subtree_control", enable, err))
		return -1;
	if (!mkdir(d->path, 0755))
		return 0;
	if (errno == EEXIST)
		return nsw_error(err, errno,
				 "cgroup %s already exists (left over from an earlier run, or in use)",
				 d->path);
	return nsw_error(err, errno, "cannot create cgroup %s", d->path);
}

static int make_dir(const struct nsw_cgroup_dir *d, const char *enable, struct nsw_error *err)
{
	char parent[PATH_MAX];

	for (int tries = 0; tries < MKDIR_TRIES; tries++) {
		if (!try_make_dir(d, enable, err))
			return 0;
		if (err->errnum != ENOENT)
			break;
	}
	/* Only if empty: other containers may live in it. */
	dir_of(parent, d->path);
	rmdir(parent);
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

static int set_cpu(const struct nsw_cgroup_dir *d, const struct nsw_limits *lim,
		   struct nsw_error *err)
{
	unsigned long long period = lim->cpu_period_us ? lim->cpu_period_us : CPU_PERIOD_US;
	char quota[24], per[24], max[48];

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

static int set_limits(const struct nsw_cgroup *cg, const struct plan *p,
		      const struct nsw_limits *lim, struct nsw_error *err)
{
	int mem = p->where[CTL_MEMORY], pids = p->where[CTL_PIDS], cpu = p->where[CTL_CPU];

	if (mem >= 0 && set_memory(&cg->dirs[mem], lim->memory_bytes, err))
		return -1;
	if (pids >= 0 && set_pids(&cg->dirs[pids], lim->pids_max, err))
		return -1;
	if (cpu >= 0 && set_cpu(&cg->dirs[cpu], lim, err))
		return -1;
	return 0;
}

int nsw_cgroup_create_at(struct nsw_cgroup *cg, const char *mountinfo_path, const char *name,
			 const struct nsw_limits *lim, struct nsw_error *err)
{
	struct plan p = { .where = { -1, -1, -1 } };
	struct nsw_error undo;
	size_t len;

	cg->n = 0;
	if (!lim)
		lim = &no_limits;
	if (plan_dirs(cg, &p, mountinfo_path, name, lim, err))
		return -1;
	/* All directories first: a leftover is found before any limit is set. */
	for (; cg->n < p.planned; cg->n++)
		if (make_dir(&cg->dirs[cg->n], cg->dirs[cg->n].version == 2 ? p.enable : "", err))
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
		if (!rmdir(parent) || parent_in_use(errno) || ret)
			continue;
		ret = nsw_error(err, errno, "cannot remove %s", parent);
	}
	return ret;
}

int nsw_cgroup_plan(struct nsw_cgroup *cg, const char *name, const struct nsw_limits *lim,
		    struct nsw_error *err)
{
	struct plan p = { .where = { -1, -1, -1 } };

	cg->n = 0;
	if (geteuid() != 0)
		return 0;
	if (plan_dirs(cg, &p, SELF_MOUNTINFO, name, lim ? lim : &no_limits, err))
		return -1;
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

int nsw_cgroup_check_owned(const struct nsw_cgroup *cg, const char *name, struct nsw_error *err)
{
	char want[NSW_NAME_MAX_PATH];

	snprintf(want, sizeof(want), "/nswatch/%s", name);
	for (int i = 0; i < cg->n; i++) {
		const struct nsw_cgroup_dir *d = &cg->dirs[i];
		size_t len = strlen(d->path), wlen = strlen(want);

		if (d->version != 1 && d->version != 2)
			return nsw_error(err, 0, "cgroups[%d].version: not 1 or 2", i);
		if (d->path[0] != '/' || len <= wlen || strcmp(d->path + len - wlen, want) ||
		    strstr(d->path, "/../") || strstr(d->path, "/./") || strstr(d->path, "//"))
			return nsw_error(err, 0, "cgroups[%d].path: %s is not <mount>/nswatch/%s", i,
					 d->path, name);
		if (check_mountpoint(d, i, err) < 0)
			return -1;
	}
	return 0;
}
