// SPDX-License-Identifier: GPL-2.0
/*
 * The Trace Event Format writer (timeline/perfetto.h): what a timeline's
 * sink gets becomes one JSON object that json-c parses back; kernel items
 * land on the track of the pid their record names (a thread on its tid),
 * spans that do not nest on the runtime's track go to a second one, a
 * process is named by the commands it ran, ns_empty goes to the
 * namespaces' track, and the format names parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "timeline/perfetto.h"

#define OVERLAP_TID ((1U << 22) + 3)

static struct json_object *write_parse(struct nsw_trace_events *te)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_object *top;

	assert_non_null(f);
	assert_int_equal(nsw_trace_events_write(te, NULL, f), 0);
	fclose(f);
	top = json_tokener_parse(text);
	assert_non_null(top);
	free(text);
	return top;
}

static struct json_object *events(struct json_object *top)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(top, "traceEvents", &v));
	assert_true(json_object_is_type(v, json_type_array));
	return v;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static int64_t num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

/* The first event with this name and ph; NULL if none. */
static struct json_object *find(struct json_object *evs, const char *name, const char *ph)
{
	for (size_t i = 0; i < json_object_array_length(evs); i++) {
		struct json_object *e = json_object_array_get_idx(evs, i);

		if (!strcmp(str(e, "name"), name) && !strcmp(str(e, "ph"), ph))
			return e;
	}
	return NULL;
}

/* The process_name metadata of pid. */
static const char *proc_name(struct json_object *evs, int64_t pid)
{
	for (size_t i = 0; i < json_object_array_length(evs); i++) {
		struct json_object *e = json_object_array_get_idx(evs, i), *args;

		if (!strcmp(str(e, "ph"), "M") && !strcmp(str(e, "name"), "process_name") &&
		    num(e, "pid") == pid && json_object_object_get_ex(e, "args", &args))
			return str(args, "name");
	}
	return NULL;
}

static const char *thread_name(struct json_object *evs, int64_t pid, int64_t tid)
{
	for (size_t i = 0; i < json_object_array_length(evs); i++) {
		struct json_object *e = json_object_array_get_idx(evs, i), *args;

		if (!strcmp(str(e, "ph"), "M") && !strcmp(str(e, "name"), "thread_name") &&
		    num(e, "pid") == pid && num(e, "tid") == tid &&
		    json_object_object_get_ex(e, "args", &args))
			return str(args, "name");
	}
	return NULL;
}

static void test_tracks(void **state)
{
	struct nsw_trace_events *te = nsw_trace_events_new();
	struct json_object *top, *evs, *e, *args, *ev;

	(void)state;
	assert_non_null(te);
	nsw_trace_events_item(te, NSW_TL_RUNTIME, 1000, "clone3", "new namespaces", "{\"pid\":7}");
	/* Out of ts order, as the ring buffer may hand them over. */
	nsw_trace_events_item(te, NSW_TL_KERNEL, 3000, "exec", "pid 7: /bin/b",
			      "{\"pid\":7,\"filename\":\"/bin/b\",\"comm\":\"b\"}");
	nsw_trace_events_item(te, NSW_TL_KERNEL, 2000, "unshare", "pid 7 (a)",
			      "{\"event\":{\"op\":\"unshare\",\"pid\":7,\"tid\":8,\"comm\":\"a\","
			      "\"duration_us\":3.5,\"ns_after\":{\"net\":42}}}");
	nsw_trace_events_item(te, NSW_TL_KERNEL, 4000, "exit", "pid 7 (b): exit status 0",
			      "{\"pid\":7,\"comm\":\"b\",\"wait_status\":0}");
	nsw_trace_events_item(te, NSW_TL_KERNEL, 5000, "ns_empty", "net:42",
			      "{\"type\":\"net\",\"inode\":42,\"last_pid\":7}");
	top = write_parse(te);
	evs = events(top);
	assert_string_equal(str(top, "displayTimeUnit"), "ms");
	assert_string_equal(proc_name(evs, NSW_TE_RUNTIME_PID), "nswatch runtime");
	/* Named by the commands it ran, each once, in the order of ts. */
	assert_string_equal(proc_name(evs, 7), "a, b");
	assert_string_equal(thread_name(evs, 7, 8), "thread 8");

	e = find(evs, "clone3", "i");
	assert_non_null(e);
	assert_int_equal(num(e, "pid"), NSW_TE_RUNTIME_PID);
	assert_string_equal(str(e, "cat"), "runtime");

	/* An operation: a slice of its duration, on its thread, the record in args. */
	e = find(evs, "unshare", "X");
	assert_non_null(e);
	assert_int_equal(num(e, "pid"), 7);
	assert_int_equal(num(e, "tid"), 8);
	assert_true(json_object_object_get_ex(e, "args", &args));
	assert_string_equal(str(args, "detail"), "pid 7 (a)");
	assert_true(json_object_object_get_ex(args, "event", &ev));
	assert_true(json_object_object_get_ex(ev, "ns_after", &ev));
	assert_int_equal(num(ev, "net"), 42);
	/* ts and dur: us, with the ns as decimals. */
	assert_true(json_object_object_get_ex(e, "dur", &ev));
	assert_true(json_object_get_double(ev) == 3.5);
	assert_true(json_object_object_get_ex(e, "ts", &ev));
	assert_true(json_object_get_double(ev) == 2.0);

	e = find(evs, "exec", "i");
	assert_non_null(e);
	assert_int_equal(num(e, "pid"), 7);
	e = find(evs, "ns_empty", "i");
	assert_non_null(e);
	assert_int_equal(num(e, "pid"), NSW_TE_NAMESPACES_PID);
	json_object_put(top);
	nsw_trace_events_free(te);
}

static void test_spans_nest(void **state)
{
	struct nsw_trace_events *te = nsw_trace_events_new();
	struct json_object *top, *evs, *e;

	(void)state;
	nsw_trace_events_step(te, "total", 0, 100000);
	nsw_trace_events_step(te, "a", 10000, 20000);
	nsw_trace_events_step(te, "b", 15000, 30000); /* begins in a, ends after it */
	nsw_trace_events_step(te, "c", 40000, 50000);
	top = write_parse(te);
	evs = events(top);
	assert_int_equal(num(find(evs, "total", "X"), "tid"), NSW_TE_RUNTIME_PID);
	assert_int_equal(num(find(evs, "a", "X"), "tid"), NSW_TE_RUNTIME_PID);
	assert_int_equal(num(find(evs, "c", "X"), "tid"), NSW_TE_RUNTIME_PID);
	e = find(evs, "b", "X");
	assert_int_equal(num(e, "tid"), OVERLAP_TID);
	json_object_put(top);
	nsw_trace_events_free(te);
}

static void test_formats(void **state)
{
	enum nsw_trace_format f;

	(void)state;
	assert_int_equal(nsw_trace_format_parse("perfetto", &f), 0);
	assert_int_equal(f, NSW_TRACE_PERFETTO);
	assert_int_equal(nsw_trace_format_parse("json", &f), 0);
	assert_int_equal(f, NSW_TRACE_JSON);
	assert_int_equal(nsw_trace_format_parse("text", &f), 0);
	assert_int_equal(f, NSW_TRACE_TEXT);
	assert_int_equal(nsw_trace_format_parse("xml", &f), -1);
	assert_int_equal(nsw_trace_format_parse("", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tracks),
	    cmocka_unit_test(test_spans_nest),
	    cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
