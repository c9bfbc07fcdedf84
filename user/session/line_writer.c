// SPDX-License-Identifier: GPL-2.0
/*
 * The formatting thread fills one buffer at a time through a stdio cookie
 * stream (stdio's own buffer in front); full buffers (and, at a flush, a partial one if the writer is
 * idle) go into a FIFO that the writer thread empties with write(2), then
 * back to the free list. One lock guards the FIFO, the free list and the
 * first error; the buffer being filled is the formatting thread's alone.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "session/line_writer.h"

#define NAME_LEN 32
#define NO_BUF (-1)
#define STREAM_BUF_LEN (64 * 1024)

struct wbuf {
	char *data;
	size_t len;
};

struct nsw_line_writer {
	int fd;
	char name[NAME_LEN];
	FILE *stream;
	size_t buf_len;
	unsigned int nbufs;
	struct wbuf *bufs;
	int cur; /* the buffer being filled, or NO_BUF */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled; /* a buffer was queued, or closing */
	pthread_cond_t freed;  /* a buffer is free again */
	unsigned int *fifo, fifo_head, fifo_count; /* buffers to write, in order */
	unsigned int *free_list, nfree;
	bool busy;    /* the writer is in a write */
	bool closing; /* write what is queued, then end */
	int error;    /* the first write's errno; 0: none */
};

static int load_error(const struct nsw_line_writer *w)
{
	return __atomic_load_n(&w->error, __ATOMIC_ACQUIRE);
}

/* The whole buffer, or the errno that stopped it. */
static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct nsw_line_writer *w = arg;
	unsigned int i;
	int e;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->fifo_count && !w->closing)
			pthread_cond_wait(&w->filled, &w->lock);
		if (!w->fifo_count)
			break;
		i = w->fifo[w->fifo_head];
		w->fifo_head = (w->fifo_head + 1) % w->nbufs;
		w->fifo_count--;
		w->busy = true;
		e = w->error;
		pthread_mutex_unlock(&w->lock);

		/* After an error the rest is dropped: the trace is ending. */
		if (!e)
			e = write_all(w->fd, w->bufs[i].data, w->bufs[i].len);

		pthread_mutex_lock(&w->lock);
		if (e && !w->error)
			__atomic_store_n(&w->error, e, __ATOMIC_RELEASE);
		w->busy = false;
		w->bufs[i].len = 0;
		w->free_list[w->nfree++] = i;
		pthread_cond_signal(&w->freed);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Called with the lock held. */
static void queue_locked(struct nsw_line_writer *w, unsigned int i)
{
	w->fifo[(w->fifo_head + w->fifo_count) % w->nbufs] = i;
	w->fifo_count++;
	pthread_cond_signal(&w->filled);
}

static void queue_cur(struct nsw_line_writer *w)
{
	pthread_mutex_lock(&w->lock);
	queue_locked(w, (unsigned int)w->cur);
	pthread_mutex_unlock(&w->lock);
	w->cur = NO_BUF;
}

/* A buffer to fill: waits for the writer when all are queued. */
static void take_free(struct nsw_line_writer *w)
{
	pthread_mutex_lock(&w->lock);
	while (!w->nfree)
		pthread_cond_wait(&w->freed, &w->lock);
	w->cur = (int)w->free_list[--w->nfree];
	pthread_mutex_unlock(&w->lock);
}

static ssize_t stream_write(void *cookie, const char *data, size_t size)
{
	struct nsw_line_writer *w = cookie;
	size_t left = size, n;
	struct wbuf *b;

	/* Reported by the next flush; stdio would drop them too. */
	if (load_error(w))
		return (ssize_t)size;
	while (left) {
		if (w->cur == NO_BUF)
			take_free(w);
		b = &w->bufs[w->cur];
		n = w->buf_len - b->len;
		if (n > left)
			n = left;
		memcpy(b->data + b->len, data, n);
		b->len += n;
		data += n;
		left -= n;
		if (b->len == w->buf_len)
			queue_cur(w);
	}
	return (ssize_t)size;
}

static int stream_close(void *cookie)
{
	(void)cookie;
	return 0;
}

static int write_error(const struct nsw_line_writer *w, int e, struct nsw_error *err)
{
	return nsw_error(err, e, "writing events to %s", w->name);
}

int nsw_line_writer_flush(struct nsw_line_writer *w, struct nsw_error *err)
{
	int e;

	fflush(w->stream);
	pthread_mutex_lock(&w->lock);
	e = w->error;
	if (!e && w->cur != NO_BUF && w->bufs[w->cur].len && !w->busy && !w->fifo_count) {
		queue_locked(w, (unsigned int)w->cur);
		w->cur = NO_BUF;
	}
	pthread_mutex_unlock(&w->lock);
	return e ? write_error(w, e, err) : 0;
}

static void writer_free(struct nsw_line_writer *w)
{
	if (w->stream)
		fclose(w->stream);
	if (w->bufs)
		for (unsigned int i = 0; i < w->nbufs; i++)
			free(w->bufs[i].data);
	free(w->bufs);
	free(w->fifo);
	free(w->free_list);
	pthread_cond_destroy(&w->freed);
	pthread_cond_destroy(&w->filled);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

int nsw_line_writer_close(struct nsw_line_writer *w, struct nsw_error *err)
{
	int e;

	if (!w)
		return 0;
	/* What stdio may hold comes into the last buffer first. */
	fclose(w->stream);
	w->stream = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->cur != NO_BUF && w->bufs[w->cur].len)
		queue_locked(w, (unsigned int)w->cur);
	w->cur = NO_BUF;
	w->closing = true;
	pthread_cond_signal(&w->filled);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	e = w->error;
	if (e)
		write_error(w, e, err);
	writer_free(w);
	return e ? -1 : 0;
}

static int alloc_bufs(struct nsw_line_writer *w)
{
	w->bufs = calloc(w->nbufs, sizeof(*w->bufs));
	w->fifo = calloc(w->nbufs, sizeof(*w->fifo));
	w->free_list = calloc(w->nbufs, sizeof(*w->free_list));
	if (!w->bufs || !w->fifo || !w->free_list)
		return -1;
	for (unsigned int i = 0; i < w->nbufs; i++) {
		w->bufs[i].data = malloc(w->buf_len);
		if (!w->bufs[i].data)
			return -1;
		/* Taken from the end: buffer 0 first. */
		w->free_list[w->nbufs - 1 - i] = i;
	}
	w->nfree = w->nbufs;
	return 0;
}

/* The thread, with every signal blocked in it. */
static int start_thread(struct nsw_line_writer *w)
{
	sigset_t all, old;
	int e;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}

int nsw_line_writer_open(struct nsw_line_writer **wp, int fd, const char *name,
			 size_t buf_len, unsigned int nbufs, struct nsw_error *err)
{
	const cookie_io_functions_t io = { .write = stream_write, .close = stream_close };
	struct nsw_line_writer *w;
	int e;

	*wp = NULL;
	if (nbufs < 2 || !buf_len)
		return nsw_error(err, EINVAL, "a line writer needs two buffers or more");
	w = calloc(1, sizeof(*w));
	if (!w)
		return nsw_error(err, ENOMEM, "allocating the line writer");
	w->fd = fd;
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->buf_len = buf_len;
	w->nbufs = nbufs;
	w->cur = NO_BUF;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->filled, NULL);
	pthread_cond_init(&w->freed, NULL);
	if (alloc_bufs(w) < 0) {
		writer_free(w);
		return nsw_error(err, ENOMEM, "allocating the line writer's buffers");
	}
	w->stream = fopencookie(w, "w", io);
	if (!w->stream) {
		e = errno;
		writer_free(w);
		return nsw_error(err, e, "opening the line writer's stream");
	}
	/*
	 * Buffered by stdio, then copied into the queue's buffer in large
	 * pieces: an unbuffered stream costs each fwrite more in glibc (about
	 * 400 instructions a 700-byte line, callgrind) than the second copy
	 * does (about 320 with it, 230 for a plain buffered FILE).
	 */
	setvbuf(w->stream, NULL, _IOFBF, STREAM_BUF_LEN);
	e = start_thread(w);
	if (e) {
		writer_free(w);
		return nsw_error(err, e, "starting the line writer's thread");
	}
	*wp = w;
	return 0;
}

FILE *nsw_line_writer_stream(struct nsw_line_writer *w)
{
	return w->stream;
}
