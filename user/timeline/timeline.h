/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timeline of `nswatch run --trace`: what the runtime did (the
 * monitor's steps and those the init reports) and what the tracer saw in
 * the kernel, on one clock, one item per line.
 *
 * Order. Items arrive slightly out of order: the tracer's records are
 * consumed in batches, and the init's steps reach the monitor over a
 * socket after they happened. So items wait in a small buffer and are
 * printed in ts order once nothing older can still come, that is once
 * their ts is at most the watermark
 *
 *	min(kernel mark, runtime mark)
 *
 * kernel mark:  the last nsw_timeline_kernel_sync(): every record older
 *               than it is in (the runtime calls it after each drain of
 *               the ring buffer, with nsw_timeline_drained_mark() of the
 *               time the drain started: a BPF program preempted between
 *               its timestamp and its commit delivers its record after a
 *               drain that started later than the timestamp; records
 *               within one batch need not come in order, so a record alone
 *               moves nothing);
 * runtime mark: while nsw_timeline_await_runtime() is on (the init is
 *               reporting), the newest runtime item; otherwise unbounded,
 *               because the monitor adds its own items as they happen.
 *
 * nsw_timeline_flush() prints everything held (phase boundaries, the end).
 * An item that comes in below what is already printed (a record the ring
 * buffer delivered late) is printed at once, with its own offset. At most
 * NSW_TIMELINE_HOLD items wait; beyond that the oldest go out.
 */
#ifndef NSW_TIMELINE_H
#define NSW_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#define NSW_TIMELINE_HOLD 4096
/* How long a record may take from its timestamp to the ring buffer. */
#define NSW_TIMELINE_INFLIGHT_NS (10ULL * 1000 * 1000)

struct nsw_timeline;

enum nsw_tl_source {
	NSW_TL_RUNTIME,	/* "runtime": the monitor and the init */
	NSW_TL_KERNEL,	/* "kernel": what the tracer saw */
};

/* CLOCK_MONOTONIC, in ns: the clock of every ts here (bpf_ktime_get_ns()'s). */
__u64 nsw_timeline_now(void);

/*
 * text: lines for people (NULL: none); json: JSON lines (NULL: none).
 * Neither is closed by the timeline. Time zero is now until
 * nsw_timeline_set_start(). NULL if out of memory.
 */
struct nsw_timeline *nsw_timeline_new(FILE *text, FILE *json);
void nsw_timeline_free(struct nsw_timeline *tl);

/* Time zero of the run: offsets count from it. */
void nsw_timeline_set_start(struct nsw_timeline *tl, __u64 ts);
__u64 nsw_timeline_start_ns(const struct nsw_timeline *tl);

/*
 * One item. what: a short name ("clone3", "mount", "pivot_root"); detail:
 * a line for people (NULL: empty); json_fields: NULL or a whole JSON object
 * made with lib/json.h's writer ("{\"pid\":12}"), whose members follow the
 * item's own in its JSON line. Everything is copied.
 */
void nsw_timeline_add(struct nsw_timeline *tl, enum nsw_tl_source src,
		      __u64 ts, const char *what, const char *detail,
		      const char *json_fields);

/* The tracer's entry: one kernel record (counted as an event); json_fields as above. */
void nsw_timeline_kernel(struct nsw_timeline *tl, __u64 ts, const char *what,
			 const char *detail, const char *json_fields);

/* Every kernel record with a ts before ts has been added (after a drain). */
void nsw_timeline_kernel_sync(struct nsw_timeline *tl, __u64 ts);
/* The kernel mark after a drain that started at started. */
__u64 nsw_timeline_drained_mark(__u64 started);

/*
 * Records the tracer lost: ring buffer full, in-flight table full, and
 * records it could not read (NSW_LOST_UNREAD).
 */
void nsw_timeline_set_lost(struct nsw_timeline *tl, __u64 ring_full,
			   __u64 inflight_full, __u64 unread);

/*
 * On: runtime items now come late (the init reports its steps), so
 * nothing newer than the newest runtime item is printed. Off: the init is
 * quiet (waiting, or gone); also prints what may go.
 */
void nsw_timeline_await_runtime(struct nsw_timeline *tl, bool on);

/* Print every item held, in ts order. */
void nsw_timeline_flush(struct nsw_timeline *tl);

/*
 * Steps, for the summary: a step's time is the sum of its spans, and
 * steps are listed in the order they first appear.
 */
void nsw_timeline_step(struct nsw_timeline *tl, const char *name,
		       __u64 begin, __u64 end);
/* A span from now to the matching _end (one open span per name). */
void nsw_timeline_step_begin(struct nsw_timeline *tl, const char *name);
void nsw_timeline_step_end(struct nsw_timeline *tl, const char *name);

/*
 * The namespaces the container got: for each nsw_types[] index whose flag
 * is in clone_flags, inode[index] (as the init read its own /proc/self/ns).
 */
void nsw_timeline_set_namespaces(struct nsw_timeline *tl, __u64 clone_flags,
				 const unsigned long long *inode);

/*
 * Flush, then the summary: on text, "Namespaces:", "Step times (ms):" and
 * "Summary: events=N lost=N ..." lines; on json, a last object
 * {"what":"summary","namespaces":[{"type","inode"}],"steps":[{"name",
 * "ms"}],"events":N,"lost":N,...}.
 */
void nsw_timeline_finish(struct nsw_timeline *tl);

/*
 * Someone else who keeps the timeline (the Trace Event Format writer,
 * perfetto.h; the OCI start recorder): told of each item as it is added
 * (before ordering: not in ts order) and of each span of a step. Strings
 * are the caller's, valid during the call only.
 */
struct nsw_timeline_sink {
	void *ctx;
	void (*item)(void *ctx, enum nsw_tl_source src, __u64 ts, const char *what,
		     const char *detail, const char *json_fields);
	void (*step)(void *ctx, const char *name, __u64 begin, __u64 end);
};
/* One sink at a time; NULL: none. Copied. */
void nsw_timeline_set_sink(struct nsw_timeline *tl, const struct nsw_timeline_sink *sink);

/* The summary's counts: kernel records on the timeline, records lost. */
struct nsw_timeline_counts {
	__u64 events, lost_ring, lost_inflight;
	__u64 lost_unread;
};
void nsw_timeline_counts(const struct nsw_timeline *tl, struct nsw_timeline_counts *c);

/*
 * A namespace the kernel had not freed when the trace ended (its ns_held
 * item is on the timeline, its ns_empty is not): the summary lists it, on
 * text as a "Not freed at the end:" line, on json as "not_freed":[{"type",
 * "inode"}]. type: a static name (nsw_types[]).
 */
void nsw_timeline_not_freed(struct nsw_timeline *tl, const char *type,
			    unsigned long long inode);
/* The i-th of them: false past the last. */
bool nsw_timeline_not_freed_at(const struct nsw_timeline *tl, size_t i,
			       const char **type, unsigned long long *inode);

#endif /* NSW_TIMELINE_H */
