// SPDX-License-Identifier: GPL-2.0
/*
 * pause and resume: the cgroup freezer over every process of a container.
 *
 * A container's processes all live in its cgroup v2 directory whenever
 * cgroup2 is mounted (runtime/cgroup.h makes it first, also on a hybrid
 * host), and the v2 freezer (cgroup.freeze, 5.2) is the kernel's core one,
 * independent of the v1 freezer controller: it is used there. A container
 * without v2 directory (a v1-only host) uses a v1 freezer directory of its
 * own (freezer.state) if its cgroups have one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "oci/oci.h"
#include "runtime/state.h"
#include "lib/clock.h"
#include "lib/util.h"

/* How long the kernel may take to freeze every task (runc waits about as long). */
#define FREEZE_WAIT_MS 10000
/* v1 reports FREEZING until the last task is caught: how often to ask. */
#define V1_POLL_NS NSW_NSEC_PER_MSEC
#define STATE_LEN  64

static const struct nsw_cgroup_dir *freezer_of(const struct nsw_cgroup *cg)
{
	for (int i = 0; i < cg->n; i++)
		if (cg->dirs[i].version == 2)
			return &cg->dirs[i];
	for (int i = 0; i < cg->n; i++)
		if (cg->dirs[i].version == 1 && !strcmp(cg->dirs[i].controller, "freezer"))
			return &cg->dirs[i];
	return NULL;
}

static int open_in(const struct nsw_cgroup_dir *d, const char *file, int flags)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", d->path, file);
	return open(path, flags | O_CLOEXEC | O_NOFOLLOW);
}

static int read_in(const struct nsw_cgroup_dir *d, const char *file, char *buf, size_t len)
{
	cleanup_close int fd = open_in(d, file, O_RDONLY);
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, len - 1)) < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int write_in(const struct nsw_cgroup_dir *d, const char *file, const char *text,
		    struct nsw_error *err)
{
	cleanup_close int fd = open_in(d, file, O_WRONLY);
	ssize_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != len)
		return nsw_error(err, errno, "cannot write '%s' to %s/%s", text, d->path, file);
	return 0;
}

/* v2: "frozen 1" in cgroup.events once every task is stopped (POLLPRI on change). */
static bool v2_frozen(const struct nsw_cgroup_dir *d, bool want)
{
	char events[256];

	if (read_in(d, "cgroup.events", events, sizeof(events)) < 0)
		return false;
	return strstr(events, want ? "frozen 1" : "frozen 0") != NULL;
}

static int wait_v2(const struct nsw_cgroup_dir *d, bool want)
{
	cleanup_close int fd = open_in(d, "cgroup.events", O_RDONLY);
	long long end = nsw_mono_ns() + FREEZE_WAIT_MS * NSW_NSEC_PER_MSEC;

	while (!v2_frozen(d, want)) {
		struct pollfd p = {fd, POLLPRI, 0};
		long long now = nsw_mono_ns();
		char buf[256];

		if (fd < 0 || now >= end)
			return -1;
		/* The notification is edge-triggered on a read file: read it, then poll. */
		(void)!pread(fd, buf, sizeof(buf), 0);
		if (v2_frozen(d, want))
			break;
		if (poll(&p, 1, (end - now) / NSW_NSEC_PER_MSEC + 1) < 0 && errno != EINTR)
			return -1;
	}
	return 0;
}

static int wait_v1(const struct nsw_cgroup_dir *d, bool want)
{
	struct timespec pause = {0, V1_POLL_NS};
	long long end = nsw_mono_ns() + FREEZE_WAIT_MS * NSW_NSEC_PER_MSEC;
	char state[STATE_LEN];

	for (;;) {
		if (read_in(d, "freezer.state", state, sizeof(state)) < 0)
			return -1;
		if (!strncmp(state, want ? "FROZEN" : "THAWED", 6))
			return 0;
		if (nsw_mono_ns() >= end)
			return -1;
		/* FREEZING: a task was not caught yet; writing again retries it. */
		if (want)
			(void)!write_in(d, "freezer.state", "FROZEN", &(struct nsw_error){0});
		nanosleep(&pause, NULL);
	}
}

static int set_frozen(const char *id, const struct nsw_cgroup_dir *d, bool want,
		      struct nsw_error *err)
{
	bool v2 = d->version == 2;

	if (write_in(d, v2 ? "cgroup.freeze" : "freezer.state",
		     v2 ? (want ? "1" : "0") : (want ? "FROZEN" : "THAWED"), err) < 0)
		return -1;
	if ((v2 ? wait_v2(d, want) : wait_v1(d, want)) == 0)
		return 0;
	if (want) {
		/* Not all frozen: leave none frozen, as runc does. */
		(void)!write_in(d, v2 ? "cgroup.freeze" : "freezer.state", v2 ? "0" : "THAWED",
				&(struct nsw_error){0});
		return nsw_error(err, 0, "cannot pause container %s: not frozen after %d ms", id,
				 FREEZE_WAIT_MS);
	}
	return nsw_error(err, 0, "cannot resume container %s: not thawed after %d ms", id,
			 FREEZE_WAIT_MS);
}

static int freezer(const char *id, struct nsw_instance *in, const struct nsw_cgroup_dir **d,
		   struct nsw_error *err)
{
	if (nsw_state_load(id, in, NULL, err) < 0)
		return -1;
	*d = freezer_of(&in->cg);
	if (!*d)
		return nsw_error(err, 0,
				 "container %s has no cgroup to freeze (no cgroup v2 directory, "
				 "nor a v1 freezer one)",
				 id);
	return 0;
}

static int change(const char *id, bool pause, struct nsw_error *err)
{
	const struct nsw_cgroup_dir *d;
	struct nsw_oci_state st;
	struct nsw_instance in;
	int r = -1;

	if (nsw_oci_state_load(id, &st, err) < 0)
		return -1;
	if (pause && st.status != NSW_OCI_RUNNING && st.status != NSW_OCI_CREATED)
		nsw_error(err, 0, "cannot pause container %s: container not running (%s)", id,
			  nsw_oci_status_name(st.status));
	else if (!pause && st.status != NSW_OCI_PAUSED)
		nsw_error(err, 0, "cannot resume container %s: container not paused (%s)", id,
			  nsw_oci_status_name(st.status));
	else if (freezer(id, &in, &d, err) == 0)
		r = set_frozen(id, d, pause, err);
	nsw_oci_state_free(&st);
	return r;
}

int nsw_oci_pause(const char *id, struct nsw_error *err)
{
	return change(id, true, err);
}

int nsw_oci_resume(const char *id, struct nsw_error *err)
{
	return change(id, false, err);
}

bool nsw_oci_paused(const char *id)
{
	const struct nsw_cgroup_dir *d;
	struct nsw_instance in;
	struct nsw_error ignored = {0};
	char state[STATE_LEN];

	if (freezer(id, &in, &d, &ignored) < 0)
		return false;
	/* What was asked, as runc reads it: a freeze under way is paused too. */
	if (d->version == 2)
		return read_in(d, "cgroup.freeze", state, sizeof(state)) == 0 && state[0] == '1';
	return read_in(d, "freezer.state", state, sizeof(state)) == 0 &&
	       (!strncmp(state, "FROZEN", 6) || !strncmp(state, "FREEZING", 8));
}

void nsw_oci_thaw(const char *id)
{
	const struct nsw_cgroup_dir *d;
	struct nsw_instance in;
	struct nsw_error e = {0};

	if (freezer(id, &in, &d, &e) == 0 && set_frozen(id, d, false, &e) < 0)
		nsw_error_warn(&e);
}
