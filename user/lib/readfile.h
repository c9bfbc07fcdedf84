/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The whole of a small file, read into memory: state files, config.json,
 * an exec's process file. Each is untrusted input, so the file must be a
 * regular file of bounded size (not a fifo that blocks, not /dev/zero).
 */
#ifndef NSW_LIB_READFILE_H
#define NSW_LIB_READFILE_H

#include <stddef.h>

/*
 * Read all of fd, a regular file of at most max bytes, into *text (NUL-ended,
 * for json-c's messages; the caller frees it) and its length into *len.
 * 0, or -1 with errno: EFBIG when fd is not a regular file or is larger
 * than max (the caller's message names the file and the bound), EIO when
 * it gave fewer bytes than its size, else fstat's or malloc's.
 */
int nsw_read_bounded(int fd, size_t max, char **text, size_t *len);

#endif
