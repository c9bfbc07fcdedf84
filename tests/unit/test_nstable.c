// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace table against the kernel's semantics, fed hand-made ring
 * buffer records in the orders the kernel submits them, with a fake probe in
 * place of /proc: seeding, clone and exit, recycled inodes (with and without
 * ns ids), a clone's FORK before its NSOP and its child's EXIT before it,
 * unshare of pid and time, setns into a pinned netns, failures, labels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "table/nstable.h"
#include "lib/nsnames.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The host's namespaces, by slot: pid and time equal their *_for_children. */
#define H_MNT 4026531832u
#define H_UTS 4026531838u
#define H_IPC 4026531839u
#define H_NET 4026531833u
#define H_CGROUP 4026531835u
#define H_PID 4026531836u
#define H_TIME 4026531834u
#define H_USER 4026531837u
#define ID_BASE 7000000ULL
#define MAX_LOG 2048
#define MAX_PROCS 16

struct logged {
	enum nsw_ns_change change;
	__u64 serial;
	unsigned int type;
	__u32 inode;
	__u32 pid;
};

struct fx {
	struct nsw_table *t;
	struct logged log[MAX_LOG];
	size_t nlog;
	bool ids;                 /* the kernel has ns ids (6.18) */
	__u32 recycled;           /* this inode's id changes with gen */
	unsigned int gen;
	/* The fake /proc. */
	struct nsw_proc_ns procs[MAX_PROCS];
	size_t nprocs;
	unsigned int proc_ns_calls;
	unsigned int meta_calls;
	unsigned int meta_path_calls;
	unsigned int meta_slot_calls;
	unsigned int meta_slot_last;  /* the slot it was last asked about */
	unsigned int pid_label_calls;
	unsigned int nswatch_label_calls;
	pid_t labelled_pid;       /* pid_label knows this one */
	__u32 nswatch_inode;      /* nswatch_label knows this one */
	unsigned int cgroup_label_calls;
	__u64 labelled_cgroup;    /* cgroup_label knows this v2 id */
};

static unsigned int type_of(const char *name)
{
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++)
		if (!strcmp(nsw_types[i].name, name))
			return i;
	fail_msg("no type %s", name);
	return 0;
}

static __u64 id_of(const struct fx *f, __u32 inode)
{
	if (!f->ids || !inode)
		return 0;
	return ID_BASE + inode + (inode == f->recycled ? f->gen * 100000000ULL : 0);
}

static void on_change(void *ctx, enum nsw_ns_change c, const struct nsw_ns_entry *e,
		      __u32 pid, __u64 ts)
{
	struct fx *f = ctx;

	(void)ts;
	assert_true(f->nlog < MAX_LOG);
	f->log[f->nlog++] = (struct logged){ c, e->serial, e->type, e->inode, pid };
}

static int fake_proc_ns(void *ctx, pid_t pid, struct nsw_proc_ns *p)
{
	struct fx *f = ctx;

	f->proc_ns_calls++;
	for (size_t i = 0; i < f->nprocs; i++) {
		if (f->procs[i].pid == pid) {
			*p = f->procs[i];
			return 0;
		}
	}
	return -1;
}

static int fake_ns_meta(void *ctx, pid_t pid, unsigned int type, __u32 inode,
			struct nsw_ns_meta *m)
{
	struct fx *f = ctx;

	(void)pid;
	f->meta_calls++;
	m->type = type;
	m->inode = inode;
	m->ns_id = id_of(f, inode);
	m->owner_user = H_USER;
	return 0;
}

static int fake_ns_meta_slot(void *ctx, pid_t pid, unsigned int slot, __u32 inode,
			     struct nsw_ns_meta *m)
{
	struct fx *f = ctx;

	f->meta_slot_calls++;
	f->meta_slot_last = slot;
	return fake_ns_meta(ctx, pid, nsw_type_of_slot(slot) - nsw_types, inode, m);
}

static int fake_ns_meta_path(void *ctx, const char *path, struct nsw_ns_meta *m)
{
	struct fx *f = ctx;
	unsigned int inode;

	f->meta_path_calls++;
	/* The tests name their mounts /run/netns/<inode>-<name>. */
	if (sscanf(path, "/run/netns/%u-", &inode) != 1)
		return -1;
	m->type = type_of("net");
	m->inode = inode;
	m->ns_id = id_of(f, inode);
	return 0;
}

static bool fake_pid_label(void *ctx, pid_t pid, struct nsw_label *l)
{
	struct fx *f = ctx;

	f->pid_label_calls++;
	if (pid != f->labelled_pid)
		return false;
	strcpy(l->engine, "docker");
	strcpy(l->id, "0123456789abcdef");
	return true;
}

static bool fake_nswatch_label(void *ctx, unsigned int type, __u32 inode,
			       struct nsw_label *l)
{
	struct fx *f = ctx;

	(void)type;
	f->nswatch_label_calls++;
	if (!f->nswatch_inode || inode != f->nswatch_inode)
		return false;
	strcpy(l->engine, "nswatch");
	strcpy(l->id, "box");
	return true;
}

static bool fake_cgroup_label(void *ctx, __u64 v2_id, __u64 v1_id, struct nsw_label *l)
{
	struct fx *f = ctx;

	(void)v1_id;
	f->cgroup_label_calls++;
	if (!f->labelled_cgroup || v2_id != f->labelled_cgroup)
		return false;
	strcpy(l->engine, "podman");
	strcpy(l->id, "fedcba9876543210");
	return true;
}

static int setup(void **state, bool ids)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct nsw_table_probe probe = {
		.proc_ns = fake_proc_ns,
		.ns_meta = fake_ns_meta,
		.pid_label = fake_pid_label,
		.nswatch_label = fake_nswatch_label,
		.ns_meta_path = fake_ns_meta_path,
		.ns_meta_slot = fake_ns_meta_slot,
		.cgroup_label = fake_cgroup_label,
	};

	assert_non_null(f);
	f->ids = ids;
	f->t = nsw_table_new(on_change, f);
	assert_non_null(f->t);
	probe.ctx = f;
	nsw_table_set_probe(f->t, &probe);
	*state = f;
	return 0;
}

static int setup_ids(void **state)
{
	return setup(state, true);
}

static int setup_no_ids(void **state)
{
	return setup(state, false);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	nsw_table_free(f->t);
	free(f);
	return 0;
}

static void host_slots(__u32 *ns)
{
	ns[NSW_SLOT_MNT] = H_MNT;
	ns[NSW_SLOT_UTS] = H_UTS;
	ns[NSW_SLOT_IPC] = H_IPC;
	ns[NSW_SLOT_NET] = H_NET;
	ns[NSW_SLOT_CGROUP] = H_CGROUP;
	ns[NSW_SLOT_PID] = ns[NSW_SLOT_PID_FOR_CHILDREN] = H_PID;
	ns[NSW_SLOT_TIME] = ns[NSW_SLOT_TIME_FOR_CHILDREN] = H_TIME;
	ns[NSW_SLOT_USER] = H_USER;
}

static void seed(struct fx *f, pid_t pid, const __u32 *ns)
{
	struct nsw_proc_ns p = { .pid = pid, .ppid = 1 };

	snprintf(p.comm, sizeof(p.comm), "p%d", pid);
	if (ns)
		memcpy(p.ns, ns, sizeof(p.ns));
	else
		host_slots(p.ns);
	nsw_table_seed_proc(f->t, &p);
}

static void seed_mount(struct fx *f, const char *path, __u32 inode)
{
	struct nsw_nsfs_mount m = { .type = type_of("net"), .inode = inode };

	snprintf(m.path, sizeof(m.path), "%s", path);
	nsw_table_seed_mount(f->t, &m);
}

/* A FORK record; ns NULL: a plain fork (ns_valid 0). */
static void fork_rec(struct fx *f, pid_t pid, pid_t ppid, __u64 ts, const __u32 *ns)
{
	struct nsw_proc_event ev = { .kind = NSW_KIND_FORK, .pid = pid,
				     .ppid = ppid, .ts_ns = ts };

	snprintf(ev.comm, sizeof(ev.comm), "c%d", pid);
	if (ns) {
		ev.ns_valid = 1;
		memcpy(ev.ns, ns, sizeof(ev.ns));
		for (int i = 0; i < NSW_SLOT_COUNT; i++)
			ev.ns_id[i] = id_of(f, ns[i]);
	}
	nsw_table_apply_proc(f->t, &ev);
}

static void proc_rec(struct fx *f, unsigned int kind, pid_t pid, __u64 ts)
{
	struct nsw_proc_event ev = { .kind = kind, .pid = pid, .ts_ns = ts };

	if (kind == NSW_KIND_EXEC)
		snprintf(ev.comm, sizeof(ev.comm), "exec%d", pid);
	nsw_table_apply_proc(f->t, &ev);
}

static struct nsw_event nsop(struct fx *f, unsigned int op, pid_t pid, __u64 ts,
			     __u64 flags, const __u32 *before, const __u32 *after)
{
	struct nsw_event ev = { .kind = NSW_KIND_NSOP, .op = op, .pid = pid,
				.tid = pid, .ts_ns = ts, .flags = flags,
				.flags_valid = 1, .after_valid = 1,
				.target_slot = NSW_SLOT_COUNT };

	snprintf(ev.comm, sizeof(ev.comm), "op%d", pid);
	memcpy(ev.ns_before, before, sizeof(ev.ns_before));
	memcpy(ev.ns_after, after, sizeof(ev.ns_after));
	for (int i = 0; i < NSW_SLOT_COUNT; i++)
		ev.ns_id_after[i] = id_of(f, after[i]);
	return ev;
}

static void clone_rec(struct fx *f, pid_t pid, pid_t child, __u64 ts, __u64 flags,
		      const __u32 *child_ns)
{
	__u32 before[NSW_SLOT_COUNT];
	struct nsw_event ev;

	host_slots(before);
	ev = nsop(f, NSW_OP_CLONE, pid, ts, flags | SIGCHLD, before, child_ns);
	ev.child_pid = child;
	nsw_table_apply_nsop(f->t, &ev);
}

static size_t count_cb(const struct fx *f, enum nsw_ns_change c, __u32 inode)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nlog; i++)
		if (f->log[i].change == c && f->log[i].inode == inode)
			n++;
	return n;
}

static size_t count_serial(const struct fx *f, enum nsw_ns_change c, __u64 serial)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nlog; i++)
		if (f->log[i].change == c && f->log[i].serial == serial)
			n++;
	return n;
}

static size_t count_pid(const struct fx *f, enum nsw_ns_change c, __u32 inode,
			__u32 pid)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nlog; i++)
		if (f->log[i].change == c && f->log[i].inode == inode &&
		    f->log[i].pid == pid)
			n++;
	return n;
}

static const struct nsw_ns_entry *find(struct fx *f, const char *type, __u32 inode)
{
	return nsw_table_find(f->t, type_of(type), inode, 0);
}

static void test_seed_counts(void **state)
{
	struct fx *f = *state;
	__u32 box[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *e;

	host_slots(box);
	box[NSW_SLOT_UTS] = 5001;
	box[NSW_SLOT_NET] = 5002;
	seed(f, 1, NULL);
	seed(f, 2, NULL);
	seed(f, 3, box);
	seed_mount(f, "/run/netns/5003-red", 5003);
	/* The same netns bound twice: one entry, the first path kept. */
	seed_mount(f, "/run/netns/5003-blue", 5003);

	assert_int_equal(nsw_table_procs(f->t), 3);
	assert_int_equal(nsw_table_count(f->t), 8 + 2 + 1);
	/* Owner and parent asked once per entry with a member, not per process. */
	assert_int_equal(f->meta_calls, 8 + 2);
	assert_int_equal(f->meta_path_calls, 1);
	assert_int_equal(f->nlog, 0);

	e = find(f, "uts", H_UTS);
	assert_non_null(e);
	assert_int_equal(e->origin, NSW_ORIGIN_SEEDED);
	assert_int_equal(e->members, 2);
	assert_int_equal(e->holders, 2);
	assert_true(e->meta_valid);
	assert_int_equal(e->ns_id, ID_BASE + H_UTS);
	assert_int_equal(e->meta.owner_user, H_USER);
	/* By ns id too, once the probe gave it. */
	assert_ptr_equal(nsw_table_find(f->t, type_of("uts"), 0, ID_BASE + H_UTS), e);

	e = find(f, "net", 5002);
	assert_int_equal(e->members, 1);
	assert_int_equal(e->holders, 1);

	e = find(f, "net", 5003);
	assert_non_null(e);
	assert_int_equal(e->holders, 0);
	assert_false(e->empty);
	assert_string_equal(e->pinned_at, "/run/netns/5003-red");
	assert_string_equal(e->netns_name, "5003-red");
	assert_int_equal(e->ns_id, ID_BASE + 5003);

	/* The pid namespace is held once per process, through two slots. */
	e = find(f, "pid", H_PID);
	assert_int_equal(e->holders, 3);
	assert_int_equal(e->members, 3);
}

/* Seed the host's pid 100 and apply a clone of child 101 into uts and net. */
static void clone_uts_net(struct fx *f, pid_t parent, pid_t child, __u64 ts,
			  __u32 uts, __u32 net, bool exit_first)
{
	__u32 ns[NSW_SLOT_COUNT];

	host_slots(ns);
	ns[NSW_SLOT_UTS] = uts;
	ns[NSW_SLOT_NET] = net;
	fork_rec(f, child, parent, ts + 10, ns);
	if (exit_first)
		proc_rec(f, NSW_KIND_EXIT, child, ts + 20);
	clone_rec(f, parent, child, ts, CLONE_NEWUTS | CLONE_NEWNET, ns);
}

static void test_clone_then_child_exit(void **state)
{
	struct fx *f = *state;
	const struct nsw_ns_entry *uts, *net;
	__u64 uts_serial, net_serial;

	seed(f, 100, NULL);
	clone_uts_net(f, 100, 101, 1000, 6001, 6002, false);

	uts = find(f, "uts", 6001);
	net = find(f, "net", 6002);
	assert_non_null(uts);
	assert_non_null(net);
	uts_serial = uts->serial;
	net_serial = net->serial;
	/* The FORK made the entries; the NSOP made them CREATED, not new ones. */
	assert_int_equal(nsw_table_count(f->t), 10);
	assert_int_equal(count_serial(f, NSW_NS_JOINED, uts_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_CREATED, uts_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_CREATED, net_serial), 1);
	assert_int_equal(uts->origin, NSW_ORIGIN_CREATED);
	assert_int_equal(uts->creator_pid, 100);
	assert_string_equal(uts->creator_comm, "op100");
	assert_int_equal(uts->creator_op, NSW_OP_CLONE);
	assert_int_equal(uts->first_ts_ns, 1000);
	assert_int_equal(uts->ns_id, id_of(f, 6001));
	assert_int_equal(uts->members, 1);
	/* The child entered nothing else its parent is not in. */
	assert_int_equal(count_pid(f, NSW_NS_JOINED, H_MNT, 101), 0);

	proc_rec(f, NSW_KIND_EXIT, 101, 2000);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, uts_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, net_serial), 1);
	assert_int_equal(count_pid(f, NSW_NS_LEFT, H_MNT, 101), 1);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, H_MNT), 0);
	assert_null(find(f, "uts", 6001));
	assert_int_equal(nsw_table_count(f->t), 8);
	assert_int_equal(nsw_table_procs(f->t), 1);

	/* A repeated exit finds nothing: EMPTIED stays raised once. */
	proc_rec(f, NSW_KIND_EXIT, 101, 2001);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, uts_serial), 1);
}

static void test_exit_before_nsop(void **state)
{
	struct fx *f = *state;
	__u64 serial;

	seed(f, 100, NULL);
	clone_uts_net(f, 100, 101, 1000, 6001, 6002, true);

	/* The child came and went before the parent's record: no ghost. */
	assert_int_equal(nsw_table_procs(f->t), 1);
	assert_int_equal(nsw_table_count(f->t), 8);
	assert_null(find(f, "net", 6002));
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 6001), 1);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 6002), 1);
	/* The late record still tells who made it, on the same entry. */
	assert_int_equal(count_cb(f, NSW_NS_CREATED, 6002), 1);
	for (size_t i = 0; i < f->nlog; i++) {
		if (f->log[i].inode != 6002)
			continue;
		serial = f->log[i].serial;
		assert_int_equal(count_serial(f, NSW_NS_JOINED, serial), 1);
		assert_int_equal(count_serial(f, NSW_NS_EMPTIED, serial), 1);
		assert_int_equal(count_serial(f, NSW_NS_CREATED, serial), 1);
	}
	assert_int_equal(count_pid(f, NSW_NS_CREATED, 6002, 100), 1);
}

/* A lost FORK: the NSOP alone brings in the child, if /proc still has it. */
static void test_nsop_without_fork(void **state)
{
	struct fx *f = *state;
	__u32 ns[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *e;

	seed(f, 100, NULL);
	host_slots(ns);
	ns[NSW_SLOT_NET] = 6102;
	f->procs[f->nprocs++] = (struct nsw_proc_ns){ .pid = 101 };
	clone_rec(f, 100, 101, 1000, CLONE_NEWNET, ns);
	e = find(f, "net", 6102);
	assert_non_null(e);
	assert_int_equal(e->origin, NSW_ORIGIN_CREATED);
	assert_int_equal(e->members, 1);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, 6102, 101), 1);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 6102), 0);

	/* Gone from /proc too: made and emptied at once, nobody added. */
	ns[NSW_SLOT_NET] = 6103;
	clone_rec(f, 100, 102, 1100, CLONE_NEWNET, ns);
	assert_null(find(f, "net", 6103));
	assert_int_equal(count_cb(f, NSW_NS_CREATED, 6103), 1);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 6103), 1);
	assert_int_equal(nsw_table_procs(f->t), 2);
}

static __u64 serial_of(struct fx *f, const char *type, __u32 inode)
{
	const struct nsw_ns_entry *e = find(f, type, inode);

	assert_non_null(e);
	return e->serial;
}

/*
 * Namespace A (inode X) is emptied and freed; the kernel hands X to a new
 * namespace B, made by another process. B is a new entry; A stays dead.
 */
static void recycled_inode(struct fx *f, bool exit_first)
{
	const __u32 X = 6500;
	const struct nsw_ns_entry *b;
	__u64 a_serial, b_serial;
	__u32 ns[NSW_SLOT_COUNT];

	f->recycled = X;
	seed(f, 100, NULL);
	seed(f, 200, NULL);
	clone_uts_net(f, 100, 101, 1000, 6501, X, false);
	a_serial = serial_of(f, "net", X);
	proc_rec(f, NSW_KIND_EXIT, 101, 1500);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, a_serial), 1);
	f->gen++; /* a new namespace: a new id, the same inode */

	host_slots(ns);
	ns[NSW_SLOT_NET] = X;
	fork_rec(f, 201, 200, 2010, ns);
	if (exit_first)
		proc_rec(f, NSW_KIND_EXIT, 201, 2020);
	clone_rec(f, 200, 201, 2000, CLONE_NEWNET, ns);

	assert_int_equal(count_serial(f, NSW_NS_CREATED, a_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, a_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_JOINED, a_serial), 1);
	if (exit_first) {
		assert_null(find(f, "net", X));
		assert_int_equal(count_pid(f, NSW_NS_CREATED, X, 200), 1);
		assert_int_equal(count_pid(f, NSW_NS_EMPTIED, X, 201), 1);
		return;
	}
	b = find(f, "net", X);
	assert_non_null(b);
	b_serial = b->serial;
	assert_int_not_equal(b_serial, a_serial);
	assert_int_equal(b->origin, NSW_ORIGIN_CREATED);
	assert_int_equal(b->creator_pid, 200);
	assert_int_equal(b->first_ts_ns, 2000);
	assert_int_equal(b->members, 1);
	assert_int_equal(b->ns_id, id_of(f, X));
	assert_int_equal(count_serial(f, NSW_NS_CREATED, b_serial), 1);

	proc_rec(f, NSW_KIND_EXIT, 201, 3000);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, b_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, a_serial), 1);
	assert_int_equal(nsw_table_count(f->t), 8);
}

static void test_recycled_inode(void **state)
{
	recycled_inode(*state, false);
}

static void test_recycled_inode_exit_first(void **state)
{
	recycled_inode(*state, true);
}

/* The same, with real distinct ids: the table must tell them apart by id. */
static void test_recycled_inode_distinct_ids(void **state)
{
	struct fx *f = *state;
	__u32 ns[NSW_SLOT_COUNT];
	struct nsw_proc_event fork_ev = { .kind = NSW_KIND_FORK, .pid = 201,
					  .ppid = 200, .ts_ns = 2010, .ns_valid = 1 };
	struct nsw_event ev;
	const struct nsw_ns_entry *b;
	__u64 a_serial;

	seed(f, 100, NULL);
	seed(f, 200, NULL);
	clone_uts_net(f, 100, 101, 1000, 6501, 6500, false);
	a_serial = serial_of(f, "net", 6500);
	/* 101's exit record was lost: A looks alive, but the kernel freed it. */
	host_slots(ns);
	ns[NSW_SLOT_NET] = 6500;
	memcpy(fork_ev.ns, ns, sizeof(ns));
	for (int i = 0; i < NSW_SLOT_COUNT; i++)
		fork_ev.ns_id[i] = id_of(f, ns[i]);
	fork_ev.ns_id[NSW_SLOT_NET] = 99; /* another namespace on the same inode */
	nsw_table_apply_proc(f->t, &fork_ev);
	host_slots(ns);
	ev = nsop(f, NSW_OP_CLONE, 200, 2000, CLONE_NEWNET, ns, fork_ev.ns);
	ev.ns_id_after[NSW_SLOT_NET] = 99;
	ev.child_pid = 201;
	nsw_table_apply_nsop(f->t, &ev);

	b = find(f, "net", 6500);
	assert_non_null(b);
	assert_int_not_equal(b->serial, a_serial);
	assert_int_equal(b->ns_id, 99);
	assert_int_equal(b->creator_pid, 200);
	assert_int_equal(b->holders, 1);
	/* The child joined B at its fork already, never A. */
	assert_int_equal(count_serial(f, NSW_NS_JOINED, b->serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_JOINED, a_serial), 1);
	/* A is gone for good: said empty once, and not found by its id. */
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, a_serial), 1);
	assert_null(nsw_table_find(f->t, type_of("net"), 0, id_of(f, 6500)));
	proc_rec(f, NSW_KIND_EXIT, 101, 2500);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, a_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, b->serial), 0);
}

/* Old kernel: A is still live in the table (lost exit); X made again by a clone. */
static void test_recycled_inode_stale_no_id(void **state)
{
	struct fx *f = *state;
	const struct nsw_ns_entry *b;
	__u64 a_serial;

	seed(f, 100, NULL);
	seed(f, 200, NULL);
	clone_uts_net(f, 100, 101, 1000, 6501, 6500, false);
	a_serial = serial_of(f, "net", 6500);
	clone_uts_net(f, 200, 201, 2000, 6601, 6500, false);
	b = find(f, "net", 6500);
	assert_non_null(b);
	assert_int_not_equal(b->serial, a_serial);
	assert_int_equal(b->creator_pid, 200);
	assert_int_equal(b->members, 1);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, a_serial), 1);
	assert_int_equal(count_serial(f, NSW_NS_CREATED, b->serial), 1);
	/* 101's slot no longer points at the dead A; its exit empties its uts only. */
	proc_rec(f, NSW_KIND_EXIT, 101, 3000);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, a_serial), 1);
	assert_int_equal(b->holders, 1);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 6501), 1);
}

static void test_unshare_pid_fork_exits(void **state)
{
	struct fx *f = *state;
	__u32 before[NSW_SLOT_COUNT], after[NSW_SLOT_COUNT], child[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *p1, *host_pid;
	struct nsw_event ev;
	const __u32 P1 = 7001;
	__u64 serial;

	seed(f, 1, NULL);
	seed(f, 200, NULL);
	host_slots(before);
	memcpy(after, before, sizeof(after));
	after[NSW_SLOT_PID_FOR_CHILDREN] = P1;
	ev = nsop(f, NSW_OP_UNSHARE, 200, 1000, CLONE_NEWPID, before, after);
	nsw_table_apply_nsop(f->t, &ev);

	p1 = find(f, "pid", P1);
	assert_non_null(p1);
	serial = p1->serial;
	assert_int_equal(p1->origin, NSW_ORIGIN_CREATED);
	assert_int_equal(p1->creator_op, NSW_OP_UNSHARE);
	/* The caller holds it for its children; it is not in it. */
	assert_int_equal(p1->members, 0);
	assert_int_equal(p1->holders, 1);
	assert_int_equal(count_pid(f, NSW_NS_CREATED, P1, 200), 1);
	assert_int_equal(count_cb(f, NSW_NS_LEFT, H_PID), 0);
	assert_int_equal(count_cb(f, NSW_NS_JOINED, P1), 0);

	/* Its first child is pid 1 of P1. */
	memcpy(child, before, sizeof(child));
	child[NSW_SLOT_PID] = child[NSW_SLOT_PID_FOR_CHILDREN] = P1;
	fork_rec(f, 201, 200, 1100, child);
	ev = nsop(f, NSW_OP_CLONE, 200, 1090, SIGCHLD, before, child);
	ev.child_pid = 201;
	nsw_table_apply_nsop(f->t, &ev);
	assert_int_equal(p1->members, 1);
	assert_int_equal(p1->holders, 2);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, P1, 201), 1);
	assert_int_equal(count_cb(f, NSW_NS_CREATED, P1), 1);

	/* A plain fork inside, and one more of the caller: both land in P1. */
	fork_rec(f, 202, 201, 1200, NULL);
	fork_rec(f, 203, 200, 1300, NULL);
	assert_int_equal(p1->members, 3);
	assert_int_equal(p1->holders, 4);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, P1, 202), 0);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, P1, 203), 1);
	host_pid = find(f, "pid", H_PID);
	assert_int_equal(host_pid->members, 2);

	proc_rec(f, NSW_KIND_EXIT, 202, 2000);
	proc_rec(f, NSW_KIND_EXIT, 203, 2001);
	proc_rec(f, NSW_KIND_EXIT, 201, 2002);
	/* No process in it, but the caller still holds it for its children. */
	assert_int_equal(p1->members, 0);
	assert_int_equal(p1->holders, 1);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, serial), 0);
	proc_rec(f, NSW_KIND_EXIT, 200, 3000);
	assert_int_equal(count_serial(f, NSW_NS_EMPTIED, serial), 1);
	assert_int_equal(count_pid(f, NSW_NS_EMPTIED, P1, 200), 1);
	assert_null(find(f, "pid", P1));
	assert_int_equal(host_pid->holders, 1);
}

/*
 * The first child after unshare(CLONE_NEWPID) exits before its parent's
 * clone record, and /proc already shows another process with its pid.
 */
static void test_late_clone_of_reused_pid(void **state)
{
	struct fx *f = *state;
	__u32 before[NSW_SLOT_COUNT], after[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *p1;
	struct nsw_proc_ns reused = { .pid = 201 };
	struct nsw_event ev;

	seed(f, 1, NULL);
	seed(f, 200, NULL);
	host_slots(before);
	memcpy(after, before, sizeof(after));
	after[NSW_SLOT_PID_FOR_CHILDREN] = 7101;
	ev = nsop(f, NSW_OP_UNSHARE, 200, 1000, CLONE_NEWPID, before, after);
	nsw_table_apply_nsop(f->t, &ev);
	after[NSW_SLOT_PID] = 7101;
	fork_rec(f, 201, 200, 1100, after);
	proc_rec(f, NSW_KIND_EXIT, 201, 1200);
	host_slots(reused.ns);
	f->procs[f->nprocs++] = reused;

	ev = nsop(f, NSW_OP_CLONE, 200, 1090, SIGCHLD, before, after);
	ev.child_pid = 201;
	nsw_table_apply_nsop(f->t, &ev);
	p1 = find(f, "pid", 7101);
	assert_non_null(p1);
	assert_int_equal(p1->members, 0);
	assert_int_equal(p1->holders, 1);
	assert_int_equal(nsw_table_procs(f->t), 2);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, 7101, 201), 1);
}

static void test_setns_pinned_netns(void **state)
{
	struct fx *f = *state;
	__u32 host[NSW_SLOT_COUNT], red[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *r, *h;
	struct nsw_event ev;
	const __u32 R = 8001;

	seed(f, 1, NULL);
	seed(f, 300, NULL);
	seed_mount(f, "/run/netns/8001-red", R);
	r = find(f, "net", R);
	h = find(f, "net", H_NET);
	host_slots(host);
	memcpy(red, host, sizeof(red));
	red[NSW_SLOT_NET] = R;

	ev = nsop(f, NSW_OP_SETNS, 300, 1000, CLONE_NEWNET, host, red);
	ev.target_kind = NSW_TARGET_NSFS;
	ev.target_inum = R;
	ev.target_slot = NSW_SLOT_NET;
	ev.target_ns_id = id_of(f, R);
	nsw_table_apply_nsop(f->t, &ev);
	assert_int_equal(count_pid(f, NSW_NS_LEFT, H_NET, 300), 1);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, R, 300), 1);
	assert_int_equal(count_cb(f, NSW_NS_JOINED, H_MNT), 0);
	assert_int_equal(r->members, 1);
	assert_int_equal(h->members, 1);

	proc_rec(f, NSW_KIND_EXIT, 300, 2000);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, R), 1);
	/* Pinned by its mount: emptied, not freed. */
	assert_ptr_equal(find(f, "net", R), r);
	assert_true(r->empty);
	assert_int_equal(r->holders, 0);

	/* A holder comes back and leaves again: a second emptying, raised once. */
	fork_rec(f, 301, 1, 3000, NULL);
	ev = nsop(f, NSW_OP_SETNS, 301, 3100, 0, host, red);
	nsw_table_apply_nsop(f->t, &ev);
	assert_false(r->empty);
	proc_rec(f, NSW_KIND_EXIT, 301, 3200);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, R), 2);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, H_NET), 0);
	assert_int_equal(h->holders, 1);
}

/* setns into a namespace nobody the table knows holds (an open fd), and a pidfd. */
static void test_setns_unknown_and_pidfd(void **state)
{
	struct fx *f = *state;
	__u32 host[NSW_SLOT_COUNT], other[NSW_SLOT_COUNT], box[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *e;
	struct nsw_event ev;

	seed(f, 1, NULL);
	host_slots(host);
	memcpy(box, host, sizeof(box));
	box[NSW_SLOT_UTS] = 8101;
	box[NSW_SLOT_NET] = 8102;
	seed(f, 400, box);
	seed(f, 401, NULL);

	memcpy(other, host, sizeof(other));
	other[NSW_SLOT_NET] = 8200;
	ev = nsop(f, NSW_OP_SETNS, 401, 1000, CLONE_NEWNET, host, other);
	nsw_table_apply_nsop(f->t, &ev);
	e = find(f, "net", 8200);
	assert_non_null(e);
	assert_int_equal(e->origin, NSW_ORIGIN_SEEN);
	assert_int_equal(e->first_ts_ns, 1000);
	assert_true(e->meta_valid);

	/* Through a pidfd: uts and net of 400 at once. */
	ev = nsop(f, NSW_OP_SETNS, 401, 2000, CLONE_NEWUTS | CLONE_NEWNET, other, box);
	ev.target_kind = NSW_TARGET_PIDFD;
	ev.target_pid = 400;
	nsw_table_apply_nsop(f->t, &ev);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, 8101, 401), 1);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, 8102, 401), 1);
	assert_int_equal(count_pid(f, NSW_NS_LEFT, H_UTS, 401), 1);
	assert_int_equal(count_pid(f, NSW_NS_LEFT, 8200, 401), 1);
	assert_int_equal(count_pid(f, NSW_NS_EMPTIED, 8200, 401), 1);
	assert_null(find(f, "net", 8200));
	assert_int_equal(find(f, "uts", 8101)->members, 2);
}

static void test_exec_time_for_children(void **state)
{
	struct fx *f = *state;
	__u32 before[NSW_SLOT_COUNT], after[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *t1, *t0;
	struct nsw_event ev;
	size_t n;

	seed(f, 1, NULL);
	seed(f, 500, NULL);
	host_slots(before);
	memcpy(after, before, sizeof(after));
	after[NSW_SLOT_TIME_FOR_CHILDREN] = 9001;
	ev = nsop(f, NSW_OP_UNSHARE, 500, 1000, CLONE_NEWTIME, before, after);
	nsw_table_apply_nsop(f->t, &ev);
	t1 = find(f, "time", 9001);
	t0 = find(f, "time", H_TIME);
	assert_non_null(t1);
	assert_int_equal(t1->members, 0);
	assert_int_equal(t1->holders, 1);

	proc_rec(f, NSW_KIND_EXEC, 500, 2000);
	assert_int_equal(t1->members, 1);
	assert_int_equal(t1->holders, 1);
	assert_int_equal(t0->members, 1);
	assert_int_equal(t0->holders, 1);
	assert_int_equal(count_pid(f, NSW_NS_LEFT, H_TIME, 500), 1);
	assert_int_equal(count_pid(f, NSW_NS_JOINED, 9001, 500), 1);

	/* A second exec moves nothing. */
	n = f->nlog;
	proc_rec(f, NSW_KIND_EXEC, 500, 3000);
	assert_int_equal(f->nlog, n);
	proc_rec(f, NSW_KIND_EXIT, 500, 4000);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 9001), 1);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, H_TIME), 0);
}

static void test_failed_ops_change_nothing(void **state)
{
	struct fx *f = *state;
	__u32 host[NSW_SLOT_COUNT], after[NSW_SLOT_COUNT];
	struct nsw_event ev;

	seed(f, 1, NULL);
	seed(f, 600, NULL);
	host_slots(host);
	memcpy(after, host, sizeof(after));
	after[NSW_SLOT_NET] = 9501; /* what a success would have shown */

	ev = nsop(f, NSW_OP_UNSHARE, 600, 1000, CLONE_NEWNET, host, after);
	ev.ret = (__u64)-EPERM;
	nsw_table_apply_nsop(f->t, &ev);
	ev = nsop(f, NSW_OP_SETNS, 600, 1100, CLONE_NEWNET, host, after);
	ev.ret = (__u64)-EINVAL;
	nsw_table_apply_nsop(f->t, &ev);
	ev = nsop(f, NSW_OP_CLONE3, 600, 1200, CLONE_NEWNET, host, after);
	ev.ret = (__u64)-ENOMEM;
	ev.after_valid = 0;
	nsw_table_apply_nsop(f->t, &ev);

	assert_int_equal(f->nlog, 0);
	assert_int_equal(nsw_table_count(f->t), 8);
	assert_int_equal(nsw_table_procs(f->t), 2);
	assert_null(find(f, "net", 9501));
	assert_int_equal(find(f, "net", H_NET)->members, 2);
}

/* Forks and exits on the host ask /proc nothing once the table knows them. */
static void test_hot_path_reads_nothing(void **state)
{
	struct fx *f = *state;
	unsigned int meta;

	seed(f, 1, NULL);
	meta = f->meta_calls;
	for (pid_t pid = 1000; pid < 1100; pid++) {
		fork_rec(f, pid, 1, pid, NULL);
		proc_rec(f, NSW_KIND_EXEC, pid, pid);
		proc_rec(f, NSW_KIND_EXIT, pid, pid);
	}
	assert_int_equal(f->proc_ns_calls, 0);
	assert_int_equal(f->meta_calls, meta);
	assert_int_equal(nsw_table_procs(f->t), 1);
	assert_int_equal(count_cb(f, NSW_NS_JOINED, H_NET), 0);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, H_NET), 0);
	assert_int_equal(count_cb(f, NSW_NS_LEFT, H_NET), 100);
}

/* Past the bounds of the recent-exit and freed-entry memories: nothing kept. */
static void test_many_namespaces(void **state)
{
	struct fx *f = *state;
	__u32 ns[NSW_SLOT_COUNT];

	seed(f, 1, NULL);
	host_slots(ns);
	for (pid_t pid = 2; pid < 602; pid++) {
		ns[NSW_SLOT_NET] = 20000 + pid;
		fork_rec(f, pid, 1, pid * 10 + 1, ns);
		clone_rec(f, 1, pid, pid * 10, CLONE_NEWNET, ns);
		proc_rec(f, NSW_KIND_EXIT, pid, pid * 10 + 2);
		assert_int_equal(count_cb(f, NSW_NS_CREATED, 20000 + pid), 1);
		assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 20000 + pid), 1);
		f->nlog = 0;
	}
	for (pid_t pid = 1000; pid < 6000; pid++) {
		fork_rec(f, pid, 1, pid * 10, NULL);
		proc_rec(f, NSW_KIND_EXIT, pid, pid * 10 + 1);
		f->nlog = 0;
	}
	assert_int_equal(nsw_table_count(f->t), 8);
	assert_int_equal(nsw_table_procs(f->t), 1);
	assert_null(find(f, "net", 20002));
}

static void test_fork_of_unknown_parent(void **state)
{
	struct fx *f = *state;
	struct nsw_proc_ns p = { .pid = 701 };
	const struct nsw_ns_entry *e;

	seed(f, 1, NULL);
	host_slots(p.ns);
	p.ns[NSW_SLOT_UTS] = 9601;
	f->procs[f->nprocs++] = p;
	fork_rec(f, 701, 700, 1000, NULL);
	assert_int_equal(f->proc_ns_calls, 1);
	e = find(f, "uts", 9601);
	assert_non_null(e);
	assert_int_equal(e->origin, NSW_ORIGIN_SEEN);
	assert_int_equal(e->members, 1);

	/* Gone before it could be read: not added, its exit finds nothing. */
	fork_rec(f, 702, 700, 1100, NULL);
	assert_int_equal(nsw_table_procs(f->t), 2);
	proc_rec(f, NSW_KIND_EXIT, 702, 1200);
	assert_int_equal(nsw_table_procs(f->t), 2);
}

/* Seeding raced a fork: its FORK record, applied after, changes nothing. */
static void test_fork_of_seeded_process(void **state)
{
	struct fx *f = *state;
	__u32 box[NSW_SLOT_COUNT];
	const struct nsw_ns_entry *e;

	seed(f, 1, NULL);
	host_slots(box);
	box[NSW_SLOT_NET] = 9701;
	seed(f, 801, box);
	fork_rec(f, 801, 1, 1000, box);
	e = find(f, "net", 9701);
	assert_non_null(e);
	assert_int_equal(e->holders, 1);
	assert_int_equal(count_cb(f, NSW_NS_EMPTIED, 9701), 0);
	assert_int_equal(nsw_table_procs(f->t), 2);
}

static void test_labels_cached(void **state)
{
	struct fx *f = *state;
	__u32 box[NSW_SLOT_COUNT];
	const struct nsw_label *l;
	const struct nsw_ns_entry *e;
	unsigned int calls;

	seed(f, 1, NULL);
	host_slots(box);
	box[NSW_SLOT_UTS] = 9801;
	box[NSW_SLOT_NET] = 9802;
	box[NSW_SLOT_IPC] = 9803;
	seed(f, 900, box);
	box[NSW_SLOT_IPC] = 9804;
	box[NSW_SLOT_UTS] = 9805;
	seed(f, 950, box);
	f->labelled_pid = 900;
	f->nswatch_inode = 9802;

	e = find(f, "uts", 9801);
	l = nsw_table_label(f->t, e);
	assert_non_null(l);
	assert_string_equal(l->engine, "docker");
	calls = f->pid_label_calls + f->nswatch_label_calls;
	assert_ptr_equal(nsw_table_label(f->t, e), l);
	assert_int_equal(f->pid_label_calls + f->nswatch_label_calls, calls);
	assert_true(e->label_valid);

	/* Our own containers first: by namespace, no /proc. */
	calls = f->pid_label_calls;
	l = nsw_table_label(f->t, find(f, "net", 9802));
	assert_non_null(l);
	assert_string_equal(l->engine, "nswatch");
	assert_string_equal(l->id, "box");
	assert_int_equal(f->pid_label_calls, calls);

	/* Unlabelled: asked a bounded number of times, then never again. */
	e = find(f, "ipc", 9804);
	calls = f->pid_label_calls;
	for (int i = 0; i < 5; i++)
		assert_null(nsw_table_label(f->t, e));
	assert_true(f->pid_label_calls > calls);
	calls = f->pid_label_calls;
	for (int i = 0; i < 100; i++)
		assert_null(nsw_table_label(f->t, e));
	assert_int_equal(f->pid_label_calls, calls);

	/* The host's init holds it: a container sharing it does not name it. */
	e = find(f, "mnt", H_MNT);
	for (int i = 0; i < 100; i++)
		assert_null(nsw_table_label(f->t, e));
	assert_int_equal(f->pid_label_calls, calls);
}

/* An unshare(CLONE_NEWUTS) record of pid, from v2 cgroup cg, making uts inode. */
static void unshare_uts_in(struct fx *f, pid_t pid, __u64 ts, __u64 cg, __u32 inode)
{
	__u32 before[NSW_SLOT_COUNT], after[NSW_SLOT_COUNT];
	struct nsw_event ev;

	host_slots(before);
	host_slots(after);
	after[NSW_SLOT_UTS] = inode;
	ev = nsop(f, NSW_OP_UNSHARE, pid, ts, CLONE_NEWUTS, before, after);
	ev.cgroup_id = cg;
	nsw_table_apply_nsop(f->t, &ev);
}

/*
 * A namespace a record made is labelled from the record's cgroups, never
 * from its maker's /proc (which pid_label would read, and would answer);
 * nswatch's own containers still come first; a namespace no record made
 * (seeded) is still looked up by process.
 */
static void test_labels_from_record_cgroup(void **state)
{
	struct fx *f = *state;
	__u32 box[NSW_SLOT_COUNT];
	const struct nsw_label *l;
	unsigned int pid_calls;

	seed(f, 1, NULL);
	seed(f, 900, NULL);
	f->labelled_pid = 900;
	f->labelled_cgroup = 77;
	f->nswatch_inode = 9903;

	/* A cgroup that names no container: unlabelled, and /proc never asked. */
	unshare_uts_in(f, 900, 100, 55, 9901);
	for (int i = 0; i < 10; i++)
		assert_null(nsw_table_label(f->t, find(f, "uts", 9901)));
	assert_int_equal(f->pid_label_calls, 0);
	assert_true(f->cgroup_label_calls > 0);

	/* A container's cgroup: its label, still without /proc. */
	unshare_uts_in(f, 900, 200, 77, 9902);
	l = nsw_table_label(f->t, find(f, "uts", 9902));
	assert_non_null(l);
	assert_string_equal(l->engine, "podman");
	assert_int_equal(f->pid_label_calls, 0);

	/* nswatch's state names it: that, whatever the cgroup. */
	unshare_uts_in(f, 900, 300, 55, 9903);
	l = nsw_table_label(f->t, find(f, "uts", 9903));
	assert_non_null(l);
	assert_string_equal(l->engine, "nswatch");
	assert_int_equal(f->pid_label_calls, 0);

	/* Control: a namespace no record made is looked up by its process. */
	host_slots(box);
	box[NSW_SLOT_UTS] = 9905;
	seed(f, 950, box);
	f->labelled_pid = 950;
	pid_calls = f->pid_label_calls;
	l = nsw_table_label(f->t, find(f, "uts", 9905));
	assert_non_null(l);
	assert_string_equal(l->engine, "docker");
	assert_true(f->pid_label_calls > pid_calls);
}

static void seed_uid(struct fx *f, pid_t pid, const __u32 *ns, uid_t uid)
{
	struct nsw_proc_ns p = { .pid = pid, .ppid = 1, .proc_uid = uid };

	memcpy(p.ns, ns, sizeof(p.ns));
	nsw_table_seed_proc(f->t, &p);
}

/* What `ls` prints: every entry, its lowest member, holder, owner, unread processes. */
static void test_census(void **state)
{
	struct fx *f = *state;
	__u32 box[NSW_SLOT_COUNT], none[NSW_SLOT_COUNT] = { 0 };
	const struct nsw_ns_entry *e, *uts, *pidns;
	pid_t unread[1];
	size_t n = 0;
	uid_t uid;

	seed(f, 1, NULL);
	host_slots(box);
	box[NSW_SLOT_UTS] = 9801;
	seed_uid(f, 950, box, 1234);
	seed_uid(f, 900, box, 1000);
	box[NSW_SLOT_UTS] = H_UTS;
	box[NSW_SLOT_PID_FOR_CHILDREN] = 9901;
	seed_uid(f, 970, box, 0);
	seed_uid(f, 985, none, 0);
	seed_uid(f, 980, none, 0);

	for (e = nsw_table_next(f->t, NULL); e; e = nsw_table_next(f->t, e)) {
		assert_ptr_equal(nsw_table_find(f->t, e->type, e->inode, 0), e);
		n++;
	}
	assert_int_equal(n, nsw_table_count(f->t));
	assert_int_equal(n, NSW_TYPE_COUNT + 2);

	uts = find(f, "uts", 9801);
	assert_int_equal(nsw_table_member(f->t, uts), 900);
	assert_int_equal(nsw_table_holder(f->t, uts), 900);
	assert_true(nsw_table_proc_uid(f->t, 950, &uid));
	assert_int_equal(uid, 1234);
	/* The lowest leaves: the next one is found. */
	proc_rec(f, NSW_KIND_EXIT, 900, 100);
	assert_int_equal(nsw_table_member(f->t, uts), 950);
	/* A lower one comes. */
	box[NSW_SLOT_UTS] = 9801;
	box[NSW_SLOT_PID_FOR_CHILDREN] = H_PID;
	fork_rec(f, 920, 950, 200, box);
	assert_int_equal(nsw_table_member(f->t, uts), 920);
	assert_int_equal(uts->members, 2);
	assert_false(nsw_table_proc_uid(f->t, 920, &uid));

	/* Held only for children: no member, and its owner asked through that slot. */
	pidns = find(f, "pid", 9901);
	assert_int_equal(nsw_table_member(f->t, pidns), 0);
	assert_int_equal(nsw_table_holder(f->t, pidns), 970);
	assert_true(pidns->meta_valid);
	assert_int_equal(pidns->meta.owner_user, H_USER);
	assert_int_equal(f->meta_slot_last, NSW_SLOT_PID_FOR_CHILDREN);

	/* No namespace could be read: counted, lowest first. */
	assert_int_equal(nsw_table_unread(f->t, unread, 1), 2);
	assert_int_equal(unread[0], 980);
	assert_int_equal(nsw_table_procs(f->t), 6);

	/* Labelled through the process named, not the lowest member (920). */
	f->labelled_pid = 950;
	nsw_table_label_proc(f->t, 950);
	assert_true(uts->label_valid);
	assert_string_equal(uts->label.engine, "docker");
}

/*
 * Owner and parent of what an op made, from its record (nsw_ns_meta_made),
 * against what the kernel's NS_GET_USERNS and NS_GET_PARENT answer for it:
 * a user namespace's "owner" is its parent, the others' the user namespace
 * they were made for; pid and user have parents.
 */
struct kmeta {
	const char *type;
	__u32 inode;
	__u32 owner;  /* NS_GET_USERNS */
	__u32 parent; /* NS_GET_PARENT; 0 for types without one */
};

static bool meta_matches(const struct fx *f, const struct nsw_ns_meta *m,
			 const struct kmeta *k)
{
	return m->type == type_of(k->type) && m->inode == k->inode &&
	       m->owner_user == k->owner && m->parent == k->parent &&
	       m->ns_id == id_of(f, k->inode) && !m->owner_uid_valid;
}

/* The entry of k has the kernel's meta, and its id. */
static void assert_meta(struct fx *f, const struct kmeta *k)
{
	const struct nsw_ns_entry *e = find(f, k->type, k->inode);

	assert_non_null(e);
	assert_true(e->meta_valid);
	if (!meta_matches(f, &e->meta, k))
		fail_msg("%s:[%u]: owner %u parent %u id %llu, the kernel's %u %u %llu",
			 k->type, k->inode, e->meta.owner_user, e->meta.parent,
			 (unsigned long long)e->meta.ns_id, k->owner, k->parent,
			 (unsigned long long)id_of(f, k->inode));
	assert_int_equal(e->ns_id, id_of(f, k->inode));
}

static void test_made_meta_unshare(void **state)
{
	struct fx *f = *state;
	__u32 before[NSW_SLOT_COUNT], after[NSW_SLOT_COUNT], child[NSW_SLOT_COUNT];
	const __u32 U1 = 8001, U2 = 8011;
	const struct kmeta made[] = {
		{ "user", U1, H_USER, H_USER },
		{ "mnt", 8002, U1, 0 },
		{ "uts", 8003, U1, 0 },
		{ "ipc", 8004, U1, 0 },
		{ "net", 8005, U1, 0 },
		{ "cgroup", 8006, U1, 0 },
		{ "pid", 8007, U1, H_PID },
		{ "time", 8008, U1, 0 },
	};
	const struct kmeta nested[] = {
		{ "user", U2, U1, U1 },
		{ "uts", 8012, U2, 0 },
	};
	const struct kmeta cloned = { "net", 8013, U2, 0 };
	struct nsw_event ev;
	unsigned int asked;

	seed(f, 300, NULL);
	asked = f->meta_calls;
	host_slots(before);
	memcpy(after, before, sizeof(after));
	after[NSW_SLOT_USER] = U1;
	after[NSW_SLOT_MNT] = 8002;
	after[NSW_SLOT_UTS] = 8003;
	after[NSW_SLOT_IPC] = 8004;
	after[NSW_SLOT_NET] = 8005;
	after[NSW_SLOT_CGROUP] = 8006;
	after[NSW_SLOT_PID_FOR_CHILDREN] = 8007;
	after[NSW_SLOT_TIME_FOR_CHILDREN] = 8008;
	ev = nsop(f, NSW_OP_UNSHARE, 300, 1000,
		  CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
			  CLONE_NEWCGROUP | CLONE_NEWPID | CLONE_NEWTIME,
		  before, after);
	nsw_table_apply_nsop(f->t, &ev);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		assert_meta(f, &made[i]);

	/* Again, inside the new user namespace: the new one's parent is U1. */
	memcpy(before, after, sizeof(before));
	after[NSW_SLOT_USER] = U2;
	after[NSW_SLOT_UTS] = 8012;
	ev = nsop(f, NSW_OP_UNSHARE, 300, 2000, CLONE_NEWUSER | CLONE_NEWUTS, before, after);
	nsw_table_apply_nsop(f->t, &ev);
	for (size_t i = 0; i < sizeof(nested) / sizeof(nested[0]); i++)
		assert_meta(f, &nested[i]);

	/* A clone of a net namespace, FORK record first: owned by the child's U2. */
	memcpy(before, after, sizeof(before));
	memcpy(child, after, sizeof(child));
	child[NSW_SLOT_PID] = child[NSW_SLOT_PID_FOR_CHILDREN] = 8007;
	child[NSW_SLOT_TIME] = child[NSW_SLOT_TIME_FOR_CHILDREN] = 8008;
	child[NSW_SLOT_NET] = 8013;
	fork_rec(f, 301, 300, 3010, child);
	assert_false(find(f, "net", 8013)->meta_valid);
	ev = nsop(f, NSW_OP_CLONE, 300, 3000, CLONE_NEWNET | SIGCHLD, before, child);
	ev.child_pid = 301;
	nsw_table_apply_nsop(f->t, &ev);
	assert_meta(f, &cloned);
	/* Nothing of it was asked of the kernel. */
	assert_int_equal(f->meta_calls, asked);
}

/* clone3(CLONE_NEWUSER | CLONE_NEWNET): the FORK record, then the clone's. */
static void test_made_meta_clone3(void **state)
{
	struct fx *f = *state;
	__u32 before[NSW_SLOT_COUNT], child[NSW_SLOT_COUNT];
	const __u32 U1 = 9001;
	const struct kmeta user = { "user", U1, H_USER, H_USER };
	const struct kmeta net = { "net", 9002, U1, 0 };
	const struct kmeta pid = { "pid", 9003, U1, H_PID };
	struct nsw_event ev;
	unsigned int asked;

	seed(f, 400, NULL);
	asked = f->meta_calls;
	host_slots(before);
	memcpy(child, before, sizeof(child));
	child[NSW_SLOT_USER] = U1;
	child[NSW_SLOT_NET] = 9002;
	child[NSW_SLOT_PID] = child[NSW_SLOT_PID_FOR_CHILDREN] = 9003;
	fork_rec(f, 401, 400, 1010, child);
	/* Made by the clone whose record comes next: not asked, waiting. */
	assert_false(find(f, "user", U1)->meta_valid);
	assert_false(find(f, "net", 9002)->meta_valid);
	assert_int_equal(f->meta_calls, asked);
	ev = nsop(f, NSW_OP_CLONE3, 400, 1000, CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID,
		  before, child);
	ev.child_pid = 401;
	nsw_table_apply_nsop(f->t, &ev);
	assert_meta(f, &user);
	assert_meta(f, &net);
	assert_meta(f, &pid);
	assert_int_equal(f->meta_calls, asked);
	/* The wait is over: the sweep asks nothing more. */
	nsw_table_sweep(f->t, 1010 + NSW_META_WAIT_NS, true);
	nsw_table_sweep_finish(f->t);
	assert_int_equal(f->meta_calls, asked);
}

/*
 * The clone's record never comes (rate limit, --type): the kernel is asked
 * once the wait is over, through the child. A FORK of an unknown parent
 * cannot tell what was made: asked at once, as before.
 */
static void test_made_meta_waits_then_asks(void **state)
{
	struct fx *f = *state;
	__u32 child[NSW_SLOT_COUNT];
	const __u64 ts = 5000;
	unsigned int asked;

	seed(f, 500, NULL);
	asked = f->meta_calls;
	host_slots(child);
	child[NSW_SLOT_NET] = 9102;
	fork_rec(f, 501, 500, ts, child);
	nsw_table_sweep(f->t, ts + NSW_META_WAIT_NS - 1, true);
	nsw_table_sweep_finish(f->t);
	assert_false(find(f, "net", 9102)->meta_valid);
	assert_int_equal(f->meta_calls, asked);
	nsw_table_sweep(f->t, ts + NSW_META_WAIT_NS, false);
	nsw_table_sweep_finish(f->t);
	assert_true(find(f, "net", 9102)->meta_valid);
	assert_int_equal(f->meta_calls, asked + 1);

	/* Its child gone before the wait ends: nothing asked, nothing left waiting. */
	child[NSW_SLOT_NET] = 9103;
	fork_rec(f, 502, 500, ts + 10, child);
	proc_rec(f, NSW_KIND_EXIT, 502, ts + 20);
	assert_null(find(f, "net", 9103));
	nsw_table_sweep(f->t, ts + 10 * NSW_META_WAIT_NS, false);
	nsw_table_sweep_finish(f->t);
	assert_int_equal(f->meta_calls, asked + 1);

	/* Parent unknown: asked at the FORK. */
	child[NSW_SLOT_NET] = 9104;
	fork_rec(f, 601, 600, ts + 30, child);
	assert_true(find(f, "net", 9104)->meta_valid);
	assert_int_equal(f->meta_calls, asked + 2);
}

/*
 * The checks above can fail: the owner a rule that forgot CLONE_NEWUSER
 * would give (the caller's before the call), a pid parent taken from the
 * new namespace's slot, a record whose after set is the caller's old one.
 * And nsw_ns_meta_made() says nothing of what a record did not make.
 */
static void test_made_meta_control(void **state)
{
	struct fx *f = *state;
	__u32 before[NSW_SLOT_COUNT], after[NSW_SLOT_COUNT];
	const __u32 U1 = 9201;
	const struct kmeta net = { "net", 9202, U1, 0 };
	const struct kmeta pid = { "pid", 9203, U1, H_PID };
	struct nsw_ns_meta m, wrong;
	struct nsw_event ev;

	host_slots(before);
	memcpy(after, before, sizeof(after));
	after[NSW_SLOT_USER] = U1;
	after[NSW_SLOT_NET] = 9202;
	after[NSW_SLOT_PID_FOR_CHILDREN] = 9203;
	ev = nsop(f, NSW_OP_UNSHARE, 700, 1000, CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID,
		  before, after);
	assert_true(nsw_ns_meta_made(&ev, type_of("net"), &m));
	assert_true(meta_matches(f, &m, &net));
	wrong = m;
	wrong.owner_user = ev.ns_before[NSW_SLOT_USER];
	assert_false(meta_matches(f, &wrong, &net));
	assert_true(nsw_ns_meta_made(&ev, type_of("pid"), &m));
	assert_true(meta_matches(f, &m, &pid));
	wrong = m;
	wrong.parent = ev.ns_after[NSW_SLOT_PID_FOR_CHILDREN];
	assert_false(meta_matches(f, &wrong, &pid));

	ev.ns_after[NSW_SLOT_USER] = ev.ns_before[NSW_SLOT_USER];
	assert_true(nsw_ns_meta_made(&ev, type_of("net"), &m));
	assert_false(meta_matches(f, &m, &net));
	ev.ns_after[NSW_SLOT_USER] = U1;

	/* Not made: another type, a failure, a setns, no after set, no flags. */
	assert_false(nsw_ns_meta_made(&ev, type_of("uts"), &m));
	ev.ret = (__u64)-EPERM;
	assert_false(nsw_ns_meta_made(&ev, type_of("net"), &m));
	ev.ret = 0;
	ev.after_valid = 0;
	assert_false(nsw_ns_meta_made(&ev, type_of("net"), &m));
	ev.after_valid = 1;
	ev.flags_valid = 0;
	assert_false(nsw_ns_meta_made(&ev, type_of("net"), &m));
	ev.flags_valid = 1;
	ev.op = NSW_OP_SETNS;
	ev.flags = CLONE_NEWNET;
	assert_false(nsw_ns_meta_made(&ev, type_of("net"), &m));
}

int main(void)
{
#define T(fn, s) cmocka_unit_test_setup_teardown(fn, s, teardown)
	const struct CMUnitTest tests[] = {
		T(test_seed_counts, setup_ids),
		T(test_clone_then_child_exit, setup_ids),
		T(test_clone_then_child_exit, setup_no_ids),
		T(test_exit_before_nsop, setup_ids),
		T(test_exit_before_nsop, setup_no_ids),
		T(test_nsop_without_fork, setup_ids),
		T(test_recycled_inode, setup_ids),
		T(test_recycled_inode, setup_no_ids),
		T(test_recycled_inode_exit_first, setup_ids),
		T(test_recycled_inode_exit_first, setup_no_ids),
		T(test_recycled_inode_distinct_ids, setup_ids),
		T(test_recycled_inode_stale_no_id, setup_no_ids),
		T(test_unshare_pid_fork_exits, setup_ids),
		T(test_unshare_pid_fork_exits, setup_no_ids),
		T(test_late_clone_of_reused_pid, setup_ids),
		T(test_setns_pinned_netns, setup_ids),
		T(test_setns_pinned_netns, setup_no_ids),
		T(test_setns_unknown_and_pidfd, setup_ids),
		T(test_exec_time_for_children, setup_ids),
		T(test_failed_ops_change_nothing, setup_ids),
		T(test_hot_path_reads_nothing, setup_ids),
		T(test_many_namespaces, setup_ids),
		T(test_many_namespaces, setup_no_ids),
		T(test_fork_of_unknown_parent, setup_no_ids),
		T(test_fork_of_seeded_process, setup_ids),
		T(test_labels_cached, setup_ids),
		T(test_labels_from_record_cgroup, setup_ids),
		T(test_census, setup_ids),
		T(test_census, setup_no_ids),
		T(test_made_meta_unshare, setup_ids),
		T(test_made_meta_unshare, setup_no_ids),
		T(test_made_meta_clone3, setup_ids),
		T(test_made_meta_clone3, setup_no_ids),
		T(test_made_meta_waits_then_asks, setup_ids),
		T(test_made_meta_control, setup_ids),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
