// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_forkflood [-t SECONDS]: a fork flood for the fairness tests: vfork()
 * and _exit() of the child as fast as the kernel allows, for SECONDS
 * (default 1). Every child makes a fork and an exit record in the tracer,
 * which are not rate-limited (the namespace table needs every one).
 *
 * At the end it prints, on stdout, what the kernel did:
 *
 *   {"pid":P,"uid":U,"forks":N,"failed":F}
 *
 * where forks counts the children made and reaped and failed the vfork()
 * calls that returned an error. Exit 0; bad arguments: usage, exit 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SECONDS 3600
#define CLOCK_EVERY 64

static void usage(void)
{
	fprintf(stderr, "usage: nsw_forkflood [-t SECONDS]\n");
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Its own frame: vfork() shares ours with the child until it exits. */
static __attribute__((noinline)) pid_t spawn_one(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

int main(int argc, char **argv)
{
	unsigned long forks = 0, failed = 0;
	long seconds = 1;
	double end;
	char *tail;
	int c;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't')
			usage();
		errno = 0;
		seconds = strtol(optarg, &tail, 10);
		if (errno || *tail || tail == optarg || seconds < 1 || seconds > MAX_SECONDS)
			usage();
	}
	if (optind != argc)
		usage();
	end = now() + seconds;
	for (;;) {
		pid_t pid = spawn_one();

		if (pid < 0)
			failed++;
		else if (waitpid(pid, NULL, 0) == pid)
			forks++;
		if ((forks + failed) % CLOCK_EVERY == 0 && now() >= end)
			break;
	}
	printf("{\"pid\":%d,\"uid\":%u,\"forks\":%lu,\"failed\":%lu}\n", (int)getpid(),
	       (unsigned int)getuid(), forks, failed);
	return 0;
}
