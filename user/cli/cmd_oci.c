// SPDX-License-Identifier: GPL-2.0
/*
 * nswatch oci (and build/nswatch-runc): runc's command line. Global flags
 * come before the verb, the verb's own after it, as engines call runc:
 *
 *   nswatch-runc [--root DIR] [--log FILE] [--log-format text|json]
 *                [--debug] VERB [OPTIONS] ID [ARGS]
 *
 * Errors go to stderr (main prints them) and, with --log, to the log as
 * well: containerd's shim reports the msg of the last "error" line of a
 * JSON log.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/commands.h"
#include "oci/oci.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/util.h"

#define OCI_PROG	    "nswatch-runc"
#define OCI_RUNTIME_VERSION "0.1.0"
/* The exit status runc gives every failure. */
#define OCI_EXIT_FAILURE 1

struct oci_log {
	FILE *f; /* --log, or NULL */
	bool json;
	bool debug;
};

struct oci_verb {
	const char *name;
	int (*run)(int argc, char **argv, struct oci_log *log, struct nsw_error *err);
};

static void log_line(const struct oci_log *log, const char *level, const char *msg)
{
	struct timespec ts;
	char when[48];

	if (!log->f)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	nsw_format_rfc3339(nsw_timespec_ns(&ts), when, sizeof(when));
	if (log->json) {
		struct nsw_json w;

		nsw_json_init(&w, log->f);
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "level", level);
		nsw_json_kv_string(&w, "msg", msg);
		nsw_json_kv_string(&w, "time", when);
		nsw_json_object_end(&w);
		nsw_json_newline(&w);
	} else {
		fprintf(log->f, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
	fflush(log->f);
}

/* Only the verb's own options are left; getopt starts over on them. */
static void reset_getopt(void)
{
	optind = 0;
	opterr = 1;
}

static int need_id(int argc, char **argv, int min, int max, const char *usage,
		   struct nsw_error *err)
{
	int n = argc - optind;

	if (n < min || n > max)
		return nsw_error(err, 0, "usage: " OCI_PROG " %s", usage);
	(void)argv;
	return 0;
}

static int verb_create(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"pid-file", required_argument, NULL, 'p'},
	    {"console-socket", required_argument, NULL, 'c'},
	    {"no-pivot", no_argument, NULL, 'P'},
	    {"no-new-keyring", no_argument, NULL, 'K'},
	    {"preserve-fds", required_argument, NULL, 'f'},
	    {0},
	};
	struct nsw_oci_create_opts o = {0};
	int opt;

	(void)log;
	reset_getopt();
	while ((opt = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			o.bundle = optarg;
			break;
		case 'p':
			o.pid_file = optarg;
			break;
		case 'c':
			o.console_socket = optarg;
			break;
		case 'P':
			return nsw_error(err, 0, "--no-pivot: nswatch always pivots the root");
		case 'K':
			/* The session keyring is the caller's either way: nswatch makes none. */
			break;
		case 'f':
			if (strcmp(optarg, "0"))
				return nsw_error(err, 0,
						 "--preserve-fds: not supported by nswatch yet");
			break;
		default:
			return nsw_error(err, 0, "create: bad option");
		}
	}
	if (need_id(argc, argv, 1, 1,
		    "create [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET] ID",
		    err) < 0)
		return -1;
	return nsw_oci_create(argv[optind], &o, err) < 0 ? -1 : 0;
}

static int verb_start(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	(void)log;
	reset_getopt();
	if (getopt_long(argc, argv, "+", (const struct option[]){{0}}, NULL) != -1)
		return nsw_error(err, 0, "start: bad option");
	if (need_id(argc, argv, 1, 1, "start ID", err) < 0)
		return -1;
	return nsw_oci_start(argv[optind], err) < 0 ? -1 : 0;
}

static int verb_state(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	struct nsw_oci_state st;
	struct nsw_json w;

	(void)log;
	reset_getopt();
	if (getopt_long(argc, argv, "+", (const struct option[]){{0}}, NULL) != -1)
		return nsw_error(err, 0, "state: bad option");
	if (need_id(argc, argv, 1, 1, "state ID", err) < 0)
		return -1;
	if (nsw_oci_state_load(argv[optind], &st, err) < 0)
		return -1;
	nsw_json_init(&w, stdout);
	nsw_oci_state_write(&w, &st);
	nsw_json_newline(&w);
	nsw_oci_state_free(&st);
	return 0;
}

static int verb_kill(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
	bool all = false;
	int opt, sig = SIGTERM;

	(void)log;
	reset_getopt();
	while ((opt = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (opt != 'a')
			return nsw_error(err, 0, "kill: bad option");
		all = true;
	}
	if (need_id(argc, argv, 1, 2, "kill [--all] ID [SIGNAL]", err) < 0)
		return -1;
	if (argc - optind == 2 && nsw_oci_parse_signal(argv[optind + 1], &sig, err) < 0)
		return -1;
	return nsw_oci_kill(argv[optind], sig, all, err) < 0 ? -1 : 0;
}

static int verb_delete(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {0}};
	bool force = false;
	int opt;

	(void)log;
	reset_getopt();
	while ((opt = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (opt != 'f')
			return nsw_error(err, 0, "delete: bad option");
		force = true;
	}
	if (need_id(argc, argv, 1, 1, "delete [--force] ID", err) < 0)
		return -1;
	return nsw_oci_delete(argv[optind], force, err) < 0 ? -1 : 0;
}

static int verb_list(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"quiet", no_argument, NULL, 'q'},
	    {0},
	};
	bool json = false, quiet = false;
	struct nsw_json w;
	char **ids;
	int opt, n;

	(void)log;
	reset_getopt();
	while ((opt = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else
			return nsw_error(err, 0, "list: bad option (--format table|json, --quiet)");
	}
	if (need_id(argc, argv, 0, 0, "list [--format table|json] [--quiet]", err) < 0 ||
	    nsw_oci_list(&ids, &n, err) < 0)
		return -1;
	nsw_json_init(&w, stdout);
	if (json)
		nsw_json_array_begin(&w);
	else if (!quiet)
		printf("%-36s %-8s %-8s %-30s %s\n", "ID", "PID", "STATUS", "CREATED", "BUNDLE");
	for (int i = 0; i < n; i++) {
		struct nsw_oci_state st;
		struct nsw_error e = {0};

		if (nsw_oci_state_load(ids[i], &st, &e) == 0) {
			if (json)
				nsw_oci_state_write(&w, &st);
			else if (quiet)
				printf("%s\n", st.id);
			else
				printf("%-36s %-8d %-8s %-30s %s\n", st.id,
				       st.status == NSW_OCI_STOPPED ? 0 : st.pid,
				       nsw_oci_status_name(st.status), st.created, st.bundle);
			nsw_oci_state_free(&st);
		}
		free(ids[i]);
	}
	free(ids);
	if (json) {
		nsw_json_array_end(&w);
		nsw_json_newline(&w);
	}
	return 0;
}

/* ps: containerd's shim asks for --format json, a list of host pids. */
static int verb_ps(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {0}};
	bool json = false;
	struct nsw_json w;
	pid_t *pids;
	int opt, n;

	(void)log;
	reset_getopt();
	while ((opt = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (opt == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else
			return nsw_error(err, 0, "ps: bad option (--format table|json)");
	}
	if (need_id(argc, argv, 1, 1, "ps [--format table|json] ID", err) < 0 ||
	    nsw_oci_pids(argv[optind], &pids, &n, err) < 0)
		return -1;
	if (json) {
		nsw_json_init(&w, stdout);
		nsw_json_array_begin(&w);
		for (int i = 0; i < n; i++)
			nsw_json_int(&w, pids[i]);
		nsw_json_array_end(&w);
		nsw_json_newline(&w);
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (int i = 0; i < n; i++) {
			char path[64], cmd[256] = "";
			FILE *f;
			size_t len;

			snprintf(path, sizeof(path), "/proc/%d/cmdline", pids[i]);
			f = fopen(path, "re");
			len = f ? fread(cmd, 1, sizeof(cmd) - 1, f) : 0;
			if (f)
				fclose(f);
			for (size_t k = 0; k + 1 < len; k++)
				if (!cmd[k])
					cmd[k] = ' ';
			printf("%-8d %s\n", pids[i], cmd);
		}
	}
	free(pids);
	return 0;
}

static int verb_features(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	struct nsw_json w;

	(void)log;
	reset_getopt();
	if (getopt_long(argc, argv, "+", (const struct option[]){{0}}, NULL) != -1 ||
	    need_id(argc, argv, 0, 0, "features", err) < 0)
		return nsw_error(err, 0, "usage: " OCI_PROG " features");
	nsw_json_init(&w, stdout);
	nsw_oci_features(&w);
	return 0;
}

/* ---- exec, pause, resume ---- */

static int verb_exec(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	static const struct option opts[] = {
	    {"process", required_argument, NULL, 'p'},
	    {"detach", no_argument, NULL, 'd'},
	    {"pid-file", required_argument, NULL, 'P'},
	    {"tty", no_argument, NULL, 't'},
	    {"console-socket", required_argument, NULL, 'C'},
	    {"cwd", required_argument, NULL, 'w'},
	    {"env", required_argument, NULL, 'e'},
	    {"user", required_argument, NULL, 'u'},
	    {"cap", required_argument, NULL, 'c'},
	    {"no-new-privs", no_argument, NULL, 'N'},
	    {"preserve-fds", required_argument, NULL, 'f'},
	    {"additional-gids", required_argument, NULL, 'g'},
	    {"process-label", required_argument, NULL, 'L'},
	    {"apparmor", required_argument, NULL, 'A'},
	    {"cgroup", required_argument, NULL, 'G'},
	    {"ignore-paused", no_argument, NULL, 'I'},
	    {0},
	};
	struct nsw_oci_exec_opts o = {0};
	cleanup_free char **env = calloc(argc, sizeof(char *));
	cleanup_free char **caps = calloc(argc, sizeof(char *));
	int opt;

	(void)log;
	if (!env || !caps)
		return nsw_error(err, ENOMEM, "exec");
	o.env = env;
	o.caps = caps;
	reset_getopt();
	while ((opt = getopt_long(argc, argv, "+p:dte:u:c:g:", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			o.process = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case 'P':
			o.pid_file = optarg;
			break;
		case 't':
			o.tty = true;
			break;
		case 'C':
			o.console_socket = optarg;
			break;
		case 'w':
			o.cwd = optarg;
			break;
		case 'e':
			env[o.n_env++] = optarg;
			break;
		case 'u':
			if (nsw_parse_user(optarg, &o.uid, &o.gid, err) < 0)
				return nsw_error_wrap(err, "--user");
			o.user_set = true;
			break;
		case 'c':
			caps[o.n_caps++] = optarg;
			break;
		case 'N':
			o.no_new_privs = true;
			break;
		case 'f':
			if (strcmp(optarg, "0"))
				return nsw_error(err, 0,
						 "--preserve-fds: not supported by nswatch yet");
			break;
		case 'A':
		case 'L':
			/* As process.apparmorProfile and selinuxLabel: none on this host. */
			break;
		case 'g':
		case 'G':
		case 'I':
			return nsw_error(err, 0, "exec: --%s: not supported by nswatch yet",
					 opt == 'g'   ? "additional-gids"
					 : opt == 'G' ? "cgroup"
						      : "ignore-paused");
		default:
			return nsw_error(err, 0, "exec: bad option");
		}
	}
	if (optind >= argc)
		return nsw_error(err, 0,
				 "usage: " OCI_PROG " exec [--process FILE] [--detach] [--pid-file "
				 "FILE] [--tty --console-socket SOCKET] [--cwd DIR] [--env K=V] "
				 "[--user UID[:GID]] [--cap CAP] [--no-new-privs] ID [CMD...]");
	o.argv = argv + optind + 1;
	return nsw_oci_exec(argv[optind], &o, err);
}

static int verb_pause(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	(void)log;
	reset_getopt();
	if (getopt_long(argc, argv, "+", (const struct option[]){{0}}, NULL) != -1)
		return nsw_error(err, 0, "pause: bad option");
	if (need_id(argc, argv, 1, 1, "pause ID", err) < 0)
		return -1;
	return nsw_oci_pause(argv[optind], err) < 0 ? -1 : 0;
}

static int verb_resume(int argc, char **argv, struct oci_log *log, struct nsw_error *err)
{
	(void)log;
	reset_getopt();
	if (getopt_long(argc, argv, "+", (const struct option[]){{0}}, NULL) != -1)
		return nsw_error(err, 0, "resume: bad option");
	if (need_id(argc, argv, 1, 1, "resume ID", err) < 0)
		return -1;
	return nsw_oci_resume(argv[optind], err) < 0 ? -1 : 0;
}

static const struct oci_verb verbs[] = {
    {"create", verb_create}, {"start", verb_start},	  {"state", verb_state},
    {"kill", verb_kill},     {"delete", verb_delete},	  {"list", verb_list},
    {"ps", verb_ps},	     {"features", verb_features},
    {"exec", verb_exec},     {"pause", verb_pause},	  {"resume", verb_resume},
};

/* Verbs of runc's that nswatch does not have yet. */
static const char *const later[] = {"update", "run", "events", "checkpoint", "restore", "spec"};

static void usage(FILE *f)
{
	fprintf(f, "Usage: " OCI_PROG
		   " [--root DIR] [--log FILE] [--log-format text|json] [--debug] VERB ...\n"
		   "       nswatch oci ...  (the same)\n\n"
		   "nswatch as an OCI runtime, with runc's command line. Verbs:\n"
		   "  create [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET] ID\n"
		   "  start ID\n"
		   "  state ID\n"
		   "  kill [--all] ID [SIGNAL]\n"
		   "  delete [--force] ID\n"
		   "  list [--format table|json] [--quiet]\n"
		   "  ps [--format table|json] ID\n"
		   "  features\n"
		   "  exec [--process FILE] [--detach] [--pid-file FILE] [--tty] [--console-socket S]\n"
		   "       [--cwd DIR] [--env K=V]... [--user UID[:GID]] [--cap CAP]...\n"
		   "       [--no-new-privs] ID [CMD...]\n"
		   "  pause ID\n"
		   "  resume ID\n"
		   "The state root is " NSW_OCI_ROOT " unless --root is given.\n");
}

bool cmd_oci_sealed(int argc, char **argv)
{
	const char *root = NSW_OCI_ROOT;

	/*
	 * create makes a process of this binary that a container holds; exec,
	 * and start with startContainer hooks, one that enters a container.
	 */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strncmp(argv[i], "--root=", strlen("--root=")))
			root = argv[i] + strlen("--root=");
		else if (!strcmp(argv[i], "create") || !strcmp(argv[i], "exec"))
			return true;
		else if (!strcmp(argv[i], "start"))
			return nsw_oci_start_enters(root, argv[argc - 1]);
	}
	return false;
}

static int run_verb(const struct oci_verb *v, int argc, char **argv, struct oci_log *log,
		    struct nsw_error *err)
{
	if (log->debug) {
		char msg[256];
		int n = snprintf(msg, sizeof(msg), "%s", v->name);

		for (int i = 1; i < argc && n > 0 && (size_t)n < sizeof(msg); i++)
			n += snprintf(msg + n, sizeof(msg) - n, " %s", argv[i]);
		log_line(log, "debug", msg);
	}
	return v->run(argc, argv, log, err);
}

int cmd_oci(int argc, char **argv, struct nsw_error *err)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"log", required_argument, NULL, 'l'},
	    {"log-format", required_argument, NULL, 'F'},
	    {"debug", no_argument, NULL, 'd'},
	    {"systemd-cgroup", no_argument, NULL, 's'},
	    {"criu", required_argument, NULL, 'C'},
	    {"rootless", required_argument, NULL, 'R'},
	    {"version", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct oci_log log = {0};
	const char *log_path = NULL, *root = NSW_OCI_ROOT;
	bool systemd = false;
	int opt, r;

	reset_getopt();
	while ((opt = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			root = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return nsw_error(
				    err, 0, "--log-format: '%s' is neither text nor json", optarg);
			log.json = !strcmp(optarg, "json");
			break;
		case 'd':
			log.debug = true;
			break;
		case 's':
			systemd = true;
			break;
		case 'C':
		case 'R':
			/* runc's own: no checkpointing here; rootless is decided by the euid. */
			break;
		case 'v':
			printf(OCI_PROG " version " OCI_RUNTIME_VERSION "\nspec: " NSW_OCI_VERSION
					"\n");
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (log_path) {
		log.f = fopen(log_path, "ae");
		if (!log.f)
			return nsw_error(err, errno, "--log: cannot open %s", log_path);
	}
	if (systemd) {
		r = nsw_error(err, 0,
			      "--systemd-cgroup: nswatch manages cgroups itself (cgroupfs); there "
			      "is no systemd cgroup driver");
		goto out;
	}
	if (optind >= argc) {
		usage(stderr);
		r = nsw_error(err, 0, "no verb given");
		goto out;
	}
	if (nsw_oci_set_root(root, err) < 0) {
		r = -1;
		goto out;
	}
	r = nsw_error(err, 0, "unknown verb '%s' (see " OCI_PROG " --help)", argv[optind]);
	for (size_t i = 0; i < ARRAY_SIZE(later); i++)
		if (!strcmp(argv[optind], later[i]))
			r = nsw_error(err, 0, "%s: not supported by nswatch yet", later[i]);
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (strcmp(argv[optind], verbs[i].name))
			continue;
		memset(err, 0, sizeof(*err));
		r = run_verb(&verbs[i], argc - optind, argv + optind, &log, err);
		break;
	}
out:
	if (r < 0) {
		char line[sizeof(err->msg) + 128];

		nsw_error_format(err, line, sizeof(line));
		log_line(&log, "error", line);
		/* runc's one failure status, whatever the runtime's own would be (125). */
		nsw_error_set_status(err, OCI_EXIT_FAILURE);
	}
	if (log.f)
		fclose(log.f);
	return r;
}
