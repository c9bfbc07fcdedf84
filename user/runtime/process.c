// SPDX-License-Identifier: GPL-2.0
/* Identity, environment, signals and exit status of a container's process. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runtime/caps.h"
#include "runtime/process.h"
#include "lib/util.h"

/* The defaults every container gets, before --env. */
#define NSW_ENV_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define NSW_ENV_CONTAINER "container=nswatch"
/* PATH, HOME, HOSTNAME, container, TERM. */
#define NSW_ENV_DEFAULTS 5

/* Signals the monitor passes on to the container's init. */
static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
	SIGALRM,
};

/*
 * An OCI config's process settings that need the capabilities the init
 * still holds (rlimits above the current hard limit, oom_score_adj).
 */
static int apply_oci_process(const struct nsw_container *c, struct nsw_error *err)
{
	for (int i = 0; i < c->n_rlimits; i++) {
		struct rlimit rl = { c->rlimits[i].soft, c->rlimits[i].hard };

		if (setrlimit(c->rlimits[i].resource, &rl) < 0)
			return nsw_error(err, errno, "process.rlimits[%d]: setrlimit", i);
	}
	if (c->set_oom_score_adj) {
		char text[16];
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		int len = snprintf(text, sizeof(text), "%d", c->oom_score_adj);

		if (fd < 0 || write(fd, text, len) != len) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			return nsw_error(err, e, "process.oomScoreAdj: cannot write %s", text);
		}
		close(fd);
	}
	if (c->set_umask)
		umask(c->umask);
	return 0;
}

/* A change of uid cleared the effective set: back to what is permitted (keepcaps). */
static int raise_permitted(struct nsw_error *err)
{
	cap_t now = cap_get_proc();
	cap_flag_value_t v;
	int r = 0;

	if (!now)
		return nsw_error(err, errno, "cannot read the capabilities");
	for (cap_value_t cap = 0; cap <= CAP_LAST_CAP && r == 0; cap++)
		if (cap_get_flag(now, cap, CAP_PERMITTED, &v) < 0 ||
		    cap_set_flag(now, CAP_EFFECTIVE, 1, &cap, v) < 0)
			r = nsw_error(err, errno, "cannot prepare capability %d", cap);
	if (r == 0 && cap_set_proc(now) < 0)
		r = nsw_error(err, errno, "cannot set the capabilities");
	cap_free(now);
	return r;
}

int nsw_apply_identity(const struct nsw_container *c, struct nsw_error *err)
{
	if (c->oci && apply_oci_process(c, err) < 0)
		return -1;
	if (nsw_caps_bound(c->caps, err) < 0)
		return -1;
	/* A rootless user namespace has setgroups denied: no groups to drop. */
	if (setgroups(c->n_groups, (const gid_t *)c->groups) < 0 && !(c->rootless && errno == EPERM))
		return nsw_error(err, errno, "cannot set the supplementary groups");
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		return nsw_error(err, errno, "--user: setresgid(%u)", c->gid);
	/* OCI: a non-root user keeps the sets the config gives it, as with runc. */
	if (c->caps_sets && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nsw_error(err, errno, "PR_SET_KEEPCAPS");
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		return nsw_error(err, errno, "--user: setresuid(%u)", c->uid);
	if (!nsw_caps_deferred(c) ? nsw_apply_caps(c, err) < 0 : raise_permitted(err) < 0)
		return -1;
	if (!c->keep_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsw_error(err, errno, "PR_SET_NO_NEW_PRIVS");
	return 0;
}

bool nsw_caps_deferred(const struct nsw_container *c)
{
	return c->keep_privs && c->seccomp.mode != NSW_SECCOMP_UNCONFINED;
}

int nsw_apply_caps(const struct nsw_container *c, struct nsw_error *err)
{
	if (!c->caps_sets)
		return nsw_caps_apply(c->caps, err);
	return nsw_caps_apply_sets(c->caps_effective, c->caps_permitted, c->caps_inheritable,
				   c->caps_ambient, err);
}

void nsw_free_env(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

/* Set kv (a new string, now env's) over an entry of the same name. */
static int env_set(char **env, int *n, int max, char *kv)
{
	size_t klen;

	if (!kv)
		return -1;
	klen = strcspn(kv, "=");
	for (int i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, klen) && env[i][klen] == '=') {
			free(env[i]);
			env[i] = kv;
			return 0;
		}
	}
	if (*n >= max) {
		free(kv);
		return -1;
	}
	env[(*n)++] = kv;
	return 0;
}

static char *env_format(const char *name, const char *value)
{
	char *kv;

	return asprintf(&kv, "%s=%s", name, value) < 0 ? NULL : kv;
}

char **nsw_build_env(const struct nsw_container *c)
{
	int max = c->n_env + NSW_ENV_DEFAULTS, n = 0;
	char **env = calloc(max + 1, sizeof(*env));
	const char *term = getenv("TERM");

	if (!env)
		return NULL;
	/* An OCI config's process.env is the whole environment. */
	if (c->oci)
		goto given;
	env[n++] = strdup(NSW_ENV_PATH);
	env[n++] = env_format("HOME", c->uid == 0 ? "/root" : "/");
	env[n++] = env_format("HOSTNAME", c->hostname);
	env[n++] = strdup(NSW_ENV_CONTAINER);
	if (term)
		env[n++] = env_format("TERM", term);
	for (int i = 0; i < n; i++)
		if (!env[i])
			goto fail;
given:
	for (int i = 0; i < c->n_env; i++)
		if (env_set(env, &n, max, strdup(c->env[i])) < 0)
			goto fail;
	return env;
fail:
	/* calloc()ed: the array ends at the first NULL, the rest is NULL. */
	for (int i = 0; i < max; i++)
		free(env[i]);
	free(env);
	return NULL;
}

void nsw_forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
}

int nsw_wait_forwarding(int pidfd, int extra_fd, void (*ready)(void *),
			void *arg)
{
	return nsw_wait_forwarding_si(pidfd, extra_fd, ready, arg, NULL);
}

int nsw_wait_forwarding_si(int pidfd, int extra_fd, void (*ready)(void *),
			   void *arg, siginfo_t *end)
{
	siginfo_t si = { 0 };
	sigset_t set;
	int sfd;

	nsw_forwarded_signals(&set);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		/* poll() skips the entries whose fd is negative. */
		struct pollfd p[3] = { { pidfd, POLLIN, 0 }, { sfd, POLLIN, 0 },
				       { extra_fd, POLLIN, 0 } };
		struct signalfd_siginfo ssi;

		if (poll(p, ARRAY_SIZE(p), -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (sfd >= 0 && (p[1].revents & POLLIN) &&
		    read(sfd, &ssi, sizeof(ssi)) == sizeof(ssi))
			syscall(SYS_pidfd_send_signal, pidfd, ssi.ssi_signo, NULL, 0);
		if (p[2].revents & POLLIN)
			ready(arg);
	}
	if (sfd >= 0)
		close(sfd);
	while (waitid(P_PIDFD, pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	if (end)
		*end = si;
	return si.si_code == CLD_EXITED ? si.si_status
					: NSW_EXIT_SIGNAL_BASE + si.si_status;
}

int nsw_wait_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return NSW_EXIT_SIGNAL_BASE + WTERMSIG(status);
	return NSW_EXIT_UNKNOWN;
}
