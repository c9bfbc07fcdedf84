// SPDX-License-Identifier: GPL-2.0
/*
 * nswatch run: the command line into a description, then the runtime;
 * with --trace or --trace-json, the timeline and the tracer around it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include "cli/commands.h"
#include "cli/run_opts.h"
#include "runtime/runtime.h"
#include "timeline/perfetto.h"
#include "timeline/runtime_items.h"
#include "lib/util.h"

/* A trace that was asked for and not written: the runtime's failure status. */
#define NSW_EXIT_TRACE_LOST 125

struct run_trace_out {
	FILE *json;			/* --trace-json FILE */
	FILE *out;			/* --trace-out FILE */
	enum nsw_trace_format format;	/* --trace-format */
	struct nsw_trace_events *te;	/* perfetto: what the file gets at the end */
	struct nsw_run_timeline t;
	struct nsw_observer obs;
};

/* --trace-out FILE in --trace-format (run_opts.c checked both). */
static int trace_out_open(const struct nsw_container *c, struct run_trace_out *o,
			  struct nsw_error *err)
{
	o->format = NSW_TRACE_JSON;
	if (c->trace_format)
		nsw_trace_format_parse(c->trace_format, &o->format);
	if (!c->trace_out)
		return 0;
	o->out = fopen(c->trace_out, "we");
	if (!o->out)
		return nsw_error(err, errno, "--trace-out: cannot create %s", c->trace_out);
	if (o->format == NSW_TRACE_PERFETTO && !(o->te = nsw_trace_events_new()))
		return nsw_error(err, ENOMEM, "the trace timeline");
	return 0;
}

/* Write (perfetto) and close --trace-out FILE: 0, or -1 with werr. */
static int trace_out_close(const struct nsw_container *c, struct run_trace_out *o,
			   struct nsw_error *werr)
{
	bool failed = false;
	int e = 0;

	if (!o->out)
		return 0;
	if (o->te && nsw_trace_events_write(o->te, o->t.tl, o->out) < 0) {
		failed = true;
		e = errno;
	}
	nsw_trace_events_free(o->te);
	o->te = NULL;
	if (!failed && ferror(o->out)) {
		failed = true;
		e = errno;
	}
	if (fclose(o->out) != 0) {
		failed = true;
		e = errno;
	}
	o->out = NULL;
	return failed ? nsw_error(werr, e, "--trace-out: cannot write %s", c->trace_out) : 0;
}

/* The timeline, and the tracer on us before anything is made. */
static int trace_begin(const struct nsw_container *c, struct run_trace_out *o,
		       struct nsw_error *err)
{
	if (geteuid() != 0)
		return nsw_error(err, 0, "--trace and --trace-json need root: the tracer loads BPF programs");
	if (c->trace_json) {
		o->json = fopen(c->trace_json, "we");
		if (!o->json)
			return nsw_error(err, errno, "--trace-json: cannot create %s",
					 c->trace_json);
	}
	if (trace_out_open(c, o, err) < 0)
		return -1;
	o->t.tl = nsw_timeline_new(c->trace ? stderr : o->format == NSW_TRACE_TEXT ? o->out : NULL,
				   o->format == NSW_TRACE_JSON && o->out ? o->out : o->json);
	if (!o->t.tl)
		return nsw_error(err, ENOMEM, "the trace timeline");
	if (o->te) {
		struct nsw_timeline_sink sink;

		nsw_trace_events_sink(o->te, &sink);
		nsw_timeline_set_sink(o->t.tl, &sink);
	}
	if (nsw_run_trace_start(&o->t.rt, o->t.tl, getpid(), err) < 0)
		return -1;
	/* Time zero: the tracer is on and nothing is made yet. */
	nsw_timeline_set_start(o->t.tl, nsw_timeline_now());
	nsw_run_timeline_observer(&o->t, &o->obs);
	return 0;
}

/*
 * The rest of the timeline and the summary; err: a failure of our own.
 * -1 with werr filled if the --trace-json or --trace-out file could not
 * be written.
 */
static int trace_finish(const struct nsw_container *c, struct run_trace_out *o,
			const struct nsw_error *err, struct nsw_error *werr)
{
	bool out_failed;

	nsw_run_trace_stop(o->t.rt);
	o->t.rt = NULL;
	if (o->t.tl) {
		if (err)
			nsw_run_timeline_error(&o->t, err);
		nsw_timeline_finish(o->t.tl);
	}
	out_failed = trace_out_close(c, o, werr) < 0;
	nsw_timeline_free(o->t.tl);
	o->t.tl = NULL;
	if (o->json) {
		bool failed = ferror(o->json);
		int e = failed ? errno : 0;

		if (fclose(o->json) != 0) {
			failed = true;
			e = errno;
		}
		o->json = NULL;
		if (failed)
			return nsw_error(werr, e, "--trace-json: cannot write %s",
					 c->trace_json);
	}
	return out_failed ? -1 : 0;
}

static int run(struct nsw_container *c, struct nsw_error *err)
{
	struct run_trace_out o = { 0 };
	struct nsw_error werr = { 0 };
	int r;

	fflush(stdout);
	if (!nsw_container_traced(c))
		return nsw_run(c, NULL, err);
	if (trace_begin(c, &o, err) < 0) {
		/* The timeline, if there is one, says why it ends there. */
		if (trace_finish(c, &o, err, &werr) < 0)
			nsw_error_warn(&werr);
		return -1;
	}
	r = nsw_run(c, &o.obs, err);
	if (trace_finish(c, &o, NULL, &werr) < 0) {
		/* The run's own error comes first; else the trace is the failure. */
		if (r < 0) {
			nsw_error_warn(&werr);
			return -1;
		}
		nsw_error(err, werr.errnum, "%s (the command exited with status %d)", werr.msg, r);
		nsw_error_set_status(err, NSW_EXIT_TRACE_LOST);
		return -1;
	}
	return r;
}

int cmd_run(int argc, char **argv, struct nsw_error *err)
{
	struct nsw_container c;
	int r;

	if (nsw_container_init(&c, err) < 0)
		return -1;
	if (run_parse_args(argc, argv, &c, 0)) {
		nsw_container_free(&c);
		return 2;
	}
	r = nsw_container_validate(&c, err);
	if (r == 0)
		r = run(&c, err);
	nsw_container_free(&c);
	return r;
}
