/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time units and the one clock nswatch compares: CLOCK_MONOTONIC in ns,
 * which is what bpf_ktime_get_ns() stamps ring buffer records with.
 */
#ifndef NSW_CLOCK_H
#define NSW_CLOCK_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define NSW_NSEC_PER_SEC 1000000000LL
#define NSW_NSEC_PER_MSEC 1000000LL
#define NSW_NSEC_PER_USEC 1000LL
#define NSW_USEC_PER_SEC 1000000LL

static inline long long nsw_timespec_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSW_NSEC_PER_SEC + ts->tv_nsec;
}

/* CLOCK_MONOTONIC now, in ns. */
static inline long long nsw_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return nsw_timespec_ns(&ts);
}

/*
 * CLOCK_REALTIME minus CLOCK_MONOTONIC, now: a record's ts plus this is
 * its wall-clock time. Measured once when tracing starts.
 */
static inline int64_t nsw_realtime_offset_ns(void)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return nsw_timespec_ns(&real) - nsw_timespec_ns(&mono);
}

#define NSW_RFC3339_LEN 40

/* RFC 3339, UTC, microseconds: 2026-11-22T10:26:00.123456Z */
static inline void nsw_format_rfc3339(int64_t realtime_ns, char *buf, size_t len)
{
	time_t sec = realtime_ns / NSW_NSEC_PER_SEC;
	long usec = (realtime_ns % NSW_NSEC_PER_SEC) / NSW_NSEC_PER_USEC;
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06ldZ", usec);
}

#endif /* NSW_CLOCK_H */
