// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor: creates a container, releases it into its command, forwards
 * signals, waits, and removes everything the container held on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
#include "runtime/caps.h"
#include "lib/json.h"
#include "runtime/netdev.h"
#include "timeline/run_trace.h"
#include "runtime/runtime.h"
#include "timeline/timeline.h"
#include "lib/util.h"

#define NSW_BRIDGE "nswatch0"
#define NSW_SUBNET "10.89.0.0/24"
/*
 * Default id ranges when run by root: 65536 ids per container, slot k at
 * NSW_IDRANGE_BASE + k * 65536, each container its own. This sits in the
 * block systemd documents for container ids (524288-1879048191), far above
 * Debian's regular and subuid ranges; a slot that overlaps an id in
 * /etc/passwd, /etc/group, /etc/subuid or /etc/subgid is skipped.
 */
#define NSW_IDRANGE_BASE 0x60000000U
#define NSW_IDRANGE_SIZE 65536U
#define NSW_IDRANGE_SLOTS 4096

/* Signals the monitor passes on to the container's init. */
static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
	SIGALRM,
};

int nsw_msg_send(int sock, const struct nsw_msg *m, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == sizeof(*m) ? 0 : -1;
}

int nsw_msg_recv(int sock, struct nsw_msg *m, int *fd_out)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	if (fd_out)
		*fd_out = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		int fd;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		if (fd_out)
			*fd_out = fd;
		else
			close(fd);
	}
	if (n != sizeof(*m)) {
		errno = EPROTO;
		return -1;
	}
	return 1;
}

int nsw_apply_identity(const struct nsw_container *c, struct nsw_error *err)
{
	if (nsw_caps_bound(c->caps, err) < 0)
		return -1;
	/* A rootless user namespace has setgroups denied: no groups to drop. */
	if (setgroups(0, NULL) < 0 && !(c->rootless && errno == EPERM))
		return nsw_error(err, errno, "cannot drop the supplementary groups");
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		return nsw_error(err, errno, "--user: setresgid(%u)", c->gid);
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		return nsw_error(err, errno, "--user: setresuid(%u)", c->uid);
	if (nsw_caps_apply(c->caps, err) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsw_error(err, errno, "PR_SET_NO_NEW_PRIVS");
	return 0;
}

static int env_set(char **env, int *n, int max, const char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (int i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, klen) && env[i][klen] == '=') {
			env[i] = (char *)kv;
			return 0;
		}
	}
	if (*n >= max)
		return -1;
	env[(*n)++] = (char *)kv;
	return 0;
}

char **nsw_build_env(const struct nsw_container *c)
{
	static char home[32], host[96], term[128];
	int max = c->n_env + 8, n = 0;
	char **env = calloc(max + 1, sizeof(*env));
	const char *t = getenv("TERM");

	if (!env)
		return NULL;
	snprintf(home, sizeof(home), "HOME=%s", c->uid == 0 ? "/root" : "/");
	snprintf(host, sizeof(host), "HOSTNAME=%s", c->hostname);
	env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	env[n++] = home;
	env[n++] = host;
	env[n++] = "container=nswatch";
	if (t) {
		snprintf(term, sizeof(term), "TERM=%s", t);
		env[n++] = term;
	}
	for (int i = 0; i < c->n_env; i++)
		env_set(env, &n, max, c->env[i]);
	env[n] = NULL;
	return env;
}

int nsw_open_init(const char *name, struct nsw_instance *in,
		  struct nsw_container *c, struct nsw_error *err)
{
	int pidfd;

	if (nsw_state_load(name, in, c, err) < 0)
		return -1;
	pidfd = in->pid > 0 ? syscall(SYS_pidfd_open, in->pid, 0) : -1;
	/* Checked after the open: the pidfd now pins the process we meant. */
	if (pidfd < 0 || !nsw_proc_same(in->pid, in->starttime)) {
		if (pidfd >= 0)
			close(pidfd);
		if (c)
			nsw_container_free(c);
		return nsw_error(err, 0, "container '%s' is not running", name);
	}
	return pidfd;
}

int nsw_wait_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* ---- allocation of id ranges and addresses, under the state lock ---- */

static bool range_in_file(const char *path, int idfield, uint32_t lo, uint32_t hi)
{
	cleanup_fclose FILE *f = fopen(path, "re");
	char line[1024];

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok = strtok_r(line, ":", &save);
		unsigned long long start = 0, count = 1;

		for (int i = 1; tok && i <= idfield; i++)
			tok = strtok_r(NULL, ":", &save);
		if (!tok)
			continue;
		start = strtoull(tok, NULL, 10);
		if (idfield == 1) { /* subuid: name:start:count */
			tok = strtok_r(NULL, ":", &save);
			count = tok ? strtoull(tok, NULL, 10) : 1;
		}
		if (start <= hi && start + count > lo)
			return true;
	}
	return false;
}

static bool slot_used_by_host(int slot)
{
	uint32_t lo = NSW_IDRANGE_BASE + slot * NSW_IDRANGE_SIZE;
	uint32_t hi = lo + NSW_IDRANGE_SIZE - 1;

	return range_in_file("/etc/passwd", 2, lo, hi) ||
	       range_in_file("/etc/group", 2, lo, hi) ||
	       range_in_file("/etc/subuid", 1, lo, hi) ||
	       range_in_file("/etc/subgid", 1, lo, hi);
}

/* Slots and host numbers held by every container with a state file. */
static int used_resources(bool *slots, unsigned int *hosts, int *n_hosts,
			  struct nsw_error *err)
{
	char **names;
	int n;

	*n_hosts = 0;
	if (nsw_state_list(&names, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct nsw_instance o;
		struct nsw_error ignored;
		unsigned int h;

		if (nsw_state_load(names[i], &o, NULL, &ignored) == 0) {
			if (o.idslot >= 0 && o.idslot < NSW_IDRANGE_SLOTS)
				slots[o.idslot] = true;
			if (o.ip[0] && *n_hosts < 256 &&
			    nsw_ipv4_host_number(NSW_SUBNET, o.ip, &h, &ignored) == 0)
				hosts[(*n_hosts)++] = h;
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

static int allocate(struct nsw_container *c, struct nsw_instance *in,
		    struct nsw_error *err)
{
	static bool slots[NSW_IDRANGE_SLOTS];
	unsigned int hosts[256];
	int n_hosts, slot;

	memset(slots, 0, sizeof(slots));
	if (used_resources(slots, hosts, &n_hosts, err) < 0)
		return -1;
	in->idslot = -1;
	if ((c->ns_flags & CLONE_NEWUSER) && !c->rootless && !c->n_uid_maps) {
		for (slot = 0; slot < NSW_IDRANGE_SLOTS; slot++)
			if (!slots[slot] && !slot_used_by_host(slot))
				break;
		if (slot == NSW_IDRANGE_SLOTS)
			return nsw_error(err, 0, "no free id range for a user namespace");
		in->idslot = slot;
		c->uid_maps[0] = (struct nsw_idmap){
			0, NSW_IDRANGE_BASE + slot * NSW_IDRANGE_SIZE, NSW_IDRANGE_SIZE
		};
		c->n_uid_maps = 1;
		if (!c->n_gid_maps) {
			c->gid_maps[0] = c->uid_maps[0];
			c->n_gid_maps = 1;
		}
	}
	if (nsw_container_check_ids(c, err) < 0)
		return -1;
	if (c->net == NSW_NET_BRIDGE) {
		unsigned int h;

		if (nsw_ipv4_pick(NSW_SUBNET, hosts, n_hosts, in->ip, sizeof(in->ip),
				  in->gateway, sizeof(in->gateway), err) < 0 ||
		    nsw_ipv4_host_number(NSW_SUBNET, in->ip, &h, err) < 0)
			return -1;
		snprintf(in->host_if, sizeof(in->host_if), "nswv%u", h);
		snprintf(in->bridge, sizeof(in->bridge), "%s", NSW_BRIDGE);
	}
	return 0;
}

/* ---- the monitor ---- */

struct monitor {
	struct nsw_container *c;
	struct nsw_instance in;
	int sock;		/* our end of the pair */
	int pidfd;
	pid_t pid;
	int lock;		/* held while allocating */
	int report;		/* --detach: the waiting caller's pipe */
	bool claimed, bridged;
	bool born_in_cgroup;	/* clone3 put the init in cg.dirs[0] */
	/* --trace: all NULL otherwise */
	struct nsw_timeline *tl;
	struct nsw_run_trace *rt;
	FILE *json;
};

/*
 * The timeline of a traced run. Every helper is a no-op untraced, and
 * tl_now() reads no clock then: the untraced start stays as it was.
 */
static __u64 tl_now(const struct monitor *m)
{
	return m->tl ? nsw_timeline_now() : 0;
}

static __attribute__((format(printf, 5, 6))) void
tl_item(struct monitor *m, __u64 ts, const char *what, const char *fields,
	const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	if (!m->tl)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	nsw_timeline_add(m->tl, NSW_TL_RUNTIME, ts, what, detail, fields);
}

/* A step that began at begin ends now. */
static void tl_step(struct monitor *m, const char *name, __u64 begin)
{
	if (m->tl)
		nsw_timeline_step(m->tl, name, begin, nsw_timeline_now());
}

/* The kernel records so far onto the timeline. */
static void tl_consume(struct monitor *m)
{
	__u64 now;

	if (!m->tl)
		return;
	now = nsw_timeline_now();
	if (m->rt)
		nsw_run_trace_consume(m->rt);
	/* The ring is drained: every record older than now is in. */
	nsw_timeline_kernel_sync(m->tl, now);
}

/* One of the init's steps, as it reported it. */
static void tl_phase(struct monitor *m, struct nsw_phase *p)
{
	if (!m->tl)
		return;
	p->what[sizeof(p->what) - 1] = '\0';
	p->step[sizeof(p->step) - 1] = '\0';
	p->detail[sizeof(p->detail) - 1] = '\0';
	p->fields[sizeof(p->fields) - 1] = '\0';
	if (p->what[0])
		nsw_timeline_add(m->tl, NSW_TL_RUNTIME, p->ts, p->what, p->detail,
				 p->fields);
	if (p->step[0])
		nsw_timeline_step(m->tl, p->step, p->begin, p->ts);
}

static void now_rfc3339(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

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

static int write_maps(struct monitor *m, struct nsw_error *err)
{
	const struct nsw_container *c = m->c;
	const struct {
		const char *file;
		const struct nsw_idmap *m;
		int n;
	} maps[] = {
		{ "uid_map", c->uid_maps, c->n_uid_maps },
		{ "gid_map", c->gid_maps, c->n_gid_maps },
	};
	char path[64], text[NSW_MAX_IDMAPS * 40];
	__u64 t;

	if (!(c->ns_flags & CLONE_NEWUSER))
		return 0;
	/* Unprivileged gid maps are only allowed once setgroups is off. */
	if (c->rootless) {
		t = tl_now(m);
		snprintf(path, sizeof(path), "/proc/%d/setgroups", m->pid);
		if (write_file(path, "deny", err) < 0)
			return -1;
		tl_item(m, t, "setgroups", NULL, "deny, in %s", path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		size_t off = 0;

		for (int j = 0; j < maps[i].n; j++)
			off += snprintf(text + off, sizeof(text) - off, "%u %u %u\n",
					maps[i].m[j].inside, maps[i].m[j].outside,
					maps[i].m[j].count);
		snprintf(path, sizeof(path), "/proc/%d/%s", m->pid, maps[i].file);
		t = tl_now(m);
		if (write_file(path, text, err) < 0) {
			text[strcspn(text, "\n")] = '\0';
			return nsw_error(err, err->errnum, "cannot set the %s '%s'%s",
					 maps[i].file, text, maps[i].n > 1 ? "..." : "");
		}
		if (m->tl) {
			char fields[sizeof(text) + 32] = "";

			nsw_json_field_str(fields, sizeof(fields), "map", text);
			text[off ? off - 1 : 0] = '\0';
			for (char *nl = text; (nl = strchr(nl, '\n'));)
				*nl = ',';
			tl_item(m, t, maps[i].file, fields, "%s (in out count), pid %d",
				text, m->pid);
		}
	}
	return 0;
}

/*
 * The rootfs, idmapped through the container's own user namespace: a file
 * owned by 0 on disk is owned by the container's root, and by nobody else.
 */
static int idmapped_rootfs(pid_t pid, const struct nsw_container *c,
			   struct nsw_error *err)
{
	/* Private: a clone of a shared mount would propagate to the host. */
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP,
				   .propagation = MS_PRIVATE };
	cleanup_close int userns = -1;
	char path[64];
	int tree;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
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
		return nsw_error(err, e,
				 "cannot idmap the rootfs %s (its filesystem must support idmapped mounts; or give --uid-map 0:0:65536 to run without)",
				 c->rootfs);
	}
	return tree;
}

static int child_fn(struct monitor *m, int child_sock)
{
	struct nsw_init_args a = { .c = m->c, .in = &m->in, .sock = child_sock,
				   .trace = m->tl != NULL };

	close(m->sock);
	nsw_container_init_main(&a);
}

/* The clone3 that made the init: which namespaces, and its pid. */
static void tl_clone3(struct monitor *m, __u64 ts, __u64 flags)
{
	char names[128] = "", fields[512], *f = fields;
	size_t off = 0;

	if (!m->tl)
		return;
	f += sprintf(f, "\"pid\":%d,\"flags\":[", m->pid);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		if (!(flags & nsw_types[i].flag))
			continue;
		off += snprintf(names + off, sizeof(names) - off, "%s%s",
				off ? "," : "", nsw_types[i].name);
		f += sprintf(f, "%s\"%s\"", f[-1] == '[' ? "" : ",",
			     nsw_types[i].name);
	}
	sprintf(f, "]");
	if (m->born_in_cgroup)
		nsw_json_field_str(fields, sizeof(fields), "cgroup",
				   m->in.cg.dirs[0].path);
	tl_item(m, ts, "clone3", fields, "new %s namespaces%s%s -> init pid %d",
		names, m->born_in_cgroup ? ", into cgroup " : "",
		m->born_in_cgroup ? m->in.cg.dirs[0].path : "", m->pid);
}

static int spawn(struct monitor *m, struct nsw_error *err)
{
	struct clone_args args = {
		.flags = (m->c->ns_flags & ~CLONE_NEWCGROUP) | CLONE_PIDFD,
		.pidfd = (uintptr_t)&m->pidfd,
		.exit_signal = SIGCHLD,
	};
	cleanup_close int cgfd = -1;
	int sv[2];
	long pid;
	__u64 t;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return nsw_error(err, errno, "socketpair");
	m->sock = sv[0];
	/*
	 * Born in its v2 cgroup: a write to cgroup.procs waits for an RCU
	 * grace period (about 11 ms on an idle host), CLONE_INTO_CGROUP not.
	 */
	if (m->in.cg.n && m->in.cg.dirs[0].version == 2)
		cgfd = open(m->in.cg.dirs[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cgfd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = cgfd;
	}
	t = tl_now(m);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && cgfd >= 0 && (errno == EINVAL || errno == E2BIG)) {
		/* Before 5.7: no CLONE_INTO_CGROUP; prepare() writes cgroup.procs. */
		args.flags &= ~CLONE_INTO_CGROUP;
		args.cgroup = 0;
		close(cgfd);
		cgfd = -1;
		pid = syscall(SYS_clone3, &args, sizeof(args));
	}
	m->born_in_cgroup = cgfd >= 0;
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
		_exit(child_fn(m, sv[1]));
	close(sv[1]);
	m->pid = pid;
	m->in.pid = pid;
	nsw_proc_starttime(pid, &m->in.starttime);
	tl_clone3(m, t, args.flags);
	tl_step(m, "namespaces", t);
	return 0;
}


/*
 * The next message of the init that is not a PHASE (those go onto the
 * timeline, with the kernel records of meanwhile): > 0, 0 on EOF, -1.
 */
static int recv_step(struct monitor *m, struct nsw_msg *msg)
{
	int r;

	while ((r = nsw_msg_recv(m->sock, msg, NULL)) > 0 &&
	       msg->type == NSW_MSG_PHASE) {
		tl_phase(m, &msg->phase);
		tl_consume(m);
	}
	tl_consume(m);
	return r;
}

/* The child's answer to a step: 0 on READY, -1 with its error. */
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

static int run_hook(struct monitor *m, struct nsw_error *err)
{
	char pid[16], state[PATH_MAX];
	int status;
	__u64 t;
	pid_t p;

	if (!m->c->prestart_hook)
		return 0;
	snprintf(pid, sizeof(pid), "%d", m->pid);
	snprintf(state, sizeof(state), "%s/%s/state.json", nsw_state_root(), m->in.name);
	t = tl_now(m);
	p = fork();
	if (p < 0)
		return nsw_error(err, errno, "fork for the prestart hook");
	if (p == 0) {
		setenv("NSWATCH_NAME", m->in.name, 1);
		setenv("NSWATCH_PID", pid, 1);
		setenv("NSWATCH_STATE", state, 1);
		execl("/bin/sh", "sh", "-c", m->c->prestart_hook, (char *)NULL);
		_exit(127);
	}
	while (waitpid(p, &status, 0) < 0)
		if (errno != EINTR)
			return nsw_error(err, errno, "waiting for the prestart hook");
	tl_item(m, t, "hook", NULL, "prestart hook (pid %d): sh -c '%s', exit status %d",
		p, m->c->prestart_hook, nsw_wait_status(status));
	tl_step(m, "prestart_hook", t);
	if (nsw_wait_status(status) != 0)
		return nsw_error(err, 0, "the prestart hook failed (exit status %d)",
				 nsw_wait_status(status));
	return 0;
}

/* The init into each of its cgroups that clone3 did not already put it in. */
static int add_to_cgroups(struct monitor *m, struct nsw_error *err)
{
	static struct nsw_cgroup rest;

	rest = m->in.cg;
	if (m->born_in_cgroup) {
		rest.n--;
		memmove(&rest.dirs[0], &rest.dirs[1], rest.n * sizeof(rest.dirs[0]));
	}
	if (!rest.n)
		return 0;
	if (nsw_cgroup_add_pid(&rest, m->pid, err) < 0)
		return -1;
	for (int i = 0; i < rest.n; i++)
		tl_item(m, tl_now(m), "cgroup", NULL, "pid %d into %s", m->pid,
			rest.dirs[i].path);
	return 0;
}

/* Everything the container needs before its init may go on. */
static int prepare(struct monitor *m, struct nsw_error *err)
{
	struct nsw_msg msg = { .type = NSW_MSG_SETUP };
	cleanup_close int tree = -1;
	__u64 t = tl_now(m);

	if (write_maps(m, err) < 0)
		return -1;
	tl_step(m, "id_maps", t);
	t = tl_now(m);
	if (add_to_cgroups(m, err) < 0)
		return -1;
	tl_step(m, "cgroup", t);
	if (m->c->net == NSW_NET_BRIDGE) {
		t = tl_now(m);
		if (nsw_veth_create(m->in.host_if, "eth0", m->pid, m->in.bridge, err) < 0)
			return -1;
		tl_item(m, t, "veth", NULL, "%s on %s, its peer eth0 in pid %d's network namespace",
			m->in.host_if, m->in.bridge, m->pid);
		tl_step(m, "network", t);
	}
	if (m->c->idmap_rootfs) {
		t = tl_now(m);
		tree = idmapped_rootfs(m->pid, m->c, err);
		if (tree < 0)
			return -1;
		tl_item(m, t, "idmap", NULL, "%s, mapped through pid %d's user namespace",
			m->c->rootfs, m->pid);
		tl_step(m, "rootfs_idmap", t);
	}
	/* From here the init reports its steps: they come in late. */
	t = tl_now(m);
	if (m->tl)
		nsw_timeline_await_runtime(m->tl, true);
	tl_item(m, t, "setup", NULL, "SETUP to the init%s",
		tree >= 0 ? ", with the idmapped rootfs" : "");
	if (nsw_msg_send(m->sock, &msg, tree) < 0)
		return nsw_error(err, errno, "cannot reach the container's init");
	return 0;
}

/* READY: the init is set up; a phase boundary of the timeline. */
static void tl_ready(struct monitor *m)
{
	char list[NSW_TYPE_COUNT * 32] = "";
	size_t off = 0;

	if (!m->tl)
		return;
	nsw_timeline_await_runtime(m->tl, false);
	nsw_timeline_set_namespaces(m->tl, m->c->ns_flags, m->in.ns_inode);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		if (m->c->ns_flags & nsw_types[i].flag)
			off += snprintf(list + off, sizeof(list) - off, " %s:[%llu]",
					nsw_types[i].name, m->in.ns_inode[i]);
	tl_item(m, nsw_timeline_now(), "ready", NULL, "the init is set up; its namespaces:%s",
		list);
	nsw_timeline_flush(m->tl);
}

/* EOF after EXEC: the command runs. */
static void tl_running(struct monitor *m, __u64 exec_sent)
{
	__u64 now;

	if (!m->tl)
		return;
	now = nsw_timeline_now();
	nsw_timeline_await_runtime(m->tl, false);
	nsw_timeline_step(m->tl, "exec", exec_sent, now);
	nsw_timeline_step(m->tl, "total_to_exec", nsw_timeline_start_ns(m->tl), now);
	tl_item(m, now, "running", NULL, "%s runs as pid %d (exec done: the socket closed)",
		m->c->argv[0], m->pid);
	nsw_timeline_flush(m->tl);
}

/* 0: the command runs; -1 with err; exit status through *code. */
static int start(struct monitor *m, int *code, struct nsw_error *err)
{
	struct nsw_msg msg = { .type = NSW_MSG_EXEC };
	__u64 t;
	int r;

	if (await(m, NSW_MSG_READY, &msg, err) < 0)
		return -1;
	memcpy(m->in.ns_inode, msg.ns_inode, sizeof(m->in.ns_inode));
	tl_ready(m);
	msg = (struct nsw_msg){ .type = NSW_MSG_EXEC };
	snprintf(m->in.status, sizeof(m->in.status), "created");
	if (nsw_state_save(&m->in, m->c, err) < 0 || run_hook(m, err) < 0)
		return -1;
	t = tl_now(m);
	if (m->tl)
		nsw_timeline_await_runtime(m->tl, true);
	tl_item(m, t, "start", NULL, "EXEC to the init");
	if (nsw_msg_send(m->sock, &msg, -1) < 0)
		return nsw_error(err, errno, "cannot reach the container's init");
	r = recv_step(m, &msg);
	if (r > 0 && msg.type == NSW_MSG_EXEC_FAILED) {
		int e = msg.err.errnum;

		*code = e == ENOENT ? 127 : 126;
		if (e == ENOENT)
			return nsw_error(err, 0, "%s: command not found in the container",
					 m->c->argv[0]);
		*err = msg.err;
		return -1;
	}
	tl_running(m, t);
	snprintf(m->in.status, sizeof(m->in.status), "running");
	return nsw_state_save(&m->in, m->c, err);
}

/* err must start empty; it ends with the last failure, if any. */
static void release_locked(const struct nsw_instance *in, struct nsw_error *err)
{
	struct nsw_error e2;

	if (in->host_if[0] && nsw_link_delete(in->host_if, &e2) < 0)
		*err = e2;
	if (in->cg.n && nsw_cgroup_destroy(&in->cg, &e2) < 0)
		*err = e2;
	if (in->bridge[0] && nsw_bridge_remove_if_unused(in->bridge, &e2) < 0)
		*err = e2;
	/* Keep the record of what is left, so that rm can try again. */
	if (!err->msg[0] && nsw_state_remove(in->name, &e2) < 0)
		*err = e2;
}

int nsw_release(const struct nsw_instance *in, struct nsw_error *err)
{
	struct nsw_error e = { 0 };
	int lock = nsw_state_lock(err);

	if (lock < 0)
		return -1;
	release_locked(in, &e);
	close(lock);
	if (e.msg[0]) {
		*err = e;
		return -1;
	}
	return 0;
}

void nsw_forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
}

/*
 * Forward signals to pidfd's process until it exits; while waiting, call
 * ready(arg) whenever extra_fd (-1: none) polls readable.
 */
static int wait_loop(int pidfd, int extra_fd, void (*ready)(void *),
		     void *arg)
{
	siginfo_t si = { 0 };
	sigset_t set;
	int sfd;

	nsw_forwarded_signals(&set);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		/* poll() skips the entries whose fd is negative. */
		struct pollfd p[3] = { { pidfd, POLLIN, 0 }, { sfd, POLLIN, 0 },
				       { extra_fd, POLLIN, 0 } };
		struct signalfd_siginfo ssi;

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (sfd >= 0 && (p[1].revents & POLLIN) &&
		    read(sfd, &ssi, sizeof(ssi)) == sizeof(ssi))
			syscall(SYS_pidfd_send_signal, pidfd, ssi.ssi_signo, NULL, 0);
		if (p[2].revents & POLLIN)
			ready(arg);
	}
	if (sfd >= 0)
		close(sfd);
	while (waitid(P_PIDFD, pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

int nsw_forward_and_wait(int pidfd)
{
	return wait_loop(pidfd, -1, NULL, NULL);
}

static void consume_ready(void *arg)
{
	tl_consume(arg);
}

static int wait_init(struct monitor *m)
{
	int code;

	if (m->tl)
		/* The container's own namespace operations, as they happen. */
		code = wait_loop(m->pidfd, m->rt ? nsw_run_trace_fd(m->rt) : -1,
				 consume_ready, m);
	else
		code = nsw_forward_and_wait(m->pidfd);
	tl_item(m, tl_now(m), "exited", NULL, "the init (pid %d) ended: exit status %d",
		m->pid, code);
	m->pid = 0;
	return code;
}

static void kill_init(struct monitor *m)
{
	siginfo_t si;

	if (m->pid <= 0)
		return;
	syscall(SYS_pidfd_send_signal, m->pidfd, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, m->pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	m->pid = 0;
}

/* The cgroups made for the container, with their limits. */
static void tl_cgroups(struct monitor *m, __u64 t)
{
	const struct nsw_limits *l = &m->c->limits;
	char lim[128] = "none";
	size_t off = 0;

	if (!m->tl)
		return;
	if (l->memory_bytes)
		off += snprintf(lim + off, sizeof(lim) - off, "memory %lld bytes ",
				l->memory_bytes);
	if (l->pids_max)
		off += snprintf(lim + off, sizeof(lim) - off, "pids %lld ", l->pids_max);
	if (l->cpu_quota_us)
		off += snprintf(lim + off, sizeof(lim) - off, "cpu %llu/%llu us ",
				l->cpu_quota_us, l->cpu_period_us);
	if (off)
		lim[off - 1] = '\0';
	for (int i = 0; i < m->in.cg.n; i++) {
		char fields[4200] = "";

		nsw_json_field_str(fields, sizeof(fields), "path", m->in.cg.dirs[i].path);
		tl_item(m, t, "cgroup", fields, "created %s (v%d%s%s), limits: %s",
			m->in.cg.dirs[i].path, m->in.cg.dirs[i].version,
			m->in.cg.dirs[i].controller[0] ? ", " : "",
			m->in.cg.dirs[i].controller, lim);
	}
	if (!m->in.cg.n)
		tl_item(m, t, "cgroup", NULL, "none (no cgroup is delegated)");
	tl_step(m, "cgroup", t);
}

/* Claim the name and what the container gets, all under the lock. */
static int claim(struct monitor *m, struct nsw_error *err)
{
	int r = -1;
	__u64 t;

	m->lock = nsw_state_lock(err);
	if (m->lock < 0)
		return -1;
	if (nsw_state_claim(m->c->name, err) < 0)
		goto unlock;
	m->claimed = true;
	if (allocate(m->c, &m->in, err) < 0)
		goto unlock;
	snprintf(m->in.status, sizeof(m->in.status), "creating");
	if (nsw_state_save(&m->in, m->c, err) < 0)
		goto unlock;
	t = tl_now(m);
	if (nsw_cgroup_create(&m->in.cg, m->c->name, &m->c->limits, err) < 0)
		goto unlock;
	tl_cgroups(m, t);
	if (nsw_state_save(&m->in, m->c, err) < 0)
		goto unlock;
	if (m->c->rootless && !m->in.cg.n)
		fprintf(stderr, "nswatch: note: rootless, and no cgroup is delegated to uid %u: the container runs without a cgroup of its own or limits\n",
			geteuid());
	if (m->c->net == NSW_NET_BRIDGE) {
		m->bridged = true;
		t = tl_now(m);
		if (nsw_bridge_ensure(m->in.bridge, "10.89.0.1/24", err) < 0)
			goto unlock;
		tl_item(m, t, "bridge", NULL, "%s (10.89.0.1/24) is there; the container gets %s",
			m->in.bridge, m->in.ip);
		tl_step(m, "network", t);
	}
	r = 0;
unlock:
	/* A bridge is only removed under the lock: keep it until the veth is in. */
	if (r < 0 || !m->bridged) {
		close(m->lock);
		m->lock = -1;
	}
	return r;
}

static void report(struct monitor *m, const char *text)
{
	if (m->report < 0)
		return;
	/* If the caller is gone there is nobody to tell. */
	(void)!write(m->report, text, strlen(text));
	close(m->report);
	m->report = -1;
}

static void detach_stdio(const struct monitor *m)
{
	char log[PATH_MAX];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), out;

	snprintf(log, sizeof(log), "%s/%s/output.log", nsw_state_root(), m->c->name);
	out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
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

static int create_and_start(struct monitor *m, int *code, struct nsw_error *err)
{
	sigset_t set;

	nsw_forwarded_signals(&set);
	/* Blocked before the clone: a signal during setup waits for the init. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (claim(m, err) < 0)
		return -1;
	/* --detach: the init must not inherit the caller's terminal or pipes. */
	if (m->report >= 0)
		detach_stdio(m);
	if (spawn(m, err) < 0)
		return -1;
	if (prepare(m, err) < 0)
		return -1;
	if (m->lock >= 0) {
		close(m->lock);
		m->lock = -1;
	}
	return start(m, code, err);
}


/* --trace: the timeline, and the tracer on us before anything is made. */
static int trace_begin(struct monitor *m, struct nsw_error *err)
{
	const struct nsw_container *c = m->c;

	if (geteuid() != 0)
		return nsw_error(err, 0, "--trace and --trace-json need root: the tracer loads BPF programs");
	if (c->trace_json) {
		m->json = fopen(c->trace_json, "we");
		if (!m->json)
			return nsw_error(err, errno, "--trace-json: cannot create %s",
					 c->trace_json);
	}
	m->tl = nsw_timeline_new(c->trace ? stderr : NULL, m->json);
	if (!m->tl)
		return nsw_error(err, ENOMEM, "the trace timeline");
	if (nsw_run_trace_start(&m->rt, m->tl, getpid(), err) < 0)
		return -1;
	/* Time zero: the tracer is on and nothing is made yet. */
	nsw_timeline_set_start(m->tl, nsw_timeline_now());
	tl_item(m, nsw_timeline_start_ns(m->tl), "create", NULL,
		"container %s, rootfs %s, command %s (monitor pid %d)", c->name,
		c->rootfs, c->argv[0], getpid());
	return 0;
}

/* No BPF program stays attached; the last records go onto the timeline. */
static void trace_stop(struct monitor *m)
{
	nsw_run_trace_stop(m->rt);
	m->rt = NULL;
}

/* The rest of the timeline and the summary; err: why the run failed. */
static void trace_finish(struct monitor *m, const struct nsw_error *err)
{
	trace_stop(m);
	if (m->tl) {
		if (err)
			tl_item(m, nsw_timeline_now(), "error", NULL, "%s%s%s", err->msg,
				err->errnum ? ": " : "",
				err->errnum ? strerror(err->errnum) : "");
		nsw_timeline_finish(m->tl);
		nsw_timeline_free(m->tl);
		m->tl = NULL;
	}
	if (m->json) {
		struct nsw_error e2;

		if (ferror(m->json) | fclose(m->json)) {
			nsw_error(&e2, errno, "--trace-json: cannot write %s",
				  m->c->trace_json);
			nsw_error_print(&e2);
		}
		m->json = NULL;
	}
}

static int monitor_main(struct monitor *m, struct nsw_error *err)
{
	struct nsw_error e2;
	int code = 125;

	snprintf(m->in.name, sizeof(m->in.name), "%s", m->c->name);
	m->in.monitor_pid = getpid();
	nsw_proc_starttime(m->in.monitor_pid, &m->in.monitor_starttime);
	now_rfc3339(m->in.created, sizeof(m->in.created));
	if (nsw_container_traced(m->c) && trace_begin(m, err) < 0)
		goto fail;
	if (create_and_start(m, &code, err) < 0)
		goto fail;
	if (m->report >= 0) {
		char ok[NSW_NAME_MAX + 8];

		snprintf(ok, sizeof(ok), "OK %s\n", m->c->name);
		report(m, ok);
	}
	close(m->sock);
	m->sock = -1;
	code = wait_init(m);
	/* The init's exit and its namespaces' end are the last records. */
	trace_stop(m);
	if (nsw_release(&m->in, &e2) < 0)
		nsw_error_print(&e2);
	else
		tl_item(m, tl_now(m), "released", NULL, "cgroups, veth and state of %s removed",
			m->in.name);
	trace_finish(m, NULL);
	return code;
fail:
	if (m->pid > 0)
		tl_item(m, tl_now(m), "kill", NULL, "the init (pid %d): the start failed",
			m->pid);
	kill_init(m);
	trace_stop(m);
	if (m->claimed) {
		if (m->lock < 0)
			m->lock = nsw_state_lock(&e2);
		memset(&e2, 0, sizeof(e2));
		release_locked(&m->in, &e2);
		if (e2.msg[0])
			nsw_error_print(&e2);
		else
			tl_item(m, tl_now(m), "released", NULL,
				"cgroups, veth and state of %s removed", m->in.name);
	}
	if (m->lock >= 0)
		close(m->lock);
	trace_finish(m, err);
	return -code;
}

/*
 * --detach: the monitor goes on in its own session; the caller waits until
 * the command runs (or setup fails) and reports that.
 */
static int detach(struct nsw_container *c, struct nsw_error *err)
{
	struct monitor m = { .c = c, .sock = -1, .pidfd = -1, .lock = -1 };
	char buf[sizeof(struct nsw_error) + 64] = "";
	int p[2], status, r;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return nsw_error(err, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return nsw_error(err, errno, "fork");
	if (pid == 0) {
		close(p[0]);
		/* The monitor outlives us: its parent becomes init. */
		if (fork() != 0)
			_exit(0);
		setsid();
		m.report = p[1];
		r = monitor_main(&m, err);
		if (r < 0) {
			snprintf(buf, sizeof(buf), "E%d %d %s", -r, err->errnum, err->msg);
			report(&m, buf);
		}
		_exit(r < 0 ? -r : r);
	}
	close(p[1]);
	waitpid(pid, &status, 0);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	if (n > 3 && !strncmp(buf, "OK ", 3)) {
		fputs(buf + 3, stdout);
		return 0;
	}
	if (n > 1 && buf[0] == 'E') {
		int code = 125, e = 0, off = 0;

		buf[n] = '\0';
		sscanf(buf + 1, "%d %d %n", &code, &e, &off);
		nsw_error(err, e, "%s", buf + 1 + off);
		return -code;
	}
	return nsw_error(err, 0, "the container's monitor exited during setup");
}

int nsw_run(struct nsw_container *c, struct nsw_error *err)
{
	struct monitor m = { .c = c, .sock = -1, .pidfd = -1, .lock = -1,
			     .report = -1 };

	if (c->detach) {
		/* The timeline is written by the run that waits for the container. */
		if (nsw_container_traced(c)) {
			nsw_error(err, 0, "--trace cannot be used with --detach");
			return -2;
		}
		return detach(c, err);
	}
	return monitor_main(&m, err);
}
