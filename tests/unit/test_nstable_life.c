// SPDX-License-Identifier: GPL-2.0
/*
 * The table's namespace lifetimes (docs/table.md, "Lifetimes") with a fake
 * kernel: which namespaces live, what holds them, and whether the kernel
 * can say at all (6.18's file handles) or needs the fd search of older
 * kernels. A namespace no process is in is EMPTIED only when the kernel
 * says it is gone, HELD once when it lives on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "table/nstable.h"
#include "lib/nsnames.h"

#define H_MNT 4026531832u
#define H_UTS 4026531838u
#define H_IPC 4026531839u
#define H_NET 4026531833u
#define H_CGROUP 4026531835u
#define H_PID 4026531836u
#define H_TIME 4026531834u
#define H_USER 4026531837u
#define NS_A 4026532201u
#define NS_B 4026532202u
#define NET_PIN 4026532301u
#define ID_BASE 9000000ULL
#define MAX_LOG 64
#define MAX_ALIVE 8
#define SWITCHES 1000
#define PID_FLIP 100
#define SEC 1000000000ULL

struct logged {
	enum nsw_ns_change change;
	__u64 serial;
	__u32 inode;
	__u32 pid;
	__u64 ts;
	struct nsw_ns_holder held_by;
};

struct fx {
	struct nsw_table *t;
	struct logged log[MAX_LOG];
	size_t nlog;
	bool can_tell;             /* the kernel answers (6.18) */
	__u32 alive[MAX_ALIVE];    /* what lives without a process */
	struct nsw_ns_holder holder[MAX_ALIVE];
	size_t nalive;
	bool scan_incomplete;      /* the fd search runs out of time */
	unsigned int alive_calls, holder_calls, scan_calls, label_calls;
};

static void on_change(void *ctx, enum nsw_ns_change c, const struct nsw_ns_entry *e,
		      __u32 pid, __u64 ts)
{
	struct fx *f = ctx;

	if (c != NSW_NS_HELD && c != NSW_NS_EMPTIED)
		return;
	assert_true(f->nlog < MAX_LOG);
	f->log[f->nlog++] = (struct logged){ c, e->serial, e->inode, pid, ts, e->held_by };
}

static int find_alive(const struct fx *f, __u32 inode)
{
	for (size_t i = 0; i < f->nalive; i++)
		if (f->alive[i] == inode)
			return (int)i;
	return -1;
}

static int fake_alive(void *ctx, unsigned int type, __u32 inode, __u64 ns_id)
{
	struct fx *f = ctx;

	(void)type;
	f->alive_calls++;
	if (!f->can_tell || !ns_id)
		return -1;
	return find_alive(f, inode) >= 0;
}

static bool fake_holder(void *ctx, unsigned int type, __u32 inode, pid_t hint_pid,
			int hint_fd, pid_t last_pid, struct nsw_ns_holder *h)
{
	struct fx *f = ctx;
	int i = find_alive(f, inode);

	(void)type;
	(void)hint_pid;
	(void)hint_fd;
	(void)last_pid;
	f->holder_calls++;
	if (i < 0 || f->holder[i].kind == NSW_HOLDER_UNKNOWN)
		return false;
	*h = f->holder[i];
	return true;
}

static int fake_scan(void *ctx, struct nsw_ns_query *q, size_t n)
{
	struct fx *f = ctx;

	f->scan_calls++;
	for (size_t k = 0; k < n; k++) {
		int i = find_alive(f, q[k].inode);

		q[k].found = i >= 0;
		if (i >= 0)
			q[k].holder = f->holder[i];
	}
	return f->scan_incomplete ? 0 : 1;
}

static bool fake_pid_label(void *ctx, pid_t pid, struct nsw_label *l)
{
	struct fx *f = ctx;

	(void)pid;
	f->label_calls++;
	strcpy(l->engine, "docker");
	strcpy(l->id, "0123456789ab");
	return true;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct nsw_table_probe probe = {
		.pid_label = fake_pid_label,
		.ns_alive = fake_alive,
		.ns_holder = fake_holder,
		.ns_scan = fake_scan,
	};

	assert_non_null(f);
	f->can_tell = true;
	f->t = nsw_table_new(on_change, f);
	assert_non_null(f->t);
	probe.ctx = f;
	nsw_table_set_probe(f->t, &probe);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	nsw_table_free(f->t);
	free(f);
	return 0;
}

static void keep(struct fx *f, __u32 inode, enum nsw_holder_kind kind, int fd)
{
	f->alive[f->nalive] = inode;
	f->holder[f->nalive] = (struct nsw_ns_holder){ .kind = kind, .pid = PID_FLIP, .fd = fd };
	if (kind == NSW_HOLDER_MOUNT)
		strcpy(f->holder[f->nalive].path, "/tmp/pin");
	f->nalive++;
}

static void release_all(struct fx *f)
{
	f->nalive = 0;
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

static void seed_host(struct fx *f, pid_t pid)
{
	struct nsw_proc_ns p = { .pid = pid, .ppid = 1 };

	host_slots(p.ns);
	snprintf(p.comm, sizeof(p.comm), "p%d", pid);
	nsw_table_seed_proc(f->t, &p);
}

/* unshare(CLONE_NEWUTS) into uts, or setns(fd) into it: pid moves from from. */
static void move(struct fx *f, unsigned int op, pid_t pid, __u64 ts, __u32 from, __u32 to, int fd)
{
	struct nsw_event ev = { .kind = NSW_KIND_NSOP, .op = op, .pid = pid, .tid = pid,
				.ts_ns = ts, .flags = CLONE_NEWUTS, .flags_valid = 1,
				.after_valid = 1, .target_slot = NSW_SLOT_COUNT };

	host_slots(ev.ns_before);
	host_slots(ev.ns_after);
	ev.ns_before[NSW_SLOT_UTS] = from;
	ev.ns_after[NSW_SLOT_UTS] = to;
	for (int i = 0; i < NSW_SLOT_COUNT; i++)
		ev.ns_id_after[i] = ID_BASE + ev.ns_after[i];
	if (op == NSW_OP_SETNS) {
		ev.setns_fd = fd;
		ev.target_kind = NSW_TARGET_NSFS;
		ev.target_slot = NSW_SLOT_UTS;
		ev.target_inum = to;
		ev.target_ns_id = ID_BASE + to;
	}
	snprintf(ev.comm, sizeof(ev.comm), "flip");
	nsw_table_apply_nsop(f->t, &ev);
}

static void exit_rec(struct fx *f, pid_t pid, __u64 ts)
{
	struct nsw_proc_event ev = { .kind = NSW_KIND_EXIT, .pid = pid, .ts_ns = ts };

	nsw_table_apply_proc(f->t, &ev);
}

static size_t count(const struct fx *f, enum nsw_ns_change c, __u32 inode)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nlog; i++)
		if (f->log[i].change == c && f->log[i].inode == inode)
			n++;
	return n;
}

static const struct logged *first(const struct fx *f, enum nsw_ns_change c, __u32 inode)
{
	for (size_t i = 0; i < f->nlog; i++)
		if (f->log[i].change == c && f->log[i].inode == inode)
			return &f->log[i];
	fail_msg("no change %d for %u", c, inode);
	return NULL;
}

/* A sweep, and its finish as if the ring buffer were already drained. */
static void sweep(struct fx *f, __u64 now, bool force)
{
	nsw_table_sweep(f->t, now, force);
	nsw_table_sweep_finish(f->t);
}

static unsigned int type_of_uts(void)
{
	return nsw_type_index("uts");
}

static __u64 serial_of(struct fx *f, __u32 inode)
{
	const struct nsw_ns_entry *e = nsw_table_find(f->t, type_of_uts(), inode, ID_BASE + inode);

	assert_non_null(e);
	return e->serial;
}

/* Two uts namespaces held by fds 4 and 5, the process in B at the start. */
static void make_two(struct fx *f)
{
	seed_host(f, 1);
	seed_host(f, PID_FLIP);
	move(f, NSW_OP_UNSHARE, PID_FLIP, 10, H_UTS, NS_A, 0);
	keep(f, NS_A, NSW_HOLDER_FD, 4);
	keep(f, NS_B, NSW_HOLDER_FD, 5);
	move(f, NSW_OP_UNSHARE, PID_FLIP, 20, NS_A, NS_B, 0);
}

/*
 * The case of issue 11: thousands of setns between two namespaces held by
 * fd. No EMPTIED while they live, one HELD each, the same entries
 * throughout (no rebuild, no new label lookup), and no kernel ask per
 * switch; then exactly one EMPTIED each, at the exit that closed the fds.
 */
static void test_alternating_setns(void **state)
{
	struct fx *f = *state;
	__u64 sa, sb, ts = 100;
	unsigned int asks, labels;

	make_two(f);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 0);
	assert_int_equal(nsw_table_orphans(f->t), 1);
	sweep(f, 1 * SEC, false);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 1);
	assert_int_equal(first(f, NSW_NS_HELD, NS_A)->held_by.kind, NSW_HOLDER_FD);
	assert_int_equal(first(f, NSW_NS_HELD, NS_A)->held_by.fd, 4);
	assert_int_equal(first(f, NSW_NS_HELD, NS_A)->ts, 20); /* when it was left */
	sa = serial_of(f, NS_A);
	sb = serial_of(f, NS_B);
	nsw_table_label(f->t, nsw_table_find(f->t, type_of_uts(), NS_A, ID_BASE + NS_A));
	nsw_table_label(f->t, nsw_table_find(f->t, type_of_uts(), NS_B, ID_BASE + NS_B));
	labels = f->label_calls;
	move(f, NSW_OP_SETNS, PID_FLIP, ts++, NS_B, NS_A, 4);
	sweep(f, 2 * SEC, false);
	assert_int_equal(count(f, NSW_NS_HELD, NS_B), 1);
	asks = f->alive_calls;
	for (int i = 0; i < SWITCHES; i++) {
		move(f, NSW_OP_SETNS, PID_FLIP, ts++, NS_A, NS_B, 5);
		move(f, NSW_OP_SETNS, PID_FLIP, ts++, NS_B, NS_A, 4);
	}
	assert_int_equal(f->alive_calls, asks); /* left to the sweep */
	sweep(f, 3 * SEC, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 0);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_B), 0);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 1);
	assert_int_equal(count(f, NSW_NS_HELD, NS_B), 1);
	assert_int_equal(serial_of(f, NS_A), sa);
	assert_int_equal(serial_of(f, NS_B), sb);
	nsw_table_label(f->t, nsw_table_find(f->t, type_of_uts(), NS_A, ID_BASE + NS_A));
	assert_int_equal(f->label_calls, labels);

	/* The exit closes both fds. */
	release_all(f);
	exit_rec(f, PID_FLIP, 5000);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 0); /* the sweep says */
	sweep(f, 3 * SEC + NSW_SWEEP_NS, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_B), 1);
	assert_int_equal(first(f, NSW_NS_EMPTIED, NS_A)->ts, 5000);
	assert_int_equal(first(f, NSW_NS_EMPTIED, NS_B)->ts, 5000); /* the fd's pid exited */
	assert_int_equal(nsw_table_orphans(f->t), 0);
	sweep(f, 4 * SEC, true);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_B), 1);
}

/* Control: nothing holds it, the kernel says gone: EMPTIED at once, no HELD. */
static void test_no_holder_empties_at_exit(void **state)
{
	struct fx *f = *state;

	seed_host(f, 1);
	seed_host(f, PID_FLIP);
	move(f, NSW_OP_UNSHARE, PID_FLIP, 10, H_UTS, NS_A, 0);
	exit_rec(f, PID_FLIP, 30);
	sweep(f, 1 * SEC, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(first(f, NSW_NS_EMPTIED, NS_A)->ts, 30);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 0);
	assert_null(nsw_table_find(f->t, type_of_uts(), NS_A, ID_BASE + NS_A));
}

/*
 * Records are read late: the kernel says "gone" of a namespace that a
 * record still waiting in the ring buffer brings a process back into. The
 * verdict waits for those records, and the rejoin undoes it.
 */
static void test_gone_now_rejoined_then(void **state)
{
	struct fx *f = *state;

	make_two(f); /* A left at 20, held by fd 4 then */
	release_all(f); /* and gone by the time the kernel is asked */
	assert_int_equal(nsw_table_sweep(f->t, 1 * SEC, false), 1);
	move(f, NSW_OP_SETNS, PID_FLIP, 30, NS_B, NS_A, 4); /* from the ring buffer */
	nsw_table_sweep_finish(f->t);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 0);
	/*
	 * B, left by that setns, and A, left by the exit, are gone, each
	 * once. A at the exit; B at its leave: no sign of fd 5 reached the
	 * table (no setns through it, no sweep while B lived).
	 */
	exit_rec(f, PID_FLIP, 40);
	sweep(f, 2 * SEC, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_B), 1);
	assert_int_equal(first(f, NSW_NS_EMPTIED, NS_A)->ts, 40);
	assert_int_equal(first(f, NSW_NS_EMPTIED, NS_B)->ts, 30);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 0);
}

/* A held one dies later: EMPTIED when the sweep finds it gone, once. */
static void test_held_then_gone(void **state)
{
	struct fx *f = *state;

	seed_host(f, 1);
	seed_host(f, PID_FLIP);
	move(f, NSW_OP_UNSHARE, PID_FLIP, 10, H_UTS, NS_A, 0);
	keep(f, NS_A, NSW_HOLDER_MOUNT, 0);
	exit_rec(f, PID_FLIP, 30);
	sweep(f, 1 * SEC, false);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 1);
	assert_string_equal(first(f, NSW_NS_HELD, NS_A)->held_by.path, "/tmp/pin");
	sweep(f, 1 * SEC + 1, false); /* too soon: not asked */
	release_all(f);
	sweep(f, 1 * SEC + 2, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 0);
	sweep(f, 2 * SEC, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(first(f, NSW_NS_EMPTIED, NS_A)->ts, 2 * SEC);
	sweep(f, 3 * SEC, true);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 1);
}

/*
 * The kernel frees late (a user namespace behind its net namespace's
 * teardown): within a longer grace, set for an end that waits for it, no
 * HELD; its EMPTIED carries the exit. Control: the default grace says HELD.
 */
static void test_longer_grace(void **state)
{
	struct fx *f = *state;

	seed_host(f, 1);
	seed_host(f, PID_FLIP);
	move(f, NSW_OP_UNSHARE, PID_FLIP, 10, H_UTS, NS_A, 0);
	keep(f, NS_A, NSW_HOLDER_UNKNOWN, 0);
	exit_rec(f, PID_FLIP, 30);
	nsw_table_set_held_grace(f->t, 2 * SEC);
	sweep(f, 30 + NSW_HELD_GRACE_NS + 1, true);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 0);
	assert_int_equal(nsw_table_pending(f->t), 1);
	release_all(f);
	sweep(f, 1 * SEC, true);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 0);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(first(f, NSW_NS_EMPTIED, NS_A)->ts, 30);
}

static void test_default_grace_control(void **state)
{
	struct fx *f = *state;

	seed_host(f, 1);
	seed_host(f, PID_FLIP);
	move(f, NSW_OP_UNSHARE, PID_FLIP, 10, H_UTS, NS_A, 0);
	keep(f, NS_A, NSW_HOLDER_UNKNOWN, 0);
	exit_rec(f, PID_FLIP, 30);
	sweep(f, 30 + NSW_HELD_GRACE_NS + 1, true);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 1);
	assert_int_equal(nsw_table_pending(f->t), 0);
}

/* Kernels without file handles: the fd search decides, at most every NSW_SCAN_NS. */
static void test_old_kernel_scan(void **state)
{
	struct fx *f = *state;

	f->can_tell = false;
	seed_host(f, 1);
	seed_host(f, PID_FLIP);
	move(f, NSW_OP_UNSHARE, PID_FLIP, 10, H_UTS, NS_A, 0);
	keep(f, NS_A, NSW_HOLDER_FD, 4);
	exit_rec(f, PID_FLIP, 30);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 0);
	sweep(f, 2 * SEC, false);
	assert_int_equal(f->scan_calls, 1);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 1);
	assert_int_equal(first(f, NSW_NS_HELD, NS_A)->held_by.fd, 4);
	release_all(f);
	sweep(f, 2 * SEC + NSW_SWEEP_NS, false); /* the search waits */
	assert_int_equal(f->scan_calls, 1);
	f->scan_incomplete = true; /* out of time: undecided */
	sweep(f, 4 * SEC, false);
	assert_int_equal(f->scan_calls, 2);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 0);
	f->scan_incomplete = false;
	sweep(f, 6 * SEC, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NS_A), 1);
	assert_int_equal(count(f, NSW_NS_HELD, NS_A), 1);
}

/* An nsfs mount seen at seeding with no process: held silently; its umount ends it. */
static void test_seeded_mount(void **state)
{
	struct fx *f = *state;
	struct nsw_nsfs_mount m = { .type = nsw_type_index("net"), .inode = NET_PIN };
	const struct nsw_ns_entry *e;

	strcpy(m.path, "/run/netns/red");
	keep(f, NET_PIN, NSW_HOLDER_MOUNT, 0);
	nsw_table_seed_mount(f->t, &m);
	e = nsw_table_find(f->t, m.type, NET_PIN, 0);
	assert_non_null(e);
	assert_true(e->held);
	assert_string_equal(e->held_by.path, "/run/netns/red");
	/* The fake kernel wants an id for its answer: the seeded entry has none. */
	f->can_tell = false;
	sweep(f, 2 * SEC, false);
	assert_int_equal(count(f, NSW_NS_HELD, NET_PIN), 0);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NET_PIN), 0);
	release_all(f);
	sweep(f, 4 * SEC, false);
	assert_int_equal(count(f, NSW_NS_EMPTIED, NET_PIN), 1);
	assert_null(nsw_table_find(f->t, m.type, NET_PIN, 0));
}

/*
 * An fd on a uts namespace that only it holds: made with unshare, then left
 * (back to the one we were in), so that no other process on the host (a
 * bench holding the host's uts by fd, say) can be the holder found. -1
 * without the privilege to make one.
 */
static int private_uts_fd(void)
{
	int orig = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC), fd;

	assert_true(orig >= 0);
	if (unshare(CLONE_NEWUTS)) {
		close(orig);
		return -1;
	}
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(setns(orig, CLONE_NEWUTS), 0);
	close(orig);
	return fd;
}

/*
 * The real fd search (nslife.c) on this process: an fd it holds on a uts
 * namespace is found; an inode no namespace has is not, and the search
 * completes.
 */
static void test_real_fd_search(void **state)
{
	struct nsw_ns_query q[2];
	struct nsw_error err;
	struct stat st;
	bool complete;
	int fd;

	(void)state;
	fd = private_uts_fd();
	if (fd < 0)
		skip();
	assert_int_equal(fstat(fd, &st), 0);
	memset(q, 0, sizeof(q));
	q[0].type = type_of_uts();
	q[0].inode = st.st_ino;
	q[1].type = type_of_uts();
	q[1].inode = 1;
	assert_int_equal(nsw_ns_scan_holders(q, 2, SEC, &complete, &err), 0);
	assert_true(complete);
	assert_true(q[0].found);
	assert_int_equal(q[0].holder.kind, NSW_HOLDER_FD);
	assert_int_equal(q[0].holder.pid, getpid());
	assert_int_equal(q[0].holder.fd, fd);
	assert_false(q[1].found);
	assert_true(nsw_ns_fd_is(getpid(), fd, type_of_uts(), st.st_ino));
	assert_false(nsw_ns_fd_is(getpid(), fd, type_of_uts(), 1));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alternating_setns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_holder_empties_at_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_now_rejoined_then, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_then_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longer_grace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_grace_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_kernel_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seeded_mount, setup, teardown),
		cmocka_unit_test(test_real_fd_search),
	};

	return cmocka_run_group_tests_name("nstable_life", tests, NULL, NULL);
}
