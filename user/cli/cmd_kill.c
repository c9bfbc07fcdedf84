// SPDX-License-Identifier: GPL-2.0
/* nswatch kill: a signal to a container's init, through a pidfd. */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli/commands.h"
#include "runtime/runtime.h"

struct kill_opts {
	const char *name;
	int sig;
};

static const char doc[] =
	"Send SIGNAL (default TERM) to the init process of container NAME. "
	"SIGNAL is a name (TERM, SIGKILL, usr1) or a number."
	"\v"
	"The init is PID 1 of its pid namespace: the kernel only delivers a "
	"signal it has a handler for, except KILL (and STOP).";

static int parse_signal(const char *s)
{
	char *end;
	long n;
	int sig;

	if (isdigit((unsigned char)s[0])) {
		n = strtol(s, &end, 10);
		return (*end || n < 1 || n > SIGRTMAX) ? -1 : (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && !strcasecmp(s, abbrev))
			return sig;
	}
	return -1;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct kill_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		if (!o->name) {
			o->name = arg;
		} else if (o->sig == SIGTERM && state->arg_num == 1) {
			o->sig = parse_signal(arg);
			if (o->sig < 0)
				argp_error(state, "unknown signal '%s'", arg);
		} else {
			argp_error(state, "unexpected argument '%s'", arg);
		}
		return 0;
	case ARGP_KEY_END:
		if (!o->name)
			argp_error(state, "expected NAME [SIGNAL]");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

int cmd_kill(int argc, char **argv, struct nsw_error *err)
{
	static const struct argp argp = {
		.parser = parse_opt, .args_doc = "NAME [SIGNAL]", .doc = doc,
	};
	struct kill_opts o = { .sig = SIGTERM };
	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (nsw_signal_container(o.name, o.sig, err) < 0)
		return -1;
	return 0;
}
