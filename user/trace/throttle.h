/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel counts calls it held back cumulatively per (source, operation)
 * (bpf/ratelimit.h); this turns those totals into what was held back since
 * the last report, and recognises a record that another overtook.
 */
#ifndef NSW_THROTTLE_H
#define NSW_THROTTLE_H

#include <stdbool.h>
#include "trace/tracer.h"

struct nsw_throttle_seen;

/* NULL if out of memory. */
struct nsw_throttle_seen *nsw_throttle_seen_new(void);
void nsw_throttle_seen_free(struct nsw_throttle_seen *s);

/*
 * rec's total against what was reported before: out gets the difference.
 * False when rec brings nothing new (another record already carried it).
 */
bool nsw_throttle_seen_update(struct nsw_throttle_seen *s,
			      const struct nsw_throttled_event *rec,
			      struct nsw_throttled *out);

#endif /* NSW_THROTTLE_H */
