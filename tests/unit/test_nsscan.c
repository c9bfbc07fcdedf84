// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel scan against the kernel: this process's /proc/self/ns files,
 * a process that is gone, nsfs ioctls on our own namespaces, and an nsfs
 * bind mount made in a private mount namespace (root only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "table/nsscan.h"
#include "lib/nsnames.h"

static __u32 self_ns(const char *slot)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", slot);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void test_read_self(void **state)
{
	struct nsw_proc_ns p;
	struct stat st;

	(void)state;
	assert_int_equal(nsw_read_proc_ns(getpid(), &p), 0);
	assert_int_equal(p.pid, getpid());
	assert_int_equal(p.ppid, getppid());
	assert_int_equal(p.uid, getuid());
	assert_int_equal(stat("/proc/self", &st), 0);
	assert_int_equal(p.proc_uid, st.st_uid);
	assert_false(p.kthread);
	assert_string_equal(p.comm, "test_nsscan");
	for (unsigned int s = 0; s < NSW_SLOT_COUNT; s++)
		assert_int_equal(p.ns[s], self_ns(nsw_slot_name(s)));
}

static void test_read_gone(void **state)
{
	struct nsw_proc_ns p;
	pid_t child = fork();

	(void)state;
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_int_equal(nsw_read_proc_ns(child, &p), -1);
}

struct walk {
	pid_t last, self;
	int seen_self, count, stop_after;
};

static int walk_fn(const struct nsw_proc_ns *p, void *data)
{
	struct walk *w = data;

	assert_true(p->pid > w->last);
	w->last = p->pid;
	if (p->pid == w->self)
		w->seen_self++;
	if (++w->count == w->stop_after)
		return 7;
	return 0;
}

static void test_scan_procs(void **state)
{
	struct walk w = { .self = getpid() };
	struct nsw_error err;

	(void)state;
	assert_int_equal(nsw_scan_procs(walk_fn, &w, &err), 0);
	assert_int_equal(w.seen_self, 1);
	assert_true(w.count >= 1);
	/* A nonzero return stops the walk and is handed back. */
	w = (struct walk){ .self = getpid(), .stop_after = 1 };
	assert_int_equal(nsw_scan_procs(walk_fn, &w, &err), 7);
	assert_int_equal(w.count, 1);
}

static void test_meta_self(void **state)
{
	struct nsw_ns_meta m;
	struct nsw_error err;

	(void)state;
	for (unsigned int t = 0; t < NSW_TYPE_COUNT; t++) {
		__u32 ino = self_ns(nsw_types[t].name);

		assert_int_equal(nsw_ns_meta_pid(getpid(), t, ino, &m, &err), 0);
		assert_int_equal(m.type, t);
		assert_int_equal(m.inode, ino);
		if (!strcmp(nsw_types[t].name, "user"))
			assert_true(m.owner_uid_valid);
		else
			assert_false(m.owner_uid_valid);
		/* Every non-user namespace is owned by our user namespace (or
		 * one out of reach above it, when run in a nested one). */
		if (strcmp(nsw_types[t].name, "user") && m.owner_user)
			assert_int_equal(m.owner_user, self_ns("user"));
	}
	/* The inode changed meanwhile: pid reuse. */
	assert_int_equal(nsw_ns_meta_pid(getpid(), 3, self_ns("net") + 1, &m, &err), -1);
	assert_int_equal(err.errnum, ESRCH);
	assert_int_equal(nsw_ns_meta_pid(getpid(), NSW_TYPE_COUNT, 0, &m, &err), -1);
}

static void test_meta_slot(void **state)
{
	struct nsw_ns_meta m;
	struct nsw_error err;

	(void)state;
	assert_int_equal(nsw_ns_meta_slot(getpid(), NSW_SLOT_PID_FOR_CHILDREN,
					  self_ns("pid_for_children"), &m, &err), 0);
	assert_string_equal(nsw_types[m.type].name, "pid");
	assert_int_equal(m.inode, self_ns("pid_for_children"));
	assert_int_equal(nsw_ns_meta_slot(getpid(), NSW_SLOT_COUNT, 0, &m, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
}

static bool comm_is(pid_t pid, const char *want)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return !strcmp(comm, want);
}

/* As lsns: the command line of an exec'd child, a kernel thread's comm, nothing of the gone. */
static void test_proc_command(void **state)
{
	char buf[NSW_CMDLINE_MAX], small[4];
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1000 && !comm_is(child, "sleep"); i++)
		usleep(1000);
	nsw_proc_command(child, buf, sizeof(buf));
	assert_string_equal(buf, "sleep 30");
	nsw_proc_command(child, small, sizeof(small));
	assert_string_equal(small, "sle");
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, NULL, 0), child);
	nsw_proc_command(child, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* kthreadd has no command line. */
	if (comm_is(2, "kthreadd")) {
		nsw_proc_command(2, buf, sizeof(buf));
		assert_string_equal(buf, "kthreadd");
	}
}

static void test_meta_not_nsfs(void **state)
{
	struct nsw_ns_meta m;
	struct nsw_error err;
	int fd = open("/proc/self/stat", O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(nsw_ns_meta_fd(fd, &m, &err), -1);
	close(fd);
}

static void test_netns_name(void **state)
{
	struct nsw_nsfs_mount m = { .type = 3 };

	(void)state;
	assert_string_equal(nsw_types[3].name, "net");
	snprintf(m.path, sizeof(m.path), "/run/netns/red");
	assert_string_equal(nsw_netns_name(&m), "red");
	snprintf(m.path, sizeof(m.path), "/var/run/netns/blue");
	assert_string_equal(nsw_netns_name(&m), "blue");
	snprintf(m.path, sizeof(m.path), "/run/netns/");
	assert_null(nsw_netns_name(&m));
	snprintf(m.path, sizeof(m.path), "/run/netns/a/b");
	assert_null(nsw_netns_name(&m));
	snprintf(m.path, sizeof(m.path), "/run/netnsx/red");
	assert_null(nsw_netns_name(&m));
	snprintf(m.path, sizeof(m.path), "/tmp/red");
	assert_null(nsw_netns_name(&m));
	m.type = 1;
	snprintf(m.path, sizeof(m.path), "/run/netns/red");
	assert_null(nsw_netns_name(&m));
}

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	if (getenv("CI") && !strcmp(getenv("CI"), "true"))
		fail_msg("needs root; CI=true, so this is a failure, not a skip");
	skip();
	return false;
}

/* In a child with a private mount namespace: bind uts on "DIR/a b". */
static int child_mount_check(void)
{
	char dir[] = "/tmp/nsw-test-nsfs.XXXXXX", target[128];
	struct nsw_nsfs_mount *mounts;
	struct nsw_error err;
	size_t n;
	int fd, found = 0;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if (!mkdtemp(dir))
		return 11;
	snprintf(target, sizeof(target), "%s/a b", dir);
	fd = open(target, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return 12;
	close(fd);
	if (mount("/proc/self/ns/uts", target, NULL, MS_BIND, NULL) < 0)
		return 13;
	if (nsw_scan_nsfs_mounts(&mounts, &n, &err) < 0)
		return 14;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(mounts[i].path, target))
			continue;
		if (strcmp(nsw_types[mounts[i].type].name, "uts") ||
		    mounts[i].inode != self_ns("uts"))
			return 15;
		found++;
	}
	free(mounts);
	umount(target);
	unlink(target);
	rmdir(dir);
	return found == 1 ? 0 : 16;
}

static void test_nsfs_mounts(void **state)
{
	int status;
	pid_t child;

	(void)state;
	if (!need_root())
		return;
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(child_mount_check());
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_self),
		cmocka_unit_test(test_read_gone),
		cmocka_unit_test(test_scan_procs),
		cmocka_unit_test(test_meta_self),
		cmocka_unit_test(test_meta_slot),
		cmocka_unit_test(test_proc_command),
		cmocka_unit_test(test_meta_not_nsfs),
		cmocka_unit_test(test_netns_name),
		cmocka_unit_test(test_nsfs_mounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
