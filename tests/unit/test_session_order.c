// SPDX-License-Identifier: GPL-2.0
/*
 * The session's pipeline (session/pipeline.h) fed hand-made ring buffer
 * records, with the namespace table's fake probe in place of /proc: the
 * presenter sees an operation's item before the ns_empty it caused, an
 * exit's item before its ns_empty; the tracer's filters apply to ns_empty;
 * a process entering a namespace is labelled while it can still be read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/nsnames.h"
#include "session/pipeline.h"
#include "table/nstable.h"

/* The host's namespaces, by slot: pid and time equal their *_for_children. */
#define H_MNT 4026531832u
#define H_UTS 4026531838u
#define H_IPC 4026531839u
#define H_NET 4026531833u
#define H_CGROUP 4026531835u
#define H_PID 4026531836u
#define H_TIME 4026531834u
#define H_USER 4026531837u
/* Namespaces the records make. */
#define NEW_UTS_A 4026532400u
#define NEW_UTS_B 4026532401u
#define NEW_IPC 4026532402u
#define NEW_NET 4026532403u
#define MAX_ITEMS 64
#define MAX_PROCS 8
#define DOCKER_LABEL "docker:0123456789abcdef"

enum item_kind { ITEM_OP, ITEM_PROC, ITEM_EMPTY };

struct item {
	enum item_kind kind;
	unsigned int what;  /* op, proc kind, or nsw_types[] index */
	__u32 pid;
	__u32 inode;        /* ITEM_EMPTY: the namespace; ITEM_OP: its first ref */
	char container[NSW_LABEL_TEXT_LEN];
};

struct fx {
	struct nsw_pipeline *p;
	struct item items[MAX_ITEMS];
	size_t n;
	struct nsw_proc_ns procs[MAX_PROCS];
	size_t nprocs;
	pid_t labelled_pid; /* the fake pid_label knows this one */
	unsigned int pid_label_calls;
};

static void on_op(void *ctx, const struct nsw_event *ev, const struct nsw_event_labels *l)
{
	struct fx *f = ctx;
	struct item *it = &f->items[f->n++];

	assert_true(f->n <= MAX_ITEMS);
	*it = (struct item){ .kind = ITEM_OP, .what = ev->op, .pid = ev->pid };
	if (l->nrefs) {
		it->inode = l->refs[0].inode;
		snprintf(it->container, sizeof(it->container), "%s", l->refs[0].container);
	}
}

static void on_proc(void *ctx, const struct nsw_proc_event *ev)
{
	struct fx *f = ctx;

	assert_true(f->n < MAX_ITEMS);
	f->items[f->n++] = (struct item){ .kind = ITEM_PROC, .what = ev->kind,
					  .pid = ev->pid };
}

static void on_ns_empty(void *ctx, const struct nsw_ns_empty *ne)
{
	struct fx *f = ctx;
	struct item *it = &f->items[f->n++];

	assert_true(f->n <= MAX_ITEMS);
	*it = (struct item){ .kind = ITEM_EMPTY, .what = ne->entry->type,
			     .pid = ne->last_pid, .inode = ne->entry->inode };
	snprintf(it->container, sizeof(it->container), "%s", ne->container);
}

static int fake_proc_ns(void *ctx, pid_t pid, struct nsw_proc_ns *p)
{
	struct fx *f = ctx;

	for (size_t i = 0; i < f->nprocs; i++) {
		if (f->procs[i].pid == pid) {
			*p = f->procs[i];
			return 0;
		}
	}
	return -1;
}

static bool fake_pid_label(void *ctx, pid_t pid, struct nsw_label *l)
{
	struct fx *f = ctx;

	f->pid_label_calls++;
	if (!f->labelled_pid || pid != f->labelled_pid)
		return false;
	strcpy(l->engine, "docker");
	strcpy(l->id, "0123456789abcdef");
	return true;
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

/* A pipeline with these settings, the host's pid 1 and pid 100 seeded. */
static struct fx *fixture(const struct nsw_tracer_settings *s)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct nsw_presenter pr = { .on_op = on_op, .on_proc = on_proc,
				    .on_ns_empty = on_ns_empty };
	struct nsw_table_probe probe = { .proc_ns = fake_proc_ns,
					 .pid_label = fake_pid_label };
	pid_t pids[] = { 1, 100 };

	assert_non_null(f);
	pr.ctx = probe.ctx = f;
	f->p = nsw_pipeline_new(s, &pr);
	assert_non_null(f->p);
	nsw_table_set_probe(nsw_pipeline_table(f->p), &probe);
	for (size_t i = 0; i < 2; i++) {
		struct nsw_proc_ns *p = &f->procs[f->nprocs++];

		p->pid = pids[i];
		p->ppid = pids[i] == 1 ? 0 : 1;
		snprintf(p->comm, sizeof(p->comm), "p%d", pids[i]);
		host_slots(p->ns);
		nsw_table_seed_proc(nsw_pipeline_table(f->p), p);
	}
	return f;
}

static struct fx *fixture_default(void)
{
	struct nsw_tracer_settings s = nsw_tracer_settings_default();

	return fixture(&s);
}

static void fixture_free(struct fx *f)
{
	nsw_pipeline_free(f->p);
	free(f);
}

/* pid unshares flags: its slots go from before to after. */
static void unshare_rec(struct fx *f, pid_t pid, __u64 ts, __u64 flags,
			const __u32 *before, const __u32 *after)
{
	struct nsw_event ev = { .kind = NSW_KIND_NSOP, .op = NSW_OP_UNSHARE,
				.pid = pid, .tid = pid, .ts_ns = ts, .flags = flags,
				.flags_valid = 1, .after_valid = 1,
				.target_slot = NSW_SLOT_COUNT };

	snprintf(ev.comm, sizeof(ev.comm), "op%d", pid);
	memcpy(ev.ns_before, before, sizeof(ev.ns_before));
	memcpy(ev.ns_after, after, sizeof(ev.ns_after));
	nsw_pipeline_nsop(f->p, &ev);
}

static void proc_rec(struct fx *f, unsigned int kind, pid_t pid, pid_t ppid,
		     __u64 ts, const __u32 *ns)
{
	struct nsw_proc_event ev = { .kind = kind, .pid = pid, .ppid = ppid,
				     .ts_ns = ts };

	snprintf(ev.comm, sizeof(ev.comm), "c%d", pid);
	if (ns) {
		ev.ns_valid = 1;
		memcpy(ev.ns, ns, sizeof(ev.ns));
	}
	nsw_pipeline_proc(f->p, &ev);
}

static void assert_item(const struct fx *f, size_t i, enum item_kind kind,
			unsigned int what, __u32 inode)
{
	assert_true(i < f->n);
	assert_int_equal(f->items[i].kind, kind);
	assert_int_equal(f->items[i].what, what);
	if (inode)
		assert_int_equal(f->items[i].inode, inode);
}

/* A second unshare of uts leaves the first new uts empty: op, then ns_empty. */
static void test_op_before_its_ns_empty(void **state)
{
	struct fx *f = fixture_default();
	__u32 host[NSW_SLOT_COUNT], a[NSW_SLOT_COUNT], b[NSW_SLOT_COUNT];
	struct nsw_pipeline_counts c;

	(void)state;
	host_slots(host);
	memcpy(a, host, sizeof(a));
	a[NSW_SLOT_UTS] = NEW_UTS_A;
	memcpy(b, host, sizeof(b));
	b[NSW_SLOT_UTS] = NEW_UTS_B;
	unshare_rec(f, 100, 10, CLONE_NEWUTS, host, a);
	unshare_rec(f, 100, 20, CLONE_NEWUTS, a, b);
	assert_int_equal(f->n, 3);
	assert_item(f, 0, ITEM_OP, NSW_OP_UNSHARE, NEW_UTS_A);
	assert_item(f, 1, ITEM_OP, NSW_OP_UNSHARE, NEW_UTS_B);
	assert_item(f, 2, ITEM_EMPTY, nsw_type_index("uts"), NEW_UTS_A);
	assert_int_equal(f->items[2].pid, 100);
	nsw_pipeline_counts(f->p, &c);
	assert_int_equal(c.ops, 2);
	assert_int_equal(c.ns_empty, 1);
	fixture_free(f);
}

/* An exit that leaves three namespaces empty: the exit, then all three. */
static void test_exit_before_its_ns_empty(void **state)
{
	struct fx *f = fixture_default();
	__u32 host[NSW_SLOT_COUNT], box[NSW_SLOT_COUNT];
	bool seen[3] = { false };

	(void)state;
	host_slots(host);
	memcpy(box, host, sizeof(box));
	box[NSW_SLOT_UTS] = NEW_UTS_A;
	box[NSW_SLOT_IPC] = NEW_IPC;
	box[NSW_SLOT_NET] = NEW_NET;
	unshare_rec(f, 100, 10, CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET, host, box);
	proc_rec(f, NSW_KIND_EXIT, 100, 1, 20, NULL);
	assert_int_equal(f->n, 5);
	assert_item(f, 0, ITEM_OP, NSW_OP_UNSHARE, 0);
	assert_item(f, 1, ITEM_PROC, NSW_KIND_EXIT, 0);
	for (size_t i = 2; i < 5; i++) {
		assert_int_equal(f->items[i].kind, ITEM_EMPTY);
		assert_int_equal(f->items[i].pid, 100);
		seen[0] |= f->items[i].inode == NEW_UTS_A;
		seen[1] |= f->items[i].inode == NEW_IPC;
		seen[2] |= f->items[i].inode == NEW_NET;
	}
	assert_true(seen[0] && seen[1] && seen[2]);
	fixture_free(f);
}

/* --type, --op without ns_empty, --failed: no ns_empty item, the ops stay. */
static void test_filters_apply_to_ns_empty(void **state)
{
	struct nsw_tracer_settings s[3];
	__u32 host[NSW_SLOT_COUNT], box[NSW_SLOT_COUNT];

	(void)state;
	for (int i = 0; i < 3; i++)
		s[i] = nsw_tracer_settings_default();
	s[0].type_mask = 1U << NSW_SLOT_NET;
	s[1].op_mask &= ~NSW_OPMASK_NS_EMPTY;
	s[2].failed_only = true;
	host_slots(host);
	memcpy(box, host, sizeof(box));
	box[NSW_SLOT_UTS] = NEW_UTS_A;
	for (int i = 0; i < 3; i++) {
		struct fx *f = fixture(&s[i]);
		struct nsw_pipeline_counts c;

		unshare_rec(f, 100, 10, CLONE_NEWUTS, host, box);
		proc_rec(f, NSW_KIND_EXIT, 100, 1, 20, NULL);
		assert_int_equal(f->n, 2);
		assert_item(f, 0, ITEM_OP, NSW_OP_UNSHARE, NEW_UTS_A);
		assert_item(f, 1, ITEM_PROC, NSW_KIND_EXIT, 0);
		nsw_pipeline_counts(f->p, &c);
		assert_int_equal(c.ns_empty, 0);
		fixture_free(f);
	}
}

/*
 * A child forked into a new uts is labelled when it enters it: its label
 * holds after the child can no longer be read (the clone's own record and
 * the ns_empty after its exit come later).
 */
static void test_joined_is_labelled_while_readable(void **state)
{
	struct fx *f = fixture_default();
	__u32 host[NSW_SLOT_COUNT], box[NSW_SLOT_COUNT];
	struct nsw_event ev = { .kind = NSW_KIND_NSOP, .op = NSW_OP_CLONE, .pid = 100,
				.tid = 100, .ts_ns = 10, .flags = CLONE_NEWUTS | SIGCHLD,
				.flags_valid = 1, .after_valid = 1, .child_pid = 101,
				.target_slot = NSW_SLOT_COUNT };

	(void)state;
	host_slots(host);
	memcpy(box, host, sizeof(box));
	box[NSW_SLOT_UTS] = NEW_UTS_A;
	f->labelled_pid = 101;
	/* The kernel submits the child's FORK before the parent's clone returns. */
	proc_rec(f, NSW_KIND_FORK, 101, 100, 11, box);
	assert_true(f->pid_label_calls > 0);
	f->labelled_pid = 0; /* gone */
	memcpy(ev.ns_before, host, sizeof(ev.ns_before));
	memcpy(ev.ns_after, box, sizeof(ev.ns_after));
	nsw_pipeline_nsop(f->p, &ev);
	proc_rec(f, NSW_KIND_EXIT, 101, 100, 12, NULL);
	assert_int_equal(f->n, 4);
	assert_item(f, 0, ITEM_PROC, NSW_KIND_FORK, 0);
	assert_item(f, 1, ITEM_OP, NSW_OP_CLONE, NEW_UTS_A);
	assert_string_equal(f->items[1].container, DOCKER_LABEL);
	assert_item(f, 2, ITEM_PROC, NSW_KIND_EXIT, 0);
	assert_item(f, 3, ITEM_EMPTY, nsw_type_index("uts"), NEW_UTS_A);
	assert_string_equal(f->items[3].container, DOCKER_LABEL);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_before_its_ns_empty),
		cmocka_unit_test(test_exit_before_its_ns_empty),
		cmocka_unit_test(test_filters_apply_to_ns_empty),
		cmocka_unit_test(test_joined_is_labelled_while_readable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
