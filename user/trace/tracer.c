// SPDX-License-Identifier: GPL-2.0
/*
 * Open, configure, load and attach the BPF programs, and hand every ring
 * buffer record to a sink. The commands decide what the records mean.
 */
#include <errno.h>
#include <dirent.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "nswatch.skel.h"
#include "trace/kernel_btf.h"
#include "trace/tracer.h"
#include "trace/throttle.h"
#include "trace/ring.h"
#include "lib/nsnames.h"
#include "lib/util.h"
#include "lib/clock.h"

struct nsw_tracer {
	struct nswatch_bpf *skel;
	struct nsw_ring *rb;
	struct nsw_sink sink;
	struct nsw_throttle_seen *seen; /* held-back totals reported so far */
	struct nsw_ring_reader reader;  /* reads the ring's records for on_record() */
};

/*
 * libbpf's print callback gets no context, so whether its messages are
 * wanted can only live here; the last nsw_tracer_open() sets it.
 */
static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN && !libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

struct nsw_tracer_settings nsw_tracer_settings_default(void)
{
	return (struct nsw_tracer_settings){
		.op_mask = NSW_OP_BIT(NSW_OP_CLONE) | NSW_OP_BIT(NSW_OP_CLONE3) |
			   NSW_OP_BIT(NSW_OP_UNSHARE) | NSW_OP_BIT(NSW_OP_SETNS) |
			   NSW_OPMASK_NS_EMPTY,
		.ring_size = NSW_RING_SIZE_DEFAULT,
		.rate_limit = NSW_RATE_LIMIT_DEFAULT,
	};
}

int nsw_tracer_check_environment(struct nsw_error *err)
{
	if (geteuid() != 0)
		return nsw_error(err, 0,
				 "tracing needs root (to load BPF programs); run it with sudo");
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
	struct nsw_error err;

	if (g->host_mnt >= 0) {
		/* The attach already has its result: this can only be warned about. */
		if (setns(g->host_mnt, CLONE_NEWNS) || fchdir(g->cwd)) {
			nsw_error(&err, errno, "returning to the host mount namespace");
			nsw_error_warn(&err);
		}
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

static void configure_rate_limit(struct nswatch_bpf *s, __u32 rate);
static void hand_on(struct nsw_tracer *t, const struct nsw_throttled_event *rec);

/*
 * bpf/nswatch.bpf.c has each syscall program twice: the btf set reads the
 * task with direct loads and keeps calls in flight in task storage, which
 * tracepoint programs get in 5.11 and 5.12 (bpf_get_current_task_btf(),
 * bpf_task_storage_get()); the probe set (p_*) reads with
 * bpf_probe_read_kernel() and keeps them in a hash, for the kernels before.
 * The kernel is asked, not its version: a backport counts.
 *
 * The btf set costs about 0.8 us less per event but about 200 ms more to
 * load on 6.18: the verifier looks up BTF types by name, one linear search
 * of the kernel's BTF each, for every pointer a program loads through a
 * trusted one. A host-wide trace sees every event on the host and runs for
 * long: it takes the btf set. Following a command (trace -- CMD, run
 * --trace), every other process is dropped before any read, and the start
 * is what the user waits for: the probe set.
 */
static bool kernel_takes_btf_set(void)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
				       BPF_FUNC_get_current_task_btf, NULL) == 1 &&
	       libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
				       BPF_FUNC_task_storage_get, NULL) == 1;
}

/* Load one of a program's two versions if wanted, never the other. */
#define set_autoload(s, name, wanted, btf)                                        \
	do {                                                                      \
		bpf_program__set_autoload((s)->progs.name, (wanted) && (btf));    \
		bpf_program__set_autoload((s)->progs.p_##name, (wanted) && !(btf)); \
	} while (0)

/* The structs enter_setns_cast casts to, as its rodata *_btf_id order them. */
static const char *const cast_types[] = { "ns_common", "files_struct" };

/* Wakeups past the mark per ring's worth of backlog. */
#define WAKEUP_STEPS 128U

static void configure(struct nswatch_bpf *s, const struct nsw_tracer_settings *o)
{
	bool btf = !o->follow && kernel_takes_btf_set();
	bool clone_ops = o->op_mask & (NSW_OP_BIT(NSW_OP_CLONE) | NSW_OP_BIT(NSW_OP_CLONE3));
	/*
	 * The btf set reads a setns target (its fd table slot, its nsfs
	 * namespace) with direct loads where the kernel has bpf_rdonly_cast()
	 * (6.2): enter_setns_cast. Only the btf set needs the types' ids: on
	 * the build host's kernel they were recorded at build time, elsewhere
	 * the kernel's BTF is read for them (trace/kernel_btf.h).
	 */
	unsigned int cast_ids[ARRAY_SIZE(cast_types)] = { 0 };
	bool cast = btf && nsw_kernel_btf_struct_ids("bpf_rdonly_cast", cast_types, cast_ids,
						     ARRAY_SIZE(cast_types));

	s->rodata->filter_tgid = o->pid;
	s->rodata->self_tgid = o->exclude_self ? getpid() : 0;
	s->rodata->filter_comm_on = o->comm_set;
	memcpy((char *)s->rodata->filter_comm, o->comm, sizeof(o->comm));
	s->rodata->follow = o->follow;
	s->rodata->failed_only = o->failed_only;
	s->rodata->type_mask = o->type_mask;
	s->rodata->all_clones = o->all_clones;
	s->rodata->proc_events = o->proc_events;
	s->rodata->cgroup_v1_ctrl = o->cgroup_v1_ctrl;
	s->rodata->ns_common_btf_id = cast_ids[0];
	s->rodata->files_struct_btf_id = cast_ids[1];
	/* Wake the reporter once an eighth of the ring is used; else it polls. */
	s->rodata->wakeup_bytes = o->ring_size / 8;
	/* ... and past it again every 1/128 of the ring (bpf/nswatch.bpf.c: submit()). */
	s->rodata->wakeup_step_shift = o->ring_size >= WAKEUP_STEPS ?
					       __builtin_ctz(o->ring_size / WAKEUP_STEPS) : 0;
	bpf_map__set_max_entries(s->maps.events, o->ring_size);
	configure_rate_limit(s, o->rate_limit);

	/* An operation nobody asked for costs nothing: its programs stay out. */
	set_autoload(s, enter_clone, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE), btf);
	set_autoload(s, exit_clone, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE), btf);
	set_autoload(s, enter_clone3, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE3), btf);
	set_autoload(s, exit_clone3, o->op_mask & NSW_OP_BIT(NSW_OP_CLONE3), btf);
	set_autoload(s, enter_unshare, o->op_mask & NSW_OP_BIT(NSW_OP_UNSHARE), btf);
	set_autoload(s, exit_unshare, o->op_mask & NSW_OP_BIT(NSW_OP_UNSHARE), btf);
	set_autoload(s, enter_setns, (o->op_mask & NSW_OP_BIT(NSW_OP_SETNS)) && !cast, btf);
	bpf_program__set_autoload(s->progs.enter_setns_cast,
				  (o->op_mask & NSW_OP_BIT(NSW_OP_SETNS)) && cast);
	set_autoload(s, exit_setns, o->op_mask & NSW_OP_BIT(NSW_OP_SETNS), btf);
	set_autoload(s, on_fork, clone_ops || o->follow || o->proc_events, btf);
	bpf_program__set_autoload(s->progs.on_exec, o->proc_events);
	bpf_program__set_autoload(s->progs.on_exit, o->follow || o->proc_events);
	/*
	 * Only a followed trace adds to the followed set and the namespaces
	 * it made: host-wide, their tables (65536 and 4096 entries, made in
	 * full at the load) shrink to one.
	 */
	if (!o->follow) {
		bpf_map__set_max_entries(s->maps.traced_tgids, 1);
		bpf_map__set_max_entries(s->maps.watched_ns, 1);
	}
	/* The other set's table of calls in flight is not needed. */
	if (btf)
		bpf_map__set_max_entries(s->maps.inflight, 1);
	else
		bpf_map__set_autocreate(s->maps.inflight_task, false);
}

/*
 * Under lockdown=confidentiality the kernel refuses bpf_probe_read of its
 * memory, and the verifier's message does not say why. The active mode is
 * the bracketed word of securityfs's lockdown file.
 */
#define LOCKDOWN_FILE "/sys/kernel/security/lockdown"

static bool locked_down_for_reads(void)
{
	char buf[128] = "";
	cleanup_fclose FILE *f = fopen(LOCKDOWN_FILE, "re");

	if (!f || !fgets(buf, sizeof(buf), f))
		return false;
	return strstr(buf, "[confidentiality]") != NULL;
}

static int load_and_attach(struct nsw_tracer *t, const struct nsw_tracer_settings *settings,
			   struct nsw_error *err)
{
	struct tracefs_guard guard;
	struct nsw_kernel_btf kb;
	int ret;
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = nsw_kernel_btf_open(&kb));

	t->skel = nswatch_bpf__open_opts(&oo);
	if (!t->skel) {
		ret = errno;
		nsw_kernel_btf_close(&kb);
		return nsw_error(err, ret, "opening the BPF object");
	}
	configure(t->skel, settings);
	ret = nswatch_bpf__load(t->skel);
	nsw_kernel_btf_close(&kb);
	if (ret && locked_down_for_reads())
		return nsw_error(err, -ret,
				 "the kernel is locked down (lockdown=confidentiality, %s), which forbids BPF programs to read kernel memory: nswatch cannot trace here (boot with lockdown=integrity or none)",
				 LOCKDOWN_FILE);
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

/* Whole for its kind: nsw_ring_read() counted the rest as unreadable. */
static void on_record(void *ctx, const void *data, size_t size)
{
	struct nsw_tracer *t = ctx;
	const __u32 *kind = data;

	(void)size;
	if (*kind == NSW_KIND_THROTTLED) {
		hand_on(t, data);
		return;
	}
	if (*kind == NSW_KIND_NSOP) {
		if (t->sink.nsop)
			t->sink.nsop(t->sink.ctx, data);
	} else if (t->sink.proc) {
		t->sink.proc(t->sink.ctx, data);
	}
}

int nsw_tracer_open(struct nsw_tracer **tp, const struct nsw_tracer_settings *settings,
		    const struct nsw_sink *sink, struct nsw_error *err)
{
	struct nsw_tracer *t;

	*tp = NULL;
	if (nsw_tracer_check_environment(err) < 0)
		return -1;
	libbpf_verbose = settings->verbose;
	libbpf_set_print(libbpf_print);
	t = calloc(1, sizeof(*t));
	if (!t)
		return nsw_error(err, ENOMEM, "allocating the tracer");
	t->sink = *sink;
	t->reader = (struct nsw_ring_reader){ .fn = on_record, .ctx = t };
	t->seen = nsw_throttle_seen_new();
	if (!t->seen) {
		nsw_error(err, ENOMEM, "allocating the tracer");
		goto out_close;
	}
	if (load_and_attach(t, settings, err) < 0)
		goto out_close;
	if (nsw_ring_open(&t->rb, bpf_map__fd(t->skel->maps.events),
			  bpf_map__max_entries(t->skel->maps.events), nsw_ring_read, &t->reader,
			  err) < 0)
		goto out_close;
	*tp = t;
	return 0;
out_close:
	nsw_tracer_close(t);
	return -1;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Detaching a link from a tracepoint waits for an RCU grace period (the
 * kernel's tracepoint_synchronize_unregister(), about 70 ms here): one
 * after another, a dozen links took most of a second. Each in a thread of
 * its own, the waits overlap. Where a thread cannot be made, in line.
 * Where another process still holds the perf events (nsw_tracer_release()),
 * a detach is only a disable and a close: threads would cost more than
 * they save, under load several milliseconds, so that is done in line.
 */
static void destroy_links(struct nswatch_bpf *skel, bool threaded)
{
	const struct bpf_object_skeleton *os = skel->skeleton;
	pthread_t threads[os->prog_cnt];
	bool started[os->prog_cnt];

	for (int i = 0; i < os->prog_cnt; i++) {
		struct bpf_link **link = os->progs[i].link;

		started[i] = false;
		if (!*link)
			continue;
		if (threaded && pthread_create(&threads[i], NULL, destroy_link, *link) == 0)
			started[i] = true;
		else
			bpf_link__destroy(*link);
		*link = NULL;
	}
	for (int i = 0; i < os->prog_cnt; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
}

static void tracer_free(struct nsw_tracer *t, bool links_held_elsewhere)
{
	if (!t)
		return;
	nsw_ring_free(t->rb);
	if (t->skel && t->skel->skeleton)
		destroy_links(t->skel, !links_held_elsewhere);
	nswatch_bpf__destroy(t->skel);
	nsw_throttle_seen_free(t->seen);
	free(t);
}

void nsw_tracer_close(struct nsw_tracer *t)
{
	tracer_free(t, false);
}

/* Everything but the BPF objects (anon inodes) and keep goes; stdio to /dev/null. */
static void keep_only_bpf_fds(int keep)
{
	char path[64], target[64];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (null >= 0) {
		for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
			dup2(null, fd);
		close(null);
	}
	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		ssize_t n;

		if (e->d_name[0] == '.' || fd <= STDERR_FILENO || fd == keep || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0 && !strncmp(target, "anon_inode:", strlen("anon_inode:")))
			continue;
		close(fd);
	}
	closedir(d);
}

/*
 * Letting go of a syscall tracepoint makes the kernel wait for a grace
 * period, one tracepoint after another under its event_mutex: about 350 ms
 * for ours, which the user would wait for at every end of a trace. A child
 * holds our references instead, and lets go once we have: our own closes
 * are then cheap, and libbpf disables each perf event as it detaches, so
 * no program runs meanwhile. The child ends within a second; where it
 * cannot be made, the release is done here.
 */
void nsw_tracer_release(struct nsw_tracer *t)
{
	int p[2];
	char c;
	pid_t pid;

	if (!t)
		return;
	if (pipe2(p, O_CLOEXEC) < 0)
		goto close_here;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		goto close_here;
	}
	if (pid == 0) {
		close(p[1]);
		setsid();
		keep_only_bpf_fds(p[0]);
		/* EOF: the parent holds no reference any more. */
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		nsw_tracer_close(t);
		_exit(0);
	}
	close(p[0]);
	tracer_free(t, true);
	close(p[1]);
	return;
close_here:
	nsw_tracer_close(t);
}

int nsw_tracer_follow(struct nsw_tracer *t, pid_t pid, struct nsw_error *err)
{
	__u32 key = pid;
	__u8 one = 1;

	if (bpf_map__update_elem(t->skel->maps.traced_tgids, &key, sizeof(key),
				 &one, sizeof(one), BPF_ANY))
		return nsw_error(err, errno, "adding pid %d to the followed set", pid);
	return 0;
}

void nsw_tracer_watch_ns(struct nsw_tracer *t, __u32 inode)
{
	__u8 one = 1;

	/* A full map only means a later nsenter goes unfollowed. */
	bpf_map__update_elem(t->skel->maps.watched_ns, &inode, sizeof(inode),
			     &one, sizeof(one), BPF_ANY);
}

void nsw_tracer_unwatch_ns(struct nsw_tracer *t, __u32 inode)
{
	bpf_map__delete_elem(t->skel->maps.watched_ns, &inode, sizeof(inode), 0);
}

int nsw_tracer_fd(const struct nsw_tracer *t)
{
	return nsw_ring_fd(t->rb);
}

int nsw_tracer_poll(struct nsw_tracer *t, int timeout_ms)
{
	int ret = nsw_ring_poll(t->rb, timeout_ms);

	if (ret < 0 && ret != -EINTR)
		return ret;
	/* Submissions without wakeup wait here for the next poll. */
	return nsw_tracer_drain(t);
}

int nsw_tracer_drain(struct nsw_tracer *t)
{
	int ret, total = 0;

	do {
		ret = nsw_ring_consume(t->rb);
		if (ret > 0)
			total += ret;
	} while (ret > 0);
	if (ret < 0 && ret != -EINTR)
		return ret;
	return total;
}

void nsw_tracer_lost(struct nsw_tracer *t, __u64 lost[NSW_COUNTER_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 vals[ncpus > 0 ? ncpus : 1];

	for (__u32 i = 0; i < NSW_COUNTER_MAX; i++) {
		lost[i] = 0;
		if (i == NSW_LOST_UNREAD || ncpus <= 0 ||
		    bpf_map__lookup_elem(t->skel->maps.counters, &i, sizeof(i), vals,
					 sizeof(vals), 0))
			continue;
		for (int c = 0; c < ncpus; c++)
			lost[i] += vals[c];
	}
	lost[NSW_LOST_UNREAD] = t->reader.unread.count;
}

static const char *const loss_reason[NSW_COUNTER_MAX] = {
	[NSW_LOST_RINGBUF] = "events lost: ring buffer full (try --ring-size)",
	[NSW_LOST_PENDING] = "events lost: too many operations in flight",
	[NSW_LOST_PROC] = "fork/exec/exit records lost: ring buffer full; "
			  "the namespace table may miss members (try --ring-size)",
	[NSW_LOST_UNREAD] = "records lost: the reporter could not read them",
};

const char *nsw_tracer_loss_reason(enum nsw_counter c)
{
	return c < NSW_COUNTER_MAX ? loss_reason[c] : "records lost";
}

/* Why the first unreadable record could not be read. */
static const char *unread_why(__u32 kind, __u32 size)
{
	if (size < sizeof(kind))
		return "too short to hold a kind";
	switch (kind) {
	case NSW_KIND_NSOP:
	case NSW_KIND_NSOP_WIRE:
		return "too short for a namespace operation";
	case NSW_KIND_FORK:
	case NSW_KIND_EXEC:
	case NSW_KIND_EXIT:
		return "too short for a fork, exec or exit record";
	case NSW_KIND_THROTTLED:
		return "too short for a throttled record";
	default:
		return "of a kind this build does not know";
	}
}

void nsw_tracer_unread_warning(struct nsw_tracer *t, char *buf, size_t len)
{
	const struct nsw_ring_unread *u = &t->reader.unread;

	snprintf(buf, len,
		 "%llu ring buffer record(s) the reporter could not read, counted as lost (the first: kind %u, %u bytes, %s); a bug, or a BPF object of another build",
		 (unsigned long long)u->count, u->first_kind, u->first_size,
		 unread_why(u->first_kind, u->first_size));
}

/*
 * The rate limit: a bucket of NSW_RATE_BURST_SECONDS' worth per source,
 * refilled at rate events a second. Off, its map shrinks to one entry.
 */
static void configure_rate_limit(struct nswatch_bpf *s, __u32 rate)
{
	__u64 burst = (__u64)rate * NSW_RATE_BURST_SECONDS * NSW_NSEC_PER_SEC;

	s->rodata->rl_rate = rate;
	s->rodata->rl_burst_units = burst;
	s->rodata->rl_refill_cap_ns = rate ? burst / rate : 0;
	if (!rate)
		bpf_map__set_max_entries(s->maps.rl_buckets, 1);
}

static void hand_on(struct nsw_tracer *t, const struct nsw_throttled_event *rec)
{
	struct nsw_throttled th;

	if (nsw_throttle_seen_update(t->seen, rec, &th) && t->sink.throttled)
		t->sink.throttled(t->sink.ctx, &th);
}

static void flush_bucket(struct nsw_tracer *t, const struct nsw_rl_key *key,
			 const struct nsw_rl_bucket *b)
{
	for (__u32 i = 0; i < NSW_OP_MAX - 1; i++) {
		const struct nsw_throttled_event rec = {
			.kind = NSW_KIND_THROTTLED,
			.op = i + 1,
			.uid = key->uid,
			.cgroup_id = key->cgroup_id,
			.total = b->held[i].count,
			.first_ts = b->held[i].first_ts,
			.last_ts = b->held[i].last_ts,
		};

		if (rec.total)
			hand_on(t, &rec);
	}
}

void nsw_tracer_flush_throttled(struct nsw_tracer *t)
{
	const struct bpf_map *map = t->skel->maps.rl_buckets;
	struct nsw_rl_key key, next;
	struct nsw_rl_bucket b;
	void *prev = NULL;

	/* Buckets are never deleted while tracing, so the walk misses none. */
	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (!bpf_map__lookup_elem(map, &key, sizeof(key), &b, sizeof(b), 0))
			flush_bucket(t, &key, &b);
	}
}

void nsw_tracer_op_counts(struct nsw_tracer *t, struct nsw_tracer_op_counts *c)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 vals[ncpus > 0 ? ncpus : 1];
	__u64 sum[NSW_RL_COUNTER_MAX] = { 0 };

	for (__u32 i = 0; i < NSW_RL_COUNTER_MAX && ncpus > 0; i++) {
		if (bpf_map__lookup_elem(t->skel->maps.rl_counters, &i, sizeof(i), vals,
					 sizeof(vals), 0))
			continue;
		for (int cpu = 0; cpu < ncpus; cpu++)
			sum[i] += vals[cpu];
	}
	memset(c, 0, sizeof(*c));
	for (__u32 op = 1; op < NSW_OP_MAX; op++)
		c->lost[op] = sum[op] + t->reader.unread.op[op];
	c->untracked = sum[NSW_RL_UNTRACKED];
	c->report_retries = sum[NSW_RL_REPORT_LOST];
}
