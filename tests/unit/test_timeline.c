// SPDX-License-Identifier: GPL-2.0
/* The run --trace timeline: order, offsets, JSON lines, steps, summary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "lib/json.h"
#include "timeline/timeline.h"

#define MS 1000000ULL
#define T0 (5000 * MS)

struct out {
	char *text, *json;
	size_t text_len, json_len;
	FILE *tf, *jf;
	struct nsw_timeline *tl;
};

static int setup(void **state)
{
	struct out *o = calloc(1, sizeof(*o));

	o->tf = open_memstream(&o->text, &o->text_len);
	o->jf = open_memstream(&o->json, &o->json_len);
	o->tl = nsw_timeline_new(o->tf, o->jf);
	nsw_timeline_set_start(o->tl, T0);
	*state = o;
	return 0;
}

static int teardown(void **state)
{
	struct out *o = *state;

	nsw_timeline_free(o->tl);
	fclose(o->tf);
	fclose(o->jf);
	free(o->text);
	free(o->json);
	free(o);
	return 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* The "what" of each text line, in order, space-separated. */
static void whats(struct out *o, char *buf, size_t len)
{
	char *copy, *save = NULL;

	fflush(o->tf);
	buf[0] = '\0';
	copy = strdup(o->text ? o->text : "");
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char sign, src[16], what[32];
		double ms;

		if (sscanf(l, "%c%lf ms %15s %31s", &sign, &ms, src, what) != 4)
			continue;
		if (buf[0])
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, what, len - strlen(buf) - 1);
	}
	free(copy);
}

static void test_out_of_order(void **state)
{
	struct out *o = *state;
	char seen[256];

	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + 1 * MS, "a", "first", NULL);
	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + 4 * MS, "d", "fourth", NULL);
	whats(o, seen, sizeof(seen));
	/* No kernel record yet: the tracer may still hold older ones. */
	assert_string_equal(seen, "");
	/* One batch from the ring buffer, out of order across CPUs. */
	nsw_timeline_kernel(o->tl, T0 + 3 * MS, "c", "third", NULL);
	nsw_timeline_kernel(o->tl, T0 + 2 * MS, "b", "second", NULL);
	whats(o, seen, sizeof(seen));
	assert_string_equal(seen, "");
	nsw_timeline_kernel_sync(o->tl, T0 + 3 * MS);
	whats(o, seen, sizeof(seen));
	assert_string_equal(seen, "a b c");
	nsw_timeline_kernel_sync(o->tl, T0 + 4 * MS);
	whats(o, seen, sizeof(seen));
	assert_string_equal(seen, "a b c d");
	/* Two kernel records: the summary counts them as the events. */
	nsw_timeline_finish(o->tl);
	fflush(o->tf);
	assert_non_null(strstr(o->text, "\nSummary: events=2 lost=0 "));
}

static void test_await_runtime(void **state)
{
	struct out *o = *state;
	__u64 now;
	char seen[256];

	nsw_timeline_set_start(o->tl, nsw_timeline_now());
	nsw_timeline_await_runtime(o->tl, true);
	now = nsw_timeline_now();
	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, now + 1 * MS, "r1", "", NULL);
	nsw_timeline_kernel(o->tl, now + 5 * MS, "k1", "", NULL);
	nsw_timeline_kernel_sync(o->tl, now + 6 * MS);
	whats(o, seen, sizeof(seen));
	/* The init may still report something between r1 and k1. */
	assert_string_equal(seen, "r1");
	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, now + 3 * MS, "r2", "", NULL);
	whats(o, seen, sizeof(seen));
	assert_string_equal(seen, "r1 r2");
	nsw_timeline_await_runtime(o->tl, false);
	whats(o, seen, sizeof(seen));
	assert_string_equal(seen, "r1 r2 k1");
}

static void test_flush_and_late(void **state)
{
	struct out *o = *state;
	char seen[256];

	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + 9 * MS, "z", "", NULL);
	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + 2 * MS, "y", "", NULL);
	nsw_timeline_flush(o->tl);
	whats(o, seen, sizeof(seen));
	assert_string_equal(seen, "y z");
	/* Older than what is out: printed at once, waiting cannot help. */
	nsw_timeline_kernel(o->tl, T0 + 5 * MS, "late", "", NULL);
	whats(o, seen, sizeof(seen));
	assert_string_equal(seen, "y z late");
}

static void test_hold_limit(void **state)
{
	struct out *o = *state;

	for (int i = 0; i < NSW_TIMELINE_HOLD + 10; i++)
		nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + i, "x", "", NULL);
	fflush(o->tf);
	assert_int_equal(count_lines(o->text), 10);
}

static void test_offsets(void **state)
{
	struct out *o = *state;

	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + 3214000, "mount",
			 "proc on /proc (nosuid,nodev,noexec)", NULL);
	nsw_timeline_add(o->tl, NSW_TL_KERNEL, T0 - 1500000, "clone3", "before", NULL);
	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + 1234567891ULL, "exec",
			 "line\nbreak", NULL);
	nsw_timeline_flush(o->tl);
	fflush(o->tf);
	assert_string_equal(o->text,
			    "-   1.500 ms  kernel   clone3        before\n"
			    "+   3.214 ms  runtime  mount         proc on /proc (nosuid,nodev,noexec)\n"
			    "+1234.568 ms  runtime  exec          line break\n");
}

static void test_json_lines(void **state)
{
	struct out *o = *state;
	struct nsw_json w;
	char *fields, *copy, *save = NULL;
	int n = 0;
	unsigned long long inodes[8] = { 11, 12, 13, 14, 15, 16, 17, 18 };

	assert_int_equal(nsw_json_open_mem(&w), 0);
	nsw_json_object_begin(&w);
	nsw_json_kv_string(&w, "target", "/pro\"c");
	nsw_json_kv_int(&w, "pid", 42);
	nsw_json_object_end(&w);
	fields = nsw_json_take_mem(&w);
	assert_string_equal(fields, "{\"target\":\"/pro\\\"c\",\"pid\":42}");
	nsw_timeline_add(o->tl, NSW_TL_RUNTIME, T0 + 2 * MS, "mount", "a\tb\n", fields);
	free(fields);
	nsw_timeline_kernel(o->tl, T0 + 1 * MS, "clone3", "x", NULL);
	nsw_timeline_step(o->tl, "mounts", T0, T0 + 2500000);
	nsw_timeline_set_namespaces(o->tl, CLONE_NEWNET | CLONE_NEWNS, inodes);
	nsw_timeline_set_lost(o->tl, 2, 1, 0);
	nsw_timeline_finish(o->tl);
	fflush(o->jf);
	assert_int_equal(count_lines(o->json), 3);
	copy = strdup(o->json);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save), n++) {
		struct json_object *j = json_tokener_parse(l), *v, *a;

		assert_non_null(j);
		assert_true(json_object_object_get_ex(j, "what", &v));
		if (n == 0) {
			assert_string_equal(json_object_get_string(v), "clone3");
			assert_true(json_object_object_get_ex(j, "source", &v));
			assert_string_equal(json_object_get_string(v), "kernel");
			assert_true(json_object_object_get_ex(j, "t_ms", &v));
			assert_true(json_object_get_double(v) == 1.0);
			assert_true(json_object_object_get_ex(j, "ts", &v));
			assert_int_equal(strlen(json_object_get_string(v)), 27);
			assert_int_equal(json_object_get_string(v)[26], 'Z');
		} else if (n == 1) {
			assert_string_equal(json_object_get_string(v), "mount");
			assert_true(json_object_object_get_ex(j, "detail", &v));
			assert_string_equal(json_object_get_string(v), "a\tb\n");
			assert_true(json_object_object_get_ex(j, "target", &v));
			assert_string_equal(json_object_get_string(v), "/pro\"c");
			assert_true(json_object_object_get_ex(j, "pid", &v));
			assert_int_equal(json_object_get_int(v), 42);
		} else {
			assert_string_equal(json_object_get_string(v), "summary");
			assert_true(json_object_object_get_ex(j, "namespaces", &a));
			assert_int_equal(json_object_array_length(a), 2);
			v = json_object_array_get_idx(a, 0);
			/* nsw_types[] order: mnt before net. */
			assert_string_equal(json_object_get_string(json_object_object_get(v, "type")), "mnt");
			assert_int_equal(json_object_get_int64(json_object_object_get(v, "inode")), 11);
			assert_true(json_object_object_get_ex(j, "steps", &a));
			assert_int_equal(json_object_array_length(a), 1);
			v = json_object_array_get_idx(a, 0);
			assert_string_equal(json_object_get_string(json_object_object_get(v, "name")), "mounts");
			assert_true(json_object_get_double(json_object_object_get(v, "ms")) == 2.5);
			assert_int_equal(json_object_get_int(json_object_object_get(j, "events")), 1);
			assert_int_equal(json_object_get_int(json_object_object_get(j, "lost")), 3);
		}
		json_object_put(j);
	}
	free(copy);
	assert_int_equal(n, 3);
}

static void test_steps(void **state)
{
	struct out *o = *state;
	unsigned long long inodes[8] = { 0 };

	nsw_timeline_step(o->tl, "mounts", T0, T0 + 1 * MS);
	nsw_timeline_step(o->tl, "pivot_root", T0 + 1 * MS, T0 + 1250000);
	nsw_timeline_step(o->tl, "mounts", T0 + 2 * MS, T0 + 3500000);
	/* An end with no begin adds nothing. */
	nsw_timeline_step_end(o->tl, "mounts");
	nsw_timeline_step_begin(o->tl, "exec");
	nsw_timeline_step_end(o->tl, "exec");
	nsw_timeline_set_namespaces(o->tl, 0, inodes);
	nsw_timeline_finish(o->tl);
	fflush(o->tf);
	/* Each step's spans summed, in the order steps first appeared. */
	assert_non_null(strstr(o->text, "\nStep times (ms): mounts=2.500 pivot_root=0.250 exec="));
	assert_non_null(strstr(o->text, "Namespaces: none\n"));
	assert_non_null(strstr(o->text, "\nSummary: events=0 lost=0 "));
}

/*
 * What the kernel had not freed at the end: listed in the summary (text and
 * JSON) in the order given; none is "none" and an empty array, so a script
 * can tell "all freed" from "not said".
 */
static void test_not_freed(void **state)
{
	struct out *o = *state;
	struct json_object *j, *a, *v;
	unsigned long long inode;
	const char *type;

	nsw_timeline_not_freed(o->tl, "user", 4026532177ULL);
	nsw_timeline_not_freed(o->tl, "pid", 4026532181ULL);
	assert_true(nsw_timeline_not_freed_at(o->tl, 1, &type, &inode));
	assert_string_equal(type, "pid");
	assert_true(inode == 4026532181ULL);
	assert_false(nsw_timeline_not_freed_at(o->tl, 2, &type, &inode));
	nsw_timeline_finish(o->tl);
	fflush(o->tf);
	fflush(o->jf);
	assert_non_null(strstr(o->text,
		"\nNot freed at the end: user=4026532177 pid=4026532181 (ns_empty not waited for)\nSummary: "));
	j = json_tokener_parse(o->json);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "not_freed", &a));
	assert_int_equal(json_object_array_length(a), 2);
	v = json_object_array_get_idx(a, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(v, "type")), "user");
	assert_true(json_object_get_int64(json_object_object_get(v, "inode")) == 4026532177LL);
	json_object_put(j);
}

static void test_not_freed_none(void **state)
{
	struct out *o = *state;
	struct json_object *j, *a;

	nsw_timeline_finish(o->tl);
	fflush(o->tf);
	fflush(o->jf);
	assert_non_null(strstr(o->text, "\nNot freed at the end: none\n"));
	j = json_tokener_parse(o->json);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "not_freed", &a));
	assert_int_equal(json_object_array_length(a), 0);
	json_object_put(j);
}

/* The summary's lost counts (text line and JSON object) as the timeline was told them. */
static void finish_lost(struct out *o, __u64 unread, __u64 *lost, __u64 *lost_unreadable)
{
	struct json_object *j, *v;

	nsw_timeline_set_lost(o->tl, 2, 1, unread);
	nsw_timeline_finish(o->tl);
	fflush(o->tf);
	fflush(o->jf);
	j = json_tokener_parse(o->json);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "lost", &v));
	*lost = json_object_get_int64(v);
	assert_true(json_object_object_get_ex(j, "lost_unreadable", &v));
	*lost_unreadable = json_object_get_int64(v);
	json_object_put(j);
}

/*
 * Records the reporter could not read are part of lost, and have their
 * own cause in the line only when there are some: the usual line is what
 * scripts parse.
 */
static void test_unreadable_in_summary_only_when_some(void **state)
{
	struct out *o = *state;
	__u64 lost, unreadable;

	finish_lost(o, 4, &lost, &unreadable);
	assert_non_null(strstr(o->text, "\nSummary: events=0 lost=7 (ring buffer full: 2, "
				       "in-flight table full: 1, unreadable records: 4)\n"));
	assert_int_equal(lost, 7);
	assert_int_equal(unreadable, 4);
}

static void test_no_unreadable_keeps_the_usual_summary(void **state)
{
	struct out *o = *state;
	__u64 lost, unreadable;

	finish_lost(o, 0, &lost, &unreadable);
	assert_non_null(strstr(o->text, "\nSummary: events=0 lost=3 (ring buffer full: 2, "
				       "in-flight table full: 1)\n"));
	assert_int_equal(lost, 3);
	assert_int_equal(unreadable, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_await_runtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_and_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_freed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_freed_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_in_summary_only_when_some, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_unreadable_keeps_the_usual_summary, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
