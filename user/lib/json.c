// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <stdint.h>
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

/*
 * The writer's output: into the stage when there is one (flushed to f as
 * it fills), else straight to f.
 */
static void stage_flush(struct nsw_json *w)
{
	if (w->stage_len)
		fwrite(w->stage, 1, w->stage_len, w->f);
	w->stage_flushed += w->stage_len;
	w->stage_len = 0;
}

/* What does not fit in the stage, or has none. */
static void __attribute__((noinline)) out_n_slow(struct nsw_json *w, const char *s,
						 size_t n)
{
	if (!w->stage) {
		fwrite(s, 1, n, w->f);
		return;
	}
	stage_flush(w);
	if (n > w->stage_cap) {
		fwrite(s, 1, n, w->f);
		return;
	}
	memcpy(w->stage, s, n);
	w->stage_len = n;
}

static inline void out_n(struct nsw_json *w, const char *s, size_t n)
{
	if (!w->stage || n > w->stage_cap - w->stage_len) {
		out_n_slow(w, s, n);
		return;
	}
	memcpy(w->stage + w->stage_len, s, n);
	w->stage_len += n;
}

static inline void out_c(struct nsw_json *w, char c)
{
	if (!w->stage || w->stage_len == w->stage_cap) {
		out_n_slow(w, &c, 1);
		return;
	}
	w->stage[w->stage_len++] = c;
}

/* Longest decimal of a 64-bit value, and a sign. */
#define DEC_LEN 24

/* "00" to "99": two digits per division (inodes have ten). */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* v in decimal, written backwards to end; returns where it starts. */
static char *fmt_uint(char *end, unsigned long long v)
{
	char *p = end;

	while (v >= 100) {
		unsigned int d = (unsigned int)(v % 100) * 2;

		v /= 100;
		*--p = digit_pairs[d + 1];
		*--p = digit_pairs[d];
	}
	if (v >= 10) {
		*--p = digit_pairs[v * 2 + 1];
		*--p = digit_pairs[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	return p;
}

/* As "%llu" and "%lld" print them, without printf's parsing. */
static void out_uint(struct nsw_json *w, unsigned long long v)
{
	char buf[DEC_LEN], *p = fmt_uint(buf + sizeof(buf), v);

	out_n(w, p, (size_t)(buf + sizeof(buf) - p));
}

static void out_int(struct nsw_json *w, long long v)
{
	if (v < 0) {
		out_c(w, '-');
		out_uint(w, 0ULL - (unsigned long long)v);
		return;
	}
	out_uint(w, (unsigned long long)v);
}

/* "\u00XX" for a byte that cannot stand in a JSON string as it is. */
static void out_escape_byte(struct nsw_json *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

	out_n(w, e, sizeof(e));
}

/* Bytes that stand in a JSON string as they are: printable ASCII but '"' and '\\'. */
static const bool plain_byte[256] = {
	[' ' ... '!'] = true,
	['#' ... '['] = true,
	[']' ... '~'] = true,
};

/* Bytes tested for plainness at once, in write_string(). */
#define PLAIN_STEP 8

/*
 * The string primitive. Runs of bytes that pass as they are (printable
 * ASCII, valid UTF-8) go out in one piece. The string's end is found first
 * (strnlen: most strings are short keys, names and times), then the runs,
 * eight bytes to a test where they are plain.
 */
static void write_string(struct nsw_json *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	len = len == (size_t)-1 ? strlen(s) : strnlen(s, len);
	out_c(w, '"');
	for (;;) {
		unsigned char c;
		const char *esc = NULL;
		size_t n;

		/* Every byte below len is in the string: read eight at once. */
		while (i + PLAIN_STEP <= len &&
		       (plain_byte[p[i]] & plain_byte[p[i + 1]] & plain_byte[p[i + 2]] &
			plain_byte[p[i + 3]] & plain_byte[p[i + 4]] & plain_byte[p[i + 5]] &
			plain_byte[p[i + 6]] & plain_byte[p[i + 7]]))
			i += PLAIN_STEP;
		while (i < len && plain_byte[p[i]])
			i++;
		if (i >= len)
			break;
		c = p[i];
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		}
		n = esc || c < 0x20 || c == 0x7f ? 0 : utf8_seq_len(p + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		out_n(w, s + run, i - run);
		if (esc)
			out_n(w, esc, 2);
		else
			out_escape_byte(w, c);
		run = ++i;
	}
	out_n(w, s + run, i - run);
	out_c(w, '"');
}

void json_write_string(FILE *f, const char *s, size_t len)
{
	struct nsw_json w = { .f = f };

	write_string(&w, s, len);
}

void nsw_json_init(struct nsw_json *w, FILE *f)
{
	*w = (struct nsw_json){ .f = f };
}

void nsw_json_init_staged(struct nsw_json *w, FILE *f, char *buf, size_t cap)
{
	*w = (struct nsw_json){ .f = f, .stage = buf, .stage_cap = cap };
	if (cap < NSW_JSON_STAGE_MIN)
		w->stage = NULL;
}

void nsw_json_flush(struct nsw_json *w)
{
	if (w->stage)
		stage_flush(w);
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
static inline void value_sep(struct nsw_json *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		out_c(w, ',');
	w->need_comma[w->depth] = true;
}

static void open_level(struct nsw_json *w, char c)
{
	value_sep(w);
	out_c(w, c);
	if (w->depth < NSW_JSON_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_level(struct nsw_json *w, char c)
{
	out_c(w, c);
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

void nsw_json_use_key_cache(struct nsw_json *w, struct nsw_json_key_cache *c)
{
	w->keys = c;
}

/* Where key's text is, or may go, in the cache: a few slots from its hash. */
#define KEY_PROBES 4
#define KEY_HASH_MUL 0x9e3779b97f4a7c15ULL
#define KEY_HASH_SHIFT 58 /* 64 - log2(NSW_JSON_KEY_CACHE) */

/*
 * Write key's text from the cache, first putting it there if it is plain
 * and short; false if it is not cached (written the long way).
 */
static bool key_cached(struct nsw_json *w, const char *key)
{
	struct nsw_json_key_cache *c = w->keys;
	unsigned int h = (unsigned int)(((uintptr_t)key * KEY_HASH_MUL) >> KEY_HASH_SHIFT);
	size_t n;

	_Static_assert(NSW_JSON_KEY_CACHE == 1 << (64 - KEY_HASH_SHIFT),
		       "the hash spans the cache");
	for (unsigned int k = 0; k < KEY_PROBES; k++) {
		unsigned int i = (h + k) % NSW_JSON_KEY_CACHE;
		char *t = c->text[i];

		if (c->key[i] == key) {
			/*
			 * The whole slot, a fixed size: two moves, where a copy
			 * of len bytes was compiled to a slow rep movs.
			 */
			if (w->stage && w->stage_cap - w->stage_len >= NSW_JSON_KEY_TEXT_LEN) {
				memcpy(w->stage + w->stage_len, t, NSW_JSON_KEY_TEXT_LEN);
				w->stage_len += c->len[i];
			} else {
				out_n(w, t, c->len[i]);
			}
			return true;
		}
		if (c->key[i])
			continue;
		/* "key": only for keys that need no escape. */
		n = strnlen(key, NSW_JSON_KEY_TEXT_LEN);
		if (n + 3 > NSW_JSON_KEY_TEXT_LEN)
			return false;
		for (size_t j = 0; j < n; j++)
			if (!plain_byte[(unsigned char)key[j]])
				return false;
		t[0] = '"';
		memcpy(t + 1, key, n);
		t[n + 1] = '"';
		t[n + 2] = ':';
		c->len[i] = (unsigned char)(n + 3);
		c->key[i] = key;
		out_n(w, t, c->len[i]);
		return true;
	}
	return false;
}

void nsw_json_key(struct nsw_json *w, const char *key)
{
	value_sep(w);
	if (w->keys && key_cached(w, key)) {
		w->after_key = true;
		return;
	}
	write_string(w, key, (size_t)-1);
	out_c(w, ':');
	w->after_key = true;
}

void nsw_json_string(struct nsw_json *w, const char *s)
{
	nsw_json_string_n(w, s, (size_t)-1);
}

void nsw_json_string_n(struct nsw_json *w, const char *s, size_t len)
{
	value_sep(w);
	write_string(w, s ? s : "", len);
}

void nsw_json_uint(struct nsw_json *w, unsigned long long v)
{
	value_sep(w);
	out_uint(w, v);
}

void nsw_json_int(struct nsw_json *w, long long v)
{
	value_sep(w);
	out_int(w, v);
}

/* Room for "%.*f" of any double a caller passes (durations, milliseconds). */
#define FIXED_LEN 64

void nsw_json_fixed(struct nsw_json *w, double v, int decimals)
{
	char buf[FIXED_LEN];
	int n;

	value_sep(w);
	n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (n >= 0 && (size_t)n < sizeof(buf))
		out_n(w, buf, (size_t)n);
	else {
		nsw_json_flush(w);
		fprintf(w->f, "%.*f", decimals, v);
	}
}

void nsw_json_decimal(struct nsw_json *w, unsigned long long v, unsigned int decimals)
{
	char buf[DEC_LEN * 2], *p = buf + sizeof(buf);

	if (decimals > DEC_LEN)
		decimals = DEC_LEN;
	value_sep(w);
	for (; decimals >= 2; decimals -= 2, v /= 100) {
		unsigned int d = (unsigned int)(v % 100) * 2;

		*--p = digit_pairs[d + 1];
		*--p = digit_pairs[d];
	}
	if (decimals) {
		*--p = (char)('0' + v % 10);
		v /= 10;
	}
	if (p != buf + sizeof(buf))
		*--p = '.';
	p = fmt_uint(p, v);
	out_n(w, p, (size_t)(buf + sizeof(buf) - p));
}

void nsw_json_bool(struct nsw_json *w, bool v)
{
	value_sep(w);
	out_n(w, v ? "true" : "false", v ? 4 : 5);
}

void nsw_json_null(struct nsw_json *w)
{
	value_sep(w);
	out_n(w, "null", 4);
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
	nsw_json_members_of_n(w, object_text, object_text ? strlen(object_text) : 0);
}

void nsw_json_members_of_n(struct nsw_json *w, const char *object_text, size_t len)
{
	if (len < 3 || object_text[0] != '{' || object_text[len - 1] != '}')
		return;
	if (w->need_comma[w->depth])
		out_c(w, ',');
	out_n(w, object_text + 1, len - 2);
	w->need_comma[w->depth] = true;
}

void nsw_json_newline(struct nsw_json *w)
{
	out_c(w, '\n');
	w->need_comma[0] = false;
}
