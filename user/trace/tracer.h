/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF side's life, shared by `nswatch trace` and `nswatch run --trace`:
 * open, configure, load, attach, then consume the ring buffer into a sink.
 */
#ifndef NSW_TRACER_H
#define NSW_TRACER_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"

struct nsw_throttled;

/* Where records go, in ring buffer order. */
struct nsw_sink {
	void (*nsop)(void *ctx, const struct nsw_event *ev);
	void (*proc)(void *ctx, const struct nsw_proc_event *ev);
	void *ctx;
	void (*throttled)(void *ctx, const struct nsw_throttled *th);
};

/* What the kernel side reports, fixed at open. */
struct nsw_tracer_settings {
	__u32 pid;          /* only this process's operations: 0 for any */
	char comm[NSW_COMM_LEN];
	bool comm_set;      /* only processes named comm */
	__u32 type_mask;    /* bits of enum nsw_slot; 0: every type */
	__u32 op_mask;      /* NSW_OP_BIT()s, and NSW_OPMASK_NS_EMPTY (lib/nsnames.h) */
	bool failed_only;
	bool all_clones;    /* also clones that change no namespace */
	__u32 ring_size;    /* bytes, a power of two */
	bool verbose;       /* libbpf's messages */
	bool follow;        /* only processes added by nsw_tracer_follow() and their descendants */
	bool exclude_self;  /* never report the calling process */
	bool proc_events;   /* fork, exec and exit records (for the namespace table) */
	__u32 cgroup_v1_ctrl; /* enum nsw_v1_ctrl: the v1 hierarchy of cgroup_v1_id */
	__u32 rate_limit;   /* events per second per source (bpf/ratelimit.h); 0: off */
};

/* Every operation and ns_empty, no filter, the default ring, host-wide. */
struct nsw_tracer_settings nsw_tracer_settings_default(void);

struct nsw_tracer;

/* Root and BTF, with a message that says which is missing. */
int nsw_tracer_check_environment(struct nsw_error *err);

int nsw_tracer_open(struct nsw_tracer **t, const struct nsw_tracer_settings *settings,
		    const struct nsw_sink *sink, struct nsw_error *err);
void nsw_tracer_close(struct nsw_tracer *t);
/*
 * The same without waiting for the kernel's grace periods: a child of ours
 * lets go of the BPF objects once we have, within a second (the programs
 * are disabled at once). For the end of a trace; error paths close.
 */
void nsw_tracer_release(struct nsw_tracer *t);

int nsw_tracer_follow(struct nsw_tracer *t, pid_t pid, struct nsw_error *err);
/* A namespace made by a followed process: a setns into it is followed too. */
void nsw_tracer_watch_ns(struct nsw_tracer *t, __u32 inode);
void nsw_tracer_unwatch_ns(struct nsw_tracer *t, __u32 inode);

/* The ring buffer's epoll fd. */
int nsw_tracer_fd(const struct nsw_tracer *t);
/* Wait up to timeout_ms, then consume everything waiting; records, or -errno. */
int nsw_tracer_poll(struct nsw_tracer *t, int timeout_ms);
/* Consume everything waiting, without waiting. */
int nsw_tracer_drain(struct nsw_tracer *t);

/*
 * Records the kernel side could not report, and those the reporter could
 * not read (NSW_LOST_UNREAD), per enum nsw_counter, since open.
 */
void nsw_tracer_lost(struct nsw_tracer *t, __u64 lost[NSW_COUNTER_MAX]);
/* Why records of a counter were lost, for a warning: "events lost: ...". */
const char *nsw_tracer_loss_reason(enum nsw_counter c);
/*
 * The warning for NSW_LOST_UNREAD, given once (each such record is a bug or
 * a mismatched build): how many, and the first one's kind and size.
 */
void nsw_tracer_unread_warning(struct nsw_tracer *t, char *buf, size_t len);

/* Calls the rate limit held back, as the tracer hands them on. */
struct nsw_throttled {
	__u32 op;          /* enum nsw_op */
	__u32 uid;         /* the source: a kuid, */
	__u64 cgroup_id;   /* and for uid 0 its cgroup v2 id (else 0: any) */
	__u64 count;       /* held back since the last report of this source and op */
	__u64 total;       /* held back since tracing started */
	__u64 first_ts;    /* CLOCK_MONOTONIC entry of the first of count */
	__u64 last_ts;     /* ... and of the last */
};

/*
 * Hand the sink every held-back count no record has carried yet: the
 * kernel reports a source only when it calls again, so this at the end
 * (and now and then) leaves nothing held back unreported.
 */
void nsw_tracer_flush_throttled(struct nsw_tracer *t);

/* Per-operation accounting since open, indexed by enum nsw_op. */
struct nsw_tracer_op_counts {
	__u64 lost[NSW_OP_MAX];   /* seen, not reported: ring or in-flight table full, unreadable */
	__u64 untracked;          /* let through unlimited: the source table was full */
	__u64 report_retries;     /* throttled records the ring had no room for, sent later */
};
void nsw_tracer_op_counts(struct nsw_tracer *t, struct nsw_tracer_op_counts *c);

#endif /* NSW_TRACER_H */
