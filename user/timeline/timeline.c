// SPDX-License-Identifier: GPL-2.0
/*
 * The run --trace timeline: items held until nothing older can come (the
 * rule is in timeline.h), then printed as text and JSON lines; step times
 * and the namespaces for the summary.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/nsnames.h"
#include "timeline/timeline.h"

#define TL_MAX_STEPS 32
/* Offsets and step times: ms with three decimals (us). */
#define TL_MS_DECIMALS 3

struct tl_item {
	__u64 ts;
	__u64 seq;	/* arrival: keeps equal ts in the order they came */
	enum nsw_tl_source src;
	char *what, *detail;
	char *fields;	/* a JSON object, or NULL */
};

struct tl_ns_ref {
	const char *type;
	unsigned long long inode;
};

struct tl_step {
	char name[32];
	__u64 total;
	__u64 open_since;	/* 0: no span open */
};

struct nsw_timeline {
	FILE *text, *json;
	__u64 start;
	int64_t realtime_offset;

	struct tl_item *items;
	size_t n, cap;
	__u64 seq;
	__u64 kernel_mark;
	__u64 runtime_mark;
	bool awaiting;
	__u64 printed;		/* the newest ts printed */

	__u64 events, lost_ring, lost_inflight;
	int n_steps;
	struct tl_step steps[TL_MAX_STEPS];
	int n_ns;
	struct {
		const char *type;
		unsigned long long inode;
	} ns[NSW_TYPE_COUNT];
	struct nsw_timeline_sink sink;
	struct tl_ns_ref *not_freed;
	size_t n_not_freed, cap_not_freed;
	__u64 lost_unread;
};

static const char *const source_names[] = {
	[NSW_TL_RUNTIME] = "runtime",
	[NSW_TL_KERNEL] = "kernel",
};

__u64 nsw_timeline_now(void)
{
	return nsw_mono_ns();
}

struct nsw_timeline *nsw_timeline_new(FILE *text, FILE *json)
{
	struct nsw_timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->text = text;
	tl->json = json;
	tl->start = nsw_timeline_now();
	tl->realtime_offset = nsw_realtime_offset_ns();
	return tl;
}

static void item_free(struct tl_item *it)
{
	free(it->what);
	free(it->detail);
	free(it->fields);
}

void nsw_timeline_free(struct nsw_timeline *tl)
{
	if (!tl)
		return;
	for (size_t i = 0; i < tl->n; i++)
		item_free(&tl->items[i]);
	free(tl->items);
	free(tl->not_freed);
	free(tl);
}

void nsw_timeline_set_start(struct nsw_timeline *tl, __u64 ts)
{
	tl->start = ts;
}

__u64 nsw_timeline_start_ns(const struct nsw_timeline *tl)
{
	return tl->start;
}

/* Signed offset from time zero, in ms. */
static double offset_ms(const struct nsw_timeline *tl, __u64 ts)
{
	return ((double)(int64_t)(ts - tl->start)) / NSW_NSEC_PER_MSEC;
}

/*
 * One write per line (stderr is unbuffered), and the detail on that line:
 * a newline in a path must not start a fake item.
 */
static void print_text(struct nsw_timeline *tl, const struct tl_item *it, double ms)
{
	char head[64], *line = NULL;
	int len, start;

	start = snprintf(head, sizeof(head), "%c%8.3f ms  %-7s  ", ms < 0 ? '-' : '+',
			 ms < 0 ? -ms : ms, source_names[it->src]);
	len = asprintf(&line, "%s%-12s  %s\n", head, it->what, it->detail);
	if (len < 0)
		return;
	for (int i = start; i < len - 1; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	fputs(line, tl->text);
	free(line);
}

static void print_json(struct nsw_timeline *tl, const struct tl_item *it,
		       double ms)
{
	struct nsw_json w;
	char ts[40];

	nsw_format_rfc3339((int64_t)it->ts + tl->realtime_offset, ts, sizeof(ts));
	nsw_json_init(&w, tl->json);
	nsw_json_object_begin(&w);
	nsw_json_key(&w, "t_ms");
	nsw_json_fixed(&w, ms, TL_MS_DECIMALS);
	nsw_json_kv_string(&w, "ts", ts);
	nsw_json_kv_string(&w, "source", source_names[it->src]);
	nsw_json_kv_string(&w, "what", it->what);
	nsw_json_kv_string(&w, "detail", it->detail);
	nsw_json_members_of(&w, it->fields);
	nsw_json_object_end(&w);
	nsw_json_newline(&w);
}

static void print_item(struct nsw_timeline *tl, const struct tl_item *it)
{
	double ms = offset_ms(tl, it->ts);

	if (tl->text)
		print_text(tl, it, ms);
	if (tl->json)
		print_json(tl, it, ms);
	if (it->ts > tl->printed)
		tl->printed = it->ts;
}

static int item_cmp(const void *a, const void *b)
{
	const struct tl_item *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static __u64 watermark(const struct nsw_timeline *tl)
{
	__u64 mark = tl->kernel_mark;

	if (tl->awaiting && tl->runtime_mark < mark)
		mark = tl->runtime_mark;
	return mark;
}

/* Print, oldest first, what the watermark lets go (all: everything). */
static void release(struct nsw_timeline *tl, bool all)
{
	__u64 mark = watermark(tl);
	size_t i = 0;

	if (!tl->n)
		return;
	qsort(tl->items, tl->n, sizeof(tl->items[0]), item_cmp);
	for (; i < tl->n; i++) {
		const struct tl_item *it = &tl->items[i];

		/* Below what is out already: waiting cannot put it in order. */
		if (!all && it->ts > mark && it->ts >= tl->printed &&
		    tl->n - i <= NSW_TIMELINE_HOLD)
			break;
		print_item(tl, it);
		item_free(&tl->items[i]);
	}
	memmove(tl->items, tl->items + i, (tl->n - i) * sizeof(tl->items[0]));
	tl->n -= i;
	if (i) {
		if (tl->text)
			fflush(tl->text);
		if (tl->json)
			fflush(tl->json);
	}
}

void nsw_timeline_add(struct nsw_timeline *tl, enum nsw_tl_source src,
		      __u64 ts, const char *what, const char *detail,
		      const char *json_fields)
{
	struct tl_item *it;

	if (tl->sink.item)
		tl->sink.item(tl->sink.ctx, src, ts, what ? what : "", detail ? detail : "",
			      json_fields);
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 64;
		struct tl_item *items = realloc(tl->items, cap * sizeof(*items));

		/* Out of memory: print what is held rather than lose this. */
		if (!items) {
			release(tl, true);
			if (tl->n == tl->cap)
				return;
		} else {
			tl->items = items;
			tl->cap = cap;
		}
	}
	it = &tl->items[tl->n];
	*it = (struct tl_item){
		.ts = ts,
		.seq = tl->seq++,
		.src = src,
		.what = strdup(what ? what : ""),
		.detail = strdup(detail ? detail : ""),
	};
	if (json_fields)
		it->fields = strdup(json_fields);
	if (!it->what || !it->detail || (json_fields && !it->fields)) {
		item_free(it);
		return;
	}
	tl->n++;
	if (src == NSW_TL_RUNTIME && tl->awaiting && ts > tl->runtime_mark)
		tl->runtime_mark = ts;
	release(tl, false);
}

void nsw_timeline_kernel(struct nsw_timeline *tl, __u64 ts, const char *what,
			 const char *detail, const char *json_fields)
{
	tl->events++;
	nsw_timeline_add(tl, NSW_TL_KERNEL, ts, what, detail, json_fields);
}

__u64 nsw_timeline_drained_mark(__u64 started)
{
	return started > NSW_TIMELINE_INFLIGHT_NS ? started - NSW_TIMELINE_INFLIGHT_NS : 0;
}

void nsw_timeline_kernel_sync(struct nsw_timeline *tl, __u64 ts)
{
	if (ts > tl->kernel_mark)
		tl->kernel_mark = ts;
	release(tl, false);
}

void nsw_timeline_set_lost(struct nsw_timeline *tl, __u64 ring_full,
			   __u64 inflight_full, __u64 unread)
{
	tl->lost_ring = ring_full;
	tl->lost_inflight = inflight_full;
	tl->lost_unread = unread;
}

void nsw_timeline_await_runtime(struct nsw_timeline *tl, bool on)
{
	/* Every runtime item before now is in: the monitor adds its own at once. */
	if (on && !tl->awaiting)
		tl->runtime_mark = nsw_timeline_now();
	tl->awaiting = on;
	release(tl, false);
}

void nsw_timeline_flush(struct nsw_timeline *tl)
{
	release(tl, true);
}

static struct tl_step *find_step(struct nsw_timeline *tl, const char *name)
{
	for (int i = 0; i < tl->n_steps; i++)
		if (!strcmp(tl->steps[i].name, name))
			return &tl->steps[i];
	if (tl->n_steps == TL_MAX_STEPS)
		return NULL;
	snprintf(tl->steps[tl->n_steps].name, sizeof(tl->steps[0].name), "%s", name);
	return &tl->steps[tl->n_steps++];
}

void nsw_timeline_step(struct nsw_timeline *tl, const char *name,
		       __u64 begin, __u64 end)
{
	struct tl_step *s = find_step(tl, name);

	if (s && end > begin)
		s->total += end - begin;
	if (tl->sink.step && end >= begin)
		tl->sink.step(tl->sink.ctx, name, begin, end);
}

void nsw_timeline_step_begin(struct nsw_timeline *tl, const char *name)
{
	struct tl_step *s = find_step(tl, name);

	if (s)
		s->open_since = nsw_timeline_now();
}

void nsw_timeline_step_end(struct nsw_timeline *tl, const char *name)
{
	struct tl_step *s = find_step(tl, name);

	if (!s || !s->open_since)
		return;
	nsw_timeline_step(tl, name, s->open_since, nsw_timeline_now());
	s->open_since = 0;
}

void nsw_timeline_set_namespaces(struct nsw_timeline *tl, __u64 clone_flags,
				 const unsigned long long *inode)
{
	tl->n_ns = 0;
	for (int i = 0; i < NSW_TYPE_COUNT; i++) {
		if (!(clone_flags & nsw_types[i].flag))
			continue;
		tl->ns[tl->n_ns].type = nsw_types[i].name;
		tl->ns[tl->n_ns].inode = inode[i];
		tl->n_ns++;
	}
}

static void summary_text(const struct nsw_timeline *tl, FILE *f)
{
	fputs("Namespaces:", f);
	for (int i = 0; i < tl->n_ns; i++)
		fprintf(f, " %s=%llu", tl->ns[i].type, tl->ns[i].inode);
	fputs(tl->n_ns ? "\n" : " none\n", f);
	fputs("Step times (ms):", f);
	for (int i = 0; i < tl->n_steps; i++)
		fprintf(f, " %s=%.*f", tl->steps[i].name, TL_MS_DECIMALS,
			(double)tl->steps[i].total / NSW_NSEC_PER_MSEC);
	fputs(tl->n_steps ? "\n" : " none\n", f);
	fputs("Not freed at the end:", f);
	for (size_t i = 0; i < tl->n_not_freed; i++)
		fprintf(f, " %s=%llu", tl->not_freed[i].type, tl->not_freed[i].inode);
	fputs(tl->n_not_freed ? " (ns_empty not waited for)\n" : " none\n", f);
	fprintf(f, "Summary: events=%llu lost=%llu (ring buffer full: %llu, in-flight table full: %llu",
		(unsigned long long)tl->events,
		(unsigned long long)(tl->lost_ring + tl->lost_inflight + tl->lost_unread),
		(unsigned long long)tl->lost_ring,
		(unsigned long long)tl->lost_inflight);
	/* Only when there are some, as `nswatch trace` says it. */
	if (tl->lost_unread)
		fprintf(f, ", unreadable records: %llu", (unsigned long long)tl->lost_unread);
	fputs(")\n", f);
}

static void summary_json(const struct nsw_timeline *tl, FILE *f)
{
	struct nsw_json w;

	nsw_json_init(&w, f);
	nsw_json_object_begin(&w);
	nsw_json_kv_string(&w, "what", "summary");
	nsw_json_key(&w, "namespaces");
	nsw_json_array_begin(&w);
	for (int i = 0; i < tl->n_ns; i++) {
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "type", tl->ns[i].type);
		nsw_json_kv_uint(&w, "inode", tl->ns[i].inode);
		nsw_json_object_end(&w);
	}
	nsw_json_array_end(&w);
	nsw_json_key(&w, "steps");
	nsw_json_array_begin(&w);
	for (int i = 0; i < tl->n_steps; i++) {
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "name", tl->steps[i].name);
		nsw_json_key(&w, "ms");
		nsw_json_fixed(&w, (double)tl->steps[i].total / NSW_NSEC_PER_MSEC,
			       TL_MS_DECIMALS);
		nsw_json_object_end(&w);
	}
	nsw_json_array_end(&w);
	nsw_json_key(&w, "not_freed");
	nsw_json_array_begin(&w);
	for (size_t i = 0; i < tl->n_not_freed; i++) {
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "type", tl->not_freed[i].type);
		nsw_json_kv_uint(&w, "inode", tl->not_freed[i].inode);
		nsw_json_object_end(&w);
	}
	nsw_json_array_end(&w);
	nsw_json_kv_uint(&w, "events", tl->events);
	nsw_json_kv_uint(&w, "lost", tl->lost_ring + tl->lost_inflight + tl->lost_unread);
	nsw_json_kv_uint(&w, "lost_ring_buffer", tl->lost_ring);
	nsw_json_kv_uint(&w, "lost_in_flight", tl->lost_inflight);
	nsw_json_kv_uint(&w, "lost_unreadable", tl->lost_unread);
	nsw_json_object_end(&w);
	nsw_json_newline(&w);
	fflush(f);
}

void nsw_timeline_finish(struct nsw_timeline *tl)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	nsw_timeline_flush(tl);
	/* Built whole, then one write: stderr is unbuffered. */
	if (tl->text && (f = open_memstream(&text, &len))) {
		summary_text(tl, f);
		if (fclose(f) == 0)
			fputs(text, tl->text);
		fflush(tl->text);
		free(text);
	}
	if (tl->json)
		summary_json(tl, tl->json);
}

void nsw_timeline_set_sink(struct nsw_timeline *tl, const struct nsw_timeline_sink *sink)
{
	tl->sink = sink ? *sink : (struct nsw_timeline_sink){ 0 };
}

void nsw_timeline_counts(const struct nsw_timeline *tl, struct nsw_timeline_counts *c)
{
	*c = (struct nsw_timeline_counts){
		.events = tl->events,
		.lost_ring = tl->lost_ring,
		.lost_inflight = tl->lost_inflight,
		.lost_unread = tl->lost_unread,
	};
}

void nsw_timeline_not_freed(struct nsw_timeline *tl, const char *type,
			    unsigned long long inode)
{
	if (tl->n_not_freed == tl->cap_not_freed) {
		size_t cap = tl->cap_not_freed ? tl->cap_not_freed * 2 : NSW_TYPE_COUNT;
		struct tl_ns_ref *r = realloc(tl->not_freed, cap * sizeof(*r));

		if (!r)
			return;
		tl->not_freed = r;
		tl->cap_not_freed = cap;
	}
	tl->not_freed[tl->n_not_freed++] = (struct tl_ns_ref){ type, inode };
}

bool nsw_timeline_not_freed_at(const struct nsw_timeline *tl, size_t i,
			       const char **type, unsigned long long *inode)
{
	if (i >= tl->n_not_freed)
		return false;
	*type = tl->not_freed[i].type;
	*inode = tl->not_freed[i].inode;
	return true;
}
