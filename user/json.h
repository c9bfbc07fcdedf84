/* SPDX-License-Identifier: GPL-2.0 */
/* Writing JSON text: only what one event per line needs. */
#ifndef NSW_JSON_H
#define NSW_JSON_H

#include <stdio.h>
#include <stddef.h>

/*
 * Write s (at most len bytes, stopping at NUL) as a JSON string. Valid UTF-8
 * passes through; control characters and bytes that are not UTF-8 (a comm
 * can hold any byte) become \u00XX escapes, so the line always parses.
 */
void json_write_string(FILE *f, const char *s, size_t len);

#endif /* NSW_JSON_H */
