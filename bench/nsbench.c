// SPDX-License-Identifier: GPL-2.0
/*
 * nsbench: what tracing namespace syscalls costs the machine being traced.
 *
 * It times loops of three syscalls, and of fork+exit+wait, in four modes:
 *   untraced   nothing attached;
 *   empty BPF  programs that return 0 on the hooks nswatch uses (the floor:
 *              what any tracer on those hooks must pay);
 *   minimal    programs on the same hooks that send one 24-byte record per
 *              call, drained by a thread here (bench/minimal.bpf.c): what
 *              delivering an event at all costs;
 *   nswatch    `nswatch trace` running host-wide, its output to /dev/null.
 * The syscalls are setns() back into our own uts namespace (cheap, valid),
 * unshare(CLONE_NEWUTS) (builds a namespace each time) and getppid(), which
 * nobody traces but which pays for syscall tracepoints being enabled at all:
 * the cost every other syscall on the host sees. fork() of a child that
 * exits at once pays for the fork, exit and wait records the namespace
 * table is kept with.
 *
 * Each mode runs several times, the modes taking turns in a rotating order
 * so that drift in the machine (frequency, other load) spreads over all of
 * them; the table shows the median of the repetitions.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "empty.skel.h"
#include "minimal.skel.h"

#define MAX_REPS 99
#define START_TIMEOUT_MS 30000 /* loading and verifying BPF can be slow */
#define STOP_TIMEOUT_MS 10000
#define LINE_MAX_LEN 512
#define TAIL_LINES 8
#define MAX_OWN_PROGS 32
/*
 * nswatch hands its stopped tracepoints to a child that lets go of them
 * within a second (user/trace/tracer.c: nsw_tracer_release): disabled, but
 * still loaded. A sample after an nswatch one waits this long for them.
 */
#define RELEASE_WAIT_MS 3000
#define RELEASE_POLL_MS 20
/* How often the minimal mode's reader drains its ring (nswatch's poll). */
#define MINIMAL_DRAIN_MS 50

enum mode { MODE_UNTRACED, MODE_EMPTY, MODE_MINIMAL, MODE_NSWATCH, MODE_BASELINE, MODE_COUNT };
enum op { OP_SETNS, OP_UNSHARE, OP_GETPPID, OP_FORK, OP_COUNT };

static const char *const mode_names[MODE_COUNT] = {
	[MODE_UNTRACED] = "untraced",
	[MODE_EMPTY] = "empty BPF",
	[MODE_MINIMAL] = "minimal",
	[MODE_NSWATCH] = "nswatch",
	[MODE_BASELINE] = "baseline",
};

static const char *const op_names[OP_COUNT] = {
	[OP_SETNS] = "setns(own uts ns fd, CLONE_NEWUTS)",
	[OP_UNSHARE] = "unshare(CLONE_NEWUTS)",
	[OP_GETPPID] = "getppid()",
	[OP_FORK] = "fork(), _exit(0) in the child, waitpid()",
};

static const char *const op_short[OP_COUNT] = {
	[OP_SETNS] = "setns",
	[OP_UNSHARE] = "unshare",
	[OP_GETPPID] = "getppid",
	[OP_FORK] = "fork",
};

struct opts {
	long iters;	    /* setns and getppid loops */
	long unshare_iters; /* unshare costs far more per call */
	int reps;
	const char *nswatch;
	bool no_nswatch;
	/*
	 * Another build of nswatch, run as a fourth mode in the same
	 * rotation: its ratio beside ours within each repetition.
	 */
	const char *baseline;
	bool verbose; /* print every sample, to see the spread */
	char **nswatch_args; /* extra arguments after `--` */
	int nswatch_argc;
};

/* The last lines a child wrote to stderr, to show when it fails. */
struct tail {
	char lines[TAIL_LINES][LINE_MAX_LEN];
	int count;
};

struct nswatch {
	pid_t pid;
	int err_fd;
	struct tail tail;
};

/* The minimal mode's reader: a thread that drains the ring until told to stop. */
struct minimal_reader {
	struct minimal_bpf *skel;
	struct ring_buffer *rb;
	pthread_t thread;
	volatile bool stop;
	unsigned long long events;
};

struct totals {
	unsigned long long events;
	unsigned long long lost;
	int runs;
	int runs_without_summary;
};

struct bench {
	struct opts opts;
	int uts_fd;
	struct empty_bpf *skel;
	struct minimal_reader minimal;
	struct nswatch nw;
	struct totals totals[MODE_COUNT]; /* MODE_MINIMAL, MODE_NSWATCH, MODE_BASELINE */
	__u32 own_ids[MAX_OWN_PROGS]; /* our empty and minimal programs, not foreign */
	int own_count;
	int foreign_samples; /* untraced or empty samples run beside others */
	int lingering_samples; /* ... beside others' programs loaded, not attached */
	int modes[MODE_COUNT];
	int nmodes;
	/* ns per op, [op][mode][repetition] */
	double ns[OP_COUNT][MODE_COUNT][MAX_REPS];
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("nsbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * The loops. Each returns its elapsed time in ns, or 0 with errno set if
 * a call failed: a failing syscall takes a shorter path and would time the
 * wrong thing, so it is an error, not a figure.
 */
static uint64_t loop_getppid(long n)
{
	uint64_t t0 = now_ns();

	/* syscall() rather than getppid(): no libc caching, ever. */
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return now_ns() - t0;
}

static uint64_t loop_setns(int fd, long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (setns(fd, CLONE_NEWUTS))
			return 0;
	return now_ns() - t0;
}

static uint64_t loop_unshare(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (unshare(CLONE_NEWUTS))
			return 0;
	return now_ns() - t0;
}

static uint64_t loop_fork(long n)
{
	uint64_t t0 = now_ns();
	int status;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 0;
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid)
			return 0;
	}
	return now_ns() - t0;
}

/* A short untimed run first, so caches and the slab are warm. */
static long warmup(long n)
{
	return n / 10 + 1;
}

/*
 * unshare() moves the caller into the new namespace, so the loop runs in
 * a child: the parent stays where it is, and its setns() keeps rejoining
 * the namespace it started in.
 */
static uint64_t time_unshare(long n)
{
	uint64_t elapsed = 0;
	int pfd[2], status, err = 0;
	pid_t pid;

	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		elapsed = loop_unshare(warmup(n)) ? loop_unshare(n) : 0;
		err = errno;
		if (write(pfd[1], &elapsed, sizeof(elapsed)) < 0 ||
		    write(pfd[1], &err, sizeof(err)) < 0)
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &elapsed, sizeof(elapsed)) != sizeof(elapsed) ||
	    read(pfd[0], &err, sizeof(err)) != sizeof(err))
		die("unshare child died without reporting");
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (!elapsed)
		die("unshare(CLONE_NEWUTS): %s", strerror(err));
	return elapsed;
}

/* A fork and wait costs some 100 times a setns: fewer of them. */
static long op_iters(const struct bench *b, int op)
{
	if (op == OP_FORK)
		return b->opts.unshare_iters / 10 + 1;
	return op == OP_UNSHARE ? b->opts.unshare_iters : b->opts.iters;
}

static uint64_t time_op(struct bench *b, int op)
{
	long n = b->opts.iters;
	uint64_t t = 0;

	switch (op) {
	case OP_SETNS:
		if (loop_setns(b->uts_fd, warmup(n)))
			t = loop_setns(b->uts_fd, n);
		if (!t)
			die("setns(/proc/self/ns/uts): %s", strerror(errno));
		return t;
	case OP_UNSHARE:
		return time_unshare(b->opts.unshare_iters);
	case OP_FORK:
		n = op_iters(b, op);
		if (loop_fork(warmup(n)))
			t = loop_fork(n);
		if (!t)
			die("fork: %s", strerror(errno));
		return t;
	default:
		loop_getppid(warmup(n));
		return loop_getppid(n);
	}
}


static void run_ops(struct bench *b, int mode, int rep)
{
	for (int op = 0; op < OP_COUNT; op++) {
		double ns = (double)time_op(b, op) / (double)op_iters(b, op);

		b->ns[op][mode][rep] = ns;
		if (b->opts.verbose)
			fprintf(stderr, "nsbench: rep %d %-9s %-8s %8.1f ns/op\n",
				rep + 1, mode_names[mode], op_short[op], ns);
	}
}

/* ---- the nswatch child ---- */

static void tail_add(struct tail *t, const char *line)
{
	if (t->count == TAIL_LINES) {
		memmove(t->lines[0], t->lines[1],
			sizeof(t->lines[0]) * (TAIL_LINES - 1));
		t->count--;
	}
	snprintf(t->lines[t->count++], LINE_MAX_LEN, "%s", line);
}

static void tail_print(const struct tail *t)
{
	if (!t->count) {
		fprintf(stderr, "  (it wrote nothing to stderr)\n");
		return;
	}
	fprintf(stderr, "  its last lines on stderr:\n");
	for (int i = 0; i < t->count; i++)
		fprintf(stderr, "  | %s\n", t->lines[i]);
}

/*
 * Read one line from @fd, a byte at a time: a child's stderr carries a few
 * lines, and reading no further than the newline leaves the rest in the
 * pipe for the next call. Returns the line length (>= 1, newline counted),
 * 0 at end of file, -1 if @deadline (ns, CLOCK_MONOTONIC) passes.
 */
static int read_line(int fd, char *buf, size_t size, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	int total = 0;
	char c;

	for (;;) {
		uint64_t now = now_ns();
		ssize_t r;

		if (now >= deadline)
			return -1;
		if (poll(&p, 1, (int)((deadline - now) / 1000000) + 1) <= 0)
			continue;
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		total++;
		if (c == '\n')
			break;
		if (len + 1 < size)
			buf[len++] = c;
	}
	buf[len] = '\0';
	return total;
}

static void describe_status(const char *path, int status)
{
	if (WIFEXITED(status))
		fprintf(stderr, "nsbench: %s exited with status %d\n", path,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "nsbench: %s was killed by signal %d (%s)\n",
			path, WTERMSIG(status), strsignal(WTERMSIG(status)));
}

static void nswatch_exec(const struct opts *o, const char *bin, int err_fd)
{
	char *argv[o->nswatch_argc + 5];
	int null = open("/dev/null", O_WRONLY);

	/* If the bench dies, a host-wide tracer must not outlive it. */
	prctl(PR_SET_PDEATHSIG, SIGINT);
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    dup2(err_fd, STDERR_FILENO) < 0)
		_exit(126);
	argv[0] = (char *)bin;
	argv[1] = "trace";
	/*
	 * The cost of every event, not of the rate limit's shortcut: these
	 * loops are floods (bench/fairness.sh measures the limit). An extra
	 * --rate-limit after `--` overrides it.
	 */
	argv[2] = "--rate-limit";
	argv[3] = "0";
	for (int i = 0; i < o->nswatch_argc; i++)
		argv[i + 4] = o->nswatch_args[i];
	argv[o->nswatch_argc + 4] = NULL;
	execv(bin, argv);
	fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
	_exit(127);
}

/* Start `nswatch trace` and wait until it says it is tracing. */
static void nswatch_start(struct bench *b, const char *bin)
{
	struct nswatch *nw = &b->nw;
	uint64_t deadline = now_ns() + START_TIMEOUT_MS * 1000000ull;
	char line[LINE_MAX_LEN];
	int pfd[2], r, status;

	if (pipe2(pfd, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	nw->tail.count = 0;
	nw->pid = fork();
	if (nw->pid < 0)
		die("fork: %s", strerror(errno));
	if (nw->pid == 0)
		nswatch_exec(&b->opts, bin, pfd[1]);
	close(pfd[1]);
	nw->err_fd = pfd[0];

	while ((r = read_line(nw->err_fd, line, sizeof(line), deadline)) > 0) {
		tail_add(&nw->tail, line);
		if (!strncmp(line, "Tracing", 7))
			return;
	}
	if (r < 0) {
		kill(nw->pid, SIGKILL);
		fprintf(stderr,
			"nsbench: %s trace printed no 'Tracing' line in %d s\n",
			bin, START_TIMEOUT_MS / 1000);
	}
	waitpid(nw->pid, &status, 0);
	nw->pid = 0;
	describe_status(bin, status);
	tail_print(&nw->tail);
	die("could not start %s trace (or run with --no-nswatch)", bin);
}

/*
 * SIGINT it, then read its stderr to the end for the Summary line. A run
 * without one is counted and reported, not fatal: the timings still hold.
 */
static void nswatch_stop(struct bench *b, const char *bin, struct totals *t)
{
	struct nswatch *nw = &b->nw;
	uint64_t deadline = now_ns() + STOP_TIMEOUT_MS * 1000000ull;
	unsigned long long events, lost;
	char line[LINE_MAX_LEN];
	bool found = false;
	int r, status;

	kill(nw->pid, SIGINT);
	while ((r = read_line(nw->err_fd, line, sizeof(line), deadline)) > 0) {
		if (sscanf(line, "Summary: events=%llu lost=%llu", &events,
			   &lost) == 2) {
			found = true;
			if (b->opts.verbose)
				fprintf(stderr, "nsbench: nswatch: %s\n", line);
		} else {
			tail_add(&nw->tail, line);
		}
	}
	if (r < 0) {
		fprintf(stderr, "nsbench: %s did not exit %d s after SIGINT\n",
			bin, STOP_TIMEOUT_MS / 1000);
		kill(nw->pid, SIGKILL);
	}
	close(nw->err_fd);
	waitpid(nw->pid, &status, 0);
	nw->pid = 0;
	t->runs++;
	if (found) {
		t->events += events;
		t->lost += lost;
	}
	if (found && WIFEXITED(status) && !WEXITSTATUS(status))
		return;
	if (!found)
		t->runs_without_summary++;
	fprintf(stderr, "nsbench: warning: %s trace ended badly%s\n",
		bin, found ? "" : " (no Summary line)");
	describe_status(bin, status);
	tail_print(&nw->tail);
}

/* Called by exit(): never leave a host-wide tracer or programs behind. */
static struct bench *cleanup_bench;

static void cleanup(void)
{
	struct bench *b = cleanup_bench;

	if (!b)
		return;
	if (b->nw.pid > 0) {
		kill(b->nw.pid, SIGINT);
		waitpid(b->nw.pid, NULL, 0);
	}
	if (b->skel)
		empty_bpf__destroy(b->skel);
	ring_buffer__free(b->minimal.rb);
	if (b->minimal.skel)
		minimal_bpf__destroy(b->minimal.skel);
}

/* ---- other tracers ---- */

/*
 * Any other BPF program on a tracing hook makes "untraced" a lie: a single
 * enabled syscall tracepoint puts every task on the slow syscall path. So
 * before each untraced or empty sample, look for programs that are not ours.
 * Loaded is not attached, but it is the best a bystander can see cheaply.
 */
static bool is_tracing_type(__u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
		return true;
	default:
		return false;
	}
}

static bool prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return !bpf_obj_get_info_by_fd(fd, info, &len);
}

static bool is_own(const struct bench *b, __u32 id)
{
	for (int i = 0; i < b->own_count; i++)
		if (b->own_ids[i] == id)
			return true;
	return false;
}

/* A program that is not ours and of a tracing type. */
static bool is_foreign_tracer(const struct bench *b, __u32 prog_id)
{
	struct bpf_prog_info info;
	int fd = bpf_prog_get_fd_by_id(prog_id);
	bool foreign;

	if (fd < 0)
		return false;
	foreign = prog_info(fd, &info) && is_tracing_type(info.type) && !is_own(b, prog_id);
	close(fd);
	return foreign;
}

/* Others' tracing programs that are loaded, attached or not. */
static int count_foreign_tracers(const struct bench *b)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id))
		if (is_foreign_tracer(b, id))
			n++;
	return n;
}

/*
 * Others' tracing programs that are attached: held by a BPF link. A tracer
 * that has let go of its links may keep its programs loaded a while (the
 * kernel frees them after a grace period, seconds under load); those run
 * nowhere. Programs attached without a link (a perf event ioctl, kernels
 * before 5.15) are not seen here, only as loaded.
 */
static int count_foreign_links(const struct bench *b)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	int n = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && is_foreign_tracer(b, info.prog_id))
			n++;
		close(fd);
	}
	return n;
}

static void remember_progs_of(struct bench *b, struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_prog_info info;

	bpf_object__for_each_program(prog, obj) {
		if (b->own_count < MAX_OWN_PROGS &&
		    prog_info(bpf_program__fd(prog), &info))
			b->own_ids[b->own_count++] = info.id;
	}
}

static void remember_own_progs(struct bench *b)
{
	remember_progs_of(b, b->skel->obj);
	remember_progs_of(b, b->minimal.skel->obj);
}

/* ---- the minimal tracer's reader ---- */

static int minimal_record(void *ctx, void *data, size_t size)
{
	struct minimal_reader *r = ctx;

	(void)data;
	(void)size;
	r->events++;
	return 0;
}

/* No record asks for a wakeup: drain on a timer, as nswatch's poll does. */
static void *minimal_drain(void *arg)
{
	struct minimal_reader *r = arg;

	while (!r->stop) {
		usleep(MINIMAL_DRAIN_MS * 1000);
		ring_buffer__consume(r->rb);
	}
	ring_buffer__consume(r->rb);
	return NULL;
}

static void minimal_start(struct bench *b)
{
	struct minimal_reader *r = &b->minimal;
	int err;

	r->stop = false;
	r->events = 0;
	err = pthread_create(&r->thread, NULL, minimal_drain, r);
	if (err)
		die("starting the minimal mode's reader: %s", strerror(err));
	err = minimal_bpf__attach(r->skel);
	if (err)
		die("attaching the minimal programs: %s", strerror(-err));
}

static void minimal_stop(struct bench *b, struct totals *t)
{
	struct minimal_reader *r = &b->minimal;

	minimal_bpf__detach(r->skel);
	r->stop = true;
	pthread_join(r->thread, NULL);
	t->runs++;
	t->events += r->events;
	t->lost += __atomic_exchange_n(&r->skel->bss->lost, 0, __ATOMIC_RELAXED);
}

/* ---- modes ---- */

static void mode_enter(struct bench *b, int mode)
{
	int err;

	if (mode == MODE_UNTRACED || mode == MODE_EMPTY) {
		for (int waited = 0; waited < RELEASE_WAIT_MS && count_foreign_tracers(b);
		     waited += RELEASE_POLL_MS)
			usleep(RELEASE_POLL_MS * 1000);
		if (count_foreign_links(b))
			b->foreign_samples++;
		else if (count_foreign_tracers(b))
			b->lingering_samples++;
	}
	switch (mode) {
	case MODE_EMPTY:
		err = empty_bpf__attach(b->skel);
		if (err)
			die("attaching the empty programs: %s", strerror(-err));
		break;
	case MODE_MINIMAL:
		minimal_start(b);
		break;
	case MODE_NSWATCH:
		nswatch_start(b, b->opts.nswatch);
		break;
	case MODE_BASELINE:
		nswatch_start(b, b->opts.baseline);
		break;
	}
}

static void mode_leave(struct bench *b, int mode)
{
	switch (mode) {
	case MODE_EMPTY:
		empty_bpf__detach(b->skel);
		break;
	case MODE_MINIMAL:
		minimal_stop(b, &b->totals[mode]);
		break;
	case MODE_NSWATCH:
		nswatch_stop(b, b->opts.nswatch, &b->totals[mode]);
		break;
	case MODE_BASELINE:
		nswatch_stop(b, b->opts.baseline, &b->totals[mode]);
		break;
	}
}

/* Rotate the order each repetition so no mode always goes first. */
static void run_all(struct bench *b)
{
	for (int rep = 0; rep < b->opts.reps; rep++) {
		fprintf(stderr, "nsbench: repetition %d/%d\n", rep + 1,
			b->opts.reps);
		for (int k = 0; k < b->nmodes; k++) {
			int mode = b->modes[(rep + k) % b->nmodes];

			mode_enter(b, mode);
			run_ops(b, mode, rep);
			mode_leave(b, mode);
		}
	}
}

/* ---- report ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stats {
	double median, min, max;
};

static struct stats stats_of(const double *v, int n)
{
	double s[MAX_REPS];
	struct stats st;

	memcpy(s, v, sizeof(*v) * n);
	qsort(s, n, sizeof(*s), cmp_double);
	st.min = s[0];
	st.max = s[n - 1];
	st.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return st;
}

/*
 * The overhead columns pair each sample with the untraced one of the same
 * repetition, taken seconds apart rather than up to a minute: the machine's
 * slow drift (a VM's neighbours, deferred frees) then cancels out, where a
 * ratio of the two medians would carry it whole.
 */
static void paired(const struct bench *b, int op, int mode, double *diff,
		   double *ratio)
{
	for (int rep = 0; rep < b->opts.reps; rep++) {
		double base = b->ns[op][MODE_UNTRACED][rep];

		diff[rep] = b->ns[op][mode][rep] - base;
		ratio[rep] = b->ns[op][mode][rep] / base;
	}
}

static void print_op(const struct bench *b, int op)
{
	double diff[MAX_REPS], ratio[MAX_REPS];

	printf("\n%s, %ld calls per loop\n", op_names[op], op_iters(b, op));
	printf("  %-10s %10s %10s %10s %10s %11s\n", "mode", "ns/op", "min",
	       "max", "+ns/op", "x untraced");
	for (int mode = 0; mode < MODE_COUNT; mode++) {
		struct stats st;

		if (mode == MODE_NSWATCH && b->opts.no_nswatch)
			continue;
		if (mode == MODE_BASELINE && !b->opts.baseline)
			continue;
		st = stats_of(b->ns[op][mode], b->opts.reps);
		paired(b, op, mode, diff, ratio);
		printf("  %-10s %10.1f %10.1f %10.1f %10.1f %10.2fx\n",
		       mode_names[mode], st.median, st.min, st.max,
		       stats_of(diff, b->opts.reps).median,
		       stats_of(ratio, b->opts.reps).median);
	}
}

static void print_lost_of(const struct bench *b, const char *name, const struct totals *t)
{
	printf("\n%s: %d runs, events=%llu lost=%llu", name, t->runs, t->events, t->lost);
	if (t->events + t->lost)
		printf(" (%.3f%% lost)",
		       100.0 * t->lost / (double)(t->events + t->lost));
	/* Events below this, less the lost ones, would mean missed calls. */
	printf("\n%s: the bench made %llu setns and unshare calls under it\n", name,
	       (unsigned long long)t->runs *
		       (b->opts.iters + warmup(b->opts.iters) +
			b->opts.unshare_iters + warmup(b->opts.unshare_iters)));
	if (t->runs_without_summary)
		printf("%s: %d of %d runs printed no Summary line; "
		       "their losses are not counted\n",
		       name, t->runs_without_summary, t->runs);
}

static void print_lost(const struct bench *b)
{
	const struct totals *m = &b->totals[MODE_MINIMAL];

	printf("\nminimal: %d runs, records=%llu lost=%llu (every clone, clone3, unshare "
	       "and setns call, forks included)\n", m->runs, m->events, m->lost);
	if (b->opts.no_nswatch) {
		printf("\nnswatch: not run (--no-nswatch)\n");
		return;
	}
	print_lost_of(b, "nswatch", &b->totals[MODE_NSWATCH]);
	if (b->opts.baseline)
		print_lost_of(b, "baseline", &b->totals[MODE_BASELINE]);
}

static void print_report(const struct bench *b)
{
	printf("nsbench: %d repetitions per mode, modes in rotating order;\n"
	       "ns/op: median; +ns/op and x untraced: median over repetitions "
	       "of the\ndifference and ratio to the untraced sample of the "
	       "same repetition\n",
	       b->opts.reps);
	for (int op = 0; op < OP_COUNT; op++)
		print_op(b, op);
	print_lost(b);
	if (b->foreign_samples)
		printf("\nWARNING: %d untraced or empty BPF samples ran while "
		       "other tracing BPF programs were attached: those figures "
		       "include someone else's tracer\n",
		       b->foreign_samples);
	if (b->lingering_samples)
		printf("\nnote: %d untraced or empty BPF samples ran while a "
		       "stopped tracer's programs were still loaded, not "
		       "attached, after a %d s wait: figures unaffected\n",
		       b->lingering_samples, RELEASE_WAIT_MS / 1000);
}

/* ---- setup ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsbench [options] [-- extra `nswatch trace` args]\n"
		"  -n, --iterations N   calls per setns and getppid loop "
		"(default 200000)\n"
		"  -u, --unshare N      calls per unshare loop (default 20000)\n"
		"  -r, --repeats N      repetitions per mode, median taken "
		"(default 7, max %d)\n"
		"      --nswatch PATH   the tracer (default build/nswatch)\n"
		"      --no-nswatch     skip the nswatch mode\n"
		"      --baseline PATH  another nswatch build, a fourth mode in the "
		"same rotation\n"
		"  -v, --verbose        print every sample to stderr\n"
		"  -h, --help\n"
		"Needs root. Runs `PATH trace` host-wide, stdout to /dev/null.\n",
		MAX_REPS);
}

static long parse_count(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > max)
		die("bad count '%s': want 1..%ld", s, max);
	return v;
}

static void parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "unshare", required_argument, NULL, 'u' },
		{ "repeats", required_argument, NULL, 'r' },
		{ "nswatch", required_argument, NULL, 'N' },
		{ "no-nswatch", no_argument, NULL, 'X' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct opts){ .iters = 200000, .unshare_iters = 20000,
			    .reps = 7, .nswatch = "build/nswatch" };
	while ((c = getopt_long(argc, argv, "n:u:r:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->iters = parse_count(optarg, 1000000000L);
			break;
		case 'u':
			o->unshare_iters = parse_count(optarg, 100000000L);
			break;
		case 'r':
			o->reps = parse_count(optarg, MAX_REPS);
			break;
		case 'N':
			o->nswatch = optarg;
			break;
		case 'X':
			o->no_nswatch = true;
			break;
		case 'B':
			o->baseline = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	o->nswatch_args = argv + optind;
	o->nswatch_argc = argc - optind;
}

/* Check what would otherwise fail late and obscurely. */
static void check_env(const struct opts *o)
{
	if (geteuid())
		die("needs root: it loads BPF programs and calls setns/unshare");
	if (access("/sys/kernel/tracing/events/syscalls", F_OK) &&
	    access("/sys/kernel/debug/tracing/events/syscalls", F_OK))
		die("no syscall tracepoints in tracefs: mount it with "
		    "'mount -t tracefs tracefs /sys/kernel/tracing'");
	if (!o->no_nswatch && access(o->nswatch, X_OK))
		die("%s: %s (build it with make, or pass --no-nswatch)",
		    o->nswatch, strerror(errno));
	if (o->baseline && (o->no_nswatch || access(o->baseline, X_OK)))
		die("--baseline %s: %s", o->baseline,
		    o->no_nswatch ? "not with --no-nswatch" : strerror(errno));
}

/* libbpf's info chatter would break up the table; keep warnings. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void setup(struct bench *b)
{
	b->uts_fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (b->uts_fd < 0)
		die("open /proc/self/ns/uts: %s", strerror(errno));
	libbpf_set_print(libbpf_print);
	b->skel = empty_bpf__open_and_load();
	if (!b->skel)
		die("loading the empty BPF programs: %s", strerror(errno));
	b->minimal.skel = minimal_bpf__open_and_load();
	if (!b->minimal.skel)
		die("loading the minimal BPF programs: %s", strerror(errno));
	b->minimal.rb = ring_buffer__new(bpf_map__fd(b->minimal.skel->maps.events),
					 minimal_record, &b->minimal, NULL);
	if (!b->minimal.rb)
		die("opening the minimal mode's ring buffer: %s", strerror(errno));
	remember_own_progs(b);
	if (count_foreign_tracers(b))
		fprintf(stderr, "nsbench: warning: other tracing BPF programs "
			"are loaded (see 'bpftool prog'): the untraced figures "
			"will not be untraced\n");
	b->modes[b->nmodes++] = MODE_UNTRACED;
	b->modes[b->nmodes++] = MODE_EMPTY;
	b->modes[b->nmodes++] = MODE_MINIMAL;
	if (!b->opts.no_nswatch)
		b->modes[b->nmodes++] = MODE_NSWATCH;
	if (b->opts.baseline)
		b->modes[b->nmodes++] = MODE_BASELINE;
}

int main(int argc, char **argv)
{
	/* Large: static rather than on the stack. */
	static struct bench b;

	parse_opts(&b.opts, argc, argv);
	check_env(&b.opts);
	cleanup_bench = &b;
	atexit(cleanup);
	setup(&b);
	run_all(&b);
	print_report(&b);
	return 0;
}
