/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One tracing session: the tracer, the namespace table and the labeller,
 * handing enriched events in causal order to a presenter (presenter.h).
 * A consumer (`trace`, `run --trace`, ...) supplies a presenter and these
 * options, then polls:
 *
 *	nsw_session_open() -> nsw_session_poll()/_drain() ... -> nsw_session_close()
 */
#ifndef NSW_SESSION_H
#define NSW_SESSION_H

#include <sys/types.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"
#include "session/presenter.h"
#include "table/nstable.h"
#include "trace/tracer.h"

/* What the namespace table knows before the first record. */
enum nsw_session_seed {
	/*
	 * Every process and nsfs mount of the host. Needed whenever some
	 * process is out of scope (a followed command, --pid): such processes
	 * never exit as far as the table knows, so a namespace they hold is
	 * never called empty.
	 */
	NSW_SEED_HOST,
	/* The followed process alone: it has made nothing yet (run --trace). */
	NSW_SEED_FOLLOWED,
};

struct nsw_session_options {
	/* Filters, ring size, verbose, exclude_self, proc_events; follow is set from follow_pid. */
	struct nsw_tracer_settings tracer;
	/* Only this process and its descendants (and who joins what they make); 0: all. */
	pid_t follow_pid;
	enum nsw_session_seed seed;
};

struct nsw_session;

/*
 * Load and attach, follow, seed the table: after this, every record is
 * presented. The presenter is copied; its ctx must outlive the session.
 */
int nsw_session_open(struct nsw_session **s, const struct nsw_session_options *o,
		     const struct nsw_presenter *p, struct nsw_error *err);
/* Drains nothing: call nsw_session_drain() first to present what waits. NULL is fine. */
void nsw_session_close(struct nsw_session *s);
/* At the end of a trace: the tracer's objects go without waiting (tracer.h). */
void nsw_session_release(struct nsw_session *s);

/* An fd that polls readable when records wait. */
int nsw_session_fd(const struct nsw_session *s);
/* Wait up to timeout_ms, then present everything waiting: records, or -1. */
int nsw_session_poll(struct nsw_session *s, int timeout_ms, struct nsw_error *err);
/* Present everything waiting, without waiting: records, or -1. */
int nsw_session_drain(struct nsw_session *s, struct nsw_error *err);

/*
 * Before the end, after the last drain: namespaces whose last process just
 * left are given the kernel's time to free them (at most grace_ns, and
 * only while some are pending; NSW_HELD_GRACE_NS is a stream's), so that
 * their ns_empty, or ns_held if still alive then, is presented. Returns
 * records presented, or -1.
 */
int nsw_session_settle(struct nsw_session *s, __u64 grace_ns,
		       struct nsw_error *err);
/* A stream's grace (trace): the table's own. */
#define NSW_SETTLE_STREAM_NS NSW_HELD_GRACE_NS

/*
 * The ts of the oldest ns_held or ns_empty item still to come (a namespace
 * left, the kernel's word not in yet); 0 if none. A presenter that orders
 * by ts holds back what is newer.
 */
__u64 nsw_session_pending_since(struct nsw_session *s);

/*
 * Loss since the last check: a warning on stderr per cause (loss is never
 * silent), and the totals to the presenter's on_loss.
 */
void nsw_session_check_loss(struct nsw_session *s);

struct nsw_session_stats {
	__u64 ops;                    /* operations presented */
	__u64 ns_empty;               /* ns_empty items presented */
	__u64 lost[NSW_COUNTER_MAX];  /* records lost, per enum nsw_counter */
	/* Per enum nsw_op: delivered + throttled + lost = what was performed. */
	__u64 op_events[NSW_OP_MAX];
	__u64 op_throttled[NSW_OP_MAX];
	__u64 op_lost[NSW_OP_MAX];
	__u64 throttled;              /* calls held back, all operations */
	__u64 unlimited;              /* calls let through: the source table was full */
	__u64 ns_held;                /* ns_held items presented */
};
void nsw_session_stats(struct nsw_session *s, struct nsw_session_stats *st);

#endif /* NSW_SESSION_H */
