// SPDX-License-Identifier: GPL-2.0
/* `trace`'s text presenter: one line per item, in columns for people. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "session/presenter.h"
#include "lib/clock.h"
#include "lib/nsnames.h"

#define CLOCK_TEXT_LEN 16
#define ERRNO_NAME_LEN 16
/* The columns of an operation's line (nsw_print_text_header). */
#define PID_WIDTH 7
#define COMM_WIDTH 16
#define OP_WIDTH 8
#define FLAGS_WIDTH 22
#define RESULT_WIDTH 8
#define USEC_DIGITS 6

void nsw_print_text_header(FILE *f)
{
	fprintf(f, "%-15s %-7s %-7s %-16s %-8s %-22s %-8s %s\n", "TIME", "PID",
		"PPID", "COMM", "OP", "FLAGS", "RESULT", "NAMESPACES");
}

/* "10:26:00.123456", local time, from a record's monotonic ts. */
static void text_clock(__u64 ts_ns, int64_t offset_ns, char *buf, size_t len)
{
	int64_t real = (int64_t)ts_ns + offset_ns;
	time_t sec = real / NSW_NSEC_PER_SEC;
	char hms[CLOCK_TEXT_LEN];
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ld", hms,
		 (long)((real % NSW_NSEC_PER_SEC) / NSW_NSEC_PER_USEC));
}

/*
 * An operation's line is gathered in a buffer and written with one fwrite:
 * it is the line a flood prints thousands of times a second, and each
 * stdio call costs more than its bytes. What does not fit goes out as it
 * comes, in order.
 */
struct line {
	FILE *f;
	char *buf;
	size_t len, cap;
	size_t flushed; /* bytes written to f: a part of buf kept is whole while this stands */
};

static void line_flush(struct line *l)
{
	if (l->len)
		fwrite(l->buf, 1, l->len, l->f);
	l->flushed += l->len;
	l->len = 0;
}

/* What does not fit in the buffer. */
static void __attribute__((noinline)) put_n_slow(struct line *l, const char *s, size_t n)
{
	line_flush(l);
	if (n > l->cap) {
		fwrite(s, 1, n, l->f);
		return;
	}
	memcpy(l->buf, s, n);
	l->len = n;
}

static inline void put_n(struct line *l, const char *s, size_t n)
{
	if (n > l->cap - l->len) {
		put_n_slow(l, s, n);
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static inline void put_s(struct line *l, const char *s)
{
	put_n(l, s, strlen(s));
}

static inline void put_c(struct line *l, char c)
{
	if (l->len == l->cap)
		line_flush(l);
	l->buf[l->len++] = c;
}

/* Longest run of padding a column needs. */
#define PAD_MAX 32

/* n spaces. */
static void put_spaces(struct line *l, size_t n)
{
	static const char spaces[PAD_MAX + 1] = "                                ";

	for (; n > PAD_MAX; n -= PAD_MAX)
		put_n(l, spaces, PAD_MAX);
	put_n(l, spaces, n);
}

/* As "%-*s": s, then spaces up to width. */
static void put_pad(struct line *l, const char *s, size_t width)
{
	size_t n = strlen(s);

	put_n(l, s, n);
	if (n < width)
		put_spaces(l, width - n);
}

/* Longest decimal of a 64-bit value, and a sign. */
#define DEC_LEN 24

/* As "%llu" or "%lld" (neg: the value is minus u), then spaces up to width. */
static void put_num(struct line *l, unsigned long long u, bool neg, size_t width)
{
	char buf[DEC_LEN], *p = buf + sizeof(buf);
	size_t n;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		*--p = '-';
	n = (size_t)(buf + sizeof(buf) - p);
	put_n(l, p, n);
	if (n < width)
		put_spaces(l, width - n);
}

/* text_clock(), its HH:MM:SS kept in c for the next item of the same second. */
static void put_clock(struct line *l, struct nsw_clock_cache *c, __u64 ts_ns,
		      int64_t offset_ns)
{
	int64_t real = (int64_t)ts_ns + offset_ns;
	time_t sec = real / NSW_NSEC_PER_SEC;
	long usec = (long)((real % NSW_NSEC_PER_SEC) / NSW_NSEC_PER_USEC);
	char text[CLOCK_TEXT_LEN * 2];
	struct tm tm;

	if (!c || real < 0) {
		text_clock(ts_ns, offset_ns, text, sizeof(text));
		put_s(l, text);
		return;
	}
	if (!c->valid || c->sec != (int64_t)sec) {
		localtime_r(&sec, &tm);
		c->len = strftime(c->text, CLOCK_TEXT_LEN, "%H:%M:%S", &tm);
		c->sec = sec;
		c->valid = true;
	}
	put_n(l, c->text, c->len);
	put_c(l, '.');
	for (int i = USEC_DIGITS - 1; i >= 0; i--, usec /= 10)
		text[i] = (char)('0' + usec % 10);
	put_n(l, text, USEC_DIGITS);
}

/* "-" or the ns flags by name, "|"-joined. */
static void put_flags(struct line *l, const struct nsw_event *ev)
{
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);
	size_t width = 0;

	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		if (!(flags & nsw_types[i].flag))
			continue;
		if (width) {
			put_c(l, '|');
			width++;
		}
		put_s(l, nsw_types[i].name);
		width += strlen(nsw_types[i].name);
	}
	if (!width) {
		put_c(l, '-');
		width++;
	}
	/* The column, as "%-22s" pads it. */
	if (width < FLAGS_WIDTH)
		put_spaces(l, FLAGS_WIDTH - width);
}

/* comm with anything unprintable shown as '?', so columns stay aligned. */
static void text_comm(const struct nsw_event *ev, char *buf)
{
	size_t i;

	for (i = 0; i < NSW_COMM_LEN - 1 && ev->comm[i]; i++) {
		unsigned char c = ev->comm[i];

		buf[i] = (c < 0x20 || c >= 0x7f) ? '?' : c;
	}
	buf[i] = '\0';
}

/* "container=runc:box net=red" for what the table could name, if anything. */
static void text_labels(struct line *ln, const struct nsw_event_labels *l)
{
	const char *ctr = l->container, *pod = l->pod;

	for (size_t i = 0; i < l->nrefs && !ctr[0]; i++) {
		ctr = l->refs[i].container;
		pod = l->refs[i].pod;
	}
	if (ctr[0]) {
		put_s(ln, " container=");
		put_s(ln, ctr);
	}
	if (pod[0]) {
		put_s(ln, " pod=");
		put_s(ln, pod);
	}
	for (size_t i = 0; i < l->nrefs; i++) {
		if (l->refs[i].netns[0]) {
			put_s(ln, " netns=");
			put_s(ln, l->refs[i].netns);
		}
	}
}

static void text_namespaces(struct line *l, const struct nsw_event *ev)
{
	bool any = false;

	if (ev->after_valid) {
		for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++) {
			if (ev->ns_before[i] == ev->ns_after[i])
				continue;
			if (any)
				put_c(l, ' ');
			put_s(l, nsw_slot_name(i));
			put_c(l, ':');
			put_num(l, ev->ns_before[i], false, 0);
			put_s(l, "->");
			put_num(l, ev->ns_after[i], false, 0);
			any = true;
		}
	}
	if (ev->op == NSW_OP_SETNS && ev->target_kind == NSW_TARGET_NSFS) {
		const struct nsw_type *t = nsw_type_of_slot(ev->target_slot);

		put_s(l, any ? " target=" : "target=");
		put_s(l, t ? t->name : "?");
		put_c(l, ':');
		put_num(l, ev->target_inum, false, 0);
		any = true;
	} else if (ev->op == NSW_OP_SETNS && ev->target_kind == NSW_TARGET_PIDFD) {
		put_s(l, any ? " target=pidfd:" : "target=pidfd:");
		put_num(l, ev->target_pid, false, 0);
		any = true;
	}
	if (!any)
		put_c(l, '-');
}

/*
 * The line after its clock, kept (struct nsw_kept_line) when buf still
 * holds it whole from start.
 */
static void keep_line(struct nsw_line_presenter *lp, const struct line *ln, size_t start,
		      size_t flushed, const struct nsw_event *ev,
		      const struct nsw_event_labels *l)
{
	size_t n = ln->len - start;
	struct nsw_kept_line *k;

	if (ln->flushed != flushed || ln->len <= start || n > NSW_KEPT_PART_LEN)
		return;
	k = nsw_kept_line_store(lp->text_lines, &lp->text_line_next, ev, l);
	memcpy(k->head, ln->buf + start, n);
	k->head_len = n;
	k->valid = true;
}

/* lp: the presenter, whose caches help, or NULL. */
static void text_event(struct line *ln, struct nsw_line_presenter *lp,
		       const struct nsw_event *ev, int64_t offset_ns,
		       const struct nsw_event_labels *l)
{
	struct nsw_event_labels plain;
	char comm[NSW_COMM_LEN], ebuf[ERRNO_NAME_LEN];
	int64_t ret = (int64_t)ev->ret;
	const struct nsw_kept_line *k;
	size_t start, flushed;

	put_clock(ln, lp ? &lp->local : NULL, ev->ts_ns, offset_ns);
	k = lp && l ? nsw_kept_line_find(lp->text_lines, ev, l) : NULL;
	if (k) {
		put_n(ln, k->head, k->head_len);
		return;
	}
	start = ln->len;
	flushed = ln->flushed;
	text_comm(ev, comm);
	put_c(ln, ' ');
	put_num(ln, ev->pid, false, PID_WIDTH);
	put_c(ln, ' ');
	put_num(ln, ev->ppid, false, PID_WIDTH);
	put_c(ln, ' ');
	put_pad(ln, comm, COMM_WIDTH);
	put_c(ln, ' ');
	put_pad(ln, nsw_op_name(ev->op), OP_WIDTH);
	put_c(ln, ' ');
	put_flags(ln, ev);
	put_c(ln, ' ');
	if (ret < 0)
		put_pad(ln, nsw_errno_name((int)-ret, ebuf, sizeof(ebuf)), RESULT_WIDTH);
	else
		put_num(ln, (unsigned long long)ret, false, RESULT_WIDTH);
	put_c(ln, ' ');
	text_namespaces(ln, ev);
	if (!l) {
		nsw_event_labels_plain(ev, &plain);
		l = &plain;
	}
	text_labels(ln, l);
	put_c(ln, '\n');
	if (lp && l != &plain)
		keep_line(lp, ln, start, flushed, ev, l);
}

/* Room for a line written without a presenter's stage. */
#define PLAIN_LINE_LEN 1024

void nsw_print_text(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l)
{
	char buf[PLAIN_LINE_LEN];
	struct line ln = { .f = f, .buf = buf, .cap = sizeof(buf) };

	text_event(&ln, NULL, ev, offset_ns, l);
	line_flush(&ln);
}

/* What an ns_empty and an ns_held line share, up to the end of their labels. */
static void print_ns_end(FILE *f, const char *op, const struct nsw_ns_entry *e, __u64 ts_ns,
			 int64_t offset_ns, __u32 last_pid, const char *container)
{
	char clock[CLOCK_TEXT_LEN * 2], by[NSW_COMM_LEN] = "-";

	text_clock(ts_ns, offset_ns, clock, sizeof(clock));
	if (e->origin == NSW_ORIGIN_CREATED)
		snprintf(by, sizeof(by), "%.15s", e->creator_comm);
	fprintf(f, "%s %-7u %-7s %-16s %-8s %-22s %-8s %s:%u", clock, last_pid,
		"-", by, op, "-", "-", nsw_types[e->type].name, e->inode);
	if (container[0])
		fprintf(f, " container=%s", container);
	if (nsw_entry_pod(e)[0])
		fprintf(f, " pod=%s", nsw_entry_pod(e));
	if (e->netns_name[0])
		fprintf(f, " netns=%s", e->netns_name);
}

static void print_ns_empty(FILE *f, const struct nsw_ns_empty *ne, int64_t offset_ns)
{
	print_ns_end(f, "ns_empty", ne->entry, ne->ts_ns, offset_ns, ne->last_pid, ne->container);
	fputc('\n', f);
}

static void text_ns_held(void *ctx, const struct nsw_ns_held *nh)
{
	struct nsw_line_presenter *lp = ctx;
	char holder[NSW_HOLDER_TEXT_LEN];

	nsw_line_presenter_flush(lp);
	nsw_holder_text(&nh->entry->held_by, holder, sizeof(holder));
	print_ns_end(lp->f, "ns_held", nh->entry, nh->ts_ns, lp->offset_ns, nh->last_pid,
		     nh->container);
	fprintf(lp->f, " held by %s\n", holder);
}

static void text_op(void *ctx, const struct nsw_event *ev,
		    const struct nsw_event_labels *l)
{
	struct nsw_line_presenter *lp = ctx;
	struct line ln = { .f = lp->f, .buf = lp->stage, .cap = sizeof(lp->stage) };

	/* In batch, after the lines the stage holds (struct nsw_line_presenter). */
	if (lp->batch)
		ln.len = lp->stage_len;
	text_event(&ln, lp, ev, lp->offset_ns, l);
	if (lp->batch && ln.cap - ln.len >= NSW_LINE_STAGE_ROOM) {
		lp->stage_len = ln.len;
		return;
	}
	line_flush(&ln);
	lp->stage_len = 0;
}

static void text_ns_empty(void *ctx, const struct nsw_ns_empty *ne)
{
	struct nsw_line_presenter *lp = ctx;

	nsw_line_presenter_flush(lp);
	print_ns_empty(lp->f, ne, lp->offset_ns);
}

/*
 * "TIME - - - throttled - - op=unshare count=N uid=U cgroup_id=C first=T last=T":
 * TIME is the last call held back's.
 */
static void text_throttled(void *ctx, const struct nsw_throttled *th)
{
	struct nsw_line_presenter *lp = ctx;
	char first[CLOCK_TEXT_LEN * 2], last[CLOCK_TEXT_LEN * 2];

	nsw_line_presenter_flush(lp);
	text_clock(th->first_ts, lp->offset_ns, first, sizeof(first));
	text_clock(th->last_ts, lp->offset_ns, last, sizeof(last));
	fprintf(lp->f, "%s %-7s %-7s %-16s %-8s %-22s %-8s op=%s count=%llu uid=%u cgroup_id=%llu first=%s last=%s\n",
		last, "-", "-", "-", "throttled", "-", "-", nsw_op_name(th->op),
		(unsigned long long)th->count, th->uid,
		(unsigned long long)th->cgroup_id, first, last);
}

static void text_flush(void *ctx)
{
	nsw_line_presenter_flush(ctx);
}

struct nsw_presenter nsw_present_text(struct nsw_line_presenter *lp)
{
	return (struct nsw_presenter){
		.on_op = text_op,
		.on_ns_empty = text_ns_empty,
		.ctx = lp,
		.on_throttled = text_throttled,
		.on_ns_held = text_ns_held,
		.on_flush = text_flush,
	};
}
