/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel types the BPF object's CO-RE relocations need, cut at build
 * time from the build host's kernel BTF (bpftool gen min_core_btf) and
 * embedded with that kernel's /sys/kernel/notes, which carries its GNU
 * build id. On that same kernel libbpf relocates against these few types
 * instead of searching all of vmlinux for each one (about 30 ms here); on
 * any other kernel nothing is used and libbpf reads the kernel's own BTF.
 * Beside them, the same kernel's BTF ids that bpf_rdonly_cast() needs, so
 * that a host-wide trace need not read the whole BTF a second time.
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
 * (also without kernel BTF). On the build host's kernel (its build id, and
 * a /sys/kernel/btf/vmlinux of the same size) the ids recorded at build
 * time (scripts/min_btf.sh) are taken; anywhere else, or if they lack a
 * name, the kernel's whole BTF is read (nsw_kernel_btf_struct_ids_read()).
 */
bool nsw_kernel_btf_struct_ids(const char *kfunc, const char *const *names, unsigned int *ids,
			       size_t n);

/* The same from the kernel's own BTF, always: about 10-20 ms. */
bool nsw_kernel_btf_struct_ids_read(const char *kfunc, const char *const *names,
				    unsigned int *ids, size_t n);

/*
 * The same from a table recorded at build time: a first line "btf_size N",
 * then "KIND NAME ID" lines (FUNC for kfunc, STRUCT for names). Only if N
 * is btf_size, the size of the running kernel's BTF (a table of another
 * kernel is refused), and every name is there; else false, ids all 0. The
 * caller has checked the build id.
 */
bool nsw_kernel_btf_ids_from_table(const char *table, size_t len, long long btf_size,
				   const char *kfunc, const char *const *names,
				   unsigned int *ids, size_t n);

#endif /* NSW_KERNEL_BTF_H */
