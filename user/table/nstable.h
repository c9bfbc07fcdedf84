/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reporter's namespace table: every namespace it knows, who made it,
 * which processes hold it, and its owner and parent. Seeded from /proc and
 * the nsfs mounts when tracing starts, then fed every ring buffer record in
 * order.
 *
 * Inode numbers are recycled within milliseconds, so an inode alone never
 * names a namespace for long. Entries are keyed by type and ns_id where the
 * kernel has one (never reused), else by type and inode; a creation of an
 * inode the table already holds starts a new entry and retires the old one.
 */
#ifndef NSW_NSTABLE_H
#define NSW_NSTABLE_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"
#include "table/labels.h"
#include "table/nsscan.h"
#include "table/nslife.h"

enum nsw_ns_origin {
	NSW_ORIGIN_SEEDED,  /* there when tracing started */
	NSW_ORIGIN_CREATED, /* a traced clone, clone3 or unshare made it */
	NSW_ORIGIN_SEEN,    /* first seen held by a process; its making was not seen */
};

struct nsw_ns_entry {
	__u64 serial;             /* the table's own number; never reused */
	unsigned int type;        /* index into nsw_types[] */
	__u32 inode;
	__u64 ns_id;              /* 0 where unknown */
	enum nsw_ns_origin origin;
	__u64 first_ts_ns;        /* CLOCK_MONOTONIC: created or first seen; 0 if seeded */

	/* NSW_ORIGIN_CREATED: by whom and how. */
	__u32 creator_pid;
	char creator_comm[NSW_COMM_LEN];
	unsigned int creator_op;  /* enum nsw_op */

	/* Owner and parent, from the nsfs ioctls, when they could be read. */
	bool meta_valid;
	struct nsw_ns_meta meta;

	unsigned int members;     /* processes that have it in their own slot */
	unsigned int holders;     /* ... in any slot, *_for_children included */
	bool empty;               /* the last holder left: ns_empty was raised */

	/* Labels; label_valid once one was found. */
	bool label_valid;
	struct nsw_label label;
	char netns_name[64];      /* `ip netns` name, "" if none */
	char pinned_at[256];      /* an nsfs bind mount holding it, "" if none */

	/*
	 * Lifetime (docs/table.md, "Lifetimes"): held once ns_held was raised,
	 * the namespace having outlived its processes; sticky, ns_held is
	 * raised once per entry. held_by: what kept it then.
	 */
	bool held;
	struct nsw_ns_holder held_by;
};

/* What the table reports while it applies records. */
enum nsw_ns_change {
	NSW_NS_CREATED, /* pid made it (an entry now exists for it) */
	NSW_NS_JOINED,  /* pid entered it (setns, or a fork into it) */
	NSW_NS_LEFT,    /* pid left it (exit, setns or unshare away) */
	NSW_NS_EMPTIED, /* the namespace is gone (raised once) */
	NSW_NS_HELD,    /* no process is in it, something else keeps it (held_by) */
};

typedef void (*nsw_table_cb)(void *ctx, enum nsw_ns_change change,
			     const struct nsw_ns_entry *e, __u32 pid,
			     __u64 ts_ns);

/*
 * How the table asks the kernel about a namespace or a process. The table
 * itself (nstable.c) never reads /proc; nsw_table_use_kernel() plugs in the
 * real readers (nstable_kernel.c), unit tests plug in fakes. A NULL member
 * means "unknown".
 */
struct nsw_table_probe {
	/* nsw_read_proc_ns(): 0 on success, -1 if the process is gone. */
	int (*proc_ns)(void *ctx, pid_t pid, struct nsw_proc_ns *p);
	/* nsw_ns_meta_pid(): 0 on success. */
	int (*ns_meta)(void *ctx, pid_t pid, unsigned int type, __u32 inode,
		       struct nsw_ns_meta *m);
	/* The container label of a process: nsw_pid_label(). */
	bool (*pid_label)(void *ctx, pid_t pid, struct nsw_label *l);
	/* The nswatch container whose namespace this is: its name, or false. */
	bool (*nswatch_label)(void *ctx, unsigned int type, __u32 inode,
			      struct nsw_label *l);
	/*
	 * nsw_ns_meta_slot(): a namespace pid holds only in a *_for_children
	 * slot (enum nsw_slot). 0 on success.
	 */
	int (*ns_meta_slot)(void *ctx, pid_t pid, unsigned int slot, __u32 inode,
			    struct nsw_ns_meta *m);
	/* nsw_ns_meta_fd() of an nsfs mount (path): 0 on success. */
	int (*ns_meta_path)(void *ctx, const char *path, struct nsw_ns_meta *m);
	void *ctx;

	/*
	 * Lifetimes. nsw_ns_alive(): 1 alive, 0 gone, -1 the kernel cannot
	 * say cheaply. NULL: the table assumes what it can see, that a
	 * namespace without a process is gone.
	 */
	int (*ns_alive)(void *ctx, unsigned int type, __u32 inode, __u64 ns_id);
	/*
	 * What keeps a live namespace that has no process, found cheaply:
	 * hint_pid's hint_fd (the last setns into it through an nsfs fd), an
	 * fd of last_pid (the last process in it, if it lives), an nsfs
	 * mount. false if not found.
	 */
	bool (*ns_holder)(void *ctx, unsigned int type, __u32 inode, pid_t hint_pid,
			  int hint_fd, pid_t last_pid, struct nsw_ns_holder *h);
	/*
	 * nsw_ns_scan_holders() with the table's time budget, for what
	 * ns_alive cannot tell: 1 the search completed (every q[].found is
	 * the answer), 0 it ran out of time (only a found one is), -1 failed.
	 */
	int (*ns_scan)(void *ctx, struct nsw_ns_query *q, size_t n);

	/*
	 * Labels without /proc (docs/trace.md, "Labels"): the container of
	 * the cgroups a record carried (cgroup_labels.h, cached per id), and
	 * what frees ctx with the table (NULL: nothing to free).
	 */
	bool (*cgroup_label)(void *ctx, __u64 v2_id, __u64 v1_id, struct nsw_label *l);
	void (*free_ctx)(void *ctx);
};

struct nsw_table;

struct nsw_table *nsw_table_new(nsw_table_cb cb, void *ctx);
void nsw_table_free(struct nsw_table *t);
void nsw_table_set_probe(struct nsw_table *t, const struct nsw_table_probe *p);

/* nstable_kernel.c: the real probe (/proc, nsfs ioctls, state files). */
void nsw_table_use_kernel(struct nsw_table *t);

struct nsw_cgroup_labels;
/*
 * The real probe, with the namespaces records make labelled from the
 * cgroups the records carry, resolved through c (not owned; it outlives t)
 * instead of the makers' /proc files.
 */
void nsw_table_use_kernel_cgroups(struct nsw_table *t, struct nsw_cgroup_labels *c);

/*
 * nstable_kernel.c: read every process and nsfs mount now
 * (nsw_scan_procs, nsw_scan_nsfs_mounts) into the table.
 */
int nsw_table_seed(struct nsw_table *t, struct nsw_error *err);

/* The pieces of seeding: one process (run --trace seeds only the monitor), one nsfs mount. */
void nsw_table_seed_proc(struct nsw_table *t, const struct nsw_proc_ns *p);
void nsw_table_seed_mount(struct nsw_table *t, const struct nsw_nsfs_mount *m);

/* Apply one ring buffer record, in ring buffer order. */
void nsw_table_apply_nsop(struct nsw_table *t, const struct nsw_event *ev);
void nsw_table_apply_proc(struct nsw_table *t, const struct nsw_proc_event *ev);

/*
 * The owner, parent and id of the namespace of type (nsw_types[] index)
 * that the successful clone, clone3 or unshare record ev made, by the
 * kernel's own rule, not by asking it (docs/table.md, "Owner and parent"):
 * owned by the user namespace the caller (unshare) or the child (clone) has
 * after the call, a new user namespace's parent (and owner) the caller's
 * user namespace before it, a new pid namespace's parent the caller's
 * active pid namespace. owner_uid is not in the record (the creator's euid):
 * owner_uid_valid is false. false if ev does not show type made.
 */
bool nsw_ns_meta_made(const struct nsw_event *ev, unsigned int type,
		      struct nsw_ns_meta *m);

/*
 * A namespace a FORK record shows its child in, new to the table and not its
 * parent's, was made by the clone whose record comes at the syscall's exit:
 * its meta waits for that record. The kernel is asked (nsw_table_sweep) only
 * if the record has not come this long after the fork (rate limit, --type,
 * --failed, lost).
 */
#define NSW_META_WAIT_NS (50 * 1000 * 1000ULL)

/*
 * The live entry for a namespace of type (nsw_types[] index): by ns_id when
 * it is not 0, else by inode (also when the entry's own ns_id is still
 * unknown). NULL if unknown.
 */
const struct nsw_ns_entry *nsw_table_find(struct nsw_table *t, unsigned int type,
					  __u32 inode, __u64 ns_id);

/* The label of an entry, looked up on first need and then kept. */
const struct nsw_label *nsw_table_label(struct nsw_table *t,
					const struct nsw_ns_entry *e);

/*
 * Look up the labels of every namespace pid holds, while pid can still be
 * read (see nsw_table_label).
 */
void nsw_table_label_proc(struct nsw_table *t, pid_t pid);

/*
 * Give e the label of a process that made or entered it, as the kernel
 * recorded that process's cgroup: kept unless e has one already or the
 * host's pid 1 holds e (a container sharing a host namespace does not own it).
 */
void nsw_table_set_label(struct nsw_table *t, const struct nsw_ns_entry *e,
			 const struct nsw_label *l);

/* Number of live entries and of known processes. */
size_t nsw_table_count(const struct nsw_table *t);
size_t nsw_table_procs(const struct nsw_table *t);

/*
 * The live entries, in no order: prev NULL gives the first, NULL ends.
 * Applying a record meanwhile may free prev.
 */
const struct nsw_ns_entry *nsw_table_next(const struct nsw_table *t,
					  const struct nsw_ns_entry *prev);

/* The lowest pid that is a member of e (its own slot); 0 if none. */
pid_t nsw_table_member(struct nsw_table *t, const struct nsw_ns_entry *e);

/* The lowest pid holding e in any slot, *_for_children too; 0 if none. */
pid_t nsw_table_holder(struct nsw_table *t, const struct nsw_ns_entry *e);

/*
 * The owner of /proc/PID (lsns's USER) of a process the table read from
 * /proc (seeding); false if unknown.
 */
bool nsw_table_proc_uid(struct nsw_table *t, pid_t pid, uid_t *uid);

/*
 * Known processes that hold no namespace: their /proc/PID/ns could not be
 * read (no ptrace access). Returns how many; the lowest max pids go to
 * pids, ascending.
 */
size_t nsw_table_unread(struct nsw_table *t, pid_t *pids, size_t max);

/*
 * Lifetimes: ask the kernel about the entries no process is in (at most
 * every NSW_SWEEP_NS unless force; the fd search of older kernels at most
 * every NSW_SCAN_NS): HELD for the ones that live on. The ones found gone
 * (and those an EXIT record found gone) are EMPTIED by
 * nsw_table_sweep_finish(), to be called once the records already in the
 * ring buffer are applied: one of them may name such a namespace, which was
 * then alive. Returns how many wait for it. now_ns: CLOCK_MONOTONIC.
 */
#define NSW_SWEEP_NS (100 * 1000 * 1000ULL)
#define NSW_SCAN_NS (1000 * 1000 * 1000ULL)
#define NSW_SCAN_BUDGET_NS (20 * 1000 * 1000LL)
/*
 * HELD only for a namespace alive this long after its last process left:
 * the kernel frees some late (a pid namespace after its zombie init is
 * reaped and an RCU grace period; a user namespace from a work queue), and
 * those are not held by anything worth a line.
 */
#define NSW_HELD_GRACE_NS (100 * 1000 * 1000ULL)
/*
 * The grace from now on (NSW_HELD_GRACE_NS until set). A user namespace
 * outlives the kernel's teardown of every namespace it owns, and a net
 * namespace's teardown is a shared work queue: 40-100 ms here when idle,
 * longer behind other teardowns. An end that waits for the kernel's word
 * on what it made (run --trace) gives it longer than a stream does.
 */
void nsw_table_set_held_grace(struct nsw_table *t, __u64 grace_ns);
size_t nsw_table_sweep(struct nsw_table *t, __u64 now_ns, bool force);
void nsw_table_sweep_finish(struct nsw_table *t);

/* Entries no process is in, waiting for the kernel's word (sweep). */
size_t nsw_table_orphans(const struct nsw_table *t);
/* ... of which neither HELD nor found gone yet. */
size_t nsw_table_pending(const struct nsw_table *t);
/*
 * The oldest time a pending one was left, 0 if none: its HELD or EMPTIED
 * will carry that time, so a consumer that orders by time waits for it.
 */
__u64 nsw_table_pending_since(const struct nsw_table *t);

#endif /* NSW_NSTABLE_H */
