// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_loadgen WORKERS ITERATIONS: a burst of namespace syscalls for the
 * integration tests' loss accounting.
 *
 * Forks WORKERS processes that wait on a common barrier (the read end of a
 * pipe whose write end the parent closes once all of them exist), so they
 * start together. Each opens /proc/self/ns/uts, then ITERATIONS times calls
 * unshare(CLONE_NEWUTS) and setns(fd, CLONE_NEWUTS), counting every
 * attempted call and every failed one. The counts come back through a shared
 * anonymous mapping; the parent prints
 *
 *   {"ops":T,"unshare":U,"setns":S,"failed":F}
 *
 * (T = U + S) and exits 0. A worker that cannot run at all (or dies) makes
 * the parent exit 1 with a message on stderr. Bad arguments: usage on
 * stderr, exit 2. Needs CAP_SYS_ADMIN for the calls to succeed; without it
 * they fail and are counted as failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS    1024
#define MAX_ITERATIONS 10000000L

struct counts {
	uint64_t unshare;
	uint64_t setns;
	uint64_t failed;
	int32_t done; /* 1 once the worker finished its loop */
};

static void usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "nsw_loadgen: %s\n", msg);
	fprintf(stderr,
		"usage: nsw_loadgen WORKERS ITERATIONS\n"
		"  WORKERS     processes to fork, 1..%d\n"
		"  ITERATIONS  unshare(CLONE_NEWUTS)+setns(CLONE_NEWUTS) pairs per "
		"worker, 1..%ld\n",
		MAX_WORKERS, MAX_ITERATIONS);
	exit(2);
}

static long parse_count(const char *what, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "nsw_loadgen: bad %s '%s': want an integer 1..%ld\n", what, s, max);
		usage(NULL);
	}
	return v;
}

static int worker(int barrier_r, struct counts *c, long iterations)
{
	char b;
	ssize_t n;
	long i;
	int fd;

	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nsw_loadgen: worker %d: open /proc/self/ns/uts: %s\n",
			(int)getpid(), strerror(errno));
		return 1;
	}

	/* The barrier: end of file once the parent has forked everybody. */
	do
		n = read(barrier_r, &b, 1);
	while (n < 0 && errno == EINTR);
	close(barrier_r);

	for (i = 0; i < iterations; i++) {
		c->unshare++;
		if (unshare(CLONE_NEWUTS) < 0)
			c->failed++;
		c->setns++;
		if (setns(fd, CLONE_NEWUTS) < 0)
			c->failed++;
	}
	close(fd);
	c->done = 1;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t unshare_total = 0, setns_total = 0, failed_total = 0;
	struct counts *counts;
	long workers, iterations, i;
	pid_t *pids;
	int barrier[2];
	int bad = 0;

	if (argc != 3)
		usage("expected exactly two arguments");
	workers = parse_count("WORKERS", argv[1], MAX_WORKERS);
	iterations = parse_count("ITERATIONS", argv[2], MAX_ITERATIONS);

	counts = mmap(NULL, sizeof(*counts) * (size_t)workers, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("nsw_loadgen: mmap");
		return 1;
	}
	pids = calloc((size_t)workers, sizeof(*pids));
	if (!pids) {
		perror("nsw_loadgen: calloc");
		return 1;
	}
	if (pipe(barrier) < 0) {
		perror("nsw_loadgen: pipe");
		return 1;
	}
	fflush(NULL);

	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("nsw_loadgen: fork");
			bad = 1;
			break;
		}
		if (pid == 0) {
			close(barrier[1]);
			_exit(worker(barrier[0], &counts[i], iterations));
		}
		pids[i] = pid;
	}
	/* Open the barrier: every worker's read() returns end of file. */
	close(barrier[0]);
	close(barrier[1]);

	for (i = 0; i < workers && pids[i]; i++) {
		int status;

		while (waitpid(pids[i], &status, 0) < 0) {
			if (errno != EINTR) {
				perror("nsw_loadgen: waitpid");
				return 1;
			}
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !counts[i].done) {
			fprintf(stderr,
				"nsw_loadgen: worker %d (pid %d) failed (wait status 0x%x)\n",
				(int)i, (int)pids[i], status);
			bad = 1;
		}
		unshare_total += counts[i].unshare;
		setns_total += counts[i].setns;
		failed_total += counts[i].failed;
	}
	if (bad)
		return 1;

	printf("{\"ops\":%llu,\"unshare\":%llu,\"setns\":%llu,\"failed\":%llu}\n",
	       (unsigned long long)(unshare_total + setns_total), (unsigned long long)unshare_total,
	       (unsigned long long)setns_total, (unsigned long long)failed_total);
	if (fflush(stdout) != 0) {
		perror("nsw_loadgen: stdout");
		return 1;
	}
	return 0;
}
