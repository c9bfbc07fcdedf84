/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime's side of the run --trace timeline: an observer
 * (runtime/observer.h) that renders the monitor's steps and the init's
 * phases as timeline items (a line for people, a JSON object) and step
 * times, and drains the tracer while the monitor waits.
 */
#ifndef NSW_RUNTIME_ITEMS_H
#define NSW_RUNTIME_ITEMS_H

#include "runtime/observer.h"
#include "lib/error.h"
#include "timeline/run_trace.h"
#include "timeline/timeline.h"

struct nsw_run_timeline {
	struct nsw_timeline *tl;
	struct nsw_run_trace *rt;	/* the tracer, NULL once stopped */
};

/* An observer onto t (which must outlive it). */
void nsw_run_timeline_observer(struct nsw_run_timeline *t,
			       struct nsw_observer *obs);

/* The "error" item: why the run failed. */
void nsw_run_timeline_error(struct nsw_run_timeline *t,
			    const struct nsw_error *err);

#endif /* NSW_RUNTIME_ITEMS_H */
