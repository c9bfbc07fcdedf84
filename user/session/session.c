// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's records go through the pipeline (pipeline.c) to the
 * presenter; this file is the session's life around it: open in the order
 * that leaves nothing unseen, poll, drain, loss.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "session/session.h"
#include "session/pipeline.h"
#include "table/nstable.h"
#include "table/cgroup_labels.h"
#include "lib/clock.h"

struct nsw_session {
	struct nsw_tracer *tracer;
	struct nsw_pipeline *pipeline;
	struct nsw_presenter presenter;
	__u64 warned[NSW_COUNTER_MAX];
	struct nsw_cgroup_labels *cgroups; /* NULL: labels from /proc only */
};

/* The followed process, as the records will find it. */
static int seed_followed(struct nsw_table *t, pid_t pid, struct nsw_error *err)
{
	struct nsw_proc_ns p;

	if (nsw_read_proc_ns(pid, &p))
		return nsw_error(err, errno, "reading the namespaces of pid %d", pid);
	nsw_table_seed_proc(t, &p);
	return 0;
}

/*
 * After the attach and the follow: nothing can change unseen between the
 * scan and the records.
 */
static int seed(struct nsw_session *s, const struct nsw_session_options *o,
		struct nsw_error *err)
{
	struct nsw_table *t = nsw_pipeline_table(s->pipeline);

	if (o->seed == NSW_SEED_FOLLOWED && o->follow_pid)
		return seed_followed(t, o->follow_pid, err);
	return nsw_table_seed(t, err);
}

static int start(struct nsw_session *s, const struct nsw_session_options *o,
		 struct nsw_error *err)
{
	struct nsw_tracer_settings settings = o->tracer;
	struct nsw_error cgroup_err;
	struct nsw_sink sink = {
		.nsop = nsw_pipeline_nsop,
		.proc = nsw_pipeline_proc,
		.throttled = nsw_pipeline_throttled,
	};

	settings.follow = o->follow_pid != 0;
	s->pipeline = nsw_pipeline_new(&settings, &s->presenter);
	if (!s->pipeline)
		return nsw_error(err, ENOMEM, "allocating the namespace table");
	nsw_table_use_kernel(nsw_pipeline_table(s->pipeline));
	/* Without cgroup mounts to resolve ids on, labels come from /proc. */
	if (nsw_cgroup_labels_open(&s->cgroups, &cgroup_err) == 0) {
		settings.cgroup_v1_ctrl = nsw_cgroup_labels_v1_ctrl(s->cgroups);
		nsw_pipeline_use_cgroups(s->pipeline, s->cgroups);
		/* The namespaces records make: labelled from the records' cgroups. */
		nsw_table_use_kernel_cgroups(nsw_pipeline_table(s->pipeline), s->cgroups);
	}
	sink.ctx = s->pipeline;
	if (nsw_tracer_open(&s->tracer, &settings, &sink, err) < 0)
		return -1;
	if (settings.follow) {
		if (nsw_tracer_follow(s->tracer, o->follow_pid, err) < 0)
			return -1;
		nsw_pipeline_watch_in(s->pipeline, s->tracer);
	}
	return seed(s, o, err);
}

int nsw_session_open(struct nsw_session **sp, const struct nsw_session_options *o,
		     const struct nsw_presenter *p, struct nsw_error *err)
{
	struct nsw_session *s;

	*sp = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return nsw_error(err, ENOMEM, "allocating the tracing session");
	s->presenter = *p;
	if (start(s, o, err) < 0) {
		nsw_session_close(s);
		return -1;
	}
	*sp = s;
	return 0;
}

static void session_free(struct nsw_session *s, void (*tracer_end)(struct nsw_tracer *))
{
	if (!s)
		return;
	tracer_end(s->tracer);
	nsw_pipeline_free(s->pipeline);
	nsw_cgroup_labels_free(s->cgroups);
	free(s);
}

void nsw_session_close(struct nsw_session *s)
{
	session_free(s, nsw_tracer_close);
}

void nsw_session_release(struct nsw_session *s)
{
	session_free(s, nsw_tracer_release);
}

int nsw_session_fd(const struct nsw_session *s)
{
	return nsw_tracer_fd(s->tracer);
}

/*
 * Lifetimes: the kernel says which namespaces without a process are gone;
 * the records already in the ring buffer were made before that, and one of
 * them may bring a process back into one (then it was alive): applied
 * first, then the ns_empty items. Returns records, as poll and drain do.
 */
static int sweep(struct nsw_session *s, bool force, int records)
{
	int more = 0;

	if (nsw_pipeline_sweep(s->pipeline, nsw_mono_ns(), force))
		more = nsw_tracer_drain(s->tracer);
	nsw_pipeline_sweep_finish(s->pipeline);
	return more > 0 ? records + more : records;
}

int nsw_session_poll(struct nsw_session *s, int timeout_ms, struct nsw_error *err)
{
	int ret = nsw_tracer_poll(s->tracer, timeout_ms);

	if (ret < 0)
		return nsw_error(err, -ret, "reading the ring buffer");
	return sweep(s, false, ret);
}

int nsw_session_drain(struct nsw_session *s, struct nsw_error *err)
{
	int ret = nsw_tracer_drain(s->tracer);

	if (ret < 0)
		return nsw_error(err, -ret, "draining the ring buffer");
	/* What the kernel holds back and has not reported yet, too. */
	nsw_tracer_flush_throttled(s->tracer);
	/* Whoever drains wants everything known now: the kernel is asked. */
	return sweep(s, true, ret);
}

/* How often the kernel is asked while settling. */
#define SETTLE_STEP_US 5000

int nsw_session_settle(struct nsw_session *s, __u64 grace_ns,
		       struct nsw_error *err)
{
	long long end = nsw_mono_ns() + (long long)grace_ns;
	int total = 0, ret;

	nsw_table_set_held_grace(nsw_pipeline_table(s->pipeline), grace_ns);

	for (;;) {
		ret = nsw_session_drain(s, err);
		if (ret < 0)
			return -1;
		total += ret;
		if (!nsw_pipeline_pending(s->pipeline) || nsw_mono_ns() >= end)
			return total;
		usleep(SETTLE_STEP_US);
	}
}

__u64 nsw_session_pending_since(struct nsw_session *s)
{
	return nsw_pipeline_pending_since(s->pipeline);
}

/* Room for nsw_tracer_unread_warning(). */
#define UNREAD_WARNING_LEN 512

/* Unreadable records get one warning, naming the first: the summary has the count. */
static void warn_unread_once(struct nsw_session *s, const __u64 now[NSW_COUNTER_MAX])
{
	char note[UNREAD_WARNING_LEN];

	if (!now[NSW_LOST_UNREAD] || s->warned[NSW_LOST_UNREAD])
		return;
	nsw_tracer_unread_warning(s->tracer, note, sizeof(note));
	fprintf(stderr, "nswatch: warning: %s\n", note);
}

void nsw_session_check_loss(struct nsw_session *s)
{
	__u64 now[NSW_COUNTER_MAX];

	nsw_tracer_lost(s->tracer, now);
	for (int i = 0; i < NSW_COUNTER_MAX; i++)
		if (now[i] > s->warned[i] && i != NSW_LOST_UNREAD)
			fprintf(stderr, "nswatch: warning: %llu %s\n",
				(unsigned long long)(now[i] - s->warned[i]),
				nsw_tracer_loss_reason(i));
	warn_unread_once(s, now);
	memcpy(s->warned, now, sizeof(now));
	/* A source held back and silent since is reported within a second too. */
	nsw_tracer_flush_throttled(s->tracer);
	if (s->presenter.on_loss)
		s->presenter.on_loss(s->presenter.ctx, now);
}

static void nsw_session_op_stats(struct nsw_session *s,
				 const struct nsw_pipeline_counts *c,
				 struct nsw_session_stats *st);

void nsw_session_stats(struct nsw_session *s, struct nsw_session_stats *st)
{
	struct nsw_pipeline_counts c;

	nsw_pipeline_counts(s->pipeline, &c);
	st->ops = c.ops;
	st->ns_empty = c.ns_empty;
	st->ns_held = c.ns_held;
	nsw_tracer_lost(s->tracer, st->lost);
	nsw_session_op_stats(s, &c, st);
}

static void nsw_session_op_stats(struct nsw_session *s,
				 const struct nsw_pipeline_counts *c,
				 struct nsw_session_stats *st)
{
	struct nsw_tracer_op_counts oc;

	nsw_tracer_op_counts(s->tracer, &oc);
	memcpy(st->op_events, c->by_op, sizeof(st->op_events));
	memcpy(st->op_throttled, c->throttled, sizeof(st->op_throttled));
	memcpy(st->op_lost, oc.lost, sizeof(st->op_lost));
	st->throttled = c->throttled_total;
	st->unlimited = oc.untracked;
}
