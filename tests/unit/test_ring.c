// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer's consumer (trace/ring.c) over memory laid out as the
 * kernel maps a BPF ring: records in order, a discarded one skipped, a
 * reserved one (busy) stopping the read until it is committed, a record
 * across the end read whole from the second mapping, and the consumer
 * position never published past a record before its callback has run.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_in_order_discarded_skipped),
		cmocka_unit_test(test_busy_record_stops_until_committed),
		cmocka_unit_test(test_record_across_the_end_reads_whole),
		cmocka_unit_test(test_position_published_in_batches_never_ahead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
