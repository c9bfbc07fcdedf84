// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_flipns DIR N PAUSE_MS MODE: a process that holds two uts namespaces
 * by fd, for lifetimes.bats and the bench. It makes A (unshare, fd a) and B
 * (unshare, fd b), so A outlives its last process on fd a alone, then:
 *   hold  sleeps PAUSE_MS, setns A, B N times each, setns A, sleeps PAUSE_MS
 *         (B held by fd b), exits: both die with the exit.
 *   drop  sleeps PAUSE_MS, closes fd a (A dies then), sleeps PAUSE_MS, exits.
 * What the kernel said, in DIR: a, b (readlink of /proc/self/ns/uts in each),
 * a.id, b.id (NS_GET_ID, 0 if the kernel has none), a.fd, b.fd, pid, setns
 * (calls made, all succeeded, or it fails), final (its uts at the end), and
 * RFC 3339 times: dropped (drop: fd a closed), exiting (just before exit).
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#ifndef NS_GET_ID
#define NS_GET_ID _IOR(0xb7, 13, unsigned long long)
#endif

static const char *dir;

static void put(const char *name, const char *fmt, const char *val)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, fmt, val);
	fclose(f);
}

static void put_num(const char *name, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	put(name, "%s\n", buf);
}

static void put_now(const char *name)
{
	struct timespec ts;
	struct tm tm;
	char buf[64], out[96];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%06ldZ", buf, ts.tv_nsec / 1000);
	put(name, "%s\n", out);
}

/* A new uts namespace, an fd on it, and what the kernel calls it. */
static int make(const char *name)
{
	char link[64], key[16];
	unsigned long long id = 0;
	ssize_t n;
	int fd;

	if (unshare(CLONE_NEWUTS)) {
		perror("unshare");
		exit(1);
	}
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	n = readlink("/proc/self/ns/uts", link, sizeof(link) - 1);
	if (fd < 0 || n <= 0) {
		perror("/proc/self/ns/uts");
		exit(1);
	}
	link[n] = '\0';
	put(name, "%s\n", link);
	if (ioctl(fd, NS_GET_ID, &id))
		id = 0;
	snprintf(key, sizeof(key), "%s.id", name);
	put_num(key, (long long)id);
	snprintf(key, sizeof(key), "%s.fd", name);
	put_num(key, fd);
	return fd;
}

static void to(int fd, long long *calls)
{
	if (setns(fd, CLONE_NEWUTS)) {
		fprintf(stderr, "setns: %s\n", strerror(errno));
		exit(1);
	}
	(*calls)++;
}

int main(int argc, char **argv)
{
	long long n, calls = 0;
	unsigned int pause_us;
	char link[64];
	ssize_t len;
	int a, b;

	if (argc != 5) {
		fprintf(stderr, "usage: nsw_flipns DIR N PAUSE_MS hold|drop\n");
		return 2;
	}
	dir = argv[1];
	n = atoll(argv[2]);
	pause_us = (unsigned int)atoi(argv[3]) * 1000;
	put_num("pid", getpid());
	a = make("a");
	b = make("b");
	usleep(pause_us);
	if (!strcmp(argv[4], "drop")) {
		close(a);
		put_now("dropped");
	} else {
		for (long long i = 0; i < n; i++) {
			to(a, &calls);
			to(b, &calls);
		}
		to(a, &calls);
	}
	usleep(pause_us);
	put_num("setns", calls);
	len = readlink("/proc/self/ns/uts", link, sizeof(link) - 1);
	if (len > 0) {
		link[len] = '\0';
		put("final", "%s\n", link);
	}
	put_now("exiting");
	return 0;
}
