/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trace's lines written to a file or pipe by a thread of their own. The
 * thread that drains the ring buffer only formats: its lines go into a
 * bounded queue of buffers, and the writer thread does the write(2)s, so
 * the ring keeps being drained while a write blocks (a slow disk or
 * reader) or the kernel copies a large batch into the page cache. Bytes
 * leave in the order they were written, none is dropped; when every buffer
 * is full, whoever writes waits for the writer (and the ring buffer fills,
 * counted, as it would without the thread).
 *
 *	nsw_line_writer_open() -> fwrite(nsw_line_writer_stream()) ...
 *	-> nsw_line_writer_flush() per poll ... -> nsw_line_writer_close()
 */
#ifndef NSW_LINE_WRITER_H
#define NSW_LINE_WRITER_H

#include <stddef.h>
#include <stdio.h>
#include "lib/error.h"

/* One buffer, and how many: 4 MiB of lines in flight at most. */
#define NSW_LINE_WRITER_BUF_LEN (256 * 1024)
#define NSW_LINE_WRITER_BUFS 16

struct nsw_line_writer;

/*
 * A writer of fd (not closed by it), with nbufs buffers of buf_len bytes
 * (at least two buffers); name says what fd is in errors ("stdout"). The
 * thread starts with every signal blocked: signals stay the caller's.
 */
int nsw_line_writer_open(struct nsw_line_writer **wp, int fd, const char *name,
			 size_t buf_len, unsigned int nbufs, struct nsw_error *err);

/* The stream to write lines on; its bytes go to the queue at each flush or when its buffer fills. */
FILE *nsw_line_writer_stream(struct nsw_line_writer *w);

/*
 * Hand what was written so far to the writer thread if it is idle (if it
 * is busy, the lines follow with the next buffer: no write(2) of a few
 * lines while a large one is in progress). Does not wait for the write.
 * -1 once a write has failed ("writing events to NAME", its errno); the
 * lines written after that are dropped, as stdio does after an error.
 */
int nsw_line_writer_flush(struct nsw_line_writer *w, struct nsw_error *err);

/*
 * Everything written is written: the last buffer handed over, the thread
 * joined, w freed. -1 with the first write error. NULL is fine.
 */
int nsw_line_writer_close(struct nsw_line_writer *w, struct nsw_error *err);

#endif /* NSW_LINE_WRITER_H */
