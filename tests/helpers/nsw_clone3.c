// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_clone3: a workload for the integration tests that exercises clone3()
 * with namespace flags and setns() through a pidfd, and prints what the
 * kernel says about the namespaces involved, so that a test can compare the
 * tracer's report with the truth.
 *
 * 1. clone3(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_PIDFD),
 *    exit_signal SIGCHLD.
 * 2. The child prints
 *      {"who":"child","pid":P,"ns":{"pid":N,"net":N,"uts":N}}
 *    (P is its getpid(), 1 in its new pid namespace; the inodes are read
 *    with readlink(/proc/self/ns/X)) and then waits until the parent is done.
 * 3. The parent prints
 *      {"who":"parent","pid":P,"child_pid":C}
 *    waits until the child's line is out, calls
 *    setns(pidfd, CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWPID) and prints
 *      {"who":"joiner","pid":P,"ns":{"net":N,"uts":N,"pid_for_children":N}}
 *    then releases the child, reaps it and exits 0.
 *
 * Every line is flushed as soon as it is written. Any failure prints a
 * message on stderr and exits 1. Needs CAP_SYS_ADMIN.
 */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

#define NEW_FLAGS (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS)

static const char *who = "nsw_clone3";

static void die(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	exit(1);
}

/* The inode number of /proc/self/ns/NAME, from its "type:[inode]" link. */
static unsigned long long ns_inode(const char *name)
{
	char path[64], link[128];
	unsigned long long ino;
	char *open_br, *end;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("readlink %s", path);
	link[n] = '\0';
	open_br = strchr(link, '[');
	if (!open_br) {
		errno = 0;
		die("unexpected link text for %s: %s", path, link);
	}
	errno = 0;
	ino = strtoull(open_br + 1, &end, 10);
	if (errno || end == open_br + 1 || *end != ']') {
		errno = 0;
		die("cannot parse inode in %s -> %s", path, link);
	}
	return ino;
}

static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("writing to stdout");
}

static void write_byte(int fd)
{
	char c = 'x';
	ssize_t n;

	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("write to sync pipe");
}

/* Reads one byte; returns 1 if one came, 0 on end of file. */
static int read_byte(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("read from sync pipe");
	return n == 1;
}

static int child_main(int ready_w, int release_r)
{
	who = "nsw_clone3 (child)";
	emit("{\"who\":\"child\",\"pid\":%d,\"ns\":{\"pid\":%llu,\"net\":%llu,"
	     "\"uts\":%llu}}\n",
	     (int)getpid(), ns_inode("pid"), ns_inode("net"), ns_inode("uts"));
	write_byte(ready_w);
	close(ready_w);
	/* Wait for the parent: a byte or end of file both mean "go". */
	read_byte(release_r);
	close(release_r);
	return 0;
}

int main(int argc, char **argv)
{
	struct clone_args args;
	int ready[2], release[2];
	int pidfd = -1, status;
	long ret;
	pid_t child;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: nsw_clone3 (takes no arguments; needs root)\n");
		return 2;
	}
	if (pipe(ready) < 0 || pipe(release) < 0)
		die("pipe");
	/* Nothing buffered may be duplicated into the child. */
	if (fflush(stdout) != 0)
		die("fflush");

	memset(&args, 0, sizeof(args));
	args.flags = NEW_FLAGS | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	ret = syscall(SYS_clone3, &args, sizeof(args));
	if (ret < 0)
		die("clone3(CLONE_NEWPID|CLONE_NEWNET|CLONE_NEWUTS|CLONE_PIDFD)");
	if (ret == 0) {
		close(ready[0]);
		close(release[1]);
		_exit(child_main(ready[1], release[0]));
	}
	child = (pid_t)ret;
	close(ready[1]);
	close(release[0]);
	if (pidfd < 0) {
		errno = 0;
		die("clone3 returned no pidfd");
	}

	emit("{\"who\":\"parent\",\"pid\":%d,\"child_pid\":%d}\n", (int)getpid(), (int)child);

	if (!read_byte(ready[0])) {
		errno = 0;
		die("child %d exited before printing its namespaces", (int)child);
	}
	close(ready[0]);

	if (setns(pidfd, NEW_FLAGS) < 0)
		die("setns(pidfd, CLONE_NEWNET|CLONE_NEWUTS|CLONE_NEWPID)");
	emit("{\"who\":\"joiner\",\"pid\":%d,\"ns\":{\"net\":%llu,\"uts\":%llu,"
	     "\"pid_for_children\":%llu}}\n",
	     (int)getpid(), ns_inode("net"), ns_inode("uts"), ns_inode("pid_for_children"));

	write_byte(release[1]);
	close(release[1]);
	close(pidfd);

	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid %d", (int)child);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = 0;
		die("child %d ended badly (wait status 0x%x)", (int)child, status);
	}
	return 0;
}
