/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TRANSITIONAL, to be deleted when the pipeline's new run_trace.c lands:
 * today's run_trace.c still builds json_fields as object members without
 * the braces with nsw_json_field_str(). nsw_timeline_add() takes whole
 * objects; it turns such a fragment into one with nsw_legacy_fields_object().
 * Nothing else may use either.
 */
#ifndef NSW_LEGACY_FIELDS_H
#define NSW_LEGACY_FIELDS_H

#include <stddef.h>

void nsw_json_field_str(char *buf, size_t size, const char *key,
			const char *value);
/* "{" fragment "}", malloc()ed; NULL if out of memory. */
char *nsw_legacy_fields_object(const char *fragment);

#endif /* NSW_LEGACY_FIELDS_H */
