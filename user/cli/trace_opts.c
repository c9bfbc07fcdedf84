// SPDX-License-Identifier: GPL-2.0
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/trace_opts.h"
#include "lib/nsnames.h"
#include "lib/error.h"

/* Beyond any trace someone waits for; keeps the ns arithmetic in range. */
#define MAX_DURATION_S 1e9

enum {
	OPT_FAILED = 0x100,
	OPT_ALL_CLONES,
	OPT_RING_SIZE,
	OPT_RATE_LIMIT,
	OPT_PRIORITY_BOOST,
};

static const char doc[] =
	"Trace namespace operations: every clone, clone3, unshare and setns, "
	"with its flags, its result, and the caller's namespaces before and "
	"after, as the inode numbers /proc/PID/ns/* shows.\n"
	"\n"
	"Without CMD, traces the whole host until Ctrl-C, SIGTERM or "
	"--duration. With -- CMD, starts CMD once tracing is live, follows it "
	"and all its descendants only, and exits with CMD's exit status."
	"\v"
	"Plain forks and thread creations are not reported unless they move the "
	"child into another namespace (the first fork after unshare of pid or "
	"time); --all-clones reports them all.\n"
	"\n"
	"TYPES: mnt, uts, ipc, net, cgroup, pid, time, user.\n"
	"OPS: clone, clone3, unshare, setns, and ns_empty: the line written when\n"
	"the last known process of a namespace is gone (all by default).\n"
	"\n"
	"Examples:\n"
	"  nswatch trace                          the whole host\n"
	"  nswatch trace --json --duration 10     ten seconds, JSON lines\n"
	"  nswatch trace --failed --op unshare    refused unshares only\n"
	"  nswatch trace -- unshare --net ip link a command and its children\n"
	"\n"
	"Needs root and a kernel with BTF. See docs/trace.md and "
	"docs/events.md.";

static const char args_doc[] = "[-- CMD [ARGS...]]";

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Only operations by process PID", 1 },
	{ "comm", 'c', "NAME", 0,
	  "Only operations by processes named NAME (at most 15 characters)", 1 },
	{ "type", 't', "TYPES", 0,
	  "Only operations on these namespace types (comma-separated)", 1 },
	{ "op", 'o', "OPS", 0, "Only these operations (comma-separated)", 1 },
	{ "failed", OPT_FAILED, NULL, 0, "Only operations that failed", 1 },
	{ "all-clones", OPT_ALL_CLONES, NULL, 0,
	  "Also report clones that change no namespace", 1 },
	{ "json", 'j', NULL, 0, "One JSON object per event and line on stdout", 2 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (host-wide only)", 2 },
	{ "ring-size", OPT_RING_SIZE, "BYTES", 0,
	  "Ring buffer size: a power of two, suffix K or M (default 32M)", 2 },
	{ "rate-limit", OPT_RATE_LIMIT, "N", 0,
	  "At most N events a second per source (uid; for root, uid and cgroup); "
	  "calls beyond are counted, not reported one by one. 0: no limit (default 1000)", 2 },
	{ "priority-boost", OPT_PRIORITY_BOOST, "N", 0,
	  "Run the reporter N nice levels above the caller (0 to 39, default 5; "
	  "the command keeps the caller's): a reporter that gets its CPU keeps up with a flood", 2 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 2 },
	{ 0 },
};

/* s whole as a decimal number from 0 to max (no sign), into *v. */
static bool parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *s != '-' && *v <= max;
}

static int parse_pid(const char *s, __u32 *pid, struct nsw_error *err)
{
	unsigned long v;

	if (!parse_ulong(s, INT_MAX, &v) || v == 0)
		return nsw_error(err, 0, "invalid pid '%s'", s);
	*pid = v;
	return 0;
}

static int parse_duration(const char *s, double *out, struct nsw_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > MAX_DURATION_S)
		return nsw_error(err, 0,
				 "invalid duration '%s': want a positive number of seconds", s);
	*out = v;
	return 0;
}

static int parse_ring_size(const char *s, __u32 *out, struct nsw_error *err)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		goto bad;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || v < 4096 || v > (1ULL << 30) || (v & (v - 1)))
		goto bad;
	*out = v;
	return 0;
bad:
	return nsw_error(err, 0,
			 "invalid ring size '%s': want a power of two from 4K to 1024M", s);
}

static int parse_rate_limit(const char *s, __u32 *out, struct nsw_error *err)
{
	unsigned long v;

	if (!parse_ulong(s, NSW_RATE_LIMIT_MAX, &v))
		return nsw_error(err, 0,
				 "invalid rate limit '%s': want events per second per source, "
				 "0 (no limit) to %u", s, NSW_RATE_LIMIT_MAX);
	*out = v;
	return 0;
}

static int parse_priority_boost(const char *s, int *out, struct nsw_error *err)
{
	unsigned long v;

	if (!parse_ulong(s, TRACE_PRIORITY_BOOST_MAX, &v))
		return nsw_error(err, 0,
				 "invalid priority boost '%s': want nice levels, 0 (none) to %d", s,
				 TRACE_PRIORITY_BOOST_MAX);
	*out = v;
	return 0;
}

static int parse_comm(const char *s, struct nsw_tracer_settings *o,
		      struct nsw_error *err)
{
	size_t n = strlen(s);

	if (n == 0 || n >= NSW_COMM_LEN)
		return nsw_error(err, 0,
				 "invalid comm '%s': want 1 to %d characters (the kernel keeps no more)",
				 s, NSW_COMM_LEN - 1);
	memset(o->comm, 0, sizeof(o->comm));
	memcpy(o->comm, s, n);
	o->comm_set = true;
	return 0;
}

static int parse_value(int key, const char *arg, struct trace_opts *o,
		       struct nsw_error *err)
{
	switch (key) {
	case 'p':
		return parse_pid(arg, &o->tracer.pid, err);
	case 'c':
		return parse_comm(arg, &o->tracer, err);
	case 't':
		return nsw_parse_types(arg, &o->tracer.type_mask, err);
	case 'o':
		return nsw_parse_ops(arg, &o->tracer.op_mask, err);
	case 'd':
		return parse_duration(arg, &o->duration, err);
	case OPT_RING_SIZE:
		return parse_ring_size(arg, &o->tracer.ring_size, err);
	case OPT_RATE_LIMIT:
		return parse_rate_limit(arg, &o->tracer.rate_limit, err);
	case OPT_PRIORITY_BOOST:
		return parse_priority_boost(arg, &o->priority_boost, err);
	}
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct trace_opts *o = state->input;
	struct nsw_error err;

	switch (key) {
	case 'p':
	case 'c':
	case 't':
	case 'o':
	case 'd':
	case OPT_RING_SIZE:
	case OPT_RATE_LIMIT:
	case OPT_PRIORITY_BOOST:
		if (parse_value(key, arg, o, &err) < 0) {
			argp_error(state, "%s", err.msg);
			return EINVAL;
		}
		return 0;
	case OPT_FAILED:
		o->tracer.failed_only = true;
		return 0;
	case OPT_ALL_CLONES:
		o->tracer.all_clones = true;
		return 0;
	case 'j':
		o->json = true;
		return 0;
	case 'v':
		o->tracer.verbose = true;
		return 0;
	case ARGP_KEY_ARG:
		/* The command and its own options are not ours to parse. */
		o->cmd = &state->argv[state->next - 1];
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		if (o->cmd && o->tracer.pid) {
			argp_error(state, "--pid and a command exclude each other");
			return EINVAL;
		}
		if (o->cmd && o->duration > 0) {
			argp_error(state, "--duration is for host-wide tracing; "
					  "with a command, tracing ends when it exits");
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

int trace_parse_args(int argc, char **argv, struct trace_opts *opts,
		     unsigned int argp_flags)
{
	static const struct argp argp = {
		.options = options,
		.parser = parse_opt,
		.args_doc = args_doc,
		.doc = doc,
	};

	*opts = (struct trace_opts){ .tracer = nsw_tracer_settings_default() };
	opts->tracer.ring_size = TRACE_RING_SIZE_DEFAULT;
	opts->priority_boost = TRACE_PRIORITY_BOOST_DEFAULT;
	argp_err_exit_status = 2;
	return argp_parse(&argp, argc, argv, argp_flags | ARGP_IN_ORDER, NULL, opts);
}
