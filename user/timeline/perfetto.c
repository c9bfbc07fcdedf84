// SPDX-License-Identifier: GPL-2.0
/*
 * The Trace Event Format of a start's timeline (perfetto.h): items and
 * step spans kept as the timeline gets them, written at the end, sorted by
 * ts, as one JSON object through lib/json.h's writer.
 *
 * The kernel's items say whose they are only in their JSON members (the
 * record's own, run_trace.c), which json-c reads back once per item: the
 * pid, the thread, the command, an operation's duration.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/util.h"
#include "timeline/perfetto.h"

/* A span that does not nest in those around it goes to a thread of its own. */
#define TE_OVERLAP_TID ((1U << 22) + 3)
/* A process's name: the commands it ran, in order ("nswatch-runc, sh"). */
#define TE_NAME_LEN 128
#define TE_COMM_LEN 16
/* How deep the runtime's spans may nest on one track. */
#define TE_SPAN_DEPTH 32

struct te_item {
	__u64 ts;
	__u64 seq;
	enum nsw_tl_source src;
	char *what, *detail, *fields;
	unsigned int pid, tid;	/* the track */
	char comm[TE_COMM_LEN]; /* the command its record names, if any */
	__u64 dur_ns;		/* an operation's: a slice; 0: an instant */
};

struct te_span {
	char *name;
	__u64 begin, end;
	__u64 seq;
	unsigned int tid;
};

/* A process (tid == pid) or another of its threads. */
struct te_proc {
	unsigned int pid, tid;
	char name[TE_NAME_LEN];
	char last_comm[TE_COMM_LEN];
};

struct nsw_trace_events {
	struct te_item *items;
	size_t n_items, cap_items;
	struct te_span *spans;
	size_t n_spans, cap_spans;
	struct te_proc *procs;
	size_t n_procs, cap_procs;
	__u64 seq;
	bool overlap; /* some span went to TE_OVERLAP_TID */
};

static const char *const format_names[] = {
    [NSW_TRACE_TEXT] = "text",
    [NSW_TRACE_JSON] = "json",
    [NSW_TRACE_PERFETTO] = "perfetto",
};

int nsw_trace_format_parse(const char *name, enum nsw_trace_format *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++)
		if (!strcmp(name, format_names[i])) {
			*f = i;
			return 0;
		}
	return -1;
}

struct nsw_trace_events *nsw_trace_events_new(void)
{
	return calloc(1, sizeof(struct nsw_trace_events));
}

void nsw_trace_events_free(struct nsw_trace_events *te)
{
	if (!te)
		return;
	for (size_t i = 0; i < te->n_items; i++) {
		free(te->items[i].what);
		free(te->items[i].detail);
		free(te->items[i].fields);
	}
	for (size_t i = 0; i < te->n_spans; i++)
		free(te->spans[i].name);
	free(te->items);
	free(te->spans);
	free(te->procs);
	free(te);
}

/* Room for one more of *n in *v (of size elem): false if out of memory. */
static bool grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

static struct te_proc *find_proc(struct nsw_trace_events *te, unsigned int pid, unsigned int tid)
{
	struct te_proc *p;

	for (size_t i = 0; i < te->n_procs; i++)
		if (te->procs[i].pid == pid && te->procs[i].tid == tid)
			return &te->procs[i];
	if (!grow((void **)&te->procs, &te->cap_procs, te->n_procs, sizeof(*te->procs)))
		return NULL;
	p = &te->procs[te->n_procs++];
	*p = (struct te_proc){.pid = pid, .tid = tid};
	return p;
}

/* A command the process ran, added to its name unless it is the last one. */
static void name_proc(struct nsw_trace_events *te, unsigned int pid, const char *comm)
{
	struct te_proc *p = find_proc(te, pid, pid);
	size_t len;

	if (!p || !comm || !comm[0] || !strncmp(p->last_comm, comm, sizeof(p->last_comm) - 1))
		return;
	snprintf(p->last_comm, sizeof(p->last_comm), "%s", comm);
	len = strlen(p->name);
	snprintf(p->name + len, sizeof(p->name) - len, "%s%s", len ? ", " : "", comm);
}

static unsigned int get_uint(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? (unsigned int)json_object_get_int64(v) : 0;
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		   ? json_object_get_string(v)
		   : NULL;
}

/* An operation's duration_us (us with ns as decimals), in ns; 0 if none. */
static __u64 duration_ns(struct json_object *ev)
{
	struct json_object *v;
	double us;

	if (!json_object_object_get_ex(ev, "duration_us", &v))
		return 0;
	us = json_object_get_double(v);
	return us > 0 ? (__u64)(us * NSW_NSEC_PER_USEC + 0.5) : 0;
}

/*
 * Whose track a kernel item goes on: an operation's caller (its thread),
 * the process of an exec or exit; ns_empty and the rest: the namespaces'.
 */
static void place_kernel(struct te_item *it)
{
	struct json_object *top = it->fields ? json_tokener_parse(it->fields) : NULL, *ev;

	it->pid = it->tid = NSW_TE_NAMESPACES_PID;
	if (!top)
		return;
	if (json_object_object_get_ex(top, "event", &ev) && get_uint(ev, "pid")) {
		it->pid = get_uint(ev, "pid");
		it->tid = get_uint(ev, "tid") ? get_uint(ev, "tid") : it->pid;
		it->dur_ns = duration_ns(ev);
		snprintf(it->comm, sizeof(it->comm), "%s", get_string(ev, "comm") ?: "");
	} else if (strcmp(it->what, "ns_empty") && get_uint(top, "pid")) {
		it->pid = it->tid = get_uint(top, "pid");
		snprintf(it->comm, sizeof(it->comm), "%s", get_string(top, "comm") ?: "");
	}
	json_object_put(top);
}

void nsw_trace_events_item(void *ctx, enum nsw_tl_source src, __u64 ts, const char *what,
			   const char *detail, const char *json_fields)
{
	struct nsw_trace_events *te = ctx;
	struct te_item *it;

	if (!grow((void **)&te->items, &te->cap_items, te->n_items, sizeof(*te->items)))
		return;
	it = &te->items[te->n_items];
	*it = (struct te_item){
	    .ts = ts,
	    .seq = te->seq++,
	    .src = src,
	    .what = strdup(what),
	    .detail = strdup(detail),
	    .fields = json_fields ? strdup(json_fields) : NULL,
	    .pid = NSW_TE_RUNTIME_PID,
	    .tid = NSW_TE_RUNTIME_PID,
	};
	if (!it->what || !it->detail || (json_fields && !it->fields)) {
		free(it->what);
		free(it->detail);
		free(it->fields);
		return;
	}
	if (src == NSW_TL_KERNEL)
		place_kernel(it);
	te->n_items++;
}

void nsw_trace_events_step(void *ctx, const char *name, __u64 begin, __u64 end)
{
	struct nsw_trace_events *te = ctx;
	struct te_span *s;

	if (!grow((void **)&te->spans, &te->cap_spans, te->n_spans, sizeof(*te->spans)))
		return;
	s = &te->spans[te->n_spans];
	*s = (struct te_span){.name = strdup(name),
			      .begin = begin,
			      .end = end,
			      .seq = te->seq++,
			      .tid = NSW_TE_RUNTIME_PID};
	if (s->name)
		te->n_spans++;
}

void nsw_trace_events_sink(struct nsw_trace_events *te, struct nsw_timeline_sink *sink)
{
	*sink = (struct nsw_timeline_sink){
	    .ctx = te,
	    .item = nsw_trace_events_item,
	    .step = nsw_trace_events_step,
	};
}

/* ---- the file ---- */

static int item_cmp(const void *a, const void *b)
{
	const struct te_item *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Outer spans first: by begin, then the longer one. */
static int span_cmp(const void *a, const void *b)
{
	const struct te_span *x = a, *y = b;

	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Slices on one track must nest: a span that begins inside another and
 * ends after it goes to a second track (the steps do not overlap, but
 * nothing here relies on it).
 */
static void nest_spans(struct nsw_trace_events *te)
{
	__u64 stack[TE_SPAN_DEPTH];
	int depth = 0;

	qsort(te->spans, te->n_spans, sizeof(*te->spans), span_cmp);
	for (size_t i = 0; i < te->n_spans; i++) {
		struct te_span *s = &te->spans[i];

		while (depth && stack[depth - 1] <= s->begin)
			depth--;
		if ((depth && s->end > stack[depth - 1]) || depth == TE_SPAN_DEPTH) {
			s->tid = TE_OVERLAP_TID;
			te->overlap = true;
			continue;
		}
		stack[depth++] = s->end;
	}
}

/* {"name":..,"cat":..,"ph":..,"ts":..,"pid":..,"tid":.. (the caller ends it) */
static void event_begin(struct nsw_json *w, const char *name, const char *cat, const char *ph,
			__u64 ts, unsigned int pid, unsigned int tid)
{
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "name", name);
	nsw_json_kv_string(w, "cat", cat);
	nsw_json_kv_string(w, "ph", ph);
	nsw_json_key(w, "ts");
	nsw_json_decimal(w, ts, 3);
	nsw_json_kv_uint(w, "pid", pid);
	nsw_json_kv_uint(w, "tid", tid);
}

/* A metadata event: process_name, thread_name, process_sort_index... */
static void metadata(struct nsw_json *w, const char *what, unsigned int pid, unsigned int tid,
		     const char *key, const char *name, unsigned long long number)
{
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "name", what);
	nsw_json_kv_string(w, "ph", "M");
	nsw_json_kv_uint(w, "pid", pid);
	nsw_json_kv_uint(w, "tid", tid);
	nsw_json_key(w, "args");
	nsw_json_object_begin(w);
	if (name)
		nsw_json_kv_string(w, key, name);
	else
		nsw_json_kv_uint(w, key, number);
	nsw_json_object_end(w);
	nsw_json_object_end(w);
}

static void track_names(struct nsw_json *w, const struct nsw_trace_events *te)
{
	char name[TE_NAME_LEN + 32];

	metadata(w, "process_name", NSW_TE_RUNTIME_PID, NSW_TE_RUNTIME_PID, "name",
		 "nswatch runtime", 0);
	metadata(w, "process_sort_index", NSW_TE_RUNTIME_PID, NSW_TE_RUNTIME_PID, "sort_index",
		 NULL, 0);
	metadata(w, "thread_name", NSW_TE_RUNTIME_PID, NSW_TE_RUNTIME_PID, "name", "steps", 0);
	if (te->overlap)
		metadata(w, "thread_name", NSW_TE_RUNTIME_PID, TE_OVERLAP_TID, "name",
			 "steps (overlapping)", 0);
	metadata(w, "process_name", NSW_TE_NAMESPACES_PID, NSW_TE_NAMESPACES_PID, "name",
		 "kernel: namespaces freed", 0);
	metadata(w, "process_sort_index", NSW_TE_NAMESPACES_PID, NSW_TE_NAMESPACES_PID,
		 "sort_index", NULL, 1);
	for (size_t i = 0; i < te->n_procs; i++) {
		const struct te_proc *p = &te->procs[i];

		if (p->tid != p->pid) {
			snprintf(name, sizeof(name), "thread %u", p->tid);
			metadata(w, "thread_name", p->pid, p->tid, "name", name, 0);
			continue;
		}
		snprintf(name, sizeof(name), "%s", p->name[0] ? p->name : "?");
		metadata(w, "process_name", p->pid, p->pid, "name", name, 0);
		metadata(w, "thread_name", p->pid, p->pid, "name", name, 0);
	}
}

static void write_span(struct nsw_json *w, const struct te_span *s)
{
	event_begin(w, s->name, "runtime", "X", s->begin, NSW_TE_RUNTIME_PID, s->tid);
	nsw_json_key(w, "dur");
	nsw_json_decimal(w, s->end - s->begin, 3);
	nsw_json_key(w, "args");
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "step", s->name);
	nsw_json_object_end(w);
	nsw_json_object_end(w);
}

static void write_item(struct nsw_json *w, const struct te_item *it)
{
	bool kernel = it->src == NSW_TL_KERNEL;

	event_begin(w, it->what, kernel ? "kernel" : "runtime", it->dur_ns ? "X" : "i", it->ts,
		    it->pid, it->tid);
	if (it->dur_ns) {
		nsw_json_key(w, "dur");
		nsw_json_decimal(w, it->dur_ns, 3);
	} else {
		nsw_json_kv_string(w, "s", "t");
	}
	nsw_json_key(w, "args");
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "detail", it->detail);
	nsw_json_members_of(w, it->fields);
	nsw_json_object_end(w);
	nsw_json_object_end(w);
}

/* What the kernel had not freed when the trace ended (timeline.h). */
static void not_freed(struct nsw_json *w, const struct nsw_timeline *tl)
{
	unsigned long long inode;
	const char *type;

	nsw_json_key(w, "not_freed");
	nsw_json_array_begin(w);
	for (size_t i = 0; nsw_timeline_not_freed_at(tl, i, &type, &inode); i++) {
		nsw_json_object_begin(w);
		nsw_json_kv_string(w, "type", type);
		nsw_json_kv_uint(w, "inode", inode);
		nsw_json_object_end(w);
	}
	nsw_json_array_end(w);
}

static void other_data(struct nsw_json *w, const struct nsw_timeline *tl)
{
	struct nsw_timeline_counts c;

	nsw_json_key(w, "otherData");
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "producer", "nswatch");
	nsw_json_kv_string(w, "clock", "CLOCK_MONOTONIC");
	if (tl) {
		nsw_timeline_counts(tl, &c);
		nsw_json_key(w, "time_zero_us");
		nsw_json_decimal(w, nsw_timeline_start_ns(tl), 3);
		nsw_json_kv_uint(w, "events", c.events);
		nsw_json_kv_uint(w, "lost", c.lost_ring + c.lost_inflight + c.lost_unread);
		nsw_json_kv_uint(w, "lost_ring_buffer", c.lost_ring);
		nsw_json_kv_uint(w, "lost_in_flight", c.lost_inflight);
		nsw_json_kv_uint(w, "lost_unreadable", c.lost_unread);
		not_freed(w, tl);
	}
	nsw_json_object_end(w);
}

int nsw_trace_events_write(struct nsw_trace_events *te, const struct nsw_timeline *tl, FILE *f)
{
	struct nsw_json w;

	qsort(te->items, te->n_items, sizeof(*te->items), item_cmp);
	/* Named in ts order: the commands a process ran, as it ran them. */
	te->n_procs = 0;
	for (size_t i = 0; i < te->n_items; i++) {
		const struct te_item *it = &te->items[i];

		if (it->pid == NSW_TE_RUNTIME_PID || it->pid == NSW_TE_NAMESPACES_PID)
			continue;
		name_proc(te, it->pid, it->comm);
		if (it->tid != it->pid)
			find_proc(te, it->pid, it->tid);
	}
	nest_spans(te);
	nsw_json_init(&w, f);
	nsw_json_object_begin(&w);
	nsw_json_key(&w, "traceEvents");
	nsw_json_array_begin(&w);
	track_names(&w, te);
	for (size_t i = 0; i < te->n_spans; i++)
		write_span(&w, &te->spans[i]);
	for (size_t i = 0; i < te->n_items; i++)
		write_item(&w, &te->items[i]);
	nsw_json_array_end(&w);
	nsw_json_kv_string(&w, "displayTimeUnit", "ms");
	other_data(&w, tl);
	nsw_json_object_end(&w);
	nsw_json_newline(&w);
	if (fflush(f) != 0 || ferror(f))
		return -1;
	return 0;
}
