// SPDX-License-Identifier: GPL-2.0
/*
 * The table's real probe: /proc, the nsfs ioctls and nswatch's state files.
 * Kept apart from nstable.c so that the table's logic is tested with fakes.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include "table/nstable.h"
#include "table/labels.h"
#include "table/cgroup_labels.h"
#include "table/nsscan.h"
#include "lib/util.h"

static int k_proc_ns(void *ctx, pid_t pid, struct nsw_proc_ns *p)
{
	(void)ctx;
	return nsw_read_proc_ns(pid, p);
}

static int k_ns_meta(void *ctx, pid_t pid, unsigned int type, __u32 inode,
		     struct nsw_ns_meta *m)
{
	struct nsw_error err;

	(void)ctx;
	/* The expected inode guards against a pid reused since the record. */
	return nsw_ns_meta_pid(pid, type, inode, m, &err);
}

static int k_ns_meta_slot(void *ctx, pid_t pid, unsigned int slot, __u32 inode,
			  struct nsw_ns_meta *m)
{
	struct nsw_error err;

	(void)ctx;
	return nsw_ns_meta_slot(pid, slot, inode, m, &err);
}

static int k_ns_meta_path(void *ctx, const char *path, struct nsw_ns_meta *m)
{
	cleanup_close int fd = -1;
	struct nsw_error err;

	(void)ctx;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return nsw_ns_meta_fd(fd, m, &err);
}

static bool k_pid_label(void *ctx, pid_t pid, struct nsw_label *l)
{
	(void)ctx;
	return nsw_pid_label(pid, l);
}

/* What the kernel probe keeps between asks (NULL ctx: nothing, as before). */
struct kernel_ctx {
	struct nsw_nswatch_cache *nswatch; /* owned */
	struct nsw_cgroup_labels *cgroups; /* not owned */
};

static bool k_cgroup_label(void *ctx, __u64 v2_id, __u64 v1_id, struct nsw_label *l)
{
	struct kernel_ctx *k = ctx;

	return nsw_cgroup_labels_get(k->cgroups, v2_id, v1_id, l);
}

static void k_free_ctx(void *ctx)
{
	struct kernel_ctx *k = ctx;

	nsw_nswatch_cache_free(k->nswatch);
	free(k);
}

/*
 * The state files as last scanned, scanned again once they changed: a
 * container started while tracing is found, a flood reads nothing. Without
 * a cache (out of memory) they are read on each ask.
 */
static bool k_nswatch_label(void *ctx, unsigned int type, __u32 inode,
			    struct nsw_label *l)
{
	cleanup_free struct nsw_container_ns *list = NULL;
	struct kernel_ctx *k = ctx;
	struct nsw_error err;
	size_t n = 0;

	if (k && k->nswatch)
		return nsw_nswatch_cache_label(k->nswatch, type, inode, l);
	if (nsw_scan_nswatch_containers(&list, &n, &err) < 0)
		return false;
	return nsw_container_label(list, n, type, inode, l);
}

static int k_ns_alive(void *ctx, unsigned int type, __u32 inode, __u64 ns_id)
{
	(void)ctx;
	return nsw_ns_alive(type, inode, ns_id);
}

static bool k_ns_holder(void *ctx, unsigned int type, __u32 inode, pid_t hint_pid,
			int hint_fd, pid_t last_pid, struct nsw_ns_holder *h)
{
	int fd;

	(void)ctx;
	if (nsw_ns_fd_is(hint_pid, hint_fd, type, inode)) {
		h->kind = NSW_HOLDER_FD;
		h->pid = hint_pid;
		h->fd = hint_fd;
		return true;
	}
	if (last_pid != hint_pid && nsw_ns_fd_of(last_pid, type, inode, &fd)) {
		h->kind = NSW_HOLDER_FD;
		h->pid = last_pid;
		h->fd = fd;
		return true;
	}
	if (nsw_ns_mount_of(type, inode, h->path, sizeof(h->path))) {
		h->kind = NSW_HOLDER_MOUNT;
		return true;
	}
	return false;
}

static int k_ns_scan(void *ctx, struct nsw_ns_query *q, size_t n)
{
	struct nsw_error err;
	bool complete;

	(void)ctx;
	if (nsw_ns_scan_holders(q, n, NSW_SCAN_BUDGET_NS, &complete, &err) < 0)
		return -1;
	return complete ? 1 : 0;
}

static const struct nsw_table_probe kernel_probe = {
	.proc_ns = k_proc_ns,
	.ns_meta = k_ns_meta,
	.ns_meta_slot = k_ns_meta_slot,
	.pid_label = k_pid_label,
	.nswatch_label = k_nswatch_label,
	.ns_meta_path = k_ns_meta_path,
	.ns_alive = k_ns_alive,
	.ns_holder = k_ns_holder,
	.ns_scan = k_ns_scan,
};

void nsw_table_use_kernel_cgroups(struct nsw_table *t, struct nsw_cgroup_labels *c)
{
	struct nsw_table_probe p = kernel_probe;
	struct kernel_ctx *k = calloc(1, sizeof(*k));

	if (k && !(k->nswatch = nsw_nswatch_cache_new())) {
		free(k);
		k = NULL;
	}
	if (k) {
		k->cgroups = c;
		p.ctx = k;
		p.free_ctx = k_free_ctx;
		if (c)
			p.cgroup_label = k_cgroup_label;
	}
	nsw_table_set_probe(t, &p);
}

void nsw_table_use_kernel(struct nsw_table *t)
{
	nsw_table_use_kernel_cgroups(t, NULL);
}

static int seed_one(const struct nsw_proc_ns *p, void *data)
{
	nsw_table_seed_proc(data, p);
	return 0;
}

int nsw_table_seed(struct nsw_table *t, struct nsw_error *err)
{
	cleanup_free struct nsw_nsfs_mount *mounts = NULL;
	size_t n = 0;

	if (nsw_scan_procs(seed_one, t, err) < 0)
		return -1;
	/*
	 * Without libmount (a minimal system) the namespaces only a bind mount
	 * holds are missing, and nothing else: say so, and go on.
	 */
	if (nsw_scan_nsfs_mounts(&mounts, &n, err) < 0) {
		if (err->errnum != ELIBACC)
			return -1;
		nsw_error_wrap(err, "namespaces held only by nsfs mounts are not listed");
		nsw_error_warn(err);
		memset(err, 0, sizeof(*err));
	}
	for (size_t i = 0; i < n; i++)
		nsw_table_seed_mount(t, &mounts[i]);
	return 0;
}
