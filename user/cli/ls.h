/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nswatch ls, in three files: cmd_ls.c (options, seeding the namespace
 * table, warnings), ls_columns.c (the columns and -o/--output),
 * ls_print.c (rows and tree, drawn by libsmartcols).
 */
#ifndef NSW_CLI_LS_H
#define NSW_CLI_LS_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/error.h"
#include "table/labels.h"
#include "table/nstable.h"

enum ls_col {
	LS_COL_NAMESPACE,
	LS_COL_NS,
	LS_COL_TYPE,
	LS_COL_NPROCS,
	LS_COL_PID,
	LS_COL_UID,
	LS_COL_USER,
	LS_COL_COMMAND,
	LS_COL_HOLDER,
	LS_COL_NS_ID,
	LS_COL_OWNER,
	LS_COL_PARENT,
	LS_COL_OWNER_UID,
	LS_COL_NETNS,
	LS_COL_NSFS,
	LS_COL_CONTAINER,
	LS_COL_CREATED_BY,
	LS_COL_POD,
	LS_COL_COUNT
};

struct ls_column {
	const char *name;  /* the header, and the name -o takes */
	const char *json;  /* the JSON member */
	double whint;      /* libsmartcols' width hint: at least this wide */
	int flags;         /* SCOLS_FL_* */
	const char *help;
};

extern const struct ls_column ls_columns[LS_COL_COUNT];

/* Columns -o may name, repeats included. */
#define LS_COLS_MAX 64

enum ls_format { LS_FORMAT_TABLE, LS_FORMAT_RAW, LS_FORMAT_JSON };

struct ls_opts {
	enum ls_format format;
	bool tree;
	bool noheadings;
	unsigned int types;       /* bits by nsw_types[] index; 0: all */
	const char *output;       /* -o as given; NULL: the defaults */
	enum ls_col cols[LS_COLS_MAX];
	size_t ncols;
};

/*
 * The columns of o (its format and tree), then those of o->output:
 * "A,B" replaces the defaults, "+A,B" adds to them. Names are matched
 * ignoring case; -1 with err naming an unknown one.
 */
int ls_select_columns(struct ls_opts *o, struct nsw_error *err);

/* "Available columns:" and one line per column, malloc()ed; NULL if out of memory. */
char *ls_columns_help(void);

/* What ls prints from: the seeded table and nswatch's own containers. */
struct ls_source {
	struct nsw_table *table;
	const struct nsw_container_ns *nsw;
	size_t n_nsw;
};

/* Print the namespaces of src as o says, on stdout. */
int ls_print(const struct ls_opts *o, struct ls_source *src, struct nsw_error *err);

#endif /* NSW_CLI_LS_H */
