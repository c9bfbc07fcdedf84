/* SPDX-License-Identifier: GPL-2.0 */
/* `nswatch trace` options: parsed here, applied in trace.c. */
#ifndef NSW_TRACE_OPTS_H
#define NSW_TRACE_OPTS_H

#include <stdbool.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/nsnames.h"

struct trace_opts {
	__u32 pid;          /* --pid: 0 for any */
	char comm[NSW_COMM_LEN];
	bool comm_set;
	__u32 type_mask;    /* bits of enum nsw_slot; 0: every type */
	__u32 op_mask;      /* NSW_OP_BIT()s; never 0 after parsing */
	bool failed_only;
	bool json;
	bool all_clones;
	bool verbose;
	double duration;    /* seconds; 0: until a signal */
	__u32 ring_size;    /* bytes, a power of two */
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
