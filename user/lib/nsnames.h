/* SPDX-License-Identifier: GPL-2.0 */
/* Names of namespace types, slots, operations and flags: described once. */
#ifndef NSW_NSNAMES_H
#define NSW_NSNAMES_H

#include <stddef.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"

#define NSW_TYPE_COUNT 8

struct nsw_type {
	const char *name;       /* as in /proc/PID/ns and lsns */
	const char *flag_name;  /* the CLONE_NEW* constant */
	__u64 flag;
	enum nsw_slot slot;     /* the task's own slot */
	enum nsw_slot new_slot; /* where unshare() puts a new one */
};

extern const struct nsw_type nsw_types[NSW_TYPE_COUNT];

const char *nsw_slot_name(unsigned int slot);
/* The nsw_types[] index of a type name ("net"); NSW_TYPE_COUNT if unknown. */
unsigned int nsw_type_index(const char *name);
/* CLONE_NEW* of a type name ("net"); 0 if unknown. */
__u64 nsw_type_flag(const char *name);
const char *nsw_op_name(unsigned int op);

/* The type whose namespaces live in slot (pid for pid_for_children too). */
const struct nsw_type *nsw_type_of_slot(unsigned int slot);

/* The CLONE_NEW* bits of flags as seen by op (clone()'s low byte is a signal). */
__u64 nsw_ns_flags(unsigned int op, __u64 flags);

/* Comma-separated "net,uts" -> bits of enum nsw_slot (a type's own slot). */
int nsw_parse_types(const char *list, __u32 *slot_mask, struct nsw_error *err);

/* In an op mask: the ns_empty lifecycle lines (not an operation the kernel sees). */
#define NSW_OPMASK_NS_EMPTY (1U << 31)

/* Comma-separated "clone,setns,ns_empty" -> NSW_OP_BIT()s | NSW_OPMASK_NS_EMPTY. */
int nsw_parse_ops(const char *list, __u32 *op_mask, struct nsw_error *err);

/* "EPERM" for 1; "E123" for an errno this libc cannot name. */
const char *nsw_errno_name(int errnum, char *buf, size_t len);

#endif /* NSW_NSNAMES_H */
