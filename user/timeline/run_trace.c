// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer inside `nswatch run --trace`. It follows the monitor, which has
 * made nothing yet, so every namespace of the container is seen being made;
 * whoever joins the container later (exec, nsenter) is followed from its
 * setns on. Records become timeline items; the namespace table turns exits
 * into ns_empty.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "table/event_labels.h"
#include "lib/nsnames.h"
#include "table/nstable.h"
#include "session/output.h"
#include "timeline/run_trace.h"
#include "trace/tracer.h"
#include "lib/util.h"

struct nsw_run_trace {
	struct trace_opts opts;
	struct nsw_tracer *bpf;
	struct nsw_table *table;
	struct nsw_timeline *tl;
	int64_t offset_ns;
};

/* The event's JSON line (the schema of docs/events.md) as "event":{...}. */
static char *event_json_field(const struct nsw_event *ev,
			      const struct nsw_event_labels *l, int64_t offset_ns)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fputs("\"event\":", f);
	nsw_print_json(f, ev, offset_ns, l);
	fclose(f);
	if (size && buf[size - 1] == '\n')
		buf[size - 1] = '\0';
	return buf;
}

static void ns_list(const struct nsw_event_labels *l, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->nrefs && off < len; i++)
		off += snprintf(buf + off, len - off, " %s:%u", l->refs[i].type,
				l->refs[i].inode);
}

static void on_nsop(void *ctx, const struct nsw_event *ev)
{
	struct nsw_run_trace *rt = ctx;
	struct nsw_event_labels l;
	char detail[512], list[256], ebuf[16];
	cleanup_free char *json = NULL;
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);
	int64_t ret = (int64_t)ev->ret;
	size_t off;

	nsw_table_apply_nsop(rt->table, ev);
	nsw_event_labels_fill(rt->table, ev, &l);
	ns_list(&l, list, sizeof(list));
	off = snprintf(detail, sizeof(detail), "pid %u (%.16s)", ev->pid, ev->comm);
	for (size_t i = 0; i < NSW_TYPE_COUNT && off < sizeof(detail); i++)
		if (flags & nsw_types[i].flag)
			off += snprintf(detail + off, sizeof(detail) - off, "%s%s",
					off && detail[off - 1] != ')' ? "|" : " ",
					nsw_types[i].flag_name);
	if (off < sizeof(detail)) {
		if (ret < 0)
			snprintf(detail + off, sizeof(detail) - off, " failed: %s",
				 nsw_errno_name((int)-ret, ebuf, sizeof(ebuf)));
		else if (ev->op == NSW_OP_SETNS)
			snprintf(detail + off, sizeof(detail) - off, " joined%s", list);
		else if (ev->child_pid)
			snprintf(detail + off, sizeof(detail) - off, " -> pid %u, created%s",
				 ev->child_pid, l.nrefs ? list : " nothing");
		else
			snprintf(detail + off, sizeof(detail) - off, " created%s",
				 l.nrefs ? list : " nothing");
	}
	json = event_json_field(ev, &l, rt->offset_ns);
	nsw_timeline_kernel(rt->tl, ev->ts_ns, nsw_op_name(ev->op), detail, json);
}

static void on_proc(void *ctx, const struct nsw_proc_event *ev)
{
	struct nsw_run_trace *rt = ctx;
	char detail[256], json[512] = "", num[32];

	/* The exit first, then the ns_empty lines the table raises for it. */
	if (ev->kind != NSW_KIND_EXIT)
		nsw_table_apply_proc(rt->table, ev);
	if (ev->kind == NSW_KIND_EXEC) {
		snprintf(detail, sizeof(detail), "pid %u: %.128s", ev->pid, ev->filename);
		snprintf(json, sizeof(json), "\"pid\":%u", ev->pid);
		nsw_json_field_str(json, sizeof(json), "filename", ev->filename);
		nsw_json_field_str(json, sizeof(json), "comm", ev->comm);
		nsw_timeline_kernel(rt->tl, ev->ts_ns, "exec", detail, json);
	} else if (ev->kind == NSW_KIND_EXIT) {
		int st = (int)ev->exit_code;

		if (WIFSIGNALED(st))
			snprintf(num, sizeof(num), "killed by signal %d", WTERMSIG(st));
		else
			snprintf(num, sizeof(num), "exit status %d", WEXITSTATUS(st));
		snprintf(detail, sizeof(detail), "pid %u (%.16s): %s", ev->pid, ev->comm, num);
		snprintf(json, sizeof(json), "\"pid\":%u,\"wait_status\":%u", ev->pid,
			 ev->exit_code);
		nsw_timeline_kernel(rt->tl, ev->ts_ns, "exit", detail, json);
		nsw_table_apply_proc(rt->table, ev);
	}
}

static void on_change(void *ctx, enum nsw_ns_change change,
		      const struct nsw_ns_entry *e, __u32 pid, __u64 ts_ns)
{
	struct nsw_run_trace *rt = ctx;
	char detail[256], ctr[96], json[256];

	if (change == NSW_NS_CREATED) {
		/* A later nsenter into it is part of the container's story. */
		nsw_tracer_watch_ns(rt->bpf, e->inode);
		return;
	}
	if (change != NSW_NS_EMPTIED)
		return;
	nsw_tracer_unwatch_ns(rt->bpf, e->inode);
	nsw_entry_container(rt->table, e, ctr, sizeof(ctr));
	snprintf(detail, sizeof(detail), "%s:%u, last holder pid %u%s%s",
		 nsw_types[e->type].name, e->inode, pid, ctr[0] ? ", container " : "", ctr);
	snprintf(json, sizeof(json), "\"type\":\"%s\",\"inode\":%u,\"ns_id\":%llu,\"last_pid\":%u",
		 nsw_types[e->type].name, e->inode, (unsigned long long)e->ns_id, pid);
	nsw_timeline_kernel(rt->tl, ts_ns, "ns_empty", detail, json);
}

/* The monitor itself: the table learns the rest from the records. */
static void seed_self(struct nsw_table *table, pid_t pid)
{
	struct nsw_proc_ns p;

	if (!nsw_read_proc_ns(pid, &p))
		nsw_table_seed_proc(table, &p);
}

int nsw_run_trace_start(struct nsw_run_trace **rtp, struct nsw_timeline *tl,
			pid_t pid, struct nsw_error *err)
{
	struct nsw_run_trace *rt;
	struct nsw_tracer_config cfg = { .follow = true, .proc_events = true };
	struct nsw_sink sink = { .nsop = on_nsop, .proc = on_proc };
	char *no_args[] = { "run", NULL };

	*rtp = NULL;
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return nsw_error(err, ENOMEM, "allocating the tracer");
	/* The defaults of `nswatch trace`: every operation, no filter. */
	if (trace_parse_args(1, no_args, &rt->opts, ARGP_NO_ERRS)) {
		free(rt);
		return nsw_error(err, EINVAL, "setting up the tracer's options");
	}
	rt->tl = tl;
	rt->offset_ns = nsw_realtime_offset_ns();
	rt->table = nsw_table_new(on_change, rt);
	if (!rt->table) {
		free(rt);
		return nsw_error(err, ENOMEM, "allocating the namespace table");
	}
	nsw_table_use_kernel(rt->table);
	seed_self(rt->table, pid);
	cfg.opts = &rt->opts;
	sink.ctx = rt;
	if (nsw_tracer_open(&rt->bpf, &cfg, &sink, err) < 0 ||
	    nsw_tracer_follow(rt->bpf, pid, err) < 0) {
		nsw_run_trace_stop(rt);
		return -1;
	}
	*rtp = rt;
	return 0;
}

int nsw_run_trace_fd(const struct nsw_run_trace *rt)
{
	return rt ? nsw_tracer_fd(rt->bpf) : -1;
}

int nsw_run_trace_consume(struct nsw_run_trace *rt)
{
	__u64 now = nsw_timeline_now();
	int ret;

	if (!rt)
		return 0;
	ret = nsw_tracer_drain(rt->bpf);
	nsw_timeline_kernel_sync(rt->tl, now);
	nsw_tracer_warn_loss(rt->bpf);
	return ret;
}

void nsw_run_trace_stop(struct nsw_run_trace *rt)
{
	__u64 lost[NSW_COUNTER_MAX];

	if (!rt)
		return;
	if (rt->bpf) {
		nsw_run_trace_consume(rt);
		nsw_tracer_lost(rt->bpf, lost);
		nsw_timeline_set_lost(rt->tl, lost[NSW_LOST_RINGBUF] + lost[NSW_LOST_PROC],
				      lost[NSW_LOST_PENDING]);
		nsw_tracer_close(rt->bpf);
	}
	nsw_table_free(rt->table);
	free(rt);
}
