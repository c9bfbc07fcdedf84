// SPDX-License-Identifier: GPL-2.0
/*
 * Records -> namespace table -> labeller -> presenter, in causal order.
 * The table reports what a record changed while the record is applied,
 * before the record's own item can be presented: ns_empty raised then
 * waits here until the item is out, so the cause comes before the effect.
 */
#include <stdlib.h>
#include <string.h>
#include "session/pipeline.h"
#include "session/event_labels.h"
#include "table/cgroup_labels.h"
#include "lib/nsnames.h"
#include "lib/util.h"

#define HELD_INITIAL 16

struct held_empty {
	struct nsw_ns_entry e; /* a copy: the table may retire the entry */
	char container[NSW_LABEL_TEXT_LEN];
	__u32 pid;
	__u64 ts_ns;
};

struct nsw_pipeline {
	struct nsw_table *table;
	struct nsw_presenter presenter;
	struct nsw_tracer_settings settings;
	struct nsw_tracer *watch; /* NULL: not following */
	/* ns_empty raised while the current record is applied. */
	struct held_empty *held;
	size_t nheld, held_cap;
	bool in_record;
	struct nsw_pipeline_counts counts;
	/*
	 * Labels from the cgroups the kernel recorded (NULL: none), and the
	 * current record's, for the namespaces it makes or enters.
	 */
	struct nsw_cgroup_labels *cgroups;
	bool rec_labelled;
	struct nsw_label rec_label;
	__u64 rec_v2_id, rec_v1_id; /* the cgroups rec_label is of */
	char rec_text[NSW_LABEL_TEXT_LEN]; /* rec_label formatted, once per label */
};

static void present_empty(struct nsw_pipeline *p, const struct held_empty *h)
{
	const struct nsw_ns_empty ne = {
		.entry = &h->e,
		.container = h->container,
		.last_pid = h->pid,
		.ts_ns = h->ts_ns,
	};

	p->counts.ns_empty++;
	if (p->presenter.on_ns_empty)
		p->presenter.on_ns_empty(p->presenter.ctx, &ne);
}

/* Room for one more held item; false if memory ran out. */
static bool held_reserve(struct nsw_pipeline *p)
{
	size_t cap = p->held_cap ? p->held_cap * 2 : HELD_INITIAL;
	struct held_empty *h;

	if (p->nheld < p->held_cap)
		return true;
	h = realloc(p->held, cap * sizeof(*h));
	if (!h)
		return false;
	p->held = h;
	p->held_cap = cap;
	return true;
}

static void release_held(struct nsw_pipeline *p)
{
	for (size_t i = 0; i < p->nheld; i++)
		present_empty(p, &p->held[i]);
	p->nheld = 0;
}

/* --type, --op ns_empty and --failed, as for operations. */
static bool empty_shown(const struct nsw_pipeline *p, const struct nsw_ns_entry *e)
{
	const struct nsw_tracer_settings *s = &p->settings;

	if (s->type_mask && !(s->type_mask & (1U << nsw_types[e->type].slot)))
		return false;
	return (s->op_mask & NSW_OPMASK_NS_EMPTY) && !s->failed_only;
}

static void on_emptied(struct nsw_pipeline *p, const struct nsw_ns_entry *e,
		       __u32 pid, __u64 ts_ns)
{
	struct held_empty one, *h = &one;

	if (p->watch)
		nsw_tracer_unwatch_ns(p->watch, e->inode);
	if (!empty_shown(p, e))
		return;
	/* Out of memory for the wait: present it now, out of order, not lose it. */
	if (p->in_record && held_reserve(p))
		h = &p->held[p->nheld++];
	h->e = *e;
	nsw_entry_container(p->table, e, h->container, sizeof(h->container));
	h->pid = pid;
	h->ts_ns = ts_ns;
	if (h == &one)
		present_empty(p, h);
}

static void on_held(struct nsw_pipeline *p, const struct nsw_ns_entry *e,
		    __u32 pid, __u64 ts_ns)
{
	char container[NSW_LABEL_TEXT_LEN];
	const struct nsw_ns_held nh = {
		.entry = e,
		.container = container,
		.last_pid = pid,
		.ts_ns = ts_ns,
	};

	if (!empty_shown(p, e))
		return;
	nsw_entry_container(p->table, e, container, sizeof(container));
	p->counts.ns_held++;
	if (p->presenter.on_ns_held)
		p->presenter.on_ns_held(p->presenter.ctx, &nh);
}

static void on_change(void *ctx, enum nsw_ns_change change,
		      const struct nsw_ns_entry *e, __u32 pid, __u64 ts_ns)
{
	struct nsw_pipeline *p = ctx;

	switch (change) {
	case NSW_NS_CREATED:
		/* A later nsenter into it is part of what is followed. */
		if (p->watch)
			nsw_tracer_watch_ns(p->watch, e->inode);
		break;
	case NSW_NS_JOINED:
		/*
		 * A process entering a namespace its parent is not in is
		 * usually a container's first long-lived one: label now, while
		 * it can be read (the one that unshared may be gone by the time
		 * its record comes).
		 */
		if (p->rec_labelled)
			nsw_table_set_label(p->table, e, &p->rec_label);
		else if (!p->cgroups)
			nsw_table_label_proc(p->table, pid);
		break;
	case NSW_NS_EMPTIED:
		on_emptied(p, e, pid, ts_ns);
		break;
	case NSW_NS_LEFT:
		break;
	case NSW_NS_HELD:
		on_held(p, e, pid, ts_ns);
		break;
	}
}

struct nsw_pipeline *nsw_pipeline_new(const struct nsw_tracer_settings *settings,
				      const struct nsw_presenter *presenter)
{
	struct nsw_pipeline *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->settings = *settings;
	p->presenter = *presenter;
	p->table = nsw_table_new(on_change, p);
	if (!p->table) {
		free(p);
		return NULL;
	}
	return p;
}

void nsw_pipeline_free(struct nsw_pipeline *p)
{
	if (!p)
		return;
	nsw_table_free(p->table);
	free(p->held);
	free(p);
}

struct nsw_table *nsw_pipeline_table(struct nsw_pipeline *p)
{
	return p->table;
}

void nsw_pipeline_watch_in(struct nsw_pipeline *p, struct nsw_tracer *t)
{
	p->watch = t;
}

void nsw_pipeline_use_cgroups(struct nsw_pipeline *p, struct nsw_cgroup_labels *c)
{
	p->cgroups = c;
}

/*
 * The label of the record's cgroups, for what on_change() hears of it. A
 * label found is final (cgroup_labels.h caches it by id): a flood's records
 * from the same cgroups keep it without asking again.
 */
static void record_label(struct nsw_pipeline *p, __u64 v2_id, __u64 v1_id)
{
	if (p->rec_labelled && v2_id == p->rec_v2_id && v1_id == p->rec_v1_id)
		return;
	p->rec_v2_id = v2_id;
	p->rec_v1_id = v1_id;
	p->rec_labelled = p->cgroups &&
			  nsw_cgroup_labels_get(p->cgroups, v2_id, v1_id, &p->rec_label);
	if (p->rec_labelled)
		nsw_label_format(&p->rec_label, p->rec_text, sizeof(p->rec_text));
}

/* The namespaces a record made are its caller's container's. */
static void label_created(struct nsw_pipeline *p, const struct nsw_event *ev)
{
	struct nsw_ns_ref refs[NSW_EVENT_MAX_REFS];
	const struct nsw_ns_entry *e;
	size_t n;

	if (!p->rec_labelled || ev->op == NSW_OP_SETNS)
		return;
	n = nsw_event_ns_refs(ev, refs, ARRAY_SIZE(refs));
	for (size_t i = 0; i < n; i++) {
		e = nsw_table_find(p->table, nsw_type_index(refs[i].type), refs[i].inode,
				   refs[i].ns_id);
		if (e)
			nsw_table_set_label(p->table, e, &p->rec_label);
	}
}

void nsw_pipeline_nsop(void *pipeline, const struct nsw_event *ev)
{
	struct nsw_pipeline *p = pipeline;
	struct nsw_event_labels l;

	record_label(p, ev->cgroup_id, ev->cgroup_v1_id);
	p->in_record = true;
	nsw_table_apply_nsop(p->table, ev);
	p->in_record = false;
	label_created(p, ev);
	nsw_event_labels_fill(p->table, ev, &l);
	/* The caller's container as the kernel saw its cgroup at the call. */
	if (p->rec_labelled)
		nsw_event_labels_caller(&l, p->rec_text, p->rec_label.pod);
	p->counts.ops++;
	if (ev->op < NSW_OP_MAX)
		p->counts.by_op[ev->op]++;
	if (p->presenter.on_op)
		p->presenter.on_op(p->presenter.ctx, ev, &l);
	release_held(p);
}

void nsw_pipeline_proc(void *pipeline, const struct nsw_proc_event *ev)
{
	struct nsw_pipeline *p = pipeline;

	record_label(p, ev->cgroup_id, ev->cgroup_v1_id);
	p->in_record = true;
	nsw_table_apply_proc(p->table, ev);
	p->in_record = false;
	if (p->presenter.on_proc)
		p->presenter.on_proc(p->presenter.ctx, ev);
	release_held(p);
}

size_t nsw_pipeline_sweep(struct nsw_pipeline *p, __u64 now_ns, bool force)
{
	return nsw_table_sweep(p->table, now_ns, force);
}

void nsw_pipeline_sweep_finish(struct nsw_pipeline *p)
{
	nsw_table_sweep_finish(p->table);
	/* The end of every poll and drain: what the presenter holds goes out. */
	if (p->presenter.on_flush)
		p->presenter.on_flush(p->presenter.ctx);
}

__u64 nsw_pipeline_pending_since(struct nsw_pipeline *p)
{
	return nsw_table_pending_since(p->table);
}

size_t nsw_pipeline_pending(struct nsw_pipeline *p)
{
	return nsw_table_pending(p->table);
}

void nsw_pipeline_counts(const struct nsw_pipeline *p, struct nsw_pipeline_counts *c)
{
	*c = p->counts;
}

/* Held back in the kernel: no table change, straight to the presenter. */
void nsw_pipeline_throttled(void *pipeline, const struct nsw_throttled *th)
{
	struct nsw_pipeline *p = pipeline;

	if (th->op < NSW_OP_MAX)
		p->counts.throttled[th->op] += th->count;
	p->counts.throttled_total += th->count;
	if (p->presenter.on_throttled)
		p->presenter.on_throttled(p->presenter.ctx, th);
}
