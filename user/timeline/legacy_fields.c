// SPDX-License-Identifier: GPL-2.0
/* TRANSITIONAL: see legacy_fields.h; deleted with the old run_trace.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include "timeline/legacy_fields.h"

void nsw_json_field_str(char *buf, size_t size, const char *key,
			const char *value)
{
	size_t used = strnlen(buf, size), len = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	if (used)
		fputc(',', f);
	json_write_string(f, key, strlen(key));
	fputc(':', f);
	json_write_string(f, value ? value : "", value ? strlen(value) : 0);
	if (fclose(f) == 0 && used + len < size)
		memcpy(buf + used, text, len + 1);
	free(text);
}

char *nsw_legacy_fields_object(const char *fragment)
{
	char *obj;

	return asprintf(&obj, "{%s}", fragment) < 0 ? NULL : obj;
}
