// SPDX-License-Identifier: GPL-2.0
/*
 * reporter_feed N MODE: the reporter's per-record work without the kernel.
 * N setns records of one process switching between two uts namespaces go
 * through session/pipeline.c (table, labels, presenter) as the tracer would
 * hand them, the output to /dev/null through a 256 KiB buffer as `trace`
 * sets stdout. MODE: json, text, or table (the pipeline without a
 * presenter). Prints the CPU time per record; under valgrind's callgrind,
 * (instructions(N) - instructions(0)) / N is the figure that does not move
 * with a busy machine (bench/reporter.sh does that).
 *
 * As in `trace`: the records carry this process's cgroup (v2) id, resolved
 * by the real cgroup labeller; the fake probe answers what the kernel would
 * for the host's namespaces (owner and parent read, every namespace alive,
 * the process holding both by fd): no ns_empty, nothing asked twice.
 */
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "lib/nsnames.h"
#include "session/pipeline.h"
#include "session/presenter.h"
#include "table/cgroup_labels.h"

#define OUT_BUF_LEN (256 * 1024)
#define UTS_A 4026532177U
#define UTS_B 4026532178U
#define ID_A 17821677ULL
#define HOST_INODE_BASE 4026531830U
#define SWEEP_EVERY 1024
#define TS_START_NS 1000000000ULL
#define TS_STEP_NS 1500
#define NSEC_PER_SEC 1000000000LL
#define REALTIME_OFFSET_NS 1795343160123456789LL

static char out_buf[OUT_BUF_LEN];

static int alive(void *ctx, unsigned int type, __u32 inode, __u64 ns_id)
{
	(void)ctx, (void)type, (void)inode, (void)ns_id;
	return 1;
}

static int meta(void *ctx, pid_t pid, unsigned int type, __u32 inode,
		struct nsw_ns_meta *m)
{
	(void)ctx, (void)pid;
	m->type = type;
	m->inode = inode;
	return 0;
}

static int meta_slot(void *ctx, pid_t pid, unsigned int slot, __u32 inode,
		     struct nsw_ns_meta *m)
{
	(void)ctx, (void)pid, (void)slot;
	m->inode = inode;
	return 0;
}

/* This process's cgroup v2 id (the inode of its directory), 0 if unknown. */
static __u64 own_cgroup_id(void)
{
	char line[PATH_MAX], path[PATH_MAX + 32];
	FILE *f = fopen("/proc/self/cgroup", "r");
	struct stat st;
	__u64 id = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s", line + 3);
		if (!stat(path, &st))
			id = st.st_ino;
	}
	if (f)
		fclose(f);
	return id;
}

static bool holder(void *ctx, unsigned int type, __u32 inode, pid_t hint_pid,
		   int hint_fd, pid_t last_pid, struct nsw_ns_holder *h)
{
	(void)ctx, (void)type, (void)inode, (void)last_pid;
	h->kind = NSW_HOLDER_FD;
	h->pid = hint_pid;
	h->fd = hint_fd;
	return true;
}

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static struct nsw_line_presenter lp;
	struct nsw_table_probe probe = { .ns_alive = alive, .ns_holder = holder,
					 .ns_meta = meta, .ns_meta_slot = meta_slot };
	struct nsw_cgroup_labels *cgroups = NULL;
	struct nsw_error err;
	struct nsw_tracer_settings settings = { .op_mask = ~0U };
	struct nsw_presenter p = { 0 };
	struct nsw_pipeline *pl;
	struct nsw_event ev = { 0 };
	long long t0, n;
	FILE *f;

	if (argc != 3 || (strcmp(argv[2], "json") && strcmp(argv[2], "text") &&
			  strcmp(argv[2], "table"))) {
		fprintf(stderr, "usage: reporter_feed N json|text|table\n");
		return 2;
	}
	n = atoll(argv[1]);
	f = fopen("/dev/null", "w");
	if (!f)
		return 1;
	setvbuf(f, out_buf, _IOFBF, sizeof(out_buf));
	lp.f = f;
	lp.offset_ns = REALTIME_OFFSET_NS;
	lp.batch = true; /* as `trace` has it */
	if (!strcmp(argv[2], "json"))
		p = nsw_present_json(&lp);
	else if (!strcmp(argv[2], "text"))
		p = nsw_present_text(&lp);
	pl = nsw_pipeline_new(&settings, &p);
	if (!pl)
		return 1;
	nsw_table_set_probe(nsw_pipeline_table(pl), &probe);
	if (nsw_cgroup_labels_open(&cgroups, &err) == 0)
		nsw_pipeline_use_cgroups(pl, cgroups);

	ev.kind = NSW_KIND_NSOP;
	ev.op = NSW_OP_SETNS;
	ev.flags = CLONE_NEWUTS;
	ev.flags_valid = 1;
	ev.after_valid = 1;
	ev.pid = ev.tid = 1234;
	ev.ppid = 1000;
	strcpy(ev.comm, "nsw_flipns");
	ev.target_kind = NSW_TARGET_NSFS;
	ev.target_slot = NSW_SLOT_UTS;
	ev.cgroup_id = own_cgroup_id();
	for (unsigned int k = 0; k < NSW_SLOT_COUNT; k++)
		ev.ns_before[k] = ev.ns_after[k] = HOST_INODE_BASE + k;
	t0 = cpu_ns();
	for (long long i = 0; i < n; i++) {
		__u32 to = i & 1 ? UTS_B : UTS_A;

		ev.ts_ns = TS_START_NS + (__u64)i * TS_STEP_NS;
		ev.duration_ns = 1200 + (__u64)(i % 700);
		ev.ns_before[NSW_SLOT_UTS] = i & 1 ? UTS_A : UTS_B;
		ev.ns_after[NSW_SLOT_UTS] = to;
		ev.target_inum = to;
		ev.target_ns_id = ev.ns_id_after[NSW_SLOT_UTS] = ID_A + (i & 1);
		ev.setns_fd = 3 + (__u32)(i & 1);
		nsw_pipeline_nsop(pl, &ev);
		if (i % SWEEP_EVERY == 0) {
			nsw_pipeline_sweep(pl, ev.ts_ns, false);
			nsw_pipeline_sweep_finish(pl);
		}
	}
	nsw_pipeline_sweep_finish(pl);
	fflush(f);
	printf("%s: %.1f ns of CPU per record\n", argv[2],
	       n ? (double)(cpu_ns() - t0) / (double)n : 0.0);
	nsw_pipeline_free(pl);
	nsw_cgroup_labels_free(cgroups);
	fclose(f);
	return 0;
}
