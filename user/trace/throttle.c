// SPDX-License-Identifier: GPL-2.0
/*
 * What was held back, source by source: the totals reported so far. Few
 * sources are ever throttled at once and their records come at most once a
 * second each, so a list searched in order is enough.
 */
#include <stdlib.h>
#include "trace/throttle.h"

#define SEEN_INITIAL 16

struct seen_entry {
	__u32 uid;
	__u32 op;
	__u64 cgroup_id;
	__u64 total;   /* reported so far */
	__u64 last_ts; /* of the last call reported */
};

struct nsw_throttle_seen {
	struct seen_entry *e;
	size_t n, cap;
};

struct nsw_throttle_seen *nsw_throttle_seen_new(void)
{
	return calloc(1, sizeof(struct nsw_throttle_seen));
}

void nsw_throttle_seen_free(struct nsw_throttle_seen *s)
{
	if (!s)
		return;
	free(s->e);
	free(s);
}

static struct seen_entry *seen_find(struct nsw_throttle_seen *s,
				    const struct nsw_throttled_event *rec)
{
	struct seen_entry *e;

	for (size_t i = 0; i < s->n; i++) {
		e = &s->e[i];
		if (e->uid == rec->uid && e->op == rec->op &&
		    e->cgroup_id == rec->cgroup_id)
			return e;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : SEEN_INITIAL;

		e = realloc(s->e, cap * sizeof(*e));
		if (!e)
			return NULL;
		s->e = e;
		s->cap = cap;
	}
	e = &s->e[s->n++];
	*e = (struct seen_entry){ .uid = rec->uid, .op = rec->op,
				  .cgroup_id = rec->cgroup_id };
	return e;
}

bool nsw_throttle_seen_update(struct nsw_throttle_seen *s,
			      const struct nsw_throttled_event *rec,
			      struct nsw_throttled *out)
{
	struct seen_entry *e = seen_find(s, rec);
	/* Out of memory to remember it: report the total rather than nothing. */
	struct seen_entry none = { 0 };

	if (!e)
		e = &none;
	if (rec->total <= e->total)
		return false;
	*out = (struct nsw_throttled){
		.op = rec->op,
		.uid = rec->uid,
		.cgroup_id = rec->cgroup_id,
		.count = rec->total - e->total,
		.total = rec->total,
		.first_ts = rec->first_ts,
		.last_ts = rec->last_ts,
	};
	/*
	 * The kernel restarts first_ts only when it reported last; after a
	 * report read from the map it may still be older than what that one
	 * covered.
	 */
	if (out->first_ts < e->last_ts)
		out->first_ts = e->last_ts;
	if (out->last_ts < out->first_ts)
		out->last_ts = out->first_ts;
	e->total = rec->total;
	e->last_ts = out->last_ts;
	return true;
}
