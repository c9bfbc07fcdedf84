/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer: every JSON line and file nswatch writes goes through
 * it (json-c only parses). A streaming writer in the style of bpftool's
 * json_writer: it places the commas and colons itself, so no caller can
 * leave one out, and writes any length (to a FILE, or to memory through
 * nsw_json_open_mem()). Strings are validated: valid UTF-8 passes, anything
 * else (a comm can hold any byte) is escaped, so the output always parses.
 */
#ifndef NSW_JSON_H
#define NSW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json_object.h>

#define NSW_JSON_MAX_DEPTH 32

/*
 * Keys already written, as their text ("pid":), by the key's address: a
 * stream that writes the same constant keys line after line skips their
 * validation (nsw_json_use_key_cache). Zeroed: empty.
 */
#define NSW_JSON_KEY_CACHE 64
#define NSW_JSON_KEY_TEXT_LEN 32
struct nsw_json_key_cache {
	const char *key[NSW_JSON_KEY_CACHE];
	unsigned char len[NSW_JSON_KEY_CACHE];
	char text[NSW_JSON_KEY_CACHE][NSW_JSON_KEY_TEXT_LEN];
};

struct nsw_json {
	FILE *f;
	int depth;
	bool need_comma[NSW_JSON_MAX_DEPTH];
	bool after_key;
	/* nsw_json_open_mem(): the buffer open_memstream() fills. */
	char *mem;
	size_t mem_size;
	/*
	 * nsw_json_init_staged(): text gathers here and goes to f in one
	 * fwrite when full and at nsw_json_flush(); NULL: straight to f.
	 */
	char *stage;
	size_t stage_cap, stage_len;
	struct nsw_json_key_cache *keys; /* NULL: none */
	/*
	 * Bytes of the stage written to f so far: a caller that keeps a part
	 * of the stage's text (stage_len before and after) knows it is whole
	 * while this has not moved.
	 */
	size_t stage_flushed;
};

/* Write to f (not closed by the writer). */
void nsw_json_init(struct nsw_json *w, FILE *f);
/*
 * Write to f through buf (cap bytes, at least NSW_JSON_STAGE_MIN): one
 * fwrite per buffer instead of one stdio call per token, for a stream of
 * many small values (a trace's JSON lines). Nothing reaches f until
 * nsw_json_flush() or the buffer fills: the caller writes nothing else to f
 * meanwhile.
 */
#define NSW_JSON_STAGE_MIN 64
void nsw_json_init_staged(struct nsw_json *w, FILE *f, char *buf, size_t cap);
void nsw_json_flush(struct nsw_json *w);
/*
 * Keep the text of keys in c (the caller's, outliving its use) by their
 * address. Only for a writer whose keys are all constants (string literals,
 * static tables): a key buffer whose contents change would be written as it
 * was the first time.
 */
void nsw_json_use_key_cache(struct nsw_json *w, struct nsw_json_key_cache *c);
/* Write to memory; nsw_json_take_mem() returns the text. -1 if out of memory. */
int nsw_json_open_mem(struct nsw_json *w);
/* The text written since nsw_json_open_mem(), malloc()ed; NULL if out of memory. */
char *nsw_json_take_mem(struct nsw_json *w);

void nsw_json_object_begin(struct nsw_json *w);
void nsw_json_object_end(struct nsw_json *w);
void nsw_json_array_begin(struct nsw_json *w);
void nsw_json_array_end(struct nsw_json *w);
/* A member's name; the next value is its value. */
void nsw_json_key(struct nsw_json *w, const char *key);

void nsw_json_string(struct nsw_json *w, const char *s);
/* At most len bytes of s, stopping at a NUL: for fixed arrays (comm). */
void nsw_json_string_n(struct nsw_json *w, const char *s, size_t len);
void nsw_json_uint(struct nsw_json *w, unsigned long long v);
void nsw_json_int(struct nsw_json *w, long long v);
/* Fixed-point with the given number of decimals: 12.345 */
void nsw_json_fixed(struct nsw_json *w, double v, int decimals);
/*
 * v / 10^decimals with exactly that many decimals, from integers: 1234, 3
 * gives 1.234. For a count of small units shown in larger ones (ns as us):
 * the same text as nsw_json_fixed() of the quotient as a double while that
 * quotient is below 2^40 and decimals at most 3, without printf's cost.
 */
void nsw_json_decimal(struct nsw_json *w, unsigned long long v, unsigned int decimals);
void nsw_json_bool(struct nsw_json *w, bool v);
void nsw_json_null(struct nsw_json *w);

/* Members: nsw_json_key() then the value. */
void nsw_json_kv_string(struct nsw_json *w, const char *key, const char *s);
void nsw_json_kv_uint(struct nsw_json *w, const char *key, unsigned long long v);
void nsw_json_kv_int(struct nsw_json *w, const char *key, long long v);
void nsw_json_kv_bool(struct nsw_json *w, const char *key, bool v);

/*
 * The members of object_text, a whole object this writer made earlier
 * ("{\"pid\":1}", say, kept while an item waits), as members of the object
 * being written now. NULL or "{}" adds nothing.
 */
void nsw_json_members_of(struct nsw_json *w, const char *object_text);
/* The same, with object_text's length known (len bytes, no NUL needed). */
void nsw_json_members_of_n(struct nsw_json *w, const char *object_text, size_t len);

/* A newline: after each top-level value of a JSON-lines stream. */
void nsw_json_newline(struct nsw_json *w);

/*
 * Write s (at most len bytes, stopping at NUL) as a JSON string. Valid UTF-8
 * passes through; control characters and bytes that are not UTF-8 become
 * \u00XX escapes, so the line always parses. The writer's string primitive.
 */
void json_write_string(FILE *f, const char *s, size_t len);

/* Reading is json-c's: a parsed tree, put when its variable leaves scope. */
static inline void cleanup_json_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(cleanup_json_putp)))

#endif /* NSW_JSON_H */
