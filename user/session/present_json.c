// SPDX-License-Identifier: GPL-2.0
/*
 * `trace`'s JSON-lines presenter: one object per item and line, the schema
 * of docs/events.md, written through the JSON writer (lib/json.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "session/presenter.h"
#include "lib/clock.h"
#include "lib/nsnames.h"

#define ERRNO_NAME_LEN 16
/* duration_us: ns as us, three decimals; from integers below 2^40 ns (json.h). */
#define DURATION_DECIMALS 3
#define DURATION_EXACT_NS (1ULL << 40)
/* RFC 3339 with microseconds: .123456 */
#define USEC_DIGITS 6

/* nsw_format_rfc3339()'s text (len bytes), its whole-second part kept in c. */
static bool rfc3339_cached(struct nsw_clock_cache *c, int64_t real, char *buf,
			   size_t *len)
{
	int64_t sec = real / NSW_NSEC_PER_SEC;
	long usec = (long)((real % NSW_NSEC_PER_SEC) / NSW_NSEC_PER_USEC);
	time_t t = (time_t)sec;
	struct tm tm;
	char *p;

	if (real < 0)
		return false;
	if (!c->valid || c->sec != sec) {
		gmtime_r(&t, &tm);
		c->len = strftime(c->text, sizeof(c->text), "%Y-%m-%dT%H:%M:%S", &tm);
		c->sec = sec;
		c->valid = c->len > 0;
		if (!c->valid)
			return false;
	}
	memcpy(buf, c->text, c->len);
	p = buf + c->len;
	*p++ = '.';
	/* Six digits in three pairs: a division per pair. */
	for (int i = USEC_DIGITS - 2; i >= 0; i -= 2, usec /= 100) {
		unsigned int d = (unsigned int)(usec % 100);

		p[i] = (char)('0' + d / 10);
		p[i + 1] = (char)('0' + d % 10);
	}
	p += USEC_DIGITS;
	*p++ = 'Z';
	*p = '\0';
	*len = (size_t)(p - buf);
	return true;
}

/* c: the presenter's cache, or NULL. */
static void json_ts(struct nsw_json *w, __u64 ts_ns, int64_t offset_ns,
		    struct nsw_clock_cache *c)
{
	int64_t real = (int64_t)ts_ns + offset_ns;
	char ts[NSW_RFC3339_LEN];

	_Static_assert(NSW_CLOCK_CACHE_LEN - 1 + USEC_DIGITS + 3 <= NSW_RFC3339_LEN,
		       "a cached second, its microseconds and a Z fit");
	size_t len = sizeof(ts);

	if (!c || !rfc3339_cached(c, real, ts, &len))
		nsw_format_rfc3339(real, ts, sizeof(ts));
	nsw_json_key(w, "ts");
	nsw_json_string_n(w, ts, len);
}

static struct nsw_ns_set_text *ns_set_cached(struct nsw_line_presenter *lp,
					     const __u32 *ns)
{
	for (unsigned int i = 0; i < NSW_NS_SET_CACHE; i++) {
		struct nsw_ns_set_text *c = &lp->ns_sets[i];

		if (c->len && !memcmp(c->ns, ns, sizeof(c->ns)))
			return c;
	}
	return NULL;
}

/*
 * ns_before and ns_after: ten members each, most of a line, and the same
 * few sets line after line (a process's own, the one it moves to). The
 * writer's text of a set is kept from the line's stage and its members
 * given again (nsw_json_members_of) while the set is the same.
 */
static void json_ns_set(struct nsw_json *w, const __u32 *ns,
			struct nsw_line_presenter *lp)
{
	struct nsw_ns_set_text *c = lp ? ns_set_cached(lp, ns) : NULL;
	size_t start = w->stage_len, len;

	nsw_json_object_begin(w);
	if (c) {
		nsw_json_members_of(w, c->text);
		nsw_json_object_end(w);
		return;
	}
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		nsw_json_kv_uint(w, nsw_slot_name(i), ns[i]);
	nsw_json_object_end(w);
	/* The text, if it is all in the stage (no flush came between). */
	if (!lp || !w->stage || w->stage_len <= start)
		return;
	len = w->stage_len - start;
	if (len >= sizeof(c->text) || w->stage[start] != '{')
		return;
	c = &lp->ns_sets[lp->ns_set_next];
	lp->ns_set_next = (lp->ns_set_next + 1) % NSW_NS_SET_CACHE;
	memcpy(c->ns, ns, sizeof(c->ns));
	memcpy(c->text, w->stage + start, len);
	c->text[len] = '\0';
	c->len = len;
}

static void json_flags(struct nsw_json *w, const struct nsw_event *ev)
{
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);

	nsw_json_key(w, "flags");
	nsw_json_array_begin(w);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		if (flags & nsw_types[i].flag)
			nsw_json_string(w, nsw_types[i].flag_name);
	nsw_json_array_end(w);
	nsw_json_key(w, "flags_raw");
	if (ev->flags_valid)
		nsw_json_uint(w, ev->flags);
	else
		nsw_json_null(w);
}

static void json_setns_target(struct nsw_json *w, const struct nsw_event *ev)
{
	const struct nsw_type *t;

	nsw_json_kv_int(w, "fd", (int)ev->setns_fd);
	switch (ev->target_kind) {
	case NSW_TARGET_NSFS:
		t = nsw_type_of_slot(ev->target_slot);
		nsw_json_key(w, "target");
		nsw_json_object_begin(w);
		nsw_json_kv_string(w, "kind", "nsfs");
		nsw_json_kv_string(w, "type", t ? t->name : "unknown");
		nsw_json_kv_uint(w, "inode", ev->target_inum);
		nsw_json_object_end(w);
		break;
	case NSW_TARGET_PIDFD:
		nsw_json_key(w, "target");
		nsw_json_object_begin(w);
		nsw_json_kv_string(w, "kind", "pidfd");
		nsw_json_kv_uint(w, "pid", ev->target_pid);
		nsw_json_object_end(w);
		break;
	}
}

/* Members only where there is a label: absent, never "". */
static void json_labels(struct nsw_json *w, const char *container, const char *netns)
{
	if (container && container[0])
		nsw_json_kv_string(w, "container", container);
	if (netns && netns[0])
		nsw_json_kv_string(w, "netns", netns);
}

/* A Kubernetes pod's uid, beside its container's label; absent if none. */
static void json_pod(struct nsw_json *w, const char *pod)
{
	if (pod[0])
		nsw_json_kv_string(w, "pod", pod);
}

static void json_refs(struct nsw_json *w, const struct nsw_event *ev,
		      const struct nsw_event_labels *l)
{
	nsw_json_key(w, ev->op == NSW_OP_SETNS ? "joined" : "created");
	nsw_json_array_begin(w);
	for (size_t i = 0; i < l->nrefs; i++) {
		const struct nsw_ns_ref *r = &l->refs[i];

		nsw_json_object_begin(w);
		nsw_json_kv_string(w, "type", r->type);
		nsw_json_kv_uint(w, "inode", r->inode);
		if (r->ns_id)
			nsw_json_kv_uint(w, "ns_id", r->ns_id);
		json_labels(w, r->container, r->netns);
		json_pod(w, r->pod);
		nsw_json_object_end(w);
	}
	nsw_json_array_end(w);
}

/* Stage offsets of a line being written, to keep its parts. */
struct line_marks {
	size_t flushed; /* the writer's stage_flushed when the line began */
	size_t head, mid, tail, end;
};

/* One part, from the stage's ",member..." at [from, to), as "{member...}". */
static bool keep_part(const struct nsw_json *w, size_t from, size_t to, char *out,
		      size_t *out_len)
{
	size_t n = to - from;

	if (to <= from || n + 1 > NSW_KEPT_PART_LEN || w->stage[from] != ',')
		return false;
	out[0] = '{';
	memcpy(out + 1, w->stage + from + 1, n - 1);
	out[n] = '}';
	*out_len = n + 1;
	return true;
}

static void line_keep(struct nsw_line_presenter *lp, const struct nsw_json *w,
		      const struct line_marks *m, const struct nsw_event *ev,
		      const struct nsw_event_labels *l)
{
	struct nsw_kept_line *c;

	/* Only text the stage still holds whole. */
	if (!w->stage || w->stage_flushed != m->flushed)
		return;
	c = nsw_kept_line_store(lp->json_lines, &lp->json_line_next, ev, l);
	c->valid = keep_part(w, m->head, m->mid, c->head, &c->head_len) &&
		   keep_part(w, m->tail, m->end, c->tail, &c->tail_len);
}

static void json_duration(struct nsw_json *w, const struct nsw_event *ev)
{
	nsw_json_key(w, "duration_us");
	if (ev->duration_ns < DURATION_EXACT_NS)
		nsw_json_decimal(w, ev->duration_ns, DURATION_DECIMALS);
	else
		nsw_json_fixed(w, (double)ev->duration_ns / NSW_NSEC_PER_USEC,
			       DURATION_DECIMALS);
}

/* lp: the presenter, whose caches help, or NULL. */
static void json_event(struct nsw_json *w, const struct nsw_event *ev,
		       int64_t offset_ns, struct nsw_line_presenter *lp,
		       const struct nsw_event_labels *l)
{
	struct nsw_event_labels plain;
	int64_t ret = (int64_t)ev->ret;
	char ebuf[ERRNO_NAME_LEN];
	const struct nsw_kept_line *c;
	struct line_marks m;

	if (!l) {
		nsw_event_labels_plain(ev, &plain);
		l = &plain;
	}
	nsw_json_object_begin(w);
	json_ts(w, ev->ts_ns, offset_ns, lp ? &lp->utc : NULL);
	c = lp && w->stage ? nsw_kept_line_find(lp->json_lines, ev, l) : NULL;
	if (c) {
		nsw_json_members_of_n(w, c->head, c->head_len);
		json_duration(w, ev);
		nsw_json_members_of_n(w, c->tail, c->tail_len);
		nsw_json_object_end(w);
		return;
	}
	m.flushed = w->stage_flushed;
	m.head = w->stage_len;
	nsw_json_kv_string(w, "op", nsw_op_name(ev->op));
	nsw_json_kv_uint(w, "pid", ev->pid);
	nsw_json_kv_uint(w, "tid", ev->tid);
	nsw_json_kv_uint(w, "ppid", ev->ppid);
	nsw_json_kv_uint(w, "uid", ev->uid);
	nsw_json_kv_uint(w, "gid", ev->gid);
	nsw_json_key(w, "comm");
	nsw_json_string_n(w, ev->comm, sizeof(ev->comm));
	json_labels(w, l->container, NULL);
	json_pod(w, l->pod);
	json_flags(w, ev);
	nsw_json_kv_int(w, "ret", ret);
	if (ret < 0)
		nsw_json_kv_string(w, "error",
				   nsw_errno_name((int)-ret, ebuf, sizeof(ebuf)));
	if (ev->op == NSW_OP_CLONE || ev->op == NSW_OP_CLONE3)
		nsw_json_kv_uint(w, "child_pid", ev->child_pid);
	if (ev->op == NSW_OP_SETNS)
		json_setns_target(w, ev);
	m.mid = w->stage_len;
	json_duration(w, ev);
	m.tail = w->stage_len;
	nsw_json_key(w, "ns_before");
	json_ns_set(w, ev->ns_before, lp);
	nsw_json_key(w, "ns_after");
	if (ev->after_valid)
		json_ns_set(w, ev->ns_after, lp);
	else
		nsw_json_null(w);
	if (ret >= 0)
		json_refs(w, ev, l);
	m.end = w->stage_len;
	nsw_json_object_end(w);
	if (lp)
		line_keep(lp, w, &m, ev, l);
}

void nsw_json_event(struct nsw_json *w, const struct nsw_event *ev,
		    int64_t offset_ns, const struct nsw_event_labels *l)
{
	json_event(w, ev, offset_ns, NULL, l);
}

void nsw_print_json(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l)
{
	struct nsw_json w;

	nsw_json_init(&w, f);
	nsw_json_event(&w, ev, offset_ns, l);
	nsw_json_newline(&w);
}

/*
 * A line gathered in the presenter's stage, written whole by line_end(), or
 * in batch after the lines the stage holds.
 */
static struct nsw_json *line_begin(struct nsw_line_presenter *lp, struct nsw_json *local)
{
	struct nsw_json *w = lp->batch ? &lp->json : local;

	/* In batch one writer lives with the stage: each line ends at depth 0. */
	if (lp->batch && lp->json_open)
		return w;
	nsw_json_init_staged(w, lp->f, lp->stage, sizeof(lp->stage));
	/* Every key below is a literal or nsnames.h's. */
	nsw_json_use_key_cache(w, &lp->keys);
	lp->json_open = lp->batch;
	return w;
}

/*
 * hold: an operation's line, which may wait in batch; the other items (few,
 * and some come outside a drain: a throttled record at the summary) go out
 * at once, with what waited before them.
 */
static void line_end(struct nsw_json *w, struct nsw_line_presenter *lp, bool hold)
{
	nsw_json_newline(w);
	if (hold && lp->batch && w->stage &&
	    w->stage_cap - w->stage_len >= NSW_LINE_STAGE_ROOM)
		return;
	nsw_json_flush(w);
}

void nsw_line_presenter_flush(struct nsw_line_presenter *lp)
{
	if (lp->json_open)
		nsw_json_flush(&lp->json);
	if (lp->stage_len)
		fwrite(lp->stage, 1, lp->stage_len, lp->f);
	lp->stage_len = 0;
}

static void line_flush(void *ctx)
{
	nsw_line_presenter_flush(ctx);
}

static const char *const origin_name[] = {
	[NSW_ORIGIN_SEEDED] = "seeded",
	[NSW_ORIGIN_CREATED] = "created",
	[NSW_ORIGIN_SEEN] = "seen",
};

/*
 * The fields an ns_empty and an ns_held line share, in their order: the
 * object is left open for what the op adds.
 */
static void json_ns_end_begin(struct nsw_json *w, struct nsw_line_presenter *lp,
			      const char *op, const struct nsw_ns_entry *e, __u64 ts_ns,
			      __u32 last_pid, const char *container)
{
	nsw_json_object_begin(w);
	json_ts(w, ts_ns, lp->offset_ns, &lp->utc);
	nsw_json_kv_string(w, "op", op);
	nsw_json_kv_string(w, "type", nsw_types[e->type].name);
	nsw_json_kv_uint(w, "inode", e->inode);
	if (e->ns_id)
		nsw_json_kv_uint(w, "ns_id", e->ns_id);
	nsw_json_kv_uint(w, "last_pid", last_pid);
	nsw_json_kv_string(w, "origin", origin_name[e->origin]);
	if (e->origin == NSW_ORIGIN_CREATED) {
		nsw_json_key(w, "created_by");
		nsw_json_object_begin(w);
		nsw_json_kv_uint(w, "pid", e->creator_pid);
		nsw_json_key(w, "comm");
		nsw_json_string_n(w, e->creator_comm, sizeof(e->creator_comm));
		nsw_json_kv_string(w, "op", nsw_op_name(e->creator_op));
		nsw_json_object_end(w);
	}
	json_labels(w, container, e->netns_name);
	json_pod(w, nsw_entry_pod(e));
	if (e->pinned_at[0])
		nsw_json_kv_string(w, "pinned_at", e->pinned_at);
}

static void json_ns_empty(struct nsw_json *w, const struct nsw_ns_empty *ne,
			  struct nsw_line_presenter *lp)
{
	json_ns_end_begin(w, lp, "ns_empty", ne->entry, ne->ts_ns, ne->last_pid, ne->container);
	nsw_json_object_end(w);
}

void nsw_json_ns_holder(struct nsw_json *w, const struct nsw_ns_holder *h)
{
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "kind", nsw_holder_kind_name(h->kind));
	switch (h->kind) {
	case NSW_HOLDER_FD:
		nsw_json_kv_uint(w, "pid", (__u32)h->pid);
		nsw_json_kv_uint(w, "fd", (__u32)h->fd);
		break;
	case NSW_HOLDER_MOUNT:
		nsw_json_kv_string(w, "path", h->path);
		break;
	case NSW_HOLDER_OWNER:
	case NSW_HOLDER_PARENT:
		nsw_json_kv_string(w, "type", nsw_types[h->ns_type].name);
		nsw_json_kv_uint(w, "inode", h->ns_inode);
		break;
	case NSW_HOLDER_UNKNOWN:
		break;
	}
	nsw_json_object_end(w);
}

/* The same fields as ns_empty's, then what holds it. */
static void json_ns_held_line(void *ctx, const struct nsw_ns_held *nh)
{
	struct nsw_line_presenter *lp = ctx;
	struct nsw_json local, *w = line_begin(lp, &local);

	json_ns_end_begin(w, lp, "ns_held", nh->entry, nh->ts_ns, nh->last_pid, nh->container);
	nsw_json_key(w, "held_by");
	nsw_json_ns_holder(w, &nh->entry->held_by);
	nsw_json_object_end(w);
	line_end(w, lp, false);
}

static void json_op(void *ctx, const struct nsw_event *ev,
		    const struct nsw_event_labels *l)
{
	struct nsw_line_presenter *lp = ctx;
	struct nsw_json local, *w = line_begin(lp, &local);

	json_event(w, ev, lp->offset_ns, lp, l);
	line_end(w, lp, true);
}

static void json_ns_empty_line(void *ctx, const struct nsw_ns_empty *ne)
{
	struct nsw_line_presenter *lp = ctx;
	struct nsw_json local, *w = line_begin(lp, &local);

	json_ns_empty(w, ne, lp);
	line_end(w, lp, false);
}

static void json_throttled(struct nsw_json *w, const struct nsw_throttled *th,
			   struct nsw_line_presenter *lp)
{
	int64_t offset_ns = lp->offset_ns;
	char ts[NSW_RFC3339_LEN];

	nsw_json_object_begin(w);
	json_ts(w, th->last_ts, offset_ns, &lp->utc);
	nsw_json_kv_string(w, "op", "throttled");
	nsw_json_kv_string(w, "operation", nsw_op_name(th->op));
	nsw_json_key(w, "source");
	nsw_json_object_begin(w);
	nsw_json_kv_uint(w, "uid", th->uid);
	nsw_json_kv_uint(w, "cgroup_id", th->cgroup_id);
	nsw_json_object_end(w);
	nsw_json_kv_uint(w, "count", th->count);
	nsw_json_kv_uint(w, "total", th->total);
	nsw_format_rfc3339((int64_t)th->first_ts + offset_ns, ts, sizeof(ts));
	nsw_json_kv_string(w, "first_ts", ts);
	nsw_format_rfc3339((int64_t)th->last_ts + offset_ns, ts, sizeof(ts));
	nsw_json_kv_string(w, "last_ts", ts);
	nsw_json_object_end(w);
}

static void json_throttled_line(void *ctx, const struct nsw_throttled *th)
{
	struct nsw_line_presenter *lp = ctx;
	struct nsw_json local, *w = line_begin(lp, &local);

	json_throttled(w, th, lp);
	line_end(w, lp, false);
}

struct nsw_presenter nsw_present_json(struct nsw_line_presenter *lp)
{
	return (struct nsw_presenter){
		.on_op = json_op,
		.on_ns_empty = json_ns_empty_line,
		.ctx = lp,
		.on_throttled = json_throttled_line,
		.on_ns_held = json_ns_held_line,
		.on_flush = line_flush,
	};
}
