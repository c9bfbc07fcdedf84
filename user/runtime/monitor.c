// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's phases, in order (nsw_monitor_run() at the bottom):
 *
 *   claim    the name, an id range and an address, recorded; the cgroups
 *   spawn    clone3(): the init in its new namespaces (init.c)
 *   prepare  its id maps, cgroups, bridge and veth, idmapped rootfs,
 *            writable layer; SETUP
 *   start    READY; state file, prestart hook; EXEC; the command runs
 *   wait     forward signals until the init exits
 *   release  remove the cgroups, veth, bridge, writable layer and state;
 *            a detached container (without --rm) keeps its state and
 *            output.log, with how its command ended, until rm
 *
 * and on failure: kill the init, release what was claimed, report why.
 * Each step is reported to the observer, if any.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
#include "runtime/alloc.h"
#include "runtime/init.h"
#include "runtime/kernel.h"
#include "runtime/layer.h"
#include "runtime/monitor.h"
#include "runtime/netdev.h"
#include "runtime/process.h"
#include "runtime/protocol.h"
#include "runtime/runtime.h"
#include "runtime/seccomp.h"
#include "runtime/tty.h"
#include "lib/clock.h"
#include "lib/util.h"

/* Exit statuses of a start that failed, as docker and podman give them. */
#define NSW_EXIT_RUNTIME 125
#define NSW_EXIT_CANNOT_EXEC 126
#define NSW_EXIT_NOT_FOUND 127

struct monitor {
	struct nsw_container *c;
	struct nsw_instance in;
	const struct nsw_observer *obs;	/* NULL: nobody watches */
	int sock;		/* our end of the pair */
	int pidfd;
	pid_t pid;
	int lock;		/* held while allocating, and for the veth */
	int mark;		/* the monitor's mark (state.h), held for life */
	int report;		/* --detach: the waiting caller's pipe */
	int tty;		/* -t: the pseudo-terminal's master, from READY */
	struct nsw_seccomp_job compile;	/* the filter, compiled meanwhile */
	int seccomp;		/* the compiled filter, sent with EXEC (-1: none) */
	bool claimed, bridged;
	bool born_in_cgroup;	/* clone3 put the init in cg.dirs[0] */
	siginfo_t end;		/* how the init ended (waitid's si_code, si_status) */
};

/* ---- the observer ---- */

static void observe(struct monitor *m, struct nsw_step *s)
{
	if (!m->obs || !m->obs->step)
		return;
	s->c = m->c;
	s->in = &m->in;
	m->obs->step(m->obs->ctx, s);
}

/* A step with no payload, begun at begin and done now. */
static void observe_step(struct monitor *m, enum nsw_step_kind kind,
			 unsigned long long begin)
{
	struct nsw_step s = { .kind = kind, .begin = begin, .end = nsw_mono_ns() };

	observe(m, &s);
}

static void observe_drain(struct monitor *m)
{
	if (m->obs && m->obs->drain)
		m->obs->drain(m->obs->ctx);
}

static void observe_done(struct monitor *m)
{
	if (m->obs && m->obs->done)
		m->obs->done(m->obs->ctx);
}

static int observer_fd(const struct monitor *m)
{
	return m->obs && m->obs->drain ? m->obs->fd : -1;
}

static void drain_ready(void *arg)
{
	observe_drain(arg);
}

/* ---- messages from the init ---- */

/*
 * The next message of the init that is not a PHASE (those go to the
 * observer, with what it collected meanwhile): > 0, 0 on EOF, -1.
 */
static int recv_step(struct monitor *m, struct nsw_msg *msg)
{
	int r, fd;

	while ((r = nsw_msg_recv(m->sock, msg, &fd)) > 0 &&
	       msg->type == NSW_MSG_PHASE) {
		if (fd >= 0)
			close(fd);
		if (m->obs && m->obs->phase)
			m->obs->phase(m->obs->ctx, &msg->phase, m->c, &m->in);
		observe_drain(m);
	}
	observe_drain(m);
	/* -t: READY carries the pseudo-terminal's master; nothing else an fd. */
	if (r > 0 && msg->type == NSW_MSG_READY && m->c->tty && m->tty < 0)
		m->tty = fd;
	else if (r > 0 && fd >= 0)
		close(fd);
	return r;
}

/* The init's answer to a step: 0 on want, -1 with its error. */
static int await(struct monitor *m, int want, struct nsw_msg *reply,
		 struct nsw_error *err)
{
	struct nsw_msg msg;
	int r = recv_step(m, &msg);

	if (r < 0)
		return nsw_error(err, errno, "reading from the container's init");
	if (r == 0)
		return nsw_error(err, 0, "the container's init exited during setup");
	if (msg.type == NSW_MSG_ERROR || msg.type == NSW_MSG_EXEC_FAILED) {
		*err = msg.err;
		return -1;
	}
	if (msg.type != want)
		return nsw_error(err, 0, "unexpected message %d from the init", msg.type);
	*reply = msg;
	return 0;
}

static int send_init(struct monitor *m, int type, int fd, struct nsw_error *err)
{
	struct nsw_msg msg = { .type = type };

	if (nsw_msg_send(m->sock, &msg, fd) < 0)
		return nsw_error(err, errno, "cannot reach the container's init");
	return 0;
}

/* ---- claim ---- */

static bool same_cgroups(const struct nsw_cgroup *a, const struct nsw_cgroup *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (a->dirs[i].version != b->dirs[i].version ||
		    strcmp(a->dirs[i].controller, b->dirs[i].controller) ||
		    strcmp(a->dirs[i].path, b->dirs[i].path) || a->dirs[i].made != b->dirs[i].made)
			return false;
	return true;
}

/*
 * The cgroups, made with the container's limits where the state already
 * says they are: killed half-way, we leave nothing rm does not know of.
 */
static int make_cgroups(struct monitor *m, struct nsw_error *err)
{
	unsigned long long t = nsw_mono_ns();
	struct nsw_cgroup made;

	if (nsw_cgroup_create(&made, m->c->name, &m->c->limits, err) < 0)
		return -1;
	observe_step(m, NSW_STEP_CGROUPS, t);
	/* The mounts changed since the plan: record what was made. */
	if (!same_cgroups(&made, &m->in.cg)) {
		m->in.cg = made;
		if (nsw_state_save(&m->in, m->c, err) < 0)
			return -1;
	}
	if (m->c->rootless && !m->in.cg.n)
		fprintf(stderr, "nswatch: note: rootless, and no cgroup is delegated to uid %u: the container runs without a cgroup of its own or limits\n",
			geteuid());
	return 0;
}

static int make_bridge(struct monitor *m, struct nsw_error *err)
{
	struct nsw_step s = { .kind = NSW_STEP_BRIDGE, .begin = nsw_mono_ns(),
			      .bridge.address = NSW_BRIDGE_ADDRESS };

	m->bridged = true;
	if (nsw_bridge_ensure(m->in.bridge, NSW_BRIDGE_ADDRESS, err) < 0)
		return -1;
	s.end = nsw_mono_ns();
	observe(m, &s);
	return 0;
}

/* The signals that end a run still waiting for the state lock. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

static int lock(struct monitor *m, struct nsw_error *err)
{
	sigset_t stop;

	stop_signals(&stop);
	m->lock = nsw_state_lock_or_signal(&stop, err);
	return m->lock < 0 ? -1 : 0;
}

static void unlock(struct monitor *m)
{
	if (m->lock >= 0)
		close(m->lock);
	m->lock = -1;
}

/*
 * Claim the name and what the container gets, and record it all, with what
 * is to be made, before anything is made: one short hold of the lock.
 */
static int claim(struct monitor *m, struct nsw_error *err)
{
	int r = -1;

	if (lock(m, err) < 0)
		return -1;
	if (nsw_state_claim(m->c->name, err) < 0)
		goto unlock;
	m->claimed = true;
	m->mark = nsw_state_mark(m->c->name, err);
	if (m->mark < 0 || nsw_allocate(m->c, &m->in, err) < 0 ||
	    nsw_cgroup_plan(&m->in.cg, m->c->name, &m->c->limits, err) < 0)
		goto unlock;
	snprintf(m->in.status, sizeof(m->in.status), "creating");
	if (nsw_state_save(&m->in, m->c, err) < 0)
		goto unlock;
	r = 0;
unlock:
	unlock(m);
	return r < 0 ? -1 : make_cgroups(m, err);
}

/* ---- spawn ---- */

static __attribute__((noreturn)) void child_fn(struct monitor *m, int child_sock)
{
	struct nsw_init_args a = { .c = m->c, .in = &m->in, .sock = child_sock,
				   .report = m->obs && m->obs->phase };

	close(m->sock);
	/* The mark names the monitor, and is no handle for the container. */
	close(m->mark);
	nsw_container_init_main(&a);
}

/* clone3() into the init's cgroup where it can (v2, 5.7+). */
static long clone_init(struct monitor *m, struct clone_args *args)
{
	cleanup_close int cgfd = -1;
	long pid;

	/*
	 * Born in its v2 cgroup: a write to cgroup.procs waits for an RCU
	 * grace period (about 11 ms on an idle host), CLONE_INTO_CGROUP not.
	 */
	if (m->in.cg.n && m->in.cg.dirs[0].version == 2)
		cgfd = open(m->in.cg.dirs[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cgfd >= 0) {
		args->flags |= CLONE_INTO_CGROUP;
		args->cgroup = cgfd;
	}
	pid = syscall(SYS_clone3, args, sizeof(*args));
	if (pid < 0 && cgfd >= 0 && (errno == EINVAL || errno == E2BIG)) {
		/* Before 5.7: no CLONE_INTO_CGROUP; prepare() writes cgroup.procs. */
		args->flags &= ~CLONE_INTO_CGROUP;
		args->cgroup = 0;
		close(cgfd);
		cgfd = -1;
		pid = syscall(SYS_clone3, args, sizeof(*args));
	}
	m->born_in_cgroup = cgfd >= 0;
	return pid;
}

static int spawn(struct monitor *m, struct nsw_error *err)
{
	struct clone_args args = {
		.flags = (m->c->ns_flags & ~CLONE_NEWCGROUP) | CLONE_PIDFD,
		.pidfd = (uintptr_t)&m->pidfd,
		.exit_signal = SIGCHLD,
	};
	struct nsw_step s = { .kind = NSW_STEP_CLONE3 };
	int sv[2];
	long pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return nsw_error(err, errno, "socketpair");
	m->sock = sv[0];
	s.begin = nsw_mono_ns();
	pid = clone_init(m, &args);
	if (pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		m->sock = -1;
		if (e == EPERM || e == ENOSPC || e == EUSERS)
			return nsw_error(err, e,
					 "cannot create the container's namespaces (are user namespaces allowed here? see /proc/sys/user/max_user_namespaces)");
		return nsw_error(err, e, "clone3");
	}
	if (pid == 0)
		child_fn(m, sv[1]);
	close(sv[1]);
	m->pid = pid;
	m->in.pid = pid;
	nsw_proc_starttime(pid, &m->in.starttime);
	s.end = nsw_mono_ns();
	s.clone3.flags = args.flags;
	s.clone3.cgroup = m->born_in_cgroup ? m->in.cg.dirs[0].path : NULL;
	observe(m, &s);
	return 0;
}

/* ---- prepare ---- */

static int write_file(const char *path, const char *text, struct nsw_error *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text);

	if (fd < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	if (write(fd, text, len) != len)
		return nsw_error(err, errno, "cannot write '%s' to %s", text, path);
	return 0;
}

/* Unprivileged gid maps are only allowed once setgroups is off. */
static int deny_setgroups(struct monitor *m, struct nsw_error *err)
{
	struct nsw_step s = { .kind = NSW_STEP_SETGROUPS, .begin = nsw_mono_ns() };
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/proc/%d/setgroups", m->pid);
	if (write_file(path, "deny", err) < 0)
		return -1;
	s.end = nsw_mono_ns();
	s.setgroups.path = path;
	observe(m, &s);
	return 0;
}

static int write_map(struct monitor *m, const char *file,
		     const struct nsw_idmap *maps, int n, struct nsw_error *err)
{
	struct nsw_step s = { .kind = NSW_STEP_ID_MAP, .begin = nsw_mono_ns(),
			      .id_map = { file, maps, n } };
	/* "INSIDE OUTSIDE COUNT\n", three u32s in decimal. */
	char path[PATH_MAX], text[NSW_MAX_IDMAPS * 3 * 11];
	size_t off = 0;

	for (int j = 0; j < n; j++)
		off += snprintf(text + off, sizeof(text) - off, "%u %u %u\n",
				maps[j].inside, maps[j].outside, maps[j].count);
	snprintf(path, sizeof(path), "/proc/%d/%s", m->pid, file);
	if (write_file(path, text, err) < 0) {
		text[strcspn(text, "\n")] = '\0';
		return nsw_error(err, err->errnum, "cannot set the %s '%s'%s", file,
				 text, n > 1 ? "..." : "");
	}
	s.end = nsw_mono_ns();
	observe(m, &s);
	return 0;
}

static int write_maps(struct monitor *m, struct nsw_error *err)
{
	const struct nsw_container *c = m->c;
	unsigned long long t = nsw_mono_ns();

	if (c->ns_flags & CLONE_NEWUSER) {
		if (c->rootless && deny_setgroups(m, err) < 0)
			return -1;
		if (write_map(m, "uid_map", c->uid_maps, c->n_uid_maps, err) < 0 ||
		    write_map(m, "gid_map", c->gid_maps, c->n_gid_maps, err) < 0)
			return -1;
	}
	observe_step(m, NSW_STEP_ID_MAPS, t);
	return 0;
}

/* The init into each of its cgroups that clone3 did not already put it in. */
static int add_to_cgroups(struct monitor *m, struct nsw_error *err)
{
	unsigned long long t = nsw_mono_ns();
	struct nsw_cgroup rest = m->in.cg;

	if (m->born_in_cgroup) {
		rest.n--;
		memmove(&rest.dirs[0], &rest.dirs[1], rest.n * sizeof(rest.dirs[0]));
	}
	if (rest.n && nsw_cgroup_add_pid(&rest, m->pid, err) < 0)
		return -1;
	for (int i = 0; i < rest.n; i++) {
		struct nsw_step s = { .kind = NSW_STEP_CGROUP_JOINED,
				      .cgroup_joined.path = rest.dirs[i].path };

		s.begin = s.end = nsw_mono_ns();
		observe(m, &s);
	}
	observe_step(m, NSW_STEP_CGROUPS_JOINED, t);
	return 0;
}

static int make_veth(struct monitor *m, struct nsw_error *err)
{
	struct nsw_step s = { .kind = NSW_STEP_VETH, .begin = nsw_mono_ns(),
			      .veth.peer = NSW_VETH_PEER };

	if (nsw_veth_create(m->in.host_if, NSW_VETH_PEER, m->pid, m->in.bridge,
			    err) < 0)
		return -1;
	s.end = nsw_mono_ns();
	observe(m, &s);
	return 0;
}

/*
 * The rootfs, idmapped through the container's own user namespace: a file
 * owned by 0 on disk is owned by the container's root, and by nobody else.
 */
static int idmapped_rootfs(struct monitor *m, struct nsw_error *err)
{
	/* Private: a clone of a shared mount would propagate to the host. */
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP,
				   .propagation = MS_PRIVATE };
	const struct nsw_container *c = m->c;
	unsigned long long t = nsw_mono_ns();
	cleanup_close int userns = -1;
	char path[PATH_MAX];
	int tree;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", m->pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	tree = open_tree(AT_FDCWD, c->rootfs,
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return nsw_error(err, errno, "cannot clone the rootfs mount %s",
				 c->rootfs);
	attr.userns_fd = userns;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			  sizeof(attr)) < 0) {
		int e = errno;

		close(tree);
		/* mount_setattr() and MOUNT_ATTR_IDMAP came in 5.12. */
		if (e == ENOSYS || (e == EINVAL && nsw_kernel_older(NSW_IDMAP_MAJOR, NSW_IDMAP_MINOR))) {
			nsw_error_kernel(err, "mount_setattr (idmapped mounts)", NSW_IDMAP_MAJOR,
					 NSW_IDMAP_MINOR);
			return nsw_error_wrap(err, "cannot idmap the rootfs %s", c->rootfs);
		}
		return nsw_error(err, e,
				 "cannot idmap the rootfs %s (its filesystem must support idmapped mounts; or give --uid-map 0:0:65536 to run without)",
				 c->rootfs);
	}
	observe_step(m, NSW_STEP_IDMAP, t);
	return tree;
}

/*
 * The container's own writable layer over the rootfs (layer.h): *tree (the
 * idmapped tree, or -1) becomes the overlay. Rootless, only its
 * directories: the init makes the overlay in its user namespace.
 */
static int writable_layer(struct monitor *m, int *tree, struct nsw_error *err)
{
	struct nsw_step s = { .kind = NSW_STEP_LAYER, .begin = nsw_mono_ns() };
	const struct nsw_container *c = m->c;
	cleanup_close int own = -1;
	char dir[PATH_MAX];
	int lower = *tree, fd;

	if (lower < 0) {
		/* Rootless, the init clones it; here it is only looked at. */
		own = c->rootless ? open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)
				  : open_tree(AT_FDCWD, c->rootfs,
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (own < 0)
			return nsw_error(err, errno, "cannot clone the rootfs mount %s",
					 c->rootfs);
		lower = own;
	}
	if (nsw_layer_path(c->name, dir, sizeof(dir), err) < 0 ||
	    nsw_layer_create(c, lower, err) < 0)
		return -1;
	if (!c->rootless) {
		fd = nsw_layer_mount(c, lower, err);
		if (fd < 0)
			return -1;
		if (*tree >= 0)
			close(*tree);
		*tree = fd;
	}
	s.end = nsw_mono_ns();
	s.layer.dir = dir;
	s.layer.mounted = !c->rootless;
	observe(m, &s);
	return 0;
}

/* Everything the container needs before its init may go on. */
static int prepare(struct monitor *m, struct nsw_error *err)
{
	struct nsw_step s = { .kind = NSW_STEP_SETUP };
	cleanup_close int tree = -1;
	int r;

	if (write_maps(m, err) < 0 || add_to_cgroups(m, err) < 0)
		return -1;
	/* Under the lock: nobody removes the bridge before the veth is in it. */
	if (m->c->net == NSW_NET_BRIDGE) {
		if (lock(m, err) < 0)
			return -1;
		r = make_bridge(m, err) < 0 || make_veth(m, err) < 0 ? -1 : 0;
		unlock(m);
		if (r < 0)
			return -1;
	}
	if (m->c->idmap_rootfs) {
		tree = idmapped_rootfs(m, err);
		if (tree < 0)
			return -1;
	}
	if (nsw_layer_wanted(m->c) && writable_layer(m, &tree, err) < 0)
		return -1;
	/* From here the init reports its steps. */
	s.begin = s.end = nsw_mono_ns();
	s.setup.idmapped = m->c->idmap_rootfs;
	observe(m, &s);
	if (send_init(m, NSW_MSG_SETUP, tree, err) < 0)
		return -1;
	return 0;
}

/* ---- start ---- */

static int run_hook(struct monitor *m, struct nsw_error *err)
{
	struct nsw_step s = { .kind = NSW_STEP_HOOK };
	char pid[16], state[PATH_MAX];
	int status;
	pid_t p;

	if (!m->c->prestart_hook)
		return 0;
	snprintf(pid, sizeof(pid), "%d", m->pid);
	snprintf(state, sizeof(state), "%s/%s/state.json", nsw_state_root(), m->in.name);
	s.begin = nsw_mono_ns();
	p = fork();
	if (p < 0)
		return nsw_error(err, errno, "fork for the prestart hook");
	if (p == 0) {
		/* rm -f of the container being created kills us: the hook goes too. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != m->in.monitor_pid)
			_exit(NSW_EXIT_RUNTIME);
		setenv("NSWATCH_NAME", m->in.name, 1);
		setenv("NSWATCH_PID", pid, 1);
		setenv("NSWATCH_STATE", state, 1);
		execl("/bin/sh", "sh", "-c", m->c->prestart_hook, (char *)NULL);
		_exit(NSW_EXIT_NOT_FOUND);
	}
	while (waitpid(p, &status, 0) < 0)
		if (errno != EINTR)
			return nsw_error(err, errno, "waiting for the prestart hook");
	s.end = nsw_mono_ns();
	s.hook.pid = p;
	s.hook.status = nsw_wait_status(status);
	observe(m, &s);
	if (s.hook.status != 0)
		return nsw_error(err, 0, "the prestart hook failed (exit status %d)",
				 s.hook.status);
	return 0;
}

static int set_status(struct monitor *m, const char *status,
		      struct nsw_error *err)
{
	snprintf(m->in.status, sizeof(m->in.status), "%s", status);
	return nsw_state_save(&m->in, m->c, err);
}

/* 0: the command runs; -1 with err (and its exit status). */
static int start(struct monitor *m, struct nsw_error *err)
{
	struct nsw_msg msg;
	struct nsw_step s = { .kind = NSW_STEP_EXEC };
	int r;

	if (await(m, NSW_MSG_READY, &msg, err) < 0)
		return -1;
	if (nsw_seccomp_compile_finish(&m->compile, &m->seccomp, err) < 0)
		return -1;
	if (m->c->tty && m->tty < 0)
		return nsw_error(err, 0, "-t: the container's init sent no terminal");
	memcpy(m->in.ns_inode, msg.ns_inode, sizeof(m->in.ns_inode));
	observe_step(m, NSW_STEP_READY, nsw_mono_ns());
	/* "created" is what a prestart hook sees; without one it would not last. */
	if (m->c->prestart_hook && (set_status(m, "created", err) < 0 || run_hook(m, err) < 0))
		return -1;
	s.begin = s.end = nsw_mono_ns();
	observe(m, &s);
	if (send_init(m, NSW_MSG_EXEC, m->seccomp, err) < 0)
		return -1;
	/* The socket is close-on-exec: EOF means the command runs. */
	r = recv_step(m, &msg);
	if (r > 0 && msg.type == NSW_MSG_ERROR) {
		/* The last step before exec (the seccomp filter) failed. */
		*err = msg.err;
		return -1;
	}
	if (r > 0 && msg.type == NSW_MSG_EXEC_FAILED) {
		if (msg.err.errnum == ENOENT) {
			nsw_error(err, 0, "%s: command not found in the container",
				  m->c->argv[0]);
			return nsw_error_set_status(err, NSW_EXIT_NOT_FOUND);
		}
		*err = msg.err;
		return nsw_error_set_status(err, NSW_EXIT_CANNOT_EXEC);
	}
	observe_step(m, NSW_STEP_RUNNING, s.begin);
	return set_status(m, "running", err);
}

/* ---- wait, release ---- */

static int wait_init(struct monitor *m)
{
	struct nsw_step s = { .kind = NSW_STEP_EXITED };

	/* What the observer collects (the tracer) comes in as it happens. */
	if (m->tty >= 0)
		s.exited.status = nsw_tty_relay_wait(m->tty, m->c->interactive,
						     m->pidfd, observer_fd(m),
						     drain_ready, m);
	else
		s.exited.status = nsw_wait_forwarding_si(m->pidfd, observer_fd(m),
							 drain_ready, m, &m->end);
	s.begin = s.end = nsw_mono_ns();
	observe(m, &s);
	m->pid = 0;
	return s.exited.status;
}

static void kill_init(struct monitor *m)
{
	siginfo_t si;

	if (m->pid <= 0)
		return;
	observe_step(m, NSW_STEP_KILL, nsw_mono_ns());
	syscall(SYS_pidfd_send_signal, m->pidfd, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, m->pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	m->pid = 0;
}

/* Remove what was claimed; a failure is only a warning by now. */
static void release(struct monitor *m)
{
	struct nsw_error e = { 0 };

	if (!m->claimed)
		return;
	/*
	 * What the container wrote can be large: removed before the lock,
	 * not to hold up other starts (a failure is tried again under it).
	 */
	if (m->lock < 0) {
		nsw_layer_remove(m->in.name, &e);
		m->lock = nsw_state_lock(&e);
	}
	memset(&e, 0, sizeof(e));
	nsw_release_locked(&m->in, &e);
	if (m->lock >= 0)
		close(m->lock);
	m->lock = -1;
	if (e.msg[0])
		nsw_error_warn(&e);
	else
		observe_step(m, NSW_STEP_RELEASED, nsw_mono_ns());
}

/* --detach: tell the waiting caller how the start went. */
static void report(struct monitor *m, const struct nsw_error *err)
{
	struct nsw_start_report r = { .ok = !err };

	if (m->report < 0)
		return;
	if (err)
		r.err = *err;
	/* If the caller is gone there is nobody to tell. */
	(void)!write(m->report, &r, sizeof(r));
	close(m->report);
	m->report = -1;
}

static void detach_stdio(const struct monitor *m)
{
	char log[PATH_MAX];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), out = -1;
	struct nsw_error ignored;

	if (nsw_state_log_path(m->c->name, log, sizeof(log), &ignored) == 0)
		out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (null >= 0)
		dup2(null, 0);
	if (out >= 0) {
		dup2(out, 1);
		dup2(out, 2);
		close(out);
	}
	if (null >= 0)
		close(null);
}

static void now_rfc3339(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Kept until rm: a detached container, unless run --rm. */
static bool keep_at_exit(const struct monitor *m)
{
	return m->c->detach && !m->c->auto_remove;
}

/*
 * How the command ended, into the record. The siginfo tells a signal's
 * death (128+N) from an exit with that code.
 */
static void set_end(struct monitor *m, int status)
{
	struct nsw_instance *in = &m->in;

	if (m->end.si_code == CLD_KILLED || m->end.si_code == CLD_DUMPED) {
		in->exit_signal = m->end.si_status;
		in->exit_status = NSW_EXIT_SIGNAL_BASE + m->end.si_status;
	} else {
		in->exit_signal = 0;
		in->exit_status = status;
	}
	now_rfc3339(in->finished, sizeof(in->finished));
	snprintf(in->status, sizeof(in->status), "%s", NSW_STATUS_EXITED);
}

/* Nothing held any more: the record names none of it, and alloc.c may hand it out again. */
static void forget_held(struct nsw_instance *in)
{
	in->cg.n = 0;
	in->idslot = -1;
	in->ip[0] = in->gateway[0] = in->host_if[0] = in->bridge[0] = '\0';
}

/*
 * A kept container's end: what it held goes as in release(), but the
 * state directory and its output.log stay, with how the command ended,
 * until rm. If a part cannot be released the record keeps naming it, for
 * rm to try again. Killed before the save, the state says "running" with
 * the monitor gone: ps shows it dead and rm cleans it up.
 */
static void record_end(struct monitor *m, int status)
{
	struct nsw_error e = { 0 }, saved = { 0 };

	/* As release(): the layer before the lock, again under it. */
	nsw_layer_remove(m->in.name, &e);
	m->lock = nsw_state_lock(&e);
	memset(&e, 0, sizeof(e));
	nsw_release_held_locked(&m->in, &e);
	if (e.msg[0])
		nsw_error_warn(&e);
	else
		forget_held(&m->in);
	set_end(m, status);
	if (nsw_state_save(&m->in, m->c, &saved) < 0)
		nsw_error_warn(&saved);
	unlock(m);
	if (!e.msg[0] && !saved.msg[0])
		observe_step(m, NSW_STEP_RELEASED, nsw_mono_ns());
}

static void describe(struct monitor *m)
{
	snprintf(m->in.name, sizeof(m->in.name), "%s", m->c->name);
	m->in.monitor_pid = getpid();
	nsw_proc_starttime(m->in.monitor_pid, &m->in.monitor_starttime);
	now_rfc3339(m->in.created, sizeof(m->in.created));
}

static int create_and_start(struct monitor *m, struct nsw_error *err)
{
	sigset_t set;

	nsw_forwarded_signals(&set);
	/* Blocked before the clone: a signal during setup waits for the init. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	/*
	 * libseccomp takes a few ms to compile the filter: in a child of its
	 * own, started before anything is claimed, it is done by the time the
	 * init is set up, and stays off the path to the command.
	 */
	if (nsw_seccomp_compile_start(&m->c->seccomp, m->c->caps, &m->compile, err) < 0)
		return -1;
	if (claim(m, err) < 0)
		return -1;
	/* --detach: the init must not inherit the caller's terminal or pipes. */
	if (m->report >= 0)
		detach_stdio(m);
	if (spawn(m, err) < 0 || prepare(m, err) < 0 || start(m, err) < 0)
		return -1;
	return 0;
}

int nsw_monitor_run(struct nsw_container *c, const struct nsw_observer *obs,
		    int report_fd, struct nsw_error *err)
{
	struct monitor m = { .c = c, .obs = obs, .sock = -1, .pidfd = -1,
			     .lock = -1, .mark = -1, .report = report_fd, .tty = -1,
			     .compile = { .fd = -1, .errpipe = -1 }, .seccomp = -1 };
	struct nsw_step fail = { .kind = NSW_STEP_ERROR, .error.err = err };
	int status;

	describe(&m);
	observe_step(&m, NSW_STEP_CREATE, nsw_mono_ns());
	if (create_and_start(&m, err) < 0)
		goto fail;
	report(&m, NULL);
	close(m.sock);
	m.sock = -1;
	if (m.seccomp >= 0)
		close(m.seccomp);
	status = wait_init(&m);
	if (m.tty >= 0)
		close(m.tty);
	/* The pidfd pins the init's pid, and so its pid namespace: let it go first. */
	close(m.pidfd);
	m.pidfd = -1;
	/* The init's exit and its namespaces' end are the last records. */
	observe_done(&m);
	if (keep_at_exit(&m))
		record_end(&m, status);
	else
		release(&m);
	close(m.mark);
	return status;
fail:
	if (!err->status)
		nsw_error_set_status(err, NSW_EXIT_RUNTIME);
	nsw_seccomp_compile_cancel(&m.compile);
	kill_init(&m);
	if (m.pidfd >= 0)
		close(m.pidfd);
	m.pidfd = -1;
	observe_done(&m);
	release(&m);
	if (m.lock >= 0)
		close(m.lock);
	if (m.sock >= 0)
		close(m.sock);
	if (m.seccomp >= 0)
		close(m.seccomp);
	if (m.tty >= 0)
		close(m.tty);
	if (m.pidfd >= 0)
		close(m.pidfd);
	if (m.mark >= 0)
		close(m.mark);
	fail.begin = fail.end = nsw_mono_ns();
	observe(&m, &fail);
	report(&m, err);
	return -1;
}

/* ---- OCI create ---- */

int nsw_monitor_create(struct nsw_container *c, int fifo, const struct nsw_observer *obs,
		       struct nsw_instance *in, int *tty, struct nsw_error *err)
{
	struct monitor m = { .c = c, .obs = obs, .sock = -1, .pidfd = -1, .lock = -1, .mark = -1,
			     .report = -1, .tty = -1,
			     .compile = { .fd = -1, .errpipe = -1 }, .seccomp = -1 };
	struct nsw_msg msg;

	*tty = -1;
	describe(&m);
	observe_step(&m, NSW_STEP_CREATE, nsw_mono_ns());
	if (nsw_seccomp_compile_start(&c->seccomp, c->caps, &m.compile, err) < 0 ||
	    claim(&m, err) < 0 || spawn(&m, err) < 0 || prepare(&m, err) < 0 ||
	    await(&m, NSW_MSG_READY, &msg, err) < 0 ||
	    nsw_seccomp_compile_finish(&m.compile, &m.seccomp, err) < 0)
		goto fail;
	if (c->tty && m.tty < 0) {
		nsw_error(err, 0, "process.terminal: the container's init sent no terminal");
		goto fail;
	}
	memcpy(m.in.ns_inode, msg.ns_inode, sizeof(m.in.ns_inode));
	observe_step(&m, NSW_STEP_READY, nsw_mono_ns());
	if (send_init(&m, NSW_MSG_START_FIFO, fifo, err) < 0 ||
	    send_init(&m, NSW_MSG_EXEC, m.seccomp, err) < 0 ||
	    set_status(&m, "created", err) < 0)
		goto fail;
	*in = m.in;
	*tty = m.tty;
	close(m.sock);
	close(m.pidfd);
	close(m.mark);
	if (m.seccomp >= 0)
		close(m.seccomp);
	return 0;
fail:
	if (!err->status)
		nsw_error_set_status(err, NSW_EXIT_RUNTIME);
	nsw_seccomp_compile_cancel(&m.compile);
	kill_init(&m);
	release(&m);
	if (m.sock >= 0)
		close(m.sock);
	if (m.pidfd >= 0)
		close(m.pidfd);
	if (m.seccomp >= 0)
		close(m.seccomp);
	if (m.tty >= 0)
		close(m.tty);
	if (m.mark >= 0)
		close(m.mark);
	return -1;
}
