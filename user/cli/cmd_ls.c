// SPDX-License-Identifier: GPL-2.0
/*
 * nswatch ls: every namespace the kernel shows, as util-linux lsns counts
 * them (same NS, TYPE, NPROCS, PID, USER, COMMAND), plus what lsns does not
 * tell: namespaces pinned by nsfs mounts or held only for children, the
 * nsfs ioctls' id, owner and parent, the container a namespace belongs to,
 * and a tree of user namespaces and what they own.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uthash.h>
#include "cli/commands.h"
#include "lib/json.h"
#include "table/labels.h"
#include "lib/nsnames.h"
#include "table/nsscan.h"
#include "lib/util.h"

#define CMD_WIDTH 40
#define CMDLINE_MAX 8192	/* what lsns reads of /proc/PID/cmdline */

static inline int MAX_INT(int a, int b)
{
	return a > b ? a : b;
}

struct ls_opts {
	bool json, tree;
	unsigned int types;	/* bits by nsw_types[] index; 0: all */
};

struct ns_key {
	unsigned int type;
	__u32 inode;
};

struct ns_ent {
	struct ns_key key;
	unsigned int nprocs;
	pid_t pid;		/* the lowest member (lsns's PID); 0 if none */
	uid_t uid;		/* the owner of /proc/PID, lsns's USER */
	pid_t holder;		/* lowest pid holding it in a *_for_children slot */
	char *nsfs;		/* first nsfs mount point pinning it */
	const char *netns;	/* `ip netns` name (in nsfs) */
	bool meta_ok;
	struct nsw_ns_meta meta;
	bool label_ok;
	struct nsw_label label;
	const struct nsw_container_ns *nsw;
	bool shown;
	struct ns_ent **kids;
	size_t nkids;
	UT_hash_handle hh;
};

struct ls_state {
	struct ns_ent *table;
	size_t procs, unreadable;
	pid_t unreadable_pids[5];
	struct nsw_container_ns *nsw;
	size_t n_nsw;
};

static const char doc[] =
	"List namespaces: every namespace some process is in, as util-linux "
	"lsns lists them, plus those that only an nsfs bind mount (ip netns "
	"add) or a *_for_children slot holds; with the container each one "
	"belongs to."
	"\v"
	"Columns:\n"
	"  NS, TYPE    inode number and type, as /proc/PID/ns/TYPE shows them\n"
	"  NPROCS      processes in it (kernel threads too, as lsns counts)\n"
	"  PID, USER   the lowest of them, and the owner of its /proc/PID\n"
	"  COMMAND     its command line; with NPROCS 0, what holds the namespace\n"
	"  CONTAINER   nswatch:NAME, or ENGINE:ID from PID's cgroup path\n"
	"  CREATED-BY  'nswatch run NAME (pid MONITOR)' for nswatch's own\n"
	"              containers, else '-'\n"
	"\n"
	"--json adds ns_id (NS_GET_ID), owner (the owning user namespace's "
	"inode), parent (pid and user namespaces), owner_uid (user), netns, "
	"nsfs and container {engine, id}. --tree nests namespaces under the "
	"user namespace that owns them, child user namespaces under their "
	"parent and pid namespaces under their parent pid namespace when both "
	"have the same owner.\n"
	"\n"
	"Needs root to see every process's namespaces; run as another user it "
	"says how many processes it could not read. nsfs mounts are those of "
	"nswatch's own mount namespace. See docs/ls.md.";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "One JSON object: {\"namespaces\": [...]}", 0 },
	{ "type", 't', "TYPES", 0,
	  "Only these types (comma-separated: mnt,uts,ipc,net,cgroup,pid,time,user)", 0 },
	{ "tree", 'T', NULL, 0,
	  "User namespaces as roots, each with what it owns", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ls_opts *o = state->input;
	struct nsw_error err;
	__u32 slots;

	switch (key) {
	case 'j':
		o->json = true;
		return 0;
	case 'T':
		o->tree = true;
		return 0;
	case 't':
		if (nsw_parse_types(arg, &slots, &err) < 0) {
			argp_error(state, "%s", err.msg);
			return EINVAL;
		}
		for (unsigned int t = 0; t < NSW_TYPE_COUNT; t++)
			if (slots & (1U << nsw_types[t].slot))
				o->types |= 1U << t;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

static struct ns_ent *get_ent(struct ls_state *s, unsigned int type, __u32 inode)
{
	struct ns_key k;
	struct ns_ent *e;

	memset(&k, 0, sizeof(k));
	k.type = type;
	k.inode = inode;
	HASH_FIND(hh, s->table, &k, sizeof(k), e);
	if (e)
		return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = k;
	HASH_ADD(hh, s->table, key, sizeof(k), e);
	return e;
}

static int add_proc(const struct nsw_proc_ns *p, void *data)
{
	struct ls_state *s = data;
	bool any = false;

	s->procs++;
	for (unsigned int t = 0; t < NSW_TYPE_COUNT; t++) {
		__u32 own = p->ns[nsw_types[t].slot];
		__u32 next = p->ns[nsw_types[t].new_slot];
		struct ns_ent *e;

		if (own) {
			any = true;
			if (!(e = get_ent(s, t, own)))
				return -ENOMEM;
			/* Ascending pids: the first member is the lowest. */
			if (!e->nprocs++) {
				e->pid = p->pid;
				e->uid = p->proc_uid;
			}
		}
		if (next && next != own) {
			any = true;
			if (!(e = get_ent(s, t, next)))
				return -ENOMEM;
			if (!e->holder)
				e->holder = p->pid;
		}
	}
	if (!any) {
		if (s->unreadable < ARRAY_SIZE(s->unreadable_pids))
			s->unreadable_pids[s->unreadable] = p->pid;
		s->unreadable++;
	}
	return 0;
}

static int add_mounts(struct ls_state *s, struct nsw_error *err)
{
	cleanup_free struct nsw_nsfs_mount *m = NULL;
	size_t n;

	if (nsw_scan_nsfs_mounts(&m, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct ns_ent *e = get_ent(s, m[i].type, m[i].inode);
		const char *name = nsw_netns_name(&m[i]);

		if (!e)
			return nsw_error(err, ENOMEM, "ls");
		if (!e->nsfs && !(e->nsfs = strdup(m[i].path)))
			return nsw_error(err, ENOMEM, "ls");
		if (name && !e->netns)
			e->netns = e->nsfs + (name - m[i].path);
		if (name && strcmp(e->nsfs, m[i].path)) {
			/* Keep the netns mount as the one shown. */
			free(e->nsfs);
			if (!(e->nsfs = strdup(m[i].path)))
				return nsw_error(err, ENOMEM, "ls");
			e->netns = e->nsfs + (name - m[i].path);
		}
	}
	return 0;
}

/* Open path (an nsfs file) and describe it if it is still inode. */
static bool meta_path(const char *path, __u32 inode, struct nsw_ns_meta *m)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct nsw_error err;

	return fd >= 0 && nsw_ns_meta_fd(fd, m, &err) == 0 && m->inode == inode;
}

static void describe(struct ls_state *s, struct ns_ent *e)
{
	const struct nsw_type *t = &nsw_types[e->key.type];
	char path[64];
	pid_t who;

	if (e->pid) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", e->pid, t->name);
		e->meta_ok = meta_path(path, e->key.inode, &e->meta);
	}
	if (!e->meta_ok && e->holder) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", e->holder,
			 nsw_slot_name(t->new_slot));
		e->meta_ok = meta_path(path, e->key.inode, &e->meta);
	}
	if (!e->meta_ok && e->nsfs)
		e->meta_ok = meta_path(e->nsfs, e->key.inode, &e->meta);

	e->nsw = nsw_container_by_ns(s->nsw, s->n_nsw, e->key.type, e->key.inode);
	if (e->nsw) {
		snprintf(e->label.engine, sizeof(e->label.engine), "nswatch");
		snprintf(e->label.id, sizeof(e->label.id), "%s", e->nsw->name);
		e->label_ok = true;
		return;
	}
	who = e->pid ? e->pid : e->holder;
	if (who)
		e->label_ok = nsw_pid_label(who, &e->label);
}

/* As lsns: the command line with NULs as spaces, else the comm. */
static void command_of(pid_t pid, char *buf, size_t len)
{
	char path[40];
	cleanup_close int fd = -1;
	ssize_t n = 0, r;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (size_t)n < len - 1 &&
	       (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	if (n > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n - 1] = '\0';
		return;
	}
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (n = read(fd, buf, len - 1)) > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
	}
}

/* With NPROCS 0, what keeps the namespace alive. */
static void holder_of(const struct ns_ent *e, char *buf, size_t len)
{
	if (e->netns)
		snprintf(buf, len, "(netns %s)", e->netns);
	else if (e->nsfs)
		snprintf(buf, len, "(nsfs %s)", e->nsfs);
	else if (e->holder)
		snprintf(buf, len, "(%s of pid %d)",
			 nsw_slot_name(nsw_types[e->key.type].new_slot), e->holder);
	else
		snprintf(buf, len, "-");
}

static void user_of(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%u", uid);
}

static void created_by(const struct ns_ent *e, char *buf, size_t len)
{
	if (e->nsw)
		snprintf(buf, len, "nswatch run %s (pid %d)", e->nsw->name,
			 e->nsw->monitor_pid);
	else
		snprintf(buf, len, "-");
}

/* The text columns of one namespace. */
struct row {
	char nprocs[16], pid[16], user[64], command[CMDLINE_MAX];
	char container[128], created[NSW_NAME_MAX + 64];
};

static void fill_row(const struct ns_ent *e, struct row *r)
{
	snprintf(r->nprocs, sizeof(r->nprocs), "%u", e->nprocs);
	if (e->pid) {
		snprintf(r->pid, sizeof(r->pid), "%d", e->pid);
		user_of(e->uid, r->user, sizeof(r->user));
		command_of(e->pid, r->command, sizeof(r->command));
	} else {
		snprintf(r->pid, sizeof(r->pid), "-");
		snprintf(r->user, sizeof(r->user), "-");
		holder_of(e, r->command, sizeof(r->command));
	}
	if (e->label_ok)
		nsw_label_format(&e->label, r->container, sizeof(r->container));
	else
		snprintf(r->container, sizeof(r->container), "-");
	created_by(e, r->created, sizeof(r->created));
	/* One line per namespace, whatever bytes a command line holds. */
	for (char *c = r->command; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (strlen(r->command) > CMD_WIDTH)
		strcpy(r->command + CMD_WIDTH - 3, "...");
}

static int cmp_ent(const void *a, const void *b)
{
	const struct ns_ent *x = *(struct ns_ent *const *)a;
	const struct ns_ent *y = *(struct ns_ent *const *)b;

	if (x->key.inode != y->key.inode)
		return x->key.inode < y->key.inode ? -1 : 1;
	return (x->key.type > y->key.type) - (x->key.type < y->key.type);
}

/* The tree puts the namespaces a user namespace owns before its children. */
static int cmp_tree(const void *a, const void *b)
{
	const struct ns_ent *x = *(struct ns_ent *const *)a;
	const struct ns_ent *y = *(struct ns_ent *const *)b;
	bool ux = !strcmp(nsw_types[x->key.type].name, "user");
	bool uy = !strcmp(nsw_types[y->key.type].name, "user");

	if (ux != uy)
		return ux - uy;
	return cmp_ent(a, b);
}

static void print_text(struct ns_ent **v, size_t n)
{
	struct row *rows = calloc(n ? n : 1, sizeof(*rows));
	int w_user = 4, w_cmd = 7, w_ct = 9, w_pid = 3;

	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		fill_row(v[i], &rows[i]);
		w_user = MAX_INT(w_user, (int)strlen(rows[i].user));
		w_cmd = MAX_INT(w_cmd, (int)strlen(rows[i].command));
		w_ct = MAX_INT(w_ct, (int)strlen(rows[i].container));
		w_pid = MAX_INT(w_pid, (int)strlen(rows[i].pid));
	}
	printf("%10s %-6s %6s %*s %-*s %-*s %-*s %s\n", "NS", "TYPE", "NPROCS",
	       w_pid, "PID", w_user, "USER", w_cmd, "COMMAND", w_ct, "CONTAINER",
	       "CREATED-BY");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		printf("%10u %-6s %6s %*s %-*s %-*s %-*s %s\n", v[i]->key.inode,
		       nsw_types[v[i]->key.type].name, r->nprocs, w_pid, r->pid,
		       w_user, r->user, w_cmd, r->command, w_ct, r->container,
		       r->created);
	}
	free(rows);
}

static void json_str_or_null(const char *key, const char *s, bool comma)
{
	printf("\"%s\":", key);
	if (s)
		json_write_string(stdout, s, strlen(s));
	else
		printf("null");
	if (comma)
		putchar(',');
}

static void json_num_or_null(const char *key, unsigned long long v, bool valid)
{
	if (valid)
		printf("\"%s\":%llu,", key, v);
	else
		printf("\"%s\":null,", key);
}

static void print_json_ent(const struct ns_ent *e, bool tree, int depth);

static void print_json_list(struct ns_ent **v, size_t n, bool tree, int depth)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			putchar(',');
		print_json_ent(v[i], tree, depth);
	}
	putchar(']');
}

static void print_json_ent(const struct ns_ent *e, bool tree, int depth)
{
	char user[64], cmd[CMDLINE_MAX], by[NSW_NAME_MAX + 64];
	const struct nsw_ns_meta *m = &e->meta;
	bool is_user = !strcmp(nsw_types[e->key.type].name, "user");
	bool has_parent = is_user || !strcmp(nsw_types[e->key.type].name, "pid");

	printf("\n%*s{\"ns\":%u,\"type\":\"%s\",\"nprocs\":%u,", depth * 2 + 2, "",
	       e->key.inode, nsw_types[e->key.type].name, e->nprocs);
	json_num_or_null("pid", e->pid, e->pid);
	if (e->pid) {
		user_of(e->uid, user, sizeof(user));
		command_of(e->pid, cmd, sizeof(cmd));
	}
	json_num_or_null("uid", e->uid, e->pid);
	json_str_or_null("user", e->pid ? user : NULL, true);
	json_str_or_null("command", e->pid ? cmd : NULL, true);
	json_num_or_null("holder", e->holder, !e->pid && e->holder);
	json_num_or_null("ns_id", m->ns_id, e->meta_ok && m->ns_id);
	json_num_or_null("owner", m->owner_user, e->meta_ok && m->owner_user);
	json_num_or_null("parent", m->parent, e->meta_ok && has_parent && m->parent);
	json_num_or_null("owner_uid", m->owner_uid, e->meta_ok && m->owner_uid_valid);
	json_str_or_null("netns", e->netns, true);
	json_str_or_null("nsfs", e->nsfs, true);
	printf("\"container\":");
	if (e->label_ok) {
		printf("{\"engine\":");
		json_write_string(stdout, e->label.engine, strlen(e->label.engine));
		printf(",\"id\":");
		json_write_string(stdout, e->label.id, strlen(e->label.id));
		printf("},");
	} else {
		printf("null,");
	}
	created_by(e, by, sizeof(by));
	json_str_or_null("created_by", e->nsw ? by : NULL, tree);
	if (tree) {
		printf("\"children\":");
		print_json_list(e->kids, e->nkids, tree, depth + 1);
	}
	putchar('}');
}

static void print_json(struct ns_ent **v, size_t n, bool tree)
{
	printf("{\"namespaces\":");
	print_json_list(v, n, tree, 0);
	printf("\n}\n");
}

static struct ns_ent *find_shown(struct ls_state *s, unsigned int type, __u32 inode)
{
	struct ns_key k;
	struct ns_ent *e;

	if (!inode)
		return NULL;
	memset(&k, 0, sizeof(k));
	k.type = type;
	k.inode = inode;
	HASH_FIND(hh, s->table, &k, sizeof(k), e);
	return e && e->shown ? e : NULL;
}

/*
 * Where a namespace hangs: a user namespace under its parent; a pid
 * namespace under its parent pid namespace when both have the same owner
 * (nesting inside one user namespace); anything else under its owner.
 */
static struct ns_ent *tree_parent(struct ls_state *s, const struct ns_ent *e)
{
	unsigned int user = nsw_type_index("user"), pid = nsw_type_index("pid");
	struct ns_ent *p;

	if (!e->meta_ok)
		return NULL;
	if (e->key.type == user)
		return find_shown(s, user, e->meta.parent);
	if (e->key.type == pid && (p = find_shown(s, pid, e->meta.parent)) &&
	    p->meta_ok && p->meta.owner_user == e->meta.owner_user)
		return p;
	return find_shown(s, user, e->meta.owner_user);
}

static int add_kid(struct ns_ent *p, struct ns_ent *e)
{
	struct ns_ent **nv = realloc(p->kids, (p->nkids + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	p->kids = nv;
	p->kids[p->nkids++] = e;
	return 0;
}

/* Moves the roots to the front of v; returns how many there are. */
static ssize_t build_tree(struct ls_state *s, struct ns_ent **v, size_t n)
{
	size_t roots = 0;

	for (size_t i = 0; i < n; i++) {
		struct ns_ent *p = tree_parent(s, v[i]);

		if (p) {
			if (add_kid(p, v[i]) < 0)
				return -1;
		} else {
			v[roots++] = v[i];
		}
	}
	qsort(v, roots, sizeof(*v), cmp_tree);
	for (size_t i = 0; i < n; i++)
		if (v[i]->nkids)
			qsort(v[i]->kids, v[i]->nkids, sizeof(*v), cmp_tree);
	return roots;
}

struct tree_line {
	const struct ns_ent *e;
	char prefix[256];	/* bytes */
	int indent;		/* columns the prefix takes */
};

struct tree_out {
	struct tree_line *lines;
	size_t n, cap;
	const char *branch, *last, *pipe, *space;
};

static int flatten(struct tree_out *t, const struct ns_ent *e, const char *lead,
		   int depth, bool is_last, bool root)
{
	struct tree_line *l;
	char next[256];

	if (t->n == t->cap) {
		struct tree_line *nv = realloc(t->lines, (t->cap = t->cap ? t->cap * 2 : 64) *
							    sizeof(*nv));
		if (!nv)
			return -1;
		t->lines = nv;
	}
	l = &t->lines[t->n++];
	l->e = e;
	snprintf(l->prefix, sizeof(l->prefix), "%s%s", lead,
		 root ? "" : is_last ? t->last : t->branch);
	l->indent = root ? 0 : (depth) * 2;
	snprintf(next, sizeof(next), "%s%s", lead, root ? "" : is_last ? t->space : t->pipe);
	for (size_t i = 0; i < e->nkids; i++)
		if (flatten(t, e->kids[i], next, depth + 1, i + 1 == e->nkids, false) < 0)
			return -1;
	return 0;
}

static int print_tree_text(struct ns_ent **roots, size_t n)
{
	bool utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	struct tree_out t = {
		.branch = utf8 ? "\u251c\u2500" : "|-",
		.last = utf8 ? "\u2514\u2500" : "`-",
		.pipe = utf8 ? "\u2502 " : "| ",
		.space = "  ",
	};
	int w_name = 9, w_user = 4, w_cmd = 7, w_ct = 9, w_pid = 3;
	struct row *rows;

	for (size_t i = 0; i < n; i++)
		if (flatten(&t, roots[i], "", 0, true, true) < 0)
			goto oom;
	rows = calloc(t.n ? t.n : 1, sizeof(*rows));
	if (!rows)
		goto oom;
	for (size_t i = 0; i < t.n; i++) {
		char name[48];

		fill_row(t.lines[i].e, &rows[i]);
		snprintf(name, sizeof(name), "%s:[%u]",
			 nsw_types[t.lines[i].e->key.type].name, t.lines[i].e->key.inode);
		w_name = MAX_INT(w_name, t.lines[i].indent + (int)strlen(name));
		w_user = MAX_INT(w_user, (int)strlen(rows[i].user));
		w_cmd = MAX_INT(w_cmd, (int)strlen(rows[i].command));
		w_ct = MAX_INT(w_ct, (int)strlen(rows[i].container));
		w_pid = MAX_INT(w_pid, (int)strlen(rows[i].pid));
	}
	printf("%-*s %6s %*s %-*s %-*s %-*s %s\n", w_name, "NAMESPACE", "NPROCS",
	       w_pid, "PID", w_user, "USER", w_cmd, "COMMAND", w_ct, "CONTAINER",
	       "CREATED-BY");
	for (size_t i = 0; i < t.n; i++) {
		const struct ns_ent *e = t.lines[i].e;
		const struct row *r = &rows[i];
		char name[48];

		snprintf(name, sizeof(name), "%s:[%u]", nsw_types[e->key.type].name,
			 e->key.inode);
		printf("%s%-*s %6s %*s %-*s %-*s %-*s %s\n", t.lines[i].prefix,
		       w_name - t.lines[i].indent, name, r->nprocs, w_pid, r->pid,
		       w_user, r->user, w_cmd, r->command, w_ct, r->container,
		       r->created);
	}
	free(rows);
	free(t.lines);
	return 0;
oom:
	free(t.lines);
	return -1;
}

static void warn_unreadable(const struct ls_state *s)
{
	char pids[80] = "";
	size_t len = 0;

	if (!s->unreadable)
		return;
	for (size_t i = 0; i < s->unreadable && i < ARRAY_SIZE(s->unreadable_pids); i++)
		len += snprintf(pids + len, sizeof(pids) - len, "%s%d", i ? ", " : "",
				s->unreadable_pids[i]);
	fprintf(stderr,
		"nswatch ls: the namespaces of %zu of %zu processes could not be read "
		"(pid %s%s): they are not counted in NPROCS, and namespaces only they "
		"hold are missing%s\n",
		s->unreadable, s->procs, pids,
		s->unreadable > ARRAY_SIZE(s->unreadable_pids) ? ", ..." : "",
		geteuid() ? "; run as root to see them" : "");
}

static void free_state(struct ls_state *s)
{
	struct ns_ent *e, *tmp;

	HASH_ITER(hh, s->table, e, tmp) {
		HASH_DEL(s->table, e);
		free(e->nsfs);
		free(e->kids);
		free(e);
	}
	free(s->nsw);
}

static int list(const struct ls_opts *o, struct nsw_error *err)
{
	struct ls_state s = { 0 };
	cleanup_free struct ns_ent **v = NULL;
	unsigned int user = nsw_type_index("user");
	struct ns_ent *e, *tmp;
	size_t n = 0;
	ssize_t roots;
	int ret = -1, r;

	r = nsw_scan_procs(add_proc, &s, err);
	if (r == -ENOMEM)
		nsw_error(err, ENOMEM, "ls");
	if (r)
		goto out;
	if (add_mounts(&s, err) < 0)
		goto out;
	/* Labels only: a state directory that cannot be read is not fatal. */
	{
		struct nsw_error e2;

		if (nsw_scan_nswatch_containers(&s.nsw, &s.n_nsw, &e2) < 0)
			fprintf(stderr, "nswatch ls: %s; no nswatch container labels\n",
				e2.msg);
	}
	v = calloc(HASH_COUNT(s.table) + 1, sizeof(*v));
	if (!v) {
		nsw_error(err, ENOMEM, "ls");
		goto out;
	}
	HASH_ITER(hh, s.table, e, tmp) {
		bool want = !o->types || (o->types & (1U << e->key.type));

		if (!want && !(o->tree && e->key.type == user))
			continue;
		e->shown = true;
		describe(&s, e);
		v[n++] = e;
	}
	qsort(v, n, sizeof(*v), cmp_ent);
	if (!o->tree) {
		o->json ? print_json(v, n, false) : print_text(v, n);
		ret = 0;
		goto out;
	}
	roots = build_tree(&s, v, n);
	if (roots < 0) {
		nsw_error(err, ENOMEM, "ls --tree");
		goto out;
	}
	if (o->json)
		print_json(v, roots, true);
	else if (print_tree_text(v, roots) < 0) {
		nsw_error(err, ENOMEM, "ls --tree");
		goto out;
	}
	ret = 0;
out:
	if (ret == 0) {
		fflush(stdout);
		warn_unreadable(&s);
	}
	free_state(&s);
	return ret;
}

int cmd_ls(int argc, char **argv, struct nsw_error *err)
{
	static const struct argp argp = {
		.options = options, .parser = parse_opt, .doc = doc,
	};
	struct ls_opts o = { 0 };
	setlocale(LC_CTYPE, "");
	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (list(&o, err) < 0)
		return -1;
	if (fflush(stdout) == EOF)
		return 1;
	return 0;
}
