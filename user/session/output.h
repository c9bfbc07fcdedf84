/* SPDX-License-Identifier: GPL-2.0 */
/* Turning a struct nsw_event into a line of text or of JSON. */
#ifndef NSW_OUTPUT_H
#define NSW_OUTPUT_H

#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "nswatch.h"
#include "table/labels.h"

struct nsw_ns_entry;

/* A namespace an operation made or joined, with what the table knows of it. */
struct nsw_ns_ref {
	const char *type;
	__u32 inode;
	__u64 ns_id;         /* 0: the kernel has none */
	char container[NSW_LABEL_TEXT_LEN]; /* nsw_label_format(), "" if none */
	char netns[64];      /* `ip netns` name, "" if none */
};

/* An event's namespaces with their labels: built by the reporter. */
struct nsw_event_labels {
	struct nsw_ns_ref refs[8];
	size_t nrefs;
	char container[NSW_LABEL_TEXT_LEN]; /* the caller's container, "" if none */
};

/* realtime = monotonic + offset, measured once when tracing starts. */
int64_t nsw_realtime_offset_ns(void);

/* RFC 3339, UTC, microseconds: 2026-11-22T10:26:00.123456Z */
void nsw_format_rfc3339(int64_t realtime_ns, char *buf, size_t len);

/* The namespaces an event made (clone, clone3, unshare) or joined (setns). */
size_t nsw_event_ns_refs(const struct nsw_event *ev, struct nsw_ns_ref *refs,
			 size_t max);

/* l may be NULL: the refs are then computed here, without labels. */
void nsw_print_json(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l);
void nsw_print_text_header(FILE *f);
void nsw_print_text(FILE *f, const struct nsw_event *ev, int64_t offset_ns,
		    const struct nsw_event_labels *l);

/* The ns_empty lifecycle event: the last known holder (pid) is gone. */
void nsw_print_ns_empty_json(FILE *f, const struct nsw_ns_entry *e,
			     const char *container, __u32 pid, __u64 ts_ns,
			     int64_t offset_ns);
void nsw_print_ns_empty_text(FILE *f, const struct nsw_ns_entry *e,
			     const char *container, __u32 pid, __u64 ts_ns,
			     int64_t offset_ns);

#endif /* NSW_OUTPUT_H */
