// SPDX-License-Identifier: GPL-2.0
/*
 * nswatch logs: a detached container's output (its output.log, which the
 * container's stdout and stderr write to), and with -f what it writes next,
 * until it ends.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli/commands.h"
#include "runtime/state.h"
#include "lib/util.h"

/* One read of the log at a time. */
#define LOGS_CHUNK (64 * 1024)

struct logs_opts {
	const char *name;
	bool follow;
};

static const char doc[] =
	"Print the output of detached container NAME (nswatch run -d): what its "
	"command wrote to stdout and stderr, in the order written, from its "
	"output.log in the state directory. With -f, keep printing what it "
	"writes until it ends (then exit 0), or until interrupted."
	"\v"
	"A stopped container's log is kept until nswatch rm (or not at all with "
	"run --rm). A container run in the foreground has no log: its output "
	"went to the caller of nswatch run.";

static const struct argp_option options[] = {
	{ "follow", 'f', NULL, 0, "Follow the log until the container ends", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct logs_opts *o = state->input;

	if (key == 'f') {
		o->follow = true;
		return 0;
	}
	return nsw_argp_one_name(key, arg, state, &o->name);
}

/* What the log holds beyond what was printed, to stdout. */
static int copy_new(int log, const char *name, struct nsw_error *err)
{
	char buf[LOGS_CHUNK];
	ssize_t n, off, w;

	while ((n = read(log, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsw_error(err, errno, "cannot read the log of '%s'", name);
		for (off = 0; off < n; off += w) {
			w = write(STDOUT_FILENO, buf + off, n - off);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return nsw_error(err, errno, "cannot write the log of '%s'", name);
		}
	}
	return 0;
}

/*
 * -f: print what is written until the container's monitor ends (it
 * records the end as its last act, and nothing of the container outlives
 * it), then what the log got meanwhile.
 */
static int follow(int log, const struct nsw_instance *in, struct nsw_error *err)
{
	cleanup_close int monitor = -1, watch = -1;
	char events[sizeof(struct inotify_event) + NAME_MAX + 1];
	char path[PATH_MAX];

	if (nsw_status_ended(nsw_instance_status(in)))
		return 0;
	watch = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (watch < 0)
		return nsw_error(err, errno, "inotify");
	if (nsw_state_log_path(in->name, path, sizeof(path), err) < 0)
		return -1;
	if (inotify_add_watch(watch, path, IN_MODIFY) < 0)
		return nsw_error(err, errno, "cannot watch %s", path);
	/* Pinned, then checked to be this container's monitor: a recycled pid is not. */
	monitor = syscall(SYS_pidfd_open, in->monitor_pid, 0);
	if (monitor < 0 || !nsw_monitor_alive(in))
		return copy_new(log, in->name, err);
	/* Written between the first copy and the watch. */
	if (copy_new(log, in->name, err) < 0)
		return -1;
	for (;;) {
		struct pollfd p[2] = { { watch, POLLIN, 0 }, { monitor, POLLIN, 0 } };

		if (poll(p, ARRAY_SIZE(p), -1) < 0) {
			if (errno == EINTR)
				continue;
			return nsw_error(err, errno, "poll");
		}
		if (p[0].revents & POLLIN)
			while (read(watch, events, sizeof(events)) > 0)
				;
		if (copy_new(log, in->name, err) < 0)
			return -1;
		if (p[1].revents)
			return 0;
	}
}

static int logs(const struct logs_opts *o, struct nsw_error *err)
{
	cleanup_close int log = -1;
	struct nsw_instance in;
	struct nsw_container c;
	bool detached;

	if (nsw_state_load(o->name, &in, &c, err) < 0)
		return -1;
	detached = c.detach;
	nsw_container_free(&c);
	if (!detached)
		return nsw_error(err, 0,
				 "container '%s' runs in the foreground: its output goes to the nswatch run that started it, and there is no log (nswatch run -d keeps one)",
				 o->name);
	log = nsw_state_open_log(o->name, err);
	if (log < 0)
		return -1;
	if (copy_new(log, o->name, err) < 0)
		return -1;
	return o->follow ? follow(log, &in, err) : 0;
}

int cmd_logs(int argc, char **argv, struct nsw_error *err)
{
	static const struct argp argp = {
		.options = options, .parser = parse_opt, .args_doc = "NAME", .doc = doc,
	};
	struct logs_opts o = { 0 };

	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (logs(&o, err) < 0)
		return -1;
	return 0;
}
