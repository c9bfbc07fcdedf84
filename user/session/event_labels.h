/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The labeller: an event's namespaces, named with what the namespace table
 * knows of them (container, `ip netns` name). The step between the table
 * and the presenter.
 */
#ifndef NSW_EVENT_LABELS_H
#define NSW_EVENT_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "nswatch.h"
#include "table/labels.h"
#include "table/nstable.h"

#define NSW_NETNS_NAME_LEN 64
/* Every namespace type once: the most one operation can make. */
#define NSW_EVENT_MAX_REFS 8

/* A namespace an operation made or joined, with what the table knows of it. */
struct nsw_ns_ref {
	const char *type;
	__u32 inode;
	__u64 ns_id;         /* 0: the kernel has none */
	char container[NSW_LABEL_TEXT_LEN]; /* nsw_label_format(), "" if none */
	char netns[NSW_NETNS_NAME_LEN];     /* `ip netns` name, "" if none */
	char pod[NSW_POD_LEN];              /* the container's Kubernetes pod uid, "" if none */
};

/* An event's namespaces with their labels. */
struct nsw_event_labels {
	struct nsw_ns_ref refs[NSW_EVENT_MAX_REFS];
	size_t nrefs;
	char container[NSW_LABEL_TEXT_LEN]; /* the caller's container, "" if none */
	char pod[NSW_POD_LEN];              /* its Kubernetes pod uid, "" if none */
};

/* The namespaces an event made (clone, clone3, unshare) or joined (setns). */
size_t nsw_event_ns_refs(const struct nsw_event *ev, struct nsw_ns_ref *refs,
			 size_t max);

/* Just the namespaces, unlabelled: for an event seen without a table. */
void nsw_event_labels_plain(const struct nsw_event *ev, struct nsw_event_labels *l);

/* The entry's container as "engine:id", or "" if it has none. */
void nsw_entry_container(struct nsw_table *t, const struct nsw_ns_entry *e,
			 char *buf, size_t len);

/* The pod uid of the entry's container ("" if none), once its label is known. */
const char *nsw_entry_pod(const struct nsw_ns_entry *e);

/*
 * The caller's container (nsw_label_format()'s text) and pod, as the kernel
 * recorded its cgroup.
 */
void nsw_event_labels_caller(struct nsw_event_labels *l, const char *container,
			     const char *pod);

/* Fill l for ev, which the table has already applied. */
void nsw_event_labels_fill(struct nsw_table *t, const struct nsw_event *ev,
			   struct nsw_event_labels *l);

/* a and b are the same record but for ts_ns and duration_ns. */
bool nsw_event_same_but_times(const struct nsw_event *a, const struct nsw_event *b);
/* a and b name the same namespaces with the same labels (refs and caller). */
bool nsw_event_labels_same(const struct nsw_event_labels *a,
			   const struct nsw_event_labels *b);

#endif /* NSW_EVENT_LABELS_H */
