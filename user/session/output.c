// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <time.h>
#include <inttypes.h>
#include "session/output.h"
#include "lib/nsnames.h"
#include "table/nstable.h"
#include "lib/json.h"
#include "lib/util.h"

int64_t nsw_realtime_offset_ns(void)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return (real.tv_sec - mono.tv_sec) * 1000000000LL +
	       (real.tv_nsec - mono.tv_nsec);
}

void nsw_format_rfc3339(int64_t realtime_ns, char *buf, size_t len)
{
	time_t sec = realtime_ns / 1000000000LL;
	long usec = (realtime_ns % 1000000000LL) / 1000;
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, usec);
}

static int64_t event_ret(const struct nsw_event *ev)
{
	return (int64_t)ev->ret;
}

size_t nsw_event_ns_refs(const struct nsw_event *ev, struct nsw_ns_ref *refs,
			 size_t max)
{
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);
	size_t n = 0;

	if (event_ret(ev) < 0 || !ev->after_valid)
		return 0;
	if (ev->op == NSW_OP_SETNS && ev->target_kind == NSW_TARGET_NSFS) {
		const struct nsw_type *t = nsw_type_of_slot(ev->target_slot);

		if (t && max) {
			memset(&refs[0], 0, sizeof(refs[0]));
			refs[0].type = t->name;
			refs[0].inode = ev->target_inum;
			refs[0].ns_id = ev->target_ns_id;
			return 1;
		}
		return 0;
	}
	if (!ev->flags_valid)
		return 0;
	/* Each new (or, through a pidfd, joined) type is where it lands. */
	for (size_t i = 0; i < NSW_TYPE_COUNT && n < max; i++) {
		if (!(flags & nsw_types[i].flag))
			continue;
		memset(&refs[n], 0, sizeof(refs[n]));
		refs[n].type = nsw_types[i].name;
		refs[n].inode = ev->ns_after[nsw_types[i].new_slot];
		refs[n].ns_id = ev->ns_id_after[nsw_types[i].new_slot];
		n++;
	}
	return n;
}

static void json_ns_set(FILE *f, const __u32 *ns)
{
	fputc('{', f);
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		fprintf(f, "%s\"%s\":%u", i ? "," : "", nsw_slot_name(i), ns[i]);
	fputc('}', f);
}

static void json_flags(FILE *f, const struct nsw_event *ev)
{
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);
	bool first = true;

	fputs(",\"flags\":[", f);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		if (!(flags & nsw_types[i].flag))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", nsw_types[i].flag_name);
		first = false;
	}
	fputc(']', f);
	if (ev->flags_valid)
		fprintf(f, ",\"flags_raw\":%" PRIu64, (uint64_t)ev->flags);
	else
		fputs(",\"flags_raw\":null", f);
}

static void json_setns_target(FILE *f, const struct nsw_event *ev)
{
	const struct nsw_type *t;

	fprintf(f, ",\"fd\":%d", (int)ev->setns_fd);
	switch (ev->target_kind) {
	case NSW_TARGET_NSFS:
		t = nsw_type_of_slot(ev->target_slot);
		fprintf(f, ",\"target\":{\"kind\":\"nsfs\",\"type\":\"%s\",\"inode\":%u}",
			t ? t->name : "unknown", ev->target_inum);
		break;
	case NSW_TARGET_PIDFD:
		fprintf(f, ",\"target\":{\"kind\":\"pidfd\",\"pid\":%u}",
			ev->target_pid);
		break;
	}
}

static void json_labels(FILE *f, const char *container, const char *netns)
{
	if (container && container[0]) {
		fputs(",\"container\":", f);
		json_write_string(f, container, strlen(container));
	}
	if (netns && netns[0]) {
		fputs(",\"netns\":", f);
		json_write_string(f, netns, strlen(netns));
	}
}

static void json_refs(FILE *f, const struct nsw_event *ev,
		      const struct nsw_event_labels *l)
{
	if (event_ret(ev) < 0)
		return;
	fprintf(f, ",\"%s\":[", ev->op == NSW_OP_SETNS ? "joined" : "created");
	for (size_t i = 0; i < l->nrefs; i++) {
		const struct nsw_ns_ref *r = &l->refs[i];

		fprintf(f, "%s{\"type\":\"%s\",\"inode\":%u", i ? "," : "",
			r->type, r->inode);
		if (r->ns_id)
			fprintf(f, ",\"ns_id\":%" PRIu64, (uint64_t)r->ns_id);
		json_labels(f, r->container, r->netns);
		fputc('}', f);
	}
	fputc(']', f);
}

/* Without the table's labels: just the namespaces. */
static const struct nsw_event_labels *plain_labels(const struct nsw_event *ev,
						   struct nsw_event_labels *buf)
{
	memset(buf, 0, sizeof(*buf));
	buf->nrefs = nsw_event_ns_refs(ev, buf->refs, ARRAY_SIZE(buf->refs));
	return buf;
}

void nsw_print_json(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l)
{
	char ts[40], ebuf[16];
	int64_t ret = event_ret(ev);
	struct nsw_event_labels plain;

	if (!l)
		l = plain_labels(ev, &plain);
	nsw_format_rfc3339((int64_t)ev->ts_ns + offset_ns, ts, sizeof(ts));
	fprintf(f, "{\"ts\":\"%s\",\"op\":\"%s\",\"pid\":%u,\"tid\":%u,\"ppid\":%u,"
		   "\"uid\":%u,\"gid\":%u,\"comm\":",
		ts, nsw_op_name(ev->op), ev->pid, ev->tid, ev->ppid, ev->uid,
		ev->gid);
	json_write_string(f, ev->comm, sizeof(ev->comm));
	json_labels(f, l->container, NULL);
	json_flags(f, ev);
	fprintf(f, ",\"ret\":%" PRId64, ret);
	if (ret < 0)
		fprintf(f, ",\"error\":\"%s\"",
			nsw_errno_name((int)-ret, ebuf, sizeof(ebuf)));
	if (ev->op == NSW_OP_CLONE || ev->op == NSW_OP_CLONE3)
		fprintf(f, ",\"child_pid\":%u", ev->child_pid);
	if (ev->op == NSW_OP_SETNS)
		json_setns_target(f, ev);
	fprintf(f, ",\"duration_us\":%.3f", ev->duration_ns / 1000.0);
	fputs(",\"ns_before\":", f);
	json_ns_set(f, ev->ns_before);
	fputs(",\"ns_after\":", f);
	if (ev->after_valid)
		json_ns_set(f, ev->ns_after);
	else
		fputs("null", f);
	json_refs(f, ev, l);
	fputs("}\n", f);
}

void nsw_print_text_header(FILE *f)
{
	fprintf(f, "%-15s %-7s %-7s %-16s %-8s %-22s %-8s %s\n", "TIME", "PID",
		"PPID", "COMM", "OP", "FLAGS", "RESULT", "NAMESPACES");
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
	const char *ctr = l->container;

	for (size_t i = 0; i < l->nrefs && !ctr[0]; i++)
		ctr = l->refs[i].container;
	if (ctr[0])
		fprintf(f, " container=%s", ctr);
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
	int64_t real = (int64_t)ev->ts_ns + offset_ns;
	time_t sec = real / 1000000000LL;
	char flags[96], result[24], comm[NSW_COMM_LEN], clock[16];
	int64_t ret = event_ret(ev);
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	text_flags(ev, flags, sizeof(flags));
	text_comm(ev, comm);
	if (ret < 0) {
		char ebuf[16];

		snprintf(result, sizeof(result), "%s",
			 nsw_errno_name((int)-ret, ebuf, sizeof(ebuf)));
	} else {
		snprintf(result, sizeof(result), "%" PRId64, ret);
	}
	fprintf(f, "%s.%06ld %-7u %-7u %-16s %-8s %-22s %-8s ", clock,
		(long)((real % 1000000000LL) / 1000), ev->pid, ev->ppid, comm,
		nsw_op_name(ev->op), flags, result);
	text_namespaces(f, ev);
	text_labels(f, l ? l : plain_labels(ev, &plain));
	fputc('\n', f);
}

static const char *const origin_name[] = {
	[NSW_ORIGIN_SEEDED] = "seeded",
	[NSW_ORIGIN_CREATED] = "created",
	[NSW_ORIGIN_SEEN] = "seen",
};

void nsw_print_ns_empty_json(FILE *f, const struct nsw_ns_entry *e,
			     const char *container, __u32 pid, __u64 ts_ns,
			     int64_t offset_ns)
{
	char ts[40];

	nsw_format_rfc3339((int64_t)ts_ns + offset_ns, ts, sizeof(ts));
	fprintf(f, "{\"ts\":\"%s\",\"op\":\"ns_empty\",\"type\":\"%s\",\"inode\":%u",
		ts, nsw_types[e->type].name, e->inode);
	if (e->ns_id)
		fprintf(f, ",\"ns_id\":%" PRIu64, (uint64_t)e->ns_id);
	fprintf(f, ",\"last_pid\":%u,\"origin\":\"%s\"", pid, origin_name[e->origin]);
	if (e->origin == NSW_ORIGIN_CREATED) {
		fprintf(f, ",\"created_by\":{\"pid\":%u,\"comm\":", e->creator_pid);
		json_write_string(f, e->creator_comm, sizeof(e->creator_comm));
		fprintf(f, ",\"op\":\"%s\"}", nsw_op_name(e->creator_op));
	}
	json_labels(f, container, e->netns_name);
	if (e->pinned_at[0]) {
		fputs(",\"pinned_at\":", f);
		json_write_string(f, e->pinned_at, strlen(e->pinned_at));
	}
	fputs("}\n", f);
}

void nsw_print_ns_empty_text(FILE *f, const struct nsw_ns_entry *e,
			     const char *container, __u32 pid, __u64 ts_ns,
			     int64_t offset_ns)
{
	int64_t real = (int64_t)ts_ns + offset_ns;
	time_t sec = real / 1000000000LL;
	char clock[16], by[48] = "-";
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	if (e->origin == NSW_ORIGIN_CREATED)
		snprintf(by, sizeof(by), "%.15s", e->creator_comm);
	fprintf(f, "%s.%06ld %-7u %-7s %-16s %-8s %-22s %-8s %s:%u", clock,
		(long)((real % 1000000000LL) / 1000), pid, "-", by, "ns_empty",
		"-", "-", nsw_types[e->type].name, e->inode);
	if (container && container[0])
		fprintf(f, " container=%s", container);
	if (e->netns_name[0])
		fprintf(f, " netns=%s", e->netns_name);
	fputc('\n', f);
}
