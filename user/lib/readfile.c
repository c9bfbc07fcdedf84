// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/readfile.h"
#include "lib/util.h"

int nsw_read_bounded(int fd, size_t max, char **text, size_t *len)
{
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t got = 0;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		errno = EFBIG;
		return -1;
	}
	buf = malloc(st.st_size + 1);
	if (!buf)
		return -1;
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, st.st_size - got)) > 0)
		got += n;
	if (got != (size_t)st.st_size) {
		errno = EIO;
		return -1;
	}
	buf[got] = '\0';
	*text = take_ptr(&buf);
	*len = got;
	return 0;
}
