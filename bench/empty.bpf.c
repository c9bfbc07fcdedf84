// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for bench/nsbench: programs that do nothing, attached to the
 * same hooks as `nswatch trace`. What they cost is the price of having any
 * BPF program on those hooks; what nswatch costs above them is its own work.
 *
 * Enabling even one syscalls/sys_enter_* or sys_exit_* tracepoint makes
 * every task on the host take the traced syscall path, so getppid() pays
 * here too although no program runs for it.
 *
 * sched_process_exec and sched_process_exit are left out: no syscall the
 * benchmark times reaches them, so they would change none of its figures.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* One empty program per hook; the name doubles as the program name. */
#define EMPTY_PROG(sec, name)			\
	SEC(sec)				\
	int name(void *ctx)			\
	{					\
		return 0;			\
	}

EMPTY_PROG("tracepoint/syscalls/sys_enter_clone", enter_clone)
EMPTY_PROG("tracepoint/syscalls/sys_exit_clone", exit_clone)
EMPTY_PROG("tracepoint/syscalls/sys_enter_clone3", enter_clone3)
EMPTY_PROG("tracepoint/syscalls/sys_exit_clone3", exit_clone3)
EMPTY_PROG("tracepoint/syscalls/sys_enter_unshare", enter_unshare)
EMPTY_PROG("tracepoint/syscalls/sys_exit_unshare", exit_unshare)
EMPTY_PROG("tracepoint/syscalls/sys_enter_setns", enter_setns)
EMPTY_PROG("tracepoint/syscalls/sys_exit_setns", exit_setns)
EMPTY_PROG("tp_btf/sched_process_fork", process_fork)
EMPTY_PROG("tp_btf/sched_process_exec", process_exec)
EMPTY_PROG("tp_btf/sched_process_exit", process_exit)
