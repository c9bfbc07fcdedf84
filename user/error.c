// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "error.h"

int nsw_error(struct nsw_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	err->errnum = errnum < 0 ? -errnum : errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void nsw_error_print(const struct nsw_error *err)
{
	if (err->errnum)
		fprintf(stderr, "nswatch: %s: %s\n", err->msg, strerror(err->errnum));
	else
		fprintf(stderr, "nswatch: %s\n", err->msg);
}
