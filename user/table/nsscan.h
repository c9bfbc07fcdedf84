/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel says about namespaces right now, from /proc and nsfs:
 * every process's namespaces, the nsfs bind mounts that pin namespaces
 * without a process (ip netns), and what the nsfs ioctls tell about one
 * namespace (id, owner, parent). `nswatch ls` prints it; the tracer's table
 * is seeded from it.
 */
#ifndef NSW_NSSCAN_H
#define NSW_NSSCAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"

/* One process (not thread), as /proc/PID shows it. */
struct nsw_proc_ns {
	pid_t pid;
	pid_t ppid;
	uid_t uid;                    /* real uid (Uid: of /proc/PID/status) */
	/*
	 * The owner of /proc/PID, which is what lsns shows as USER: the
	 * effective uid, or root for a process that is not dumpable.
	 */
	uid_t proc_uid;
	char comm[NSW_COMM_LEN];
	__u32 ns[NSW_SLOT_COUNT];     /* inode per enum nsw_slot; 0 unreadable or absent */
	/*
	 * A kernel thread (PF_KTHREAD). Kernel threads hold the initial
	 * namespaces and lsns counts them in NPROCS, so they are scanned too.
	 */
	bool kthread;
};

/*
 * Read one process's slots; -1 if it is gone. A slot that cannot be read
 * (EACCES without ptrace access, a zombie) is 0.
 */
int nsw_read_proc_ns(pid_t pid, struct nsw_proc_ns *p);

/*
 * Call fn for every process under /proc in ascending pid order; a nonzero
 * return from fn stops the walk and is returned. Processes that vanish
 * during the walk are skipped.
 */
int nsw_scan_procs(int (*fn)(const struct nsw_proc_ns *p, void *data),
		   void *data, struct nsw_error *err);

/*
 * As lsns's COMMAND: /proc/PID/cmdline with NULs as spaces, else (a kernel
 * thread) the comm; "" if the process is gone. At most len - 1 bytes.
 */
void nsw_proc_command(pid_t pid, char *buf, size_t len);

/* What lsns reads of a command line. */
#define NSW_CMDLINE_MAX 8192

/*
 * An nsfs bind mount in the caller's mount namespace (/proc/self/mountinfo,
 * read with libmount).
 */
struct nsw_nsfs_mount {
	unsigned int type;            /* index into nsw_types[] */
	__u32 inode;
	char path[PATH_MAX];          /* the mount point */
};

/* All nsfs mounts; *mounts is malloc()ed (may be NULL when *n is 0). */
int nsw_scan_nsfs_mounts(struct nsw_nsfs_mount **mounts, size_t *n,
			 struct nsw_error *err);

/* "red" for /run/netns/red: an `ip netns` name; NULL for other paths. */
const char *nsw_netns_name(const struct nsw_nsfs_mount *m);

/* What the nsfs ioctls say about one namespace. */
struct nsw_ns_meta {
	unsigned int type;            /* index into nsw_types[] (NS_GET_NSTYPE) */
	__u32 inode;
	__u64 ns_id;                  /* NS_GET_ID; 0 where the kernel has none */
	__u32 owner_user;             /* inode of the owning user ns (NS_GET_USERNS);
				       * 0 if out of reach (the initial user ns has none) */
	__u32 parent;                 /* pid and user: the parent's inode (NS_GET_PARENT);
				       * 0 for the initial one or out of reach */
	uid_t owner_uid;              /* user: NS_GET_OWNER_UID */
	bool owner_uid_valid;
};

/* Describe the namespace open at fd (an nsfs file). */
int nsw_ns_meta_fd(int fd, struct nsw_ns_meta *m, struct nsw_error *err);

/*
 * Describe /proc/PID/ns/<type name> (type: index into nsw_types[]). With
 * expected_inode not 0, fail unless the file is that namespace: the pid may
 * have exited and been reused.
 */
int nsw_ns_meta_pid(pid_t pid, unsigned int type, __u32 expected_inode,
		    struct nsw_ns_meta *m, struct nsw_error *err);

/* The same for /proc/PID/ns/<slot name> (enum nsw_slot): pid_for_children too. */
int nsw_ns_meta_slot(pid_t pid, unsigned int slot, __u32 expected_inode,
		     struct nsw_ns_meta *m, struct nsw_error *err);

#endif /* NSW_NSSCAN_H */
