/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A start's timeline in the Trace Event Format, which Perfetto's UI
 * (ui.perfetto.dev, offline) and chrome://tracing open as a picture:
 *
 *	{"traceEvents":[...],"displayTimeUnit":"ms","otherData":{...}}
 *
 * one track for the runtime's steps (complete events, "ph":"X", from each
 * span of a step; its items as instant events), one per process the kernel
 * saw (pid, and a thread per tid; named by the command it ran), with the
 * kernel's records on it (operations as slices of their duration, exec and
 * exit as instants, the whole record in "args"), and one for the namespaces
 * the kernel freed (ns_empty). ts and dur are microseconds of
 * CLOCK_MONOTONIC (the timeline's clock), with ns as decimals.
 */
#ifndef NSW_PERFETTO_H
#define NSW_PERFETTO_H

#include <stdio.h>
#include "timeline/timeline.h"

/* The pids of the tracks that are no process: above any pid (PID_MAX_LIMIT is 2^22). */
#define NSW_TE_RUNTIME_PID    ((1U << 22) + 1)
#define NSW_TE_NAMESPACES_PID ((1U << 22) + 2)

/* The timeline written to a file: --trace-out's --trace-format, the OCI annotation's. */
enum nsw_trace_format {
	NSW_TRACE_TEXT,	    /* the lines of --trace */
	NSW_TRACE_JSON,	    /* the JSON lines of --trace-json */
	NSW_TRACE_PERFETTO, /* the Trace Event Format */
};

/* "text", "json", "perfetto": 0, or -1 if none of these. */
int nsw_trace_format_parse(const char *name, enum nsw_trace_format *f);

struct nsw_trace_events;

/* NULL if out of memory. */
struct nsw_trace_events *nsw_trace_events_new(void);
void nsw_trace_events_free(struct nsw_trace_events *te);
/* A sink that keeps what a timeline gets (nsw_timeline_set_sink()). */
void nsw_trace_events_sink(struct nsw_trace_events *te, struct nsw_timeline_sink *sink);
/* The same, called by hand (a sink that also does something else). */
void nsw_trace_events_item(void *te, enum nsw_tl_source src, __u64 ts, const char *what,
			   const char *detail, const char *json_fields);
void nsw_trace_events_step(void *te, const char *name, __u64 begin, __u64 end);

/*
 * The whole file to f, through lib/json.h's writer (sorting what te
 * holds); tl (NULL: none) gives time zero and the loss counts
 * ("otherData"). 0, or -1 with errno if f failed.
 */
int nsw_trace_events_write(struct nsw_trace_events *te, const struct nsw_timeline *tl, FILE *f);

#endif /* NSW_PERFETTO_H */
