// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer's consumer (trace/ring.c) over memory laid out as the
 * kernel maps a BPF ring: records in order, a discarded one skipped, a
 * reserved one (busy) stopping the read until it is committed, a record
 * across the end read whole from the second mapping, and the consumer
 * position never published past a record before its callback has run.
 * And the kernel's record of a namespace operation (struct nsw_nsop_wire)
 * handed on as the struct nsw_event it stands for, field by field, with and
 * without the parts a kernel may not have; a record the reader cannot read
 * (cut short, of no known kind) is counted, under its operation where it
 * holds one, and never handed on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include "trace/ring.h"

#define RING_SIZE 256
#define REC_ALIGN 8

struct fake_ring {
	unsigned long consumer_pos, producer_pos;
	unsigned char data[2 * RING_SIZE]; /* mapped twice, as the kernel does */
	struct nsw_ring_view v;
	/* What the callback saw. */
	int calls;
	unsigned char seen[16][64];
	size_t seen_len[16];
	bool check_ahead;      /* positions below RING_SIZE: the data's offset is the position */
	bool published_ahead;
};

static void fake_init(struct fake_ring *r, unsigned long start, unsigned long release)
{
	memset(r, 0, sizeof(*r));
	r->consumer_pos = r->producer_pos = start;
	r->v = (struct nsw_ring_view){
		.consumer_pos = &r->consumer_pos,
		.producer_pos = &r->producer_pos,
		.data = r->data,
		.mask = RING_SIZE - 1,
		.release_bytes = release,
	};
}

/* Write one record at the producer's position; returns its position. */
static unsigned long fake_put(struct fake_ring *r, const char *text, unsigned int flags)
{
	unsigned long pos = r->producer_pos;
	unsigned int len = (unsigned int)strlen(text);
	unsigned int hdr[2] = { len | flags, 0 };
	unsigned char rec[BPF_RINGBUF_HDR_SZ + 64];
	size_t total = (BPF_RINGBUF_HDR_SZ + len + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1);

	memset(rec, 0, sizeof(rec));
	memcpy(rec, hdr, sizeof(hdr));
	memcpy(rec + BPF_RINGBUF_HDR_SZ, text, len);
	for (size_t i = 0; i < total; i++) {
		size_t at = (pos + i) & (RING_SIZE - 1);

		r->data[at] = r->data[at + RING_SIZE] = rec[i];
	}
	r->producer_pos = pos + total;
	return pos;
}

static void fake_commit(struct fake_ring *r, unsigned long pos)
{
	unsigned int *hdr = (unsigned int *)(r->data + (pos & (RING_SIZE - 1)));

	*hdr &= ~BPF_RINGBUF_BUSY_BIT;
	*(unsigned int *)(r->data + RING_SIZE + (pos & (RING_SIZE - 1))) = *hdr;
}

static void on_rec(void *ctx, const void *data, size_t size)
{
	struct fake_ring *r = ctx;
	unsigned long pos = (unsigned long)((const unsigned char *)data - BPF_RINGBUF_HDR_SZ -
					    r->data);

	/* The record's own bytes must not be handed back to the producer yet. */
	if (r->check_ahead && r->consumer_pos > pos)
		r->published_ahead = true;
	if (r->calls < 16) {
		memcpy(r->seen[r->calls], data, size);
		r->seen_len[r->calls] = size;
	}
	r->calls++;
}

static int consume(struct fake_ring *r)
{
	return nsw_ring_view_consume(&r->v, on_rec, r);
}

static void test_records_in_order_discarded_skipped(void **state)
{
	struct fake_ring r;

	(void)state;
	fake_init(&r, 0, RING_SIZE);
	fake_put(&r, "first", 0);
	fake_put(&r, "dropped", BPF_RINGBUF_DISCARD_BIT);
	fake_put(&r, "third record", 0);
	assert_int_equal(consume(&r), 2);
	assert_int_equal(r.calls, 2);
	assert_int_equal(r.seen_len[0], 5);
	assert_memory_equal(r.seen[0], "first", 5);
	assert_int_equal(r.seen_len[1], 12);
	assert_memory_equal(r.seen[1], "third record", 12);
	assert_int_equal(r.consumer_pos, r.producer_pos);
	assert_int_equal(consume(&r), 0);
}

static void test_busy_record_stops_until_committed(void **state)
{
	struct fake_ring r;
	unsigned long busy;

	(void)state;
	fake_init(&r, 0, RING_SIZE);
	fake_put(&r, "one", 0);
	busy = fake_put(&r, "two", BPF_RINGBUF_BUSY_BIT);
	fake_put(&r, "three", 0);
	assert_int_equal(consume(&r), 1);
	assert_int_equal(r.consumer_pos, busy);
	fake_commit(&r, busy);
	assert_int_equal(consume(&r), 2);
	assert_memory_equal(r.seen[1], "two", 3);
	assert_memory_equal(r.seen[2], "three", 5);
	assert_int_equal(r.consumer_pos, r.producer_pos);
}

static void test_record_across_the_end_reads_whole(void **state)
{
	struct fake_ring r;
	const char *text = "a record that wraps around the end";

	(void)state;
	/* Positions grow past the size: only their low bits index the data. */
	fake_init(&r, 3 * RING_SIZE - 16, RING_SIZE);
	fake_put(&r, text, 0);
	assert_int_equal(consume(&r), 1);
	assert_int_equal(r.seen_len[0], strlen(text));
	assert_memory_equal(r.seen[0], text, strlen(text));
	assert_int_equal(r.consumer_pos, r.producer_pos);
}

/* Published every 16 bytes: never past a record still being read. */
static void test_position_published_in_batches_never_ahead(void **state)
{
	struct fake_ring r;

	(void)state;
	fake_init(&r, 0, 16);
	r.check_ahead = true;
	for (int i = 0; i < 8; i++)
		fake_put(&r, "rec", 0);
	assert_int_equal(consume(&r), 8);
	assert_false(r.published_ahead);
	assert_int_equal(r.consumer_pos, r.producer_pos);
}

/* A setns record as a 6.18 kernel with a v1 hierarchy writes it. */
static size_t wire_setns(struct nsw_nsop_wire *w, unsigned int wire)
{
	size_t n = 0;

	memset(w, 0, sizeof(*w));
	w->kind = NSW_KIND_NSOP_WIRE;
	w->op = NSW_OP_SETNS;
	w->after_valid = 1;
	w->flags_valid = 1;
	w->target_kind = NSW_TARGET_NSFS;
	w->ts_ns = 0x1122334455667788ULL;
	w->duration_ns = 5000000001ULL; /* more than 32 bits hold */
	w->flags = 0x04000000;
	w->ret = -22;
	w->pid = 101;
	w->tid = 102;
	w->ppid = 103;
	w->uid = 104;
	w->gid = 105;
	w->setns_fd = 7;
	w->target_inum = 4026532177U;
	w->target_slot = NSW_SLOT_UTS;
	w->wire = wire;
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++) {
		w->ns_before[i] = 4026531830U + i;
		w->ns_after[i] = 4026531830U + i + (i == NSW_SLOT_UTS ? 347 : 0);
	}
	memcpy(w->comm, "nsw_flipns", sizeof("nsw_flipns"));
	w->cgroup_id = 0x600000001ULL;
	if (wire & NSW_WIRE_IDS) {
		for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
			w->tail[i] = (1ULL << 33) + i; /* ids past 32 bits arrive whole */
		w->tail[NSW_SLOT_COUNT] = 17821677ULL;
		n = NSW_WIRE_IDS_COUNT;
	}
	if (wire & NSW_WIRE_V1)
		w->tail[n++] = 0x700000002ULL;
	return offsetof(struct nsw_nsop_wire, tail) + n * sizeof(w->tail[0]);
}

static void test_nsop_decoded_field_by_field(void **state)
{
	struct nsw_nsop_wire w;
	struct nsw_event ev;
	size_t size = wire_setns(&w, NSW_WIRE_IDS | NSW_WIRE_V1);

	(void)state;
	assert_int_equal(size, offsetof(struct nsw_nsop_wire, tail) + 12 * sizeof(__u64));
	assert_true(nsw_nsop_decode(&w, size, &ev));
	assert_int_equal(ev.kind, NSW_KIND_NSOP);
	assert_int_equal(ev.op, NSW_OP_SETNS);
	assert_int_equal(ev.ts_ns, 0x1122334455667788ULL);
	assert_int_equal(ev.duration_ns, 5000000001ULL);
	assert_int_equal(ev.flags, 0x04000000);
	assert_int_equal((__s64)ev.ret, -22);
	assert_int_equal(ev.pid, 101);
	assert_int_equal(ev.tid, 102);
	assert_int_equal(ev.ppid, 103);
	assert_int_equal(ev.uid, 104);
	assert_int_equal(ev.gid, 105);
	assert_int_equal(ev.setns_fd, 7);
	assert_int_equal(ev.child_pid, 0);
	assert_int_equal(ev.after_valid, 1);
	assert_int_equal(ev.flags_valid, 1);
	assert_int_equal(ev.target_kind, NSW_TARGET_NSFS);
	assert_int_equal(ev.target_inum, 4026532177U);
	assert_int_equal(ev.target_pid, 0);
	assert_int_equal(ev.target_slot, NSW_SLOT_UTS);
	assert_memory_equal(ev.ns_before, w.ns_before, sizeof(ev.ns_before));
	assert_memory_equal(ev.ns_after, w.ns_after, sizeof(ev.ns_after));
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		assert_int_equal(ev.ns_id_after[i], (1ULL << 33) + i);
	assert_int_equal(ev.target_ns_id, 17821677ULL);
	assert_string_equal(ev.comm, "nsw_flipns");
	assert_int_equal(ev.cgroup_id, 0x600000001ULL);
	assert_int_equal(ev.cgroup_v1_id, 0x700000002ULL);
}

/* Before 6.18 (no ns_id), on a v2-only host: 176 bytes, the ids 0. */
static void test_nsop_without_ids_or_v1_is_the_head_alone(void **state)
{
	struct nsw_nsop_wire w;
	struct nsw_event ev;
	size_t size = wire_setns(&w, 0);

	(void)state;
	assert_int_equal(size, offsetof(struct nsw_nsop_wire, tail));
	assert_true(size < sizeof(struct nsw_event));
	assert_true(nsw_nsop_decode(&w, size, &ev));
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		assert_int_equal(ev.ns_id_after[i], 0);
	assert_int_equal(ev.target_ns_id, 0);
	assert_int_equal(ev.cgroup_v1_id, 0);
	assert_int_equal(ev.cgroup_id, 0x600000001ULL);

	/* The v1 cgroup alone takes the ids' place. */
	size = wire_setns(&w, NSW_WIRE_V1);
	assert_true(nsw_nsop_decode(&w, size, &ev));
	assert_int_equal(ev.cgroup_v1_id, 0x700000002ULL);
	assert_int_equal(ev.target_ns_id, 0);
}

/* The unions are told apart by op and target kind. */
static void test_nsop_clone_and_pidfd_fields(void **state)
{
	struct nsw_nsop_wire w;
	struct nsw_event ev;
	size_t size = wire_setns(&w, NSW_WIRE_IDS);

	(void)state;
	w.target_kind = NSW_TARGET_PIDFD;
	w.target_pid = 4242;
	assert_true(nsw_nsop_decode(&w, size, &ev));
	assert_int_equal(ev.target_pid, 4242);
	assert_int_equal(ev.target_inum, 0);

	w.op = NSW_OP_CLONE3;
	w.target_kind = NSW_TARGET_NONE;
	w.target_inum = 0;
	w.child_pid = 777;
	w.ret = 777;
	assert_true(nsw_nsop_decode(&w, size, &ev));
	assert_int_equal(ev.op, NSW_OP_CLONE3);
	assert_int_equal(ev.child_pid, 777);
	assert_int_equal(ev.setns_fd, 0);
	assert_int_equal(ev.ret, 777);
}

static void test_nsop_cut_short_is_refused(void **state)
{
	struct nsw_nsop_wire w;
	struct nsw_event ev;
	size_t size = wire_setns(&w, NSW_WIRE_IDS | NSW_WIRE_V1);

	(void)state;
	assert_false(nsw_nsop_decode(&w, size - 1, &ev));
	assert_false(nsw_nsop_decode(&w, offsetof(struct nsw_nsop_wire, tail) - 1, &ev));
	size = wire_setns(&w, 0);
	assert_false(nsw_nsop_decode(&w, size - 8, &ev));
}

/* A ring big enough for namespace records, the same layout as fake_ring. */
#define BIG_RING_SIZE 2048

struct big_ring {
	unsigned long consumer_pos, producer_pos;
	unsigned char data[2 * BIG_RING_SIZE];
	struct nsw_ring_view v;
	int calls;
	__u32 kind;
	size_t size;
	struct nsw_event ev;
	struct nsw_ring_reader reader;
};

static void big_put(struct big_ring *r, const void *rec, unsigned int len)
{
	unsigned int hdr[2] = { len, 0 };
	size_t total = (BPF_RINGBUF_HDR_SZ + len + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1);
	unsigned char *at = r->data + (r->producer_pos & (BIG_RING_SIZE - 1));

	memcpy(at, hdr, sizeof(hdr));
	memcpy(at + BPF_RINGBUF_HDR_SZ, rec, len);
	r->producer_pos += total;
}

static void on_big(void *ctx, const void *data, size_t size)
{
	struct big_ring *r = ctx;

	r->calls++;
	r->kind = *(const __u32 *)data;
	r->size = size;
	if (size == sizeof(r->ev))
		memcpy(&r->ev, data, size);
}

static void big_init(struct big_ring *r)
{
	memset(r, 0, sizeof(*r));
	r->v = (struct nsw_ring_view){
		.consumer_pos = &r->consumer_pos,
		.producer_pos = &r->producer_pos,
		.data = r->data,
		.mask = BIG_RING_SIZE - 1,
		.release_bytes = BIG_RING_SIZE,
	};
	r->reader = (struct nsw_ring_reader){ .fn = on_big, .ctx = r };
}

/* Through the reader, as the tracer consumes: records read, or counted. */
static int big_consume(struct big_ring *r)
{
	return nsw_ring_view_consume(&r->v, nsw_ring_read, &r->reader);
}

static void test_consumer_hands_on_nsop_as_nsw_event(void **state)
{
	static struct big_ring r;
	struct nsw_nsop_wire w;
	size_t size = wire_setns(&w, NSW_WIRE_IDS);

	(void)state;
	big_init(&r);
	big_put(&r, &w, (unsigned int)size);
	/* Cut short: not handed on as something else. */
	big_put(&r, &w, (unsigned int)size - 8);
	assert_int_equal(big_consume(&r), 2);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.kind, NSW_KIND_NSOP);
	assert_int_equal(r.size, sizeof(struct nsw_event));
	assert_int_equal(r.ev.target_ns_id, 17821677ULL);
	assert_int_equal(r.ev.ns_after[NSW_SLOT_UTS], 4026531830U + NSW_SLOT_UTS + 347);
	assert_int_equal(r.consumer_pos, r.producer_pos);
	/* ... but counted, under its operation. */
	assert_int_equal(r.reader.unread.count, 1);
	assert_int_equal(r.reader.unread.op[NSW_OP_SETNS], 1);
}

/* Put one record of size bytes and consume it: whether it was handed on. */
static bool big_one(struct big_ring *r, const void *rec, size_t size)
{
	int calls = r->calls;

	big_put(r, rec, (unsigned int)size);
	assert_int_equal(big_consume(r), 1);
	assert_int_equal(r->consumer_pos, r->producer_pos);
	return r->calls > calls;
}

/*
 * A namespace operation the reader cannot read is lost like one the ring
 * had no room for: counted under its op where the record holds one, so
 * that delivered + throttled + lost = performed still holds.
 */
static void test_unreadable_nsop_counted_under_its_op(void **state)
{
	static struct big_ring r;
	const struct nsw_ring_unread *u = &r.reader.unread;
	struct nsw_nsop_wire w;
	struct nsw_event ev = { .kind = NSW_KIND_NSOP, .op = NSW_OP_CLONE3 };
	size_t size = wire_setns(&w, NSW_WIRE_IDS | NSW_WIRE_V1);

	(void)state;
	big_init(&r);
	/* Control: whole, it is read and nothing is counted. */
	assert_true(big_one(&r, &w, size));
	assert_int_equal(r.kind, NSW_KIND_NSOP);
	assert_int_equal(u->count, 0);

	/* Shorter than its wire bits say. */
	w.op = NSW_OP_UNSHARE;
	assert_false(big_one(&r, &w, size - sizeof(w.tail[0])));
	assert_int_equal(u->count, 1);
	assert_int_equal(u->op[NSW_OP_UNSHARE], 1);
	assert_int_equal(u->first_kind, NSW_KIND_NSOP_WIRE);
	assert_int_equal(u->first_size, size - sizeof(w.tail[0]));

	/* Shorter than the head, still holding op. */
	w.op = NSW_OP_CLONE;
	assert_false(big_one(&r, &w, offsetof(struct nsw_nsop_wire, op) + sizeof(w.op)));
	assert_int_equal(u->op[NSW_OP_CLONE], 1);

	/* A decoded-kind record cut short, the same. */
	assert_false(big_one(&r, &ev, sizeof(ev) - 1));
	assert_int_equal(u->op[NSW_OP_CLONE3], 1);

	/* Too short for op, or an op that is none: counted, under no operation. */
	assert_false(big_one(&r, &w, offsetof(struct nsw_nsop_wire, op)));
	w.op = NSW_OP_MAX;
	assert_false(big_one(&r, &w, size - sizeof(w.tail[0])));
	assert_int_equal(u->op[0], 2);
	assert_int_equal(u->op[NSW_OP_SETNS], 0);
	assert_int_equal(u->count, 5);
	/* The first is still the one a warning names. */
	assert_int_equal(u->first_size, size - sizeof(w.tail[0]));

	/* Control again: a whole record after them is read. */
	w.op = NSW_OP_SETNS;
	assert_true(big_one(&r, &w, size));
	assert_int_equal(r.ev.op, NSW_OP_SETNS);
	assert_int_equal(u->count, 5);
}

/*
 * Fork, exec and exit records, throttled records and records of no kind
 * this build knows: handed on only whole, else counted, under no
 * operation (a throttled record's calls come again with the next one).
 */
static void test_unreadable_proc_and_other_records_counted(void **state)
{
	static struct big_ring r;
	const struct nsw_ring_unread *u = &r.reader.unread;
	struct nsw_proc_event p = { .kind = NSW_KIND_FORK, .pid = 4242 };
	struct nsw_throttled_event th = {
		.kind = NSW_KIND_THROTTLED, .op = NSW_OP_SETNS, .total = 3,
	};
	__u32 unknown[8] = { NSW_KIND_NSOP_WIRE + 1 };

	(void)state;
	big_init(&r);
	/* Controls: whole, they are handed on as they are. */
	assert_true(big_one(&r, &p, sizeof(p)));
	assert_int_equal(r.kind, NSW_KIND_FORK);
	assert_int_equal(r.size, sizeof(p));
	assert_true(big_one(&r, &th, sizeof(th)));
	assert_int_equal(r.kind, NSW_KIND_THROTTLED);
	assert_int_equal(u->count, 0);

	p.kind = NSW_KIND_EXIT;
	assert_false(big_one(&r, &p, sizeof(p) - 1));
	assert_int_equal(u->count, 1);
	assert_int_equal(u->first_kind, NSW_KIND_EXIT);
	assert_int_equal(u->first_size, sizeof(p) - 1);
	assert_false(big_one(&r, &th, sizeof(th) - sizeof(th.last_ts)));
	assert_false(big_one(&r, unknown, sizeof(unknown)));
	assert_false(big_one(&r, unknown, sizeof(__u32) - 1));
	assert_int_equal(u->count, 4);
	assert_int_equal(u->op[0], 4);
	for (unsigned int op = 1; op < NSW_OP_MAX; op++)
		assert_int_equal(u->op[op], 0);
	assert_int_equal(u->first_kind, NSW_KIND_EXIT);
	assert_int_equal(r.calls, 2);
}

/* A record too short to hold a kind: kind 0 (no kind) in the warning. */
static void test_record_shorter_than_a_kind_counted(void **state)
{
	static struct big_ring r;

	(void)state;
	big_init(&r);
	assert_false(big_one(&r, "ab", 2));
	assert_int_equal(r.reader.unread.count, 1);
	assert_int_equal(r.reader.unread.first_kind, 0);
	assert_int_equal(r.reader.unread.first_size, 2);
	assert_int_equal(r.reader.unread.op[0], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_in_order_discarded_skipped),
		cmocka_unit_test(test_busy_record_stops_until_committed),
		cmocka_unit_test(test_record_across_the_end_reads_whole),
		cmocka_unit_test(test_position_published_in_batches_never_ahead),
		cmocka_unit_test(test_nsop_decoded_field_by_field),
		cmocka_unit_test(test_nsop_without_ids_or_v1_is_the_head_alone),
		cmocka_unit_test(test_nsop_clone_and_pidfd_fields),
		cmocka_unit_test(test_nsop_cut_short_is_refused),
		cmocka_unit_test(test_consumer_hands_on_nsop_as_nsw_event),
		cmocka_unit_test(test_unreadable_nsop_counted_under_its_op),
		cmocka_unit_test(test_unreadable_proc_and_other_records_counted),
		cmocka_unit_test(test_record_shorter_than_a_kind_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
