/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a namespace still lives once no process is in it, and what keeps
 * it: the kernel's own answer where it has one (nsfs file handles and
 * namespace ids, Linux 6.18), else a bounded search of open file
 * descriptors and nsfs mounts. docs/table.md, "Lifetimes", says which
 * kernel gets what.
 */
#ifndef NSW_NSLIFE_H
#define NSW_NSLIFE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "lib/error.h"

enum nsw_holder_kind {
	NSW_HOLDER_UNKNOWN, /* alive, but what holds it was not found cheaply */
	NSW_HOLDER_FD,      /* an open file descriptor: pid, fd */
	NSW_HOLDER_MOUNT,   /* an nsfs bind mount: path */
	NSW_HOLDER_OWNER,   /* a user namespace owning a live namespace: ns_type, ns_inode */
	NSW_HOLDER_PARENT,  /* the parent of a live pid or user namespace: ns_type, ns_inode */
};

#define NSW_HOLDER_PATH_LEN 256
/* "fd 2147483647 of pid 2147483647", "owner of cgroup:[4294967295]", "mount at " PATH */
#define NSW_HOLDER_TEXT_LEN (NSW_HOLDER_PATH_LEN + 16)

struct nsw_ns_holder {
	enum nsw_holder_kind kind;
	pid_t pid;
	int fd;
	unsigned int ns_type;             /* index into nsw_types[] */
	__u32 ns_inode;
	char path[NSW_HOLDER_PATH_LEN];
};

/* "fd", "mount", "owner", "parent", "unknown". */
const char *nsw_holder_kind_name(enum nsw_holder_kind k);
/* "fd 3 of pid 120", "mount at /run/netns/red", "owner of net:[4026532301]", "unknown". */
void nsw_holder_text(const struct nsw_ns_holder *h, char *buf, size_t len);

/*
 * Is the namespace (type: index into nsw_types[]) alive? The kernel is asked
 * for it by file handle (open_by_handle_at on nsfs; ESTALE once it is
 * freed): 1 alive, 0 gone, -1 the kernel cannot say (ns_id 0, a kernel
 * before 6.18 without nsfs file handles). One syscall, no /proc read.
 */
int nsw_ns_alive(unsigned int type, __u32 inode, __u64 ns_id);

/* Is pid's fd the namespace? One readlink of /proc/PID/fd/FD. */
bool nsw_ns_fd_is(pid_t pid, int fd, unsigned int type, __u32 inode);

/* An fd of pid that is the namespace: one walk of /proc/PID/fd. */
bool nsw_ns_fd_of(pid_t pid, unsigned int type, __u32 inode, int *fd);

/* An nsfs mount of the namespace in the caller's mount namespace: path, or false. */
bool nsw_ns_mount_of(unsigned int type, __u32 inode, char *path, size_t len);

/* One namespace a scan looks for. */
struct nsw_ns_query {
	unsigned int type;
	__u32 inode;
	bool found;                       /* out: something holds it */
	struct nsw_ns_holder holder;      /* out, when found */
};

/*
 * What kernels without file handles need: the nsfs mounts, then every open
 * file descriptor under /proc, for the n namespaces of q, for at most
 * budget_ns. *complete is false when time ran out (a found one is still
 * found; the others are undecided). -1 only if /proc cannot be read.
 */
int nsw_ns_scan_holders(struct nsw_ns_query *q, size_t n, long long budget_ns,
			bool *complete, struct nsw_error *err);

#endif /* NSW_NSLIFE_H */
