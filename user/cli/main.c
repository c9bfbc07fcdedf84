// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include "cli/commands.h"
#include "runtime/runtime.h"
#include "lib/util.h"

#define NSWATCH_VERSION "0.1.0"

/* Exit status of a runtime error, as docker and podman use it. */
#define NSW_EXIT_RUNTIME 125

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct nsw_error *err);
	const char *summary;
	const char *prog; /* argv[0] for the subcommand's own messages */
	bool sealed;	  /* runs from a sealed copy of itself (runtime.h) */
	int fail_status;  /* exit status of an error that names none */
};

static const struct command commands[] = {
	{ "trace", cmd_trace,
	  "trace clone, clone3, unshare and setns with namespaces before and after",
	  "nswatch trace", false, 1 },
	{ "run", cmd_run, "run a command in a new container", "nswatch run", true,
	  NSW_EXIT_RUNTIME },
	{ "exec", cmd_exec, "run a command inside a running container",
	  "nswatch exec", true, NSW_EXIT_RUNTIME },
	{ "ps", cmd_ps, "list containers, their status and namespaces",
	  "nswatch ps", false, 1 },
	{ "kill", cmd_kill, "send a signal to a container", "nswatch kill", false, 1 },
	{ "rm", cmd_rm, "remove a container", "nswatch rm", false, 1 },
	{ "logs", cmd_logs, "print a detached container's output (-f: follow it)", "nswatch logs", false, 1 },
	{ "ls", cmd_ls, "list namespaces (as lsns), with their containers and owners",
	  "nswatch ls", false, 1 },
	{ "oci", cmd_oci, "an OCI runtime with runc's command line (also as nswatch-runc)",
	  "nswatch oci", false, 1 },
};

/* The binary's name that makes it an OCI runtime (a link to it, made by make). */
#define NSW_OCI_PROG "nswatch-runc"

static int run_command(const struct command *cmd, int argc, char **argv)
{
	struct nsw_error err = { 0 };
	int r;

	if (cmd->sealed || (cmd->run == cmd_oci && cmd_oci_sealed(argc, argv))) {
		if (nsw_reexec_sealed(argv, &err) < 0) {
			nsw_error_print(&err);
			return NSW_EXIT_RUNTIME;
		}
		/* Not "memfd:nswatch" in ps and in trace events. */
		prctl(PR_SET_NAME, "nswatch", 0, 0, 0);
	}
	argv[1] = (char *)cmd->prog;
	r = cmd->run(argc - 1, argv + 1, &err);
	if (r >= 0)
		return r;
	nsw_error_print(&err);
	return err.status ? err.status : cmd->fail_status;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: nswatch COMMAND [OPTIONS]\n\n"
		   "Namespace observability: who created or joined which namespace, when,\n"
		   "with what result, and what its namespaces were before and after.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'nswatch COMMAND --help' for a command's options.\n"
		   "  -h, --help     this text\n"
		   "  -V, --version  the version\n");
}

/*
 * As nswatch-runc: `nswatch oci ARGS`. argv[0] becomes "nswatch", so that
 * the sealed re-exec (which keeps argv) comes back here as nswatch oci.
 */
static int run_as_oci(int argc, char **argv)
{
	char **v = calloc(argc + 2, sizeof(*v));

	if (!v) {
		fprintf(stderr, "nswatch: out of memory\n");
		return 1;
	}
	v[0] = "nswatch";
	v[1] = "oci";
	memcpy(&v[2], &argv[1], (argc - 1) * sizeof(*v));
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].run == cmd_oci)
			return run_command(&commands[i], argc + 1, v);
	return 1;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	if (!strcmp(base ? base + 1 : argv[0], NSW_OCI_PROG))
		return run_as_oci(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("nswatch %s\n", NSWATCH_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return run_command(&commands[i], argc, argv);
	fprintf(stderr, "nswatch: unknown command '%s'\n"
			"Run 'nswatch --help' for the list of commands.\n", argv[1]);
	return 2;
}
