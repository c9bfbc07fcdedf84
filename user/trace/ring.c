// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include "trace/ring.h"

/* Publish at least this often, in bytes consumed (capped by a sixteenth of the ring). */
#define RING_RELEASE_MAX (64UL * 1024)
#define RING_RELEASE_SHARE 16
#define RING_ALIGN 8

struct nsw_ring {
	struct nsw_ring_view v;
	nsw_ring_fn fn;
	void *ctx;
	int epoll_fd;
	void *cons_map, *prod_map;
	size_t page_size, size;
};

static inline unsigned long load_acquire(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline unsigned int load_acquire_u32(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_release(unsigned long *p, unsigned long v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

bool nsw_nsop_decode(const struct nsw_nsop_wire *w, size_t size, struct nsw_event *ev)
{
	size_t n;

	/* wire is read only from a record that holds it. */
	if (size < offsetof(struct nsw_nsop_wire, tail))
		return false;
	n = ((w->wire & NSW_WIRE_IDS) ? NSW_WIRE_IDS_COUNT : 0) + ((w->wire & NSW_WIRE_V1) ? 1 : 0);
	if (size < offsetof(struct nsw_nsop_wire, tail) + n * sizeof(w->tail[0]))
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->kind = NSW_KIND_NSOP;
	ev->op = w->op;
	ev->ts_ns = w->ts_ns;
	ev->duration_ns = w->duration_ns;
	ev->flags = w->flags;
	ev->ret = (__u64)(__s64)w->ret;
	ev->pid = w->pid;
	ev->tid = w->tid;
	ev->ppid = w->ppid;
	ev->uid = w->uid;
	ev->gid = w->gid;
	if (w->op == NSW_OP_SETNS)
		ev->setns_fd = w->setns_fd;
	else
		ev->child_pid = w->child_pid;
	ev->after_valid = w->after_valid;
	ev->target_kind = w->target_kind;
	if (w->target_kind == NSW_TARGET_PIDFD)
		ev->target_pid = w->target_pid;
	else
		ev->target_inum = w->target_inum;
	ev->target_slot = w->target_slot;
	ev->flags_valid = w->flags_valid;
	memcpy(ev->ns_before, w->ns_before, sizeof(ev->ns_before));
	memcpy(ev->ns_after, w->ns_after, sizeof(ev->ns_after));
	memcpy(ev->comm, w->comm, sizeof(ev->comm));
	ev->cgroup_id = w->cgroup_id;
	n = 0;
	if (w->wire & NSW_WIRE_IDS) {
		memcpy(ev->ns_id_after, w->tail, sizeof(ev->ns_id_after));
		ev->target_ns_id = w->tail[NSW_SLOT_COUNT];
		n = NSW_WIRE_IDS_COUNT;
	}
	if (w->wire & NSW_WIRE_V1)
		ev->cgroup_v1_id = w->tail[n];
	return true;
}

/* The struct a record of kind fills; 0 for a kind read otherwise, or unknown. */
static size_t kind_size(__u32 kind)
{
	switch (kind) {
	case NSW_KIND_NSOP:
		return sizeof(struct nsw_event);
	case NSW_KIND_FORK:
	case NSW_KIND_EXEC:
	case NSW_KIND_EXIT:
		return sizeof(struct nsw_proc_event);
	case NSW_KIND_THROTTLED:
		return sizeof(struct nsw_throttled_event);
	default:
		return 0;
	}
}

#define HOLDS(size, type, field) ((size) >= offsetof(type, field) + sizeof(((type *)0)->field))

/* The operation of a namespace record that holds one, else 0. */
static __u32 record_op(__u32 kind, const void *data, size_t size)
{
	__u32 op = 0;

	if (kind == NSW_KIND_NSOP_WIRE && HOLDS(size, struct nsw_nsop_wire, op))
		op = ((const struct nsw_nsop_wire *)data)->op;
	else if (kind == NSW_KIND_NSOP && HOLDS(size, struct nsw_event, op))
		op = ((const struct nsw_event *)data)->op;
	return op < NSW_OP_MAX ? op : 0;
}

/*
 * A namespace operation is counted under its op as well, which the tracer
 * adds to that op's lost count: delivered + throttled + lost = performed
 * still holds. A throttled record's calls are not lost: its total is
 * cumulative, and the next record or the flush at the end
 * (nsw_tracer_flush_throttled()) carries them.
 */
static void count_unread(struct nsw_ring_unread *u, const void *data, size_t size)
{
	__u32 kind = size >= sizeof(__u32) ? *(const __u32 *)data : 0;

	if (!u->count) {
		u->first_kind = kind;
		u->first_size = size;
	}
	u->count++;
	u->op[record_op(kind, data, size)]++;
}

void nsw_ring_read(void *reader, const void *data, size_t size)
{
	struct nsw_ring_reader *r = reader;
	struct nsw_event ev;
	__u32 kind;

	if (size < sizeof(kind))
		goto unread;
	kind = *(const __u32 *)data;
	if (kind == NSW_KIND_NSOP_WIRE) {
		if (!nsw_nsop_decode(data, size, &ev))
			goto unread;
		r->fn(r->ctx, &ev, sizeof(ev));
		return;
	}
	if (!kind_size(kind) || size < kind_size(kind))
		goto unread;
	r->fn(r->ctx, data, size);
	return;
unread:
	count_unread(&r->unread, data, size);
}

int nsw_ring_view_consume(const struct nsw_ring_view *v, nsw_ring_fn fn, void *ctx)
{
	unsigned long cons = *v->consumer_pos, published = cons, prod;
	int n = 0;

	for (;;) {
		prod = load_acquire(v->producer_pos);
		if (cons >= prod)
			break;
		while (cons < prod) {
			const unsigned int *hdr = (const void *)(v->data + (cons & v->mask));
			unsigned int len = load_acquire_u32(hdr);
			unsigned long size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

			/* Reserved, not committed yet: it and what follows wait. */
			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				fn(ctx, (const unsigned char *)hdr + BPF_RINGBUF_HDR_SZ, size);
				n++;
			}
			cons += (size + BPF_RINGBUF_HDR_SZ + RING_ALIGN - 1) & ~(RING_ALIGN - 1UL);
			/* The record's bytes are read: the producer may have them back. */
			if (cons - published >= v->release_bytes) {
				store_release(v->consumer_pos, cons);
				published = cons;
			}
		}
	}
out:
	if (cons != published)
		store_release(v->consumer_pos, cons);
	return n;
}

int nsw_ring_open(struct nsw_ring **rp, int map_fd, size_t size, nsw_ring_fn fn, void *ctx,
		  struct nsw_error *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct nsw_ring *r;
	unsigned long release;

	*rp = NULL;
	if (!size || (size & (size - 1)))
		return nsw_error(err, EINVAL, "ring buffer size %zu is not a power of two", size);
	r = calloc(1, sizeof(*r));
	if (!r)
		return nsw_error(err, ENOMEM, "allocating the ring buffer reader");
	r->fn = fn;
	r->ctx = ctx;
	r->size = size;
	r->page_size = (size_t)sysconf(_SC_PAGESIZE);
	r->epoll_fd = -1;
	r->cons_map = mmap(NULL, r->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (r->cons_map == MAP_FAILED) {
		r->cons_map = NULL;
		nsw_error(err, errno, "mapping the ring buffer's consumer page");
		goto fail;
	}
	/* The producer page, then the data twice (the kernel maps it so). */
	r->prod_map = mmap(NULL, r->page_size + 2 * size, PROT_READ, MAP_SHARED, map_fd,
			   (off_t)r->page_size);
	if (r->prod_map == MAP_FAILED) {
		r->prod_map = NULL;
		nsw_error(err, errno, "mapping the ring buffer's data");
		goto fail;
	}
	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epoll_fd < 0 || epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev) < 0) {
		nsw_error(err, errno, "watching the ring buffer");
		goto fail;
	}
	release = size / RING_RELEASE_SHARE;
	r->v = (struct nsw_ring_view){
		.consumer_pos = r->cons_map,
		.producer_pos = r->prod_map,
		.data = (const unsigned char *)r->prod_map + r->page_size,
		.mask = size - 1,
		.release_bytes = release < RING_RELEASE_MAX ? release : RING_RELEASE_MAX,
	};
	*rp = r;
	return 0;
fail:
	nsw_ring_free(r);
	return -1;
}

void nsw_ring_free(struct nsw_ring *r)
{
	if (!r)
		return;
	if (r->epoll_fd >= 0)
		close(r->epoll_fd);
	if (r->prod_map)
		munmap(r->prod_map, r->page_size + 2 * r->size);
	if (r->cons_map)
		munmap(r->cons_map, r->page_size);
	free(r);
}

int nsw_ring_fd(const struct nsw_ring *r)
{
	return r->epoll_fd;
}

int nsw_ring_consume(struct nsw_ring *r)
{
	return nsw_ring_view_consume(&r->v, r->fn, r->ctx);
}

int nsw_ring_poll(struct nsw_ring *r, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(r->epoll_fd, &ev, 1, timeout_ms) < 0)
		return -errno;
	return nsw_ring_consume(r);
}
