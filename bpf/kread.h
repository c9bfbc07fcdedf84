/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two ways to read the kernel's structures, chosen per program by a
 * constant, so that one inline function serves both sets of programs:
 *
 * btf:   direct loads through a BTF pointer (tp_btf arguments,
 *        bpf_get_current_task_btf()): the verifier turns each into a
 *        PROBE_MEM load, a few ns, which reads 0 where a pointer is NULL.
 * probe: one bpf_probe_read_kernel() helper call per step (BPF_CORE_READ),
 *        for a pointer the verifier knows only as a number: the task of
 *        bpf_get_current_task() before 5.11, or what a probe read returned.
 *
 * Both relocate with CO-RE. The branch not taken is dead code for the
 * compiler (the functions are always inlined with a literal), so a probe
 * program holds no direct load the verifier would refuse.
 */
#ifndef NSW_BPF_KREAD_H
#define NSW_BPF_KREAD_H

/* Whether a program of set btf reads with direct loads: all of that set do. */
#define NSW_DIRECT(btf) (btf)

#define NSW_RD(btf, src, ...)                                      \
	(NSW_DIRECT(btf) ? ___arrow((src), ##__VA_ARGS__) :        \
		 BPF_CORE_READ(src, ##__VA_ARGS__))

/* The current task, as a BTF pointer where btf is set. */
static __always_inline struct task_struct *nsw_current_task(const bool btf)
{
	if (btf)
		return bpf_get_current_task_btf();
	return (struct task_struct *)bpf_get_current_task();
}

#endif /* NSW_BPF_KREAD_H */
