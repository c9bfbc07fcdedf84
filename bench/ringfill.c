// SPDX-License-Identifier: GPL-2.0
/*
 * ringfill [NAME]: what a stall of the reporter costs, seen from the ring.
 * Finds the newest BPF ring buffer map called NAME ("events": nswatch's),
 * maps its consumer and producer positions read-only, and samples them
 * every SAMPLE_US until SIGINT or SIGTERM. Then prints, on one line:
 *
 *   ring        the ring's data size, bytes
 *   max_backlog the most bytes written and not yet consumed at a sample
 *               (the consumer publishes its position once per batch, up
 *               to a sixteenth of the ring: up to that much too high)
 *   max_still   the longest the consumer position stood still while the
 *               backlog was not empty, in ms: the longest stall
 *   samples     how many samples were taken
 *
 * Root. bench/reporter.sh runs it around each flood (REPORTER_RINGFILL=1).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#define SAMPLE_US 200
#define NSEC_PER_USEC 1000LL
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_SEC 1000000000LL

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* The newest ring buffer map named name: its fd and size, or -1. */
static int find_ring(const char *name, __u32 *size)
{
	__u32 id = 0, best = 0;
	int fd = -1;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);
		int f = bpf_map_get_fd_by_id(id);

		if (f < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(f, &info, &len) &&
		    info.type == BPF_MAP_TYPE_RINGBUF && !strcmp(info.name, name) &&
		    id > best) {
			if (fd >= 0)
				close(fd);
			fd = f;
			best = id;
			*size = info.max_entries;
			continue;
		}
		close(f);
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "events";
	struct sigaction sa = { .sa_handler = on_signal };
	const struct timespec step = { .tv_nsec = SAMPLE_US * NSEC_PER_USEC };
	long page = sysconf(_SC_PAGESIZE);
	unsigned long max_backlog = 0, last_cons;
	long long still_since, max_still = 0, samples = 0;
	const volatile unsigned long *cons, *prod;
	__u32 size = 0;
	int fd;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = find_ring(name, &size);
	if (fd < 0) {
		fprintf(stderr, "ringfill: no ring buffer map named %s\n", name);
		return 1;
	}
	cons = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	prod = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, page);
	if (cons == MAP_FAILED || prod == MAP_FAILED) {
		fprintf(stderr, "ringfill: mmap: %s\n", strerror(errno));
		return 1;
	}
	last_cons = *cons;
	still_since = now_ns();
	while (!stop) {
		unsigned long c = *cons, p = *prod;
		long long t = now_ns();

		samples++;
		if (p - c > max_backlog)
			max_backlog = p - c;
		if (c != last_cons || p == c) {
			last_cons = c;
			still_since = t;
		} else if (t - still_since > max_still) {
			max_still = t - still_since;
		}
		nanosleep(&step, NULL);
	}
	printf("ring=%u max_backlog=%lu max_still=%.1f samples=%lld\n", size, max_backlog,
	       (double)max_still / NSEC_PER_MSEC, samples);
	return 0;
}
