// SPDX-License-Identifier: GPL-2.0
/* nswatch rm: stop (with -f) and remove a container and all it holds. */
#include <argp.h>
#include <errno.h>
#include <limits.h>
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
	"Remove container NAME: its cgroup, network interfaces and state, with "
	"its output.log; its name is free again. A running container is refused "
	"unless -f, which kills it (SIGKILL) first and waits for its monitor to "
	"clean up."
	"\v"
	"A stopped container (exited, or dead: its monitor died, at whatever "
	"stage; see nswatch ps -a) is removed without -f; with -f, one still being created "
	"is stopped (its monitor and init killed) and cleaned up. A directory "
	"whose state file is not one nswatch wrote is removed only with -f, and "
	"nothing the file names is touched.";

static const struct argp_option options[] = {
	{ "force", 'f', NULL, 0, "Kill the container first if it runs", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct rm_opts *o = state->input;

	if (key == 'f') {
		o->force = true;
		return 0;
	}
	return nsw_argp_one_name(key, arg, state, &o->name);
}

/* Give the monitor up to 10 s to finish its own cleanup. */
static bool monitor_done(const struct nsw_instance *in)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < 500; i++) {
		if (!nsw_monitor_alive(in))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * A state file that is not nswatch's (refused, but with -f its directory
 * goes, and nothing it names), or none at all (a start killed before its
 * first save: removed). 1: the state is a valid one after all, in *in.
 */
static int remove_unrecorded(const struct rm_opts *o, int r, struct nsw_instance *in,
			     struct nsw_error *err)
{
	if (r == NSW_STATE_INVALID && !o->force)
		return nsw_error_wrap(err,
				      "cannot remove '%s' (nswatch rm -f %s removes its directory, and nothing its state names)",
				      o->name, o->name);
	r = nsw_remove_unrecorded(o->name, o->force, err);
	if (r <= 0)
		return r;
	return nsw_state_load(o->name, in, NULL, err) < 0 ? -1 : 1;
}

/*
 * After the monitor finished: what its record says now. A detached
 * container's monitor records its end and releases what it held, which
 * another start may then get (an address, and its veth's name): rm must
 * not act on the record read before. 1: the monitor removed it all.
 */
static int reload(const char *name, struct nsw_instance *in)
{
	struct nsw_instance now;
	struct nsw_error ignored;
	char dir[PATH_MAX];

	if (nsw_state_load(name, &now, NULL, &ignored) == 0) {
		*in = now;
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/%s", nsw_state_root(), name);
	return access(dir, F_OK) < 0 && errno == ENOENT ? 1 : 0;
}

static int remove_container(const struct rm_opts *o, struct nsw_error *err)
{
	struct nsw_instance in;
	const char *status;
	int r;

	r = nsw_state_load(o->name, &in, NULL, err);
	if (r == NSW_STATE_INVALID || r == NSW_STATE_NO_FILE) {
		r = remove_unrecorded(o, r, &in, err);
		if (r <= 0)
			return r;
	} else if (r < 0) {
		return -1;
	}
	status = nsw_instance_status(&in);
	if (!nsw_status_ended(status)) {
		if (!o->force)
			return nsw_error(err, 0,
					 "container '%s' is %s: stop it first, or use rm -f",
					 o->name, status);
		if (strcmp(status, "stopping"))
			nsw_signal_container(o->name, SIGKILL, err);
		/* Not started yet: the start must not go on after rm -f. */
		if (strcmp(status, "running") && strcmp(status, "stopping") &&
		    nsw_kill_monitor(&in, err) < 0)
			return -1;
		if (!monitor_done(&in))
			return nsw_error(err, 0,
					 "the monitor of '%s' (pid %d) did not finish; try again",
					 o->name, in.monitor_pid);
		if (reload(o->name, &in) > 0)
			return 0;
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
