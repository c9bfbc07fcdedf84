// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime's entry points: a run in the foreground or detached (the
 * monitor itself is monitor.c), and what the other commands do with a
 * container that exists: find its init, signal it, release what it held.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runtime/cgroup.h"
#include "runtime/layer.h"
#include "runtime/monitor.h"
#include "runtime/netdev.h"
#include "runtime/runtime.h"
#include "lib/util.h"

/*
 * --detach: the monitor goes on in its own session; the caller waits until
 * the command runs (or setup fails) and reports that.
 */
static int detach(struct nsw_container *c, struct nsw_error *err)
{
	struct nsw_start_report r = { 0 };
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return nsw_error(err, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return nsw_error(err, errno, "fork");
	if (pid == 0) {
		int code;

		close(p[0]);
		/* The monitor outlives us: its parent becomes init. */
		if (fork() != 0)
			_exit(0);
		setsid();
		code = nsw_monitor_run(c, NULL, p[1], err);
		_exit(code < 0 ? err->status : code);
	}
	close(p[1]);
	waitpid(pid, &status, 0);
	n = read(p[0], &r, sizeof(r));
	close(p[0]);
	if (n == sizeof(r) && r.ok) {
		printf("%s\n", c->name);
		return 0;
	}
	if (n == sizeof(r)) {
		*err = r.err;
		return -1;
	}
	return nsw_error(err, 0, "the container's monitor exited during setup");
}

int nsw_run(struct nsw_container *c, const struct nsw_observer *obs,
	    struct nsw_error *err)
{
	if (c->detach)
		return detach(c, err);
	return nsw_monitor_run(c, obs, -1, err);
}

void nsw_release_held_locked(const struct nsw_instance *in, struct nsw_error *err)
{
	struct nsw_error e2;

	if (in->host_if[0] && nsw_link_delete(in->host_if, &e2) < 0)
		*err = e2;
	if (in->cg.n && nsw_cgroup_destroy(&in->cg, &e2) < 0)
		*err = e2;
	if (in->bridge[0] && nsw_bridge_remove_if_unused(in->bridge, &e2) < 0)
		*err = e2;
	if (nsw_layer_remove(in->name, &e2) < 0)
		*err = e2;
}

void nsw_release_locked(const struct nsw_instance *in, struct nsw_error *err)
{
	struct nsw_error e2;

	nsw_release_held_locked(in, err);
	/* Keep the record of what is left, so that rm can try again. */
	if (!err->msg[0] && nsw_state_remove(in->name, &e2) < 0)
		*err = e2;
}

int nsw_release(const struct nsw_instance *in, struct nsw_error *err)
{
	struct nsw_error e = { 0 };
	int lock;

	/* Before the lock, as the monitor does; tried again under it. */
	nsw_layer_remove(in->name, &e);
	memset(&e, 0, sizeof(e));
	lock = nsw_state_lock(err);
	if (lock < 0)
		return -1;
	nsw_release_locked(in, &e);
	close(lock);
	if (e.msg[0]) {
		*err = e;
		return -1;
	}
	return 0;
}

int nsw_open_init(const char *name, struct nsw_instance *in,
		  struct nsw_container *c, struct nsw_error *err)
{
	int pidfd;

	if (nsw_state_load(name, in, c, err) < 0)
		return -1;
	pidfd = in->pid > 0 ? syscall(SYS_pidfd_open, in->pid, 0) : -1;
	/*
	 * Checked after the open: the pidfd now pins the process we meant,
	 * and it is this container's (the state file could name any).
	 */
	if (pidfd < 0 || !nsw_init_alive(in)) {
		if (pidfd >= 0)
			close(pidfd);
		if (c)
			nsw_container_free(c);
		if (!strcmp(in->status, NSW_STATUS_EXITED))
			return nsw_error(err, 0,
					 "container '%s' is not running: it exited with status %d at %s (nswatch logs %s; nswatch rm %s)",
					 name, in->exit_status, in->finished, name, name);
		return nsw_error(err, 0, "container '%s' is not running", name);
	}
	return pidfd;
}

int nsw_signal_container(const char *name, int sig, struct nsw_error *err)
{
	struct nsw_instance in;
	cleanup_close int pidfd = nsw_open_init(name, &in, NULL, err);

	if (pidfd < 0)
		return -1;
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return nsw_error(err, errno, "cannot signal container '%s'", name);
	return 0;
}

int nsw_kill_monitor(const struct nsw_instance *in, struct nsw_error *err)
{
	cleanup_close int pidfd = syscall(SYS_pidfd_open, in->monitor_pid, 0);

	/* As for the init: pinned first, then checked to be this container's. */
	if (pidfd < 0 || !nsw_monitor_alive(in))
		return 0;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return nsw_error(err, errno, "cannot kill the monitor of '%s'", in->name);
	return 0;
}

int nsw_remove_unrecorded(const char *name, bool invalid, struct nsw_error *err)
{
	struct nsw_instance in;
	struct nsw_error e;
	int lock = nsw_state_lock(err), r;

	if (lock < 0)
		return -1;
	/* Under the lock, a directory without state file has no owner. */
	r = nsw_state_load(name, &in, NULL, &e);
	if (r == NSW_STATE_NO_FILE || (r == NSW_STATE_INVALID && invalid))
		r = nsw_state_remove(name, err);
	else if (r == 0)
		r = 1;
	else
		*err = e;
	close(lock);
	return r;
}
