/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session's record path: each ring buffer record, in ring buffer
 * order, is applied to the namespace table, labelled, and handed to the
 * presenter in causal order: an operation's item, then the ns_empty it
 * caused; an exit's item, then its ns_empty. Also what every consumer
 * wants done on the way: labels read while a joining process can still be
 * read, and, when following, the namespaces made in scope watched in the
 * kernel so that a later setns into them is followed too.
 *
 * session.c feeds it from the tracer; the unit tests feed it by hand.
 */
#ifndef NSW_PIPELINE_H
#define NSW_PIPELINE_H

#include <linux/types.h>
#include "nswatch.h"
#include "session/presenter.h"
#include "table/nstable.h"
#include "trace/tracer.h"

struct nsw_pipeline;

/*
 * settings: the tracer's, whose filters (type_mask, op_mask's ns_empty,
 * failed_only) apply to ns_empty too. The presenter is copied. NULL if out
 * of memory. The table has no probe yet: nsw_table_use_kernel() or a fake.
 */
struct nsw_pipeline *nsw_pipeline_new(const struct nsw_tracer_settings *settings,
				      const struct nsw_presenter *p);
void nsw_pipeline_free(struct nsw_pipeline *p);

struct nsw_table *nsw_pipeline_table(struct nsw_pipeline *p);

/* Following: namespaces made in scope are watched (and unwatched) in t. */
void nsw_pipeline_watch_in(struct nsw_pipeline *p, struct nsw_tracer *t);

/*
 * Label records by the cgroups the kernel recorded with them (c stays the
 * caller's; NULL: by /proc, when a process enters a namespace).
 */
struct nsw_cgroup_labels;
void nsw_pipeline_use_cgroups(struct nsw_pipeline *p, struct nsw_cgroup_labels *c);

/* One record; the tracer's sink (struct nsw_sink) calls these. */
void nsw_pipeline_nsop(void *pipeline, const struct nsw_event *ev);
void nsw_pipeline_proc(void *pipeline, const struct nsw_proc_event *ev);
void nsw_pipeline_throttled(void *pipeline, const struct nsw_throttled *th);

/* Items handed to the presenter so far. */
struct nsw_pipeline_counts {
	__u64 ops;      /* operations (clone, clone3, unshare, setns) */
	__u64 ns_empty; /* ns_empty items, after the filters */
	__u64 by_op[NSW_OP_MAX];        /* ops, per enum nsw_op */
	__u64 throttled[NSW_OP_MAX];    /* calls held back, per enum nsw_op */
	__u64 throttled_total;
	__u64 ns_held;  /* ns_held items, after the filters */
};
/*
 * Ask the kernel about the namespaces no process is in (nsw_table_sweep):
 * ns_held items now; the number found gone, whose ns_empty items
 * nsw_pipeline_sweep_finish() presents once the ring buffer is drained
 * (and then calls the presenter's on_flush: the end of a poll or drain).
 */
size_t nsw_pipeline_sweep(struct nsw_pipeline *p, __u64 now_ns, bool force);
void nsw_pipeline_sweep_finish(struct nsw_pipeline *p);
/* Namespaces without a process that are neither held nor gone yet. */
size_t nsw_pipeline_pending(struct nsw_pipeline *p);
__u64 nsw_pipeline_pending_since(struct nsw_pipeline *p);

void nsw_pipeline_counts(const struct nsw_pipeline *p, struct nsw_pipeline_counts *c);

#endif /* NSW_PIPELINE_H */
