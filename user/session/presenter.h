/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The presenter: the last step of the pipeline, what turns enriched events
 * into lines, JSON or timeline items. The session calls it in causal order
 * (an operation, then the ns_empty it caused; an exit, then its ns_empty).
 * `trace` supplies the text or the JSON-lines presenter below; `run --trace`
 * its timeline's (timeline/run_trace.c). Any member may be NULL.
 */
#ifndef NSW_PRESENTER_H
#define NSW_PRESENTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/json.h"
#include "session/event_labels.h"
#include "table/nstable.h"
#include "trace/tracer.h"

/* The last known holder of a namespace is gone. */
struct nsw_ns_empty {
	const struct nsw_ns_entry *entry;
	const char *container; /* the namespace's container, "" if none */
	__u32 last_pid;
	__u64 ts_ns;           /* CLOCK_MONOTONIC */
};

/*
 * The last process left a namespace that lives on: what holds it
 * (entry->held_by). Raised once per namespace; its ns_empty comes when the
 * holder lets go.
 */
struct nsw_ns_held {
	const struct nsw_ns_entry *entry;
	const char *container; /* the namespace's container, "" if none */
	__u32 last_pid;        /* the last process that left it */
	__u64 ts_ns;           /* CLOCK_MONOTONIC: when it left */
};

struct nsw_presenter {
	/* clone, clone3, unshare, setns: applied to the table, labelled. */
	void (*on_op)(void *ctx, const struct nsw_event *ev,
		      const struct nsw_event_labels *l);
	/* fork, exec, exit, applied to the table. */
	void (*on_proc)(void *ctx, const struct nsw_proc_event *ev);
	/* Within the tracer's filters (--type, --op ns_empty, not --failed). */
	void (*on_ns_empty)(void *ctx, const struct nsw_ns_empty *ne);
	/* Records lost since tracing started, per enum nsw_counter. */
	void (*on_loss)(void *ctx, const __u64 lost[NSW_COUNTER_MAX]);
	void *ctx;
	/* Calls the rate limit held back (docs/events.md, "throttled"). */
	void (*on_throttled)(void *ctx, const struct nsw_throttled *th);
	/* Within the same filters as on_ns_empty. */
	void (*on_ns_held)(void *ctx, const struct nsw_ns_held *nh);
	/*
	 * The end of a drain (nsw_pipeline_sweep_finish()): whatever the
	 * presenter holds back goes out now, before the caller flushes its
	 * stream.
	 */
	void (*on_flush)(void *ctx);
};

/* Room for a clock's whole-second part: RFC 3339's, or the text's HH:MM:SS. */
#define NSW_CLOCK_CACHE_LEN 32
/*
 * A line is gathered here, then written with one fwrite: a trace's output
 * is many short lines, and each stdio call costs more than the bytes. In
 * batch (struct nsw_line_presenter), many lines: they go out once less than
 * NSW_LINE_STAGE_ROOM is left, more than a flood's line takes, so a line is
 * rarely cut by a flush (and then not kept).
 */
#define NSW_LINE_STAGE_LEN 32768
#define NSW_LINE_STAGE_ROOM 4096

/*
 * The whole-second part of the last time a presenter formatted: a flood's
 * items come many to a second, and gmtime_r/localtime_r and strftime cost
 * more than the rest of the line. Zeroed: empty.
 */
struct nsw_clock_cache {
	bool valid;
	int64_t sec;
	size_t len;
	char text[NSW_CLOCK_CACHE_LEN];
};

/* The JSON text of a set of ten namespaces (ns_before, ns_after), kept. */
#define NSW_NS_SET_CACHE 4
#define NSW_NS_SET_TEXT_LEN 512
struct nsw_ns_set_text {
	__u32 ns[NSW_SLOT_COUNT];
	size_t len; /* 0: empty */
	char text[NSW_NS_SET_TEXT_LEN];
};

/*
 * An operation's line but for its times, kept with what it was made of: a
 * flood's lines are the same two or three lines with other times. JSON
 * keeps two parts, head (the members from "op" to before "duration_us")
 * and tail (from "ns_before" to the end), each as an object's text for
 * nsw_json_members_of_n(); text keeps the line after its clock in head.
 */
#define NSW_KEPT_LINES 4
#define NSW_KEPT_PART_LEN 1024
struct nsw_kept_line {
	bool valid;
	struct nsw_event ev;       /* ts_ns and duration_ns not compared */
	struct nsw_event_labels l; /* its refs[0..nrefs) and texts */
	size_t head_len, tail_len;
	char head[NSW_KEPT_PART_LEN];
	char tail[NSW_KEPT_PART_LEN];
};

/* The line kept for ev and l (nsw_event_same_but_times, nsw_event_labels_same), or NULL. */
const struct nsw_kept_line *nsw_kept_line_find(const struct nsw_kept_line *lines,
					       const struct nsw_event *ev,
					       const struct nsw_event_labels *l);
/* Keep ev and l in the next of lines' NSW_KEPT_LINES slots; the caller fills the text. */
struct nsw_kept_line *nsw_kept_line_store(struct nsw_kept_line *lines, unsigned int *next,
					  const struct nsw_event *ev,
					  const struct nsw_event_labels *l);

/*
 * `trace`'s presenters: one line per item on f, real time from offset_ns.
 * The rest is the presenter's own; zero it with the struct.
 */
struct nsw_line_presenter {
	FILE *f;
	int64_t offset_ns; /* nsw_realtime_offset_ns() */
	struct nsw_clock_cache utc;   /* JSON's RFC 3339 */
	struct nsw_clock_cache local; /* text's HH:MM:SS */
	char stage[NSW_LINE_STAGE_LEN];
	struct nsw_ns_set_text ns_sets[NSW_NS_SET_CACHE];
	unsigned int ns_set_next;
	struct nsw_json_key_cache keys;
	struct nsw_kept_line json_lines[NSW_KEPT_LINES];
	unsigned int json_line_next;
	struct nsw_kept_line text_lines[NSW_KEPT_LINES];
	unsigned int text_line_next;
	/*
	 * Set by the caller: lines gather in stage across items and reach f
	 * when it fills and at on_flush (nsw_line_presenter_flush()), not one
	 * fwrite per line. Only for a caller that calls one of them before it
	 * reads, flushes or writes f itself (a pipeline's sweep_finish does).
	 */
	bool batch;
	size_t stage_len; /* text: bytes of stage not yet written to f (batch) */
	struct nsw_json json; /* JSON in batch: the writer of stage, kept open */
	bool json_open;
};

/* What the presenter holds back in its stage, to f. */
void nsw_line_presenter_flush(struct nsw_line_presenter *lp);

/* present_text.c: columns for people, after nsw_print_text_header(). */
struct nsw_presenter nsw_present_text(struct nsw_line_presenter *lp);
void nsw_print_text_header(FILE *f);
/* l may be NULL: the namespaces are then shown without labels. */
void nsw_print_text(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l);

/* present_json.c: JSON lines, the schema of docs/events.md. */
struct nsw_presenter nsw_present_json(struct nsw_line_presenter *lp);
/* An operation's object (no newline); l may be NULL, as above. */
void nsw_json_event(struct nsw_json *w, const struct nsw_event *ev,
		    int64_t offset_ns, const struct nsw_event_labels *l);
/* The object and a newline on f. */
void nsw_print_json(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l);
/* ns_held's held_by object (docs/events.md). */
void nsw_json_ns_holder(struct nsw_json *w, const struct nsw_ns_holder *h);

#endif /* NSW_PRESENTER_H */
