// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "table/event_labels.h"
#include "lib/nsnames.h"
#include "lib/util.h"

void nsw_entry_container(struct nsw_table *t, const struct nsw_ns_entry *e,
			 char *buf, size_t len)
{
	const struct nsw_label *l = e ? nsw_table_label(t, e) : NULL;

	buf[0] = '\0';
	if (l)
		nsw_label_format(l, buf, len);
}

void nsw_event_labels_fill(struct nsw_table *t, const struct nsw_event *ev,
			   struct nsw_event_labels *l)
{
	const struct nsw_ns_entry *e;

	memset(l, 0, sizeof(*l));
	l->nrefs = nsw_event_ns_refs(ev, l->refs, ARRAY_SIZE(l->refs));
	for (size_t i = 0; i < l->nrefs; i++) {
		struct nsw_ns_ref *r = &l->refs[i];
		e = nsw_table_find(t, nsw_type_index(r->type), r->inode, r->ns_id);
		if (!e)
			continue;
		nsw_entry_container(t, e, r->container, sizeof(r->container));
		snprintf(r->netns, sizeof(r->netns), "%s", e->netns_name);
	}
	/* The caller's container: the one its mount namespace belongs to. */
	e = nsw_table_find(t, nsw_type_of_slot(NSW_SLOT_MNT) - nsw_types,
			   ev->ns_before[NSW_SLOT_MNT], 0);
	nsw_entry_container(t, e, l->container, sizeof(l->container));
}
