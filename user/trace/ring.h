/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF ring buffer's consumer side, as libbpf's ring_buffer reads it but
 * for one thing: the consumer position is published once per batch of
 * records (every release_bytes and at the end of a drain), not after each.
 * The producer reads that position at every reserve, on another CPU: a
 * store per record made the line bounce between the two CPUs once per
 * event, for the producer and for us.
 */
#ifndef NSW_TRACE_RING_H
#define NSW_TRACE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"

/*
 * One record: its bytes, valid until the callback returns. The consumer
 * hands on every committed record as it is; nsw_ring_read() below reads
 * them as the tracer's sink does.
 */
typedef void (*nsw_ring_fn)(void *ctx, const void *data, size_t size);

/*
 * The ring as the kernel lays it out (include/uapi/linux/bpf.h, the
 * BPF_RINGBUF_* header bits): the consumer's position, which we write, the
 * producer's, and the data, mapped twice in a row so that a record that
 * wraps reads straight.
 */
struct nsw_ring_view {
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	const unsigned char *data;
	unsigned long mask;          /* the data's size - 1 (a power of two) */
	unsigned long release_bytes; /* publish the position after this much */
};

/* Hand every committed record to fn; returns how many. */
int nsw_ring_view_consume(const struct nsw_ring_view *v, nsw_ring_fn fn, void *ctx);

/*
 * ev from the kernel's record w of size bytes (include/nswatch.h); false
 * if size does not hold what w says it has.
 */
bool nsw_nsop_decode(const struct nsw_nsop_wire *w, size_t size, struct nsw_event *ev);

/*
 * Records the reader got but could not read: shorter than a kind or than
 * their kind's struct (a wire record shorter than its wire bits say), or
 * of a kind this build does not know. The kernel side of the same build
 * never sends one: each is a bug or a BPF object of another build, and is
 * counted as lost, never dropped unseen.
 */
struct nsw_ring_unread {
	__u64 count;
	/* By enum nsw_op: namespace operations long enough to hold their op; [0] the rest. */
	__u64 op[NSW_OP_MAX];
	__u32 first_kind; /* the first one's kind, 0 if it was too short to hold one */
	__u32 first_size; /* ... and its size in bytes */
};

/*
 * Records as the tracer's sink reads them, handed to fn: a namespace
 * operation arrives as the kernel writes it (struct nsw_nsop_wire) and is
 * handed on decoded, as a struct nsw_event (kind NSW_KIND_NSOP); the other
 * kinds as they are. Each is whole for its kind; the rest go to unread.
 */
struct nsw_ring_reader {
	nsw_ring_fn fn;
	void *ctx;
	struct nsw_ring_unread unread;
};

/* An nsw_ring_fn whose ctx is a struct nsw_ring_reader. */
void nsw_ring_read(void *reader, const void *data, size_t size);

struct nsw_ring;

/* The ring of BPF_MAP_TYPE_RINGBUF map_fd, of size bytes. */
int nsw_ring_open(struct nsw_ring **rp, int map_fd, size_t size, nsw_ring_fn fn, void *ctx,
		  struct nsw_error *err);
void nsw_ring_free(struct nsw_ring *r);
/* An epoll fd that is readable when the kernel wakes us. */
int nsw_ring_fd(const struct nsw_ring *r);
/* Wait up to timeout_ms for a wakeup, then consume; records or -errno. */
int nsw_ring_poll(struct nsw_ring *r, int timeout_ms);
/* Consume what is committed now; records. */
int nsw_ring_consume(struct nsw_ring *r);

#endif /* NSW_TRACE_RING_H */
