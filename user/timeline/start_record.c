// SPDX-License-Identifier: GPL-2.0
/*
 * A start recorded into a file (start_record.h): the timeline of run
 * --trace, kept in memory (JSON lines or text in a memory stream, or the
 * Trace Event Format's items) until the end, when it goes to the file in
 * one piece. In memory, because the recorder is a fork of create: a stdio
 * buffer on the file would be written by both.
 *
 * The end is the kernel's exec of the init: the timeline's sink sees each
 * kernel item as it comes in, before ordering.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <json-c/json.h>
#include "lib/clock.h"
#include "lib/util.h"
#include "timeline/perfetto.h"
#include "timeline/run_trace.h"
#include "timeline/runtime_items.h"
#include "timeline/start_record.h"

#define REASON_LEN 160
/*
 * The ring buffer wakes its reader only past a backlog (tracer.c): a
 * record as lone as the init's exec waits for the next look, as in trace.
 */
#define FOLLOW_POLL_MS 50
/* Told the command is being executed: look this often, this long. */
#define FOLLOW_NUDGED_MS 1
#define FOLLOW_NUDGE_NS	 (100 * NSW_NSEC_PER_MSEC)

struct start_record {
	enum nsw_trace_format format;
	FILE *mem; /* text, json: the timeline's output */
	char *buf;
	size_t len;
	struct nsw_trace_events *te; /* perfetto */
	struct nsw_run_timeline t;
	pid_t pid;     /* the init, once the create is done */
	__u64 exec_ts; /* its exec, the kernel's; 0: not yet */
};

static void record_free(struct start_record *r)
{
	nsw_run_trace_stop(r->t.rt);
	nsw_timeline_free(r->t.tl);
	nsw_trace_events_free(r->te);
	if (r->mem)
		fclose(r->mem);
	free(r->buf);
	free(r);
}

/* The exec of the init ends the recording. */
static void on_item(void *ctx, enum nsw_tl_source src, __u64 ts, const char *what,
		    const char *detail, const char *json_fields)
{
	struct start_record *r = ctx;
	struct json_object *top, *v;

	if (r->te)
		nsw_trace_events_item(r->te, src, ts, what, detail, json_fields);
	if (src != NSW_TL_KERNEL || strcmp(what, "exec") || !r->pid || r->exec_ts || !json_fields)
		return;
	top = json_tokener_parse(json_fields);
	if (top && json_object_object_get_ex(top, "pid", &v) && json_object_get_int64(v) == r->pid)
		r->exec_ts = ts;
	json_object_put(top);
}

static void on_step(void *ctx, const char *name, __u64 begin, __u64 end)
{
	struct start_record *r = ctx;

	if (r->te)
		nsw_trace_events_step(r->te, name, begin, end);
}

int nsw_start_record_begin(void **ctx, const char *format, struct nsw_observer *obs,
			   struct nsw_error *err)
{
	struct nsw_timeline_sink sink = {.item = on_item, .step = on_step};
	struct start_record *r;

	*ctx = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return nsw_error(err, ENOMEM, "the trace");
	r->format = NSW_TRACE_JSON;
	if (format && nsw_trace_format_parse(format, &r->format) < 0) {
		free(r);
		return nsw_error(err, 0, "unknown format '%s': json, text or perfetto", format);
	}
	if (geteuid() != 0) {
		free(r);
		return nsw_error(err, 0, "the trace needs root: the tracer loads BPF programs");
	}
	if (r->format == NSW_TRACE_PERFETTO)
		r->te = nsw_trace_events_new();
	else
		r->mem = open_memstream(&r->buf, &r->len);
	if (r->format == NSW_TRACE_PERFETTO ? !r->te : !r->mem) {
		record_free(r);
		return nsw_error(err, ENOMEM, "the trace");
	}
	r->t.tl = nsw_timeline_new(r->format == NSW_TRACE_TEXT ? r->mem : NULL,
				   r->format == NSW_TRACE_JSON ? r->mem : NULL);
	if (!r->t.tl) {
		record_free(r);
		return nsw_error(err, ENOMEM, "the trace");
	}
	sink.ctx = r;
	nsw_timeline_set_sink(r->t.tl, &sink);
	/* create clones the init: following it, the tracer sees all it makes. */
	if (nsw_run_trace_start(&r->t.rt, r->t.tl, getpid(), err) < 0) {
		nsw_error_wrap(err, "the tracer");
		record_free(r);
		return -1;
	}
	nsw_timeline_set_start(r->t.tl, nsw_timeline_now());
	nsw_run_timeline_observer(&r->t, obs);
	*ctx = r;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* The tracer stopped (its last records, the settle), the summary, the file. */
static int write_out(struct start_record *r, int fd, struct nsw_error *err)
{
	FILE *f;
	int dupfd, ret = 0;

	nsw_run_trace_stop(r->t.rt);
	r->t.rt = NULL;
	nsw_timeline_finish(r->t.tl);
	if (r->mem) {
		if (fflush(r->mem) != 0 || write_all(fd, r->buf, r->len) < 0)
			ret = nsw_error(err, errno, "writing the trace");
		return ret;
	}
	dupfd = dup(fd);
	f = dupfd >= 0 ? fdopen(dupfd, "we") : NULL;
	if (!f) {
		if (dupfd >= 0)
			close(dupfd);
		return nsw_error(err, errno, "writing the trace");
	}
	if (nsw_trace_events_write(r->te, r->t.tl, f) < 0)
		ret = nsw_error(err, errno, "writing the trace");
	if (fclose(f) != 0 && !ret)
		ret = nsw_error(err, errno, "writing the trace");
	return ret;
}

/* Wait for the exec, the init's end, a stop or the time: the reason if not the exec. */
static void follow(struct start_record *r, int pidfd, int stop_fd, int timeout_ms, char *reason,
		   size_t len)
{
	__u64 deadline = nsw_timeline_now() + (__u64)timeout_ms * NSW_NSEC_PER_MSEC,
	      nudged_until = 0;
	struct pollfd p[3] = {
	    {nsw_run_trace_fd(r->t.rt), POLLIN, 0},
	    {pidfd, POLLIN, 0},
	    {stop_fd, POLLIN, 0},
	};

	reason[0] = '\0';
	nsw_run_trace_consume(r->t.rt);
	while (!r->exec_ts) {
		__u64 now = nsw_timeline_now();
		int ms = now >= deadline ? 0 : (int)((deadline - now) / NSW_NSEC_PER_MSEC) + 1;

		if (ms > FOLLOW_POLL_MS)
			ms = FOLLOW_POLL_MS;
		if (now < nudged_until)
			ms = FOLLOW_NUDGED_MS;

		if (now >= deadline) {
			snprintf(reason, len, "the container was not started within %d s",
				 timeout_ms / 1000);
			return;
		}
		if (poll(p, ARRAY_SIZE(p), ms) < 0 && errno != EINTR) {
			snprintf(reason, len, "poll: %s", strerror(errno));
			return;
		}
		/* Its exec comes before its end: both may be waiting. */
		nsw_run_trace_consume(r->t.rt);
		if (r->exec_ts)
			return;
		if (p[1].revents) {
			snprintf(reason, len,
				 "the init (pid %d) ended before it executed the command", r->pid);
			return;
		}
		if (p[2].revents) {
			struct signalfd_siginfo si;

			if (read(stop_fd, &si, sizeof(si)) == sizeof(si) &&
			    si.ssi_signo == SIGUSR1) {
				/* Its record may follow the signal by a little: look often. */
				nudged_until = nsw_timeline_now() + FOLLOW_NUDGE_NS;
				continue;
			}
			snprintf(
			    reason, len,
			    "the recorder was stopped (delete) before the command was executed");
			return;
		}
	}
}

int nsw_start_record_finish(void *ctx, pid_t pid, int pidfd, int stop_fd, int timeout_ms,
			    int out_fd, struct nsw_error *err)
{
	struct start_record *r = ctx;
	char reason[REASON_LEN];
	__u64 created = nsw_timeline_now();
	int ret;

	r->pid = pid;
	/* The monitor's part is over: no runtime item can come late now. */
	nsw_timeline_await_runtime(r->t.tl, false);
	nsw_timeline_add(r->t.tl, NSW_TL_RUNTIME, created, "created",
			 "the container is created; its init waits for start", NULL);
	follow(r, pidfd, stop_fd, timeout_ms, reason, sizeof(reason));
	if (r->exec_ts) {
		char detail[REASON_LEN];

		snprintf(detail, sizeof(detail),
			 "the init (pid %d) executed the command (the kernel's exec)", pid);
		nsw_timeline_add(r->t.tl, NSW_TL_RUNTIME, r->exec_ts, "running", detail, NULL);
		nsw_timeline_step(r->t.tl, "await_start", created, r->exec_ts);
		nsw_timeline_step(r->t.tl, "total_to_exec", nsw_timeline_start_ns(r->t.tl),
				  r->exec_ts);
	} else {
		nsw_timeline_add(r->t.tl, NSW_TL_RUNTIME, nsw_timeline_now(), "end", reason, NULL);
	}
	ret = write_out(r, out_fd, err);
	record_free(r);
	return ret;
}

int nsw_start_record_fail(void *ctx, const struct nsw_error *why, int out_fd, struct nsw_error *err)
{
	struct start_record *r = ctx;
	int ret;

	nsw_run_timeline_error(&r->t, why);
	ret = write_out(r, out_fd, err);
	record_free(r);
	return ret;
}
