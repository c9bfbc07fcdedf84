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
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "nswatch.skel.h"
#include "commands.h"
#include "error.h"
#include "output.h"
#include "trace_opts.h"
#include "util.h"

#define POLL_MS 50
#define LOSS_CHECK_NS 1000000000LL

struct tracer {
	struct trace_opts opts;
	struct nswatch_bpf *skel;
	struct ring_buffer *rb;
	int64_t offset_ns;
	unsigned long long events;
	__u64 lost[NSW_COUNTER_MAX];
	pid_t child;
	int child_status;
	bool child_done;
	int go_fd; /* write end of the pipe that releases the child */
};

static volatile sig_atomic_t stop_signal;
static bool libbpf_verbose;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_sigchld(int sig)
{
	(void)sig;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	if (level == LIBBPF_INFO && !libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int64_t now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int check_environment(struct nsw_error *err)
{
	if (geteuid() != 0)
		return nsw_error(err, 0,
				 "trace needs root (to load BPF programs); run it with sudo");
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return nsw_error(err, errno,
				 "this kernel has no BTF (/sys/kernel/btf/vmlinux), which "
				 "nswatch needs (CONFIG_DEBUG_INFO_BTF=y)");
	return 0;
}

/*
 * libbpf finds syscall tracepoints through tracefs. Where the host has not
 * mounted it, mount it in a private mount namespace for the time of the
 * attach and come back, so the host's mount table stays as it was.
 */
struct tracefs_guard {
	int host_mnt;
	int cwd;
};

static bool tracefs_present(void)
{
	return !access("/sys/kernel/tracing/events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/events", F_OK);
}

static void tracefs_leave(struct tracefs_guard *g)
{
	if (g->host_mnt >= 0) {
		if (setns(g->host_mnt, CLONE_NEWNS) || fchdir(g->cwd))
			perror("nswatch: returning to the host mount namespace");
		close(g->host_mnt);
		close(g->cwd);
	}
	g->host_mnt = g->cwd = -1;
}

static int tracefs_enter(struct tracefs_guard *g, struct nsw_error *err)
{
	g->host_mnt = g->cwd = -1;
	if (tracefs_present())
		return 0;
	g->cwd = open(".", O_PATH | O_CLOEXEC);
	g->host_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (g->cwd < 0 || g->host_mnt < 0) {
		nsw_error(err, errno, "opening /proc/self/ns/mnt");
		goto out_close;
	}
	if (unshare(CLONE_NEWNS)) {
		nsw_error(err, errno, "tracefs is not mounted, and making a private mount namespace for it failed");
		goto out_close;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		nsw_error(err, errno, "mounting tracefs on /sys/kernel/tracing");
		tracefs_leave(g);
		return -1;
	}
	return 0;
out_close:
	if (g->cwd >= 0)
		close(g->cwd);
	if (g->host_mnt >= 0)
		close(g->host_mnt);
	g->host_mnt = g->cwd = -1;
	return -1;
}

static void configure(struct tracer *t)
{
	struct nswatch_bpf *s = t->skel;
	const struct trace_opts *o = &t->opts;
	bool clone_ops = o->op_mask & (NSW_OP_BIT(NSW_OP_CLONE) | NSW_OP_BIT(NSW_OP_CLONE3));

	s->rodata->filter_tgid = o->pid;
	/* Our own tracefs mount dance is not what the user asked about. */
	s->rodata->self_tgid = getpid();
	s->rodata->filter_comm_on = o->comm_set;
	memcpy((char *)s->rodata->filter_comm, o->comm, sizeof(o->comm));
	s->rodata->follow = o->cmd != NULL;
	s->rodata->failed_only = o->failed_only;
	s->rodata->type_mask = o->type_mask;
	s->rodata->all_clones = o->all_clones;
	/* Wake the reporter once an eighth of the ring is used; else it polls. */
	s->rodata->wakeup_bytes = o->ring_size / 8;
	bpf_map__set_max_entries(s->maps.events, o->ring_size);

	/* An operation nobody asked for costs nothing: its programs stay out. */
	bpf_program__set_autoload(s->progs.enter_clone, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE));
	bpf_program__set_autoload(s->progs.exit_clone, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE));
	bpf_program__set_autoload(s->progs.enter_clone3, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE3));
	bpf_program__set_autoload(s->progs.exit_clone3, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE3));
	bpf_program__set_autoload(s->progs.enter_unshare, o->op_mask & NSW_OP_BIT(NSW_OP_UNSHARE));
	bpf_program__set_autoload(s->progs.exit_unshare, o->op_mask & NSW_OP_BIT(NSW_OP_UNSHARE));
	bpf_program__set_autoload(s->progs.enter_setns, o->op_mask & NSW_OP_BIT(NSW_OP_SETNS));
	bpf_program__set_autoload(s->progs.exit_setns, o->op_mask & NSW_OP_BIT(NSW_OP_SETNS));
	bpf_program__set_autoload(s->progs.on_fork, clone_ops || o->cmd);
	bpf_program__set_autoload(s->progs.on_exit, o->cmd != NULL);
}

static int load_and_attach(struct tracer *t, struct nsw_error *err)
{
	struct tracefs_guard guard;
	int ret;

	t->skel = nswatch_bpf__open();
	if (!t->skel)
		return nsw_error(err, errno, "opening the BPF object");
	configure(t);
	ret = nswatch_bpf__load(t->skel);
	if (ret)
		return nsw_error(err, -ret,
				 "the kernel refused to load the BPF programs (the verifier's reason is above)");
	if (tracefs_enter(&guard, err) < 0)
		return -1;
	ret = nswatch_bpf__attach(t->skel);
	tracefs_leave(&guard);
	if (ret)
		return nsw_error(err, -ret, "attaching the BPF programs to their tracepoints");
	return 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	const struct nsw_event *ev = data;

	if (size < sizeof(*ev))
		return 0;
	t->events++;
	if (t->opts.json)
		nsw_print_json(stdout, ev, t->offset_ns);
	else
		nsw_print_text(stdout, ev, t->offset_ns);
	return 0;
}

static void read_lost(struct tracer *t, __u64 *lost)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 vals[ncpus > 0 ? ncpus : 1];

	for (__u32 i = 0; i < NSW_COUNTER_MAX; i++) {
		lost[i] = 0;
		if (ncpus <= 0 ||
		    bpf_map__lookup_elem(t->skel->maps.counters, &i, sizeof(i), vals,
					 sizeof(vals), 0))
			continue;
		for (int c = 0; c < ncpus; c++)
			lost[i] += vals[c];
	}
}

/* Loss is never silent: say so as soon as it is seen. */
static void report_new_loss(struct tracer *t)
{
	__u64 now[NSW_COUNTER_MAX];

	read_lost(t, now);
	if (now[NSW_LOST_RINGBUF] > t->lost[NSW_LOST_RINGBUF])
		fprintf(stderr, "nswatch: warning: %llu events lost: ring buffer full (try --ring-size)\n",
			(unsigned long long)(now[NSW_LOST_RINGBUF] - t->lost[NSW_LOST_RINGBUF]));
	if (now[NSW_LOST_PENDING] > t->lost[NSW_LOST_PENDING])
		fprintf(stderr, "nswatch: warning: %llu events lost: too many operations in flight\n",
			(unsigned long long)(now[NSW_LOST_PENDING] - t->lost[NSW_LOST_PENDING]));
	memcpy(t->lost, now, sizeof(now));
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
	__u32 pid = t->child;
	__u8 one = 1;

	if (bpf_map__update_elem(t->skel->maps.traced_tgids, &pid, sizeof(pid),
				 &one, sizeof(one), BPF_ANY))
		return nsw_error(err, errno, "adding the command to the traced set");
	return 0;
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
	int ret = ring_buffer__poll(t->rb, POLL_MS);

	if (ret < 0 && ret != -EINTR)
		return nsw_error(err, -ret, "reading the ring buffer");
	/* Submissions without wakeup wait here for the next poll. */
	ret = ring_buffer__consume(t->rb);
	if (ret < 0 && ret != -EINTR)
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
			report_new_loss(t);
			last_check = now_mono_ns();
		}
	}
	return 0;
}

/* Every event already in the ring is printed before the summary. */
static int drain(struct tracer *t, struct nsw_error *err)
{
	int ret;

	do {
		ret = ring_buffer__consume(t->rb);
	} while (ret > 0);
	if (ret < 0)
		return nsw_error(err, -ret, "draining the ring buffer");
	if (fflush(stdout) || ferror(stdout))
		return nsw_error(err, errno, "writing events to stdout");
	return 0;
}

static void print_summary(struct tracer *t)
{
	report_new_loss(t);
	fprintf(stderr, "Summary: events=%llu lost=%llu (ring buffer full: %llu, in-flight table full: %llu)\n",
		t->events,
		(unsigned long long)(t->lost[NSW_LOST_RINGBUF] + t->lost[NSW_LOST_PENDING]),
		(unsigned long long)t->lost[NSW_LOST_RINGBUF],
		(unsigned long long)t->lost[NSW_LOST_PENDING]);
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
	if (check_environment(err) < 0)
		return -1;
	libbpf_set_print(libbpf_print);
	if (load_and_attach(t, err) < 0)
		return -1;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), handle_event, t, NULL);
	if (!t->rb)
		return nsw_error(err, errno, "setting up the ring buffer");
	if (t->opts.cmd && (start_child(t, err) < 0 || follow_child(t, err) < 0))
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

int cmd_trace(int argc, char **argv)
{
	struct tracer t = { .go_fd = -1 };
	struct nsw_error err = { 0 };
	int ret = 1;

	if (trace_parse_args(argc, argv, &t.opts, 0))
		return 2;
	libbpf_verbose = t.opts.verbose;
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
	if (t.skel && t.rb)
		print_summary(&t);
out_cleanup:
	abandon_child(&t);
	ring_buffer__free(t.rb);
	nswatch_bpf__destroy(t.skel);
	return ret;
}
