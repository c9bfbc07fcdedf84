/* SPDX-License-Identifier: GPL-2.0 */
/* An event's namespaces named with what the namespace table knows. */
#ifndef NSW_EVENT_LABELS_H
#define NSW_EVENT_LABELS_H

#include <stddef.h>
#include "table/nstable.h"
#include "session/output.h"

/* The entry's container as "engine:id", or "" if it has none. */
void nsw_entry_container(struct nsw_table *t, const struct nsw_ns_entry *e,
			 char *buf, size_t len);

/* Fill l for ev, which the table has already applied. */
void nsw_event_labels_fill(struct nsw_table *t, const struct nsw_event *ev,
			   struct nsw_event_labels *l);

#endif /* NSW_EVENT_LABELS_H */
