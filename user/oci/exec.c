// SPDX-License-Identifier: GPL-2.0
/*
 * runc's exec: a new process in a created or running container, through
 * the runtime's join (runtime/enter.h). Its description is the spec's
 * process object, from --process or from the bundle's config.json with the
 * command line's changes; its seccomp filter is the container's, as
 * recorded at create.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "oci/oci.h"
#include "runtime/caps.h"
#include "runtime/enter.h"
#include "runtime/process.h"
#include "runtime/state.h"
#include "runtime/tty.h"
#include "lib/readfile.h"
#include "lib/util.h"

/* A process file is far smaller than a config.json; the same bound. */
#define PROCESS_FILE_MAX NSW_OCI_CONFIG_MAX

static int read_process_file(const char *path, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	cleanup_free char *text = NULL;
	size_t got;

	if (fd < 0)
		return nsw_error(err, errno, "--process: cannot open %s", path);
	if (nsw_read_bounded(fd, PROCESS_FILE_MAX, &text, &got) < 0 && errno == EFBIG)
		return nsw_error(err, 0, "--process %s: not a regular file of at most %d bytes",
				 path, PROCESS_FILE_MAX);
	if (!text)
		return nsw_error(err, errno, "--process %s", path);
	if (nsw_oci_process_parse(text, got, cfg, err) < 0)
		return nsw_error_wrap(err, "--process %s", path);
	return 0;
}

static char **strv_dup(char **v)
{
	size_t n = 0;
	char **copy;

	while (v[n])
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	for (size_t i = 0; copy && i < n; i++)
		if (!(copy[i] = strdup(v[i]))) {
			nsw_oci_strv_free(copy);
			return NULL;
		}
	return copy;
}

/* runc's flags over the bundle's process: the command, cwd, env, user, caps, terminal. */
static int apply_flags(struct nsw_container *c, const struct nsw_oci_exec_opts *o,
		       struct nsw_error *err)
{
	char **argv;

	if (!o->argv || !o->argv[0])
		return nsw_error(err, 0, "exec: a command is needed (or --process FILE)");
	argv = strv_dup(o->argv);
	if (!argv)
		return nsw_error(err, ENOMEM, "exec");
	nsw_oci_strv_free(c->argv);
	c->argv = argv;
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return nsw_error(err, 0, "--cwd %s: must be an absolute path", o->cwd);
		free(c->workdir);
		c->workdir = strdup(o->cwd);
		if (!c->workdir)
			return nsw_error(err, ENOMEM, "--cwd");
	}
	for (int i = 0; i < o->n_env; i++)
		if (!nsw_env_valid(o->env[i]))
			return nsw_error(err, 0, "--env '%s': expected KEY=VALUE", o->env[i]);
		else if (nsw_container_add_env(c, o->env[i], err) < 0)
			return -1;
	if (o->user_set) {
		/* As runc: the process's additional gids stay. */
		c->uid = o->uid;
		c->gid = o->gid;
	}
	for (int i = 0; i < o->n_caps; i++) {
		uint64_t bit;

		if (strncmp(o->caps[i], "CAP_", 4) || nsw_cap_parse(o->caps[i], &bit, err) < 0)
			return nsw_error(err, 0, "--cap %s: unknown capability", o->caps[i]);
		c->caps |= bit;
		c->caps_effective |= bit;
		c->caps_permitted |= bit;
	}
	if (o->no_new_privs)
		c->keep_privs = false;
	c->tty = o->tty;
	return 0;
}

/* The process's description: --process, or the bundle's with the flags. */
static int describe(const struct nsw_oci_state *st, const struct nsw_oci_exec_opts *o,
		    struct nsw_oci_config *cfg, struct nsw_error *err)
{
	if (o->process) {
		if (o->argv && o->argv[0]) {
			memset(cfg, 0, sizeof(*cfg));
			return nsw_error(err, 0, "exec: a command and --process both given");
		}
		return read_process_file(o->process, cfg, err);
	}
	if (nsw_oci_config_load(st->bundle, st->id, cfg, err) < 0)
		return nsw_error_wrap(err, "exec: the bundle's process");
	if (apply_flags(&cfg->c, o, err) < 0) {
		nsw_oci_config_free(cfg);
		return -1;
	}
	return 0;
}

/* The filter the container runs under, as create recorded it. */
static int take_recorded(const char *id, struct nsw_instance *in, struct nsw_container *c,
			 struct nsw_error *err)
{
	struct nsw_container rec = {0};

	if (nsw_state_load(id, in, &rec, err) < 0)
		return -1;
	nsw_seccomp_free(&c->seccomp);
	c->seccomp = rec.seccomp;
	memset(&rec.seccomp, 0, sizeof(rec.seccomp));
	c->rootless = rec.rootless;
	snprintf(c->name, sizeof(c->name), "%s", id);
	nsw_container_free(&rec);
	return 0;
}

static int check_status(const struct nsw_oci_state *st, struct nsw_error *err)
{
	switch (st->status) {
	case NSW_OCI_CREATED:
	case NSW_OCI_RUNNING:
		return 0;
	case NSW_OCI_STOPPED:
		return nsw_error(err, 0, "cannot exec in a stopped container");
	case NSW_OCI_PAUSED:
		/* Its joiner would freeze in the container's cgroup. */
		return nsw_error(err, 0, "cannot exec in a paused container");
	default:
		return nsw_error(err, 0, "cannot exec in container %s: it is %s", st->id,
				 nsw_oci_status_name(st->status));
	}
}

/* The init, pinned, and still the recorded process. */
static int open_init(const struct nsw_oci_state *st, struct nsw_error *err)
{
	int pidfd = syscall(SYS_pidfd_open, st->pid, 0);

	if (pidfd >= 0 && nsw_proc_same(st->pid, st->starttime))
		return pidfd;
	if (pidfd >= 0)
		close(pidfd);
	return nsw_error(err, 0, "cannot exec in a stopped container");
}

struct exec_run {
	const struct nsw_oci_exec_opts *o;
	struct nsw_instance in;
	struct nsw_oci_config cfg;
	int pidfd;
	int tty[2]; /* ours, the process's */
};

/* Spawn, hand the terminal over, wait for the exec (and, attached, for the end). */
static int run(struct exec_run *x, struct nsw_error *err)
{
	struct nsw_enter_command cmd = {.c = &x->cfg.c,
					.argv = x->cfg.c.argv,
					.tty_sock = x->tty[1],
					.die_with_parent = !x->o->detach};
	struct nsw_enter e = {.in = &x->in,
			      .pidfd = x->pidfd,
			      .keep = &x->tty[1],
			      .n_keep = x->tty[1] >= 0,
			      .fn = nsw_enter_command_main,
			      .arg = &cmd};
	cleanup_close int pfd = -1, master = -1;
	int report, status = 0;
	sigset_t set;
	pid_t pid;

	if (nsw_enter_ns_flags(x->in.pid, &e.ns_flags, err) < 0)
		return -1;
	nsw_forwarded_signals(&set);
	if (!x->o->detach)
		sigprocmask(SIG_BLOCK, &set, NULL);
	if (nsw_enter_spawn(&e, &pid, &report, err) < 0)
		return -1;
	if (x->tty[1] >= 0) {
		close(x->tty[1]);
		x->tty[1] = -1;
	}
	pfd = syscall(SYS_pidfd_open, pid, 0);
	/* No master: the process failed first, and its report says why. */
	if (x->tty[0] >= 0 && (master = nsw_tty_recv_master(x->tty[0])) >= 0 &&
	    nsw_oci_send_console(x->o->console_socket, master, err) < 0) {
		kill(pid, SIGKILL);
		close(report);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (nsw_enter_report(report, err) < 0) {
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (x->o->pid_file && nsw_oci_write_pid_file(x->o->pid_file, pid, err) < 0) {
		if (x->o->detach) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return -1;
	}
	/* Detached: the caller's reaper (conmon, the shim) reaps it, as the init. */
	if (x->o->detach)
		return 0;
	if (pfd >= 0)
		return nsw_forward_and_wait(pfd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return nsw_wait_status(status);
}

int nsw_oci_exec(const char *id, const struct nsw_oci_exec_opts *o, struct nsw_error *err)
{
	struct exec_run x = {.o = o, .pidfd = -1, .tty = {-1, -1}};
	struct nsw_oci_state st;
	int r = -1;

	if (nsw_oci_state_load(id, &st, err) < 0)
		return -1;
	if (check_status(&st, err) < 0 || describe(&st, o, &x.cfg, err) < 0) {
		nsw_oci_state_free(&st);
		return -1;
	}
	if (x.cfg.c.tty && !o->console_socket)
		nsw_error(err, 0, "exec: a terminal needs --console-socket to hand it over");
	else if (!x.cfg.c.tty && o->console_socket)
		nsw_error(err, 0, "exec: --console-socket given, but the process has no terminal");
	else if (take_recorded(id, &x.in, &x.cfg.c, err) < 0 || (x.pidfd = open_init(&st, err)) < 0)
		;
	else if (x.cfg.c.tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x.tty) < 0)
		nsw_error(err, errno, "socketpair");
	else
		r = run(&x, err);
	for (int i = 0; i < 2; i++)
		if (x.tty[i] >= 0)
			close(x.tty[i]);
	if (x.pidfd >= 0)
		close(x.pidfd);
	nsw_oci_config_free(&x.cfg);
	nsw_oci_state_free(&st);
	return r;
}
