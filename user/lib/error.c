// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "lib/error.h"

int nsw_error(struct nsw_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	err->errnum = errnum < 0 ? -errnum : errnum;
	err->status = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Append src to dst (size bytes in all), cutting what does not fit. */
static void append(char *dst, size_t size, const char *src)
{
	size_t used = strnlen(dst, size), n = strlen(src);

	if (used + 1 >= size)
		return;
	if (n > size - 1 - used)
		n = size - 1 - used;
	memcpy(dst + used, src, n);
	dst[used + n] = '\0';
}

int nsw_error_wrap(struct nsw_error *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	va_list ap;

	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (old[0]) {
		append(err->msg, sizeof(err->msg), ": ");
		append(err->msg, sizeof(err->msg), old);
	}
	return -1;
}

int nsw_error_set_status(struct nsw_error *err, int status)
{
	err->status = status;
	return -1;
}

void nsw_error_format(const struct nsw_error *err, char *buf, unsigned long len)
{
	if (err->errnum)
		snprintf(buf, len, "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(buf, len, "%s", err->msg);
}

static void print_line(const char *prefix, const struct nsw_error *err)
{
	char line[sizeof(err->msg) + 128];

	nsw_error_format(err, line, sizeof(line));
	fprintf(stderr, "nswatch: %s%s\n", prefix, line);
}

void nsw_error_print(const struct nsw_error *err)
{
	print_line("", err);
}

void nsw_error_warn(const struct nsw_error *err)
{
	print_line("warning: ", err);
}
