/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transitional: timeline/timeline.c still includes this for
 * nsw_realtime_offset_ns() and nsw_format_rfc3339(), which now live in
 * lib/clock.h. Delete once it includes lib/clock.h instead.
 */
#ifndef NSW_OUTPUT_H
#define NSW_OUTPUT_H

#include "lib/clock.h"

#endif /* NSW_OUTPUT_H */
