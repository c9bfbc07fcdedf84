// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_flood [-U] [-s] [-n COUNT] [-t SECONDS] [-i MICROSECONDS]: namespace
 * syscalls at a chosen pace, counted, for the fairness tests and bench.
 *
 *   -U  first unshare(CLONE_NEWUSER): an unprivileged user then owns the
 *       uts namespaces it makes, as in a rootless container
 *   -s  after each unshare(CLONE_NEWUTS), setns() back into the uts
 *       namespace the loop started in (the first one made with -U, whose
 *       owner is ours; else the one we started in)
 *   -n  stop after COUNT iterations
 *   -t  stop after SECONDS (default 1 when -n is not given)
 *   -i  sleep this long between iterations (0: flood)
 *
 * At the end it prints, on stdout, what it did as the kernel answered:
 *
 *   {"pid":P,"uid":U,"unshare":N,"setns":M,"failed":F,"seconds":S}
 *
 * where unshare and setns count every call made (the CLONE_NEWUSER one
 * too) and failed those that returned an error. Exit 0, or 1 when a call
 * that sets up the loop fails; bad arguments: usage, exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_USEC 1000LL
#define MAX_SECONDS 3600
#define MAX_COUNT 100000000L
#define MAX_INTERVAL_US 10000000L

struct flood {
	bool user;
	bool back;
	long count;     /* 0: until the time is up */
	long seconds;
	long interval_us;
	uint64_t unshare, setns, failed;
};

static void usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "nsw_flood: %s\n", msg);
	fprintf(stderr, "usage: nsw_flood [-U] [-s] [-n COUNT] [-t SECONDS] [-i MICROSECONDS]\n");
	exit(2);
}

static long parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage("bad number");
	return v;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void parse(struct flood *f, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "Usn:t:i:")) != -1) {
		switch (c) {
		case 'U':
			f->user = true;
			break;
		case 's':
			f->back = true;
			break;
		case 'n':
			f->count = parse_num(optarg, 1, MAX_COUNT);
			break;
		case 't':
			f->seconds = parse_num(optarg, 1, MAX_SECONDS);
			break;
		case 'i':
			f->interval_us = parse_num(optarg, 0, MAX_INTERVAL_US);
			break;
		default:
			usage(NULL);
		}
	}
	if (optind != argc)
		usage("no operands expected");
	if (!f->count && !f->seconds)
		f->seconds = 1;
}

static int counted(uint64_t *n, uint64_t *failed, int ret)
{
	(*n)++;
	if (ret < 0)
		(*failed)++;
	return ret;
}

/* The uts namespace the setns calls go back to; -1 on failure. */
static int home_uts(struct flood *f)
{
	if (f->user) {
		if (counted(&f->unshare, &f->failed, unshare(CLONE_NEWUSER)) < 0 ||
		    counted(&f->unshare, &f->failed, unshare(CLONE_NEWUTS)) < 0) {
			perror("nsw_flood: unshare");
			return -1;
		}
	}
	return open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
}

int main(int argc, char **argv)
{
	struct flood f = { 0 };
	long long start, deadline = 0;
	struct timespec pause;
	/* Before -U: inside a user namespace without a map it is 65534. */
	unsigned int uid = getuid();
	long i;
	int fd;

	parse(&f, argc, argv);
	pause.tv_sec = f.interval_us / 1000000;
	pause.tv_nsec = (f.interval_us % 1000000) * NSEC_PER_USEC;
	start = now_ns();
	if (f.seconds)
		deadline = start + f.seconds * NSEC_PER_SEC;
	fd = home_uts(&f);
	if (fd < 0) {
		perror("nsw_flood: /proc/self/ns/uts");
		return 1;
	}
	for (i = 0; !f.count || i < f.count; i++) {
		if (deadline && now_ns() >= deadline)
			break;
		counted(&f.unshare, &f.failed, unshare(CLONE_NEWUTS));
		if (f.back)
			counted(&f.setns, &f.failed, setns(fd, CLONE_NEWUTS));
		if (f.interval_us)
			nanosleep(&pause, NULL);
	}
	close(fd);
	printf("{\"pid\":%d,\"uid\":%u,\"unshare\":%llu,\"setns\":%llu,\"failed\":%llu,"
	       "\"seconds\":%.3f}\n",
	       (int)getpid(), uid, (unsigned long long)f.unshare,
	       (unsigned long long)f.setns, (unsigned long long)f.failed,
	       (double)(now_ns() - start) / NSEC_PER_SEC);
	return fflush(stdout) ? 1 : 0;
}
