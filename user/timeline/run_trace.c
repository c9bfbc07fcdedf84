// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer inside `nswatch run --trace`: a session that follows the
 * monitor, which has made nothing yet, so every namespace of the container
 * is seen being made; whoever joins the container later (exec, nsenter) is
 * followed from its setns on. This file is the session's presenter: each
 * item becomes a kernel item of the run's timeline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/nsnames.h"
#include "lib/util.h"
#include "session/session.h"
#include "timeline/run_trace.h"

#define DETAIL_LEN 512
#define NS_LIST_LEN 256
#define ERRNO_NAME_LEN 16
#define STATUS_TEXT_LEN 32
#define PROC_DETAIL_LEN 256
#define HELD_FIRST_CAP 8
#define ALIVE_MS_DECIMALS 1

/* A namespace the kernel still had when its ns_held was raised. */
struct held_ns {
	unsigned int type;
	__u32 inode;
	__u64 ns_id;
};

struct nsw_run_trace {
	struct nsw_session *session;
	struct nsw_timeline *tl;
	int64_t offset_ns;
	/* ns_held items with no ns_empty since: alive, as far as we know. */
	struct held_ns *held;
	size_t n_held, cap_held;
};

/* The item's JSON members, whole: {"event":{...the trace JSON line...}}. */
static char *event_json(const struct nsw_event *ev, const struct nsw_event_labels *l,
			int64_t offset_ns)
{
	struct nsw_json w;

	if (nsw_json_open_mem(&w) < 0)
		return NULL;
	nsw_json_object_begin(&w);
	nsw_json_key(&w, "event");
	nsw_json_event(&w, ev, offset_ns, l);
	nsw_json_object_end(&w);
	return nsw_json_take_mem(&w);
}

static void ns_list(const struct nsw_event_labels *l, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->nrefs && off < len; i++)
		off += snprintf(buf + off, len - off, " %s:%u", l->refs[i].type,
				l->refs[i].inode);
}

/* "pid 12 (unshare) CLONE_NEWNET created net:4026532300" */
static void op_detail(const struct nsw_event *ev, const struct nsw_event_labels *l,
		      char *detail, size_t len)
{
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);
	int64_t ret = (int64_t)ev->ret;
	char list[NS_LIST_LEN], ebuf[ERRNO_NAME_LEN];
	size_t off;

	ns_list(l, list, sizeof(list));
	off = snprintf(detail, len, "pid %u (%.16s)", ev->pid, ev->comm);
	for (size_t i = 0; i < NSW_TYPE_COUNT && off < len; i++)
		if (flags & nsw_types[i].flag)
			off += snprintf(detail + off, len - off, "%s%s",
					off && detail[off - 1] != ')' ? "|" : " ",
					nsw_types[i].flag_name);
	if (off >= len)
		return;
	if (ret < 0)
		snprintf(detail + off, len - off, " failed: %s",
			 nsw_errno_name((int)-ret, ebuf, sizeof(ebuf)));
	else if (ev->op == NSW_OP_SETNS)
		snprintf(detail + off, len - off, " joined%s", list);
	else if (ev->child_pid)
		snprintf(detail + off, len - off, " -> pid %u, created%s",
			 ev->child_pid, l->nrefs ? list : " nothing");
	else
		snprintf(detail + off, len - off, " created%s",
			 l->nrefs ? list : " nothing");
}

static void on_op(void *ctx, const struct nsw_event *ev,
		  const struct nsw_event_labels *l)
{
	struct nsw_run_trace *rt = ctx;
	char detail[DETAIL_LEN];
	cleanup_free char *json = NULL;

	op_detail(ev, l, detail, sizeof(detail));
	json = event_json(ev, l, rt->offset_ns);
	nsw_timeline_kernel(rt->tl, ev->ts_ns, nsw_op_name(ev->op), detail, json);
}

static void present_exec(struct nsw_run_trace *rt, const struct nsw_proc_event *ev)
{
	char detail[PROC_DETAIL_LEN];
	cleanup_free char *json = NULL;
	struct nsw_json w;

	snprintf(detail, sizeof(detail), "pid %u: %.128s", ev->pid, ev->filename);
	if (nsw_json_open_mem(&w) == 0) {
		nsw_json_object_begin(&w);
		nsw_json_kv_uint(&w, "pid", ev->pid);
		nsw_json_key(&w, "filename");
		nsw_json_string_n(&w, ev->filename, sizeof(ev->filename));
		nsw_json_key(&w, "comm");
		nsw_json_string_n(&w, ev->comm, sizeof(ev->comm));
		nsw_json_object_end(&w);
		json = nsw_json_take_mem(&w);
	}
	nsw_timeline_kernel(rt->tl, ev->ts_ns, "exec", detail, json);
}

static void present_exit(struct nsw_run_trace *rt, const struct nsw_proc_event *ev)
{
	char detail[PROC_DETAIL_LEN], status[STATUS_TEXT_LEN];
	cleanup_free char *json = NULL;
	int st = (int)ev->exit_code;
	struct nsw_json w;

	if (WIFSIGNALED(st))
		snprintf(status, sizeof(status), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(status, sizeof(status), "exit status %d", WEXITSTATUS(st));
	snprintf(detail, sizeof(detail), "pid %u (%.16s): %s", ev->pid, ev->comm, status);
	if (nsw_json_open_mem(&w) == 0) {
		nsw_json_object_begin(&w);
		nsw_json_kv_uint(&w, "pid", ev->pid);
		nsw_json_key(&w, "comm");
		nsw_json_string_n(&w, ev->comm, sizeof(ev->comm));
		nsw_json_kv_uint(&w, "wait_status", ev->exit_code);
		nsw_json_object_end(&w);
		json = nsw_json_take_mem(&w);
	}
	nsw_timeline_kernel(rt->tl, ev->ts_ns, "exit", detail, json);
}

static void on_proc(void *ctx, const struct nsw_proc_event *ev)
{
	struct nsw_run_trace *rt = ctx;

	if (ev->kind == NSW_KIND_EXEC)
		present_exec(rt, ev);
	else if (ev->kind == NSW_KIND_EXIT)
		present_exit(rt, ev);
}

static void held_note(struct nsw_run_trace *rt, const struct nsw_ns_entry *e)
{
	if (rt->n_held == rt->cap_held) {
		size_t cap = rt->cap_held ? rt->cap_held * 2 : HELD_FIRST_CAP;
		struct held_ns *h = realloc(rt->held, cap * sizeof(*h));

		/* Out of memory: the summary misses it; its ns_held item stays. */
		if (!h)
			return;
		rt->held = h;
		rt->cap_held = cap;
	}
	rt->held[rt->n_held++] = (struct held_ns){ e->type, e->inode, e->ns_id };
}

static void held_forget(struct nsw_run_trace *rt, const struct nsw_ns_entry *e)
{
	for (size_t i = 0; i < rt->n_held; i++) {
		const struct held_ns *h = &rt->held[i];

		if (h->type == e->type && h->inode == e->inode && h->ns_id == e->ns_id) {
			rt->held[i] = rt->held[--rt->n_held];
			return;
		}
	}
}

static void on_ns_empty(void *ctx, const struct nsw_ns_empty *ne)
{
	struct nsw_run_trace *rt = ctx;
	const struct nsw_ns_entry *e = ne->entry;
	char detail[PROC_DETAIL_LEN];
	cleanup_free char *json = NULL;
	struct nsw_json w;

	snprintf(detail, sizeof(detail), "%s:%u, last holder pid %u%s%s",
		 nsw_types[e->type].name, e->inode, ne->last_pid,
		 ne->container[0] ? ", container " : "", ne->container);
	if (nsw_json_open_mem(&w) == 0) {
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "type", nsw_types[e->type].name);
		nsw_json_kv_uint(&w, "inode", e->inode);
		nsw_json_kv_uint(&w, "ns_id", e->ns_id);
		nsw_json_kv_uint(&w, "last_pid", ne->last_pid);
		nsw_json_object_end(&w);
		json = nsw_json_take_mem(&w);
	}
	nsw_timeline_kernel(rt->tl, ne->ts_ns, "ns_empty", detail, json);
	held_forget(rt, e);
}

/*
 * The kernel still had the namespace a while after its last process left
 * (the table's grace: 100 ms during the run, NSW_RUN_END_GRACE_NS at the
 * end). Its ns_empty follows if the kernel frees it before the trace ends;
 * if not, the summary names it (nsw_timeline_not_freed()).
 */
static void on_ns_held(void *ctx, const struct nsw_ns_held *nh)
{
	struct nsw_run_trace *rt = ctx;
	const struct nsw_ns_entry *e = nh->entry;
	char detail[DETAIL_LEN], holder[NSW_HOLDER_TEXT_LEN];
	double alive_ms = (double)(int64_t)(nsw_timeline_now() - nh->ts_ns) / NSW_NSEC_PER_MSEC;
	cleanup_free char *json = NULL;
	struct nsw_json w;

	if (e->held_by.kind == NSW_HOLDER_UNKNOWN)
		snprintf(holder, sizeof(holder), "%s", "nothing found holding it");
	else
		nsw_holder_text(&e->held_by, holder, sizeof(holder));
	snprintf(detail, sizeof(detail),
		 "%s:%u alive %.1f ms after its last process (pid %u) left: %s%s%s",
		 nsw_types[e->type].name, e->inode, alive_ms, nh->last_pid, holder,
		 nh->container[0] ? ", container " : "", nh->container);
	if (nsw_json_open_mem(&w) == 0) {
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "type", nsw_types[e->type].name);
		nsw_json_kv_uint(&w, "inode", e->inode);
		nsw_json_kv_uint(&w, "ns_id", e->ns_id);
		nsw_json_kv_uint(&w, "last_pid", nh->last_pid);
		nsw_json_key(&w, "alive_ms");
		nsw_json_fixed(&w, alive_ms, ALIVE_MS_DECIMALS);
		nsw_json_key(&w, "held_by");
		nsw_json_ns_holder(&w, &e->held_by);
		nsw_json_object_end(&w);
		json = nsw_json_take_mem(&w);
	}
	nsw_timeline_kernel(rt->tl, nh->ts_ns, "ns_held", detail, json);
	held_note(rt, e);
}

static void on_loss(void *ctx, const __u64 lost[NSW_COUNTER_MAX])
{
	struct nsw_run_trace *rt = ctx;

	nsw_timeline_set_lost(rt->tl, lost[NSW_LOST_RINGBUF] + lost[NSW_LOST_PROC],
			      lost[NSW_LOST_PENDING], lost[NSW_LOST_UNREAD]);
}

int nsw_run_trace_start(struct nsw_run_trace **rtp, struct nsw_timeline *tl,
			pid_t pid, struct nsw_error *err)
{
	struct nsw_session_options o = {
		/* The defaults of `nswatch trace`: every operation, no filter. */
		.tracer = nsw_tracer_settings_default(),
		.follow_pid = pid,
		.seed = NSW_SEED_FOLLOWED,
	};
	struct nsw_presenter p = {
		.on_op = on_op,
		.on_proc = on_proc,
		.on_ns_empty = on_ns_empty,
		.on_loss = on_loss,
		.on_ns_held = on_ns_held,
	};
	struct nsw_run_trace *rt;

	*rtp = NULL;
	o.tracer.proc_events = true;
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return nsw_error(err, ENOMEM, "allocating the tracer");
	rt->tl = tl;
	rt->offset_ns = nsw_realtime_offset_ns();
	p.ctx = rt;
	if (nsw_session_open(&rt->session, &o, &p, err) < 0) {
		free(rt);
		return -1;
	}
	*rtp = rt;
	return 0;
}

int nsw_run_trace_fd(const struct nsw_run_trace *rt)
{
	return rt ? nsw_session_fd(rt->session) : -1;
}

int nsw_run_trace_consume(struct nsw_run_trace *rt)
{
	__u64 now = nsw_timeline_drained_mark(nsw_timeline_now()), pending;
	struct nsw_error err;
	int ret;

	if (!rt)
		return 0;
	ret = nsw_session_drain(rt->session, &err);
	pending = nsw_session_pending_since(rt->session);
	if (pending && pending <= now)
		now = pending - 1;
	nsw_timeline_kernel_sync(rt->tl, now);
	nsw_session_check_loss(rt->session);
	return ret < 0 ? -err.errnum : ret;
}

void nsw_run_trace_stop(struct nsw_run_trace *rt)
{
	struct nsw_error err;

	if (!rt)
		return;
	/* The last records, and the loss to the timeline (on_loss). */
	nsw_run_trace_consume(rt);
	/*
	 * The namespaces the kernel frees late are not waited for: a reaped
	 * pid namespace goes after an RCU grace period (10-30 ms here), but
	 * a user namespace only after the teardown of the net namespace it
	 * owns, in the kernel's work queue shared by every net namespace of
	 * the host (40-100 ms idle, seconds behind other teardowns). What is
	 * alive NSW_RUN_END_GRACE_NS after its last process left gets its
	 * ns_held item now, and the summary says it was not freed.
	 */
	if (nsw_session_settle(rt->session, NSW_RUN_END_GRACE_NS, &err) >= 0)
		nsw_timeline_kernel_sync(rt->tl, nsw_timeline_drained_mark(nsw_timeline_now()));
	for (size_t i = 0; i < rt->n_held; i++)
		nsw_timeline_not_freed(rt->tl, nsw_types[rt->held[i].type].name,
				       rt->held[i].inode);
	nsw_session_release(rt->session);
	free(rt->held);
	free(rt);
}
