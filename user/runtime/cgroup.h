/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A container's cgroups: one directory <mountpoint>/nswatch/NAME per
 * hierarchy it needs, on cgroup v2, v1 or both (a "hybrid" host), found
 * from mountinfo.
 */
#ifndef NSW_CGROUP_H
#define NSW_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "lib/error.h"

/* An OCI config's device rules, and the defaults after them. */
#define NSW_MAX_DEVICE_RULES 64

/* cpuset.cpus and cpuset.mems as a list ("0-3,8"): room for many CPUs. */
#define NSW_CPUSET_MAX 256

struct nsw_limits {
	long long memory_bytes;	/* 0: no limit */
	long long pids_max;	/* 0: no limit */
	unsigned long long cpu_quota_us, cpu_period_us; /* quota 0: no limit */
	/*
	 * What an OCI config asks for (oci/config.c); the command line leaves
	 * it zero. path: linux.cgroupsPath, checked by nsw_cgroup_path_valid():
	 * absolute, below each hierarchy's root; relative, below the cgroup of
	 * the process making the container (cgroup v2: of its parent), as
	 * runc's cgroupfs driver has it. NULL: <hierarchy>/nswatch/NAME.
	 */
	const char *path;
	/* A cgroup in every v1 hierarchy with a controller, as runc joins them. */
	bool every_hierarchy;
	unsigned long long cpu_shares;		/* 0: the kernel's default */
	unsigned long long cpu_rt_period_us;	/* 0: unchanged */
	long long cpu_rt_runtime_us;		/* 0: unchanged */
	char cpuset_cpus[NSW_CPUSET_MAX];	/* "0-3,5"; "": the parent's */
	char cpuset_mems[NSW_CPUSET_MAX];
	/*
	 * The devices cgroup (v1): n_device_rules > 0 denies every device,
	 * then applies these in order. devices_needed: a host without a v1
	 * devices controller is an error (else the rules are left out, and
	 * the container's mounts stay nodev).
	 */
	int n_device_rules;
	struct nsw_device_rule {
		bool allow;
		char type;		/* 'a', 'c' or 'b' */
		long long major, minor;	/* -1: any */
		char access[4];		/* of "rwm" */
	} device_rules[NSW_MAX_DEVICE_RULES];
	bool devices_needed;
};

/*
 * "67108864", "64k", "64m", "1g", "512M": binary units, case-insensitive,
 * optional trailing b/B. At least 1 MiB: the kernel OOM-kills a container
 * with less before it starts.
 */
int nsw_parse_memory(const char *s, long long *bytes, struct nsw_error *err);

/* A positive number of tasks, at most the kernel's PID_MAX_LIMIT. */
int nsw_parse_pids(const char *s, long long *max, struct nsw_error *err);

/*
 * A number of CPUs, "0.5", "2", "1.25", from 0.01 (1000 us of quota, the
 * kernel's minimum) to 1024, as a quota per 100000 us period.
 */
int nsw_parse_cpus(const char *s, unsigned long long *quota_us,
		   unsigned long long *period_us, struct nsw_error *err);

/* Every v1 hierarchy a kernel has (13 controllers) and the v2 one. */
#define NSW_CGROUP_MAX_DIRS 16

struct nsw_cgroup {
	int n;
	struct nsw_cgroup_dir {
		int version;		/* 1 or 2 */
		char controller[32];	/* v1: the controller it was made for; v2: "" */
		char path[4096];	/* absolute, e.g. /sys/fs/cgroup/unified/nswatch/NAME */
		/*
		 * 0: path is <mount>/nswatch/NAME (nswatch/ is shared, removed
		 * once empty). n > 0: a config's cgroupsPath, of which this
		 * container made the last n components (the others were there).
		 */
		int made;
	} dirs[NSW_CGROUP_MAX_DIRS];
	/* The limits' device rules are applied (a v1 devices cgroup is among dirs). */
	bool devices;
};

/*
 * Make the cgroups of container NAME (already validated by the caller) and
 * apply lim (NULL: no limits). Each controller a limit needs comes from
 * cgroup v2 if its root lists it, else from the v1 hierarchy it is mounted
 * in. The v2 directory, when cgroup2 is mounted, is always made and comes
 * first. On failure nothing made stays behind and cg->n is 0.
 *
 * Not root: limits are an error; without them, returns 0 with cg->n = 0.
 */
int nsw_cgroup_create(struct nsw_cgroup *cg, const char *name,
		      const struct nsw_limits *lim, struct nsw_error *err);

/* The same for any euid, with the mounts read from mountinfo_path. */
int nsw_cgroup_create_at(struct nsw_cgroup *cg, const char *mountinfo_path,
			 const char *name, const struct nsw_limits *lim,
			 struct nsw_error *err);

/* Move process pid (all its threads) into every directory of cg. */
int nsw_cgroup_add_pid(const struct nsw_cgroup *cg, pid_t pid,
		       struct nsw_error *err);

/*
 * Remove every directory of cg, waiting up to about 2 s for exiting tasks
 * to leave, then the shared nswatch/ parents that are left empty. A
 * directory already gone is no error. Tries all; reports the first failure.
 */
int nsw_cgroup_destroy(const struct nsw_cgroup *cg, struct nsw_error *err);

/*
 * The directories nsw_cgroup_create() would make for NAME, made of none:
 * a container records them before it makes them, so that a start killed
 * half-way leaves nothing its state does not name.
 */
int nsw_cgroup_plan(struct nsw_cgroup *cg, const char *name,
		    const struct nsw_limits *lim, struct nsw_error *err);

/*
 * Is every directory of cg (from a state file, not trusted) one nswatch
 * makes for container NAME: <mountpoint>/nswatch/NAME, the mountpoint a
 * cgroup hierarchy of its version reached without a symlink?
 */
int nsw_cgroup_check_owned(const struct nsw_cgroup *cg, const char *name,
			   struct nsw_error *err);

/*
 * Is path a cgroupsPath nswatch takes: not empty, not a hierarchy's root,
 * no "." or ".." component, no control character, not the systemd
 * driver's "slice:prefix:name". Repeated and trailing '/' are dropped, as
 * runc cleans them (path is rewritten in place).
 */
int nsw_cgroup_path_valid(char *path, struct nsw_error *err);

/*
 * The mountpoint of the hierarchy path lies in (the nearest directory
 * above it that is the root of a mount), into mnt (PATH_MAX).
 */
int nsw_cgroup_mountpoint(const char *path, char *mnt, struct nsw_error *err);

#endif /* NSW_CGROUP_H */
