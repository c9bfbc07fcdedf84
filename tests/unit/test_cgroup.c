// SPDX-License-Identifier: GPL-2.0
/*
 * Limit parsers, and cgroup placement on fake hosts: a temporary tree with
 * a mountinfo file pointing into it. The tree is no cgroupfs, so this file
 * plays the kernel's part: mkdir() and rmdir() are wrapped (the library's
 * calls bind to the definitions here) so that a directory made under a fake
 * cgroup mount gets the interface files cgroupfs would give it, and loses
 * them when removed. Limits land in those regular files, to be read back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "runtime/cgroup.h"

#define FX_MAX_MOUNTS 16

struct fx {
	char root[64];
	char mountinfo[PATH_MAX];
	int next_id;
	struct nsw_cgroup cg;
	struct nsw_error err;
	/* What the fake kernel needs to know. */
	int n_mounts;
	struct fx_mount {
		char path[PATH_MAX];
		bool v2;
		char opts[128];	/* v1: the controllers, "rw,cpu,cpuacct" */
	} mounts[FX_MAX_MOUNTS];
	bool swap;		/* swap accounting: memory.swap.max, memory.memsw.* */
	char busy[PATH_MAX];	/* a cgroup a task joins as soon as it is made */
};

/* The fixture of the running test, for the fake kernel. */
static struct fx *cur_fx;

/* A task in a cgroup, as far as rmdir() is concerned: not an interface file. */
#define TASK_FILE "task"

/* Every interface file the fake kernel makes, for rmdir() to drop. */
static const char *const interface_files[] = {
	"cgroup.procs", "cgroup.controllers", "cgroup.subtree_control",
	"memory.max", "memory.swap.max", "pids.max", "cpu.max",
	"memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
	"cpu.cfs_period_us", "cpu.cfs_quota_us",
};

static const struct nsw_limits all_limits = {
	.memory_bytes = 64 << 20,
	.pids_max = 20,
	.cpu_quota_us = 50000,
	.cpu_period_us = 100000,
};

/* ROOT/fmt..., from a ring of buffers so that a few fit in one call. */
static const char *at(struct fx *fx, const char *fmt, ...)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 8];
	int len = snprintf(buf, PATH_MAX, "%s/", fx->root);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, PATH_MAX - len, fmt, ap);
	va_end(ap);
	return buf;
}

/* Plain directories, made by the test, not the fake kernel (a leftover has no files). */
static void mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdirat(AT_FDCWD, buf, 0755);
		*p = '/';
	}
	assert_true(!mkdirat(AT_FDCWD, buf, 0755) || errno == EEXIST);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The file's content, or NULL if it is not there. */
static const char *get(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

/* Is word one of the items of list, split at any of delims, a leading '+' aside? */
static bool listed(const char *list, const char *word, const char *delims)
{
	char buf[256], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, delims, &save); tok; tok = strtok_r(NULL, delims, &save))
		if (!strcmp(tok[0] == '+' ? tok + 1 : tok, word))
			return true;
	return false;
}

static void touch(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		fail_msg("fake kernel: cannot make %s: %s", path, strerror(errno));
	if (text[0] && write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail_msg("fake kernel: cannot write %s: %s", path, strerror(errno));
	close(fd);
}

/* The fake mount path is under (not the mount itself), or NULL. */
static const struct fx_mount *mount_of(const char *path)
{
	const struct fx_mount *best = NULL;

	for (int i = 0; cur_fx && i < cur_fx->n_mounts; i++) {
		const struct fx_mount *m = &cur_fx->mounts[i];
		size_t len = strlen(m->path);

		if (!strncmp(path, m->path, len) && path[len] == '/' &&
		    (!best || len > strlen(best->path)))
			best = m;
	}
	return best;
}

/*
 * What cgroupfs puts in a new cgroup: v2 offers the controllers its parent
 * enabled in cgroup.subtree_control; v1 those of its hierarchy.
 */
static void kernel_populate(const struct fx_mount *m, const char *path)
{
	char parent[PATH_MAX], enabled[256] = "", offered[256] = "";
	const char *ctl_list = m->opts, *delims = ",";
	const char *sub;
	bool mem, pids, cpu;

	touch(path, "cgroup.procs", "");
	if (m->v2) {
		snprintf(parent, sizeof(parent), "%s", path);
		*strrchr(parent, '/') = '\0';
		snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent),
			 "/cgroup.subtree_control");
		sub = get(parent);
		snprintf(enabled, sizeof(enabled), "%s", sub ? sub : "");
		for (const char *c = enabled; *c; c++)
			if (*c != '+')
				snprintf(offered + strlen(offered), sizeof(offered) - strlen(offered),
					 "%c", *c);
		touch(path, "cgroup.controllers", offered);
		touch(path, "cgroup.subtree_control", "");
		ctl_list = enabled;
		delims = " \n";
	}
	mem = listed(ctl_list, "memory", delims);
	pids = listed(ctl_list, "pids", delims);
	cpu = listed(ctl_list, "cpu", delims);
	if (mem)
		touch(path, m->v2 ? "memory.max" : "memory.limit_in_bytes", "");
	if (mem && cur_fx->swap)
		touch(path, m->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes", "");
	if (pids)
		touch(path, "pids.max", "");
	if (cpu && m->v2)
		touch(path, "cpu.max", "");
	if (cpu && !m->v2) {
		touch(path, "cpu.cfs_period_us", "");
		touch(path, "cpu.cfs_quota_us", "");
	}
	if (!strcmp(path, cur_fx->busy))
		touch(path, TASK_FILE, "");
}

/* The library's mkdir(): a new cgroup under a fake mount gets its files. */
int mkdir(const char *path, mode_t mode)
{
	const struct fx_mount *m;

	if (mkdirat(AT_FDCWD, path, mode))
		return -1;
	m = mount_of(path);
	if (m)
		kernel_populate(m, path);
	return 0;
}

/* The library's rmdir(): a cgroup's interface files go with it. */
int rmdir(const char *path)
{
	char file[PATH_MAX + 64];

	if (mount_of(path)) {
		for (size_t i = 0; i < sizeof(interface_files) / sizeof(interface_files[0]); i++) {
			snprintf(file, sizeof(file), "%s/%s", path, interface_files[i]);
			unlink(file);
		}
	}
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* A mount of the fake tree's directory dir, escaped as mountinfo does. */
static void fx_mount(struct fx *fx, const char *dir, const char *fstype, const char *opts)
{
	char escaped[PATH_MAX * 4], *out = escaped;
	const char *path = at(fx, "%s", dir);
	FILE *f;

	mkdir_p(path);
	for (; *path; path++) {
		if (*path == ' ' || *path == '\\')
			out += sprintf(out, "\\%03o", *path);
		else
			*out++ = *path;
	}
	*out = '\0';
	f = fopen(fx->mountinfo, "a");
	assert_non_null(f);
	fprintf(f, "%d 30 0:%d / %s rw,nosuid,nodev,noexec,relatime shared:%d - %s %s %s\n",
		fx->next_id, fx->next_id, escaped, fx->next_id, fstype, fstype, opts);
	fx->next_id++;
	assert_int_equal(fclose(f), 0);

	assert_true(fx->n_mounts < FX_MAX_MOUNTS);
	snprintf(fx->mounts[fx->n_mounts].path, PATH_MAX, "%s", at(fx, "%s", dir));
	fx->mounts[fx->n_mounts].v2 = !strcmp(fstype, "cgroup2");
	snprintf(fx->mounts[fx->n_mounts].opts, sizeof(fx->mounts[0].opts), "%s", opts);
	fx->n_mounts++;
}

static void fx_v2(struct fx *fx, const char *dir, const char *controllers)
{
	fx_mount(fx, dir, "cgroup2", "rw,nsdelegate,memory_recursiveprot");
	/* The root cgroup's files. */
	put(at(fx, "%s/cgroup.controllers", dir), controllers);
	put(at(fx, "%s/cgroup.subtree_control", dir), "");
	put(at(fx, "%s/cgroup.procs", dir), "");
}

/* The cgroup v1 controllers of this machine, with cpu co-mounted with cpuacct. */
static void fx_v1(struct fx *fx, bool with_pids)
{
	fx_mount(fx, "cg/cpuset", "cgroup", "rw,cpuset");
	fx_mount(fx, "cg/cpuacct,cpu", "cgroup", "rw,cpu,cpuacct");
	fx_mount(fx, "cg/memory", "cgroup", "rw,memory");
	if (with_pids)
		fx_mount(fx, "cg/pids", "cgroup", "rw,pids");
	fx_mount(fx, "cg/systemd", "cgroup", "rw,xattr,name=systemd");
}

static void fx_hybrid(struct fx *fx)
{
	fx_v1(fx, true);
	fx_v2(fx, "cg/unified", "hugetlb\n");
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->root, sizeof(fx->root), "/tmp/nsw-test-cgroup-XXXXXX");
	if (!mkdtemp(fx->root))
		return -1;
	snprintf(fx->mountinfo, sizeof(fx->mountinfo), "%s/mountinfo", fx->root);
	fx->next_id = 31;
	put(fx->mountinfo, "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
			   "30 22 0:26 / /sys/fs/cgroup rw shared:7 - tmpfs tmpfs rw,mode=755\n");
	*state = fx;
	cur_fx = fx;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	cur_fx = NULL;
	nftw(fx->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void assert_dir(const struct nsw_cgroup_dir *d, int version, const char *controller,
		       const char *path)
{
	assert_int_equal(d->version, version);
	assert_string_equal(d->controller, controller);
	assert_string_equal(d->path, path);
	assert_true(exists(path));
}

static void assert_file(const char *path, const char *want)
{
	const char *got = get(path);

	if (!got)
		fail_msg("%s is missing", path);
	assert_string_equal(got, want);
}

static void test_v2_host_takes_everything(void **state)
{
	struct fx *fx = *state;

	/* The space checks mountinfo's \040 escape. */
	fx_v2(fx, "sys fs", "cpuset cpu io memory hugetlb pids rdma misc\n");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	assert_int_equal(fx->cg.n, 1);
	assert_dir(&fx->cg.dirs[0], 2, "", at(fx, "sys fs/nswatch/c1"));
	assert_file(at(fx, "sys fs/cgroup.subtree_control"), "+memory +pids +cpu");
	assert_file(at(fx, "sys fs/nswatch/cgroup.subtree_control"), "+memory +pids +cpu");
	assert_file(at(fx, "sys fs/nswatch/c1/memory.max"), "67108864");
	assert_file(at(fx, "sys fs/nswatch/c1/pids.max"), "20");
	assert_file(at(fx, "sys fs/nswatch/c1/cpu.max"), "50000 100000");
	/* Only where the kernel offers it (swap accounting). */
	assert_false(exists(at(fx, "sys fs/nswatch/c1/memory.swap.max")));
}

/* With swap accounting the container may not swap instead of meeting its limit. */
static void test_swap_accounting_v2(void **state)
{
	struct fx *fx = *state;

	fx->swap = true;
	fx_v2(fx, "v2", "cpu memory pids\n");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	assert_file(at(fx, "v2/nswatch/c1/memory.max"), "67108864");
	assert_file(at(fx, "v2/nswatch/c1/memory.swap.max"), "0");
}

/* v1's memsw counts memory and swap together: the same figure. */
static void test_swap_accounting_v1(void **state)
{
	struct fx *fx = *state;

	fx->swap = true;
	fx_hybrid(fx);
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	assert_file(at(fx, "cg/memory/nswatch/c1/memory.limit_in_bytes"), "67108864");
	assert_file(at(fx, "cg/memory/nswatch/c1/memory.memsw.limit_in_bytes"), "67108864");
}

/* Only the kernel makes interface files: one missing is an error, and stays missing. */
static void test_missing_interface_file(void **state)
{
	struct nsw_limits lim = { .pids_max = 7 };
	struct fx *fx = *state;

	fx_v2(fx, "v2", "cpu memory pids\n");
	assert_int_equal(unlink(at(fx, "v2/cgroup.subtree_control")), 0);
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &lim, &fx->err), -1);
	assert_int_equal(fx->err.errnum, ENOENT);
	assert_non_null(strstr(fx->err.msg, at(fx, "v2/cgroup.subtree_control")));
	assert_false(exists(at(fx, "v2/cgroup.subtree_control")));
	assert_int_equal(fx->cg.n, 0);
	assert_false(exists(at(fx, "v2/nswatch")));
}

static void test_v2_dir_even_without_limits(void **state)
{
	struct fx *fx = *state;

	fx_v2(fx, "v2", "cpu memory pids\n");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", NULL, &fx->err), 0);
	assert_int_equal(fx->cg.n, 1);
	assert_dir(&fx->cg.dirs[0], 2, "", at(fx, "v2/nswatch/c1"));
	/* Nothing enabled: the kernel's files stay as they were. */
	assert_file(at(fx, "v2/cgroup.subtree_control"), "");
	assert_file(at(fx, "v2/nswatch/cgroup.subtree_control"), "");
}

static void test_one_limit_enables_one_controller(void **state)
{
	struct nsw_limits lim = { .pids_max = 7 };
	struct fx *fx = *state;

	fx_v2(fx, "v2", "cpu memory pids\n");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &lim, &fx->err), 0);
	assert_int_equal(fx->cg.n, 1);
	assert_file(at(fx, "v2/cgroup.subtree_control"), "+pids");
	assert_file(at(fx, "v2/nswatch/c1/pids.max"), "7");
	assert_false(exists(at(fx, "v2/nswatch/c1/memory.max")));
	assert_false(exists(at(fx, "v2/nswatch/c1/cpu.max")));
}

static void test_hybrid_falls_back_to_v1(void **state)
{
	struct fx *fx = *state;

	fx_hybrid(fx);
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	assert_int_equal(fx->cg.n, 4);
	assert_dir(&fx->cg.dirs[0], 2, "", at(fx, "cg/unified/nswatch/c1"));
	assert_dir(&fx->cg.dirs[1], 1, "memory", at(fx, "cg/memory/nswatch/c1"));
	assert_dir(&fx->cg.dirs[2], 1, "pids", at(fx, "cg/pids/nswatch/c1"));
	/* Not cpuset, mounted first: options are matched whole. */
	assert_dir(&fx->cg.dirs[3], 1, "cpu", at(fx, "cg/cpuacct,cpu/nswatch/c1"));
	assert_false(exists(at(fx, "cg/cpuset/nswatch")));
	assert_false(exists(at(fx, "cg/systemd/nswatch")));

	assert_file(at(fx, "cg/memory/nswatch/c1/memory.limit_in_bytes"), "67108864");
	assert_false(exists(at(fx, "cg/memory/nswatch/c1/memory.memsw.limit_in_bytes")));
	assert_file(at(fx, "cg/pids/nswatch/c1/pids.max"), "20");
	assert_file(at(fx, "cg/cpuacct,cpu/nswatch/c1/cpu.cfs_period_us"), "100000");
	assert_file(at(fx, "cg/cpuacct,cpu/nswatch/c1/cpu.cfs_quota_us"), "50000");
	/* The v2 directory is a plain one: nothing to enable. */
	assert_file(at(fx, "cg/unified/cgroup.subtree_control"), "");
	assert_file(at(fx, "cg/unified/nswatch/cgroup.subtree_control"), "");
	assert_false(exists(at(fx, "cg/unified/nswatch/c1/memory.max")));
}

static void test_hybrid_only_the_hierarchies_needed(void **state)
{
	struct nsw_limits lim = { .cpu_quota_us = 200000 };
	struct fx *fx = *state;

	fx_hybrid(fx);
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &lim, &fx->err), 0);
	assert_int_equal(fx->cg.n, 2);
	assert_dir(&fx->cg.dirs[1], 1, "cpu", at(fx, "cg/cpuacct,cpu/nswatch/c1"));
	/* A zero period means the default one. */
	assert_file(at(fx, "cg/cpuacct,cpu/nswatch/c1/cpu.cfs_period_us"), "100000");
	assert_file(at(fx, "cg/cpuacct,cpu/nswatch/c1/cpu.cfs_quota_us"), "200000");
	assert_false(exists(at(fx, "cg/memory/nswatch")));
	assert_false(exists(at(fx, "cg/pids/nswatch")));
}

static void test_v2_where_listed_v1_for_the_rest(void **state)
{
	struct fx *fx = *state;

	fx_v1(fx, true);
	fx_v2(fx, "cg/unified", "memory pids\n");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	assert_int_equal(fx->cg.n, 2);
	assert_dir(&fx->cg.dirs[0], 2, "", at(fx, "cg/unified/nswatch/c1"));
	assert_dir(&fx->cg.dirs[1], 1, "cpu", at(fx, "cg/cpuacct,cpu/nswatch/c1"));
	assert_file(at(fx, "cg/unified/cgroup.subtree_control"), "+memory +pids");
	assert_file(at(fx, "cg/unified/nswatch/c1/memory.max"), "67108864");
	assert_file(at(fx, "cg/unified/nswatch/c1/pids.max"), "20");
	assert_file(at(fx, "cg/cpuacct,cpu/nswatch/c1/cpu.cfs_quota_us"), "50000");
	assert_false(exists(at(fx, "cg/memory/nswatch")));
	assert_false(exists(at(fx, "cg/pids/nswatch")));
}

static void test_comounted_v1_share_a_dir(void **state)
{
	struct fx *fx = *state;

	fx_mount(fx, "v1/memory,pids", "cgroup", "rw,memory,pids");
	fx_mount(fx, "v1/cpu", "cgroup", "rw,cpu");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	assert_int_equal(fx->cg.n, 2);
	assert_dir(&fx->cg.dirs[0], 1, "memory", at(fx, "v1/memory,pids/nswatch/c1"));
	assert_dir(&fx->cg.dirs[1], 1, "cpu", at(fx, "v1/cpu/nswatch/c1"));
	assert_file(at(fx, "v1/memory,pids/nswatch/c1/memory.limit_in_bytes"), "67108864");
	assert_file(at(fx, "v1/memory,pids/nswatch/c1/pids.max"), "20");
}

static void test_v1_only_without_limits_makes_nothing(void **state)
{
	struct fx *fx = *state;

	fx_v1(fx, true);
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", NULL, &fx->err), 0);
	assert_int_equal(fx->cg.n, 0);
	assert_false(exists(at(fx, "cg/memory/nswatch")));
	assert_false(exists(at(fx, "cg/cpuacct,cpu/nswatch")));
}

static void test_missing_controller(void **state)
{
	struct fx *fx = *state;

	fx_v1(fx, false);
	fx_v2(fx, "cg/unified", "hugetlb\n");
	fx->cg.n = 3;
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 -1);
	assert_string_equal(fx->err.msg, "cgroup controller 'pids' is not available (neither in "
					 "cgroup v2 nor mounted as a v1 hierarchy)");
	assert_int_equal(fx->err.errnum, 0);
	assert_int_equal(fx->cg.n, 0);
	/* Found out before anything was made. */
	assert_false(exists(at(fx, "cg/unified/nswatch")));
	assert_false(exists(at(fx, "cg/memory/nswatch")));
}

static void test_cpu_is_not_cpuset_or_cpuacct(void **state)
{
	struct nsw_limits lim = { .cpu_quota_us = 50000 };
	struct fx *fx = *state;

	fx_mount(fx, "v1/cpuset", "cgroup", "rw,cpuset");
	fx_mount(fx, "v1/cpuacct", "cgroup", "rw,cpuacct");
	fx_v2(fx, "v2", "cpuset io memory pids\n");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &lim, &fx->err), -1);
	assert_non_null(strstr(fx->err.msg, "'cpu' is not available"));
	assert_false(exists(at(fx, "v2/nswatch")));
}

static void test_no_mountinfo(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(nsw_cgroup_create_at(&fx->cg, at(fx, "nope"), "c1", NULL, &fx->err), -1);
	assert_int_equal(fx->err.errnum, ENOENT);
	assert_non_null(strstr(fx->err.msg, "nope"));
}

static void test_leftover_undoes_everything(void **state)
{
	struct fx *fx = *state;

	fx_hybrid(fx);
	mkdir_p(at(fx, "cg/pids/nswatch/c1"));
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 -1);
	assert_int_equal(fx->err.errnum, EEXIST);
	assert_non_null(strstr(fx->err.msg, at(fx, "cg/pids/nswatch/c1")));
	assert_int_equal(fx->cg.n, 0);
	/* Made before the leftover was met: gone, with their empty parents. */
	assert_false(exists(at(fx, "cg/unified/nswatch")));
	assert_false(exists(at(fx, "cg/memory/nswatch")));
	assert_false(exists(at(fx, "cg/cpuacct,cpu/nswatch")));
	/* Not ours. */
	assert_true(exists(at(fx, "cg/pids/nswatch/c1")));
}

static void test_leftover_v2(void **state)
{
	struct fx *fx = *state;

	fx_v2(fx, "v2", "cpu memory pids\n");
	mkdir_p(at(fx, "v2/nswatch/c1"));
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", NULL, &fx->err), -1);
	assert_int_equal(fx->err.errnum, EEXIST);
	assert_true(exists(at(fx, "v2/nswatch/c1")));
	/* Another name is fine beside it. */
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c2", NULL, &fx->err), 0);
	assert_int_equal(fx->cg.n, 1);
}

static void test_enable_failure_makes_nothing(void **state)
{
	struct fx *fx = *state;

	fx_v2(fx, "v2", "cpu memory pids\n");
	/* A directory in the way: writing it fails. */
	mkdir_p(at(fx, "v2/nswatch/cgroup.subtree_control"));
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 -1);
	assert_int_equal(fx->err.errnum, EISDIR);
	assert_non_null(strstr(fx->err.msg, at(fx, "v2/nswatch/cgroup.subtree_control")));
	assert_int_equal(fx->cg.n, 0);
	assert_false(exists(at(fx, "v2/nswatch/c1")));
}

/* A limit that cannot be written: every directory is still tried, and said so. */
static void test_limit_failure_undoes_and_reports(void **state)
{
	struct nsw_limits lim = { .memory_bytes = 64 << 20 };
	struct rlimit old, none = { 0, 0 };
	struct fx *fx = *state;
	int ret;

	fx_hybrid(fx);
	snprintf(fx->busy, sizeof(fx->busy), "%s", at(fx, "cg/memory/nswatch/c1"));
	getrlimit(RLIMIT_FSIZE, &old);
	none.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &none);
	ret = nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &lim, &fx->err);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);

	assert_int_equal(ret, -1);
	assert_int_equal(fx->err.errnum, EFBIG);
	assert_int_equal(fx->cg.n, 0);
	assert_non_null(strstr(fx->err.msg, "memory.limit_in_bytes"));
	/* The v2 directory went; the one a task joined could not. */
	assert_false(exists(at(fx, "cg/unified/nswatch")));
	assert_non_null(strstr(fx->err.msg, "; undoing it: cannot remove cgroup"));
	assert_true(exists(at(fx, "cg/memory/nswatch/c1")));
}

static void test_add_pid_and_destroy(void **state)
{
	struct fx *fx = *state;

	fx_hybrid(fx);
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	assert_int_equal(nsw_cgroup_add_pid(&fx->cg, 4321, &fx->err), 0);
	for (int i = 0; i < fx->cg.n; i++) {
		char procs[PATH_MAX + 16];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", fx->cg.dirs[i].path);
		assert_file(procs, "4321");
	}
	assert_int_equal(nsw_cgroup_destroy(&fx->cg, &fx->err), 0);
	for (int i = 0; i < fx->cg.n; i++)
		assert_false(exists(fx->cg.dirs[i].path));
	assert_false(exists(at(fx, "cg/unified/nswatch")));
	assert_false(exists(at(fx, "cg/memory/nswatch")));
	assert_false(exists(at(fx, "cg/pids/nswatch")));
	assert_false(exists(at(fx, "cg/cpuacct,cpu/nswatch")));
	/* Already gone is fine. */
	assert_int_equal(nsw_cgroup_destroy(&fx->cg, &fx->err), 0);
}

static void test_destroy_keeps_a_shared_parent(void **state)
{
	struct nsw_limits lim = { .pids_max = 5 };
	struct nsw_cgroup c2;
	struct fx *fx = *state;

	fx_mount(fx, "v1/pids", "cgroup", "rw,pids");
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &lim, &fx->err), 0);
	assert_int_equal(nsw_cgroup_create_at(&c2, fx->mountinfo, "c2", &lim, &fx->err), 0);
	assert_int_equal(nsw_cgroup_destroy(&fx->cg, &fx->err), 0);
	assert_false(exists(at(fx, "v1/pids/nswatch/c1")));
	assert_true(exists(at(fx, "v1/pids/nswatch/c2")));
	assert_int_equal(nsw_cgroup_destroy(&c2, &fx->err), 0);
	assert_false(exists(at(fx, "v1/pids/nswatch")));
}

static void test_destroy_tries_all_reports_first(void **state)
{
	struct fx *fx = *state;

	fx_hybrid(fx);
	assert_int_equal(nsw_cgroup_create_at(&fx->cg, fx->mountinfo, "c1", &all_limits, &fx->err),
			 0);
	/* memory (dirs[1]) and pids (dirs[2]) keep a task: rmdir fails. */
	put(at(fx, "cg/memory/nswatch/c1/" TASK_FILE), "");
	put(at(fx, "cg/pids/nswatch/c1/" TASK_FILE), "");
	assert_int_equal(nsw_cgroup_destroy(&fx->cg, &fx->err), -1);
	assert_int_equal(fx->err.errnum, ENOTEMPTY);
	assert_non_null(strstr(fx->err.msg, fx->cg.dirs[1].path));
	assert_false(exists(fx->cg.dirs[0].path));
	assert_true(exists(fx->cg.dirs[1].path));
	assert_true(exists(fx->cg.dirs[2].path));
	assert_false(exists(fx->cg.dirs[3].path));
	assert_false(exists(at(fx, "cg/cpuacct,cpu/nswatch")));
}

/* 0 if rootless create behaves; else which check failed. */
static int rootless_checks(void)
{
	struct nsw_cgroup cg = { .n = 5 };
	struct nsw_error err;
	char want[128];

	snprintf(want, sizeof(want), "cgroup limits need root (no delegated cgroup for uid %u)",
		 (unsigned int)geteuid());
	if (nsw_cgroup_create(&cg, "c1", &all_limits, &err) != -1 || cg.n != 0)
		return 1;
	if (strcmp(err.msg, want))
		return 2;
	cg.n = 5;
	if (nsw_cgroup_create(&cg, "c1", &(struct nsw_limits){ 0 }, &err) || cg.n != 0)
		return 3;
	if (nsw_cgroup_create(&cg, "c1", NULL, &err) || cg.n != 0)
		return 4;
	return 0;
}

static void test_rootless(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		assert_int_equal(rootless_checks(), 0);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		_exit(rootless_checks());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_parse_memory(void **state)
{
	static const struct {
		const char *s;
		long long want;
	} good[] = {
		{ "67108864", 67108864 },   { "1048576", 1 << 20 },	{ "2048k", 2 << 20 },
		{ "2048K", 2 << 20 },	    { "64m", 64 << 20 },	{ "512M", 512 << 20 },
		{ "64mb", 64 << 20 },	    { "64MB", 64 << 20 },	{ "64mB", 64 << 20 },
		{ "1g", 1LL << 30 },	    { "1G", 1LL << 30 },	{ "1Gb", 1LL << 30 },
		{ "2t", 2LL << 40 },	    { "1048576b", 1 << 20 },	{ "1m", 1 << 20 },
		{ "8388607t", 8388607LL << 40 },
	};
	static const char *const bad[] = {
		"",	  "-1",	  "-64m", " 64m", "+64m", "64x",  "64mm", "m",	  "1.5g",
		"64 m",	  "64m ", "64bm", "0x40", "0",	  "64k",  "1023k", "1048575",
		"8388608t", "9223372036854775807k", "99999999999999999999",
	};
	struct nsw_error err;
	char name[64];
	long long v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 0;
		if (nsw_parse_memory(good[i].s, &v, &err))
			fail_msg("'%s': %s", good[i].s, err.msg);
		assert_int_equal(v, good[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		if (!nsw_parse_memory(bad[i], &v, &err))
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(v, 7);
		snprintf(name, sizeof(name), "'%s'", bad[i]);
		assert_non_null(strstr(err.msg, name));
	}
	nsw_parse_memory("1023k", &v, &err);
	assert_non_null(strstr(err.msg, "below 1 MiB"));
}

static void test_parse_pids(void **state)
{
	static const char *const bad[] = {
		"", "0", "-1", "abc", "20x", " 20", "+20", "2.5", "4194305", "99999999999999999999",
	};
	struct nsw_error err;
	char name[64];
	long long v;

	(void)state;
	assert_int_equal(nsw_parse_pids("1", &v, &err), 0);
	assert_int_equal(v, 1);
	assert_int_equal(nsw_parse_pids("20", &v, &err), 0);
	assert_int_equal(v, 20);
	assert_int_equal(nsw_parse_pids("4194304", &v, &err), 0);
	assert_int_equal(v, 4194304);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!nsw_parse_pids(bad[i], &v, &err))
			fail_msg("'%s' accepted", bad[i]);
		snprintf(name, sizeof(name), "'%s'", bad[i]);
		assert_non_null(strstr(err.msg, name));
	}
}

static void test_parse_cpus(void **state)
{
	static const struct {
		const char *s;
		unsigned long long quota;
	} good[] = {
		{ "0.5", 50000 },	 { "2", 200000 },	{ "1.25", 125000 },
		{ ".5", 50000 },	 { "2.", 200000 },	{ "0.01", 1000 },
		{ "1024", 102400000 },	 { "1024.000", 102400000 },
		{ "0.123456", 12345 },	 { "007", 700000 },
	};
	static const char *const bad[] = {
		"",	 "1024.5", "1025", "abc",   "1.2.3", "1e3", "0x10",
		" 1",	 "1 ",	   "-1",   "-0.5",  "+1",    ".",   "0",
		"0.0",	 "0.001",  "0.009", "inf",  "nan",   "99999999999999999999999",
	};
	unsigned long long quota, period;
	struct nsw_error err;
	char name[64];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		quota = period = 0;
		if (nsw_parse_cpus(good[i].s, &quota, &period, &err))
			fail_msg("'%s': %s", good[i].s, err.msg);
		assert_int_equal(quota, good[i].quota);
		assert_int_equal(period, 100000);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!nsw_parse_cpus(bad[i], &quota, &period, &err))
			fail_msg("'%s' accepted", bad[i]);
		snprintf(name, sizeof(name), "'%s'", bad[i]);
		assert_non_null(strstr(err.msg, name));
	}
	nsw_parse_cpus("0", &quota, &period, &err);
	assert_non_null(strstr(err.msg, "more than 0"));
	nsw_parse_cpus("0.005", &quota, &period, &err);
	assert_non_null(strstr(err.msg, "1000 us"));
	nsw_parse_cpus("2000", &quota, &period, &err);
	assert_non_null(strstr(err.msg, "above 1024"));
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_v2_host_takes_everything),
		FX_TEST(test_v2_dir_even_without_limits),
		FX_TEST(test_swap_accounting_v2),
		FX_TEST(test_swap_accounting_v1),
		FX_TEST(test_missing_interface_file),
		FX_TEST(test_one_limit_enables_one_controller),
		FX_TEST(test_hybrid_falls_back_to_v1),
		FX_TEST(test_hybrid_only_the_hierarchies_needed),
		FX_TEST(test_v2_where_listed_v1_for_the_rest),
		FX_TEST(test_comounted_v1_share_a_dir),
		FX_TEST(test_v1_only_without_limits_makes_nothing),
		FX_TEST(test_missing_controller),
		FX_TEST(test_cpu_is_not_cpuset_or_cpuacct),
		FX_TEST(test_no_mountinfo),
		FX_TEST(test_leftover_undoes_everything),
		FX_TEST(test_leftover_v2),
		FX_TEST(test_enable_failure_makes_nothing),
		FX_TEST(test_limit_failure_undoes_and_reports),
		FX_TEST(test_add_pid_and_destroy),
		FX_TEST(test_destroy_keeps_a_shared_parent),
		FX_TEST(test_destroy_tries_all_reports_first),
		cmocka_unit_test(test_rootless),
		cmocka_unit_test(test_parse_memory),
		cmocka_unit_test(test_parse_pids),
		cmocka_unit_test(test_parse_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
