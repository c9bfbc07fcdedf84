// SPDX-License-Identifier: GPL-2.0
/*
 * OCI hooks: each a program run with the container's state on its stdin,
 * within its timeout; and `features`. prestart, createRuntime, poststart
 * and poststop run on the host; createContainer and startContainer in the
 * container (runtime/enter.h: every namespace of its init, its cgroups,
 * its root), as root of its user namespace with the runtime's
 * capabilities there:
 *
 *   createContainer  at the end of create, after createRuntime, before
 *                    anything of the container has run. runc runs it
 *                    before pivot_root, in the container's mount namespace
 *                    with the host's root: so here its root (and working
 *                    directory) is the host's, and its path the host's
 *                    (host tools such as CDI's work; the container's tree
 *                    is at the state's rootfs, its own mounts under
 *                    /proc/PID/root of the init).
 *   startContainer   at start, before the byte that lets the init execute
 *                    the command: its root is the container's, its path
 *                    the container's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "oci/oci.h"
#include "runtime/caps.h"
#include "runtime/enter.h"
#include "runtime/state.h"
#include "lib/util.h"

#define MS_PER_SEC 1000

static char *state_text(const struct nsw_oci_state *st)
{
	struct nsw_json w;

	if (nsw_json_open_mem(&w) < 0)
		return NULL;
	nsw_oci_state_write(&w, st);
	return nsw_json_take_mem(&w);
}

/* The hook's exit status as a shell gives it, or -1 on timeout (killed). */
static int wait_hook(pid_t pid, int timeout_s)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0), status = 0, r = 1;
	struct pollfd p = {pidfd, POLLIN, 0};

	if (pidfd >= 0 && timeout_s > 0) {
		while ((r = poll(&p, 1, timeout_s * MS_PER_SEC)) < 0 && errno == EINTR)
			;
		if (r == 0)
			kill(pid, SIGKILL);
	}
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_hook(const struct nsw_oci_hook *h, const char *field, const char *state,
		    struct nsw_error *err)
{
	char *const no_env[] = {NULL};
	char *const path_only[] = {h->path, NULL};
	int in[2], status;
	size_t len = strlen(state);
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return nsw_error(err, errno, "%s: pipe", field);
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return nsw_error(err, errno, "%s: fork", field);
	}
	if (pid == 0) {
		dup2(in[0], 0);
		execve(h->path, h->args ? h->args : path_only, h->env ? h->env : no_env);
		_exit(127);
	}
	close(in[0]);
	/* A hook that does not read its stdin is no error. */
	signal(SIGPIPE, SIG_IGN);
	(void)!write(in[1], state, len);
	close(in[1]);
	status = wait_hook(pid, h->timeout);
	if (status < 0)
		return nsw_error(err, 0, "%s: %s timed out after %d s", field, h->path, h->timeout);
	if (status != 0)
		return nsw_error(err, 0, "%s: %s failed (exit status %d)", field, h->path, status);
	return 0;
}

/* ---- in the container ---- */

/* The container a hook enters: its state and its init, pinned. */
struct hook_target {
	struct nsw_instance in;
	int pidfd;
	unsigned long ns_flags;
};

struct hook_proc {
	const struct nsw_oci_hook *h;
	int in;	       /* the state's pipe */
	int host_root; /* createContainer: the host's root, kept as its root; else -1 */
};

static bool in_container(enum nsw_oci_hook_kind kind)
{
	return kind == NSW_OCI_HOOK_CREATE_CONTAINER || kind == NSW_OCI_HOOK_START_CONTAINER;
}

static int open_target(const struct nsw_oci_state *st, struct hook_target *t, struct nsw_error *err)
{
	t->pidfd = syscall(SYS_pidfd_open, st->pid, 0);
	if (t->pidfd < 0 || !nsw_proc_same(st->pid, st->starttime)) {
		if (t->pidfd >= 0)
			close(t->pidfd);
		return nsw_error(err, 0, "container %s: container not running", st->id);
	}
	if (nsw_state_load(st->id, &t->in, NULL, err) < 0 ||
	    nsw_enter_ns_flags(st->pid, &t->ns_flags, err) < 0) {
		close(t->pidfd);
		return -1;
	}
	return 0;
}

static __attribute__((noreturn)) void hook_main(void *arg, int errpipe)
{
	const struct hook_proc *p = arg;
	char *const no_env[] = {NULL};
	char *const path_only[] = {p->h->path, NULL};
	char *const *argv = p->h->args ? p->h->args : path_only;
	char *const *env = p->h->env ? p->h->env : no_env;
	struct nsw_error err = {0};

	if (dup2(p->in, 0) < 0) {
		nsw_error(&err, errno, "%s: stdin", p->h->path);
		nsw_enter_fail(errpipe, &err);
	}
	if (p->host_root >= 0 && (fchdir(p->host_root) < 0 || chroot(".") < 0)) {
		nsw_error(&err, errno, "%s: cannot keep the host's root", p->h->path);
		nsw_enter_fail(errpipe, &err);
	}
	if (p->host_root >= 0)
		close(p->host_root);
	execve(p->h->path, argv, env);
	nsw_error(&err, errno, "cannot execute %s in the container", p->h->path);
	nsw_enter_fail(errpipe, &err);
}

static int run_hook_in(const struct nsw_oci_hook *h, enum nsw_oci_hook_kind kind, const char *field,
		       const char *state, const struct hook_target *t, struct nsw_error *err)
{
	struct hook_proc p = {.h = h, .host_root = -1};
	int keep[2], in[2], report, status;
	struct nsw_enter e = {.in = &t->in,
			      .pidfd = t->pidfd,
			      .ns_flags = t->ns_flags,
			      .keep = keep,
			      .n_keep = ARRAY_SIZE(keep),
			      .fn = hook_main,
			      .arg = &p};
	pid_t pid;

	if (kind == NSW_OCI_HOOK_CREATE_CONTAINER) {
		p.host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (p.host_root < 0)
			return nsw_error(err, errno, "%s: /", field);
	}
	if (pipe2(in, O_CLOEXEC) < 0) {
		if (p.host_root >= 0)
			close(p.host_root);
		return nsw_error(err, errno, "%s: pipe", field);
	}
	p.in = keep[0] = in[0];
	keep[1] = p.host_root;
	e.n_keep = p.host_root >= 0 ? 2 : 1;
	status = nsw_enter_spawn(&e, &pid, &report, err);
	close(in[0]);
	if (p.host_root >= 0)
		close(p.host_root);
	if (status < 0) {
		close(in[1]);
		return nsw_error_wrap(err, "%s", field);
	}
	/* A hook that does not read its stdin is no error. */
	signal(SIGPIPE, SIG_IGN);
	(void)!write(in[1], state, strlen(state));
	close(in[1]);
	if (nsw_enter_report(report, err) < 0) {
		waitpid(pid, &status, 0);
		return nsw_error_wrap(err, "%s", field);
	}
	status = wait_hook(pid, h->timeout);
	if (status < 0)
		return nsw_error(err, 0, "%s: %s timed out after %d s", field, h->path, h->timeout);
	if (status != 0)
		return nsw_error(err, 0, "%s: %s failed in the container (exit status %d)", field,
				 h->path, status);
	return 0;
}

bool nsw_oci_start_enters(const char *root, const char *id)
{
	struct json_object *top, *hooks, *a;
	char path[PATH_MAX];
	bool r = true;

	if (!nsw_name_valid(id) || snprintf(path, sizeof(path), "%s/%s/%s", root, id,
					    NSW_STATE_OCI_FILE) >= (int)sizeof(path))
		return true;
	top = json_object_from_file(path);
	if (!top)
		return true;
	/* An oci.json from before startContainer hooks were kept has none. */
	r = json_object_object_get_ex(top, "hooks", &hooks) &&
	    json_object_object_get_ex(hooks, nsw_oci_hook_names[NSW_OCI_HOOK_START_CONTAINER],
				      &a) &&
	    (!json_object_is_type(a, json_type_array) || json_object_array_length(a) > 0);
	json_object_put(top);
	return r;
}

int nsw_oci_run_hooks(const struct nsw_oci_config *cfg, enum nsw_oci_hook_kind kind,
		      const struct nsw_oci_state *st, struct nsw_error *err)
{
	cleanup_free char *state = NULL;
	struct hook_target t = {.pidfd = -1};
	char field[64];
	int r = 0;

	if (!cfg->n_hooks[kind])
		return 0;
	state = state_text(st);
	if (!state)
		return nsw_error(err, ENOMEM, "hooks.%s", nsw_oci_hook_names[kind]);
	if (in_container(kind) && open_target(st, &t, err) < 0)
		return nsw_error_wrap(err, "hooks.%s", nsw_oci_hook_names[kind]);
	for (int i = 0; i < cfg->n_hooks[kind] && r == 0; i++) {
		snprintf(field, sizeof(field), "hooks.%s[%d]", nsw_oci_hook_names[kind], i);
		r = in_container(kind)
			? run_hook_in(&cfg->hooks[kind][i], kind, field, state, &t, err)
			: run_hook(&cfg->hooks[kind][i], field, state, err);
	}
	if (t.pidfd >= 0)
		close(t.pidfd);
	return r;
}

static void strings(struct nsw_json *w, const char *key, const char *const *v, size_t n)
{
	nsw_json_key(w, key);
	nsw_json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		nsw_json_string(w, v[i]);
	nsw_json_array_end(w);
}

void nsw_oci_features(struct nsw_json *w)
{
	static const char *const hooks[] = {"prestart",	      "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};
	static const char *const options[] = {
	    "bind",  "rbind",  "ro",	     "rw",	    "nosuid",  "suid",
	    "nodev", "dev",    "noexec",     "exec",	    "private", "rprivate",
	    "slave", "rslave", "unbindable", "runbindable",
	};
	static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network",
						 "pid",	   "time", "user",  "uts"};
	static const char *const actions[] = {
	    "SCMP_ACT_ALLOW",	    "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",	"SCMP_ACT_KILL_PROCESS",
	    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",   "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
	};
	static const char *const operators[] = {
	    "SCMP_CMP_EQ", "SCMP_CMP_GE",	 "SCMP_CMP_GT", "SCMP_CMP_LE",
	    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
	};
	char name[NSW_CAP_NAME_LEN];
	struct nsw_error ignored;

	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "ociVersionMin", NSW_OCI_VERSION_MIN);
	nsw_json_kv_string(w, "ociVersionMax", NSW_OCI_VERSION);
	strings(w, "hooks", hooks, ARRAY_SIZE(hooks));
	strings(w, "mountOptions", options, ARRAY_SIZE(options));
	nsw_json_key(w, "linux");
	nsw_json_object_begin(w);
	strings(w, "namespaces", namespaces, ARRAY_SIZE(namespaces));
	nsw_json_key(w, "capabilities");
	nsw_json_array_begin(w);
	for (unsigned int i = 0; nsw_cap_name(i, name, sizeof(name), &ignored) == 0; i++)
		nsw_json_string(w, name);
	nsw_json_array_end(w);
	nsw_json_key(w, "cgroup");
	nsw_json_object_begin(w);
	nsw_json_kv_bool(w, "v1", true);
	nsw_json_kv_bool(w, "v2", true);
	nsw_json_kv_bool(w, "systemd", false);
	nsw_json_kv_bool(w, "systemdUser", false);
	nsw_json_object_end(w);
	nsw_json_key(w, "seccomp");
	nsw_json_object_begin(w);
	nsw_json_kv_bool(w, "enabled", true);
	strings(w, "actions", actions, ARRAY_SIZE(actions));
	strings(w, "operators", operators, ARRAY_SIZE(operators));
	nsw_json_object_end(w);
	nsw_json_key(w, "apparmor");
	nsw_json_object_begin(w);
	nsw_json_kv_bool(w, "enabled", false);
	nsw_json_object_end(w);
	nsw_json_key(w, "selinux");
	nsw_json_object_begin(w);
	nsw_json_kv_bool(w, "enabled", false);
	nsw_json_object_end(w);
	nsw_json_object_end(w);
	nsw_json_object_end(w);
	nsw_json_newline(w);
}
