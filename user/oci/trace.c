// SPDX-License-Identifier: GPL-2.0
/*
 * A container's start, recorded (oci.h): the io.nswatch.trace annotation,
 * its file, and the recorder that outlives create.
 *
 * The tracer is loaded by create before anything is made, following
 * create itself, so that the clone3 and all the init does are seen; once
 * the container is created, create forks the recorder, which inherits the
 * tracer (its maps, links and ring buffer are fds) and the timeline so
 * far, and goes on until the container's command has executed. The
 * recorder is detached (a session of its own, no fd of the caller's: an
 * engine waits for create's stdout and stderr to close) and writes down
 * its pid in ROOT/.ID.trace for start and delete.
 *
 * The file is written by root wherever the annotation says, so: an
 * absolute path only; a temporary file made next to it with O_EXCL and
 * O_NOFOLLOW, renamed onto PATH with RENAME_NOREPLACE at the end: a
 * symlink at PATH is never followed and no file is ever replaced.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "oci/oci.h"
#include "runtime/state.h"
#include "lib/util.h"

/* Not started within this long: the recorder writes what it has and ends. */
#define TRACE_START_WAIT_MS (300 * 1000)
/* start and delete wait this long for the recorder to write its file. */
#define TRACE_WRITE_WAIT_MS 5000
#define TRACE_KILL_WAIT_MS  1000
#define TRACE_REG_LEN	    (PATH_MAX + 64)
#define FD_LINK_LEN	    64

struct nsw_oci_trace {
	const struct nsw_oci_trace_ops *ops;
	void *ctx;
	struct nsw_observer obs;
	int dirfd;		 /* PATH's directory */
	int fd;			 /* the temporary file in it */
	char base[NAME_MAX + 1]; /* PATH's last component */
	char tmp[NAME_MAX + 1];	 /* the temporary file's */
	char path[PATH_MAX];	 /* PATH */
};

static const char *annotation(const struct nsw_oci_config *cfg, const char *key)
{
	for (int i = 0; i < cfg->n_annotations; i++)
		if (!strcmp(cfg->annotation_keys[i], key))
			return cfg->annotation_values[i];
	return NULL;
}

/* ROOT/.ID.trace: dot-named, as no container's. */
static int registry_path(const char *id, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/.%s.trace", nsw_state_root(), id);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void trace_free(struct nsw_oci_trace *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->dirfd >= 0)
		close(t->dirfd);
	free(t);
}

/* PATH checked and its temporary file made: a path to write nothing else. */
static int open_output(struct nsw_oci_trace *t, const char *path, struct nsw_error *err)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat sb;

	if (path[0] != '/')
		return nsw_error(err, 0,
				 "annotation %s=%s: a relative path (the trace is written by the "
				 "runtime, as root: give an absolute one)",
				 NSW_OCI_TRACE_ANNOTATION, path);
	if (strlen(path) >= sizeof(t->path) || strlen(slash + 1) + 32 > NAME_MAX)
		return nsw_error(err, ENAMETOOLONG, "annotation %s=%s", NSW_OCI_TRACE_ANNOTATION,
				 path);
	if (!slash[1] || !strcmp(slash + 1, ".") || !strcmp(slash + 1, ".."))
		return nsw_error(err, 0, "annotation %s=%s: not a file name",
				 NSW_OCI_TRACE_ANNOTATION, path);
	snprintf(t->path, sizeof(t->path), "%s", path);
	snprintf(t->base, sizeof(t->base), "%s", slash + 1);
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	t->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd < 0)
		return nsw_error(err, errno, "annotation %s=%s: cannot open the directory %s",
				 NSW_OCI_TRACE_ANNOTATION, path, dir);
	if (fstatat(t->dirfd, t->base, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return nsw_error(
		    err, EEXIST,
		    "annotation %s=%s: the file is there already (the trace never replaces a file)",
		    NSW_OCI_TRACE_ANNOTATION, path);
	if (errno != ENOENT)
		return nsw_error(err, errno, "annotation %s=%s", NSW_OCI_TRACE_ANNOTATION, path);
	if (snprintf(t->tmp, sizeof(t->tmp), ".%s.nswatch-%d", t->base, getpid()) >=
	    (int)sizeof(t->tmp))
		return nsw_error(err, ENAMETOOLONG, "annotation %s=%s", NSW_OCI_TRACE_ANNOTATION,
				 path);
	t->fd =
	    openat(t->dirfd, t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (t->fd < 0)
		return nsw_error(err, errno, "annotation %s=%s: cannot write in %s",
				 NSW_OCI_TRACE_ANNOTATION, path, dir);
	return 0;
}

int nsw_oci_trace_begin(const struct nsw_oci_config *cfg, const struct nsw_oci_trace_ops *ops,
			struct nsw_oci_trace **tp, struct nsw_error *err)
{
	const char *path = annotation(cfg, NSW_OCI_TRACE_ANNOTATION);
	const char *format = annotation(cfg, NSW_OCI_TRACE_FORMAT_ANNOTATION);
	struct nsw_oci_trace *t;

	*tp = NULL;
	if (!path && format)
		return nsw_error(err, 0, "annotation %s without %s=PATH",
				 NSW_OCI_TRACE_FORMAT_ANNOTATION, NSW_OCI_TRACE_ANNOTATION);
	if (!path)
		return 0;
	if (!ops)
		return nsw_error(err, 0, "annotation %s: this runtime records no trace",
				 NSW_OCI_TRACE_ANNOTATION);
	t = calloc(1, sizeof(*t));
	if (!t)
		return nsw_error(err, ENOMEM, "annotation %s", NSW_OCI_TRACE_ANNOTATION);
	t->ops = ops;
	t->dirfd = t->fd = -1;
	if (open_output(t, path, err) < 0) {
		trace_free(t);
		return -1;
	}
	if (ops->begin(&t->ctx, format, &t->obs, err) < 0) {
		nsw_error_wrap(err, "annotation %s=%s%s%s", NSW_OCI_TRACE_ANNOTATION, path,
			       format ? ", " NSW_OCI_TRACE_FORMAT_ANNOTATION "=" : "",
			       format ? format : "");
		unlinkat(t->dirfd, t->tmp, 0);
		trace_free(t);
		return -1;
	}
	*tp = t;
	return 0;
}

const struct nsw_observer *nsw_oci_trace_observer(const struct nsw_oci_trace *t)
{
	return t ? &t->obs : NULL;
}

/* The temporary file onto PATH, which must not be there. */
static int publish(struct nsw_oci_trace *t)
{
	if (syscall(SYS_renameat2, t->dirfd, t->tmp, t->dirfd, t->base, RENAME_NOREPLACE) < 0)
		return -1;
	return 0;
}

void nsw_oci_trace_fail(struct nsw_oci_trace *t, const struct nsw_error *why)
{
	struct nsw_error err = {0};

	if (!t)
		return;
	if (t->ops->fail(t->ctx, why, t->fd, &err) < 0 || publish(t) < 0)
		unlinkat(t->dirfd, t->tmp, 0);
	trace_free(t);
}

/*
 * Nothing of the caller's stays open in the recorder (an engine waits for
 * the pipes it gave create to close; a fifo held open would keep start
 * waiting): only the tracer's objects (anonymous inodes: BPF maps, links,
 * programs, the ring buffer's epoll), directories (the cgroup mounts the
 * labeller reads container names through) and the fds in keep.
 */
static void close_foreign_fds(const int *keep, int n_keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char link[FD_LINK_LEN] = "", path[64];
		int fd = atoi(e->d_name);
		bool kept = fd == dirfd(d) || e->d_name[0] == '.';
		struct stat sb;
		ssize_t n;

		for (int i = 0; i < n_keep && !kept; i++)
			kept = keep[i] == fd;
		if (kept || (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0 && !strncmp(link, "anon_inode:", strlen("anon_inode:")))
			continue;
		close(fd);
	}
	closedir(d);
}

static int write_registry(const char *id, pid_t pid, const struct nsw_oci_trace *t)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], text[TRACE_REG_LEN];
	unsigned long long starttime = 0;
	int fd, n;

	if (registry_path(id, path, sizeof(path)) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (nsw_proc_starttime(pid, &starttime) < 0)
		return -1;
	/* The temporary file too: a recorder killed before it wrote leaves it. */
	n = snprintf(text, sizeof(text), "%d %llu\n%.*s/%s\n", pid, starttime,
		     (int)(strrchr(t->path, '/') - t->path), t->path, t->tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, text, n) != n || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * The recorder's signals, blocked from its first instruction (before the
 * fork: start may signal it as soon as create returns): SIGUSR1 from
 * start (the command is being executed: look now), the others stop it.
 */
static void recorder_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
}

/* The recorder: never returns. */
static __attribute__((noreturn)) void recorder(struct nsw_oci_trace *t, const char *id, pid_t pid,
					       int pidfd)
{
	struct nsw_error err = {0};
	char reg[PATH_MAX];
	int keep[7], sigfd, null;
	sigset_t set;

	setsid();
	recorder_signals(&set);
	signal(SIGPIPE, SIG_IGN);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	keep[0] = t->fd;
	keep[1] = t->dirfd;
	keep[2] = pidfd;
	keep[3] = sigfd;
	keep[4] = STDIN_FILENO;
	keep[5] = STDOUT_FILENO;
	keep[6] = STDERR_FILENO;
	close_foreign_fds(keep, ARRAY_SIZE(keep));
	if (t->ops->finish(t->ctx, pid, pidfd, sigfd, TRACE_START_WAIT_MS, t->fd, &err) < 0 ||
	    publish(t) < 0)
		unlinkat(t->dirfd, t->tmp, 0);
	if (registry_path(id, reg, sizeof(reg)) == 0)
		unlink(reg);
	_exit(0);
}

int nsw_oci_trace_detach(struct nsw_oci_trace *t, const char *id, pid_t pid, struct nsw_error *err)
{
	sigset_t set, old;
	int pidfd, e;
	pid_t child;

	if (!t)
		return 0;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return nsw_error(err, errno, "annotation %s: the container's init",
				 NSW_OCI_TRACE_ANNOTATION);
	/* What stdio holds now would be written twice, by each of us. */
	fflush(NULL);
	recorder_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	child = fork();
	e = errno;
	if (child == 0)
		recorder(t, id, pid, pidfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pidfd);
	if (child < 0)
		return nsw_error(err, e, "annotation %s: cannot fork the recorder",
				 NSW_OCI_TRACE_ANNOTATION);
	/*
	 * The tracer is the recorder's now: nothing of it is closed here (a
	 * detach would take the recorder's programs with it), create exits.
	 */
	if (write_registry(id, child, t) < 0) {
		e = errno;
		/* Gone before it wrote (it holds only its copies): ours is whole. */
		kill(child, SIGKILL);
		return nsw_error(err, e, "annotation %s: cannot record the recorder's pid",
				 NSW_OCI_TRACE_ANNOTATION);
	}
	trace_free(t);
	return 0;
}

/* The recorder of id, if it still runs: a pidfd on it (-1: none); tmp: its temporary file. */
static int recorder_pidfd(const char *id, char *tmp, size_t len)
{
	char path[PATH_MAX], text[TRACE_REG_LEN], *nl;
	unsigned long long starttime;
	cleanup_close int fd = -1;
	ssize_t n;
	int pid, pidfd;

	if (registry_path(id, path, sizeof(path)) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	if (sscanf(text, "%d %llu", &pid, &starttime) != 2 || pid <= 0)
		return -1;
	nl = strchr(text, '\n');
	snprintf(tmp, len, "%s", nl ? nl + 1 : "");
	tmp[strcspn(tmp, "\n")] = '\0';
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -1;
	/* Pinned, then checked to be the recorder written down. */
	if (!nsw_proc_same(pid, starttime)) {
		close(pidfd);
		return -1;
	}
	return pidfd;
}

static bool wait_pidfd(int pidfd, int ms)
{
	struct pollfd p = {pidfd, POLLIN, 0};
	int r;

	while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return r > 0;
}

void nsw_oci_trace_wait(const char *id)
{
	char tmp[PATH_MAX];
	int pidfd = recorder_pidfd(id, tmp, sizeof(tmp));

	if (pidfd < 0)
		return;
	/* The command runs: its exec is to be read now, not at the next look. */
	syscall(SYS_pidfd_send_signal, pidfd, SIGUSR1, NULL, 0);
	wait_pidfd(pidfd, TRACE_WRITE_WAIT_MS);
	close(pidfd);
}

void nsw_oci_trace_end(const char *id)
{
	char reg[PATH_MAX], tmp[PATH_MAX];
	int pidfd = recorder_pidfd(id, tmp, sizeof(tmp));

	if (pidfd >= 0) {
		/* SIGTERM: it writes what it has and ends; SIGKILL if it does not. */
		syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
		if (!wait_pidfd(pidfd, TRACE_WRITE_WAIT_MS)) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			wait_pidfd(pidfd, TRACE_KILL_WAIT_MS);
			/* Killed before it wrote: its temporary file goes too. */
			if (tmp[0] == '/')
				unlink(tmp);
		}
		close(pidfd);
	}
	if (registry_path(id, reg, sizeof(reg)) == 0)
		unlink(reg);
}
