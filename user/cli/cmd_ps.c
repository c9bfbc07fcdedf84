// SPDX-License-Identifier: GPL-2.0
/* nswatch ps: the containers under the state directory, as the kernel sees them. */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "runtime/state.h"

struct ps_opts {
	bool json;
};

static const char doc[] =
	"List containers: name, init pid (as the host sees it), status, creation "
	"time, address, and the inode number of each of the init's namespaces "
	"(as /proc/PID/ns/* shows them)."
	"\v"
	"STATUS is running, created (set up, command not started yet), creating, "
	"stopping, or stopped (its monitor is gone and left state behind: "
	"nswatch rm removes it). With --json, one object per line: the state "
	"file, with the status as of now.";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "One JSON object per container and line", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ps_opts *o = state->input;

	(void)arg;
	switch (key) {
	case 'j':
		o->json = true;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

static void print_header(void)
{
	printf("%-16s %8s %-8s %-20s %-11s", "NAME", "PID", "STATUS", "CREATED", "IP");
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		printf(" %-10s", nsw_types[i].name);
	printf("\n");
}

static void print_row(const struct nsw_instance *in, const char *status)
{
	char ip[32];

	snprintf(ip, sizeof(ip), "%s", in->ip[0] ? in->ip : "-");
	ip[strcspn(ip, "/")] = '\0';
	printf("%-16s %8d %-8s %-20s %-11s", in->name, in->pid, status,
	       in->created, ip);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		printf(" %-10llu", in->ns_inode[i]);
	printf("\n");
}

/* Not one of ours: named, and the others are listed. */
static void warn_invalid(const struct nsw_error *e, const char *name)
{
	char msg[NSW_ERROR_MSG_LEN];
	struct nsw_error w;

	nsw_error_format(e, msg, sizeof(msg));
	nsw_error(&w, 0, "%s (nswatch rm -f %s removes its directory)", msg, name);
	nsw_error_warn(&w);
}

static int list(const struct ps_opts *o, struct nsw_error *err)
{
	char **names;
	int n, r, bad = 0;

	if (nsw_state_list(&names, &n, err) < 0)
		return -1;
	if (!o->json)
		print_header();
	for (int i = 0; i < n; i++) {
		struct nsw_instance in;
		struct nsw_error e;
		const char *status;

		r = nsw_state_load(names[i], &in, NULL, &e);
		if (r < 0) {
			/* Being created, or removed meanwhile: not an error. */
			if (r == NSW_STATE_INVALID)
				warn_invalid(&e, names[i]);
			free(names[i]);
			continue;
		}
		status = nsw_instance_status(&in);
		if (o->json) {
			char *text = nsw_state_json(names[i], status, &e);

			if (text)
				puts(text);
			else
				bad++;
			free(text);
		} else {
			print_row(&in, status);
		}
		free(names[i]);
	}
	free(names);
	if (bad)
		return nsw_error(err, 0, "%d state files could not be read", bad);
	return 0;
}

int cmd_ps(int argc, char **argv, struct nsw_error *err)
{
	static const struct argp argp = {
		.options = options, .parser = parse_opt, .doc = doc,
	};
	struct ps_opts o = { 0 };
	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (list(&o, err) < 0)
		return -1;
	return 0;
}
