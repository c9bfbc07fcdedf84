/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header shared by the BPF programs and the reporter. Everything in
 * it crosses the ring buffer or the map interface, so it holds fixed-width
 * fields only: a layout both compilers agree on without padding surprises.
 */
#ifndef NSWATCH_H
#define NSWATCH_H

#define NSW_COMM_LEN 16
#define NSW_PATH_LEN 128

/*
 * The ring buffer's size when nobody asks for another (trace --ring-size):
 * the BPF map's max_entries and the reporter's default, one number.
 */
#define NSW_RING_SIZE_DEFAULT (4U << 20)

#ifdef __bpf__
/*
 * Kernel UAPI constants the BPF side needs. vmlinux.h carries types, not
 * macros, and <linux/sched.h> clashes with it; userspace takes the same
 * names from <linux/sched.h>.
 */
#define CSIGNAL 0x000000ffULL
#define CLONE_NEWTIME 0x00000080ULL
#define CLONE_NEWNS 0x00020000ULL
#define CLONE_NEWCGROUP 0x02000000ULL
#define CLONE_NEWUTS 0x04000000ULL
#define CLONE_NEWIPC 0x08000000ULL
#define CLONE_NEWUSER 0x10000000ULL
#define CLONE_NEWPID 0x20000000ULL
#define CLONE_NEWNET 0x40000000ULL
#endif

/*
 * Every ring buffer record starts with a __u32 kind, which says which of the
 * structures below it is.
 */
enum nsw_kind {
	NSW_KIND_NSOP = 1, /* struct nsw_event: clone, clone3, unshare, setns */
	NSW_KIND_FORK,     /* struct nsw_proc_event: a new process */
	NSW_KIND_EXEC,     /* struct nsw_proc_event: a process ran execve */
	NSW_KIND_EXIT,     /* struct nsw_proc_event: a process's last thread left */
	NSW_KIND_THROTTLED, /* struct nsw_throttled_event: calls held back by the rate limit */
	NSW_KIND_NSOP_WIRE, /* struct nsw_nsop_wire: what the kernel sends of a struct nsw_event */
};

/*
 * The ten namespace slots of a task, in the order of docs/events.md. The pid
 * slot is the task's own active pid namespace; the *_FOR_CHILDREN slots are
 * where its next children will land.
 */
enum nsw_slot {
	NSW_SLOT_MNT,
	NSW_SLOT_UTS,
	NSW_SLOT_IPC,
	NSW_SLOT_NET,
	NSW_SLOT_CGROUP,
	NSW_SLOT_PID,
	NSW_SLOT_PID_FOR_CHILDREN,
	NSW_SLOT_TIME,
	NSW_SLOT_TIME_FOR_CHILDREN,
	NSW_SLOT_USER,
	NSW_SLOT_COUNT,
};

enum nsw_op {
	NSW_OP_CLONE = 1,
	NSW_OP_CLONE3,
	NSW_OP_UNSHARE,
	NSW_OP_SETNS,
	NSW_OP_MAX,
};

/* Bits of the in-kernel op filter: one bit per enum nsw_op value. */
#define NSW_OP_BIT(op) (1U << (op))

/* What a setns file descriptor turned out to be, read in the kernel. */
enum nsw_target_kind {
	NSW_TARGET_NONE,
	NSW_TARGET_NSFS,  /* /proc/PID/ns/X or a bind mount of it */
	NSW_TARGET_PIDFD, /* a pidfd: join several namespaces of a process */
};

/* Indexes of the per-CPU loss counters. */
enum nsw_counter {
	NSW_LOST_RINGBUF, /* bpf_ringbuf_reserve() failed: ring buffer full */
	NSW_LOST_PENDING, /* the table of in-flight syscalls was full */
	NSW_LOST_PROC,    /* a fork, exec or exit record: ring buffer full */
	/*
	 * A record the reporter got but could not read (trace/ring.h): counted
	 * by the reporter, never by the kernel, whose slot stays 0.
	 */
	NSW_LOST_UNREAD,
	NSW_COUNTER_MAX,
};

struct nsw_event {
	__u32 kind;        /* NSW_KIND_NSOP */
	__u32 op;          /* enum nsw_op */
	__u64 ts_ns;       /* CLOCK_MONOTONIC at syscall entry */
	__u64 duration_ns; /* syscall entry to exit */
	__u64 flags;       /* clone/unshare flags, clone3 args->flags, setns nstype */
	__u64 ret;         /* syscall return value, a negative errno on failure */
	__u32 pid;         /* thread group id, what userspace calls a pid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 child_pid;   /* clone, clone3: the child's pid, 0 if none */
	__u32 after_valid; /* 1 if ns_after was read; 0 for a failed clone */
	__u32 setns_fd;
	__u32 target_kind; /* enum nsw_target_kind */
	__u32 target_inum; /* nsfs target: its inode */
	__u32 target_slot; /* nsfs target: its enum nsw_slot, or NSW_SLOT_COUNT */
	__u32 target_pid;  /* pidfd target: its pid in the initial pid namespace */
	__u32 flags_valid; /* 0 if clone3 args could not be read */
	__u32 ns_before[NSW_SLOT_COUNT];
	__u32 ns_after[NSW_SLOT_COUNT];
	/*
	 * ns_common.ns_id of the ns_after slots and of an nsfs target: 64-bit
	 * ids the kernel never reuses (6.18 and later), unlike inodes. 0 where
	 * the kernel has none.
	 */
	__u64 ns_id_after[NSW_SLOT_COUNT];
	__u64 target_ns_id;
	char comm[NSW_COMM_LEN];
	/*
	 * The caller's cgroups at syscall entry (bpf/cgroup_ids.h): its cgroup
	 * in the unified (v2) hierarchy, and in the v1 hierarchy of the
	 * controller the reporter chose (enum nsw_v1_ctrl); kernfs node ids, 0
	 * if none.
	 */
	__u64 cgroup_id;
	__u64 cgroup_v1_id;
};

/*
 * Process lifecycle, for the reporter's namespace table: who holds which
 * namespace. Emitted for every process in scope, not printed by default.
 */
struct nsw_proc_event {
	__u32 kind;        /* NSW_KIND_FORK, NSW_KIND_EXEC or NSW_KIND_EXIT */
	__u32 pid;         /* FORK: the new process; else the process */
	__u64 ts_ns;       /* CLOCK_MONOTONIC */
	__u32 ppid;        /* FORK: the caller of fork/clone; else the real parent */
	__u32 uid;
	__u32 exit_code;   /* EXIT: the wait status, as waitpid() gives it */
	/*
	 * FORK: 1 if ns and ns_id hold the child's slots; 0 when they equal the
	 * parent's (a plain fork), which the reporter already knows. EXEC,
	 * EXIT: 0.
	 */
	__u32 ns_valid;
	__u32 ns[NSW_SLOT_COUNT];
	__u64 ns_id[NSW_SLOT_COUNT];
	char comm[NSW_COMM_LEN];       /* EXEC: the new name */
	char filename[NSW_PATH_LEN];   /* EXEC: the path execve was given */
	/* FORK with ns_valid: the child's cgroups, as in struct nsw_event; else 0. */
	__u64 cgroup_id;
	__u64 cgroup_v1_id;
};

/*
 * A struct nsw_event as the kernel writes it into the ring buffer: only what
 * the kernel has (before 6.18 no ns_id, on a pure v2 host no v1 cgroup), and
 * each number in its own width. The reporter (trace/ring.c) turns it back
 * into a struct nsw_event before anyone sees it.
 *
 * The head is fixed; tail[] holds, in this order and only where wire says:
 *   NSW_WIRE_IDS: ns_id_after[] then target_ns_id
 *   NSW_WIRE_V1:  cgroup_v1_id
 * and the record ends there.
 */
#define NSW_WIRE_IDS 0x1
#define NSW_WIRE_V1 0x2
#define NSW_WIRE_IDS_COUNT (NSW_SLOT_COUNT + 1)

struct nsw_nsop_wire {
	__u32 kind;        /* NSW_KIND_NSOP_WIRE */
	__u8 op;
	__u8 after_valid;
	__u8 flags_valid;
	__u8 target_kind;
	__u64 ts_ns;
	__u64 duration_ns;
	__u64 flags;
	__s32 ret;         /* the four syscalls return an int */
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	union {
		__u32 child_pid; /* clone, clone3 */
		__u32 setns_fd;  /* setns */
	};
	union {
		__u32 target_inum; /* NSW_TARGET_NSFS */
		__u32 target_pid;  /* NSW_TARGET_PIDFD */
	};
	__u8 target_slot;
	__u8 wire;         /* NSW_WIRE_* */
	__u16 pad;
	__u32 ns_before[NSW_SLOT_COUNT];
	__u32 ns_after[NSW_SLOT_COUNT];
	char comm[NSW_COMM_LEN];
	__u32 pad2;
	__u64 cgroup_id;
	__u64 tail[NSW_WIRE_IDS_COUNT + 1];
};

/*
 * The controller whose v1 hierarchy gives cgroup_v1_id: the reporter picks
 * the first of these mounted as a v1 hierarchy (none on a pure v2 host).
 */
enum nsw_v1_ctrl {
	NSW_V1_NONE,
	NSW_V1_PIDS,
	NSW_V1_MEMORY,
	NSW_V1_CPU,
	NSW_V1_DEVICES,
	NSW_V1_FREEZER,
};

/*
 * The per-source rate limit (bpf/ratelimit.h, docs/trace.md). A source is a
 * kernel uid and, for uid 0 only, a cgroup: an unprivileged user cannot
 * change its kuid, so it is one source wherever it runs, while root's
 * services and containers are told apart by cgroup. What a source calls
 * beyond its share is held back before the ring buffer and counted here.
 */
#define NSW_RATE_LIMIT_DEFAULT 1000U  /* events per second per source */
#define NSW_RATE_LIMIT_MAX 1000000U
#define NSW_RATE_BURST_SECONDS 4U     /* a source may run this far ahead */
#define NSW_RATE_REPORT_NS 1000000000ULL /* one report per source per second */
#define NSW_RATE_SOURCES_MAX 4096U   /* tracked sources; more run unlimited */

struct nsw_rl_key {
	__u32 uid;       /* kuid: the uid in the initial user namespace */
	__u32 pad;
	__u64 cgroup_id; /* the cgroup v2 id for uid 0; 0 (any) for other uids */
};

/* Held back for one (source, operation), cumulative since the trace began. */
struct nsw_rl_held {
	__u64 count;     /* calls held back */
	__u64 reported;  /* count when the kernel last reported it */
	__u64 first_ts;  /* CLOCK_MONOTONIC entry of the first call held back since then */
	__u64 last_ts;   /* ... and of the last one */
};

struct nsw_rl_bucket {
	__u64 tokens;      /* in 1e-9 events: a call costs NSW_NSEC_PER_SEC worth */
	__u64 refill_ns;   /* when tokens were last topped up */
	__u64 report_ns;   /* when held-back counts were last reported */
	__u32 pending;     /* something held back is not reported yet */
	__u32 pad;
	struct nsw_rl_held held[NSW_OP_MAX - 1]; /* by enum nsw_op - 1: a power of two (bpf/ratelimit.h masks) */
};

/*
 * Held back: sent when the source is allowed again (at most once a second)
 * and read from the bucket map by the reporter when the trace stops. total
 * is cumulative, so a record that crossed another is recognised.
 */
struct nsw_throttled_event {
	__u32 kind;       /* NSW_KIND_THROTTLED */
	__u32 op;         /* enum nsw_op held back */
	__u32 uid;        /* the source */
	__u32 pad;
	__u64 cgroup_id;
	__u64 total;      /* calls of op held back since the trace began */
	__u64 first_ts;   /* entry of the first held back since the last report */
	__u64 last_ts;    /* entry of the last held back */
};

/* Indexes of the per-CPU rate-limit counters: per-operation losses and more. */
enum nsw_rl_counter {
	/* 1..NSW_OP_MAX-1: operations of that enum nsw_op lost (ring full, in flight) */
	NSW_RL_UNTRACKED = NSW_OP_MAX, /* calls let through: the source table was full */
	NSW_RL_REPORT_LOST,            /* throttled records the ring had no room for (retried) */
	NSW_RL_COUNTER_MAX,
};

#endif /* NSWATCH_H */
