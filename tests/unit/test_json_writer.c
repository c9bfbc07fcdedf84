// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer: commas and colons in the right places at every depth,
 * any length, and text that json-c parses back to what was written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "lib/json.h"

static char *finish(struct nsw_json *w)
{
	char *text = nsw_json_take_mem(w);

	assert_non_null(text);
	return text;
}

static void test_nesting_and_commas(void **state)
{
	struct nsw_json w;
	char *text;

	(void)state;
	assert_int_equal(nsw_json_open_mem(&w), 0);
	nsw_json_object_begin(&w);
	nsw_json_kv_string(&w, "a", "x");
	nsw_json_key(&w, "list");
	nsw_json_array_begin(&w);
	nsw_json_uint(&w, 1);
	nsw_json_object_begin(&w);
	nsw_json_kv_int(&w, "n", -2);
	nsw_json_kv_bool(&w, "ok", true);
	nsw_json_object_end(&w);
	nsw_json_array_begin(&w);
	nsw_json_array_end(&w);
	nsw_json_null(&w);
	nsw_json_array_end(&w);
	nsw_json_key(&w, "ms");
	nsw_json_fixed(&w, 1.5, 3);
	nsw_json_key(&w, "empty");
	nsw_json_object_begin(&w);
	nsw_json_object_end(&w);
	nsw_json_object_end(&w);
	text = finish(&w);
	assert_string_equal(text, "{\"a\":\"x\",\"list\":[1,{\"n\":-2,\"ok\":true},[],null],"
				  "\"ms\":1.500,\"empty\":{}}");
	free(text);
}

static void test_lines_do_not_share_commas(void **state)
{
	struct nsw_json w;
	char *text;

	(void)state;
	assert_int_equal(nsw_json_open_mem(&w), 0);
	for (int i = 0; i < 2; i++) {
		nsw_json_object_begin(&w);
		nsw_json_kv_uint(&w, "i", i);
		nsw_json_object_end(&w);
		nsw_json_newline(&w);
	}
	text = finish(&w);
	assert_string_equal(text, "{\"i\":0}\n{\"i\":1}\n");
	free(text);
}

/* Any length: a value far past every fixed buffer the old code had. */
static void test_long_values_parse_back(void **state)
{
	size_t len = 100000;
	char *big = malloc(len + 1);
	struct json_object *o, *v;
	struct nsw_json w;
	char *text;

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < len; i++)
		big[i] = "ab\"\\/\n"[i % 6];
	big[len] = '\0';
	assert_int_equal(nsw_json_open_mem(&w), 0);
	nsw_json_object_begin(&w);
	nsw_json_key(&w, "mount");
	nsw_json_object_begin(&w);
	nsw_json_kv_string(&w, "source", big);
	nsw_json_kv_string(&w, "fstype", "bind");
	nsw_json_object_end(&w);
	nsw_json_object_end(&w);
	text = finish(&w);
	o = json_tokener_parse(text);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "mount", &v));
	assert_true(json_object_object_get_ex(v, "source", &v));
	assert_string_equal(json_object_get_string(v), big);
	json_object_put(o);
	free(text);
	free(big);
}

/* A kept object's members join the object being written, commas right. */
static void test_members_of(void **state)
{
	struct nsw_json w;
	char *kept, *text;

	(void)state;
	assert_int_equal(nsw_json_open_mem(&w), 0);
	nsw_json_object_begin(&w);
	nsw_json_kv_uint(&w, "pid", 7);
	nsw_json_object_end(&w);
	kept = finish(&w);
	assert_int_equal(nsw_json_open_mem(&w), 0);
	nsw_json_object_begin(&w);
	nsw_json_members_of(&w, "{}");
	nsw_json_kv_string(&w, "what", "exec");
	nsw_json_members_of(&w, kept);
	nsw_json_members_of(&w, NULL);
	nsw_json_object_end(&w);
	text = finish(&w);
	assert_string_equal(text, "{\"what\":\"exec\",\"pid\":7}");
	free(text);
	free(kept);
}

/*
 * The same values through a small stage, with keys from the key cache,
 * give the same text as the plain writer: a stage fills and flushes in
 * order, and a key that is not plain ASCII is not cached but escaped.
 */
static void write_some(struct nsw_json *w, const char *big)
{
	static const char odd_key[] = "k\"ey";

	for (int i = 0; i < 3; i++) {
		nsw_json_object_begin(w);
		nsw_json_kv_uint(w, "inode", 4026531836ULL + (unsigned int)i);
		nsw_json_kv_uint(w, "zero", 0);
		nsw_json_kv_uint(w, "max", ~0ULL);
		nsw_json_kv_int(w, "min", -9223372036854775807LL - 1);
		nsw_json_kv_string(w, "big", big);
		nsw_json_kv_string(w, odd_key, "v");
		nsw_json_key(w, "us");
		nsw_json_decimal(w, 1234567, 3);
		nsw_json_key(w, "small");
		nsw_json_decimal(w, 5, 3);
		nsw_json_key(w, "whole");
		nsw_json_decimal(w, 42, 0);
		nsw_json_object_end(w);
		nsw_json_newline(w);
	}
}

static void test_staged_and_cached_keys(void **state)
{
	char big[300], stage[NSW_JSON_STAGE_MIN], *plain_text, *staged_text, *mem = NULL;
	struct nsw_json_key_cache *keys = calloc(1, sizeof(*keys));
	struct nsw_json w;
	size_t size = 0;
	FILE *f;

	(void)state;
	assert_non_null(keys);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(nsw_json_open_mem(&w), 0);
	write_some(&w, big);
	plain_text = finish(&w);
	f = open_memstream(&mem, &size);
	assert_non_null(f);
	nsw_json_init_staged(&w, f, stage, sizeof(stage));
	nsw_json_use_key_cache(&w, keys);
	write_some(&w, big);
	nsw_json_flush(&w);
	fclose(f);
	staged_text = mem;
	assert_string_equal(staged_text, plain_text);
	assert_non_null(strstr(plain_text, "\"us\":1234.567,\"small\":0.005,\"whole\":42}"));
	assert_non_null(strstr(plain_text, "\"max\":18446744073709551615,\"min\":-9223372036854775808"));
	assert_non_null(strstr(plain_text, "\"k\\\"ey\":\"v\""));
	free(plain_text);
	free(staged_text);
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_lines_do_not_share_commas),
		cmocka_unit_test(test_long_values_parse_back),
		cmocka_unit_test(test_members_of),
		cmocka_unit_test(test_staged_and_cached_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
