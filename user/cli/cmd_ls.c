// SPDX-License-Identifier: GPL-2.0
/*
 * nswatch ls: every namespace the kernel shows, as util-linux lsns counts
 * them (same NS, TYPE, NPROCS, PID, USER, COMMAND), plus what lsns does not
 * tell: namespaces pinned by nsfs mounts or held only for children, the
 * nsfs ioctls' id, owner and parent, the container a namespace belongs to,
 * and a tree of user namespaces and what they own. It prints the namespace
 * table `trace` keeps, seeded from /proc and the nsfs mounts, so the two
 * agree.
 */
#include <argp.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/commands.h"
#include "cli/ls.h"
#include "lib/nsnames.h"
#include "lib/util.h"
#include "table/labels.h"
#include "table/nstable.h"

#define LS_USAGE_STATUS 2
/* The unreadable processes named on stderr. */
#define UNREAD_SHOWN 5
#define UNREAD_TEXT_LEN 80

enum {
	OPT_RAW = 0x100,
};

static const char doc[] =
	"List namespaces: every namespace some process is in, as util-linux "
	"lsns lists them, plus those that only an nsfs bind mount (ip netns "
	"add) or a *_for_children slot holds; with the container each one "
	"belongs to."
	"\v"
	"Default columns: NS TYPE NPROCS PID USER COMMAND CONTAINER CREATED-BY; "
	"with --tree, NAMESPACE in place of NS and TYPE. COMMAND with NPROCS 0 "
	"says what holds the namespace; CONTAINER is nswatch:NAME, or "
	"ENGINE:ID from PID's cgroup path; CREATED-BY is 'nswatch run NAME "
	"(pid MONITOR)' for nswatch's own containers, else '-'.\n"
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
	{ "raw", OPT_RAW, NULL, 0, "Raw output: one space between columns, "
	  "nothing aligned, special characters as \\xNN (as lsns --raw)", 0 },
	{ "noheadings", 'n', NULL, 0, "No header line", 0 },
	{ "output", 'o', "LIST", 0, "These columns (comma-separated, any case; "
	  "+LIST adds to the default ones); see below", 0 },
	{ "type", 't', "TYPES", 0,
	  "Only these types (comma-separated: mnt,uts,ipc,net,cgroup,pid,time,user)", 0 },
	{ "tree", 'T', NULL, 0,
	  "User namespaces as roots, each with what it owns", 0 },
	{ 0 },
};

static void parse_types(const char *arg, struct ls_opts *o, struct argp_state *state)
{
	struct nsw_error err;
	__u32 slots;

	if (nsw_parse_types(arg, &slots, &err) < 0)
		argp_error(state, "%s", err.msg);
	for (unsigned int t = 0; t < NSW_TYPE_COUNT; t++)
		if (slots & (1U << nsw_types[t].slot))
			o->types |= 1U << t;
}

static void set_format(struct ls_opts *o, enum ls_format f, struct argp_state *state)
{
	if (o->format != LS_FORMAT_TABLE && o->format != f)
		argp_error(state, "--json and --raw cannot be used together");
	o->format = f;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ls_opts *o = state->input;
	struct nsw_error err;

	switch (key) {
	case 'j':
		set_format(o, LS_FORMAT_JSON, state);
		return 0;
	case OPT_RAW:
		set_format(o, LS_FORMAT_RAW, state);
		return 0;
	case 'n':
		o->noheadings = true;
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	case 'T':
		o->tree = true;
		return 0;
	case 't':
		parse_types(arg, o, state);
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_END:
		/* Now that the format and --tree are known: the defaults. */
		if (ls_select_columns(o, &err) < 0)
			argp_error(state, "%s", err.msg);
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static char *help_filter(int key, const char *text, void *input)
{
	char *cols, *all;

	(void)input;
	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	cols = ls_columns_help();
	if (!cols)
		return (char *)text;
	if (asprintf(&all, "%s\n%s", cols, text) < 0)
		all = NULL;
	free(cols);
	return all ? all : (char *)text;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = doc,
	.help_filter = help_filter,
};

/* Said after the table: what it could not show. */
static void warn_unread(struct nsw_table *t)
{
	pid_t pids[UNREAD_SHOWN];
	size_t n = nsw_table_unread(t, pids, ARRAY_SIZE(pids));
	char text[UNREAD_TEXT_LEN] = "";
	struct nsw_error warn;
	size_t len = 0;

	if (!n)
		return;
	for (size_t i = 0; i < n && i < ARRAY_SIZE(pids); i++)
		len += snprintf(text + len, sizeof(text) - len, "%s%d", i ? ", " : "",
				pids[i]);
	nsw_error(&warn, 0,
		  "the namespaces of %zu of %zu processes could not be read "
		  "(pid %s%s): they are not counted in NPROCS, and namespaces only "
		  "they hold are missing%s",
		  n, nsw_table_procs(t), text, n > ARRAY_SIZE(pids) ? ", ..." : "",
		  geteuid() ? "; run as root to see them" : "");
	nsw_error_warn(&warn);
}

static void free_table(struct nsw_table **t)
{
	nsw_table_free(*t);
}

static int list(const struct ls_opts *o, struct nsw_error *err)
{
	__attribute__((cleanup(free_table))) struct nsw_table *t = nsw_table_new(NULL, NULL);
	cleanup_free struct nsw_container_ns *nsw = NULL;
	struct ls_source src = { .table = t };
	struct nsw_error warn;
	size_t n_nsw = 0;

	if (!t)
		return nsw_error(err, ENOMEM, "ls: the namespace table");
	nsw_table_use_kernel(t);
	if (nsw_table_seed(t, err) < 0)
		return -1;
	/* CREATED-BY only: a state directory that cannot be read is not fatal. */
	if (nsw_scan_nswatch_containers(&nsw, &n_nsw, &warn) < 0) {
		nsw_error_wrap(&warn, "no nswatch container labels");
		nsw_error_warn(&warn);
	}
	src.nsw = nsw;
	src.n_nsw = n_nsw;
	if (ls_print(o, &src, err) < 0)
		return -1;
	if (fflush(stdout) == EOF)
		return nsw_error(err, errno, "ls: cannot write");
	warn_unread(t);
	return 0;
}

int cmd_ls(int argc, char **argv, struct nsw_error *err)
{
	struct ls_opts o = { .format = LS_FORMAT_TABLE };

	/* Box characters for --tree in a UTF-8 locale; names of any bytes. */
	setlocale(LC_CTYPE, "");
	argp_err_exit_status = LS_USAGE_STATUS;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return LS_USAGE_STATUS;
	if (list(&o, err) < 0)
		return -1;
	return 0;
}
