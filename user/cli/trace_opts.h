/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nswatch trace` options: the tracer's settings, and how and for how long
 * to present what it sees (applied in cmd_trace.c).
 */
#ifndef NSW_TRACE_OPTS_H
#define NSW_TRACE_OPTS_H

#include <stdbool.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/nsnames.h"
#include "trace/tracer.h"

/*
 * `trace`'s ring buffer unless --ring-size: eight times the tracer's own
 * (which run --trace keeps). A host-wide trace is the one a single process
 * can flood; the reporter is woken at an eighth of the ring, and while two
 * busy loops shared its CPU a one-producer flood piled up to about 14 MiB
 * past that mark, once 25 MiB (docs/performance.md, session 18): 32 MiB
 * hold both. Kernel memory, for the trace's life: Falco's modern eBPF
 * probe takes 8 MiB per two CPUs by default.
 */
#define TRACE_RING_SIZE_DEFAULT (32U << 20)

/*
 * How far the reporter raises its own priority (nice levels, as auditd's
 * priority_boost) unless --priority-boost: a reporter that shares its CPU
 * with busy work falls behind a flood for stretches, and at nice -5 its
 * backlog stayed under 4 MiB where at 0 it reached 14 MiB and more
 * (docs/performance.md, session 18). Its CPU is bounded by what it is sent,
 * which the rate limit bounds per source. The traced command keeps the
 * caller's.
 */
#define TRACE_PRIORITY_BOOST_DEFAULT 5
#define TRACE_PRIORITY_BOOST_MAX 39

struct trace_opts {
	/* --pid, --comm, --type, --op, --failed, --all-clones, --ring-size, -v */
	struct nsw_tracer_settings tracer;
	bool json;          /* JSON lines instead of text */
	double duration;    /* seconds; 0: until a signal */
	int priority_boost; /* nice levels the reporter takes above the caller's */
	char **cmd;         /* after "--": the command to run and follow */
};

/*
 * Parse argv (argv[0] is the command's name) into opts. argp_flags are
 * passed to argp_parse(): 0 in real use, where a bad option prints a message
 * and exits with status 2; ARGP_NO_ERRS in tests, where it returns an errno.
 */
int trace_parse_args(int argc, char **argv, struct trace_opts *opts,
		     unsigned int argp_flags);

#endif /* NSW_TRACE_OPTS_H */
