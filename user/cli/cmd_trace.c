// SPDX-License-Identifier: GPL-2.0
/*
 * `nswatch trace`: open, configure, load and attach the BPF programs, then
 * poll the ring buffer until told to stop, and drain it before leaving.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/commands.h"
#include "table/event_labels.h"
#include "lib/nsnames.h"
#include "table/nstable.h"
#include "lib/error.h"
#include "session/output.h"
#include "cli/trace_opts.h"
#include "trace/tracer.h"
#include "lib/util.h"

#define POLL_MS 50
#define LOSS_CHECK_NS 1000000000LL

struct tracer {
	struct trace_opts opts;
	struct nsw_tracer *bpf;
	struct nsw_table *table;
	int64_t offset_ns;
	unsigned long long events;
	unsigned long long emptied;
	/*
	 * ns_empty raised while an operation is applied waits for the
	 * operation's own line: the cause comes before the effect.
	 */
	bool in_nsop;
	size_t nheld;
	struct held_empty {
		struct nsw_ns_entry e;
		char container[96];
		__u32 pid;
		__u64 ts_ns;
	} held[16];
	pid_t child;
	int child_status;
	bool child_done;
	int go_fd; /* write end of the pipe that releases the child */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_sigchld(int sig)
{
	(void)sig;
}

static int64_t now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void print_empty(struct tracer *t, const struct nsw_ns_entry *e,
			const char *container, __u32 pid, __u64 ts_ns)
{
	t->emptied++;
	if (t->opts.json)
		nsw_print_ns_empty_json(stdout, e, container, pid, ts_ns, t->offset_ns);
	else
		nsw_print_ns_empty_text(stdout, e, container, pid, ts_ns, t->offset_ns);
}

static void on_nsop(void *ctx, const struct nsw_event *ev)
{
	struct tracer *t = ctx;
	struct nsw_event_labels l;

	t->events++;
	t->in_nsop = true;
	nsw_table_apply_nsop(t->table, ev);
	t->in_nsop = false;
	nsw_event_labels_fill(t->table, ev, &l);
	if (t->opts.json)
		nsw_print_json(stdout, ev, t->offset_ns, &l);
	else
		nsw_print_text(stdout, ev, t->offset_ns, &l);
	for (size_t i = 0; i < t->nheld; i++)
		print_empty(t, &t->held[i].e, t->held[i].container, t->held[i].pid,
			    t->held[i].ts_ns);
	t->nheld = 0;
}

static void on_proc(void *ctx, const struct nsw_proc_event *ev)
{
	struct tracer *t = ctx;

	nsw_table_apply_proc(t->table, ev);
}

/* --type: the types asked for, counting *_for_children as their type. */
static bool type_shown(const struct tracer *t, unsigned int type)
{
	return !t->opts.type_mask || (t->opts.type_mask & (1U << nsw_types[type].slot));
}

static void on_change(void *ctx, enum nsw_ns_change change,
		      const struct nsw_ns_entry *e, __u32 pid, __u64 ts_ns)
{
	struct tracer *t = ctx;
	char ctr[96];

	if (t->bpf && change == NSW_NS_CREATED && t->opts.cmd)
		nsw_tracer_watch_ns(t->bpf, e->inode);
	/*
	 * A process entering a namespace its parent is not in is usually a
	 * container's first long-lived one: label now, while it can be read
	 * (the one that unshared may be gone by the time its record comes).
	 */
	if (change == NSW_NS_JOINED)
		nsw_table_label_proc(t->table, pid);
	if (change != NSW_NS_EMPTIED)
		return;
	if (t->bpf && t->opts.cmd)
		nsw_tracer_unwatch_ns(t->bpf, e->inode);
	if (!type_shown(t, e->type) || !(t->opts.op_mask & NSW_OPMASK_NS_EMPTY) ||
	    t->opts.failed_only)
		return;
	nsw_entry_container(t->table, e, ctr, sizeof(ctr));
	if (t->in_nsop && t->nheld < ARRAY_SIZE(t->held)) {
		struct held_empty *h = &t->held[t->nheld++];

		h->e = *e;
		memcpy(h->container, ctr, sizeof(ctr));
		h->pid = pid;
		h->ts_ns = ts_ns;
		return;
	}
	print_empty(t, e, ctr, pid, ts_ns);
}

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
			_exit(127);
		execvp(t->opts.cmd[0], t->opts.cmd);
		fprintf(stderr, "nswatch: cannot run '%s': %s\n", t->opts.cmd[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[0]);
	t->go_fd = fds[1];
	return 0;
}

static int follow_child(struct tracer *t, struct nsw_error *err)
{
	return nsw_tracer_follow(t->bpf, t->child, err);
}

static void release_child(struct tracer *t)
{
	if (t->go_fd >= 0) {
		if (write(t->go_fd, "g", 1) != 1)
			perror("nswatch: releasing the command");
		close(t->go_fd);
		t->go_fd = -1;
	}
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

/* Returns 1 when the loop should end, 0 to go on, negative on error. */
static int poll_once(struct tracer *t, struct nsw_error *err)
{
	int ret = nsw_tracer_poll(t->bpf, POLL_MS);

	if (ret < 0)
		return nsw_error(err, -ret, "reading the ring buffer");
	if (fflush(stdout) || ferror(stdout))
		return nsw_error(err, errno, "writing events to stdout");
	return 0;
}

static int run_loop(struct tracer *t, struct nsw_error *err)
{
	int64_t start = now_mono_ns(), last_check = start;
	int64_t deadline = t->opts.duration > 0 ? start + (int64_t)(t->opts.duration * 1e9) : 0;
	int forwarded = 0;

	for (;;) {
		if (poll_once(t, err) < 0)
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
		if (deadline && now_mono_ns() >= deadline)
			break;
		if (now_mono_ns() - last_check >= LOSS_CHECK_NS) {
			nsw_tracer_warn_loss(t->bpf);
			last_check = now_mono_ns();
		}
	}
	return 0;
}

/* Every event already in the ring is printed before the summary. */
static int drain(struct tracer *t, struct nsw_error *err)
{
	int ret = nsw_tracer_drain(t->bpf);

	if (ret < 0)
		return nsw_error(err, -ret, "draining the ring buffer");
	if (fflush(stdout) || ferror(stdout))
		return nsw_error(err, errno, "writing events to stdout");
	return 0;
}

static void print_summary(struct tracer *t)
{
	__u64 lost[NSW_COUNTER_MAX];

	nsw_tracer_warn_loss(t->bpf);
	nsw_tracer_lost(t->bpf, lost);
	fprintf(stderr, "Summary: events=%llu lost=%llu (ring buffer full: %llu, in-flight table full: %llu) "
			"ns_empty=%llu lifecycle_lost=%llu\n",
		t->events,
		(unsigned long long)(lost[NSW_LOST_RINGBUF] + lost[NSW_LOST_PENDING]),
		(unsigned long long)lost[NSW_LOST_RINGBUF],
		(unsigned long long)lost[NSW_LOST_PENDING], t->emptied,
		(unsigned long long)lost[NSW_LOST_PROC]);
}

static int exit_status(const struct tracer *t)
{
	if (WIFEXITED(t->child_status))
		return WEXITSTATUS(t->child_status);
	if (WIFSIGNALED(t->child_status))
		return 128 + WTERMSIG(t->child_status);
	return 1;
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
	struct nsw_tracer_config cfg = {
		.opts = &t->opts,
		.follow = t->opts.cmd != NULL,
		/* Our own tracefs mount dance is not what the user asked about. */
		.exclude_self = true,
		.proc_events = true,
	};
	struct nsw_sink sink = { .nsop = on_nsop, .proc = on_proc, .ctx = t };

	t->table = nsw_table_new(on_change, t);
	if (!t->table)
		return nsw_error(err, ENOMEM, "allocating the namespace table");
	nsw_table_use_kernel(t->table);
	if (nsw_tracer_open(&t->bpf, &cfg, &sink, err) < 0)
		return -1;
	if (t->opts.cmd && (start_child(t, err) < 0 || follow_child(t, err) < 0))
		return -1;
	/*
	 * After the attach: nothing can change unseen between scan and
	 * records. The whole host in every mode: with -- CMD or --pid,
	 * processes outside the scope never exit as far as the table knows,
	 * so a namespace they hold is never called empty.
	 */
	if (nsw_table_seed(t->table, err) < 0)
		return -1;
	install_signals();
	t->offset_ns = nsw_realtime_offset_ns();
	if (!t->opts.json) {
		nsw_print_text_header(stdout);
		fflush(stdout);
	}
	announce(t);
	return 0;
}

int cmd_trace(int argc, char **argv, struct nsw_error *errp)
{
	struct tracer t = { .go_fd = -1 };
	struct nsw_error err = { 0 };
	int ret = 1;

	if (trace_parse_args(argc, argv, &t.opts, 0))
		return 2;
	if (trace_start(&t, &err) < 0)
		goto out_error;
	release_child(&t);
	if (run_loop(&t, &err) < 0 || drain(&t, &err) < 0)
		goto out_error;
	print_summary(&t);
	ret = t.opts.cmd ? exit_status(&t) : 0;
	goto out_cleanup;
out_error:
	nsw_error_print(&err);
	if (t.bpf)
		print_summary(&t);
out_cleanup:
	abandon_child(&t);
	nsw_tracer_close(t.bpf);
	nsw_table_free(t.table);
	(void)errp; /* transitional: the error is printed above */
	return ret;
}
