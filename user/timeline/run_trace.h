/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracer inside `nswatch run --trace`: the BPF programs scoped to the
 * monitor's process tree (and to whoever joins the container's namespaces),
 * feeding the kernel's side of the story into the run's timeline.
 */
#ifndef NSW_RUN_TRACE_H
#define NSW_RUN_TRACE_H

#include <sys/types.h>
#include "lib/error.h"
#include "timeline/timeline.h"

struct nsw_run_trace;

/*
 * Load and attach, following pid (the monitor, which has created nothing
 * yet) and its descendants. Kernel events go to tl as they are consumed.
 */
int nsw_run_trace_start(struct nsw_run_trace **rt, struct nsw_timeline *tl,
			pid_t pid, struct nsw_error *err);
/* An fd that polls readable when records wait (epoll, poll). */
int nsw_run_trace_fd(const struct nsw_run_trace *rt);
/* Move every waiting record into the timeline. */
int nsw_run_trace_consume(struct nsw_run_trace *rt);
/*
 * How long the end waits, after a namespace's last process left, for the
 * kernel to free it (docs/run.md, "The end of the timeline"): what lives
 * on then gets an ns_held item and a place in the summary's not-freed
 * list instead of its ns_empty.
 */
#define NSW_RUN_END_GRACE_NS (20 * 1000 * 1000ULL)

/*
 * Drain, report loss to the timeline, give the container's namespaces
 * NSW_RUN_END_GRACE_NS, detach and free. NULL is fine.
 */
void nsw_run_trace_stop(struct nsw_run_trace *rt);

#endif /* NSW_RUN_TRACE_H */
