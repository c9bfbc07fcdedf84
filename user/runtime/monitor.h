/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitor: the process that creates a container, releases it into its
 * command, forwards signals, waits, and removes what the container held.
 */
#ifndef NSW_MONITOR_H
#define NSW_MONITOR_H

#include "runtime/container.h"
#include "runtime/observer.h"
#include "lib/error.h"

/*
 * Create, start and wait for c, in this process. report_fd (-1: none): a
 * detached start's pipe to the waiting caller, written once the command
 * runs or the start failed (struct nsw_start_report). obs may be NULL.
 * The command's exit status, or -1 with err filled and err->status set.
 */
int nsw_monitor_run(struct nsw_container *c, const struct nsw_observer *obs,
		    int report_fd, struct nsw_error *err);

/*
 * OCI create: set c up as nsw_monitor_run() does, then hand the init fifo
 * (an O_RDWR start fifo: the init goes on once a byte is written to it)
 * and its EXEC, record "created" and return without waiting: the init is
 * left to whoever reaps this process's orphans. in: the state recorded;
 * *tty: with c->tty, the master of the init's pseudo-terminal, else -1.
 * obs (NULL: none) is told the steps up to READY (a start's recorder).
 */
int nsw_monitor_create(struct nsw_container *c, int fifo, const struct nsw_observer *obs,
		       struct nsw_instance *in, int *tty, struct nsw_error *err);

/* What a detached monitor tells the caller waiting for the start. */
struct nsw_start_report {
	int ok;			/* the command runs */
	struct nsw_error err;	/* else why not (with its exit status) */
};

#endif /* NSW_MONITOR_H */
