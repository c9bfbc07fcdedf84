// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace operations, seen from the syscall tracepoints.
 *
 * sys_enter_* remembers the call (flags, the caller's ten namespaces) in a
 * per-thread table; sched_process_fork adds the child's namespaces for clone
 * and clone3, read from the new task itself; sys_exit_* adds the result and
 * the caller's namespaces afterwards, and emits one event. Everything that
 * can be filtered is filtered at entry, before any map write, because these
 * programs run on every clone on the host.
 *
 * Two sets of syscall programs, one code: where the kernel gives tracepoint
 * programs bpf_get_current_task_btf() and task-local storage (5.11+), the
 * task is read with direct loads (the verifier makes each a PROBE_MEM load
 * of a few ns, not a helper call) and the in-flight record lives in the
 * task's own storage (no insert or delete per call, no stack copy, freed
 * with the task). Elsewhere (5.10) the same functions read with
 * bpf_probe_read_kernel() (BPF_CORE_READ) and keep the record in a hash by
 * thread id. The reporter loads one set (trace/tracer.c); the records are
 * the same. docs/architecture.md says which kernel gets which.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nswatch.h"
#include "cgroup_ids.h"

char LICENSE[] SEC("license") = "GPL";

#define NSFS_MAGIC 0x6e736673
#define PID_FS_MAGIC 0x50494446
#define ANON_INODE_FS_MAGIC 0x09041934

/* Settings, fixed before load by the reporter. */
const volatile __u32 filter_tgid = 0;     /* 0: any process */
const volatile __u32 self_tgid = 0;       /* the reporter: never traced */
const volatile bool filter_comm_on = false;
const volatile char filter_comm[NSW_COMM_LEN] = {};
const volatile bool follow = false;       /* only tgids in traced_tgids */
const volatile bool failed_only = false;
const volatile __u32 type_mask = 0;       /* bits of enum nsw_slot; 0: any */
const volatile bool all_clones = false;   /* report clones that change nothing */
const volatile __u64 wakeup_bytes = 0;    /* wake userspace past this backlog */
const volatile __u32 wakeup_step_shift = 0; /* ... and again every 1 << this many bytes */
const volatile bool proc_events = false;  /* fork, exec, exit records for the table */
/*
 * The running kernel's BTF ids of struct ns_common and struct files_struct,
 * where it has bpf_rdonly_cast(); 0 elsewhere. Only enter_setns_cast reads
 * them.
 */
const volatile __u32 ns_common_btf_id = 0;
const volatile __u32 files_struct_btf_id = 0;

/*
 * A kfunc of 6.2 and later: a pointer the verifier knows as a number (the
 * void * in an nsfs inode) becomes a read-only typed one, read with direct
 * loads. Weak, and called by enter_setns_cast only, which the reporter
 * loads where the kernel has the kfunc (trace/tracer.c).
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

struct pending {
	/*
	 * The ring record, filled in as the call goes: its tail starts with
	 * the ns_ids where the kernel has them; finish() puts the v1 cgroup
	 * after them when it is sent (include/nswatch.h).
	 */
	struct nsw_nsop_wire ev;
	__u64 cgroup_v1_id;
	/*
	 * A setns by a process outside the followed set into a followed
	 * process's namespaces: it joins the set if the call succeeds.
	 */
	bool adopt;
	/*
	 * Task storage only: the record is a call in flight. The storage
	 * outlives the call, so its exit clears this instead of deleting.
	 */
	bool active;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NSW_RING_SIZE_DEFAULT);
} events SEC(".maps");

/*
 * In-flight syscalls of the probe set, by thread id. The reporter shrinks it
 * to one entry when the btf set runs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct pending);
} inflight SEC(".maps");

/*
 * In-flight syscalls of the btf set, in each task's own storage: made at its
 * first traced call, reused by the next, freed by the kernel with the task
 * (a task killed in the middle of a call leaves nothing behind). Not created
 * where the probe set runs: 5.10 has no task storage for tracing programs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} inflight_task SEC(".maps");

/* Processes followed in `trace -- CMD` mode; the reporter seeds CMD. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced_tgids SEC(".maps");

/*
 * Namespaces made by followed processes, by inode; the reporter fills it. A
 * setns into one of them makes the caller followed too (nsenter into a
 * traced container).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} watched_ns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSW_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

#include "ratelimit.h"

/* Kernels before 5.6 have no time namespace; CO-RE tells which we run on. */
struct nsproxy___time {
	struct time_namespace *time_ns;
	struct time_namespace *time_ns_for_children;
} __attribute__((preserve_access_index));

/* Kernels before 6.18 have no ns_common.ns_id; CO-RE tells which we run on. */
struct ns_common___id {
	__u64 ns_id;
} __attribute__((preserve_access_index));

/*
 * A namespace's CLONE_NEW* type: in ns_common from 6.18, in its
 * proc_ns_operations before.
 */
struct ns_common___type {
	__u32 ns_type;
} __attribute__((preserve_access_index));

struct proc_ns_operations___type {
	int type;
} __attribute__((preserve_access_index));

/* Every slot, for reads of the whole set. */
#define NSW_ALL_SLOTS ((1U << NSW_SLOT_COUNT) - 1)

/* The call's ns_ids, in the record's tail: ns_id_after[] then target_ns_id. */
static __always_inline __u64 *ids_of(struct pending *p)
{
	return p->ev.tail;
}

static __always_inline bool kernel_has_ids(void)
{
	return bpf_core_field_exists(struct ns_common___id, ns_id);
}

static __always_inline void count(__u32 idx)
{
	__u64 *val = bpf_map_lookup_elem(&counters, &idx);

	if (val)
		(*val)++;
}

/* The pid's level and, only where it is not 0, its numbers[level] by probe. */
static __always_inline struct pid_namespace *pid_ns_at_level(const bool btf, struct pid *pid,
							     unsigned int level)
{
	struct pid_namespace *ns;
	struct upid upid = {};

	/*
	 * The barriers keep clang from making one load of the two (from a
	 * BTF pointer or from the stack), which the verifier refuses.
	 */
	if (NSW_DIRECT(btf) && level == 0) {
		ns = pid->numbers[0].ns;
		barrier_var(ns);
		return ns;
	}
	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level & 0x3f]);
	ns = upid.ns;
	barrier_var(ns);
	return ns;
}

/*
 * The task's own pid namespace: the one its pid was allocated in last.
 * numbers[level] takes a variable index, which a direct load may not: the
 * host's own processes (level 0) take a direct load, the others one probe.
 * What a probe returns is a plain number to the verifier, so its result is
 * for comparing; read_pid_slot() reads through it.
 */
static __always_inline struct pid_namespace *active_pid_ns(const bool btf,
							   struct task_struct *task)
{
	struct pid *pid = NSW_RD(btf, task, thread_pid);

	return pid_ns_at_level(btf, pid, NSW_RD(btf, pid, level));
}

/* One slot: the inode and, where the kernel has it and ids is set, the ns_id. */
static __always_inline void read_slot(const bool btf, struct ns_common *c, int slot,
				      __u32 *ns, __u64 *ids)
{
	ns[slot] = NSW_RD(btf, c, inum);
	if (ids && bpf_core_field_exists(struct ns_common___id, ns_id))
		ids[slot] = NSW_RD(btf, (struct ns_common___id *)c, ns_id);
}

/* The pid slot: direct loads at level 0, probes behind a probe. */
static __always_inline void read_pid_slot(const bool btf, struct task_struct *task,
					  __u32 *ns, __u64 *ids)
{
	struct pid *pid = NSW_RD(btf, task, thread_pid);
	unsigned int level = NSW_RD(btf, pid, level);

	if (NSW_DIRECT(btf) && level == 0)
		read_slot(true, &pid->numbers[0].ns->ns, NSW_SLOT_PID, ns, ids);
	else
		read_slot(false, &pid_ns_at_level(false, pid, level)->ns, NSW_SLOT_PID,
			  ns, ids);
}

/*
 * The task's slots in mask (bits of enum nsw_slot); ids (may be NULL) gets
 * their ns_ids.
 */
static __always_inline void read_ns(const bool btf, struct task_struct *task,
				    __u32 mask, __u32 *ns, __u64 *ids)
{
	struct nsproxy *nsp = NSW_RD(btf, task, nsproxy);

	if (mask & (1U << NSW_SLOT_USER))
		read_slot(btf, &NSW_RD(btf, task, cred, user_ns)->ns, NSW_SLOT_USER, ns, ids);
	/* An exiting task has dropped its nsproxy; only the user ns is left. */
	if (!nsp)
		return;
	if (mask & (1U << NSW_SLOT_MNT))
		read_slot(btf, &NSW_RD(btf, nsp, mnt_ns)->ns, NSW_SLOT_MNT, ns, ids);
	if (mask & (1U << NSW_SLOT_UTS))
		read_slot(btf, &NSW_RD(btf, nsp, uts_ns)->ns, NSW_SLOT_UTS, ns, ids);
	if (mask & (1U << NSW_SLOT_IPC))
		read_slot(btf, &NSW_RD(btf, nsp, ipc_ns)->ns, NSW_SLOT_IPC, ns, ids);
	if (mask & (1U << NSW_SLOT_NET))
		read_slot(btf, &NSW_RD(btf, nsp, net_ns)->ns, NSW_SLOT_NET, ns, ids);
	if (mask & (1U << NSW_SLOT_CGROUP))
		read_slot(btf, &NSW_RD(btf, nsp, cgroup_ns)->ns, NSW_SLOT_CGROUP, ns, ids);
	if (mask & (1U << NSW_SLOT_PID))
		read_pid_slot(btf, task, ns, ids);
	if (mask & (1U << NSW_SLOT_PID_FOR_CHILDREN))
		read_slot(btf, &NSW_RD(btf, nsp, pid_ns_for_children)->ns,
			  NSW_SLOT_PID_FOR_CHILDREN, ns, ids);
	if (bpf_core_field_exists(struct nsproxy___time, time_ns)) {
		struct nsproxy___time *t = (void *)nsp;

		if (mask & (1U << NSW_SLOT_TIME))
			read_slot(btf, &NSW_RD(btf, t, time_ns)->ns, NSW_SLOT_TIME, ns, ids);
		if (mask & (1U << NSW_SLOT_TIME_FOR_CHILDREN))
			read_slot(btf, &NSW_RD(btf, t, time_ns_for_children)->ns,
				  NSW_SLOT_TIME_FOR_CHILDREN, ns, ids);
	}
}

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < NSW_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

/*
 * The cheap questions first: is the current process one we report on at
 * all? Every entry program asks this before anything else.
 */
static __always_inline bool current_wanted(__u64 id)
{
	__u32 tgid = id >> 32;

	if (filter_tgid && tgid != filter_tgid)
		return false;
	if (tgid == self_tgid)
		return false;
	if (follow && !bpf_map_lookup_elem(&traced_tgids, &tgid))
		return false;
	return true;
}

/* Map CLONE_NEW* bits to the slots they create or join. */
static __always_inline __u32 flags_slot_mask(__u64 flags)
{
	__u32 m = 0;

	if (flags & CLONE_NEWNS)
		m |= 1U << NSW_SLOT_MNT;
	if (flags & CLONE_NEWUTS)
		m |= 1U << NSW_SLOT_UTS;
	if (flags & CLONE_NEWIPC)
		m |= 1U << NSW_SLOT_IPC;
	if (flags & CLONE_NEWNET)
		m |= 1U << NSW_SLOT_NET;
	if (flags & CLONE_NEWCGROUP)
		m |= 1U << NSW_SLOT_CGROUP;
	if (flags & CLONE_NEWPID)
		m |= 1U << NSW_SLOT_PID;
	if (flags & CLONE_NEWTIME)
		m |= 1U << NSW_SLOT_TIME;
	if (flags & CLONE_NEWUSER)
		m |= 1U << NSW_SLOT_USER;
	return m;
}

/*
 * Where the record of a call in flight is written at entry: the task's
 * storage (btf set) or the stack (probe set: the hash takes a copy, and a
 * per-CPU scratch buffer could be overwritten under us, since syscall
 * tracepoints may be preempted). NULL: counted as lost.
 */
static __always_inline struct pending *entry_record(const bool btf,
						    struct task_struct *task,
						    struct pending *stack, __u32 op)
{
	struct pending *p;

	if (!btf)
		return stack;
	p = bpf_task_storage_get(&inflight_task, task, 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p) {
		count(NSW_LOST_PENDING);
		rl_count_lost(op);
	}
	return p;
}

/*
 * Clear what begin() does not write of a task's reused record (zeroed when
 * the storage was made): what the last call of another kind may have left.
 * The slots begin() reads are all written on this kernel, or never (a type
 * it lacks); ids: the exit writes ns_after whole, begin() every slot's id.
 */
static __always_inline void clear_reused(struct pending *p, bool ids)
{
	p->ev.child_pid = 0; /* and setns_fd */
	p->ev.after_valid = 0;
	p->ev.target_kind = NSW_TARGET_NONE;
	p->ev.target_inum = 0; /* and target_pid */
	p->adopt = false;
	if (kernel_has_ids())
		ids_of(p)[NSW_SLOT_COUNT] = 0;
	if (!ids) {
		__builtin_memset(p->ev.ns_after, 0, sizeof(p->ev.ns_after));
		if (kernel_has_ids())
			__builtin_memset(ids_of(p), 0, NSW_SLOT_COUNT * sizeof(__u64));
	}
}

/*
 * Fill an in-flight record for a process current_wanted() accepted. Returns
 * false when the comm filter drops it. ids: read the ns_ids of the slots too
 * (into ids_of(): the exit reads again only the slots the call can
 * change).
 */
static __always_inline bool begin(const bool btf, struct pending *p,
				  struct task_struct *task, __u64 id, __u32 op, __u64 flags,
				  bool ids)
{
	if (NSW_DIRECT(btf)) {
		clear_reused(p, ids);
		/*
		 * Two loads instead of the helper's copy. set_task_comm() pads
		 * with NULs, so the bytes are the helper's, and the last is
		 * always one.
		 */
		__builtin_memcpy(p->ev.comm, task->comm, sizeof(p->ev.comm));
	} else {
		/* The stack record: the map takes all of it, read or not. */
		__builtin_memset(p, 0, sizeof(*p));
		bpf_get_current_comm(p->ev.comm, sizeof(p->ev.comm));
	}
	if (filter_comm_on && !comm_matches(p->ev.comm))
		return false;

	p->ev.ts_ns = bpf_ktime_get_ns();
	p->ev.kind = NSW_KIND_NSOP_WIRE;
	p->ev.op = op;
	p->ev.flags = flags;
	p->ev.flags_valid = 1;
	p->ev.pid = id >> 32;
	p->ev.tid = (__u32)id;
	p->ev.ppid = NSW_RD(btf, task, real_parent, tgid);
	p->ev.uid = NSW_RD(btf, task, cred, uid.val);
	p->ev.gid = NSW_RD(btf, task, cred, gid.val);
	p->ev.target_slot = NSW_SLOT_COUNT;
	read_ns(btf, task, NSW_ALL_SLOTS, p->ev.ns_before, ids ? ids_of(p) : NULL);
	/* What bpf_get_current_cgroup_id() gives, without the helper call. */
	p->ev.cgroup_id = NSW_DIRECT(btf) ? task_cgroup_v2_id(true, task) : bpf_get_current_cgroup_id();
	p->cgroup_v1_id = task_cgroup_v1_id(btf, task);
	return true;
}

/* The record begin() filled is a call in flight from now on. */
static __always_inline void stash(const bool btf, struct pending *p)
{
	__u32 tid = p->ev.tid;

	if (btf) {
		p->active = true;
		return;
	}
	if (bpf_map_update_elem(&inflight, &tid, p, BPF_ANY)) {
		count(NSW_LOST_PENDING);
		rl_count_lost(p->ev.op);
	}
}

/* The record of the call in flight on this task, or NULL. */
static __always_inline struct pending *inflight_of(const bool btf,
						   struct task_struct *task, __u32 tid)
{
	struct pending *p;

	if (!btf)
		return bpf_map_lookup_elem(&inflight, &tid);
	p = bpf_task_storage_get(&inflight_task, task, 0, 0);
	return p && p->active ? p : NULL;
}

static __always_inline void inflight_done(const bool btf, struct pending *p, __u32 tid)
{
	if (btf)
		p->active = false;
	else
		bpf_map_delete_elem(&inflight, &tid);
}

/*
 * A clone that asks for no namespace still moves the child into one when the
 * parent's *_for_children slots differ from its own (after unshare of pid or
 * time). Only those are worth an event; plain forks are not. Every fork on
 * the host asks this, so it compares pointers, before any record is made.
 */
static __always_inline bool clone_wanted(const bool btf, struct task_struct *task,
					 __u64 flags)
{
	struct nsproxy *nsp;

	if (all_clones || flags_slot_mask(flags))
		return true;
	nsp = NSW_RD(btf, task, nsproxy);
	if (active_pid_ns(btf, task) != NSW_RD(btf, nsp, pid_ns_for_children))
		return true;
	if (bpf_core_field_exists(struct nsproxy___time, time_ns)) {
		struct nsproxy___time *t = (void *)nsp;

		return NSW_RD(btf, t, time_ns) != NSW_RD(btf, t, time_ns_for_children);
	}
	return false;
}

static __always_inline int do_enter_clone(const bool btf, __u64 arg0)
{
	/* The low byte of clone()'s flags is the exit signal, not flags. */
	__u64 flags = arg0 & ~CSIGNAL;
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct pending stack, *p;

	if (!current_wanted(id))
		return 0;
	task = nsw_current_task(btf);
	if (!clone_wanted(btf, task, flags))
		return 0;
	p = entry_record(btf, task, &stack, NSW_OP_CLONE);
	if (p && begin(btf, p, task, id, NSW_OP_CLONE, flags, false))
		stash(btf, p);
	return 0;
}

static __always_inline int do_enter_clone3(const bool btf, struct clone_args *uargs)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct pending stack, *p;
	__u64 flags = 0;
	__u32 readable;

	if (!current_wanted(id))
		return 0;
	task = nsw_current_task(btf);
	readable = !bpf_probe_read_user(&flags, sizeof(flags), &uargs->flags);
	/* Unreadable flags: report the clone rather than guess it away. */
	if (readable && !clone_wanted(btf, task, flags))
		return 0;
	p = entry_record(btf, task, &stack, NSW_OP_CLONE3);
	if (!p || !begin(btf, p, task, id, NSW_OP_CLONE3, flags, false))
		return 0;
	p->ev.flags_valid = readable;
	stash(btf, p);
	return 0;
}

static __always_inline int do_enter_unshare(const bool btf, __u64 flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct pending stack, *p;

	if (!current_wanted(id))
		return 0;
	task = nsw_current_task(btf);
	p = entry_record(btf, task, &stack, NSW_OP_UNSHARE);
	if (p && begin(btf, p, task, id, NSW_OP_UNSHARE, flags, true))
		stash(btf, p);
	return 0;
}

/* The slot of a CLONE_NEW* namespace type; NSW_SLOT_COUNT if none. */
static __always_inline __u32 slot_of_type(__u32 type)
{
	switch (type) {
	case CLONE_NEWNS:
		return NSW_SLOT_MNT;
	case CLONE_NEWUTS:
		return NSW_SLOT_UTS;
	case CLONE_NEWIPC:
		return NSW_SLOT_IPC;
	case CLONE_NEWNET:
		return NSW_SLOT_NET;
	case CLONE_NEWCGROUP:
		return NSW_SLOT_CGROUP;
	case CLONE_NEWPID:
		return NSW_SLOT_PID;
	case CLONE_NEWTIME:
		return NSW_SLOT_TIME;
	case CLONE_NEWUSER:
		return NSW_SLOT_USER;
	}
	return NSW_SLOT_COUNT;
}

static __always_inline __u32 slot_of_ns_name(const char *n)
{
	/* proc_ns_operations.name: the same names as /proc/PID/ns. */
	switch (n[0]) {
	case 'm':
		return NSW_SLOT_MNT;
	case 'i':
		return NSW_SLOT_IPC;
	case 'n':
		return NSW_SLOT_NET;
	case 'c':
		return NSW_SLOT_CGROUP;
	case 'p':
		return NSW_SLOT_PID;
	case 't':
		return NSW_SLOT_TIME;
	case 'u':
		return n[1] == 't' ? NSW_SLOT_UTS : NSW_SLOT_USER;
	}
	return NSW_SLOT_COUNT;
}

/* Bytes of an ns_common read at once: its fields in 6.18 lie within 48. */
#define NSW_NS_COMMON_SPAN 128

/*
 * Field f of the ns_common at src, from buf, the copy of its first
 * NSW_NS_COMMON_SPAN bytes; a kernel that puts it further reads it alone.
 */
#define NSW_NS_FIELD(buf, type, src, f)                                              \
	(bpf_core_field_offset(type, f) <= sizeof(buf) - bpf_core_field_size(type, f) ?     \
		 *(typeof(((type *)0)->f) *)((char *)(buf) + bpf_core_field_offset(type, f)) : \
		 BPF_CORE_READ((type *)(src), f))

/*
 * An nsfs file's namespace (ns came from a void pointer: probes only): its
 * inode, ns_id where the kernel has one, and slot. One probe read takes the
 * start of its ns_common, where every field is; the slot comes from its
 * type (a number), in ns_common from 6.18, in its proc_ns_operations before
 * (a second probe), or where the kernel has it in neither, from its name.
 */
static __always_inline void read_nsfs_target(struct ns_common *ns, struct pending *p)
{
	__u64 buf[NSW_NS_COMMON_SPAN / sizeof(__u64)] = {};
	char name[8] = {};

	if (bpf_probe_read_kernel(buf, sizeof(buf), ns))
		return;
	p->ev.target_kind = NSW_TARGET_NSFS;
	p->ev.target_inum = NSW_NS_FIELD(buf, struct ns_common, ns, inum);
	if (kernel_has_ids())
		ids_of(p)[NSW_SLOT_COUNT] = NSW_NS_FIELD(buf, struct ns_common___id, ns, ns_id);
	if (bpf_core_field_exists(struct ns_common___type, ns_type)) {
		p->ev.target_slot =
			slot_of_type(NSW_NS_FIELD(buf, struct ns_common___type, ns, ns_type));
		return;
	}
	if (bpf_core_field_exists(struct proc_ns_operations___type, type)) {
		struct proc_ns_operations___type *ops =
			(void *)NSW_NS_FIELD(buf, struct ns_common, ns, ops);

		p->ev.target_slot = slot_of_type(BPF_CORE_READ(ops, type));
		return;
	}
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(ns, ops, name));
	p->ev.target_slot = slot_of_ns_name(name);
}

/*
 * The same as read_nsfs_target(), with direct loads through
 * bpf_rdonly_cast() instead of a probe read of the namespace (and a second
 * of its ops before 6.18).
 */
static __always_inline void read_nsfs_target_cast(void *priv, struct pending *p)
{
	struct ns_common *ns = bpf_rdonly_cast(priv, ns_common_btf_id);
	char name[8] = {};

	if (!ns)
		return;
	p->ev.target_kind = NSW_TARGET_NSFS;
	p->ev.target_inum = ns->inum;
	if (kernel_has_ids())
		ids_of(p)[NSW_SLOT_COUNT] = ((struct ns_common___id *)ns)->ns_id;
	if (bpf_core_field_exists(struct ns_common___type, ns_type)) {
		p->ev.target_slot = slot_of_type(((struct ns_common___type *)ns)->ns_type);
		return;
	}
	if (bpf_core_field_exists(struct proc_ns_operations___type, type)) {
		const struct proc_ns_operations___type *ops = (const void *)ns->ops;

		p->ev.target_slot = slot_of_type(ops->type);
		return;
	}
	bpf_probe_read_kernel_str(name, sizeof(name), ns->ops->name);
	p->ev.target_slot = slot_of_ns_name(name);
}

/* files_struct.fd_array[]: the table of a process that never had 64 fds. */
#define NSW_FD_ARRAY_LEN 64

/*
 * btf: the fd's file as a BTF pointer, from the table embedded in
 * files_struct, which holds the fds below 64 for as long as the process's
 * table was never made bigger. The index is a constant in each step (a
 * direct load may take no other). NULL with *found false: look in fdt.
 */
static __always_inline struct file *fd_array_file(struct task_struct *task, int fd,
						 bool *found)
{
	struct files_struct *files = task->files;
	struct file *file = NULL;

	*found = false;
	if (!files || fd < 0 || fd >= NSW_FD_ARRAY_LEN ||
	    (unsigned long)files->fdt != (unsigned long)&files->fdtab)
		return NULL;
	*found = true;
#pragma unroll
	for (int i = 0; i < NSW_FD_ARRAY_LEN; i++) {
		if (i == fd) {
			file = files->fd_array[i];
			break;
		}
	}
	return file;
}

/*
 * What a setns file is. btf: file is a BTF pointer. i_private and
 * private_data are void pointers, which a direct load turns into a plain
 * number: the namespace or pid behind them is read with probes.
 */
static __always_inline void read_setns_file(const bool btf, const bool cast,
					    struct pending *p, struct file *file)
{
	struct inode *inode = NSW_RD(btf, file, f_inode);
	unsigned long magic = NSW_RD(btf, inode, i_sb, s_magic);
	char name[8] = {};

	if (magic == NSFS_MAGIC) {
		if (cast)
			read_nsfs_target_cast(NSW_RD(btf, inode, i_private), p);
		else
			read_nsfs_target(NSW_RD(btf, inode, i_private), p);
		return;
	}
	if (magic == ANON_INODE_FS_MAGIC) {
		/* Before pidfs (6.9), a pidfd is the anon inode "[pidfd]". */
		const unsigned char *dn = NSW_RD(btf, file, f_path.dentry, d_name.name);

		bpf_probe_read_kernel_str(name, sizeof(name), dn);
		if (name[1] != 'p' || name[2] != 'i' || name[3] != 'd' ||
		    name[4] != 'f' || name[5] != 'd')
			return;
	} else if (magic != PID_FS_MAGIC) {
		return;
	}
	p->ev.target_kind = NSW_TARGET_PIDFD;
	/* pidfs keeps the struct pid in the inode, the anon inode in the file. */
	{
		struct pid *pid = magic == PID_FS_MAGIC ? NSW_RD(btf, inode, i_private) :
							  NSW_RD(btf, file, private_data);

		p->ev.target_pid = BPF_CORE_READ(pid, numbers[0].nr);
	}
}

/*
 * cast: the file in slot i of an fd table, as a typed pointer. The verifier
 * knows the table (a struct file **) as a number only, and a direct load
 * takes no variable index. So the slot is read as fd_array[0] of a
 * files_struct cast to lie just before it (the kernel's one struct with an
 * array of file pointers): a read-only PROBE_MEM load of that slot alone.
 */
static __always_inline struct file *fd_table_file(struct file **fds, unsigned int i)
{
	struct files_struct *at = bpf_rdonly_cast(
		(char *)&fds[i] - bpf_core_field_offset(struct files_struct, fd_array),
		files_struct_btf_id);

	return at->fd_array[0];
}

/*
 * What the setns fd refers to: read now, while the fd is surely open. The
 * btf set finds most files with direct loads (fd_array_file()); the fd
 * table proper takes a variable index, so a file found there, and all
 * behind it, is read with probes, but where bpf_rdonly_cast() makes it a
 * direct load too (cast). A process whose table once grew past 64 fds
 * takes that path: one that a shell with fd 255 open started, for one.
 */
static __always_inline void read_setns_target(const bool btf, const bool cast,
					      struct pending *p, struct task_struct *task,
					      int fd)
{
	struct fdtable *fdt;
	struct file **fds;
	struct file *file = NULL;
	bool found = false;

	if (NSW_DIRECT(btf)) {
		file = fd_array_file(task, fd, &found);
		if (found) {
			if (file)
				read_setns_file(true, cast, p, file);
			return;
		}
	}
	fdt = NSW_RD(btf, task, files, fdt);
	fds = NSW_RD(btf, fdt, fd);
	if (fd < 0 || (unsigned int)fd >= NSW_RD(btf, fdt, max_fds))
		return;
	if (NSW_DIRECT(btf) && cast) {
		file = fd_table_file(fds, fd);
		if (file)
			read_setns_file(true, true, p, file);
		return;
	}
	bpf_core_read(&file, sizeof(file), &fds[fd]);
	if (file)
		read_setns_file(false, false, p, file);
}

/*
 * Following a process tree, a setns from outside it into it (nswatch exec,
 * nsenter) is part of the story: the target is a followed process's pidfd
 * or a namespace a followed process made.
 */
static __always_inline bool joins_followed(const struct pending *p)
{
	__u32 key = p->ev.target_kind == NSW_TARGET_PIDFD ? p->ev.target_pid :
							     p->ev.target_inum;

	if (p->ev.target_kind == NSW_TARGET_PIDFD)
		return bpf_map_lookup_elem(&traced_tgids, &key);
	if (p->ev.target_kind == NSW_TARGET_NSFS)
		return bpf_map_lookup_elem(&watched_ns, &key);
	return false;
}

/* cast: read an nsfs target with bpf_rdonly_cast() (btf set, 6.2 and later). */
static __always_inline int do_enter_setns(const bool btf, const bool cast, int fd,
					  __u64 nstype)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	bool wanted = current_wanted(id);
	struct task_struct *task;
	struct pending stack, *p;

	/* Outside the followed set only a join into it is of interest. */
	if (!wanted && (!follow || tgid == self_tgid))
		return 0;
	task = nsw_current_task(btf);
	p = entry_record(btf, task, &stack, NSW_OP_SETNS);
	if (!p || !begin(btf, p, task, id, NSW_OP_SETNS, nstype, true))
		return 0;
	p->ev.setns_fd = (__u32)fd;
	read_setns_target(btf, cast, p, task, fd);
	if (!wanted) {
		if (!joins_followed(p))
			return 0;
		p->adopt = true;
	}
	stash(btf, p);
	return 0;
}

/*
 * The wakeup of a record of size bytes that took the ring's backlog from
 * before to backlog: forced when it is past wakeup_bytes and the record
 * crosses a step boundary.
 *
 * The reporter polls every 50 ms regardless, and is woken early only when
 * the backlog grows. The wakeup must be forced: after unannounced records
 * the kernel's own heuristic would not send one. A wakeup for every record
 * past the mark cost each an irq_work, about 0.4 us here, whenever the
 * reporter lagged. One per step past it (1/128 of the ring, about a
 * hundred records) keeps waking a lagging reporter for a hundredth of the
 * cost.
 */
static __always_inline __u64 wakeup_flag(__u64 before, __u64 backlog, __u64 size)
{
	if (backlog >= wakeup_bytes && backlog >= size + BPF_RINGBUF_HDR_SZ &&
	    (backlog >> wakeup_step_shift) != (before >> wakeup_step_shift))
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* Submit a ring buffer record of size bytes, with the wakeup it needs. */
static __always_inline void submit(void *rec, __u64 size)
{
	__u64 backlog = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 before = backlog - size - BPF_RINGBUF_HDR_SZ;

	bpf_ringbuf_submit(rec, wakeup_flag(before, backlog, size));
}

/* Fork, exec and exit are reported for processes in scope only. */
static __always_inline bool proc_wanted(__u32 tgid)
{
	if (!proc_events || tgid == self_tgid)
		return false;
	if (filter_tgid && tgid != filter_tgid)
		return false;
	if (follow && !bpf_map_lookup_elem(&traced_tgids, &tgid))
		return false;
	return true;
}

/* task: a tp_btf argument; btf: read it with direct loads (kread.h). */
static __always_inline struct nsw_proc_event *proc_record(const bool btf, __u32 kind,
							  struct task_struct *task)
{
	struct nsw_proc_event *rec;

	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count(NSW_LOST_PROC);
		return NULL;
	}
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->ts_ns = bpf_ktime_get_ns();
	rec->pid = NSW_RD(btf, task, tgid);
	rec->ppid = NSW_RD(btf, task, real_parent, tgid);
	rec->uid = NSW_RD(btf, task, cred, uid.val);
	BPF_CORE_READ_STR_INTO(&rec->comm, task, comm);
	return rec;
}

/*
 * A plain fork shares its caller's nsproxy and user namespace and lands in
 * the caller's own pid namespace: the reporter copies the caller's slots and
 * the kernel side reads nothing more.
 */
static __always_inline bool same_ns_as_caller(const bool btf, struct task_struct *parent,
					      struct task_struct *child)
{
	struct nsproxy *nsp = NSW_RD(btf, parent, nsproxy);

	if (nsp != NSW_RD(btf, child, nsproxy))
		return false;
	if (NSW_RD(btf, parent, cred, user_ns) != NSW_RD(btf, child, cred, user_ns))
		return false;
	return active_pid_ns(btf, parent) == NSW_RD(btf, nsp, pid_ns_for_children);
}

/*
 * The child of a clone we watch: its namespaces are the "after" set. The
 * tracepoint's tasks are BTF pointers on every kernel, but direct loads
 * through them cost the verifier much (trace/tracer.c): only the btf set
 * reads them so, as its syscall programs do.
 */
static __always_inline int do_fork(const bool btf, struct task_struct *parent,
				   struct task_struct *child)
{
	__u32 ptid = NSW_RD(btf, parent, pid);
	__u32 ptgid = NSW_RD(btf, parent, tgid);
	__u32 ctgid = NSW_RD(btf, child, tgid);
	struct nsw_proc_event *rec;
	struct pending *p;

	if (follow && ctgid != ptgid && bpf_map_lookup_elem(&traced_tgids, &ptgid)) {
		__u8 one = 1;

		bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
	}
	p = inflight_of(btf, parent, ptid);
	if (p) {
		p->ev.child_pid = ctgid;
		read_ns(btf, child, NSW_ALL_SLOTS, p->ev.ns_after, ids_of(p));
		p->ev.after_valid = 1;
	}
	if (ctgid == ptgid || !proc_wanted(ctgid))
		return 0;
	rec = proc_record(btf, NSW_KIND_FORK, child);
	if (!rec)
		return 0;
	rec->ppid = ptgid;
	if (!same_ns_as_caller(btf, parent, child)) {
		read_ns(btf, child, NSW_ALL_SLOTS, rec->ns, rec->ns_id);
		rec->ns_valid = 1;
		rec->cgroup_id = task_cgroup_v2_id(btf, child);
		rec->cgroup_v1_id = task_cgroup_v1_id(btf, child);
	}
	submit(rec, sizeof(*rec));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct nsw_proc_event *rec;

	if (!proc_wanted(NSW_RD(false, task, tgid)))
		return 0;
	rec = proc_record(false, NSW_KIND_EXEC, task);
	if (!rec)
		return 0;
	bpf_probe_read_kernel_str(rec->filename, sizeof(rec->filename), NSW_RD(false, bprm, filename));
	submit(rec, sizeof(*rec));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 tgid = NSW_RD(false, task, tgid);
	struct nsw_proc_event *rec;

	/* The group is gone once its last thread leaves. */
	if (NSW_RD(false, task, signal, live.counter) != 0)
		return 0;
	if (proc_wanted(tgid)) {
		rec = proc_record(false, NSW_KIND_EXIT, task);
		if (rec) {
			rec->exit_code = NSW_RD(false, task, exit_code);
			submit(rec, sizeof(*rec));
		}
	}
	if (follow)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	return 0;
}

static __always_inline __u32 changed_slots(const struct nsw_nsop_wire *ev)
{
	__u32 m = 0;

	for (int i = 0; i < NSW_SLOT_COUNT; i++)
		if (ev->ns_before[i] != ev->ns_after[i])
			m |= 1U << i;
	return m;
}

/* --type: keep an event that asked for, made, joined or changed a type. */
static __always_inline bool type_wanted(const struct nsw_nsop_wire *ev)
{
	__u32 m;

	if (!type_mask)
		return true;
	m = flags_slot_mask(ev->op == NSW_OP_CLONE ? ev->flags & ~CSIGNAL : ev->flags);
	if (ev->target_slot < NSW_SLOT_COUNT)
		m |= 1U << ev->target_slot;
	if (ev->after_valid)
		m |= changed_slots(ev);
	/* pid_for_children and time_for_children count as pid and time. */
	if (m & (1U << NSW_SLOT_PID_FOR_CHILDREN))
		m |= 1U << NSW_SLOT_PID;
	if (m & (1U << NSW_SLOT_TIME_FOR_CHILDREN))
		m |= 1U << NSW_SLOT_TIME;
	return m & type_mask;
}

/*
 * The slots an unshare or setns can have changed: only a task's own calls
 * change its namespaces, and these only in the slots of their flags (pid and
 * time reach the *_for_children slots; a setns to a time namespace moves
 * both). A setns with nstype 0 may join any type: all are read again.
 */
static __always_inline __u32 after_mask(const struct nsw_nsop_wire *ev)
{
	__u32 m;

	if (ev->op == NSW_OP_SETNS && !ev->flags)
		return NSW_ALL_SLOTS;
	m = flags_slot_mask(ev->flags);
	if (ev->op == NSW_OP_SETNS && ev->target_slot < NSW_SLOT_COUNT)
		m |= 1U << ev->target_slot;
	if (m & (1U << NSW_SLOT_PID))
		m |= 1U << NSW_SLOT_PID_FOR_CHILDREN;
	if (m & (1U << NSW_SLOT_TIME))
		m |= 1U << NSW_SLOT_TIME_FOR_CHILDREN;
	return m;
}

/*
 * What the record's tail sends (include/nswatch.h): the ns_ids where the
 * kernel has them, then the v1 cgroup if one was chosen. Returns its
 * entries; both choices are constants once the programs are loaded.
 */
static __always_inline __u32 fill_tail(struct pending *p)
{
	__u32 n = 0, wire = 0;

	if (kernel_has_ids()) {
		wire |= NSW_WIRE_IDS;
		n = NSW_WIRE_IDS_COUNT;
	}
	if (cgroup_v1_ctrl != NSW_V1_NONE) {
		p->ev.tail[n] = p->cgroup_v1_id;
		wire |= NSW_WIRE_V1;
		n++;
	}
	p->ev.wire = wire;
	return n;
}

/*
 * read_after: an unshare or setns, whose caller's namespaces afterwards are
 * those before with the slots of after_mask() read again (begin() read the
 * ns_ids of all).
 */
static __always_inline int finish(const bool btf, long ret, bool read_after)
{
	/* Only the probe set's table is by thread id; a helper call the btf set skips. */
	__u32 tid = btf ? 0 : (__u32)bpf_get_current_pid_tgid();
	struct task_struct *task = nsw_current_task(btf);
	struct pending *p = inflight_of(btf, task, tid);
	__u64 before, after, size;

	if (!p)
		return 0;
	p->ev.ret = ret;
	p->ev.duration_ns = bpf_ktime_get_ns() - p->ev.ts_ns;
	if (read_after) {
		__builtin_memcpy(p->ev.ns_after, p->ev.ns_before, sizeof(p->ev.ns_after));
		read_ns(btf, task, after_mask(&p->ev), p->ev.ns_after, ids_of(p));
		p->ev.after_valid = 1;
	}
	if (p->adopt && ret >= 0) {
		__u32 tgid = p->ev.pid;
		__u8 one = 1;

		bpf_map_update_elem(&traced_tgids, &tgid, &one, BPF_ANY);
	}
	if ((failed_only && ret >= 0) || !type_wanted(&p->ev))
		goto out_done;
	if (!rl_admit(p->ev.uid, p->ev.op, p->ev.ts_ns))
		goto out_done;

	/*
	 * One helper copies the record in (the kernel's memcpy, not BPF loads
	 * and stores); the backlog before it decides the wakeup, as submit()'s
	 * after does.
	 */
	size = __builtin_offsetof(struct nsw_nsop_wire, tail) + fill_tail(p) * sizeof(__u64);
	before = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	after = before + size + BPF_RINGBUF_HDR_SZ;
	if (bpf_ringbuf_output(&events, &p->ev, size, wakeup_flag(before, after, size))) {
		count(NSW_LOST_RINGBUF);
		rl_count_lost(p->ev.op);
	}
out_done:
	inflight_done(btf, p, tid);
	return 0;
}

/*
 * The programs, twice: the btf set (direct loads, task storage) keeps the
 * names of the hooks' roles; the probe set has the prefix p_. The reporter
 * loads one of them (trace/tracer.c).
 */
#define NSW_SYSCALL_PROGS(btf, pfx)                                                \
	SEC("tracepoint/syscalls/sys_enter_clone")                                 \
	int pfx##enter_clone(struct trace_event_raw_sys_enter *ctx)                \
	{                                                                          \
		return do_enter_clone(btf, ctx->args[0]);                          \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_enter_clone3")                                \
	int pfx##enter_clone3(struct trace_event_raw_sys_enter *ctx)               \
	{                                                                          \
		return do_enter_clone3(btf, (struct clone_args *)ctx->args[0]);    \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_enter_unshare")                               \
	int pfx##enter_unshare(struct trace_event_raw_sys_enter *ctx)              \
	{                                                                          \
		return do_enter_unshare(btf, ctx->args[0]);                        \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_enter_setns")                                 \
	int pfx##enter_setns(struct trace_event_raw_sys_enter *ctx)                \
	{                                                                          \
		return do_enter_setns(btf, false, (int)ctx->args[0], ctx->args[1]); \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_exit_clone")                                  \
	int pfx##exit_clone(struct trace_event_raw_sys_exit *ctx)                  \
	{                                                                          \
		return finish(btf, ctx->ret, false);                               \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_exit_clone3")                                 \
	int pfx##exit_clone3(struct trace_event_raw_sys_exit *ctx)                 \
	{                                                                          \
		return finish(btf, ctx->ret, false);                               \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_exit_unshare")                                \
	int pfx##exit_unshare(struct trace_event_raw_sys_exit *ctx)                \
	{                                                                          \
		return finish(btf, ctx->ret, true);                                \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_exit_setns")                                  \
	int pfx##exit_setns(struct trace_event_raw_sys_exit *ctx)                  \
	{                                                                          \
		return finish(btf, ctx->ret, true);                                \
	}                                                                          \
	SEC("tp_btf/sched_process_fork")                                           \
	int BPF_PROG(pfx##on_fork, struct task_struct *parent,                     \
		     struct task_struct *child)                                    \
	{                                                                          \
		return do_fork(btf, parent, child);                                \
	}

NSW_SYSCALL_PROGS(true, )
NSW_SYSCALL_PROGS(false, p_)

/* The btf set's enter_setns where the kernel has bpf_rdonly_cast() (6.2). */
SEC("tracepoint/syscalls/sys_enter_setns")
int enter_setns_cast(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter_setns(true, true, (int)ctx->args[0], ctx->args[1]);
}
