/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The error contract: a function that fails returns a negative value and
 * fills a struct nsw_error with the errno (0 if none) and a message that
 * names the problem. The caller either adds nothing and passes it up, or
 * prints it once at the top.
 */
#ifndef NSW_ERROR_H
#define NSW_ERROR_H

struct nsw_error {
	int errnum;
	char msg[512];
};

/* Fill err and return -1. errnum may be 0 for errors that are not errno's. */
int nsw_error(struct nsw_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print "nswatch: MSG: strerror" on stderr. */
void nsw_error_print(const struct nsw_error *err);

#endif /* NSW_ERROR_H */
