// SPDX-License-Identifier: GPL-2.0
/*
 * The reporter's namespace table. docs/table.md tells the story: the keys,
 * the two orders in which a clone's records arrive, members and holders, and
 * when a namespace is said to be empty.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The table's keys are a pid or a struct ns_key, hashed several times per
 * record: a multiply per word and a final mix (murmur3's) instead of
 * uthash's byte-wise Jenkins hash. uthash takes the low bits: the mix
 * spreads every bit of the key into them.
 */
#define NSW_HASH_MUL 0x9e3779b97f4a7c15ULL
#define NSW_HASH_FMIX1 0xff51afd7ed558ccdULL
#define NSW_HASH_FMIX2 0xc4ceb9fe1a85ec53ULL
static inline unsigned int nstable_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = len, w;
	uint32_t v;

	for (; len >= sizeof(w); len -= sizeof(w), p += sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * NSW_HASH_MUL;
	}
	if (len >= sizeof(v)) {
		memcpy(&v, p, sizeof(v));
		h = (h ^ v) * NSW_HASH_MUL;
		len -= sizeof(v);
		p += sizeof(v);
	}
	for (; len; len--, p++)
		h = (h ^ *p) * NSW_HASH_MUL;
	h ^= h >> 33;
	h *= NSW_HASH_FMIX1;
	h ^= h >> 33;
	h *= NSW_HASH_FMIX2;
	h ^= h >> 33;
	return (unsigned int)h;
}
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = nstable_hash((keyptr), (keylen)))
#include <uthash.h>
#include <utlist.h>
#include "table/nstable.h"
#include "lib/nsnames.h"
#include "lib/util.h"

/* Freed entries a late clone record may still name (its child exited first). */
#define NSW_DEAD_KEEP 256
/* Recent exits, so that a late clone record does not bring its child back. */
#define NSW_EXITS_KEEP 4096
/* /proc is asked at most this often about one entry: host namespaces have no label. */
#define NSW_LABEL_TRIES 3
#define NSW_META_TRIES 2

/* Hashed as bytes: three fields and no padding. */
struct ns_key {
	__u64 val; /* ns_id or inode */
	__u32 type;
	__u32 zero;
};

struct ent {
	struct nsw_ns_entry pub;
	struct ns_key id_key;
	struct ns_key ino_key;
	bool in_id;
	bool in_ino;
	bool pinned;
	unsigned int label_tries;
	unsigned int meta_tries;
	/*
	 * The cgroups of the record that made it, as the kernel read them
	 * (both 0: none recorded): its label comes from them, not /proc.
	 */
	__u64 made_cg_v2, made_cg_v1;
	/*
	 * The lowest member, kept as members come; when it leaves, found
	 * again by a walk on the next ask (nsw_table_member).
	 */
	pid_t lowest;
	bool lowest_stale;
	UT_hash_handle hh_id;
	UT_hash_handle hh_ino;
	/*
	 * Lifetime: on the orphan list while no process holds it and the
	 * kernel has not said it is gone; who left last, and when; the last
	 * setns into it through an nsfs fd (a likely holder).
	 */
	bool orphan;
	struct ent *orph_prev, *orph_next;
	__u32 left_pid;
	__u64 left_ts;
	pid_t fd_pid;
	int fd_num;
	bool undecided; /* the kernel could not say: for the fd search */
	/*
	 * Found gone; EMPTIED once the records already in the ring buffer
	 * are applied: one may bring a process back into it (it was alive
	 * when that record was made), and that undoes the verdict.
	 */
	bool doomed;
	__u32 death_pid;
	__u64 death_ts;
	/*
	 * Made by a clone whose FORK record came first: its owner and parent
	 * wait for the clone's own record (NSW_META_WAIT_NS), then meta_pid
	 * (the child) is asked.
	 */
	bool meta_wait;
	struct ent *mw_prev, *mw_next;
	pid_t meta_pid;
};

#define NSW_LOOKUP_MEMO 4
struct lookup_memo {
	struct ent *e; /* NULL: empty */
	unsigned int type;
	__u32 inode;
	__u64 ns_id;
};

struct tproc {
	pid_t pid;
	char comm[NSW_COMM_LEN];
	bool uid_valid;          /* read from /proc: proc_uid is known */
	uid_t proc_uid;
	/*
	 * Every entry in its slots has its meta, or was asked as often as it
	 * will be: a move need ask only about the slots it changed. Cleared
	 * by any change of the slots, set by ask_meta_members().
	 */
	bool meta_settled;
	struct ent *slot[NSW_SLOT_COUNT];
	UT_hash_handle hh;
};

struct texit {
	pid_t pid;
	__u64 ts_ns;
	UT_hash_handle hh;
};

struct nsw_table {
	nsw_table_cb cb;
	void *ctx;
	struct nsw_table_probe probe;
	struct ent *by_id;
	struct ent *by_ino;
	struct tproc *procs;
	struct texit *exits;
	struct ent *dead[NSW_DEAD_KEEP];
	size_t dead_next;
	__u64 serial;
	unsigned int slot_type[NSW_SLOT_COUNT]; /* nsw_types[] index of a slot */
	/* The earlier slot of the same type (pid for pid_for_children), or NSW_SLOT_COUNT. */
	unsigned int slot_twin[NSW_SLOT_COUNT];
	struct ent *orphans;
	size_t norphans;
	__u64 last_sweep, last_scan;
	__u64 held_grace;
	/*
	 * The last lookups that found an entry, by their exact arguments: a
	 * flood's records name the same few namespaces, and each lookup was a
	 * hash walk over entries spread in memory (a tenth of the reporter's
	 * time). Cleared whenever an index changes (memo_forget()), so an
	 * entry found here is live and what the indexes would give.
	 */
	struct lookup_memo memo[NSW_LOOKUP_MEMO];
	unsigned int memo_next;
	/* Entries whose meta waits for their clone's record (meta_wait). */
	struct ent *meta_waits;
	/* By bit of a CLONE_NEW* flag: the slots of its type (own and *_for_children). */
	unsigned int flag_slots[64];
};

/* A process that leaves every slot. */
static struct ent *const no_slots[NSW_SLOT_COUNT];

/* How one process moves from its slots to new ones. */
struct move {
	__u64 ts_ns;
	bool silent;             /* seeding: no callbacks */
	struct ent *const *quiet; /* entered without JOINED (made, or the parent's) */
	size_t nquiet;
};

static struct ent *ent_of(const struct nsw_ns_entry *e)
{
	return (struct ent *)((char *)e - offsetof(struct ent, pub));
}

static unsigned int own_slot(const struct ent *e)
{
	return nsw_types[e->pub.type].slot;
}

static void notify(struct nsw_table *t, enum nsw_ns_change c, struct ent *e,
		   __u32 pid, __u64 ts)
{
	if (t->cb)
		t->cb(t->ctx, c, &e->pub, pid, ts);
}

static struct ns_key make_key(unsigned int type, __u64 val)
{
	struct ns_key k;

	memset(&k, 0, sizeof(k));
	k.type = type;
	k.val = val;
	return k;
}

static struct ent *find_id(struct nsw_table *t, unsigned int type, __u64 id)
{
	struct ns_key k = make_key(type, id);
	struct ent *e;

	HASH_FIND(hh_id, t->by_id, &k, sizeof(k), e);
	return e;
}

static struct ent *find_ino(struct nsw_table *t, unsigned int type, __u32 inode)
{
	struct ns_key k = make_key(type, inode);
	struct ent *e;

	HASH_FIND(hh_ino, t->by_ino, &k, sizeof(k), e);
	return e;
}

static struct tproc *find_proc(struct nsw_table *t, pid_t pid)
{
	struct tproc *p;

	HASH_FIND_INT(t->procs, &pid, p);
	return p;
}

static void memo_forget(struct nsw_table *t)
{
	memset(t->memo, 0, sizeof(t->memo));
}

static void set_id(struct nsw_table *t, struct ent *e, __u64 id)
{
	/* An id names one namespace: never let it name two entries. */
	if (!id || e->pub.ns_id || find_id(t, e->pub.type, id))
		return;
	memo_forget(t);
	e->pub.ns_id = id;
	e->id_key = make_key(e->pub.type, id);
	HASH_ADD(hh_id, t->by_id, id_key, sizeof(e->id_key), e);
	e->in_id = true;
}

static void unindex(struct nsw_table *t, struct ent *e)
{
	memo_forget(t);
	if (e->in_id)
		HASH_DELETE(hh_id, t->by_id, e);
	if (e->in_ino)
		HASH_DELETE(hh_ino, t->by_ino, e);
	e->in_id = e->in_ino = false;
}

static void orphan_del(struct nsw_table *t, struct ent *e);
static void last_left(struct nsw_table *t, struct ent *e, __u32 pid, __u64 ts);
static void exit_checks(struct nsw_table *t, pid_t pid, __u64 ts);
static void note_setns_fd(struct nsw_table *t, const struct nsw_event *ev);
static void seed_held_by_mount(struct nsw_table *t, struct ent *e);

/*
 * Off the live indexes, into a short queue a late clone record can still
 * search; the oldest there is freed.
 */
static void meta_unwait(struct nsw_table *t, struct ent *e)
{
	if (!e->meta_wait)
		return;
	DL_DELETE2(t->meta_waits, e, mw_prev, mw_next);
	e->meta_wait = false;
}

static void bury(struct nsw_table *t, struct ent *e)
{
	orphan_del(t, e);
	meta_unwait(t, e);
	unindex(t, e);
	free(t->dead[t->dead_next]);
	t->dead[t->dead_next] = e;
	t->dead_next = (t->dead_next + 1) % NSW_DEAD_KEEP;
}

static void emptied(struct nsw_table *t, struct ent *e, __u32 pid, __u64 ts)
{
	if (!e->pub.empty) {
		e->pub.empty = true;
		notify(t, NSW_NS_EMPTIED, e, pid, ts);
	}
	if (!e->pinned)
		bury(t, e);
}

/*
 * The kernel gave e's inode (or a different id for it) to a new namespace,
 * so e is gone and whatever still pointed at it was stale: records were lost,
 * or an nsfs mount that pinned it was taken down. Rare, so a walk is fine.
 */
static void retire(struct nsw_table *t, struct ent *e, __u64 ts)
{
	struct tproc *p, *tmp;

	/*
	 * holders counts the processes with e in a slot: none for the usual
	 * case, an orphan whose inode the kernel gave to the next namespace
	 * before the sweep asked about it (an unshare flood, every call).
	 */
	if (e->pub.holders)
		HASH_ITER(hh, t->procs, p, tmp)
			for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
				if (p->slot[i] == e)
					p->slot[i] = NULL;
	e->pub.holders = e->pub.members = 0;
	e->lowest = 0;
	e->lowest_stale = false;
	e->pinned = false;
	emptied(t, e, 0, ts);
}

static struct ent *ent_new(struct nsw_table *t, unsigned int type, __u32 inode,
			   __u64 ns_id, enum nsw_ns_origin origin, __u64 ts)
{
	struct ent *old = find_ino(t, type, inode);
	struct ent *e;

	if (old)
		retire(t, old, ts);
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pub.serial = ++t->serial;
	e->pub.type = type;
	e->pub.inode = inode;
	e->pub.origin = origin;
	e->pub.first_ts_ns = origin == NSW_ORIGIN_SEEDED ? 0 : ts;
	e->ino_key = make_key(type, inode);
	memo_forget(t);
	HASH_ADD(hh_ino, t->by_ino, ino_key, sizeof(e->ino_key), e);
	e->in_ino = true;
	set_id(t, e, ns_id);
	return e;
}

/* e was made by a process in these cgroups (a record's, read by the kernel). */
static void made_in(struct ent *e, __u64 v2_id, __u64 v1_id)
{
	/* A FORK record's child came first: its cgroups, not its parent's. */
	if ((!v2_id && !v1_id) || e->made_cg_v2 || e->made_cg_v1)
		return;
	e->made_cg_v2 = v2_id;
	e->made_cg_v1 = v1_id;
}

/*
 * The live entry of a namespace a process is in. Without an id on one side,
 * the live entry of the inode is it: a live namespace's inode is its own.
 */
static struct ent *lookup_indexes(struct nsw_table *t, unsigned int type, __u32 inode,
				   __u64 ns_id)
{
	struct ent *e = NULL;

	if (ns_id)
		e = find_id(t, type, ns_id);
	if (e || !inode)
		return e;
	e = find_ino(t, type, inode);
	if (e && ns_id && e->pub.ns_id)
		return NULL; /* same inode, another namespace */
	return e;
}

static struct ent *lookup(struct nsw_table *t, unsigned int type, __u32 inode,
			  __u64 ns_id)
{
	struct lookup_memo *m;
	struct ent *e;

	for (unsigned int i = 0; i < NSW_LOOKUP_MEMO; i++) {
		m = &t->memo[i];
		if (m->e && m->inode == inode && m->ns_id == ns_id && m->type == type)
			return m->e;
	}
	e = lookup_indexes(t, type, inode, ns_id);
	if (e) {
		m = &t->memo[t->memo_next];
		t->memo_next = (t->memo_next + 1) % NSW_LOOKUP_MEMO;
		*m = (struct lookup_memo){ .e = e, .type = type, .inode = inode, .ns_id = ns_id };
	}
	return e;
}

/* The entry for a slot a record names: found, or new (SEEN or SEEDED). */
static struct ent *see(struct nsw_table *t, unsigned int type, __u32 inode,
		       __u64 ns_id, enum nsw_ns_origin origin, __u64 ts)
{
	struct ent *e;

	if (!inode)
		return NULL;
	e = lookup(t, type, inode, ns_id);
	if (!e)
		return ent_new(t, type, inode, ns_id, origin, ts);
	set_id(t, e, ns_id);
	return e;
}

/*
 * Owner and parent, asked from a process holding e in slot (its own slot,
 * or a *_for_children one), at most NSW_META_TRIES times.
 */
static void ask_meta_at(struct nsw_table *t, struct ent *e, pid_t pid,
			unsigned int slot)
{
	const struct nsw_table_probe *pr = &t->probe;
	bool own = slot == own_slot(e);
	struct nsw_ns_meta m;
	int ret;

	if (e->pub.meta_valid || e->meta_wait || e->meta_tries >= NSW_META_TRIES || pid <= 0 ||
	    !(own ? pr->ns_meta != NULL : pr->ns_meta_slot != NULL))
		return;
	e->meta_tries++;
	memset(&m, 0, sizeof(m));
	if (own)
		ret = pr->ns_meta(pr->ctx, pid, e->pub.type, e->pub.inode, &m);
	else
		ret = pr->ns_meta_slot(pr->ctx, pid, slot, e->pub.inode, &m);
	if (ret)
		return;
	e->pub.meta_valid = true;
	e->pub.meta = m;
	set_id(t, e, m.ns_id);
}

/* Still worth asking: the check ask_meta_at() starts with, for every record. */
static inline bool meta_wanted(const struct ent *e)
{
	return e && !e->pub.meta_valid && !e->meta_wait && e->meta_tries < NSW_META_TRIES;
}

bool nsw_ns_meta_made(const struct nsw_event *ev, unsigned int type,
		      struct nsw_ns_meta *m)
{
	bool clone = ev->op == NSW_OP_CLONE || ev->op == NSW_OP_CLONE3;
	unsigned int s;

	if (type >= NSW_TYPE_COUNT || ev->kind != NSW_KIND_NSOP || (__s64)ev->ret < 0 ||
	    !ev->after_valid || !ev->flags_valid || (!clone && ev->op != NSW_OP_UNSHARE) ||
	    !(nsw_ns_flags(ev->op, ev->flags) & nsw_types[type].flag))
		return false;
	/*
	 * ns_before is the caller's at entry; ns_after the child's (clone,
	 * read at sched_process_fork) or the caller's at exit (unshare, which
	 * puts a new pid or time namespace in the *_for_children slot).
	 */
	s = clone ? nsw_types[type].slot : nsw_types[type].new_slot;
	if (!ev->ns_after[s] || ev->ns_after[s] == ev->ns_before[s])
		return false;
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->inode = ev->ns_after[s];
	m->ns_id = ev->ns_id_after[s];
	if (nsw_types[type].slot == NSW_SLOT_USER) {
		/*
		 * create_user_ns(): the parent is the user namespace of the
		 * cred it was made from, the caller's before the call; and
		 * NS_GET_USERNS of a user namespace answers its parent.
		 */
		m->owner_user = m->parent = ev->ns_before[NSW_SLOT_USER];
		return m->owner_user != 0;
	}
	/*
	 * create_new_namespaces() is given the user namespace of the new
	 * cred: the child's (copy_namespaces(), after copy_creds() made any
	 * new user namespace), the caller's new one or its current one
	 * (unshare_nsproxy_namespaces()), which is the caller's after the call.
	 */
	m->owner_user = ev->ns_after[NSW_SLOT_USER];
	if (nsw_types[type].slot == NSW_SLOT_PID) {
		/* copy_pid_ns() makes one only below the caller's active pid namespace. */
		m->parent = ev->ns_before[NSW_SLOT_PID];
		if (!m->parent)
			return false;
	}
	return m->owner_user != 0;
}

/*
 * Owner and parent of e, which ev made, from ev itself: no question to the
 * kernel. false if ev cannot tell (an older entry's meta stays).
 */
static bool made_meta(struct nsw_table *t, struct ent *e, const struct nsw_event *ev,
		      unsigned int type)
{
	struct nsw_ns_meta m;

	if (e->pub.meta_valid)
		return true;
	if (!nsw_ns_meta_made(ev, type, &m) || m.inode != e->pub.inode)
		return false;
	meta_unwait(t, e);
	e->pub.meta_valid = true;
	e->pub.meta = m;
	set_id(t, e, m.ns_id);
	return true;
}

static void meta_await(struct nsw_table *t, struct ent *e, pid_t pid)
{
	if (e->pub.meta_valid || e->meta_wait)
		return;
	e->meta_wait = true;
	e->meta_pid = pid;
	DL_APPEND2(t->meta_waits, e, mw_prev, mw_next);
}

/* Its clone's record did not come in time: the kernel is asked, as for any other. */
static void meta_wait_over(struct nsw_table *t, __u64 now)
{
	struct ent *e, *tmp;

	DL_FOREACH_SAFE2(t->meta_waits, e, tmp, mw_next) {
		if (now < e->pub.first_ts_ns + NSW_META_WAIT_NS)
			continue;
		meta_unwait(t, e);
		ask_meta_at(t, e, e->meta_pid, own_slot(e));
	}
}

static void ask_meta(struct nsw_table *t, struct ent *e, pid_t pid)
{
	if (meta_wanted(e))
		ask_meta_at(t, e, pid, own_slot(e));
}

/* Nothing more will be asked about e: it has its meta, or the tries are spent. */
static inline bool meta_settled(const struct ent *e)
{
	return !e || e->pub.meta_valid || e->meta_tries >= NSW_META_TRIES;
}

/* What p is in, then what it holds only for its children. */
static void ask_meta_members(struct nsw_table *t, struct tproc *p)
{
	bool settled = true;

	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++)
		ask_meta(t, p->slot[nsw_types[i].slot], p->pid);
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++) {
		unsigned int s = nsw_types[i].new_slot;

		if (meta_wanted(p->slot[s]) && p->slot[s] != p->slot[nsw_types[i].slot])
			ask_meta_at(t, p->slot[s], p->pid, s);
	}
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		settled = settled && meta_settled(p->slot[i]);
	p->meta_settled = settled;
}

/*
 * ask_meta_members() of a process whose other slots were settled: the
 * slots in mask alone need a look, and the same questions are asked.
 */
static void ask_meta_changed(struct nsw_table *t, struct tproc *p, unsigned int mask)
{
	bool settled = true;

	for (unsigned int bits = mask; bits; bits &= bits - 1) {
		unsigned int i = __builtin_ctz(bits);
		struct ent *e = p->slot[i];

		if (meta_wanted(e) && (i == own_slot(e) || p->slot[own_slot(e)] != e))
			ask_meta_at(t, e, p->pid, i);
		settled = settled && meta_settled(e);
	}
	p->meta_settled = settled;
}

/* An entry is only ever in the slots of its own type: two to look at. */
static bool has(struct ent *const *slots, const struct ent *e)
{
	const struct nsw_type *ty = &nsw_types[e->pub.type];

	return slots[ty->slot] == e || slots[ty->new_slot] == e;
}

/*
 * slots[i] is set and not already in an earlier slot (pid and
 * pid_for_children). An entry is only ever in slots of its own type, so the
 * one earlier slot of the same type is all there is to look at.
 */
static bool first_at(const struct nsw_table *t, struct ent *const *slots, unsigned int i)
{
	unsigned int twin = t->slot_twin[i];

	return slots[i] && (twin >= NSW_SLOT_COUNT || slots[twin] != slots[i]);
}

static bool is_quiet(const struct move *mv, const struct ent *e)
{
	for (size_t i = 0; i < mv->nquiet; i++)
		if (mv->quiet[i] == e)
			return true;
	return false;
}

static void member_in(struct ent *e, pid_t pid)
{
	if (!e->lowest_stale && (!e->lowest || pid < e->lowest))
		e->lowest = pid;
}

/* After members was counted down. */
static void member_out(struct ent *e, pid_t pid)
{
	if (pid != e->lowest)
		return;
	e->lowest = 0;
	e->lowest_stale = e->pub.members > 0;
}

/*
 * Give p the slots nw. Holders count processes, not slots: an entry in both
 * pid and pid_for_children is held once. LEFT and EMPTIED come first, then
 * JOINED for what p newly holds or newly is a member of.
 */
static unsigned int proc_set(struct nsw_table *t, struct tproc *p,
			     struct ent *const *nw, const struct move *mv)
{
	struct ent *old[NSW_SLOT_COUNT];
	bool entered[NSW_SLOT_COUNT] = { false };
	unsigned int i, bits, changed = 0;

	_Static_assert(NSW_SLOT_COUNT <= sizeof(changed) * 8, "a bit per slot");
	_Static_assert(NSW_SLOT_PID < NSW_SLOT_PID_FOR_CHILDREN &&
		       NSW_SLOT_TIME < NSW_SLOT_TIME_FOR_CHILDREN,
		       "a type's own slot comes before its *_for_children slot");
	memcpy(old, p->slot, sizeof(old));
	for (i = 0; i < NSW_SLOT_COUNT; i++)
		if (old[i] != nw[i])
			changed |= 1U << i;
	/* Nothing moves: a record that repeats what the table knows. */
	if (!changed)
		return 0;
	memcpy(p->slot, nw, sizeof(old));
	p->meta_settled = false;
	/*
	 * Only the slots that changed are looked at. An entry in a slot that
	 * kept it is on both sides: its holders stay, and its membership
	 * changes only if its own slot changed, which comes first of the two
	 * slots of its type (pid before pid_for_children), so it is handled
	 * there.
	 */
	for (bits = changed; bits; bits &= bits - 1) {
		struct ent *e;

		i = __builtin_ctz(bits);
		e = nw[i];
		if (!first_at(t, nw, i))
			continue;
		if (old[i] != e && !has(old, e)) {
			e->pub.holders++;
			e->pub.empty = false;
			orphan_del(t, e);
			entered[i] = true;
		}
		if (nw[own_slot(e)] == e && old[own_slot(e)] != e) {
			e->pub.members++;
			entered[i] = true;
			member_in(e, p->pid);
		}
	}
	for (bits = changed; bits; bits &= bits - 1) {
		struct ent *e;

		i = __builtin_ctz(bits);
		e = old[i];
		if (!first_at(t, old, i))
			continue;
		if (old[own_slot(e)] == e && nw[own_slot(e)] != e) {
			e->pub.members--;
			member_out(e, p->pid);
		}
		if (nw[i] == e || has(nw, e))
			continue;
		e->pub.holders--;
		if (!mv->silent)
			notify(t, NSW_NS_LEFT, e, p->pid, mv->ts_ns);
	}
	for (bits = changed; bits; bits &= bits - 1) {
		i = __builtin_ctz(bits);
		if (first_at(t, old, i) && !has(nw, old[i]) && !old[i]->pub.holders)
			last_left(t, old[i], p->pid, mv->ts_ns);
	}
	if (mv->silent)
		return changed;
	for (bits = changed; bits; bits &= bits - 1) {
		i = __builtin_ctz(bits);
		if (entered[i] && !is_quiet(mv, nw[i]))
			notify(t, NSW_NS_JOINED, nw[i], p->pid, mv->ts_ns);
	}
	return changed;
}

static struct tproc *proc_add(struct nsw_table *t, pid_t pid, const char *comm)
{
	struct tproc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->pid = pid;
	if (comm)
		memcpy(p->comm, comm, NSW_COMM_LEN);
	p->comm[NSW_COMM_LEN - 1] = '\0';
	HASH_ADD_INT(t->procs, pid, p);
	return p;
}

static void proc_drop(struct nsw_table *t, struct tproc *p, __u64 ts)
{
	struct move mv = { .ts_ns = ts };

	proc_set(t, p, no_slots, &mv);
	HASH_DEL(t->procs, p);
	free(p);
}

static void remember_exit(struct nsw_table *t, pid_t pid, __u64 ts)
{
	struct texit *x;

	HASH_FIND_INT(t->exits, &pid, x);
	if (x) {
		HASH_DEL(t->exits, x);
	} else if (HASH_COUNT(t->exits) >= NSW_EXITS_KEEP) {
		x = t->exits; /* the oldest: uthash keeps insertion order */
		HASH_DEL(t->exits, x);
	} else if (!(x = malloc(sizeof(*x)))) {
		return;
	}
	x->pid = pid;
	x->ts_ns = ts;
	HASH_ADD_INT(t->exits, pid, x);
}

static bool exited_since(struct nsw_table *t, pid_t pid, __u64 ts)
{
	struct texit *x;

	HASH_FIND_INT(t->exits, &pid, x);
	return x && x->ts_ns >= ts;
}

struct nsw_table *nsw_table_new(nsw_table_cb cb, void *ctx)
{
	struct nsw_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cb = cb;
	t->ctx = ctx;
	t->held_grace = NSW_HELD_GRACE_NS;
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++)
		t->flag_slots[__builtin_ctzll(nsw_types[i].flag)] =
			1U << nsw_types[i].slot | 1U << nsw_types[i].new_slot;
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++) {
		t->slot_type[i] = nsw_type_of_slot(i) - nsw_types;
		t->slot_twin[i] = NSW_SLOT_COUNT;
		for (unsigned int j = 0; j < i && t->slot_twin[i] == NSW_SLOT_COUNT; j++)
			if (t->slot_type[j] == t->slot_type[i])
				t->slot_twin[i] = j;
	}
	return t;
}

void nsw_table_free(struct nsw_table *t)
{
	struct tproc *p, *ptmp;
	struct texit *x, *xtmp;
	struct ent *e, *etmp;

	if (!t)
		return;
	HASH_ITER(hh, t->procs, p, ptmp) {
		HASH_DEL(t->procs, p);
		free(p);
	}
	HASH_ITER(hh, t->exits, x, xtmp) {
		HASH_DEL(t->exits, x);
		free(x);
	}
	/* Every live entry is in the inode index. */
	HASH_CLEAR(hh_id, t->by_id);
	HASH_ITER(hh_ino, t->by_ino, e, etmp) {
		HASH_DELETE(hh_ino, t->by_ino, e);
		free(e);
	}
	for (size_t i = 0; i < NSW_DEAD_KEEP; i++)
		free(t->dead[i]);
	if (t->probe.free_ctx)
		t->probe.free_ctx(t->probe.ctx);
	free(t);
}

void nsw_table_set_probe(struct nsw_table *t, const struct nsw_table_probe *p)
{
	if (t->probe.free_ctx)
		t->probe.free_ctx(t->probe.ctx);
	if (p)
		t->probe = *p;
	else
		memset(&t->probe, 0, sizeof(t->probe));
}

void nsw_table_seed_proc(struct nsw_table *t, const struct nsw_proc_ns *pn)
{
	struct ent *nw[NSW_SLOT_COUNT];
	struct move mv = { .silent = true };
	struct tproc *p = find_proc(t, pn->pid);

	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		nw[i] = see(t, t->slot_type[i], pn->ns[i], 0, NSW_ORIGIN_SEEDED, 0);
	if (!p && !(p = proc_add(t, pn->pid, pn->comm)))
		return;
	memcpy(p->comm, pn->comm, NSW_COMM_LEN);
	p->comm[NSW_COMM_LEN - 1] = '\0';
	p->proc_uid = pn->proc_uid;
	p->uid_valid = true;
	proc_set(t, p, nw, &mv);
	ask_meta_members(t, p);
}

/* Cut to fit: a path longer than pinned_at is still worth showing. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void nsw_table_seed_mount(struct nsw_table *t, const struct nsw_nsfs_mount *m)
{
	struct ent *e;
	const char *name;

	if (m->type >= NSW_TYPE_COUNT || !m->inode)
		return;
	e = see(t, m->type, m->inode, 0, NSW_ORIGIN_SEEDED, 0);
	if (!e)
		return;
	e->pinned = true;
	name = nsw_netns_name(m);
	/* The first mount, or the `ip netns` one: that is the one shown. */
	if (!e->pub.pinned_at[0] || (name && !e->pub.netns_name[0]))
		copy_str(e->pub.pinned_at, sizeof(e->pub.pinned_at), m->path);
	if (name && !e->pub.netns_name[0])
		copy_str(e->pub.netns_name, sizeof(e->pub.netns_name), name);
	if (!e->pub.meta_valid && t->probe.ns_meta_path) {
		struct nsw_ns_meta meta;

		memset(&meta, 0, sizeof(meta));
		if (!t->probe.ns_meta_path(t->probe.ctx, m->path, &meta) &&
		    meta.type == m->type && meta.inode == m->inode) {
			e->pub.meta_valid = true;
			e->pub.meta = meta;
			set_id(t, e, meta.ns_id);
		}
	}
	seed_held_by_mount(t, e);
}

/*
 * A fork's child lands where its parent's *_for_children slots point
 * (copy_namespaces, timens_on_fork); the rest it shares.
 */
static void child_slots(const struct tproc *parent, struct ent **nw)
{
	memcpy(nw, parent->slot, sizeof(parent->slot));
	if (nw[NSW_SLOT_PID_FOR_CHILDREN])
		nw[NSW_SLOT_PID] = nw[NSW_SLOT_PID_FOR_CHILDREN];
	nw[NSW_SLOT_PID_FOR_CHILDREN] = nw[NSW_SLOT_PID];
	if (nw[NSW_SLOT_TIME_FOR_CHILDREN])
		nw[NSW_SLOT_TIME] = nw[NSW_SLOT_TIME_FOR_CHILDREN];
	nw[NSW_SLOT_TIME_FOR_CHILDREN] = nw[NSW_SLOT_TIME];
}

/* The documented fallback: a process the records did not describe, from /proc. */
static bool probe_slots(struct nsw_table *t, pid_t pid, struct ent **nw,
			__u64 ts, char *comm)
{
	struct nsw_proc_ns pn;

	if (!t->probe.proc_ns)
		return false;
	memset(&pn, 0, sizeof(pn));
	if (t->probe.proc_ns(t->probe.ctx, pid, &pn))
		return false;
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		nw[i] = see(t, t->slot_type[i], pn.ns[i], 0, NSW_ORIGIN_SEEN, ts);
	if (comm)
		memcpy(comm, pn.comm, NSW_COMM_LEN);
	return true;
}

/*
 * A FORK record's child is in e, new to the table, where its parent is not:
 * only a clone's CLONE_NEW* does that (copy_namespaces() gives the child its
 * parent's namespaces, pid and time from the *_for_children slots, or new
 * ones). The clone's own record, at the syscall's exit, tells e's owner and
 * parent (nsw_ns_meta_made): it is waited for. A wrong guess (a record
 * lost before) only delays the question.
 */
static void await_made(struct nsw_table *t, const struct tproc *parent,
		       struct ent *const *nw, const bool *fresh, pid_t child)
{
	struct ent *from[NSW_SLOT_COUNT];

	child_slots(parent, from);
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++) {
		unsigned int s = nsw_types[i].slot;

		if (fresh[s] && from[s] && nw[s] != from[s])
			meta_await(t, nw[s], child);
	}
}

static void apply_fork(struct nsw_table *t, const struct nsw_proc_event *ev)
{
	struct ent *nw[NSW_SLOT_COUNT] = { NULL };
	struct ent *quiet[NSW_SLOT_COUNT];
	struct move mv = { .ts_ns = ev->ts_ns, .quiet = quiet };
	struct tproc *parent = find_proc(t, ev->ppid);
	struct tproc *p = find_proc(t, ev->pid);
	char comm[NSW_COMM_LEN] = "";
	bool fresh[NSW_SLOT_COUNT] = { false };
	unsigned int i;

	/* Entries known before this record: the unknown parent was surely in them. */
	for (i = 0; i < NSW_SLOT_COUNT; i++) {
		if (ev->ns_valid) {
			struct ent *known = lookup(t, t->slot_type[i], ev->ns[i], ev->ns_id[i]);

			if (known)
				quiet[mv.nquiet++] = known;
			nw[i] = see(t, t->slot_type[i], ev->ns[i], ev->ns_id[i],
				    NSW_ORIGIN_SEEN, ev->ts_ns);
			fresh[i] = !known && nw[i];
			if (fresh[i])
				made_in(nw[i], ev->cgroup_id, ev->cgroup_v1_id);
		}
	}
	if (!ev->ns_valid) {
		if (parent)
			child_slots(parent, nw);
		else if (!probe_slots(t, ev->pid, nw, ev->ts_ns, comm))
			return; /* gone already: its exit will find nothing */
	}
	if (parent) {
		mv.nquiet = 0;
		for (i = 0; i < NSW_TYPE_COUNT; i++)
			if (parent->slot[nsw_types[i].slot])
				quiet[mv.nquiet++] = parent->slot[nsw_types[i].slot];
	} else if (!ev->ns_valid) {
		/* Known only through /proc: no story to tell of how it got there. */
		mv.silent = true;
	}
	if (ev->comm[0])
		memcpy(comm, ev->comm, NSW_COMM_LEN);
	else if (parent)
		memcpy(comm, parent->comm, NSW_COMM_LEN);
	/* A pid still in the table exited unseen, or was seeded in the race. */
	if (!p && !(p = proc_add(t, ev->pid, comm)))
		return;
	memcpy(p->comm, comm, NSW_COMM_LEN);
	p->comm[NSW_COMM_LEN - 1] = '\0';
	proc_set(t, p, nw, &mv);
	if (parent)
		await_made(t, parent, nw, fresh, ev->pid);
	ask_meta_members(t, p);
}

static void apply_exec(struct nsw_table *t, const struct nsw_proc_event *ev)
{
	struct ent *nw[NSW_SLOT_COUNT];
	struct move mv = { .ts_ns = ev->ts_ns };
	struct tproc *p = find_proc(t, ev->pid);

	if (!p) {
		char comm[NSW_COMM_LEN];

		if (!probe_slots(t, ev->pid, nw, ev->ts_ns, comm) ||
		    !(p = proc_add(t, ev->pid, comm)))
			return;
		mv.silent = true;
		proc_set(t, p, nw, &mv);
		mv.silent = false;
	}
	if (ev->comm[0]) {
		memcpy(p->comm, ev->comm, NSW_COMM_LEN);
		p->comm[NSW_COMM_LEN - 1] = '\0';
	}
	/* exec_task_namespaces(): the process enters its time_for_children. */
	if (!p->slot[NSW_SLOT_TIME_FOR_CHILDREN] ||
	    p->slot[NSW_SLOT_TIME] == p->slot[NSW_SLOT_TIME_FOR_CHILDREN])
		return;
	memcpy(nw, p->slot, sizeof(nw));
	nw[NSW_SLOT_TIME] = nw[NSW_SLOT_TIME_FOR_CHILDREN];
	proc_set(t, p, nw, &mv);
	ask_meta(t, nw[NSW_SLOT_TIME], p->pid);
}

static void apply_exit(struct nsw_table *t, const struct nsw_proc_event *ev)
{
	struct tproc *p = find_proc(t, ev->pid);

	remember_exit(t, ev->pid, ev->ts_ns);
	if (p)
		proc_drop(t, p, ev->ts_ns);
	exit_checks(t, ev->pid, ev->ts_ns);
}

void nsw_table_apply_proc(struct nsw_table *t, const struct nsw_proc_event *ev)
{
	switch (ev->kind) {
	case NSW_KIND_FORK:
		apply_fork(t, ev);
		break;
	case NSW_KIND_EXEC:
		apply_exec(t, ev);
		break;
	case NSW_KIND_EXIT:
		apply_exit(t, ev);
		break;
	}
}

/* A dead entry a late clone record names: same id, or seen during the call. */
static struct ent *find_dead(struct nsw_table *t, unsigned int type, __u32 inode,
			     __u64 ns_id, __u64 ts)
{
	for (size_t k = 1; k <= NSW_DEAD_KEEP; k++) {
		struct ent *e = t->dead[(t->dead_next + NSW_DEAD_KEEP - k) % NSW_DEAD_KEEP];

		if (!e || e->pub.type != type)
			continue;
		if (ns_id && e->pub.ns_id) {
			if (e->pub.ns_id == ns_id)
				return e;
			continue;
		}
		if (e->pub.inode == inode && e->pub.origin == NSW_ORIGIN_SEEN &&
		    e->pub.first_ts_ns >= ts)
			return e;
	}
	return NULL;
}

/*
 * The entry of a namespace an op made. It may already be known: seen through
 * the clone's FORK record, which comes first. Any other entry on its inode
 * was a namespace the kernel has freed since.
 */
static struct ent *find_made(struct nsw_table *t, unsigned int type, __u32 inode,
			     __u64 ns_id, __u64 ts, bool use_dead, bool *dead)
{
	struct ent *e = ns_id ? find_id(t, type, ns_id) : NULL;

	*dead = false;
	if (!e && (e = find_ino(t, type, inode))) {
		bool same = e->pub.origin == NSW_ORIGIN_SEEN &&
			    e->pub.first_ts_ns >= ts && !(ns_id && e->pub.ns_id);

		if (same) {
			set_id(t, e, ns_id);
		} else {
			retire(t, e, ts);
			e = NULL;
		}
	}
	if (!e && use_dead && (e = find_dead(t, type, inode, ns_id, ts)))
		*dead = true;
	if (!e)
		e = ent_new(t, type, inode, ns_id, NSW_ORIGIN_SEEN, ts);
	return e;
}

static void mark_created(struct nsw_table *t, struct ent *e,
			 const struct nsw_event *ev)
{
	if (e->pub.origin == NSW_ORIGIN_CREATED)
		return;
	e->pub.origin = NSW_ORIGIN_CREATED;
	e->pub.first_ts_ns = ev->ts_ns;
	e->pub.creator_pid = ev->pid;
	memcpy(e->pub.creator_comm, ev->comm, NSW_COMM_LEN);
	e->pub.creator_comm[NSW_COMM_LEN - 1] = '\0';
	e->pub.creator_op = ev->op;
	made_in(e, ev->cgroup_id, ev->cgroup_v1_id);
	notify(t, NSW_NS_CREATED, e, ev->pid, ev->ts_ns);
}

/* cur is what the record says slot i holds after it. */
static bool slot_is(const struct ent *cur, const struct nsw_event *ev, unsigned int i)
{
	return cur && cur->pub.inode == ev->ns_after[i] &&
	       (!ev->ns_id_after[i] || !cur->pub.ns_id || cur->pub.ns_id == ev->ns_id_after[i]);
}

/* The slots a record says a process has after it, reusing p's entries. */
static void slots_after(struct nsw_table *t, const struct tproc *p,
			const struct nsw_event *ev, struct ent **nw)
{
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++) {
		struct ent *cur = p ? p->slot[i] : NULL;

		if (slot_is(cur, ev, i))
			nw[i] = cur;
		else
			nw[i] = see(t, t->slot_type[i], ev->ns_after[i],
				    ev->ns_id_after[i], NSW_ORIGIN_SEEN, ev->ts_ns);
	}
}

#define NSW_ALL_SLOTS_MASK ((1U << NSW_SLOT_COUNT) - 1)

/*
 * The slots an unshare or setns can change, as the kernel side reads them
 * again at exit (bpf/nswatch.bpf.c, after_mask()): its flags' types, pid
 * and time with their *_for_children slots, a setns's target; every slot
 * for a setns with nstype 0 or a record without flags.
 */
static unsigned int move_mask(const struct nsw_table *t, const struct nsw_event *ev)
{
	unsigned int m = 0;

	if (!ev->flags_valid || (ev->op != NSW_OP_SETNS && ev->op != NSW_OP_UNSHARE) ||
	    (ev->op == NSW_OP_SETNS && !ev->flags))
		return NSW_ALL_SLOTS_MASK;
	for (__u64 f = ev->flags; f; f &= f - 1)
		m |= t->flag_slots[__builtin_ctzll(f)];
	if (ev->op == NSW_OP_SETNS && ev->target_slot < NSW_SLOT_COUNT)
		m |= t->flag_slots[__builtin_ctzll(nsw_types[t->slot_type[ev->target_slot]].flag)];
	return m;
}

/*
 * The record's other slots are copies of the caller's before the call: when
 * the table has them already, the slots of mask alone are looked up (what
 * slots_after() would give). false: the table differs (a lost record, a
 * thread), slots_after() it is.
 */
static bool slots_after_mask(struct nsw_table *t, const struct tproc *p,
			     const struct nsw_event *ev, unsigned int mask,
			     struct ent **nw)
{
	unsigned int i, bits;

	for (bits = ~mask & NSW_ALL_SLOTS_MASK; bits; bits &= bits - 1) {
		i = __builtin_ctz(bits);
		if (p->slot[i] ? !slot_is(p->slot[i], ev, i) : ev->ns_after[i] != 0)
			return false;
	}
	memcpy(nw, p->slot, sizeof(p->slot));
	for (bits = mask; bits; bits &= bits - 1) {
		i = __builtin_ctz(bits);
		if (!slot_is(p->slot[i], ev, i))
			nw[i] = see(t, t->slot_type[i], ev->ns_after[i],
				    ev->ns_id_after[i], NSW_ORIGIN_SEEN, ev->ts_ns);
	}
	return true;
}

/* The caller of an op, added from ns_before if its fork was not seen. */
static struct tproc *caller_of(struct nsw_table *t, const struct nsw_event *ev)
{
	struct ent *nw[NSW_SLOT_COUNT];
	struct move mv = { .ts_ns = ev->ts_ns, .silent = true };
	struct tproc *p = find_proc(t, ev->pid);

	if (p)
		return p;
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		nw[i] = see(t, t->slot_type[i], ev->ns_before[i], 0,
			    NSW_ORIGIN_SEEN, ev->ts_ns);
	p = proc_add(t, ev->pid, ev->comm);
	if (p)
		proc_set(t, p, nw, &mv);
	return p;
}

/* The namespaces an op made, by type (nsw_types[] index); NULL where none. */
static void made_by(struct nsw_table *t, const struct nsw_event *ev, bool is_clone,
		    struct ent **made, bool *any_dead, pid_t meta_pid)
{
	__u64 flags = ev->flags_valid ? nsw_ns_flags(ev->op, ev->flags) : 0;

	*any_dead = false;
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++) {
		/* A clone's child is in its new pid or time ns itself. */
		unsigned int s = is_clone ? nsw_types[i].slot : nsw_types[i].new_slot;
		bool dead;
		struct ent *e;

		made[i] = NULL;
		if (!(flags & nsw_types[i].flag) || !ev->ns_after[s])
			continue;
		e = find_made(t, i, ev->ns_after[s], ev->ns_id_after[s], ev->ts_ns,
			      is_clone, &dead);
		if (!e)
			continue;
		if (dead) {
			/* Its child left before this record came: tell, then leave it. */
			*any_dead = true;
			made_meta(t, e, ev, i);
			mark_created(t, e, ev);
			continue;
		}
		if (!made_meta(t, e, ev, i) && nsw_types[i].slot == s)
			ask_meta(t, e, meta_pid);
		made[i] = e;
	}
}

/* unshare, setns, and a clone that made a thread: the caller moves. */
static void apply_move(struct nsw_table *t, const struct nsw_event *ev)
{
	struct ent *nw[NSW_SLOT_COUNT];
	struct ent *made[NSW_TYPE_COUNT];
	struct move mv = { .ts_ns = ev->ts_ns, .quiet = made, .nquiet = NSW_TYPE_COUNT };
	struct tproc *p = caller_of(t, ev);
	unsigned int mask, changed;
	bool any_dead, any_made = false, settled;

	if (!p)
		return;
	settled = p->meta_settled;
	if (ev->op == NSW_OP_SETNS)
		memset(made, 0, sizeof(made));
	else
		made_by(t, ev, ev->op != NSW_OP_UNSHARE, made, &any_dead, ev->pid);
	mask = move_mask(t, ev);
	if (mask == NSW_ALL_SLOTS_MASK || !slots_after_mask(t, p, ev, mask, nw))
		slots_after(t, p, ev, nw);
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++) {
		unsigned int s = ev->op == NSW_OP_UNSHARE ? nsw_types[i].new_slot :
							    nsw_types[i].slot;

		if (made[i]) {
			nw[s] = made[i];
			any_made = true;
		}
	}
	if (!any_made)
		mv.nquiet = 0;
	changed = proc_set(t, p, nw, &mv);
	for (unsigned int i = 0; any_made && i < NSW_TYPE_COUNT; i++)
		if (made[i])
			mark_created(t, made[i], ev);
	if (settled)
		ask_meta_changed(t, p, changed);
	else
		ask_meta_members(t, p);
	if (ev->op == NSW_OP_SETNS)
		note_setns_fd(t, ev);
}

/*
 * The child its FORK record placed: that record said it all, and the child
 * may have moved on since. Only a slot a retired entry left empty is filled.
 */
static void fill_child(struct nsw_table *t, struct tproc *child,
		       struct ent *const *made, const struct nsw_event *ev)
{
	struct move mv = { .ts_ns = ev->ts_ns };
	struct ent *nw[NSW_SLOT_COUNT];

	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++) {
		unsigned int s = nsw_types[i].slot;

		if (!made[i] || child->slot[s])
			continue;
		memcpy(nw, child->slot, sizeof(nw));
		nw[s] = made[i];
		proc_set(t, child, nw, &mv);
	}
}

/* Its FORK record was lost: the clone record says where the child went. */
static void add_late_child(struct nsw_table *t, pid_t child_pid,
			   struct ent *const *made, const struct nsw_event *ev)
{
	struct ent *quiet[NSW_TYPE_COUNT] = { NULL };
	struct move mv = { .ts_ns = ev->ts_ns, .quiet = quiet,
			   .nquiet = NSW_TYPE_COUNT };
	struct tproc *parent = find_proc(t, ev->pid);
	struct ent *nw[NSW_SLOT_COUNT];
	struct nsw_proc_ns pn;
	struct tproc *child;

	if (t->probe.proc_ns && t->probe.proc_ns(t->probe.ctx, child_pid, &pn))
		return; /* gone too */
	child = proc_add(t, child_pid, ev->comm);
	if (!child)
		return;
	slots_after(t, NULL, ev, nw);
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++) {
		if (made[i])
			nw[nsw_types[i].slot] = made[i];
		if (parent)
			quiet[i] = parent->slot[nsw_types[i].slot];
	}
	proc_set(t, child, nw, &mv);
}

static void apply_clone(struct nsw_table *t, const struct nsw_event *ev)
{
	pid_t child_pid = ev->child_pid;
	struct ent *made[NSW_TYPE_COUNT];
	struct tproc *child;
	bool gone, any_dead;

	if (!child_pid)
		return;
	if (child_pid == (pid_t)ev->pid) {
		/* CLONE_THREAD: a thread's namespaces are counted as its process's. */
		apply_move(t, ev);
		return;
	}
	/* Exited after the call began: this record must not bring it back. */
	gone = exited_since(t, child_pid, ev->ts_ns);
	made_by(t, ev, true, made, &any_dead, gone ? 0 : child_pid);
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++)
		if (made[i])
			mark_created(t, made[i], ev);
	child = find_proc(t, child_pid);
	if (child && !gone)
		fill_child(t, child, made, ev);
	else if (!child && !gone && !any_dead)
		add_late_child(t, child_pid, made, ev);
	/* Made, but nobody we know holds it: its child is gone. */
	for (unsigned int i = 0; i < NSW_TYPE_COUNT; i++)
		if (made[i] && !made[i]->pub.holders && !made[i]->orphan)
			last_left(t, made[i], child_pid, ev->ts_ns);
}

void nsw_table_apply_nsop(struct nsw_table *t, const struct nsw_event *ev)
{
	if ((__s64)ev->ret < 0 || !ev->after_valid)
		return;
	switch (ev->op) {
	case NSW_OP_CLONE:
	case NSW_OP_CLONE3:
		apply_clone(t, ev);
		break;
	case NSW_OP_UNSHARE:
	case NSW_OP_SETNS:
		apply_move(t, ev);
		break;
	}
}

const struct nsw_ns_entry *nsw_table_find(struct nsw_table *t, unsigned int type,
					  __u32 inode, __u64 ns_id)
{
	struct ent *e;

	if (type >= NSW_TYPE_COUNT)
		return NULL;
	e = lookup(t, type, inode, ns_id);
	return e ? &e->pub : NULL;
}

pid_t nsw_table_member(struct nsw_table *t, const struct nsw_ns_entry *pe)
{
	struct ent *e = ent_of(pe);
	struct tproc *p, *tmp;

	if (!e->lowest_stale)
		return e->lowest;
	e->lowest = 0;
	HASH_ITER(hh, t->procs, p, tmp)
		if (p->slot[own_slot(e)] == e && (!e->lowest || p->pid < e->lowest))
			e->lowest = p->pid;
	e->lowest_stale = false;
	return e->lowest;
}

pid_t nsw_table_holder(struct nsw_table *t, const struct nsw_ns_entry *pe)
{
	struct ent *e = ent_of(pe);
	struct tproc *p, *tmp;
	pid_t low = 0;

	if (!e->pub.holders)
		return 0;
	HASH_ITER(hh, t->procs, p, tmp)
		if ((!low || p->pid < low) && has(p->slot, e))
			low = p->pid;
	return low;
}

/*
 * The label of e, found through asker (a process that just came into it)
 * if not 0, else through its lowest member (the process `ls` shows on its
 * row), else its lowest holder; then its creator.
 */
static const struct nsw_label *label_of(struct nsw_table *t, struct ent *e,
					pid_t asker)
{
	struct tproc *init;
	struct nsw_label l;
	pid_t pid;

	if (e->pub.label_valid)
		return &e->pub.label;
	if (e->label_tries >= NSW_LABEL_TRIES)
		return NULL;
	e->label_tries++;
	memset(&l, 0, sizeof(l));
	if (t->probe.nswatch_label &&
	    t->probe.nswatch_label(t->probe.ctx, e->pub.type, e->pub.inode, &l))
		goto out_found;
	/*
	 * A namespace of the host's init is the host's, whatever container
	 * shares it (--network=host): a holder's cgroup would mislabel it.
	 */
	init = find_proc(t, 1);
	if (init && has(init->slot, e))
		return NULL;
	/*
	 * Made by a recorded process: its cgroups at the call are the
	 * kernel's word on whose it is, resolved once per cgroup. Its /proc
	 * file would be read later, in the reporter's time, and cost a read
	 * per namespace in a flood.
	 */
	if ((e->made_cg_v2 || e->made_cg_v1) && t->probe.cgroup_label) {
		if (t->probe.cgroup_label(t->probe.ctx, e->made_cg_v2, e->made_cg_v1, &l))
			goto out_found;
		return NULL;
	}
	if (!t->probe.pid_label)
		return NULL;
	pid = asker;
	if (!pid)
		pid = nsw_table_member(t, &e->pub);
	if (!pid)
		pid = nsw_table_holder(t, &e->pub);
	if (pid && t->probe.pid_label(t->probe.ctx, pid, &l))
		goto out_found;
	if (e->pub.creator_pid && (pid_t)e->pub.creator_pid != pid &&
	    t->probe.pid_label(t->probe.ctx, e->pub.creator_pid, &l))
		goto out_found;
	return NULL;
out_found:
	e->pub.label = l;
	e->pub.label_valid = true;
	return &e->pub.label;
}

const struct nsw_label *nsw_table_label(struct nsw_table *t,
					const struct nsw_ns_entry *pe)
{
	return label_of(t, ent_of(pe), 0);
}

void nsw_table_label_proc(struct nsw_table *t, pid_t pid)
{
	struct tproc *p = find_proc(t, pid);

	if (!p)
		return;
	/* pid was just read into them: its cgroup says whose they are. */
	for (unsigned int i = 0; i < NSW_SLOT_COUNT; i++)
		if (p->slot[i])
			label_of(t, p->slot[i], pid);
}

void nsw_table_set_label(struct nsw_table *t, const struct nsw_ns_entry *pe,
			 const struct nsw_label *l)
{
	struct ent *e = ent_of(pe);
	struct tproc *init;

	if (e->pub.label_valid)
		return;
	init = find_proc(t, 1);
	if (init && has(init->slot, e))
		return;
	e->pub.label = *l;
	e->pub.label_valid = true;
}

size_t nsw_table_count(const struct nsw_table *t)
{
	return HASH_CNT(hh_ino, t->by_ino);
}

size_t nsw_table_procs(const struct nsw_table *t)
{
	return HASH_CNT(hh, t->procs);
}

const struct nsw_ns_entry *nsw_table_next(const struct nsw_table *t,
					  const struct nsw_ns_entry *prev)
{
	const struct ent *e = prev ? ent_of(prev)->hh_ino.next : t->by_ino;

	return e ? &e->pub : NULL;
}

bool nsw_table_proc_uid(struct nsw_table *t, pid_t pid, uid_t *uid)
{
	struct tproc *p = find_proc(t, pid);

	if (!p || !p->uid_valid)
		return false;
	*uid = p->proc_uid;
	return true;
}

/* Keep the max lowest pids seen, in ascending order. */
static void keep_lowest(pid_t *pids, size_t max, size_t kept, pid_t pid)
{
	size_t i = kept < max ? kept : max;

	if (i == max && (!max || pid > pids[max - 1]))
		return;
	if (i == max)
		i--;
	for (; i > 0 && pids[i - 1] > pid; i--)
		pids[i] = pids[i - 1];
	pids[i] = pid;
}

size_t nsw_table_unread(struct nsw_table *t, pid_t *pids, size_t max)
{
	struct tproc *p, *tmp;
	size_t n = 0;

	HASH_ITER(hh, t->procs, p, tmp) {
		if (memcmp(p->slot, no_slots, sizeof(no_slots)))
			continue;
		keep_lowest(pids, max, n, p->pid);
		n++;
	}
	return n;
}

/*
 * Lifetimes (docs/table.md, "Lifetimes"). A namespace no process holds is
 * gone only when the kernel says so: an open fd, a bind mount, a namespace
 * it owns or is the parent of may keep it. Until the kernel says, the entry
 * stays, on the orphan list, with its labels; the sweep asks.
 */
static void orphan_add(struct nsw_table *t, struct ent *e, __u32 pid, __u64 ts)
{
	e->left_pid = pid;
	e->left_ts = ts;
	e->doomed = false;
	if (e->orphan)
		return;
	e->orphan = true;
	DL_APPEND2(t->orphans, e, orph_prev, orph_next);
	t->norphans++;
}

static void orphan_del(struct nsw_table *t, struct ent *e)
{
	if (!e->orphan)
		return;
	DL_DELETE2(t->orphans, e, orph_prev, orph_next);
	e->orphan = false;
	e->undecided = false;
	e->doomed = false;
	t->norphans--;
}

/* 1 alive, 0 gone, -1 cannot say. Without a probe, what the table sees: gone. */
static int ask_alive(struct nsw_table *t, struct ent *e)
{
	if (!t->probe.ns_alive)
		return 0;
	return t->probe.ns_alive(t->probe.ctx, e->pub.type, e->pub.inode, e->pub.ns_id);
}

/* The kernel freed it: a mount that pinned it is gone too. */
static void gone(struct nsw_table *t, struct ent *e, __u32 pid, __u64 ts)
{
	orphan_del(t, e);
	if (t->probe.ns_alive)
		e->pinned = false;
	emptied(t, e, pid, ts);
}

/*
 * The kernel is not asked here: the record may be read long after it was
 * made, and "gone now" says nothing of then. The sweep asks, once the
 * records before its question are applied.
 */
static void last_left(struct nsw_table *t, struct ent *e, __u32 pid, __u64 ts)
{
	if (!t->probe.ns_alive)
		gone(t, e, pid, ts);
	else
		orphan_add(t, e, pid, ts);
}

static void doom(struct ent *e, __u32 pid, __u64 ts)
{
	if (e->doomed)
		return;
	e->doomed = true;
	e->death_pid = pid;
	e->death_ts = ts;
}

/* A live namespace that e owns (a user ns) or is the parent of. */
static bool held_by_child(struct nsw_table *t, struct ent *e, struct nsw_ns_holder *h)
{
	bool user = !strcmp(nsw_types[e->pub.type].name, "user");
	struct ent *x, *tmp;

	HASH_ITER(hh_ino, t->by_ino, x, tmp) {
		/* Found gone in this sweep: it holds nothing. */
		if (x == e || !x->pub.meta_valid || x->doomed)
			continue;
		if (user && x->pub.meta.owner_user == e->pub.inode)
			h->kind = NSW_HOLDER_OWNER;
		else if (x->pub.type == e->pub.type && x->pub.meta.parent == e->pub.inode)
			h->kind = NSW_HOLDER_PARENT;
		else
			continue;
		h->ns_type = x->pub.type;
		h->ns_inode = x->pub.inode;
		return true;
	}
	return false;
}

static void describe_holder(struct nsw_table *t, struct ent *e, struct nsw_ns_holder *h)
{
	memset(h, 0, sizeof(*h));
	if (t->probe.ns_holder &&
	    t->probe.ns_holder(t->probe.ctx, e->pub.type, e->pub.inode, e->fd_pid,
			       e->fd_num, e->left_pid, h))
		return;
	if (held_by_child(t, e, h))
		return;
	memset(h, 0, sizeof(*h));
	if (e->pub.pinned_at[0]) {
		h->kind = NSW_HOLDER_MOUNT;
		copy_str(h->path, sizeof(h->path), e->pub.pinned_at);
	}
}

/* Once per entry: it outlived its processes. */
static void raise_held(struct nsw_table *t, struct ent *e, const struct nsw_ns_holder *found)
{
	if (e->pub.held)
		return;
	if (found)
		e->pub.held_by = *found;
	else
		describe_holder(t, e, &e->pub.held_by);
	e->pub.held = true;
	notify(t, NSW_NS_HELD, e, e->left_pid, e->left_ts);
}

/* An nsfs mount found at seeding with no process in it: held from the start. */
static void seed_held_by_mount(struct nsw_table *t, struct ent *e)
{
	if (e->pub.holders || e->orphan || !t->probe.ns_alive)
		return;
	e->pub.held = true;
	memset(&e->pub.held_by, 0, sizeof(e->pub.held_by));
	e->pub.held_by.kind = NSW_HOLDER_MOUNT;
	copy_str(e->pub.held_by.path, sizeof(e->pub.held_by.path), e->pub.pinned_at);
	orphan_add(t, e, 0, 0);
}

/* The holder a setns names: pid had the fd open then. */
static void note_setns_fd(struct nsw_table *t, const struct nsw_event *ev)
{
	struct ent *e;

	if (ev->target_kind != NSW_TARGET_NSFS || ev->target_slot >= NSW_SLOT_COUNT)
		return;
	e = lookup(t, t->slot_type[ev->target_slot], ev->target_inum, ev->target_ns_id);
	if (!e)
		return;
	e->fd_pid = ev->pid;
	e->fd_num = (int)ev->setns_fd;
}

/*
 * pid exited, closing its fds: what it may have held is asked now, so
 * that its ns_empty follows the exit that caused it.
 */
static void exit_checks(struct nsw_table *t, pid_t pid, __u64 ts)
{
	struct ent *e, *tmp;

	DL_FOREACH_SAFE2(t->orphans, e, tmp, orph_next) {
		bool holder = e->fd_pid == pid ||
			      (e->pub.held_by.kind == NSW_HOLDER_FD && e->pub.held_by.pid == pid);

		if (holder && !e->doomed && ask_alive(t, e) == 0)
			doom(e, pid, ts);
	}
}

static __u64 gone_ts(const struct ent *e, __u64 now)
{
	/* Never said held: it died with its last process, the kernel was behind. */
	return e->pub.held ? now : e->left_ts;
}

/* The fd search, for what the kernel could not tell (kernels before 6.18). */
static void scan_orphans(struct nsw_table *t, __u64 now, size_t n)
{
	cleanup_free struct nsw_ns_query *q = calloc(n, sizeof(*q));
	cleanup_free struct ent **es = calloc(n, sizeof(*es));
	struct ent *e;
	size_t k = 0;
	int ret;

	if (!q || !es)
		return;
	t->last_scan = now;
	DL_FOREACH2(t->orphans, e, orph_next) {
		if (!e->undecided || k == n)
			continue;
		es[k] = e;
		q[k].type = e->pub.type;
		q[k].inode = e->pub.inode;
		k++;
	}
	ret = t->probe.ns_scan(t->probe.ctx, q, k);
	if (ret < 0)
		return;
	for (size_t i = 0; i < k; i++) {
		if (q[i].found)
			raise_held(t, es[i], &q[i].holder);
		else if (ret == 1)
			doom(es[i], es[i]->left_pid, gone_ts(es[i], now));
	}
}

void nsw_table_set_held_grace(struct nsw_table *t, __u64 grace_ns)
{
	t->held_grace = grace_ns;
}

size_t nsw_table_sweep(struct nsw_table *t, __u64 now, bool force)
{
	struct ent *e, *tmp;
	size_t undecided = 0, doomed = 0;

	meta_wait_over(t, now);
	if (!t->orphans || (!force && now - t->last_sweep < NSW_SWEEP_NS))
		goto out;
	t->last_sweep = now;
	DL_FOREACH_SAFE2(t->orphans, e, tmp, orph_next) {
		int alive = e->doomed ? 0 : ask_alive(t, e);

		e->undecided = alive < 0;
		if (!alive)
			doom(e, e->left_pid, gone_ts(e, now));
		else if (alive > 0 && now - e->left_ts >= t->held_grace)
			raise_held(t, e, NULL);
		else if (alive < 0)
			undecided++;
	}
	if (undecided && t->probe.ns_scan && (force || now - t->last_scan >= NSW_SCAN_NS))
		scan_orphans(t, now, undecided);
out:
	DL_FOREACH2(t->orphans, e, orph_next)
		doomed += e->doomed;
	return doomed;
}

void nsw_table_sweep_finish(struct nsw_table *t)
{
	struct ent *e, *tmp;

	DL_FOREACH_SAFE2(t->orphans, e, tmp, orph_next)
		if (e->doomed)
			gone(t, e, e->death_pid, e->death_ts);
}

size_t nsw_table_orphans(const struct nsw_table *t)
{
	return t->norphans;
}

__u64 nsw_table_pending_since(const struct nsw_table *t)
{
	const struct ent *e;
	__u64 since = 0;

	DL_FOREACH2(t->orphans, e, orph_next)
		if (!e->pub.held && !e->doomed && (!since || e->left_ts < since))
			since = e->left_ts;
	return since;
}

size_t nsw_table_pending(const struct nsw_table *t)
{
	const struct ent *e;
	size_t n = 0;

	DL_FOREACH2(t->orphans, e, orph_next)
		n += !e->pub.held && !e->doomed;
	return n;
}
