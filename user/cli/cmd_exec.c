// SPDX-License-Identifier: GPL-2.0
/*
 * nswatch exec: a new process in every namespace, the cgroup and the root of
 * a running container, under the container's own security settings.
 *
 *   nswatch exec (host)  -- forks -->  joiner: cgroup, setns(pidfd, all)
 *                                        |  clone(CLONE_PARENT): the pid
 *                                        v  namespace only applies to children
 *                                      command, a child of nswatch exec
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/commands.h"
#include "lib/nsnames.h"
#include "runtime/fds.h"
#include "runtime/process.h"
#include "runtime/runtime.h"
#include "runtime/tty.h"
#include "lib/util.h"

/* Exit statuses, as docker and podman give them. */
#define EXEC_EXIT_RUNTIME 125
#define EXEC_EXIT_CANNOT_EXEC 126
#define EXEC_EXIT_NOT_FOUND 127

extern char **environ;

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

/*
 * The command's side: security, its own session (and with -t its terminal,
 * whose master goes to tty_sock), then exec. Never returns.
 */
static __attribute__((noreturn)) void exec_command(struct nsw_container *c,
						     char **argv, int errpipe,
						     int tty_sock)
{
	struct nsw_error err = { 0 };
	int keep[] = { errpipe, tty_sock };
	int e, master;

	if (nsw_close_fds_except(keep, ARRAY_SIZE(keep), &err) < 0 ||
	    nsw_apply_identity(c, &err) < 0 ||
	    nsw_enter_workdir(c->workdir, &err) < 0)
		goto fail;
	/*
	 * After the last change of ids, which clears it. Only nswatch exec
	 * holds the pipe's read end: if it is gone, so is nswatch exec.
	 */
	if (nsw_die_with_parent(errpipe, &err) < 0) {
		nsw_error_wrap(&err, "nswatch exec");
		goto fail;
	}
	if (nsw_check_fds(keep, ARRAY_SIZE(keep), &err) < 0) {
		nsw_error_set_status(&err, EXEC_EXIT_RUNTIME);
		goto fail;
	}
	environ = nsw_build_env(c);
	if (!environ) {
		nsw_error(&err, ENOMEM, "environment");
		goto fail;
	}
	if (nsw_tty_setup(c->tty, &master, &err) < 0)
		goto fail;
	if (master >= 0 && nsw_tty_send_master(tty_sock, master) < 0) {
		nsw_error(&err, errno, "-t: cannot hand the terminal to nswatch exec");
		goto fail;
	}
	if (master >= 0)
		close(master);
	if (nsw_seccomp_apply(&c->seccomp, c->caps, &err) < 0)
		goto fail;
	execvp(argv[0], argv);
	e = errno;
	if (e == ENOENT) {
		nsw_error(&err, 0, "%s: command not found in the container", argv[0]);
		nsw_error_set_status(&err, EXEC_EXIT_NOT_FOUND);
	} else {
		nsw_error(&err, e, "%s", argv[0]);
		nsw_error_set_status(&err, EXEC_EXIT_CANNOT_EXEC);
	}
fail:
	if (!err.status)
		nsw_error_set_status(&err, err.errnum == ENOENT || !err.errnum ?
						   EXEC_EXIT_NOT_FOUND :
						   EXEC_EXIT_CANNOT_EXEC);
	(void)!write(errpipe, &err, sizeof(err));
	_exit(err.status);
}

static int join_one_by_one(const struct nsw_instance *in, unsigned long flags,
			   struct nsw_error *err)
{
	/* The user namespace first: it grants the rights to join the rest. */
	static const char *const order[] = { "user", "mnt", "uts", "ipc",
					     "net", "cgroup", "pid", "time" };
	int fds[ARRAY_SIZE(order)];
	int r = 0;

	/* All opened before any is joined: /proc changes with the mnt ns. */
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		char path[64];

		fds[i] = -1;
		if (!(flags & nsw_type_flag(order[i])))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", in->pid, order[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			r = nsw_error(err, errno, "cannot open %s", path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(order) && r == 0; i++)
		if (fds[i] >= 0 && setns(fds[i], 0) < 0)
			r = nsw_error(err, errno, "cannot join the %s namespace", order[i]);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (r == 0)
		errno = 0;
	return r;
}

static int join(const struct nsw_instance *in, const struct nsw_container *c,
		int pidfd, struct nsw_error *err)
{
	/* No process in the container may read us before we exec. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (nsw_cgroup_add_pid(&in->cg, getpid(), err) < 0)
		return -1;
	if (setns(pidfd, c->ns_flags) < 0) {
		/* Before 5.8, setns() takes one namespace file at a time. */
		if (errno != EINVAL || join_one_by_one(in, c->ns_flags, err) < 0)
			return nsw_error(err, errno ? errno : err->errnum,
					 "cannot join the namespaces of %s", in->name);
	}
	if ((c->ns_flags & CLONE_NEWUSER) &&
	    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return nsw_error(err, errno, "cannot become root in %s", in->name);
	return 0;
}

/* The joiner: runs in the host's pid namespace, forks the command. */
static __attribute__((noreturn)) void joiner(const struct nsw_instance *in,
					       struct nsw_container *c,
					       char **argv, int pidfd,
					       int errpipe, int pidpipe,
					       int tty_sock)
{
	struct nsw_error err = { 0 };
	int keep[] = { pidfd, errpipe, pidpipe, tty_sock };
	pid_t pid;

	/* Nothing the caller left open may be reached from the container. */
	if (nsw_close_fds_except(keep, ARRAY_SIZE(keep), &err) < 0 ||
	    join(in, c, pidfd, &err) < 0) {
		nsw_error_set_status(&err, EXEC_EXIT_RUNTIME);
		(void)!write(errpipe, &err, sizeof(err));
		_exit(EXEC_EXIT_RUNTIME);
	}
	/* CLONE_PARENT: the command is nswatch exec's child, not ours. */
	pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		exec_command(c, argv, errpipe, tty_sock);
	}
	if (pid < 0) {
		nsw_error(&err, errno, "fork in the container");
		nsw_error_set_status(&err, EXEC_EXIT_RUNTIME);
		(void)!write(errpipe, &err, sizeof(err));
		_exit(EXEC_EXIT_RUNTIME);
	}
	(void)!write(pidpipe, &pid, sizeof(pid));
	_exit(0);
}

static int exec_in(struct exec_opts *o, struct nsw_container *c,
		   struct nsw_error *err)
{
	struct nsw_instance in;
	cleanup_close int pidfd = -1, cmd_fd = -1, tty_sock = -1, master = -1;
	int errp[2], pidp[2], ttyp[2] = { -1, -1 }, status;
	struct nsw_error child_err;
	pid_t joiner_pid, cmd = 0;
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
	if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(pidp, O_CLOEXEC) < 0)
		return nsw_error(err, errno, "pipe");
	if (o->tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ttyp) < 0)
		return nsw_error(err, errno, "socketpair");
	tty_sock = ttyp[0];
	nsw_forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fflush(stdout);
	joiner_pid = fork();
	if (joiner_pid < 0)
		return nsw_error(err, errno, "fork");
	if (joiner_pid == 0) {
		close(errp[0]);
		close(pidp[0]);
		joiner(&in, c, o->argv, pidfd, errp[1], pidp[1], ttyp[1]);
	}
	close(errp[1]);
	close(pidp[1]);
	if (ttyp[1] >= 0)
		close(ttyp[1]);
	waitpid(joiner_pid, &status, 0);
	if (read(pidp[0], &cmd, sizeof(cmd)) != sizeof(cmd))
		cmd = 0;
	close(pidp[0]);
	status = EXEC_EXIT_RUNTIME;
	if (cmd > 0) {
		cmd_fd = syscall(SYS_pidfd_open, cmd, 0);
		/* EOF: the command failed before its terminal; errp says why. */
		if (cmd_fd >= 0 && tty_sock >= 0)
			master = nsw_tty_recv_master(tty_sock);
		if (cmd_fd < 0)
			status = EXEC_EXIT_RUNTIME;
		else if (master >= 0)
			status = nsw_tty_relay_wait(master, o->interactive, cmd_fd,
						    -1, NULL, NULL);
		else
			status = nsw_forward_and_wait(cmd_fd);
	}
	/* EOF: the command was exec'd; a record: why it was not. */
	if (read(errp[0], &child_err, sizeof(child_err)) == sizeof(child_err)) {
		*err = child_err;
		close(errp[0]);
		return nsw_error_set_status(err, cmd > 0 ? status : EXEC_EXIT_RUNTIME);
	}
	close(errp[0]);
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
