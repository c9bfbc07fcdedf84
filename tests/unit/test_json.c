// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping, and the shape of an event line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <cmocka.h>
#include "lib/json.h"
#include "lib/clock.h"
#include "lib/nsnames.h"
#include "table/nstable.h"
#include "session/presenter.h"

static char *escape(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	json_write_string(f, s, len);
	fclose(f);
	return buf;
}

static void check(const char *in, size_t len, const char *want)
{
	char *got = escape(in, len);

	assert_string_equal(got, want);
	free(got);
}

static void test_plain_and_specials(void **state)
{
	(void)state;
	check("unshare", 16, "\"unshare\"");
	check("a\"b\\c", 16, "\"a\\\"b\\\\c\"");
	check("tab\there\n", 16, "\"tab\\there\\n\"");
	check("\x01\x1f\x7f", 16, "\"\\u0001\\u001f\\u007f\"");
	check("", 16, "\"\"");
}

static void test_stops_at_len_without_nul(void **state)
{
	const char comm[16] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
				'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p' };

	(void)state;
	check(comm, sizeof(comm), "\"abcdefghijklmnop\"");
	check("abcdef", 3, "\"abc\"");
}

static void test_utf8_kept_invalid_escaped(void **state)
{
	(void)state;
	check("caf\xc3\xa9", 16, "\"caf\xc3\xa9\"");
	check("\xe2\x82\xac", 16, "\"\xe2\x82\xac\"");
	/* A lone continuation byte, a truncated sequence, an overlong NUL. */
	check("\x80x", 16, "\"\\u0080x\"");
	check("\xe2\x82", 2, "\"\\u00e2\\u0082\"");
	check("\xc0\x80", 16, "\"\\u00c0\\u0080\"");
	/* A surrogate encoded in UTF-8 is not valid UTF-8. */
	check("\xed\xa0\x80", 16, "\"\\u00ed\\u00a0\\u0080\"");
}

static void test_rfc3339(void **state)
{
	char buf[40];

	(void)state;
	nsw_format_rfc3339(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");
	nsw_format_rfc3339(1795343160123456789LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22T10:26:00.123456Z");
}

static char *event_json(const struct nsw_event *ev)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	nsw_print_json(f, ev, 0, NULL);
	fclose(f);
	return buf;
}

static void test_failed_unshare_line(void **state)
{
	struct nsw_event ev = { 0 };
	char *line;

	(void)state;
	ev.op = NSW_OP_UNSHARE;
	ev.flags = CLONE_NEWNET;
	ev.flags_valid = 1;
	ev.ret = (__u64)-1;
	ev.after_valid = 1;
	ev.pid = ev.tid = 42;
	ev.uid = 65534;
	strcpy(ev.comm, "unshare");
	line = event_json(&ev);
	assert_non_null(strstr(line, "\"op\":\"unshare\""));
	assert_non_null(strstr(line, "\"flags\":[\"CLONE_NEWNET\"]"));
	assert_non_null(strstr(line, "\"ret\":-1,\"error\":\"EPERM\""));
	assert_null(strstr(line, "\"created\""));
	assert_int_equal(line[strlen(line) - 1], '\n');
	free(line);
}

static void test_created_pid_is_named_pid(void **state)
{
	struct nsw_event ev = { 0 };
	char *line;

	(void)state;
	ev.op = NSW_OP_UNSHARE;
	ev.flags = CLONE_NEWPID | CLONE_NEWUTS;
	ev.flags_valid = 1;
	ev.after_valid = 1;
	ev.ns_after[NSW_SLOT_PID_FOR_CHILDREN] = 4026532300U;
	ev.ns_after[NSW_SLOT_UTS] = 4026532301U;
	line = event_json(&ev);
	assert_non_null(strstr(line, "\"created\":[{\"type\":\"uts\",\"inode\":4026532301},"
				     "{\"type\":\"pid\",\"inode\":4026532300}]"));
	assert_non_null(strstr(line, "\"pid_for_children\":4026532300"));
	free(line);
}

static void test_failed_clone_has_null_after(void **state)
{
	struct nsw_event ev = { 0 };
	char *line;

	(void)state;
	ev.op = NSW_OP_CLONE3;
	ev.flags = CLONE_NEWUSER;
	ev.flags_valid = 1;
	ev.ret = (__u64)-11;
	line = event_json(&ev);
	assert_non_null(strstr(line, "\"ns_after\":null"));
	assert_non_null(strstr(line, "\"error\":\"EAGAIN\""));
	assert_non_null(strstr(line, "\"child_pid\":0"));
	free(line);
}

/* The JSON presenter's ns_empty line, whole: a comm that is not UTF-8 escaped. */
static void test_ns_empty_line(void **state)
{
	struct nsw_ns_entry e = { 0 };
	struct nsw_line_presenter lp = { 0 };
	struct nsw_ns_empty ne = { .entry = &e, .container = "docker:abc",
				   .last_pid = 77, .ts_ns = 0 };
	struct nsw_presenter p;
	char *buf = NULL;
	size_t size = 0;

	(void)state;
	e.type = nsw_type_index("net");
	e.inode = 4026532400U;
	e.ns_id = 12;
	e.origin = NSW_ORIGIN_CREATED;
	e.creator_pid = 70;
	e.creator_op = NSW_OP_UNSHARE;
	memcpy(e.creator_comm, "ip\xff\"x", 6);
	strcpy(e.netns_name, "red");
	lp.f = open_memstream(&buf, &size);
	p = nsw_present_json(&lp);
	p.on_ns_empty(p.ctx, &ne);
	fclose(lp.f);
	assert_string_equal(buf,
			    "{\"ts\":\"1970-01-01T00:00:00.000000Z\",\"op\":\"ns_empty\","
			    "\"type\":\"net\",\"inode\":4026532400,\"ns_id\":12,"
			    "\"last_pid\":77,\"origin\":\"created\",\"created_by\":{\"pid\":70,"
			    "\"comm\":\"ip\\u00ff\\\"x\",\"op\":\"unshare\"},"
			    "\"container\":\"docker:abc\",\"netns\":\"red\"}\n");
	free(buf);
}

/*
 * The presenter's kept lines: a stream of operations drawn from few values
 * (so most lines repeat one seen before but for their times, and some
 * differ from one in a single field or label) prints, line for line, what
 * the writer without any cache prints for each alone (nsw_print_json).
 */
#define CACHE_LINES 4000
#define CACHE_SEED 11

static const char *const cache_containers[] = { "", "docker:0123456789ab", "runc:box" };
static const char *const cache_pods[] = { "", "6f1c0e0a-uid" };
static const char *const cache_netns[] = { "", "red" };

static void random_op(struct nsw_event *ev, struct nsw_event_labels *l, unsigned int *seed)
{
	static const __u32 ops[] = { NSW_OP_SETNS, NSW_OP_UNSHARE, NSW_OP_CLONE3 };

	memset(ev, 0, sizeof(*ev));
	ev->kind = NSW_KIND_NSOP;
	ev->op = ops[rand_r(seed) % 3];
	ev->ts_ns = (__u64)rand_r(seed) * 1000;
	ev->duration_ns = (__u64)(rand_r(seed) % 5000);
	ev->flags = rand_r(seed) % 2 ? CLONE_NEWUTS : CLONE_NEWUTS | CLONE_NEWNET;
	ev->flags_valid = rand_r(seed) % 8 != 0;
	ev->ret = rand_r(seed) % 6 ? 0 : (__u64)-1;
	ev->pid = ev->tid = 100 + rand_r(seed) % 2;
	ev->ppid = 1;
	ev->after_valid = rand_r(seed) % 8 != 0;
	ev->setns_fd = 3 + rand_r(seed) % 2;
	ev->target_kind = rand_r(seed) % 3;
	ev->target_inum = 4026532100U + rand_r(seed) % 2;
	ev->target_slot = NSW_SLOT_UTS;
	ev->target_pid = 7;
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		ev->ns_before[i] = ev->ns_after[i] = 4026531830U + i;
	ev->ns_after[NSW_SLOT_UTS] = 4026532100U + rand_r(seed) % 2;
	ev->ns_id_after[NSW_SLOT_UTS] = 50 + rand_r(seed) % 2;
	strcpy(ev->comm, rand_r(seed) % 2 ? "flip" : "fl\"ip");
	nsw_event_labels_plain(ev, l);
	strcpy(l->container, cache_containers[rand_r(seed) % 3]);
	strcpy(l->pod, cache_pods[rand_r(seed) % 2]);
	for (size_t i = 0; i < l->nrefs; i++) {
		strcpy(l->refs[i].container, cache_containers[rand_r(seed) % 3]);
		strcpy(l->refs[i].netns, cache_netns[rand_r(seed) % 2]);
	}
}

/* One field of the record or of its labels drawn again. */
static void mutate_one(struct nsw_event *ev, struct nsw_event_labels *l, unsigned int *seed)
{
	struct nsw_event fresh;
	struct nsw_event_labels fresh_l;

	random_op(&fresh, &fresh_l, seed);
	switch (rand_r(seed) % 8) {
	case 0:
		ev->ret = fresh.ret;
		break;
	case 1:
		ev->setns_fd = fresh.setns_fd;
		break;
	case 2:
		ev->ns_after[NSW_SLOT_UTS] = fresh.ns_after[NSW_SLOT_UTS];
		break;
	case 3:
		memcpy(ev->comm, fresh.comm, sizeof(ev->comm));
		break;
	case 4:
		strcpy(l->container, fresh_l.container);
		break;
	case 5:
		strcpy(l->pod, fresh_l.pod);
		break;
	case 6:
		if (l->nrefs)
			strcpy(l->refs[0].container, fresh_l.refs[0].container);
		break;
	default:
		*ev = fresh;
		*l = fresh_l;
	}
}

#define CACHE_POOL 3

typedef struct nsw_presenter (*present_fn)(struct nsw_line_presenter *);
typedef void (*print_fn)(FILE *, const struct nsw_event *, int64_t,
			 const struct nsw_event_labels *);

/* present's lines against print's, each line alone, over near-repeats. */
static void check_kept_lines(present_fn present, print_fn print)
{
	struct nsw_line_presenter *lp = calloc(1, sizeof(*lp));
	struct nsw_event_labels pool_l[CACHE_POOL];
	struct nsw_event pool[CACHE_POOL];
	char *got = NULL, *want = NULL;
	size_t got_size = 0, want_size = 0;
	unsigned int seed = CACHE_SEED;
	struct nsw_presenter p;
	FILE *wf;

	assert_non_null(lp);
	for (int k = 0; k < CACHE_POOL; k++)
		random_op(&pool[k], &pool_l[k], &seed);
	lp->f = open_memstream(&got, &got_size);
	wf = open_memstream(&want, &want_size);
	p = present(lp);
	for (int i = 0; i < CACHE_LINES; i++) {
		int k = rand_r(&seed) % CACHE_POOL;

		if (rand_r(&seed) % 4 == 0)
			mutate_one(&pool[k], &pool_l[k], &seed);
		pool[k].ts_ns = (__u64)rand_r(&seed) * 1000;
		pool[k].duration_ns = (__u64)(rand_r(&seed) % 5000);
		p.on_op(p.ctx, &pool[k], &pool_l[k]);
		print(wf, &pool[k], 0, &pool_l[k]);
	}
	fclose(lp->f);
	fclose(wf);
	assert_int_equal(got_size, want_size);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(lp);
}

static void test_kept_lines_are_the_lines(void **state)
{
	(void)state;
	check_kept_lines(nsw_present_json, nsw_print_json);
}

static void test_kept_text_lines_are_the_lines(void **state)
{
	(void)state;
	check_kept_lines(nsw_present_text, nsw_print_text);
}

/* Control: the same record with another container label is another line. */
static void test_kept_line_not_reused_for_other_label(void **state)
{
	struct nsw_line_presenter *lp = calloc(1, sizeof(*lp));
	unsigned int seed = CACHE_SEED;
	struct nsw_event_labels l;
	struct nsw_presenter p;
	struct nsw_event ev;
	char *buf = NULL;
	size_t size = 0;

	(void)state;
	assert_non_null(lp);
	random_op(&ev, &l, &seed);
	ev.ret = 0;
	strcpy(l.container, "runc:first");
	lp->f = open_memstream(&buf, &size);
	p = nsw_present_json(lp);
	p.on_op(p.ctx, &ev, &l);
	strcpy(l.container, "runc:second");
	p.on_op(p.ctx, &ev, &l);
	fclose(lp->f);
	assert_non_null(strstr(buf, "\"container\":\"runc:first\""));
	assert_non_null(strstr(buf, "\"container\":\"runc:second\""));
	free(buf);
	free(lp);
}

/*
 * Batch (struct nsw_line_presenter): lines gathered across items and written
 * at on_flush are, byte for byte and in order, what the presenter writes
 * line by line, with ns_empty and throttled items between operations and
 * flushes at random points. Without the last on_flush the tail is missing:
 * the control (want_flush false) checks that the comparison can fail.
 */
#define BATCH_LINES 3000

static bool batch_matches(present_fn present, bool last_flush)
{
	struct nsw_line_presenter *one = calloc(1, sizeof(*one));
	struct nsw_line_presenter *many = calloc(1, sizeof(*many));
	struct nsw_event_labels pool_l[CACHE_POOL];
	struct nsw_event pool[CACHE_POOL];
	struct nsw_ns_entry e = { 0 };
	struct nsw_ns_empty ne = { .entry = &e, .container = "", .last_pid = 9 };
	struct nsw_throttled th = { .op = NSW_OP_UNSHARE, .uid = 1000, .count = 3,
				    .total = 3 };
	char *a = NULL, *b = NULL;
	size_t a_size = 0, b_size = 0;
	unsigned int seed = CACHE_SEED;
	struct nsw_presenter p1, p2;
	bool same;

	assert_non_null(one);
	assert_non_null(many);
	for (int k = 0; k < CACHE_POOL; k++)
		random_op(&pool[k], &pool_l[k], &seed);
	e.type = nsw_type_index("uts");
	e.inode = 4026532100U;
	one->f = open_memstream(&a, &a_size);
	many->f = open_memstream(&b, &b_size);
	many->batch = true;
	p1 = present(one);
	p2 = present(many);
	for (int i = 0; i < BATCH_LINES; i++) {
		int k = rand_r(&seed) % CACHE_POOL, r = rand_r(&seed) % 100;

		pool[k].ts_ns = (__u64)rand_r(&seed) * 1000;
		p1.on_op(p1.ctx, &pool[k], &pool_l[k]);
		p2.on_op(p2.ctx, &pool[k], &pool_l[k]);
		if (r < 3) {
			ne.ts_ns = pool[k].ts_ns;
			p1.on_ns_empty(p1.ctx, &ne);
			p2.on_ns_empty(p2.ctx, &ne);
		} else if (r < 5) {
			th.first_ts = th.last_ts = pool[k].ts_ns;
			p1.on_throttled(p1.ctx, &th);
			p2.on_throttled(p2.ctx, &th);
		} else if (r < 8) {
			p2.on_flush(p2.ctx);
		}
	}
	if (last_flush)
		p2.on_flush(p2.ctx);
	fclose(one->f);
	fclose(many->f);
	same = a_size == b_size && !memcmp(a, b, a_size);
	free(a);
	free(b);
	free(one);
	free(many);
	return same;
}

static void test_batched_lines_are_the_lines(void **state)
{
	(void)state;
	assert_true(batch_matches(nsw_present_json, true));
	assert_true(batch_matches(nsw_present_text, true));
	/* Control: the lines after the last flush are held, not written. */
	assert_false(batch_matches(nsw_present_json, false));
	assert_false(batch_matches(nsw_present_text, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_specials),
		cmocka_unit_test(test_stops_at_len_without_nul),
		cmocka_unit_test(test_utf8_kept_invalid_escaped),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_failed_unshare_line),
		cmocka_unit_test(test_created_pid_is_named_pid),
		cmocka_unit_test(test_failed_clone_has_null_after),
		cmocka_unit_test(test_ns_empty_line),
		cmocka_unit_test(test_kept_lines_are_the_lines),
		cmocka_unit_test(test_kept_text_lines_are_the_lines),
		cmocka_unit_test(test_kept_line_not_reused_for_other_label),
		cmocka_unit_test(test_batched_lines_are_the_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
