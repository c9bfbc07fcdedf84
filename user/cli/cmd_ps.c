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
	bool all;	/* -a: the ended ones too (exited, dead) */
};

static const char doc[] =
	"List containers: name, init pid (as the host sees it), status, creation "
	"time, address, the inode number of each of the init's namespaces "
	"(as /proc/PID/ns/* shows them), and for a container that ended, its "
	"exit status and end time. Without -a, only those not ended."
	"\v"
	"STATUS is running, created (set up, command not started yet), creating, "
	"stopping (ended, its monitor cleans up), and with -a: exited (a "
	"detached container whose command ended, kept until nswatch rm: EXIT "
	"is its exit status, 128+N for signal N, FINISHED when it ended) or "
	"dead (its monitor is gone without recording an end and left state "
	"behind: nswatch rm removes it). A column without a value shows '-'. "
	"With --json, one object per line: the state file, with the status as "
	"of now, and exit_status, signal (N, or 0) and finished (null unless "
	"exited).";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "One JSON object per container and line", 0 },
	{ "all", 'a', NULL, 0, "Also the containers that ended (exited, dead)", 0 },
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
	case 'a':
		o->all = true;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

/* A column with no value: one word, so that every row splits as the header. */
#define PS_NONE "-"

static void print_header(void)
{
	printf("%-16s %8s %-8s %-20s %-11s", "NAME", "PID", "STATUS", "CREATED", "IP");
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++)
		printf(" %-10s", nsw_types[i].name);
	printf(" %4s %-20s\n", "EXIT", "FINISHED");
}

/*
 * An ended container has no process and no namespaces any more: its pid
 * and inodes would name what the kernel may have handed out again.
 */
static void print_row(const struct nsw_instance *in, const char *status)
{
	bool ended = nsw_status_ended(status);
	bool exited = !strcmp(status, NSW_STATUS_EXITED);
	char ip[32], pid[16], code[8];

	snprintf(ip, sizeof(ip), "%s", in->ip[0] ? in->ip : PS_NONE);
	ip[strcspn(ip, "/")] = '\0';
	if (ended)
		snprintf(pid, sizeof(pid), PS_NONE);
	else
		snprintf(pid, sizeof(pid), "%d", in->pid);
	printf("%-16s %8s %-8s %-20s %-11s", in->name, pid, status, in->created, ip);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		if (ended)
			printf(" %-10s", PS_NONE);
		else
			printf(" %-10llu", in->ns_inode[i]);
	}
	if (exited)
		snprintf(code, sizeof(code), "%d", in->exit_status);
	else
		snprintf(code, sizeof(code), PS_NONE);
	printf(" %4s %-20s\n", code, exited ? in->finished : PS_NONE);
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
		if (!o->all && nsw_status_ended(status)) {
			free(names[i]);
			continue;
		}
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
