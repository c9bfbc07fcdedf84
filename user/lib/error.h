/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The error contract, as in crun. A function that fails returns a negative
 * value and fills a struct nsw_error: the errno (0 if none) and a message
 * that names the problem. A caller either passes it up untouched, or adds
 * its own context in front with nsw_error_wrap(). Commands return; main()
 * alone prints, once.
 */
#ifndef NSW_ERROR_H
#define NSW_ERROR_H

#define NSW_ERROR_MSG_LEN 512

struct nsw_error {
	int errnum;		   /* errno, 0 for errors that are not errno's */
	int status;		   /* exit status for main(); 0: the command's default */
	char msg[NSW_ERROR_MSG_LEN];
};

/* Fill err (status back to 0) and return -1. errnum may be 0 or negative. */
int nsw_error(struct nsw_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Put "CONTEXT: " in front of the message already in err; errnum and status
 * stay. Returns -1. Safe whatever err holds (the message is copied first).
 */
int nsw_error_wrap(struct nsw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The exit status main() should end with for this error; returns -1. */
int nsw_error_set_status(struct nsw_error *err, int status);

/* The error as one line, "MSG: strerror" or "MSG", into buf. */
void nsw_error_format(const struct nsw_error *err, char *buf, unsigned long len);

/*
 * "nswatch: MSG: strerror" on stderr. main() prints a command's error with
 * it; elsewhere only for what cannot be returned (a cleanup that failed
 * after the command's own result is known): nsw_error_warn().
 */
void nsw_error_print(const struct nsw_error *err);
/* "nswatch: warning: MSG: strerror" on stderr. */
void nsw_error_warn(const struct nsw_error *err);

#endif /* NSW_ERROR_H */
