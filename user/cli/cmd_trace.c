// SPDX-License-Identifier: GPL-2.0
/*
 * `nswatch trace`: a session (session/session.h) with the text or the
 * JSON-lines presenter, host-wide or following a command, polled until
 * told to stop, then drained before the summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/commands.h"
#include "cli/trace_opts.h"
#include "lib/clock.h"
#include "lib/error.h"
#include "lib/nsnames.h"
#include "lib/util.h"
#include "session/session.h"

#define POLL_MS 50
#define LOSS_CHECK_NS NSW_NSEC_PER_SEC
/* Exit statuses of a command that could not run, as the shell's. */
#define EXIT_NOT_FOUND 127
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_SIGNALED_BASE 128

struct tracer {
	struct trace_opts opts;
	struct nsw_line_presenter lines;
	struct nsw_session *session;
	pid_t child;
	int child_status;
	bool child_done;
	int go_fd; /* write end of the pipe that releases the child */
};

static volatile sig_atomic_t stop_signal;

/*
 * stdout's buffer when it is a file or a pipe: a flood's lines leave in a
 * few large writes per poll instead of one per 4 KiB. stdout keeps it until
 * the process exits, so it cannot live on a stack.
 */
#define STDOUT_BUF_LEN (256 * 1024)
static char stdout_buf[STDOUT_BUF_LEN];

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_sigchld(int sig)
{
	(void)sig;
}

/* The command, forked now and held until tracing is live. */
static int start_child(struct tracer *t, struct nsw_error *err)
{
	int fds[2];
	char go;

	if (pipe2(fds, O_CLOEXEC))
		return nsw_error(err, errno, "pipe");
	t->child = fork();
	if (t->child < 0) {
		close(fds[0]);
		close(fds[1]);
		return nsw_error(err, errno, "fork");
	}
	if (t->child == 0) {
		close(fds[1]);
		/* EOF instead of a byte: the tracer gave up, so must we. */
		if (read(fds[0], &go, 1) != 1)
			_exit(EXIT_NOT_FOUND);
		execvp(t->opts.cmd[0], t->opts.cmd);
		fprintf(stderr, "nswatch: cannot run '%s': %s\n", t->opts.cmd[0],
			strerror(errno));
		_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
	}
	close(fds[0]);
	t->go_fd = fds[1];
	return 0;
}

static int release_child(struct tracer *t, struct nsw_error *err)
{
	ssize_t n;

	if (t->go_fd < 0)
		return 0;
	n = write(t->go_fd, "g", 1);
	close(t->go_fd);
	t->go_fd = -1;
	if (n != 1)
		return nsw_error(err, errno, "releasing the command");
	return 0;
}

/*
 * A command never released sees EOF and exits 127: reap it. One already
 * running is left to finish on its own, untraced.
 */
static void abandon_child(struct tracer *t)
{
	if (t->go_fd < 0)
		return;
	close(t->go_fd);
	t->go_fd = -1;
	if (t->child > 0 && !t->child_done)
		waitpid(t->child, &t->child_status, 0);
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_sigchld;
	sigaction(SIGCHLD, &sa, NULL);
	/* A closed stdout ends the trace through a write error, not a kill. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static bool child_exited(struct tracer *t)
{
	if (t->child > 0 && !t->child_done &&
	    waitpid(t->child, &t->child_status, WNOHANG) == t->child)
		t->child_done = true;
	return t->child_done;
}

/*
 * Until the ring has records or the command has ended, at most POLL_MS.
 * SIGCHLD alone can come before the wait begins, which then lasted a whole
 * POLL_MS for a command as short as `true`; the command's pidfd (5.3) ends
 * the wait whenever it exits. Without one, SIGCHLD still interrupts it.
 */
static int wait_ring_or_child(struct tracer *t, int pidfd, struct nsw_error *err)
{
	struct pollfd fds[] = {
		{ .fd = nsw_session_fd(t->session), .events = POLLIN },
		{ .fd = pidfd, .events = POLLIN },
	};

	if (poll(fds, ARRAY_SIZE(fds), POLL_MS) < 0 && errno != EINTR)
		return nsw_error(err, errno, "waiting for the ring buffer");
	return nsw_session_poll(t->session, 0, err);
}

static int flush_stdout(struct nsw_error *err)
{
	if (fflush(stdout) || ferror(stdout))
		return nsw_error(err, errno, "writing events to stdout");
	return 0;
}

static int run_loop(struct tracer *t, struct nsw_error *err)
{
	long long start = nsw_mono_ns(), last_check = start;
	long long deadline = 0;
	int forwarded = 0, ret;
	cleanup_close int pidfd = t->child > 0 ? syscall(SYS_pidfd_open, t->child, 0) : -1;

	if (t->opts.duration > 0)
		deadline = start + (long long)(t->opts.duration * NSW_NSEC_PER_SEC);
	for (;;) {
		ret = t->opts.cmd ? wait_ring_or_child(t, pidfd, err) :
				    nsw_session_poll(t->session, POLL_MS, err);
		if (ret < 0 || flush_stdout(err) < 0)
			return -1;
		if (t->opts.cmd) {
			if (child_exited(t))
				break;
			/* The command decides when it ends; pass the request on. */
			if (stop_signal && stop_signal != forwarded) {
				kill(t->child, stop_signal);
				forwarded = stop_signal;
			}
		} else if (stop_signal) {
			break;
		}
		if (deadline && nsw_mono_ns() >= deadline)
			break;
		if (nsw_mono_ns() - last_check >= LOSS_CHECK_NS) {
			nsw_session_check_loss(t->session);
			last_check = nsw_mono_ns();
		}
	}
	return 0;
}

/* Every event already in the ring is presented before the summary. */
static int drain(struct tracer *t, struct nsw_error *err)
{
	if (nsw_session_drain(t->session, err) < 0 ||
	    nsw_session_settle(t->session, NSW_SETTLE_STREAM_NS, err) < 0)
		return -1;
	return flush_stdout(err);
}

/*
 * The rest of the summary line: " throttled=T unlimited=U clone=E+T+L ...",
 * per operation events, held back and lost: their sum is what the kernel
 * saw of it.
 */
static void print_summary_ops(const struct nsw_session_stats *st)
{
	fprintf(stderr, " throttled=%llu unlimited=%llu", (unsigned long long)st->throttled,
		(unsigned long long)st->unlimited);
	for (unsigned int op = 1; op < NSW_OP_MAX; op++)
		fprintf(stderr, " %s=%llu+%llu+%llu", nsw_op_name(op),
			(unsigned long long)st->op_events[op],
			(unsigned long long)st->op_throttled[op],
			(unsigned long long)st->op_lost[op]);
	fputc('\n', stderr);
}

static void print_summary(struct tracer *t)
{
	struct nsw_session_stats st;

	nsw_session_check_loss(t->session);
	nsw_session_stats(t->session, &st);
	fprintf(stderr, "Summary: events=%llu lost=%llu (ring buffer full: %llu, in-flight table full: %llu",
		(unsigned long long)st.ops,
		(unsigned long long)(st.lost[NSW_LOST_RINGBUF] + st.lost[NSW_LOST_PENDING] +
				     st.lost[NSW_LOST_UNREAD]),
		(unsigned long long)st.lost[NSW_LOST_RINGBUF],
		(unsigned long long)st.lost[NSW_LOST_PENDING]);
	/* Only when there are some: the usual line stays what scripts parse. */
	if (st.lost[NSW_LOST_UNREAD])
		fprintf(stderr, ", unreadable records: %llu",
			(unsigned long long)st.lost[NSW_LOST_UNREAD]);
	fprintf(stderr, ") ns_empty=%llu lifecycle_lost=%llu ns_held=%llu",
		(unsigned long long)st.ns_empty,
		(unsigned long long)st.lost[NSW_LOST_PROC],
		(unsigned long long)st.ns_held);
	print_summary_ops(&st);
}

static int exit_status(const struct tracer *t)
{
	if (WIFEXITED(t->child_status))
		return WEXITSTATUS(t->child_status);
	if (WIFSIGNALED(t->child_status))
		return EXIT_SIGNALED_BASE + WTERMSIG(t->child_status);
	return 1;
}

/*
 * Raise the reporter's priority by --priority-boost nice levels, after the
 * command is forked (it keeps the caller's) and before the load (the
 * verifier runs on our time too). Not fatal: without CAP_SYS_NICE the trace
 * still runs, and says at what priority.
 */
static void boost_priority(const struct tracer *t)
{
	int boost = t->opts.priority_boost, now, want;
	struct nsw_error warn;

	if (!boost)
		return;
	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (now == -1 && errno)
		now = 0;
	want = now - boost < PRIO_MIN ? PRIO_MIN : now - boost;
	if (setpriority(PRIO_PROCESS, 0, want) == 0)
		return;
	nsw_error(&warn, errno, "the reporter stays at nice %d, not %d (--priority-boost %d)", now,
		  want, boost);
	nsw_error_warn(&warn);
}

static void announce(const struct tracer *t)
{
	if (t->opts.cmd)
		fprintf(stderr, "Tracing namespace operations of '%s' and its descendants.\n",
			t->opts.cmd[0]);
	else
		fprintf(stderr, "Tracing namespace operations host-wide. Ctrl-C to end.\n");
}

static int trace_start(struct tracer *t, struct nsw_error *err)
{
	struct nsw_session_options o = {
		.tracer = t->opts.tracer,
		/*
		 * The whole host in every mode: with -- CMD or --pid, processes
		 * outside the scope never exit as far as the table knows, so a
		 * namespace they hold is never called empty.
		 */
		.seed = NSW_SEED_HOST,
	};
	struct nsw_presenter p;

	/* Before anything is written to it; a terminal stays line-buffered. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	/* Our own tracefs mount dance is not what the user asked about. */
	o.tracer.exclude_self = true;
	o.tracer.proc_events = true;
	t->lines.f = stdout;
	/* Lines go out at the end of each drain (the pipeline's on_flush). */
	t->lines.batch = true;
	p = t->opts.json ? nsw_present_json(&t->lines) : nsw_present_text(&t->lines);
	if (t->opts.cmd) {
		if (start_child(t, err) < 0)
			return -1;
		o.follow_pid = t->child;
	}
	boost_priority(t);
	if (nsw_session_open(&t->session, &o, &p, err) < 0)
		return -1;
	install_signals();
	t->lines.offset_ns = nsw_realtime_offset_ns();
	if (!t->opts.json) {
		nsw_print_text_header(stdout);
		fflush(stdout);
	}
	announce(t);
	return 0;
}

static int trace_run(struct tracer *t, struct nsw_error *err)
{
	if (trace_start(t, err) < 0 || release_child(t, err) < 0)
		return -1;
	if (run_loop(t, err) < 0 || drain(t, err) < 0)
		return -1;
	return t->opts.cmd ? exit_status(t) : 0;
}

int cmd_trace(int argc, char **argv, struct nsw_error *err)
{
	struct tracer t = { .go_fd = -1 };
	int ret;

	if (trace_parse_args(argc, argv, &t.opts, 0))
		return 2;
	ret = trace_run(&t, err);
	/* Also after an error: what was seen and lost until then. */
	if (t.session)
		print_summary(&t);
	abandon_child(&t);
	if (ret >= 0)
		nsw_session_release(t.session);
	else
		nsw_session_close(t.session);
	return ret;
}
