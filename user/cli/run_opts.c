// SPDX-License-Identifier: GPL-2.0
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/caps.h"
#include "runtime/seccomp.h"
#include "timeline/perfetto.h"
#include "cli/run_opts.h"

enum {
	OPT_ROOTFS = 0x100,
	OPT_NAME,
	OPT_HOSTNAME,
	OPT_NS,
	OPT_UID_MAP,
	OPT_GID_MAP,
	OPT_READ_ONLY,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPUS,
	OPT_NET,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_HOOK,
	OPT_TRACE,
	OPT_TRACE_JSON,
	OPT_SECCOMP,
	OPT_ALLOW_USERNS,
	OPT_RM,
	OPT_TRACE_OUT,
	OPT_TRACE_FORMAT,
};

static const char doc[] =
	"Run CMD in a new container: all eight namespaces (mnt, uts, ipc, pid, "
	"net, user, cgroup, time) unless --ns says otherwise, the rootfs as its "
	"root, /proc, /sys (read-only), /dev, /dev/pts, /dev/shm, and cgroup "
	"limits. CMD is PID 1 of the container; stdio is passed through, "
	"signals are forwarded, and the exit status is CMD's (128+N if killed "
	"by signal N). CMD runs in a session of its own: the caller's terminal "
	"is never its controlling terminal; -t gives it a pseudo-terminal of "
	"its own, -i relays stdin to it."
	"\v"
	"User namespace: as root, the container's ids 0-65535 map to a range of "
	"its own on the host (from 1610612736 up, 65536 per container) and the "
	"rootfs is idmapped, so it looks root-owned inside; --uid-map chooses "
	"another map (INSIDE:OUTSIDE:COUNT, repeatable; 0:0:65536 maps ids one "
	"to one and turns the idmapping off). Without root, the "
	"container's root is your own uid, and there are no cgroup limits.\n"
	"\n"
	"Capabilities: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, "
	"SETUID, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, MKNOD, AUDIT_WRITE and "
	"SETFCAP by default (not NET_RAW, as in podman: --cap-add NET_RAW).\n"
	"\n"
	"Tracing (root): --trace prints the start as a timeline on stderr, the "
	"runtime's steps (namespaces, id maps, cgroup, mounts, pivot_root, "
	"exec) and the kernel's (the container's namespace operations), with "
	"offsets since the start, then a summary: the namespaces the container "
	"got, the time of each step, events lost. --trace-json FILE writes the "
	"same as JSON lines. --trace-out FILE writes it to FILE in --trace-format: "
	"text (the lines of --trace), json (as --trace-json) or perfetto (the "
	"Trace Event Format, which ui.perfetto.dev and chrome://tracing open: a "
	"track for the runtime's steps, one per process the kernel saw).\n"
	"\n"
	"Exit status: CMD's; 125 if the container could not be created, 126 if "
	"CMD could not be run, 127 if CMD was not found, 2 for a bad option.\n"
	"\n"
	"Examples:\n"
	"  nswatch run -- sh -c 'hostname; ps'\n"
	"  nswatch run --name web --net bridge -d -- httpd -f -p 80\n"
	"  nswatch run --memory 64m --pids-limit 32 --cpus 0.5 -- sh\n"
	"  nswatch run -v /srv/data:/data:ro --read-only -- ls /data\n"
	"  nswatch run --trace --trace-json start.json -- true\n"
	"  nswatch run --trace-out start.trace.json --trace-format perfetto -- true\n"
	"  nswatch run -ti -- sh\n"
	"\n"
	"See docs/run.md.";

static const char args_doc[] = "[--] CMD [ARGS...]";

static const struct argp_option options[] = {
	{ "rootfs", OPT_ROOTFS, "DIR", 0,
	  "The container's root (default: the busybox rootfs of make rootfs)", 1 },
	{ "name", OPT_NAME, "NAME", 0,
	  "Container name: letters, digits, _ . - (default: nsw-XXXXXXXX)", 1 },
	{ "hostname", OPT_HOSTNAME, "NAME", 0, "Hostname (default: the name)", 1 },
	{ "ns", OPT_NS, "LIST", 0,
	  "Namespaces to create, comma-separated (default: all eight)", 1 },
	{ "uid-map", OPT_UID_MAP, "IN:OUT:COUNT", 0, "A uid map line (repeatable)", 1 },
	{ "gid-map", OPT_GID_MAP, "IN:OUT:COUNT", 0,
	  "A gid map line (repeatable; default: as the uid map)", 1 },
	{ "volume", 'v', "SRC:DST[:ro]", 0, "Bind host SRC at DST (repeatable)", 2 },
	{ "read-only", OPT_READ_ONLY, NULL, 0, "Mount the root read-only", 2 },
	{ "workdir", 'w', "DIR", 0, "Working directory inside (default /)", 3 },
	{ "env", 'e', "K=V", 0, "Set an environment variable (repeatable)", 3 },
	{ "user", 'u', "UID[:GID]", 0, "Run CMD as this uid and gid inside (default 0:0)", 3 },
	{ "cap-add", OPT_CAP_ADD, "CAP", 0, "Keep a capability (repeatable; ALL)", 3 },
	{ "cap-drop", OPT_CAP_DROP, "CAP", 0, "Drop a capability (repeatable; ALL)", 3 },
	{ "tty", 't', NULL, 0,
	  "Give CMD a pseudo-terminal of its own (the container's devpts), relayed to the caller's stdout (and stdin with -i); not with --detach", 3 },
	{ "interactive", 'i', NULL, 0,
	  "Keep stdin open: with -t, relay it to the pseudo-terminal, the caller's terminal in raw mode (without -t, stdin is always the caller's)", 3 },
	{ "seccomp", OPT_SECCOMP, "PROFILE", 0,
	  "default (Docker's default profile), unconfined (no filter), or a profile file "
	  "(OCI or Docker JSON)", 3 },
	{ "allow-userns", OPT_ALLOW_USERNS, NULL, 0,
	  "Let the default seccomp profile allow new user namespaces (and the mount calls and "
	  "setns they need)", 3 },
	{ "detach", 'd', NULL, 0,
	  "Return once CMD runs, printing the name; output goes to the state directory's output.log "
	  "(nswatch logs NAME), kept with the exit status when CMD ends until nswatch rm NAME", 3 },
	{ "rm", OPT_RM, NULL, 0,
	  "Remove the container's state when CMD ends (a detached container's is kept until "
	  "nswatch rm otherwise; a foreground one's always goes)", 3 },
	{ "prestart-hook", OPT_HOOK, "CMD", 0,
	  "Run CMD (sh -c, on the host) once the container is set up, before its command starts; "
	  "NSWATCH_NAME, NSWATCH_PID and NSWATCH_STATE are set; failure aborts", 3 },
	{ "memory", OPT_MEMORY, "SIZE", 0, "Memory limit, e.g. 64m, 1g", 4 },
	{ "pids-limit", OPT_PIDS, "N", 0, "At most N tasks", 4 },
	{ "cpus", OPT_CPUS, "N", 0, "CPU time, in CPUs, e.g. 0.5", 4 },
	{ "net", OPT_NET, "MODE", 0,
	  "none (loopback only, the default) or bridge (a veth on bridge nswatch0, 10.89.0.0/24)", 5 },
	{ "trace", OPT_TRACE, NULL, 0,
	  "Show the start and the container's namespace operations as a timeline on stderr, then a summary (root; not with --detach)", 6 },
	{ "trace-json", OPT_TRACE_JSON, "FILE", 0,
	  "Write the timeline and the summary as JSON lines to FILE (replaced; implies tracing)", 6 },
	{ "trace-out", OPT_TRACE_OUT, "FILE", 0,
	  "Write the timeline to FILE in --trace-format (replaced; implies tracing)", 6 },
	{ "trace-format", OPT_TRACE_FORMAT, "FORMAT", 0,
	  "The format of --trace-out: text, json (the default) or perfetto (Trace Event Format)", 6 },
	{ 0 },
};

static int set_string(char **dst, const char *s)
{
	char *d = strdup(s);

	if (!d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

/* --seccomp: a profile file is read and checked now, before anything is made. */
static int parse_seccomp(const char *arg, struct nsw_seccomp *s, struct nsw_error *err)
{
	struct nsw_seccomp_profile *p = NULL;

	if (!strcmp(arg, "default") || !strcmp(arg, "unconfined")) {
		nsw_seccomp_free(s);
		s->mode = arg[0] == 'd' ? NSW_SECCOMP_DEFAULT : NSW_SECCOMP_UNCONFINED;
		return 0;
	}
	if (nsw_seccomp_profile_load(arg, &p, err) < 0)
		return nsw_error_wrap(err, "bad --seccomp");
	nsw_seccomp_free(s);
	s->mode = NSW_SECCOMP_PROFILE;
	s->profile = p;
	return 0;
}

static int parse_value(int key, const char *arg, struct nsw_container *c,
		       struct nsw_error *err)
{
	uint64_t bits;

	switch (key) {
	case OPT_ROOTFS:
		return set_string(&c->rootfs, arg) ? nsw_error(err, ENOMEM, "--rootfs") : 0;
	case OPT_NAME:
		if (!nsw_name_valid(arg))
			return nsw_error(err, 0,
					 "bad --name '%s': 1 to %d letters, digits, '_', '.' or '-', starting with a letter or digit",
					 arg, NSW_NAME_MAX);
		snprintf(c->name, sizeof(c->name), "%s", arg);
		return 0;
	case OPT_HOSTNAME:
		if (!nsw_hostname_valid(arg))
			return nsw_error(err, 0, NSW_HOSTNAME_RULE, arg);
		snprintf(c->hostname, sizeof(c->hostname), "%s", arg);
		return 0;
	case OPT_NS:
		return nsw_parse_ns_list(arg, &c->ns_flags, err);
	case OPT_UID_MAP:
		return nsw_parse_idmap(arg, c->uid_maps, &c->n_uid_maps, err);
	case OPT_GID_MAP:
		return nsw_parse_idmap(arg, c->gid_maps, &c->n_gid_maps, err);
	case 'v':
		return nsw_parse_volume(c, arg, err);
	case 'w':
		if (arg[0] != '/')
			return nsw_error(err, 0, "bad --workdir '%s': an absolute path", arg);
		return set_string(&c->workdir, arg) ? nsw_error(err, ENOMEM, "--workdir") : 0;
	case 'e':
		return nsw_container_add_env(c, arg, err);
	case 'u':
		return nsw_parse_user(arg, &c->uid, &c->gid, err);
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		if (nsw_cap_parse(arg, &bits, err) < 0)
			return -1;
		if (key == OPT_CAP_ADD)
			c->caps |= bits;
		else
			c->caps &= ~bits;
		return 0;
	case OPT_SECCOMP:
		return parse_seccomp(arg, &c->seccomp, err);
	case OPT_HOOK:
		return set_string(&c->prestart_hook, arg) ? nsw_error(err, ENOMEM, "hook") : 0;
	case OPT_MEMORY:
		return nsw_parse_memory(arg, &c->limits.memory_bytes, err);
	case OPT_PIDS:
		return nsw_parse_pids(arg, &c->limits.pids_max, err);
	case OPT_CPUS:
		return nsw_parse_cpus(arg, &c->limits.cpu_quota_us,
				      &c->limits.cpu_period_us, err);
	case OPT_NET:
		if (!strcmp(arg, "none"))
			c->net = NSW_NET_NONE;
		else if (!strcmp(arg, "bridge"))
			c->net = NSW_NET_BRIDGE;
		else
			return nsw_error(err, 0, "bad --net '%s': none or bridge", arg);
		return 0;
	}
	return nsw_error(err, 0, "unknown option");
}

/* --trace-out FILE, --trace-format FORMAT (checked whole at the end). */
static error_t parse_trace_out(int key, char *arg, struct nsw_container *c,
			       struct argp_state *state)
{
	enum nsw_trace_format f;

	if (key == OPT_TRACE_OUT) {
		if (!arg[0]) {
			argp_error(state, "--trace-out needs a file name");
			return EINVAL;
		}
		c->trace_out = arg;
		return 0;
	}
	if (nsw_trace_format_parse(arg, &f) < 0) {
		argp_error(state, "bad --trace-format '%s': text, json or perfetto", arg);
		return EINVAL;
	}
	c->trace_format = arg;
	return 0;
}

/* Each format has one place to go: --trace is the text, --trace-json the JSON lines. */
static error_t check_trace_out(const struct nsw_container *c, struct argp_state *state)
{
	enum nsw_trace_format f = NSW_TRACE_JSON;

	if (c->trace_format && !c->trace_out) {
		argp_error(state, "--trace-format is the format of --trace-out FILE, which is not given");
		return EINVAL;
	}
	if (c->trace_format)
		nsw_trace_format_parse(c->trace_format, &f);
	if (c->trace_out && f == NSW_TRACE_TEXT && c->trace) {
		argp_error(state, "--trace-out with --trace-format text and --trace both write the text timeline: choose one");
		return EINVAL;
	}
	if (c->trace_out && f == NSW_TRACE_JSON && c->trace_json) {
		argp_error(state, "--trace-out with --trace-format json and --trace-json both write the JSON lines: choose one");
		return EINVAL;
	}
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct nsw_container *c = state->input;
	struct nsw_error err = { 0 };

	switch (key) {
	case 'd':
		c->detach = true;
		return 0;
	case 't':
		c->tty = true;
		return 0;
	case 'i':
		c->interactive = true;
		return 0;
	case OPT_READ_ONLY:
		c->readonly_root = true;
		return 0;
	case OPT_TRACE:
		c->trace = true;
		return 0;
	case OPT_ALLOW_USERNS:
		c->seccomp.allow_userns = true;
		return 0;
	case OPT_RM:
		c->auto_remove = true;
		return 0;
	case OPT_TRACE_JSON:
		if (!arg[0]) {
			argp_error(state, "--trace-json needs a file name");
			return EINVAL;
		}
		c->trace_json = arg;
		return 0;
	case OPT_TRACE_OUT:
	case OPT_TRACE_FORMAT:
		return parse_trace_out(key, arg, c, state);
	case ARGP_KEY_ARG:
		/* The command and its own options are not ours to parse. */
		c->argv = &state->argv[state->next - 1];
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		if (!c->argv) {
			argp_error(state, "no command given");
			return EINVAL;
		}
		/* The terminal is relayed by the run that waits for the container. */
		if (c->tty && c->detach) {
			argp_error(state, "-t/--tty cannot be used with --detach");
			return EINVAL;
		}
		/* A profile file says itself what it allows. */
		if (c->seccomp.allow_userns && c->seccomp.mode != NSW_SECCOMP_DEFAULT) {
			argp_error(state, "--allow-userns changes the default seccomp profile; not with --seccomp %s",
				   c->seccomp.mode == NSW_SECCOMP_UNCONFINED ? "unconfined" : "PROFILE");
			return EINVAL;
		}
		/* The timeline is written by the run that waits for the container. */
		if (nsw_container_traced(c) && c->detach) {
			argp_error(state, "--trace, --trace-json and --trace-out cannot be used with --detach");
			return EINVAL;
		}
		return check_trace_out(c, state);
	case ARGP_KEY_INIT:
	case ARGP_KEY_NO_ARGS:
	case ARGP_KEY_SUCCESS:
	case ARGP_KEY_FINI:
	case ARGP_KEY_ERROR:
	case ARGP_KEY_ARGS:
		return ARGP_ERR_UNKNOWN;
	}
	for (const struct argp_option *o = options; o->name; o++) {
		if (o->key != key)
			continue;
		if (parse_value(key, arg, c, &err) < 0) {
			argp_error(state, "%s", err.msg);
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

int run_parse_args(int argc, char **argv, struct nsw_container *c,
		   unsigned int argp_flags)
{
	static const struct argp argp = {
		.options = options,
		.parser = parse_opt,
		.args_doc = args_doc,
		.doc = doc,
	};

	argp_err_exit_status = 2;
	return argp_parse(&argp, argc, argv, argp_flags | ARGP_IN_ORDER, NULL, c);
}
