// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_tablemeta: the reporter's namespace table, fed by the real tracer,
 * against the kernel's own word on the namespaces a workload makes.
 *
 * The workload W (a child, followed by the tracer as `trace -- CMD` does):
 *   1. unshare(CLONE_NEWUSER | NEWNS | NEWUTS | NEWIPC | NEWNET | NEWCGROUP |
 *      NEWPID | NEWTIME), then forks G1, the first process of the new pid
 *      and time namespaces, which is in all eight;
 *   2. maps itself as root in its user namespace and unshares
 *      CLONE_NEWUSER | CLONE_NEWUTS again (a user namespace whose parent is
 *      not the initial one);
 *   3. maps itself again and calls clone3(CLONE_NEWUSER | CLONE_NEWNET): G2.
 * While W, G1 and G2 live, this program applies the tracer's records to a
 * table (nsw_table_apply_*, with a probe that reads /proc and nsfs as the
 * real one does, and counts what it is asked), then opens each made
 * namespace's file in /proc/PID/ns itself and compares what NS_GET_USERNS,
 * NS_GET_PARENT (pid, user) and NS_GET_ID answer with the table's meta,
 * and that the table asked the kernel nothing about them. One line per
 * namespace:
 *   TYPE INODE owner TABLE KERNEL parent TABLE KERNEL id TABLE KERNEL asked N
 * and "host_user INODE" (this process's user namespace). Exit 0 if all
 * agree, 1 if not, 2 on a failure to set up. Needs root and BPF.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/nsnames.h"
#include "table/nslife.h"
#include "table/nsscan.h"
#include "table/nstable.h"
#include "trace/tracer.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef NS_GET_ID
#define NS_GET_ID _IOR(NSIO, 0xd, __u64)
#endif

#define MAX_ASKED 256
#define WAIT_MS 10000
#define POLL_MS 50
#define UNSHARE_ALL (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
		     CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID | CLONE_NEWTIME)

struct asked {
	__u32 inode[MAX_ASKED];
	size_t n;
};

static struct asked asked;
static struct nsw_table *table;

static void note(__u32 inode)
{
	if (asked.n < MAX_ASKED)
		asked.inode[asked.n++] = inode;
}

static int p_proc_ns(void *ctx, pid_t pid, struct nsw_proc_ns *p)
{
	(void)ctx;
	return nsw_read_proc_ns(pid, p);
}

static int p_meta(void *ctx, pid_t pid, unsigned int type, __u32 inode,
		  struct nsw_ns_meta *m)
{
	struct nsw_error err;

	(void)ctx;
	note(inode);
	return nsw_ns_meta_pid(pid, type, inode, m, &err);
}

static int p_meta_slot(void *ctx, pid_t pid, unsigned int slot, __u32 inode,
		       struct nsw_ns_meta *m)
{
	struct nsw_error err;

	(void)ctx;
	note(inode);
	return nsw_ns_meta_slot(pid, slot, inode, m, &err);
}

static int p_alive(void *ctx, unsigned int type, __u32 inode, __u64 ns_id)
{
	(void)ctx;
	return nsw_ns_alive(type, inode, ns_id);
}

static void on_nsop(void *ctx, const struct nsw_event *ev)
{
	(void)ctx;
	nsw_table_apply_nsop(table, ev);
}

static void on_proc(void *ctx, const struct nsw_proc_event *ev)
{
	(void)ctx;
	nsw_table_apply_proc(table, ev);
}

static void die(const char *what)
{
	perror(what);
	_exit(2);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* Root in the user namespace just made: what a nested one needs of its owner. */
static void map_self(void)
{
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", "0 0 1");
	write_file("/proc/self/gid_map", "0 0 1");
}

static void hold(int release_fd)
{
	char c;

	while (read(release_fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* W: see the top of the file. Reports G1's and G2's pids on ready_fd. */
static void workload(int go_fd, int ready_fd, int release_fd)
{
	struct clone_args args = { .flags = CLONE_NEWUSER | CLONE_NEWNET,
				   .exit_signal = SIGCHLD };
	pid_t g[2];
	char c;

	if (read(go_fd, &c, 1) != 1)
		_exit(2);
	if (unshare(UNSHARE_ALL))
		die("unshare of eight types");
	g[0] = fork();
	if (g[0] < 0)
		die("fork");
	if (!g[0])
		hold(release_fd);
	map_self();
	if (unshare(CLONE_NEWUSER | CLONE_NEWUTS))
		die("unshare(CLONE_NEWUSER | CLONE_NEWUTS) in a user namespace");
	map_self();
	g[1] = syscall(SYS_clone3, &args, sizeof(args));
	if (g[1] < 0)
		die("clone3(CLONE_NEWUSER | CLONE_NEWNET)");
	if (!g[1])
		hold(release_fd);
	if (write(ready_fd, g, sizeof(g)) != sizeof(g))
		die("write");
	if (read(release_fd, &c, 1) < 0)
		die("read");
	while (wait(NULL) > 0)
		;
	_exit(0);
}

/* What the kernel says about /proc/PID/ns/NAME. */
struct truth {
	__u32 inode, owner, parent;
	__u64 id;
};

static __u32 related(int fd, unsigned long req)
{
	int rfd = ioctl(fd, req);
	struct stat st;
	__u32 ino = 0;

	if (rfd < 0)
		return 0; /* EPERM: out of reach; EINVAL: no parent for this type */
	if (!fstat(rfd, &st))
		ino = st.st_ino;
	close(rfd);
	return ino;
}

static int kernel_truth(pid_t pid, const char *name, struct truth *k)
{
	char path[64];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		return -1;
	}
	memset(k, 0, sizeof(*k));
	k->inode = st.st_ino;
	k->owner = related(fd, NS_GET_USERNS);
	if (!strcmp(name, "pid") || !strcmp(name, "user"))
		k->parent = related(fd, NS_GET_PARENT);
	if (ioctl(fd, NS_GET_ID, &k->id))
		k->id = 0;
	close(fd);
	return 0;
}

struct made {
	int who; /* 0: G1, 1: W, 2: G2 */
	const char *type;
};

static const struct made made[] = {
	{ 0, "user" }, { 0, "mnt" }, { 0, "uts" }, { 0, "ipc" }, { 0, "net" },
	{ 0, "cgroup" }, { 0, "pid" }, { 0, "time" },
	{ 1, "user" }, { 1, "uts" },
	{ 2, "user" }, { 2, "net" },
};
#define NMADE (sizeof(made) / sizeof(made[0]))

/* Every made namespace has a CREATED entry with meta. */
static bool all_in(const struct truth *k)
{
	for (size_t i = 0; i < NMADE; i++) {
		const struct nsw_ns_entry *e =
			nsw_table_find(table, nsw_type_index(made[i].type), k[i].inode, 0);

		if (!e || e->origin != NSW_ORIGIN_CREATED || !e->meta_valid)
			return false;
	}
	return true;
}

static int compare(const struct truth *k)
{
	int bad = 0;

	for (size_t i = 0; i < NMADE; i++) {
		const struct nsw_ns_entry *e =
			nsw_table_find(table, nsw_type_index(made[i].type), k[i].inode, 0);
		struct nsw_ns_meta m = { 0 };
		size_t n = 0;

		for (size_t j = 0; j < asked.n; j++)
			n += asked.inode[j] == k[i].inode;
		if (e && e->meta_valid)
			m = e->meta;
		printf("%s %u owner %u %u parent %u %u id %llu %llu asked %zu%s\n", made[i].type,
		       k[i].inode, m.owner_user, k[i].owner, m.parent, k[i].parent,
		       (unsigned long long)(e ? e->ns_id : 0), (unsigned long long)k[i].id, n,
		       !e ? " (not in the table)" : !e->meta_valid ? " (no meta)" : "");
		if (!e || !e->meta_valid || m.owner_user != k[i].owner ||
		    m.parent != k[i].parent || e->ns_id != k[i].id || m.ns_id != k[i].id || n)
			bad = 1;
	}
	return bad;
}

int main(void)
{
	struct nsw_table_probe probe = { .proc_ns = p_proc_ns, .ns_meta = p_meta,
					 .ns_meta_slot = p_meta_slot, .ns_alive = p_alive };
	struct nsw_tracer_settings s = nsw_tracer_settings_default();
	struct nsw_sink sink = { .nsop = on_nsop, .proc = on_proc };
	struct truth k[NMADE], host;
	int go[2], ready[2], release[2], status, bad;
	struct nsw_tracer *tr;
	struct nsw_proc_ns pn;
	struct nsw_error err;
	long long end;
	pid_t w, pids[3];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC) || pipe2(release, O_CLOEXEC))
		die("pipe");
	w = fork();
	if (w < 0)
		die("fork");
	if (!w) {
		close(go[1]);
		close(ready[0]);
		close(release[1]);
		workload(go[0], ready[1], release[0]);
	}
	close(go[0]);
	close(ready[1]);
	close(release[0]);

	table = nsw_table_new(NULL, NULL);
	if (!table)
		die("nsw_table_new");
	nsw_table_set_probe(table, &probe);
	s.follow = true;
	s.proc_events = true;
	s.exclude_self = true;
	s.rate_limit = 0;
	if (nsw_tracer_open(&tr, &s, &sink, &err) < 0 || nsw_tracer_follow(tr, w, &err) < 0) {
		fprintf(stderr, "nsw_tablemeta: %s\n", err.msg);
		kill(w, SIGKILL);
		waitpid(w, NULL, 0);
		return 2;
	}
	if (nsw_read_proc_ns(w, &pn))
		die("reading the workload's namespaces");
	nsw_table_seed_proc(table, &pn);
	if (kernel_truth(getpid(), "user", &host))
		return 2;
	printf("host_user %u\n", host.inode);

	if (write(go[1], "g", 1) != 1 || read(ready[0], &pids[0], 2 * sizeof(pid_t)) !=
						 2 * sizeof(pid_t)) {
		fprintf(stderr, "nsw_tablemeta: the workload failed\n");
		waitpid(w, &status, 0);
		return 2;
	}
	pids[2] = pids[1];
	pids[1] = w;
	for (size_t i = 0; i < NMADE; i++)
		if (kernel_truth(pids[made[i].who], made[i].type, &k[i]))
			return 2;
	/* As the session does: poll, then the sweep (which would ask what waits too long). */
	end = nsw_mono_ns() + WAIT_MS * 1000000LL;
	while (!all_in(k) && nsw_mono_ns() < end) {
		nsw_tracer_poll(tr, POLL_MS);
		nsw_table_sweep(table, nsw_mono_ns(), false);
		nsw_table_sweep_finish(table);
	}
	bad = compare(k);
	close(release[1]);
	waitpid(w, &status, 0);
	nsw_tracer_close(tr);
	nsw_table_free(table);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "nsw_tablemeta: the workload exited with %d\n", status);
		return 2;
	}
	return bad;
}
