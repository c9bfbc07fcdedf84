// SPDX-License-Identifier: GPL-2.0
/* The columns of `nswatch ls`, and -o/--output as lsns reads it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libsmartcols/libsmartcols.h>
#include "cli/ls.h"
#include "lib/util.h"

/* The width of `ls` before libsmartcols: "%10u %-6s %6s ...". */
#define NS_WIDTH 10
#define TYPE_WIDTH 6
#define NPROCS_WIDTH 6

const struct ls_column ls_columns[LS_COL_COUNT] = {
	[LS_COL_NAMESPACE] = { "NAMESPACE", "namespace", 0, 0,
			       "TYPE:[NS], the tree's column" },
	[LS_COL_NS] = { "NS", "ns", NS_WIDTH, SCOLS_FL_RIGHT,
			"inode number, as /proc/PID/ns/TYPE shows it" },
	[LS_COL_TYPE] = { "TYPE", "type", TYPE_WIDTH, 0,
			  "mnt, uts, ipc, net, cgroup, pid, time or user" },
	[LS_COL_NPROCS] = { "NPROCS", "nprocs", NPROCS_WIDTH, SCOLS_FL_RIGHT,
			    "processes in it (kernel threads too, as lsns counts)" },
	[LS_COL_PID] = { "PID", "pid", 0, SCOLS_FL_RIGHT, "the lowest of them" },
	[LS_COL_UID] = { "UID", "uid", 0, SCOLS_FL_RIGHT, "the owner of its /proc/PID" },
	[LS_COL_USER] = { "USER", "user", 0, 0, "the same, by name" },
	[LS_COL_COMMAND] = { "COMMAND", "command", 0, 0,
			     "its command line; with NPROCS 0, what holds the namespace" },
	[LS_COL_HOLDER] = { "HOLDER", "holder", 0, SCOLS_FL_RIGHT,
			    "with NPROCS 0: the lowest pid holding it for its children" },
	[LS_COL_NS_ID] = { "NS-ID", "ns_id", 0, SCOLS_FL_RIGHT,
			   "NS_GET_ID: a 64-bit id never reused" },
	[LS_COL_OWNER] = { "OWNER", "owner", 0, SCOLS_FL_RIGHT,
			   "inode of the owning user namespace" },
	[LS_COL_PARENT] = { "PARENT", "parent", 0, SCOLS_FL_RIGHT,
			    "pid and user: inode of the parent namespace" },
	[LS_COL_OWNER_UID] = { "OWNER-UID", "owner_uid", 0, SCOLS_FL_RIGHT,
			       "user: the uid that made it" },
	[LS_COL_NETNS] = { "NETNS", "netns", 0, 0, "its `ip netns` name" },
	[LS_COL_NSFS] = { "NSFS", "nsfs", 0, 0, "an nsfs mount point pinning it" },
	[LS_COL_CONTAINER] = { "CONTAINER", "container", 0, 0,
			       "nswatch:NAME, or ENGINE:ID from PID's cgroup path" },
	[LS_COL_CREATED_BY] = { "CREATED-BY", "created_by", 0, 0,
				"'nswatch run NAME (pid MONITOR)' for nswatch's containers" },
	[LS_COL_POD] = { "POD", "pod", 0, 0,
			 "a Kubernetes pod's uid, from a kubepods cgroup path" },
};

static const enum ls_col table_cols[] = {
	LS_COL_NS, LS_COL_TYPE, LS_COL_NPROCS, LS_COL_PID, LS_COL_USER,
	LS_COL_COMMAND, LS_COL_CONTAINER, LS_COL_CREATED_BY,
};

static const enum ls_col tree_cols[] = {
	LS_COL_NAMESPACE, LS_COL_NPROCS, LS_COL_PID, LS_COL_USER,
	LS_COL_COMMAND, LS_COL_CONTAINER, LS_COL_CREATED_BY,
};

static const enum ls_col json_cols[] = {
	LS_COL_NS, LS_COL_TYPE, LS_COL_NPROCS, LS_COL_PID, LS_COL_UID,
	LS_COL_USER, LS_COL_COMMAND, LS_COL_HOLDER, LS_COL_NS_ID, LS_COL_OWNER,
	LS_COL_PARENT, LS_COL_OWNER_UID, LS_COL_NETNS, LS_COL_NSFS,
	LS_COL_CONTAINER, LS_COL_CREATED_BY, LS_COL_POD,
};

static void set_defaults(struct ls_opts *o)
{
	const enum ls_col *v = table_cols;
	size_t n = ARRAY_SIZE(table_cols);

	if (o->format == LS_FORMAT_JSON) {
		v = json_cols;
		n = ARRAY_SIZE(json_cols);
	} else if (o->tree) {
		v = tree_cols;
		n = ARRAY_SIZE(tree_cols);
	}
	memcpy(o->cols, v, n * sizeof(*v));
	o->ncols = n;
}

/* name (n bytes) as a column: its header, or its JSON member. */
static int column_named(const char *name, size_t n)
{
	for (unsigned int c = 0; c < LS_COL_COUNT; c++) {
		const struct ls_column *col = &ls_columns[c];

		if ((strlen(col->name) == n && !strncasecmp(col->name, name, n)) ||
		    (strlen(col->json) == n && !strncasecmp(col->json, name, n)))
			return c;
	}
	return -1;
}

int ls_select_columns(struct ls_opts *o, struct nsw_error *err)
{
	const char *p = o->output;

	set_defaults(o);
	if (!p)
		return 0;
	if (*p == '+')
		p++;
	else
		o->ncols = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		int c = column_named(p, n);

		if (c < 0)
			return nsw_error(err, 0, "unknown column '%.*s' in --output '%s'",
					 (int)n, p, o->output);
		if (o->ncols == LS_COLS_MAX)
			return nsw_error(err, 0, "more than %d columns in --output",
					 LS_COLS_MAX);
		o->cols[o->ncols++] = c;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

char *ls_columns_help(void)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs("Columns (-o, --output):\n", f);
	for (unsigned int c = 0; c < LS_COL_COUNT; c++)
		fprintf(f, "  %-11s %s\n", ls_columns[c].name, ls_columns[c].help);
	if (fclose(f))
		return NULL;
	return steal_pointer(&text);
}
