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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_lines_do_not_share_commas),
		cmocka_unit_test(test_long_values_parse_back),
		cmocka_unit_test(test_members_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
