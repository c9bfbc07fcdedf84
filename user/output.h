/* SPDX-License-Identifier: GPL-2.0 */
/* Turning a struct nsw_event into a line of text or of JSON. */
#ifndef NSW_OUTPUT_H
#define NSW_OUTPUT_H

#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "nswatch.h"

/* A namespace an operation made or joined. */
struct nsw_ns_ref {
	const char *type;
	__u32 inode;
};

/* realtime = monotonic + offset, measured once when tracing starts. */
int64_t nsw_realtime_offset_ns(void);

/* RFC 3339, UTC, microseconds: 2026-11-22T10:26:00.123456Z */
void nsw_format_rfc3339(int64_t realtime_ns, char *buf, size_t len);

/* The namespaces an event made (clone, clone3, unshare) or joined (setns). */
size_t nsw_event_ns_refs(const struct nsw_event *ev, struct nsw_ns_ref *refs,
			 size_t max);

void nsw_print_json(FILE *f, const struct nsw_event *ev, int64_t offset_ns);
void nsw_print_text_header(FILE *f);
void nsw_print_text(FILE *f, const struct nsw_event *ev, int64_t offset_ns);

#endif /* NSW_OUTPUT_H */
