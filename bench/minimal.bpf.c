// SPDX-License-Identifier: GPL-2.0
/*
 * The second floor for bench/nsbench: the least any tracer that reports each
 * call pays on the hooks `nswatch trace` uses. At entry a timestamp is kept
 * in the task's storage; at exit one 24-byte record (time, duration, pid,
 * result) goes through a ring buffer, with no wakeup (the reader polls, as
 * nswatch's does). No namespace, cgroup or file is read.
 *
 * What nswatch costs above this is what it reads and sends about the
 * namespaces; what this costs above the empty programs is what delivering
 * an event at all costs on this machine.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct minimal_event {
	__u64 ts_ns;
	__u64 duration_ns;
	__u32 pid;
	__s32 ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} started SEC(".maps");

/* Records the ring had no room for; the reader adds them to its total. */
__u64 lost;

static __always_inline int enter(void)
{
	__u64 *ts = bpf_task_storage_get(&started, bpf_get_current_task_btf(), 0,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int leave(long ret)
{
	__u64 *ts = bpf_task_storage_get(&started, bpf_get_current_task_btf(), 0, 0);
	struct minimal_event ev;

	if (!ts || !*ts)
		return 0;
	ev.ts_ns = *ts;
	ev.duration_ns = bpf_ktime_get_ns() - *ts;
	ev.pid = bpf_get_current_pid_tgid() >> 32;
	ev.ret = ret;
	*ts = 0;
	if (bpf_ringbuf_output(&events, &ev, sizeof(ev), BPF_RB_NO_WAKEUP))
		__sync_fetch_and_add(&lost, 1);
	return 0;
}

#define MINIMAL_PAIR(call)							\
	SEC("tracepoint/syscalls/sys_enter_" #call)				\
	int enter_##call(void *ctx)						\
	{									\
		return enter();							\
	}									\
	SEC("tracepoint/syscalls/sys_exit_" #call)				\
	int exit_##call(struct trace_event_raw_sys_exit *ctx)			\
	{									\
		return leave(ctx->ret);						\
	}

MINIMAL_PAIR(clone)
MINIMAL_PAIR(clone3)
MINIMAL_PAIR(unshare)
MINIMAL_PAIR(setns)

/* The process hooks as in empty.bpf.c: present, doing nothing. */
SEC("tp_btf/sched_process_fork")
int process_fork(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exec")
int process_exec(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int process_exit(void *ctx)
{
	return 0;
}
