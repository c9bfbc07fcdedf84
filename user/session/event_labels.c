// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "session/event_labels.h"
#include "session/presenter.h"
#include "lib/nsnames.h"
#include "lib/util.h"

/*
 * src into dst (size bytes), cut and terminated: snprintf("%s")'s result
 * without its format parsing, for the few labels of every record.
 */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * A ref of type t: its labels empty until the table names them. Only the
 * refs an event has are written (not the whole array: 1.8 KB a record).
 */
static void ref_init(struct nsw_ns_ref *r, const char *type, __u32 inode, __u64 ns_id)
{
	r->type = type;
	r->inode = inode;
	r->ns_id = ns_id;
	r->container[0] = r->netns[0] = r->pod[0] = '\0';
}

size_t nsw_event_ns_refs(const struct nsw_event *ev, struct nsw_ns_ref *refs,
			 size_t max)
{
	__u64 flags = nsw_ns_flags(ev->op, ev->flags);
	size_t n = 0;

	if ((__s64)ev->ret < 0 || !ev->after_valid)
		return 0;
	if (ev->op == NSW_OP_SETNS && ev->target_kind == NSW_TARGET_NSFS) {
		const struct nsw_type *t = nsw_type_of_slot(ev->target_slot);

		if (t && max) {
			ref_init(&refs[0], t->name, ev->target_inum, ev->target_ns_id);
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
		ref_init(&refs[n++], nsw_types[i].name, ev->ns_after[nsw_types[i].new_slot],
			 ev->ns_id_after[nsw_types[i].new_slot]);
	}
	return n;
}

void nsw_event_labels_plain(const struct nsw_event *ev, struct nsw_event_labels *l)
{
	l->container[0] = l->pod[0] = '\0';
	l->nrefs = nsw_event_ns_refs(ev, l->refs, ARRAY_SIZE(l->refs));
}

void nsw_entry_container(struct nsw_table *t, const struct nsw_ns_entry *e,
			 char *buf, size_t len)
{
	const struct nsw_label *l = e ? nsw_table_label(t, e) : NULL;

	buf[0] = '\0';
	if (l)
		nsw_label_format(l, buf, len);
}

const char *nsw_entry_pod(const struct nsw_ns_entry *e)
{
	return e && e->label_valid ? e->label.pod : "";
}

void nsw_event_labels_caller(struct nsw_event_labels *l, const char *container,
			     const char *pod)
{
	copy_text(l->container, sizeof(l->container), container);
	copy_text(l->pod, sizeof(l->pod), pod);
}

void nsw_event_labels_fill(struct nsw_table *t, const struct nsw_event *ev,
			   struct nsw_event_labels *l)
{
	const struct nsw_ns_entry *e;

	nsw_event_labels_plain(ev, l);
	for (size_t i = 0; i < l->nrefs; i++) {
		struct nsw_ns_ref *r = &l->refs[i];

		e = nsw_table_find(t, nsw_type_index(r->type), r->inode, r->ns_id);
		if (!e)
			continue;
		nsw_entry_container(t, e, r->container, sizeof(r->container));
		copy_text(r->pod, sizeof(r->pod), nsw_entry_pod(e));
		copy_text(r->netns, sizeof(r->netns), e->netns_name);
	}
	/* The caller's container: the one its mount namespace belongs to. */
	e = nsw_table_find(t, nsw_type_of_slot(NSW_SLOT_MNT) - nsw_types,
			   ev->ns_before[NSW_SLOT_MNT], 0);
	nsw_entry_container(t, e, l->container, sizeof(l->container));
	copy_text(l->pod, sizeof(l->pod), nsw_entry_pod(e));
}

/*
 * The two times lie together between the other fields: the record is
 * compared whole but for them (a field a line does not show only costs a
 * miss).
 */
_Static_assert(offsetof(struct nsw_event, duration_ns) ==
		       offsetof(struct nsw_event, ts_ns) + sizeof(__u64) &&
	       offsetof(struct nsw_event, flags) ==
		       offsetof(struct nsw_event, duration_ns) + sizeof(__u64),
	       "ts_ns and duration_ns lie together, between the other fields");
#define EV_TIMES_START offsetof(struct nsw_event, ts_ns)
#define EV_TIMES_END offsetof(struct nsw_event, flags)

bool nsw_event_same_but_times(const struct nsw_event *a, const struct nsw_event *b)
{
	return !memcmp(a, b, EV_TIMES_START) &&
	       !memcmp((const char *)a + EV_TIMES_END, (const char *)b + EV_TIMES_END,
		       sizeof(*a) - EV_TIMES_END);
}

/* strcmp() == 0 without its call for the usual case, two empty labels. */
static inline bool same_text(const char *a, const char *b)
{
	return a[0] == b[0] && (!a[0] || !strcmp(a, b));
}

static bool same_ref(const struct nsw_ns_ref *a, const struct nsw_ns_ref *b)
{
	return a->inode == b->inode && a->ns_id == b->ns_id &&
	       (a->type == b->type || !strcmp(a->type, b->type)) &&
	       same_text(a->container, b->container) && same_text(a->netns, b->netns) &&
	       same_text(a->pod, b->pod);
}

bool nsw_event_labels_same(const struct nsw_event_labels *a, const struct nsw_event_labels *b)
{
	if (a->nrefs != b->nrefs || !same_text(a->container, b->container) ||
	    !same_text(a->pod, b->pod))
		return false;
	for (size_t i = 0; i < a->nrefs; i++)
		if (!same_ref(&a->refs[i], &b->refs[i]))
			return false;
	return true;
}

const struct nsw_kept_line *nsw_kept_line_find(const struct nsw_kept_line *lines,
					       const struct nsw_event *ev,
					       const struct nsw_event_labels *l)
{
	for (unsigned int i = 0; i < NSW_KEPT_LINES; i++) {
		const struct nsw_kept_line *c = &lines[i];

		if (c->valid && nsw_event_same_but_times(&c->ev, ev) &&
		    nsw_event_labels_same(&c->l, l))
			return c;
	}
	return NULL;
}

struct nsw_kept_line *nsw_kept_line_store(struct nsw_kept_line *lines, unsigned int *next,
					  const struct nsw_event *ev,
					  const struct nsw_event_labels *l)
{
	struct nsw_kept_line *c = &lines[*next];

	*next = (*next + 1) % NSW_KEPT_LINES;
	c->valid = false;
	c->ev = *ev;
	c->l.nrefs = l->nrefs;
	memcpy(c->l.refs, l->refs, l->nrefs * sizeof(l->refs[0]));
	copy_text(c->l.container, sizeof(c->l.container), l->container);
	copy_text(c->l.pod, sizeof(c->l.pod), l->pod);
	return c;
}
