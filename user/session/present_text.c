// SPDX-License-Identifier: GPL-2.0
/* `trace`'s text presenter: one line per item, in columns for people. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "session/presenter.h"
#include "lib/clock.h"
#include "lib/nsnames.h"

#define CLOCK_TEXT_LEN 16
#define FLAGS_TEXT_LEN 96
#define RESULT_TEXT_LEN 24
#define ERRNO_NAME_LEN 16

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

static void text_flags(const struct nsw_event *ev, char *buf, size_t len)
{
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NSW_TYPE_COUNT && off < len; i++) {
		if (flags & nsw_types[i].flag)
			off += snprintf(buf + off, len - off, "%s%s",
					off ? "|" : "", nsw_types[i].name);
	}
	if (!off)
		snprintf(buf, len, "-");
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
static void text_labels(FILE *f, const struct nsw_event_labels *l)
{
	const char *ctr = l->container, *pod = l->pod;

	for (size_t i = 0; i < l->nrefs && !ctr[0]; i++) {
		ctr = l->refs[i].container;
		pod = l->refs[i].pod;
	}
	if (ctr[0])
		fprintf(f, " container=%s", ctr);
	if (pod[0])
		fprintf(f, " pod=%s", pod);
	for (size_t i = 0; i < l->nrefs; i++)
		if (l->refs[i].netns[0])
			fprintf(f, " netns=%s", l->refs[i].netns);
}

static void text_namespaces(FILE *f, const struct nsw_event *ev)
{
	bool any = false;

	if (ev->after_valid) {
		for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++) {
			if (ev->ns_before[i] == ev->ns_after[i])
				continue;
			fprintf(f, "%s%s:%u->%u", any ? " " : "", nsw_slot_name(i),
				ev->ns_before[i], ev->ns_after[i]);
			any = true;
		}
	}
	if (ev->op == NSW_OP_SETNS && ev->target_kind == NSW_TARGET_NSFS) {
		const struct nsw_type *t = nsw_type_of_slot(ev->target_slot);

		fprintf(f, "%starget=%s:%u", any ? " " : "", t ? t->name : "?",
			ev->target_inum);
		any = true;
	} else if (ev->op == NSW_OP_SETNS && ev->target_kind == NSW_TARGET_PIDFD) {
		fprintf(f, "%starget=pidfd:%u", any ? " " : "", ev->target_pid);
		any = true;
	}
	if (!any)
		fputc('-', f);
}

void nsw_print_text(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l)
{
	struct nsw_event_labels plain;
	char clock[CLOCK_TEXT_LEN * 2], flags[FLAGS_TEXT_LEN], result[RESULT_TEXT_LEN];
	char comm[NSW_COMM_LEN], ebuf[ERRNO_NAME_LEN];
	int64_t ret = (int64_t)ev->ret;

	text_clock(ev->ts_ns, offset_ns, clock, sizeof(clock));
	text_flags(ev, flags, sizeof(flags));
	text_comm(ev, comm);
	if (ret < 0)
		snprintf(result, sizeof(result), "%s",
			 nsw_errno_name((int)-ret, ebuf, sizeof(ebuf)));
	else
		snprintf(result, sizeof(result), "%" PRId64, ret);
	fprintf(f, "%s %-7u %-7u %-16s %-8s %-22s %-8s ", clock, ev->pid, ev->ppid,
		comm, nsw_op_name(ev->op), flags, result);
	text_namespaces(f, ev);
	if (!l) {
		nsw_event_labels_plain(ev, &plain);
		l = &plain;
	}
	text_labels(f, l);
	fputc('\n', f);
}

static void print_ns_empty(FILE *f, const struct nsw_ns_empty *ne, int64_t offset_ns)
{
	const struct nsw_ns_entry *e = ne->entry;
	char clock[CLOCK_TEXT_LEN * 2], by[NSW_COMM_LEN] = "-";

	text_clock(ne->ts_ns, offset_ns, clock, sizeof(clock));
	if (e->origin == NSW_ORIGIN_CREATED)
		snprintf(by, sizeof(by), "%.15s", e->creator_comm);
	fprintf(f, "%s %-7u %-7s %-16s %-8s %-22s %-8s %s:%u", clock, ne->last_pid,
		"-", by, "ns_empty", "-", "-", nsw_types[e->type].name, e->inode);
	if (ne->container[0])
		fprintf(f, " container=%s", ne->container);
	if (nsw_entry_pod(e)[0])
		fprintf(f, " pod=%s", nsw_entry_pod(e));
	if (e->netns_name[0])
		fprintf(f, " netns=%s", e->netns_name);
	fputc('\n', f);
}

static void text_ns_held(void *ctx, const struct nsw_ns_held *nh)
{
	struct nsw_line_presenter *lp = ctx;
	const struct nsw_ns_entry *e = nh->entry;
	char clock[CLOCK_TEXT_LEN * 2], by[NSW_COMM_LEN] = "-";
	char holder[NSW_HOLDER_TEXT_LEN];

	text_clock(nh->ts_ns, lp->offset_ns, clock, sizeof(clock));
	if (e->origin == NSW_ORIGIN_CREATED)
		snprintf(by, sizeof(by), "%.15s", e->creator_comm);
	nsw_holder_text(&e->held_by, holder, sizeof(holder));
	fprintf(lp->f, "%s %-7u %-7s %-16s %-8s %-22s %-8s %s:%u", clock, nh->last_pid,
		"-", by, "ns_held", "-", "-", nsw_types[e->type].name, e->inode);
	if (nh->container[0])
		fprintf(lp->f, " container=%s", nh->container);
	if (nsw_entry_pod(e)[0])
		fprintf(lp->f, " pod=%s", nsw_entry_pod(e));
	if (e->netns_name[0])
		fprintf(lp->f, " netns=%s", e->netns_name);
	fprintf(lp->f, " held by %s\n", holder);
}

static void text_op(void *ctx, const struct nsw_event *ev,
		    const struct nsw_event_labels *l)
{
	struct nsw_line_presenter *lp = ctx;

	nsw_print_text(lp->f, ev, lp->offset_ns, l);
}

static void text_ns_empty(void *ctx, const struct nsw_ns_empty *ne)
{
	struct nsw_line_presenter *lp = ctx;

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

	text_clock(th->first_ts, lp->offset_ns, first, sizeof(first));
	text_clock(th->last_ts, lp->offset_ns, last, sizeof(last));
	fprintf(lp->f, "%s %-7s %-7s %-16s %-8s %-22s %-8s op=%s count=%llu uid=%u cgroup_id=%llu first=%s last=%s\n",
		last, "-", "-", "-", "throttled", "-", "-", nsw_op_name(th->op),
		(unsigned long long)th->count, th->uid,
		(unsigned long long)th->cgroup_id, first, last);
}

struct nsw_presenter nsw_present_text(struct nsw_line_presenter *lp)
{
	return (struct nsw_presenter){
		.on_op = text_op,
		.on_ns_empty = text_ns_empty,
		.ctx = lp,
		.on_throttled = text_throttled,
		.on_ns_held = text_ns_held,
	};
}
