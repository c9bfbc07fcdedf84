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
const volatile bool proc_events = false;  /* fork, exec, exit records for the table */

struct pending {
	struct nsw_event ev;
	/*
	 * A setns by a process outside the followed set into a followed
	 * process's namespaces: it joins the set if the call succeeds.
	 */
	bool adopt;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NSW_RING_SIZE_DEFAULT);
} events SEC(".maps");

/* In-flight syscalls, by thread id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct pending);
} inflight SEC(".maps");

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

static __always_inline void count(__u32 idx)
{
	__u64 *val = bpf_map_lookup_elem(&counters, &idx);

	if (val)
		(*val)++;
}

/* The task's own pid namespace: the one its pid was allocated in last. */
static __always_inline struct pid_namespace *active_pid_ns(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid upid = {};

	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level & 0x3f]);
	return upid.ns;
}

/* One slot: the inode and, where the kernel has it and ids is set, the ns_id. */
static __always_inline void read_slot(struct ns_common *c, int slot, __u32 *ns,
				      __u64 *ids)
{
	ns[slot] = BPF_CORE_READ(c, inum);
	if (ids && bpf_core_field_exists(struct ns_common___id, ns_id))
		ids[slot] = BPF_CORE_READ((struct ns_common___id *)c, ns_id);
}

/* The task's ten slots; ids (may be NULL) gets their ns_ids. */
static __always_inline void read_ns(struct task_struct *task, __u32 *ns, __u64 *ids)
{
	struct nsproxy *nsp = BPF_CORE_READ(task, nsproxy);
	struct user_namespace *user = BPF_CORE_READ(task, cred, user_ns);
	struct pid_namespace *pidns;

	read_slot(&user->ns, NSW_SLOT_USER, ns, ids);
	/* An exiting task has dropped its nsproxy; only the user ns is left. */
	if (!nsp)
		return;
	read_slot(&BPF_CORE_READ(nsp, mnt_ns)->ns, NSW_SLOT_MNT, ns, ids);
	read_slot(&BPF_CORE_READ(nsp, uts_ns)->ns, NSW_SLOT_UTS, ns, ids);
	read_slot(&BPF_CORE_READ(nsp, ipc_ns)->ns, NSW_SLOT_IPC, ns, ids);
	read_slot(&BPF_CORE_READ(nsp, net_ns)->ns, NSW_SLOT_NET, ns, ids);
	read_slot(&BPF_CORE_READ(nsp, cgroup_ns)->ns, NSW_SLOT_CGROUP, ns, ids);
	pidns = active_pid_ns(task);
	read_slot(&pidns->ns, NSW_SLOT_PID, ns, ids);
	pidns = BPF_CORE_READ(nsp, pid_ns_for_children);
	read_slot(&pidns->ns, NSW_SLOT_PID_FOR_CHILDREN, ns, ids);
	if (bpf_core_field_exists(struct nsproxy___time, time_ns)) {
		struct nsproxy___time *t = (void *)nsp;
		struct time_namespace *tns = BPF_CORE_READ(t, time_ns);

		read_slot(&tns->ns, NSW_SLOT_TIME, ns, ids);
		tns = BPF_CORE_READ(t, time_ns_for_children);
		read_slot(&tns->ns, NSW_SLOT_TIME_FOR_CHILDREN, ns, ids);
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
static __always_inline bool current_wanted(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

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
 * Fill an in-flight record for a process current_wanted() accepted. Returns
 * false when the comm filter drops it. The record lives on the stack:
 * syscall tracepoints may be preempted, so a per-CPU scratch buffer could be
 * overwritten under us.
 */
static __always_inline bool begin(struct pending *p, __u32 op, __u64 flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;

	__builtin_memset(p, 0, sizeof(*p));
	bpf_get_current_comm(p->ev.comm, sizeof(p->ev.comm));
	if (filter_comm_on && !comm_matches(p->ev.comm))
		return false;

	task = (struct task_struct *)bpf_get_current_task();
	p->ev.ts_ns = bpf_ktime_get_ns();
	p->ev.kind = NSW_KIND_NSOP;
	p->ev.op = op;
	p->ev.flags = flags;
	p->ev.flags_valid = 1;
	p->ev.pid = id >> 32;
	p->ev.tid = (__u32)id;
	p->ev.ppid = BPF_CORE_READ(task, real_parent, tgid);
	p->ev.uid = BPF_CORE_READ(task, cred, uid.val);
	p->ev.gid = BPF_CORE_READ(task, cred, gid.val);
	p->ev.target_slot = NSW_SLOT_COUNT;
	read_ns(task, p->ev.ns_before, NULL);
	p->ev.cgroup_id = bpf_get_current_cgroup_id();
	p->ev.cgroup_v1_id = task_cgroup_v1_id(task);
	return true;
}

static __always_inline void stash(struct pending *p)
{
	__u32 tid = p->ev.tid;

	if (bpf_map_update_elem(&inflight, &tid, p, BPF_ANY)) {
		count(NSW_LOST_PENDING);
		rl_count_lost(p->ev.op);
	}
}

/*
 * A clone that asks for no namespace still moves the child into one when the
 * parent's *_for_children slots differ from its own (after unshare of pid or
 * time). Only those are worth an event; plain forks are not. Every fork on
 * the host asks this, so it compares pointers, before any record is made.
 */
static __always_inline bool clone_wanted(__u64 flags)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct nsproxy *nsp;

	if (all_clones || flags_slot_mask(flags))
		return true;
	nsp = BPF_CORE_READ(task, nsproxy);
	if (active_pid_ns(task) != BPF_CORE_READ(nsp, pid_ns_for_children))
		return true;
	if (bpf_core_field_exists(struct nsproxy___time, time_ns)) {
		struct nsproxy___time *t = (void *)nsp;

		return BPF_CORE_READ(t, time_ns) != BPF_CORE_READ(t, time_ns_for_children);
	}
	return false;
}

SEC("tracepoint/syscalls/sys_enter_clone")
int enter_clone(struct trace_event_raw_sys_enter *ctx)
{
	/* The low byte of clone()'s flags is the exit signal, not flags. */
	__u64 flags = ctx->args[0] & ~CSIGNAL;
	struct pending p;

	if (current_wanted() && clone_wanted(flags) &&
	    begin(&p, NSW_OP_CLONE, flags))
		stash(&p);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_clone3")
int enter_clone3(struct trace_event_raw_sys_enter *ctx)
{
	struct clone_args *uargs = (void *)ctx->args[0];
	__u64 flags = 0;
	__u32 readable;
	struct pending p;

	if (!current_wanted())
		return 0;
	readable = !bpf_probe_read_user(&flags, sizeof(flags), &uargs->flags);
	/* Unreadable flags: report the clone rather than guess it away. */
	if (readable && !clone_wanted(flags))
		return 0;
	if (!begin(&p, NSW_OP_CLONE3, flags))
		return 0;
	p.ev.flags_valid = readable;
	stash(&p);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_unshare")
int enter_unshare(struct trace_event_raw_sys_enter *ctx)
{
	struct pending p;

	if (current_wanted() && begin(&p, NSW_OP_UNSHARE, ctx->args[0]))
		stash(&p);
	return 0;
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

/* What the setns fd refers to: read now, while the fd is surely open. */
static __always_inline void read_setns_target(struct pending *p, int fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	unsigned long magic;
	char name[8] = {};

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	bpf_core_read(&file, sizeof(file), &fds[fd]);
	if (!file)
		return;
	magic = BPF_CORE_READ(file, f_inode, i_sb, s_magic);
	if (magic == NSFS_MAGIC) {
		struct ns_common *ns = BPF_CORE_READ(file, f_inode, i_private);
		const char *nsname = BPF_CORE_READ(ns, ops, name);

		bpf_probe_read_kernel_str(name, sizeof(name), nsname);
		p->ev.target_kind = NSW_TARGET_NSFS;
		p->ev.target_slot = slot_of_ns_name(name);
		read_slot(ns, 0, &p->ev.target_inum, &p->ev.target_ns_id);
		return;
	}
	if (magic == ANON_INODE_FS_MAGIC) {
		/* Before pidfs (6.9), a pidfd is the anon inode "[pidfd]". */
		const unsigned char *dn = BPF_CORE_READ(file, f_path.dentry, d_name.name);

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
		struct pid *pid = magic == PID_FS_MAGIC ?
					  BPF_CORE_READ(file, f_inode, i_private) :
					  BPF_CORE_READ(file, private_data);

		p->ev.target_pid = BPF_CORE_READ(pid, numbers[0].nr);
	}
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

SEC("tracepoint/syscalls/sys_enter_setns")
int enter_setns(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	bool wanted = current_wanted();
	struct pending p;

	/* Outside the followed set only a join into it is of interest. */
	if (!wanted && (!follow || tgid == self_tgid))
		return 0;
	if (!begin(&p, NSW_OP_SETNS, ctx->args[1]))
		return 0;
	p.ev.setns_fd = (__u32)ctx->args[0];
	read_setns_target(&p, (int)ctx->args[0]);
	if (!wanted) {
		if (!joins_followed(&p))
			return 0;
		p.adopt = true;
	}
	stash(&p);
	return 0;
}

/* Submit a ring buffer record, waking the reporter only past a backlog. */
static __always_inline void submit(void *rec)
{
	/*
	 * The reporter polls every 50 ms regardless, and is woken early only
	 * when the backlog grows. The wakeup must be forced: after unannounced
	 * records the kernel's own heuristic would not send one.
	 */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < wakeup_bytes)
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	else
		bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
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

static __always_inline struct nsw_proc_event *proc_record(__u32 kind,
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
	rec->pid = BPF_CORE_READ(task, tgid);
	rec->ppid = BPF_CORE_READ(task, real_parent, tgid);
	rec->uid = BPF_CORE_READ(task, cred, uid.val);
	BPF_CORE_READ_STR_INTO(&rec->comm, task, comm);
	return rec;
}

/*
 * A plain fork shares its caller's nsproxy and user namespace and lands in
 * the caller's own pid namespace: the reporter copies the caller's slots and
 * the kernel side reads nothing more.
 */
static __always_inline bool same_ns_as_caller(struct task_struct *parent,
					      struct task_struct *child)
{
	struct nsproxy *nsp = BPF_CORE_READ(parent, nsproxy);

	if (nsp != BPF_CORE_READ(child, nsproxy))
		return false;
	if (BPF_CORE_READ(parent, cred, user_ns) != BPF_CORE_READ(child, cred, user_ns))
		return false;
	return active_pid_ns(parent) == BPF_CORE_READ(nsp, pid_ns_for_children);
}

/* The child of a clone we watch: its namespaces are the "after" set. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptid = BPF_CORE_READ(parent, pid);
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct nsw_proc_event *rec;
	struct pending *p;

	if (follow && ctgid != ptgid && bpf_map_lookup_elem(&traced_tgids, &ptgid)) {
		__u8 one = 1;

		bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
	}
	p = bpf_map_lookup_elem(&inflight, &ptid);
	if (p) {
		p->ev.child_pid = ctgid;
		read_ns(child, p->ev.ns_after, p->ev.ns_id_after);
		p->ev.after_valid = 1;
	}
	if (ctgid == ptgid || !proc_wanted(ctgid))
		return 0;
	rec = proc_record(NSW_KIND_FORK, child);
	if (!rec)
		return 0;
	rec->ppid = ptgid;
	if (!same_ns_as_caller(parent, child)) {
		read_ns(child, rec->ns, rec->ns_id);
		rec->ns_valid = 1;
		rec->cgroup_id = task_cgroup_v2_id(child);
		rec->cgroup_v1_id = task_cgroup_v1_id(child);
	}
	submit(rec);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct nsw_proc_event *rec;

	if (!proc_wanted(BPF_CORE_READ(task, tgid)))
		return 0;
	rec = proc_record(NSW_KIND_EXEC, task);
	if (!rec)
		return 0;
	bpf_probe_read_kernel_str(rec->filename, sizeof(rec->filename),
				  BPF_CORE_READ(bprm, filename));
	submit(rec);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct nsw_proc_event *rec;

	/* The group is gone once its last thread leaves. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (proc_wanted(tgid)) {
		rec = proc_record(NSW_KIND_EXIT, task);
		if (rec) {
			rec->exit_code = BPF_CORE_READ(task, exit_code);
			submit(rec);
		}
	}
	if (follow)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	return 0;
}

static __always_inline __u32 changed_slots(const struct nsw_event *ev)
{
	__u32 m = 0;

	for (int i = 0; i < NSW_SLOT_COUNT; i++)
		if (ev->ns_before[i] != ev->ns_after[i])
			m |= 1U << i;
	return m;
}

/* --type: keep an event that asked for, made, joined or changed a type. */
static __always_inline bool type_wanted(const struct nsw_event *ev)
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

static __always_inline int finish(long ret, bool read_after)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&inflight, &tid);
	struct nsw_event *ev;

	if (!p)
		return 0;
	p->ev.ret = ret;
	p->ev.duration_ns = bpf_ktime_get_ns() - p->ev.ts_ns;
	if (read_after) {
		read_ns((void *)bpf_get_current_task(), p->ev.ns_after,
			p->ev.ns_id_after);
		p->ev.after_valid = 1;
	}
	if (p->adopt && ret >= 0) {
		__u32 tgid = p->ev.pid;
		__u8 one = 1;

		bpf_map_update_elem(&traced_tgids, &tgid, &one, BPF_ANY);
	}
	if ((failed_only && ret >= 0) || !type_wanted(&p->ev))
		goto out_delete;
	if (!rl_admit(p->ev.uid, p->ev.op, p->ev.ts_ns))
		goto out_delete;

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		count(NSW_LOST_RINGBUF);
		rl_count_lost(p->ev.op);
		goto out_delete;
	}
	__builtin_memcpy(ev, &p->ev, sizeof(*ev));
	submit(ev);
out_delete:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_clone")
int exit_clone(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_clone3")
int exit_clone3(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_unshare")
int exit_unshare(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx->ret, true);
}

SEC("tracepoint/syscalls/sys_exit_setns")
int exit_setns(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx->ret, true);
}
