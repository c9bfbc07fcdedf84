// SPDX-License-Identifier: GPL-2.0
/*
 * nswatch exec: a new process in every namespace, the cgroup and the root of
 * a running container, under the container's own security settings.
 *
 * The joining is runtime/enter.h's; the command is nswatch exec's child,
 * which relays its terminal (-t) or forwards signals to it and gives its
 * exit status.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli/commands.h"
#include "runtime/enter.h"
#include "runtime/process.h"
#include "runtime/runtime.h"
#include "runtime/tty.h"
#include "lib/util.h"

#define EXEC_EXIT_RUNTIME NSW_ENTER_EXIT_RUNTIME

struct exec_opts {
	char *name;
	char **argv;
	char *workdir;
	bool user_set;
	uint32_t uid, gid;
	bool tty, interactive;
	int n_env;
	char *env[NSW_MAX_ENV];
};

static const char doc[] =
	"Run CMD inside the running container NAME: in all of its namespaces "
	"(one setns() through a pidfd), its cgroup and its root, with its "
	"capabilities, no_new_privs, environment and working directory. "
	"The exit status is CMD's (128+N if killed by signal N; 127 if CMD is "
	"not found)."
	"\v"
	"Examples:\n"
	"  nswatch exec web sh\n"
	"  nswatch exec -e DEBUG=1 -w /tmp web ls\n"
	"  nswatch exec -ti web sh\n";

static const struct argp_option options[] = {
	{ "env", 'e', "K=V", 0, "Set an environment variable (repeatable)", 1 },
	{ "workdir", 'w', "DIR", 0, "Working directory (default: the container's)", 1 },
	{ "user", 'u', "UID[:GID]", 0, "Run as this uid and gid (default: the container's)", 1 },
	{ "tty", 't', NULL, 0, "Give CMD a pseudo-terminal of its own (the container's devpts), relayed to stdout (and stdin with -i)", 1 },
	{ "interactive", 'i', NULL, 0, "Keep stdin open: with -t, relay it, the caller's terminal in raw mode (without -t, stdin is always the caller's)", 1 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct exec_opts *o = state->input;
	struct nsw_error err;

	switch (key) {
	case 'e':
		if (!nsw_env_valid(arg))
			argp_error(state, "bad --env '%s': expected KEY=VALUE", arg);
		else if (o->n_env < NSW_MAX_ENV)
			o->env[o->n_env++] = arg;
		return 0;
	case 'w':
		if (arg[0] != '/')
			argp_error(state, "bad --workdir '%s': an absolute path", arg);
		o->workdir = arg;
		return 0;
	case 'u':
		if (nsw_parse_user(arg, &o->uid, &o->gid, &err) < 0)
			argp_error(state, "%s", err.msg);
		o->user_set = true;
		return 0;
	case 't':
		o->tty = true;
		return 0;
	case 'i':
		o->interactive = true;
		return 0;
	case ARGP_KEY_ARG:
		if (!o->name) {
			o->name = arg;
			return 0;
		}
		o->argv = &state->argv[state->next - 1];
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		if (!o->name || !o->argv)
			argp_error(state, "expected NAME CMD [ARGS...]");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static int exec_in(struct exec_opts *o, struct nsw_container *c,
		   struct nsw_error *err)
{
	struct nsw_instance in;
	cleanup_close int pidfd = -1, cmd_fd = -1, tty_sock = -1, master = -1;
	int ttyp[2] = { -1, -1 }, report, status;
	struct nsw_enter_command cmd = { .c = c, .argv = o->argv, .tty_sock = -1,
					 .die_with_parent = true };
	struct nsw_enter e = { .in = &in, .fn = nsw_enter_command_main, .arg = &cmd };
	struct nsw_error cmd_err = { 0 };
	pid_t pid;
	sigset_t set;

	pidfd = nsw_open_init(o->name, &in, c, err);
	if (pidfd < 0)
		return -1;
	for (int i = 0; i < o->n_env; i++)
		if (nsw_container_add_env(c, o->env[i], err) < 0)
			return -1;
	if (o->workdir) {
		free(c->workdir);
		c->workdir = strdup(o->workdir);
	}
	if (o->user_set) {
		c->uid = o->uid;
		c->gid = o->gid;
	}
	c->tty = o->tty;
	c->interactive = o->interactive;
	if (o->tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ttyp) < 0)
		return nsw_error(err, errno, "socketpair");
	tty_sock = ttyp[0];
	cmd.tty_sock = ttyp[1];
	e.pidfd = pidfd;
	e.keep = &cmd.tty_sock;
	e.n_keep = 1;
	if (nsw_enter_ns_flags(in.pid, &e.ns_flags, err) < 0)
		return nsw_error_set_status(err, EXEC_EXIT_RUNTIME);
	nsw_forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (nsw_enter_spawn(&e, &pid, &report, err) < 0) {
		if (ttyp[1] >= 0)
			close(ttyp[1]);
		return -1;
	}
	if (ttyp[1] >= 0)
		close(ttyp[1]);
	status = EXEC_EXIT_RUNTIME;
	cmd_fd = syscall(SYS_pidfd_open, pid, 0);
	/* EOF: the command failed before its terminal; its report says why. */
	if (cmd_fd >= 0 && tty_sock >= 0)
		master = nsw_tty_recv_master(tty_sock);
	if (cmd_fd < 0)
		status = EXEC_EXIT_RUNTIME;
	else if (master >= 0)
		status = nsw_tty_relay_wait(master, o->interactive, cmd_fd, -1, NULL, NULL);
	else
		status = nsw_forward_and_wait(cmd_fd);
	/* EOF: the command was exec'd; a record: why it was not. */
	if (nsw_enter_report(report, &cmd_err) < 0) {
		*err = cmd_err;
		return nsw_error_set_status(err, status);
	}
	return status;
}

int cmd_exec(int argc, char **argv, struct nsw_error *err)
{
	static const struct argp argp = {
		.options = options,
		.parser = parse_opt,
		.args_doc = "NAME CMD [ARGS...]",
		.doc = doc,
	};
	struct exec_opts o = { 0 };
	struct nsw_container c = { 0 };
	int r;

	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &o))
		return 2;
	r = exec_in(&o, &c, err);
	nsw_container_free(&c);
	return r;
}
