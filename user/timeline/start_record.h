/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A start recorded into a file, for a create that returns before the
 * container's command runs (the OCI annotation io.nswatch.trace,
 * oci/oci.h's struct nsw_oci_trace_ops): the tracer and the timeline of
 * run --trace, begun before anything is made, the runtime's steps of the
 * create, then in the recorder (a process create forks, which inherits
 * all of it) the kernel's events until the init has executed the command.
 * The file is the timeline in a format of perfetto.h.
 */
#ifndef NSW_START_RECORD_H
#define NSW_START_RECORD_H

#include <sys/types.h>
#include "runtime/observer.h"
#include "lib/error.h"

/* format: "json" (NULL: the default), "text" or "perfetto". ctx: the recorder's. */
int nsw_start_record_begin(void **ctx, const char *format, struct nsw_observer *obs,
			   struct nsw_error *err);
/*
 * Until pid's exec (the kernel's), pidfd readable (pid ended), a signal on
 * stop_fd (a signalfd: SIGUSR1 says the exec is due, look now; any other
 * stops) or timeout_ms; then the settle of run --trace and the file to
 * out_fd (not closed). -1 if it could not be written.
 */
int nsw_start_record_finish(void *ctx, pid_t pid, int pidfd, int stop_fd, int timeout_ms,
			    int out_fd, struct nsw_error *err);
/* The create failed (why): what was recorded, to out_fd. */
int nsw_start_record_fail(void *ctx, const struct nsw_error *why, int out_fd,
			  struct nsw_error *err);

#endif /* NSW_START_RECORD_H */
