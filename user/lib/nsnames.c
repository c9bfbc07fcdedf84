// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <stdio.h>
#include <sched.h>
#include <linux/sched.h>
#include "lib/nsnames.h"
#include "lib/util.h"

/*
 * One row per namespace type. A new pid or time namespace is not entered by
 * the task that makes it with unshare(); it waits in the *_for_children slot
 * for the next child, hence new_slot.
 */
const struct nsw_type nsw_types[NSW_TYPE_COUNT] = {
	{ "mnt", "CLONE_NEWNS", CLONE_NEWNS, NSW_SLOT_MNT, NSW_SLOT_MNT },
	{ "uts", "CLONE_NEWUTS", CLONE_NEWUTS, NSW_SLOT_UTS, NSW_SLOT_UTS },
	{ "ipc", "CLONE_NEWIPC", CLONE_NEWIPC, NSW_SLOT_IPC, NSW_SLOT_IPC },
	{ "net", "CLONE_NEWNET", CLONE_NEWNET, NSW_SLOT_NET, NSW_SLOT_NET },
	{ "cgroup", "CLONE_NEWCGROUP", CLONE_NEWCGROUP, NSW_SLOT_CGROUP,
	  NSW_SLOT_CGROUP },
	{ "pid", "CLONE_NEWPID", CLONE_NEWPID, NSW_SLOT_PID,
	  NSW_SLOT_PID_FOR_CHILDREN },
	{ "time", "CLONE_NEWTIME", CLONE_NEWTIME, NSW_SLOT_TIME,
	  NSW_SLOT_TIME_FOR_CHILDREN },
	{ "user", "CLONE_NEWUSER", CLONE_NEWUSER, NSW_SLOT_USER, NSW_SLOT_USER },
};

static const char *const slot_names[NSW_SLOT_COUNT] = {
	[NSW_SLOT_MNT] = "mnt",
	[NSW_SLOT_UTS] = "uts",
	[NSW_SLOT_IPC] = "ipc",
	[NSW_SLOT_NET] = "net",
	[NSW_SLOT_CGROUP] = "cgroup",
	[NSW_SLOT_PID] = "pid",
	[NSW_SLOT_PID_FOR_CHILDREN] = "pid_for_children",
	[NSW_SLOT_TIME] = "time",
	[NSW_SLOT_TIME_FOR_CHILDREN] = "time_for_children",
	[NSW_SLOT_USER] = "user",
};

static const char *const op_names[NSW_OP_MAX] = {
	[NSW_OP_CLONE] = "clone",
	[NSW_OP_CLONE3] = "clone3",
	[NSW_OP_UNSHARE] = "unshare",
	[NSW_OP_SETNS] = "setns",
};

unsigned int nsw_type_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < NSW_TYPE_COUNT; i++)
		if (!strcmp(name, nsw_types[i].name))
			break;
	return i;
}

__u64 nsw_type_flag(const char *name)
{
	unsigned int i = nsw_type_index(name);

	return i < NSW_TYPE_COUNT ? nsw_types[i].flag : 0;
}

const char *nsw_slot_name(unsigned int slot)
{
	return slot < NSW_SLOT_COUNT ? slot_names[slot] : "?";
}

const char *nsw_op_name(unsigned int op)
{
	return op < NSW_OP_MAX && op_names[op] ? op_names[op] : "?";
}

const struct nsw_type *nsw_type_of_slot(unsigned int slot)
{
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		if (nsw_types[i].slot == slot || nsw_types[i].new_slot == slot)
			return &nsw_types[i];
	return NULL;
}

__u64 nsw_ns_flags(unsigned int op, __u64 flags)
{
	__u64 all = 0;

	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		all |= nsw_types[i].flag;
	if (op == NSW_OP_CLONE)
		flags &= ~CSIGNAL;
	return flags & all;
}

/* Split a comma-separated list and hand each word to match(). */
static int parse_list(const char *list, const char *what,
		      int (*match)(const char *word, __u32 *mask), __u32 *mask,
		      struct nsw_error *err)
{
	char word[32];
	const char *p = list;

	*mask = 0;
	if (!*list)
		return nsw_error(err, 0, "empty %s list", what);
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(word))
			return nsw_error(err, 0, "invalid %s list '%s'", what, list);
		memcpy(word, p, n);
		word[n] = '\0';
		if (match(word, mask) < 0)
			return nsw_error(err, 0, "unknown %s '%s' in '%s'", what,
					 word, list);
		p += n;
		if (*p == ',' && !*++p)
			return nsw_error(err, 0, "invalid %s list '%s'", what, list);
	}
	return 0;
}

static int match_type(const char *word, __u32 *mask)
{
	unsigned int i = nsw_type_index(word);

	if (i == NSW_TYPE_COUNT)
		return -1;
	*mask |= 1U << nsw_types[i].slot;
	return 0;
}

static int match_op(const char *word, __u32 *mask)
{
	if (!strcmp(word, "ns_empty")) {
		*mask |= NSW_OPMASK_NS_EMPTY;
		return 0;
	}
	for (unsigned int op = 1; op < NSW_OP_MAX; op++) {
		if (!strcmp(word, op_names[op])) {
			*mask |= NSW_OP_BIT(op);
			return 0;
		}
	}
	return -1;
}

int nsw_parse_types(const char *list, __u32 *slot_mask, struct nsw_error *err)
{
	return parse_list(list, "namespace type", match_type, slot_mask, err);
}

int nsw_parse_ops(const char *list, __u32 *op_mask, struct nsw_error *err)
{
	return parse_list(list, "operation", match_op, op_mask, err);
}

const char *nsw_errno_name(int errnum, char *buf, size_t len)
{
	const char *name = strerrorname_np(errnum < 0 ? -errnum : errnum);

	if (name)
		return name;
	snprintf(buf, len, "E%d", errnum < 0 ? -errnum : errnum);
	return buf;
}
