// SPDX-License-Identifier: GPL-2.0
/*
 * The rows of `nswatch ls`, from the namespace table, drawn by
 * libsmartcols: the table, --raw, --tree and --json (lsns draws the same
 * way). In JSON, libsmartcols lays out the objects, members, commas and
 * "children"; each value it is handed is JSON text already: digits, or a
 * string or object from lib/json.h's writer, which keeps any byte a
 * command line holds valid JSON.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libsmartcols/libsmartcols.h>
#include "lib/lazylib.h"
#include "cli/ls.h"
#include "lib/json.h"
#include "lib/nsnames.h"
#include "lib/util.h"
#include "table/nsscan.h"

/* The table cuts COMMAND to this (JSON never cuts it). */
#define CMD_WIDTH 40
#define CMD_CUT "..."
/* libsmartcols prints a JSON_NUMBER cell as it is: the cell is JSON text. */
#define LS_JSON_RAW SCOLS_JSON_NUMBER
#define NO_VALUE "-"
#define UTF8_CONT_MASK 0xc0
#define UTF8_CONT 0x80
#define ASCII_DEL 0x7f
#define USER_LEN 64
#define TEXT_LEN 64
#define HEADER_LEN 32

struct ls_row {
	const struct nsw_ns_entry *e;
	pid_t pid;                         /* the lowest member; 0 if none */
	pid_t holder;                      /* with pid 0: the lowest holder */
	bool uid_valid;
	uid_t uid;
	const struct nsw_label *label;
	const struct nsw_container_ns *nsw; /* an nswatch container's namespace */
	ssize_t parent;                    /* --tree: index in rows; -1 a root */
	struct libscols_line *line;
};

struct ls_print {
	const struct ls_opts *o;
	struct ls_source *src;
	struct ls_row *rows;     /* by inode, then type */
	size_t n;
	size_t *order;           /* the order of the lines */
};

enum val_kind { VAL_NONE, VAL_NUM, VAL_STR, VAL_LABEL };

/* One cell before it is written as text or as JSON. */
struct val {
	enum val_kind kind;
	unsigned long long num;
	const char *str;
	const struct nsw_label *label;
	/* Room for what str points at. */
	char text[TEXT_LEN + NSW_NAME_MAX];
	char cmd[NSW_CMDLINE_MAX];
};

static bool is_type(const struct nsw_ns_entry *e, const char *name)
{
	return !strcmp(nsw_types[e->type].name, name);
}

static int cmp_row(const void *a, const void *b)
{
	const struct nsw_ns_entry *x = ((const struct ls_row *)a)->e;
	const struct nsw_ns_entry *y = ((const struct ls_row *)b)->e;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->type > y->type) - (x->type < y->type);
}

/* The row shown for a namespace; NULL if it is not shown. */
static struct ls_row *find_row(struct ls_print *p, unsigned int type, __u32 inode)
{
	struct nsw_ns_entry key = { .type = type, .inode = inode };
	struct ls_row k = { .e = &key };

	if (!inode)
		return NULL;
	return bsearch(&k, p->rows, p->n, sizeof(*p->rows), cmp_row);
}

/*
 * Where a namespace hangs: a user namespace under its parent; a pid
 * namespace under its parent pid namespace when both have the same owner
 * (nesting inside one user namespace); anything else under its owner.
 */
static ssize_t tree_parent(struct ls_print *p, const struct nsw_ns_entry *e)
{
	unsigned int user = nsw_type_index("user"), pid = nsw_type_index("pid");
	struct ls_row *r;

	if (!e->meta_valid)
		return -1;
	if (e->type == user)
		r = find_row(p, user, e->meta.parent);
	else if (e->type == pid && (r = find_row(p, pid, e->meta.parent)) &&
		 r->e->meta_valid && r->e->meta.owner_user == e->meta.owner_user)
		;
	else
		r = find_row(p, user, e->meta.owner_user);
	return r ? r - p->rows : -1;
}

/* The tree puts the namespaces a user namespace owns before its children. */
static int cmp_tree(const void *a, const void *b, void *data)
{
	const struct ls_print *p = data;
	const struct ls_row *x = &p->rows[*(const size_t *)a];
	const struct ls_row *y = &p->rows[*(const size_t *)b];
	bool ux = is_type(x->e, "user"), uy = is_type(y->e, "user");

	if (ux != uy)
		return ux - uy;
	return cmp_row(x, y);
}

static void describe(struct ls_print *p, struct ls_row *r)
{
	struct nsw_table *t = p->src->table;

	r->pid = nsw_table_member(t, r->e);
	r->holder = r->pid ? 0 : nsw_table_holder(t, r->e);
	r->uid_valid = r->pid && nsw_table_proc_uid(t, r->pid, &r->uid);
	r->label = nsw_table_label(t, r->e);
	r->nsw = nsw_container_by_ns(p->src->nsw, p->src->n_nsw, r->e->type,
				     r->e->inode);
	r->parent = -1;
}

static bool wanted(const struct ls_opts *o, const struct nsw_ns_entry *e)
{
	/* The tree's skeleton: user namespaces are drawn whatever --type says. */
	return !o->types || (o->types & (1U << e->type)) ||
	       (o->tree && is_type(e, "user"));
}

static int collect(struct ls_print *p, struct nsw_error *err)
{
	struct nsw_table *t = p->src->table;
	const struct nsw_ns_entry *e;

	p->rows = calloc(nsw_table_count(t) + 1, sizeof(*p->rows));
	p->order = calloc(nsw_table_count(t) + 1, sizeof(*p->order));
	if (!p->rows || !p->order)
		return nsw_error(err, ENOMEM, "ls");
	for (e = nsw_table_next(t, NULL); e; e = nsw_table_next(t, e))
		if (wanted(p->o, e))
			p->rows[p->n++].e = e;
	qsort(p->rows, p->n, sizeof(*p->rows), cmp_row);
	for (size_t i = 0; i < p->n; i++) {
		describe(p, &p->rows[i]);
		p->order[i] = i;
	}
	if (!p->o->tree)
		return 0;
	for (size_t i = 0; i < p->n; i++)
		p->rows[i].parent = tree_parent(p, p->rows[i].e);
	qsort_r(p->order, p->n, sizeof(*p->order), cmp_tree, p);
	return 0;
}

static void set_num(struct val *v, unsigned long long num, bool valid)
{
	v->kind = valid ? VAL_NUM : VAL_NONE;
	v->num = num;
}

static void set_str(struct val *v, const char *s)
{
	v->kind = s && *s ? VAL_STR : VAL_NONE;
	v->str = s;
}

static void user_of(uid_t uid, struct val *v)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(v->text, sizeof(v->text), "%s", pw->pw_name);
	else
		snprintf(v->text, sizeof(v->text), "%u", uid);
	set_str(v, v->text);
}

/* With NPROCS 0, what keeps the namespace alive. */
static void holder_of(const struct ls_row *r, struct val *v)
{
	const struct nsw_ns_entry *e = r->e;

	if (e->netns_name[0])
		snprintf(v->cmd, sizeof(v->cmd), "(netns %s)", e->netns_name);
	else if (e->pinned_at[0])
		snprintf(v->cmd, sizeof(v->cmd), "(nsfs %s)", e->pinned_at);
	else if (r->holder)
		snprintf(v->cmd, sizeof(v->cmd), "(%s of pid %d)",
			 nsw_slot_name(nsw_types[e->type].new_slot), r->holder);
	else
		v->cmd[0] = '\0';
	set_str(v, v->cmd);
}

/* One line per namespace, whatever bytes a command line holds; cut in the table. */
static void tidy_command(char *cmd, bool cut)
{
	size_t end = CMD_WIDTH - strlen(CMD_CUT);

	for (char *c = cmd; *c; c++)
		if ((unsigned char)*c < ' ' || *c == ASCII_DEL)
			*c = '?';
	if (!cut || strlen(cmd) <= CMD_WIDTH)
		return;
	/* Not inside a UTF-8 character. */
	while (end && ((unsigned char)cmd[end] & UTF8_CONT_MASK) == UTF8_CONT)
		end--;
	strcpy(cmd + end, CMD_CUT);
}

static void command_of(const struct ls_opts *o, const struct ls_row *r, struct val *v)
{
	bool json = o->format == LS_FORMAT_JSON;

	if (!r->pid) {
		if (json)
			set_str(v, NULL);
		else
			holder_of(r, v);
		return;
	}
	nsw_proc_command(r->pid, v->cmd, sizeof(v->cmd));
	if (!json)
		tidy_command(v->cmd, o->format == LS_FORMAT_TABLE);
	set_str(v, v->cmd);
}

static void value_of(const struct ls_opts *o, const struct ls_row *r,
		     enum ls_col c, struct val *v)
{
	const struct nsw_ns_entry *e = r->e;
	const struct nsw_ns_meta *m = &e->meta;

	v->kind = VAL_NONE;
	switch (c) {
	case LS_COL_NAMESPACE:
		snprintf(v->text, sizeof(v->text), "%s:[%u]", nsw_types[e->type].name,
			 e->inode);
		set_str(v, v->text);
		break;
	case LS_COL_NS:
		set_num(v, e->inode, true);
		break;
	case LS_COL_TYPE:
		set_str(v, nsw_types[e->type].name);
		break;
	case LS_COL_NPROCS:
		set_num(v, e->members, true);
		break;
	case LS_COL_PID:
		set_num(v, r->pid, r->pid);
		break;
	case LS_COL_UID:
		set_num(v, r->uid, r->uid_valid);
		break;
	case LS_COL_USER:
		if (r->uid_valid)
			user_of(r->uid, v);
		break;
	case LS_COL_COMMAND:
		command_of(o, r, v);
		break;
	case LS_COL_HOLDER:
		set_num(v, r->holder, r->holder);
		break;
	case LS_COL_NS_ID:
		set_num(v, e->ns_id, e->ns_id);
		break;
	case LS_COL_OWNER:
		set_num(v, m->owner_user, e->meta_valid && m->owner_user);
		break;
	case LS_COL_PARENT:
		set_num(v, m->parent, e->meta_valid && m->parent &&
			(is_type(e, "user") || is_type(e, "pid")));
		break;
	case LS_COL_OWNER_UID:
		set_num(v, m->owner_uid, e->meta_valid && m->owner_uid_valid);
		break;
	case LS_COL_NETNS:
		set_str(v, e->netns_name);
		break;
	case LS_COL_NSFS:
		set_str(v, e->pinned_at);
		break;
	case LS_COL_CONTAINER:
		v->kind = r->label ? VAL_LABEL : VAL_NONE;
		v->label = r->label;
		break;
	case LS_COL_CREATED_BY:
		if (r->nsw) {
			snprintf(v->text, sizeof(v->text), "nswatch run %s (pid %d)",
				 r->nsw->name, r->nsw->monitor_pid);
			set_str(v, v->text);
		}
		break;
	case LS_COL_POD:
		set_str(v, r->label ? r->label->pod : NULL);
		break;
	case LS_COL_COUNT:
		break;
	}
}

/* The value as JSON text, malloc()ed. */
static char *json_of(const struct val *v)
{
	struct nsw_json w;

	if (nsw_json_open_mem(&w) < 0)
		return NULL;
	if (v->kind == VAL_LABEL) {
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "engine", v->label->engine);
		nsw_json_kv_string(&w, "id", v->label->id);
		nsw_json_object_end(&w);
	} else {
		nsw_json_string(&w, v->str);
	}
	return nsw_json_take_mem(&w);
}

/* A cell: "-" or nothing (JSON null) for no value. */
static int set_cell(const struct ls_opts *o, struct libscols_line *ln, size_t i,
		    const struct val *v)
{
	char num[sizeof("18446744073709551615")];
	char label[NSW_LABEL_TEXT_LEN];
	char *json;
	int ret;

	switch (v->kind) {
	case VAL_NONE:
		return o->format == LS_FORMAT_JSON ? 0 : scols_line_set_data(ln, i, NO_VALUE);
	case VAL_NUM:
		snprintf(num, sizeof(num), "%llu", v->num);
		return scols_line_set_data(ln, i, num);
	case VAL_STR:
	case VAL_LABEL:
		break;
	}
	if (o->format != LS_FORMAT_JSON) {
		if (v->kind == VAL_STR)
			return scols_line_set_data(ln, i, v->str);
		nsw_label_format(v->label, label, sizeof(label));
		return scols_line_set_data(ln, i, label);
	}
	json = json_of(v);
	if (!json)
		return -ENOMEM;
	ret = scols_line_refer_data(ln, i, json);
	if (ret < 0)
		free(json); /* not taken: only a missing cell fails */
	return ret;
}

static int fill_line(struct ls_print *p, struct ls_row *r, struct val *v,
		     struct nsw_error *err)
{
	for (size_t i = 0; i < p->o->ncols; i++) {
		int ret;

		value_of(p->o, r, p->o->cols[i], v);
		ret = set_cell(p->o, r->line, i, v);
		if (ret < 0)
			return nsw_error(err, -ret, "ls: a cell of %s:[%u]",
					 nsw_types[r->e->type].name, r->e->inode);
	}
	return 0;
}

/* The --tree column: NAMESPACE if shown, else the first. */
static size_t tree_column(const struct ls_opts *o)
{
	for (size_t i = 0; i < o->ncols; i++)
		if (o->cols[i] == LS_COL_NAMESPACE)
			return i;
	return 0;
}

/*
 * The header, as wide as the column's least width: libsmartcols 2.38 takes
 * the width hint as a hint only on a terminal, and the columns must be as
 * wide everywhere. Not in raw output, and no trailing blanks.
 */
static void header_of(const struct ls_opts *o, const struct ls_column *c,
		      int flags, bool last, char *name)
{
	int width = c->whint;

	if (o->format != LS_FORMAT_TABLE || (last && !(flags & SCOLS_FL_RIGHT)))
		width = 0;
	if (o->format == LS_FORMAT_JSON)
		snprintf(name, HEADER_LEN, "%s", c->json);
	else if (flags & SCOLS_FL_RIGHT)
		snprintf(name, HEADER_LEN, "%*s", width, c->name);
	else
		snprintf(name, HEADER_LEN, "%-*s", width, c->name);
}

static int add_columns(const struct ls_opts *o, struct libscols_table *tb,
		       struct nsw_error *err)
{
	bool json = o->format == LS_FORMAT_JSON;
	size_t tree_col = tree_column(o);

	for (size_t i = 0; i < o->ncols; i++) {
		const struct ls_column *c = &ls_columns[o->cols[i]];
		int flags = c->flags;
		struct libscols_column *cl;

		char name[HEADER_LEN];

		if (o->tree && i == tree_col)
			flags = (flags & ~SCOLS_FL_RIGHT) | SCOLS_FL_TREE;
		header_of(o, c, flags, i + 1 == o->ncols, name);
		cl = scols_table_new_column(tb, name, c->whint, flags);
		if (!cl)
			return nsw_error(err, ENOMEM, "ls: column %s", c->name);
		if (json && scols_column_set_json_type(cl, LS_JSON_RAW) < 0)
			return nsw_error(err, EINVAL, "ls: column %s", c->name);
	}
	return 0;
}

static int setup_table(const struct ls_opts *o, struct libscols_table *tb,
		       struct nsw_error *err)
{
	int ret = 0;

	/* The same lines on a terminal as in a pipe: nothing cut or wrapped. */
	ret |= scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	ret |= scols_table_enable_json(tb, o->format == LS_FORMAT_JSON);
	ret |= scols_table_enable_raw(tb, o->format == LS_FORMAT_RAW);
	ret |= scols_table_enable_noheadings(tb, o->noheadings);
	ret |= scols_table_set_name(tb, "namespaces");
	if (ret < 0)
		return nsw_error(err, ENOMEM, "ls: the output table");
	return add_columns(o, tb, err);
}

static int add_lines(struct ls_print *p, struct libscols_table *tb,
		     struct nsw_error *err)
{
	cleanup_free struct val *v = malloc(sizeof(*v));

	if (!v)
		return nsw_error(err, ENOMEM, "ls");
	for (size_t k = 0; k < p->n; k++) {
		struct ls_row *r = &p->rows[p->order[k]];

		r->line = scols_table_new_line(tb, NULL);
		if (!r->line)
			return nsw_error(err, ENOMEM, "ls: a line");
		if (fill_line(p, r, v, err) < 0)
			return -1;
	}
	/* In the tree's order, so that each node's children are sorted too. */
	for (size_t k = 0; k < p->n; k++) {
		struct ls_row *r = &p->rows[p->order[k]];

		if (r->parent >= 0 &&
		    scols_line_add_child(p->rows[r->parent].line, r->line) < 0)
			return nsw_error(err, ENOMEM, "ls --tree");
	}
	return 0;
}

static void free_scols_table(struct libscols_table **tb)
{
	if (*tb)
		scols_unref_table(*tb);
}

int ls_print(const struct ls_opts *o, struct ls_source *src, struct nsw_error *err)
{
	__attribute__((cleanup(free_scols_table))) struct libscols_table *tb = NULL;
	struct ls_print p = { .o = o, .src = src };
	int ret = -1;

	if (nsw_load_libsmartcols(err) < 0 || collect(&p, err) < 0)
		goto out;
	tb = scols_new_table();
	if (!tb) {
		nsw_error(err, ENOMEM, "ls: the output table");
		goto out;
	}
	if (setup_table(o, tb, err) < 0 || add_lines(&p, tb, err) < 0)
		goto out;
	if (scols_print_table(tb) < 0) {
		nsw_error(err, EIO, "ls: cannot write the table");
		goto out;
	}
	ret = 0;
out:
	free(p.rows);
	free(p.order);
	return ret;
}
