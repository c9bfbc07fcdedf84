/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fairness: a token bucket per source, charged at syscall exit once the
 * filters kept the event and before a ring buffer record is reserved. A
 * flooding source then fills its own bucket, not the ring that every other
 * source's events share. What it calls beyond its share is counted per
 * (source, operation) in its bucket and reported, so nothing is dropped
 * unsaid. Included by nswatch.bpf.c after the ring buffer map.
 *
 * Kernels before 5.12 have no atomic exchange or fetch in BPF, so counts
 * are cumulative and only ever added to (XADD); the reporter turns them
 * into differences and ignores a record that another CPU's overtook.
 */
#ifndef NSW_BPF_RATELIMIT_H
#define NSW_BPF_RATELIMIT_H

#define NSW_NSEC_PER_SEC 1000000000ULL
#ifndef ARRAY_LEN
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#endif

_Static_assert((ARRAY_LEN(((struct nsw_rl_bucket *)0)->held) &
		ARRAY_LEN(((struct nsw_rl_bucket *)0)->held) - 1) == 0,
	       "held[] must have a power-of-two size");

const volatile __u64 rl_rate = 0;          /* events per second per source; 0: off */
const volatile __u64 rl_burst_units = 0;   /* bucket size, in 1e-9 events */
const volatile __u64 rl_refill_cap_ns = 0; /* time that fills an empty bucket */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSW_RATE_SOURCES_MAX);
	__type(key, struct nsw_rl_key);
	__type(value, struct nsw_rl_bucket);
} rl_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSW_RL_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} rl_counters SEC(".maps");

static __always_inline void rl_count(__u32 idx)
{
	__u64 *val = bpf_map_lookup_elem(&rl_counters, &idx);

	if (val)
		(*val)++;
}

/* An operation seen but not reported (ring full, in-flight table full). */
static __always_inline void rl_count_lost(__u32 op)
{
	if (op > 0 && op < NSW_OP_MAX)
		rl_count(op);
}

static __always_inline struct nsw_rl_bucket *rl_bucket(struct nsw_rl_key *key, __u64 now)
{
	struct nsw_rl_bucket *b = bpf_map_lookup_elem(&rl_buckets, key);
	struct nsw_rl_bucket fresh = {};

	if (b)
		return b;
	fresh.tokens = rl_burst_units;
	fresh.refill_ns = now;
	fresh.report_ns = now;
	/* Another CPU may have made it meanwhile: then that one is used. */
	bpf_map_update_elem(&rl_buckets, key, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&rl_buckets, key);
}

/* Top up for the time gone by, then take one event's worth if there is one. */
static __always_inline bool rl_take(struct nsw_rl_bucket *b, __u64 now)
{
	__u64 elapsed = 0, tokens;

	/* A CPU behind another's clock reading adds nothing, never a burst. */
	if ((__s64)(now - b->refill_ns) > 0)
		elapsed = now - b->refill_ns;
	if (elapsed > rl_refill_cap_ns)
		elapsed = rl_refill_cap_ns;
	tokens = b->tokens + elapsed * rl_rate;
	if (tokens > rl_burst_units)
		tokens = rl_burst_units;
	if (elapsed)
		b->refill_ns = now;
	if (tokens < NSW_NSEC_PER_SEC) {
		b->tokens = tokens;
		return false;
	}
	b->tokens = tokens - NSW_NSEC_PER_SEC;
	return true;
}

static __always_inline void rl_hold(struct nsw_rl_bucket *b, __u32 op, __u64 ts)
{
	struct nsw_rl_held *h;
	__u32 idx = op - 1;

	if (idx >= ARRAY_LEN(b->held))
		return;
	/*
	 * Verifiers before 6.3 lose the bound of a copy that was checked
	 * and then used: a mask they keep (held[] has a power-of-two size).
	 */
	idx &= ARRAY_LEN(b->held) - 1;
	h = &b->held[idx];
	if (h->count == h->reported)
		h->first_ts = ts;
	__sync_fetch_and_add(&h->count, 1);
	h->last_ts = ts;
	b->pending = 1;
}

/* One record per operation with calls held back since its last report. */
static __always_inline void rl_report(struct nsw_rl_bucket *b,
				      const struct nsw_rl_key *key, __u64 now)
{
	bool all_sent = true;

	b->pending = 0;
	b->report_ns = now;
	for (__u32 i = 0; i < NSW_OP_MAX - 1; i++) {
		struct nsw_rl_held *h = &b->held[i];
		struct nsw_throttled_event *rec;
		__u64 total = h->count;

		if (total == h->reported)
			continue;
		rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
		if (!rec) {
			/* The counts stay in the bucket for the next try or the end. */
			rl_count(NSW_RL_REPORT_LOST);
			all_sent = false;
			continue;
		}
		rec->kind = NSW_KIND_THROTTLED;
		rec->op = i + 1;
		rec->uid = key->uid;
		rec->pad = 0;
		rec->cgroup_id = key->cgroup_id;
		rec->total = total;
		rec->first_ts = h->first_ts;
		rec->last_ts = h->last_ts;
		h->reported = total;
		/* Rare (a second apart per source): the reporter's poll finds it. */
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	}
	if (!all_sent)
		b->pending = 1;
}

/*
 * May the event of this call (by kuid uid, begun at ts) take a ring buffer
 * record? If not, it is counted as held back for its source.
 */
static __always_inline bool rl_admit(__u32 uid, __u32 op, __u64 ts)
{
	struct nsw_rl_key key = { .uid = uid };
	struct nsw_rl_bucket *b;
	__u64 now;

	if (!rl_rate)
		return true;
	if (uid == 0)
		key.cgroup_id = bpf_get_current_cgroup_id();
	now = bpf_ktime_get_ns();
	b = rl_bucket(&key, now);
	if (!b) {
		rl_count(NSW_RL_UNTRACKED);
		return true;
	}
	if (!rl_take(b, now)) {
		rl_hold(b, op, ts);
		return false;
	}
	if (b->pending && now - b->report_ns >= NSW_RATE_REPORT_NS)
		rl_report(b, &key, now);
	return true;
}

#endif /* NSW_BPF_RATELIMIT_H */
