/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time units and the one clock nswatch compares: CLOCK_MONOTONIC in ns,
 * which is what bpf_ktime_get_ns() stamps ring buffer records with.
 */
#ifndef NSW_CLOCK_H
#define NSW_CLOCK_H

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

#endif /* NSW_CLOCK_H */
