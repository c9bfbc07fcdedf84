// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <time.h>
#include <inttypes.h>
#include "output.h"
#include "nsnames.h"
#include "json.h"
#include "util.h"

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
			refs[0].type = t->name;
			refs[0].inode = ev->target_inum;
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
		refs[n].type = nsw_types[i].name;
		refs[n].inode = ev->ns_after[nsw_types[i].new_slot];
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

static void json_refs(FILE *f, const struct nsw_event *ev)
{
	struct nsw_ns_ref refs[NSW_TYPE_COUNT];
	size_t n;

	if (event_ret(ev) < 0)
		return;
	n = nsw_event_ns_refs(ev, refs, ARRAY_SIZE(refs));
	fprintf(f, ",\"%s\":[", ev->op == NSW_OP_SETNS ? "joined" : "created");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s{\"type\":\"%s\",\"inode\":%u}", i ? "," : "",
			refs[i].type, refs[i].inode);
	fputc(']', f);
}

void nsw_print_json(FILE *f, const struct nsw_event *ev, int64_t offset_ns)
{
	char ts[40], ebuf[16];
	int64_t ret = event_ret(ev);

	nsw_format_rfc3339((int64_t)ev->ts_ns + offset_ns, ts, sizeof(ts));
	fprintf(f, "{\"ts\":\"%s\",\"op\":\"%s\",\"pid\":%u,\"tid\":%u,\"ppid\":%u,"
		   "\"uid\":%u,\"gid\":%u,\"comm\":",
		ts, nsw_op_name(ev->op), ev->pid, ev->tid, ev->ppid, ev->uid,
		ev->gid);
	json_write_string(f, ev->comm, sizeof(ev->comm));
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
	json_refs(f, ev);
	fputs("}\n", f);
}

void nsw_print_text_header(FILE *f)
{
	fprintf(f, "%-15s %-7s %-7s %-16s %-7s %-22s %-8s %s\n", "TIME", "PID",
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

void nsw_print_text(FILE *f, const struct nsw_event *ev, int64_t offset_ns)
{
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
	fprintf(f, "%s.%06ld %-7u %-7u %-16s %-7s %-22s %-8s ", clock,
		(long)((real % 1000000000LL) / 1000), ev->pid, ev->ppid, comm,
		nsw_op_name(ev->op), flags, result);
	text_namespaces(f, ev);
	fputc('\n', f);
}
