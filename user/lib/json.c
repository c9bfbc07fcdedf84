// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_write_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < len && p[i]) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(f, "\\u%04x", c);
				break;
			}
			n = utf8_seq_len(p + i, len - i);
			if (!n) {
				fprintf(f, "\\u%04x", c);
				break;
			}
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		}
		i++;
	}
	fputc('"', f);
}

void nsw_json_init(struct nsw_json *w, FILE *f)
{
	*w = (struct nsw_json){ .f = f };
}

int nsw_json_open_mem(struct nsw_json *w)
{
	*w = (struct nsw_json){ 0 };
	w->f = open_memstream(&w->mem, &w->mem_size);
	return w->f ? 0 : -1;
}

char *nsw_json_take_mem(struct nsw_json *w)
{
	char *text;
	int bad;

	if (!w->f)
		return NULL;
	bad = ferror(w->f);
	fclose(w->f);
	w->f = NULL;
	text = w->mem;
	w->mem = NULL;
	if (bad) {
		free(text);
		return NULL;
	}
	return text;
}

/* Before any value: the comma after a sibling, nothing after a key. */
static void value_sep(struct nsw_json *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		fputc(',', w->f);
	w->need_comma[w->depth] = true;
}

static void open_level(struct nsw_json *w, char c)
{
	value_sep(w);
	fputc(c, w->f);
	if (w->depth < NSW_JSON_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_level(struct nsw_json *w, char c)
{
	fputc(c, w->f);
	if (w->depth > 0)
		w->depth--;
	w->after_key = false;
}

void nsw_json_object_begin(struct nsw_json *w)
{
	open_level(w, '{');
}

void nsw_json_object_end(struct nsw_json *w)
{
	close_level(w, '}');
}

void nsw_json_array_begin(struct nsw_json *w)
{
	open_level(w, '[');
}

void nsw_json_array_end(struct nsw_json *w)
{
	close_level(w, ']');
}

void nsw_json_key(struct nsw_json *w, const char *key)
{
	value_sep(w);
	json_write_string(w->f, key, (size_t)-1);
	fputc(':', w->f);
	w->after_key = true;
}

void nsw_json_string(struct nsw_json *w, const char *s)
{
	nsw_json_string_n(w, s, (size_t)-1);
}

void nsw_json_string_n(struct nsw_json *w, const char *s, size_t len)
{
	value_sep(w);
	json_write_string(w->f, s ? s : "", len);
}

void nsw_json_uint(struct nsw_json *w, unsigned long long v)
{
	value_sep(w);
	fprintf(w->f, "%llu", v);
}

void nsw_json_int(struct nsw_json *w, long long v)
{
	value_sep(w);
	fprintf(w->f, "%lld", v);
}

void nsw_json_fixed(struct nsw_json *w, double v, int decimals)
{
	value_sep(w);
	fprintf(w->f, "%.*f", decimals, v);
}

void nsw_json_bool(struct nsw_json *w, bool v)
{
	value_sep(w);
	fputs(v ? "true" : "false", w->f);
}

void nsw_json_null(struct nsw_json *w)
{
	value_sep(w);
	fputs("null", w->f);
}

void nsw_json_kv_string(struct nsw_json *w, const char *key, const char *s)
{
	nsw_json_key(w, key);
	nsw_json_string(w, s);
}

void nsw_json_kv_uint(struct nsw_json *w, const char *key, unsigned long long v)
{
	nsw_json_key(w, key);
	nsw_json_uint(w, v);
}

void nsw_json_kv_int(struct nsw_json *w, const char *key, long long v)
{
	nsw_json_key(w, key);
	nsw_json_int(w, v);
}

void nsw_json_kv_bool(struct nsw_json *w, const char *key, bool v)
{
	nsw_json_key(w, key);
	nsw_json_bool(w, v);
}

void nsw_json_members_of(struct nsw_json *w, const char *object_text)
{
	size_t len = object_text ? strlen(object_text) : 0;

	if (len < 3 || object_text[0] != '{' || object_text[len - 1] != '}')
		return;
	if (w->need_comma[w->depth])
		fputc(',', w->f);
	fwrite(object_text + 1, 1, len - 2, w->f);
	w->need_comma[w->depth] = true;
}

void nsw_json_newline(struct nsw_json *w)
{
	fputc('\n', w->f);
	w->need_comma[0] = false;
}
