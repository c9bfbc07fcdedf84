// SPDX-License-Identifier: GPL-2.0
/*
 * The line writer (session/line_writer.c): every byte arrives, in order,
 * through buffers far smaller than the output and a reader slower than the
 * writer (lines longer than a buffer, flushes in between); a failed write
 * (ENOSPC, EPIPE) is the close's error, named; the thread takes no signal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sched.h>
#include <unistd.h>
#include <cmocka.h>
#include "session/line_writer.h"

#define SMALL_BUF 1024
#define SMALL_BUFS 3
#define NLINES 20000
#define LONG_EVERY 997
#define LONG_LEN 3000
#define FLUSH_EVERY 37
#define READ_CHUNK 509
#define STATUS_MAX 8192

/* Line i: its number and a tail whose length varies; a few longer than a buffer. */
static size_t make_line(unsigned int i, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%u:", i);
	size_t tail = i % LONG_EVERY == 0 ? LONG_LEN : i % 173;

	for (size_t k = 0; k < tail && n + 2 < len; k++)
		buf[n++] = (char)('a' + (i + k) % 26);
	buf[n++] = '\n';
	return n;
}

struct sink {
	int fd;
	char *data;
	size_t len, cap;
};

/* The reader: small reads with a yield between, slower than the writer. */
static void *read_all(void *arg)
{
	struct sink *s = arg;
	ssize_t n;

	for (;;) {
		if (s->len + READ_CHUNK > s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1 << 20;
			s->data = realloc(s->data, s->cap);
			assert_non_null(s->data);
		}
		n = read(s->fd, s->data + s->len, READ_CHUNK);
		if (n <= 0)
			break;
		s->len += (size_t)n;
		sched_yield();
	}
	return NULL;
}

static char *expected_text(size_t *len)
{
	char line[LONG_LEN + 64];
	size_t cap = 0, n;
	char *out = NULL;

	*len = 0;
	for (unsigned int i = 0; i < NLINES; i++) {
		n = make_line(i, line, sizeof(line));
		if (*len + n > cap) {
			cap = cap ? 2 * cap : 1 << 20;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		memcpy(out + *len, line, n);
		*len += n;
	}
	return out;
}

static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static void test_every_line_arrives_in_order_through_small_buffers(void **state)
{
	struct nsw_line_writer *w;
	struct nsw_error err = { 0 };
	struct sink s = { 0 };
	char line[LONG_LEN + 64];
	pthread_t reader;
	size_t want_len;
	char *want;
	int fds[2];
	FILE *f;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	s.fd = fds[0];
	assert_int_equal(pthread_create(&reader, NULL, read_all, &s), 0);
	assert_int_equal(nsw_line_writer_open(&w, fds[1], "pipe", SMALL_BUF, SMALL_BUFS, &err), 0);
	f = nsw_line_writer_stream(w);
	for (unsigned int i = 0; i < NLINES; i++) {
		size_t n = make_line(i, line, sizeof(line));

		/* As the presenters write: whole lines, and a header by fprintf. */
		if (i % 2)
			assert_int_equal(fwrite(line, 1, n, f), n);
		else
			assert_int_equal(fprintf(f, "%.*s", (int)n, line), (int)n);
		if (i % FLUSH_EVERY == 0)
			assert_int_equal(nsw_line_writer_flush(w, &err), 0);
	}
	assert_int_equal(nsw_line_writer_close(w, &err), 0);
	close(fds[1]);
	pthread_join(reader, NULL);
	close(fds[0]);

	want = expected_text(&want_len);
	assert_true(want_len > SMALL_BUF * SMALL_BUFS * 100);
	assert_true(same_text(s.data, s.len, want, want_len));
	/* Control: the comparison sees two lines swapped, and one missing. */
	{
		char *swapped = malloc(want_len);
		const char *nl;
		size_t first;

		assert_non_null(swapped);
		nl = memchr(want, '\n', want_len);
		first = (size_t)(nl - want) + 1;
		nl = memchr(want + first, '\n', want_len - first);
		memcpy(swapped, want + first, (size_t)(nl - want) + 1 - first);
		memcpy(swapped + ((size_t)(nl - want) + 1 - first), want, first);
		memcpy(swapped + (size_t)(nl - want) + 1, nl + 1, want_len - ((size_t)(nl - want) + 1));
		assert_false(same_text(swapped, want_len, want, want_len));
		assert_false(same_text(want + first, want_len - first, want, want_len));
		free(swapped);
	}
	free(want);
	free(s.data);
}

/* Lines to fd, then close: its result, and err. */
static int write_then_close(int fd, struct nsw_error *err)
{
	struct nsw_line_writer *w;

	assert_int_equal(nsw_line_writer_open(&w, fd, "stdout", SMALL_BUF, SMALL_BUFS, err), 0);
	for (unsigned int i = 0; i < 100; i++)
		fprintf(nsw_line_writer_stream(w), "line %u\n", i);
	return nsw_line_writer_close(w, err);
}

static void test_write_errors_are_the_close_error(void **state)
{
	struct nsw_error err = { 0 };
	int fd, fds[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	fd = open("/dev/full", O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write_then_close(fd, &err), -1);
	assert_int_equal(err.errnum, ENOSPC);
	assert_string_equal(err.msg, "writing events to stdout");
	close(fd);

	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	memset(&err, 0, sizeof(err));
	assert_int_equal(write_then_close(fds[1], &err), -1);
	assert_int_equal(err.errnum, EPIPE);
	close(fds[1]);

	/* Control: the same lines to /dev/null are written without error. */
	fd = open("/dev/null", O_WRONLY);
	assert_true(fd >= 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(write_then_close(fd, &err), 0);
	close(fd);
}

static void test_flush_reports_a_failed_write(void **state)
{
	struct nsw_line_writer *w;
	struct nsw_error err = { 0 };
	int fd, ret = 0;

	(void)state;
	fd = open("/dev/full", O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(nsw_line_writer_open(&w, fd, "stdout", SMALL_BUF, SMALL_BUFS, &err), 0);
	/* The writer fails on its own time: flush until it says so. */
	for (unsigned int i = 0; i < 1000000 && ret == 0; i++) {
		fprintf(nsw_line_writer_stream(w), "line %u\n", i);
		ret = nsw_line_writer_flush(w, &err);
	}
	assert_int_equal(ret, -1);
	assert_int_equal(err.errnum, ENOSPC);
	assert_int_equal(nsw_line_writer_close(w, &err), -1);
	close(fd);
}

/* SigBlk of a task of ours, as a mask. */
static unsigned long long task_sigblk(const char *tid)
{
	char path[64], text[STATUS_MAX];
	size_t len = 0;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	/* Whole, then parsed: the file changes between reads. */
	while ((n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	text[len] = '\0';
	p = strstr(text, "\nSigBlk:");
	assert_non_null(p);
	return strtoull(p + strlen("\nSigBlk:"), NULL, 16);
}

static void test_writer_thread_blocks_every_signal(void **state)
{
	unsigned long long want = (1ULL << (SIGINT - 1)) | (1ULL << (SIGTERM - 1)) |
				  (1ULL << (SIGCHLD - 1)) | (1ULL << (SIGHUP - 1));
	struct nsw_line_writer *w;
	struct nsw_error err = { 0 };
	char self[32];
	struct dirent *d;
	int others = 0;
	DIR *dir;

	(void)state;
	assert_int_equal(nsw_line_writer_open(&w, STDERR_FILENO, "stderr", SMALL_BUF,
					      SMALL_BUFS, &err), 0);
	snprintf(self, sizeof(self), "%d", gettid());
	/* Control: this thread takes them. */
	assert_int_equal(task_sigblk(self) & want, 0);
	dir = opendir("/proc/self/task");
	assert_non_null(dir);
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || !strcmp(d->d_name, self))
			continue;
		assert_int_equal(task_sigblk(d->d_name) & want, want);
		others++;
	}
	closedir(dir);
	assert_int_equal(others, 1);
	assert_int_equal(nsw_line_writer_close(w, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_line_arrives_in_order_through_small_buffers),
		cmocka_unit_test(test_write_errors_are_the_close_error),
		cmocka_unit_test(test_flush_reports_a_failed_write),
		cmocka_unit_test(test_writer_thread_blocks_every_signal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
