// SPDX-License-Identifier: GPL-2.0
/* A new process in an existing container's namespaces, cgroups and root (enter.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runtime/enter.h"
#include "runtime/fds.h"
#include "runtime/process.h"
#include "runtime/tty.h"
#include "lib/nsnames.h"
#include "lib/util.h"

/* The fds a caller may hand the process, and the joiner's own three. */
#define ENTER_MAX_KEEP 8
#define ENTER_OWN_FDS  3

extern char **environ;

int nsw_enter_ns_flags(pid_t pid, unsigned long *flags, struct nsw_error *err)
{
	*flags = 0;
	for (int i = 0; i < NSW_TYPE_COUNT; i++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, nsw_types[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", nsw_types[i].name);
		/* A kernel without this type (time before 5.6) has neither file. */
		if (stat(ours, &b) < 0 && errno == ENOENT)
			continue;
		if (stat(theirs, &a) < 0)
			return nsw_error(err, errno, "cannot read %s", theirs);
		/* setns() into one's own user namespace is EINVAL: only the others. */
		if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
			*flags |= nsw_types[i].flag;
	}
	return 0;
}

static int join_one_by_one(const struct nsw_instance *in, unsigned long flags,
			   struct nsw_error *err)
{
	/* The user namespace first: it grants the rights to join the rest. */
	static const char *const order[] = {"user", "mnt",    "uts", "ipc",
					    "net",  "cgroup", "pid", "time"};
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

static int join(const struct nsw_enter *e, struct nsw_error *err)
{
	/* No process in the container may read us before we exec. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (nsw_cgroup_add_pid(&e->in->cg, getpid(), err) < 0)
		return -1;
	if (e->ns_flags && setns(e->pidfd, e->ns_flags) < 0) {
		/* Before 5.8, setns() takes one namespace file at a time. */
		if (errno != EINVAL || join_one_by_one(e->in, e->ns_flags, err) < 0)
			return nsw_error(err, errno ? errno : err->errnum,
					 "cannot join the namespaces of %s", e->in->name);
	}
	if ((e->ns_flags & CLONE_NEWUSER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return nsw_error(err, errno, "cannot become root in %s", e->in->name);
	return 0;
}

void nsw_enter_fail(int errpipe, struct nsw_error *err)
{
	if (!err->status)
		nsw_error_set_status(err, NSW_ENTER_EXIT_RUNTIME);
	(void)!write(errpipe, err, sizeof(*err));
	_exit(err->status);
}

/* The process: what the caller's signal handling left must not reach its program. */
static __attribute__((noreturn)) void start_process(const struct nsw_enter *e, int errpipe)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	e->fn(e->arg, errpipe);
	_exit(NSW_ENTER_EXIT_RUNTIME);
}

/* The joiner: runs in the host's pid namespace, clones the process. */
static __attribute__((noreturn)) void joiner(const struct nsw_enter *e, int errpipe, int pidpipe)
{
	struct nsw_error err = {0};
	int keep[ENTER_MAX_KEEP + ENTER_OWN_FDS] = {e->pidfd, errpipe, pidpipe};
	pid_t pid;

	for (int i = 0; i < e->n_keep; i++)
		keep[ENTER_OWN_FDS + i] = e->keep[i];
	/* Nothing the caller left open may be reached from the container. */
	if (nsw_close_fds_except(keep, ENTER_OWN_FDS + e->n_keep, &err) < 0 || join(e, &err) < 0)
		nsw_enter_fail(errpipe, &err);
	/* CLONE_PARENT: the process is the caller's child, not ours. */
	pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid == 0) {
		close(e->pidfd);
		close(pidpipe);
		start_process(e, errpipe);
	}
	if (pid < 0) {
		nsw_error(&err, errno, "fork in the container");
		nsw_enter_fail(errpipe, &err);
	}
	(void)!write(pidpipe, &pid, sizeof(pid));
	_exit(0);
}

int nsw_enter_spawn(const struct nsw_enter *e, pid_t *pid, int *report, struct nsw_error *err)
{
	int errp[2], pidp[2], status;
	struct nsw_error child_err;
	pid_t joiner_pid;

	*pid = 0;
	*report = -1;
	if (e->n_keep > ENTER_MAX_KEEP)
		return nsw_error(err, EINVAL, "more than %d fds for the process", ENTER_MAX_KEEP);
	if (pipe2(errp, O_CLOEXEC) < 0)
		return nsw_error(err, errno, "pipe");
	if (pipe2(pidp, O_CLOEXEC) < 0) {
		close(errp[0]);
		close(errp[1]);
		return nsw_error(err, errno, "pipe");
	}
	fflush(stdout);
	fflush(stderr);
	joiner_pid = fork();
	if (joiner_pid == 0) {
		close(errp[0]);
		close(pidp[0]);
		joiner(e, errp[1], pidp[1]);
	}
	close(errp[1]);
	close(pidp[1]);
	if (joiner_pid < 0) {
		close(errp[0]);
		close(pidp[0]);
		return nsw_error(err, errno, "fork");
	}
	while (waitpid(joiner_pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read(pidp[0], pid, sizeof(*pid)) != sizeof(*pid))
		*pid = 0;
	close(pidp[0]);
	if (*pid > 0) {
		*report = errp[0];
		return 0;
	}
	*pid = 0;
	if (read(errp[0], &child_err, sizeof(child_err)) == sizeof(child_err))
		*err = child_err;
	else
		nsw_error(err, 0, "cannot enter %s: the joiner ended with status %d", e->in->name,
			  nsw_wait_status(status));
	close(errp[0]);
	return nsw_error_set_status(err, NSW_ENTER_EXIT_RUNTIME);
}

int nsw_enter_report(int report, struct nsw_error *err)
{
	struct nsw_error child_err;
	ssize_t n;

	while ((n = read(report, &child_err, sizeof(child_err))) < 0 && errno == EINTR)
		;
	close(report);
	if (n != sizeof(child_err))
		return 0;
	*err = child_err;
	return -1;
}

void nsw_enter_command_main(void *arg, int errpipe)
{
	const struct nsw_enter_command *x = arg;
	const struct nsw_container *c = x->c;
	struct nsw_error err = {0};
	int keep[] = {errpipe, x->tty_sock};
	int e, master;

	if (nsw_apply_identity(c, &err) < 0 || nsw_enter_workdir(c->workdir, &err) < 0)
		goto fail;
	/*
	 * After the last change of ids, which clears it. Only the caller holds
	 * the pipe's read end: if it is gone, so is the caller.
	 */
	if (x->die_with_parent && nsw_die_with_parent(errpipe, &err) < 0) {
		nsw_error_wrap(&err, "the process waiting for the command");
		goto fail;
	}
	if (nsw_check_fds(keep, ARRAY_SIZE(keep), &err) < 0) {
		nsw_error_set_status(&err, NSW_ENTER_EXIT_RUNTIME);
		goto fail;
	}
	environ = nsw_build_env(c);
	if (!environ) {
		nsw_error(&err, ENOMEM, "environment");
		goto fail;
	}
	if (nsw_tty_setup(c->tty, &master, &err) < 0)
		goto fail;
	if (master >= 0 && nsw_tty_send_master(x->tty_sock, master) < 0) {
		nsw_error(&err, errno, "cannot hand the terminal over");
		goto fail;
	}
	if (master >= 0)
		close(master);
	/* Last: the filter also holds what is left to do here. */
	if (nsw_seccomp_apply(&c->seccomp, c->caps, &err) < 0 ||
	    (nsw_caps_deferred(c) && nsw_apply_caps(c, &err) < 0))
		goto fail;
	execvp(x->argv[0], x->argv);
	e = errno;
	if (e == ENOENT) {
		nsw_error(&err, 0, "%s: command not found in the container", x->argv[0]);
		nsw_error_set_status(&err, NSW_ENTER_EXIT_NOT_FOUND);
	} else {
		nsw_error(&err, e, "%s", x->argv[0]);
		nsw_error_set_status(&err, NSW_ENTER_EXIT_CANNOT_EXEC);
	}
fail:
	if (!err.status)
		nsw_error_set_status(&err, err.errnum == ENOENT || !err.errnum
					       ? NSW_ENTER_EXIT_NOT_FOUND
					       : NSW_ENTER_EXIT_CANNOT_EXEC);
	nsw_enter_fail(errpipe, &err);
}
