// SPDX-License-Identifier: GPL-2.0
/* nswatch rm: stop (with -f) and remove a container and all it holds. */
#include <argp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/commands.h"
#include "runtime/runtime.h"

struct rm_opts {
	const char *name;
	bool force;
};

static const char doc[] =
	"Remove container NAME: its cgroup, network interfaces and state. A "
	"running container is refused unless -f, which kills it (SIGKILL) first "
	"and waits for its monitor to clean up."
	"\v"
	"A container whose monitor died (status stopped in nswatch ps) is "
	"cleaned up here.";

static const struct argp_option options[] = {
	{ "force", 'f', NULL, 0, "Kill the container first if it runs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct rm_opts *o = state->input;

	switch (key) {
	case 'f':
		o->force = true;
		return 0;
	case ARGP_KEY_ARG:
		if (o->name)
			argp_error(state, "unexpected argument '%s'", arg);
		o->name = arg;
		return 0;
	case ARGP_KEY_END:
		if (!o->name)
			argp_error(state, "expected NAME");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* Give the monitor up to 10 s to finish its own cleanup. */
static bool monitor_done(const struct nsw_instance *in)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < 500; i++) {
		if (!nsw_proc_same(in->monitor_pid, in->monitor_starttime))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static int remove_container(const struct rm_opts *o, struct nsw_error *err)
{
	struct nsw_instance in;
	const char *status;

	if (nsw_state_load(o->name, &in, NULL, err) < 0)
		return -1;
	status = nsw_instance_status(&in);
	if (strcmp(status, "stopped")) {
		if (!o->force)
			return nsw_error(err, 0,
					 "container '%s' is %s: stop it first, or use rm -f",
					 o->name, status);
		if (!strcmp(status, "running") || !strcmp(status, "created"))
			nsw_signal_container(o->name, SIGKILL, err);
		if (!monitor_done(&in))
			return nsw_error(err, 0,
					 "the monitor of '%s' (pid %d) did not finish; try again",
					 o->name, in.monitor_pid);
	}
	/* The monitor may have removed it all already: release is idempotent. */
	return nsw_release(&in, err);
}

int cmd_rm(int argc, char **argv, struct nsw_error *err)
{
	static const struct argp argp = {
		.options = options, .parser = parse_opt, .args_doc = "NAME", .doc = doc,
	};
	struct rm_opts o = { 0 };
	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (remove_container(&o, err) < 0)
		return -1;
	return 0;
}
