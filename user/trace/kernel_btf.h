/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel types the BPF object's CO-RE relocations need, cut at build
 * time from the build host's kernel BTF (bpftool gen min_core_btf) and
 * embedded with that kernel's /sys/kernel/notes, which carries its GNU
 * build id. On that same kernel libbpf relocates against these few types
 * instead of searching all of vmlinux for each one (about 30 ms here); on
 * any other kernel nothing is used and libbpf reads the kernel's own BTF.
 */
#ifndef NSW_KERNEL_BTF_H
#define NSW_KERNEL_BTF_H

#include <stdbool.h>
#include <stddef.h>

#define NSW_KERNEL_BTF_PATH_LEN 32

struct nsw_kernel_btf {
	int fd;                                 /* a sealed memfd, or -1 */
	char path[NSW_KERNEL_BTF_PATH_LEN];     /* /proc/self/fd/N, or "" */
};

/*
 * The embedded BTF for libbpf's btf_custom_path when the running kernel is
 * the one it was cut from: kb->path, else NULL (kb->fd -1). Any failure is
 * a NULL: the kernel's own BTF always works.
 */
const char *nsw_kernel_btf_open(struct nsw_kernel_btf *kb);
void nsw_kernel_btf_close(struct nsw_kernel_btf *kb);

/*
 * Do two /sys/kernel/notes contents name the same kernel? Both must hold
 * the same GNU build id note (a hash of the kernel image); notes without
 * one prove nothing.
 */
bool nsw_kernel_notes_match(const void *a, size_t alen, const void *b, size_t blen);

/*
 * Where the running kernel's BTF has the function kfunc (bpf_rdonly_cast(),
 * which casts to a struct by its id), ids[i] gets the BTF id of struct
 * names[i] and the result is true if all are there; else false, ids all 0
 * (also without kernel BTF). It reads the kernel's whole BTF: about 20 ms.
 */
bool nsw_kernel_btf_struct_ids(const char *kfunc, const char *const *names, unsigned int *ids,
			       size_t n);

#endif /* NSW_KERNEL_BTF_H */
