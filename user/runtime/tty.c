// SPDX-License-Identifier: GPL-2.0
/*
 * The container's terminal: its own session always, and with -t a
 * pseudo-terminal of its own devpts instance, relayed by nswatch on the
 * host (tty.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include "runtime/process.h"
#include "runtime/protocol.h"
#include "runtime/tty.h"
#include "lib/util.h"

/* The container's devpts instance (a standard mount), not the image's /dev/ptmx. */
#define CONTAINER_PTMX "/dev/pts/ptmx"
/* One read or write of the relay. */
#define RELAY_CHUNK 4096
/* Events taken from one epoll_wait(). */
#define RELAY_EVENTS 8
/*
 * Reads of what is left once the process exited: a process of the
 * container that still holds the slave (exec) may write on forever.
 */
#define RELAY_DRAIN_MAX 1024

/* What an epoll event is about (its data.u32). */
enum relay_tag {
	TAG_EXIT,	/* the pidfd */
	TAG_SIGNAL,
	TAG_MASTER,
	TAG_STDIN,
	TAG_EXTRA,
};

/* Where the caller's terminal size is read: the first that is a terminal. */
static const int size_fds[] = { STDOUT_FILENO, STDIN_FILENO, STDERR_FILENO };

static bool caller_winsize(struct winsize *ws)
{
	for (size_t i = 0; i < ARRAY_SIZE(size_fds); i++)
		if (ioctl(size_fds[i], TIOCGWINSZ, ws) == 0)
			return true;
	return false;
}

/* fd moved above stdio (a caller may have started us with 0-2 closed). */
static int above_stdio(int fd)
{
	int moved;

	if (fd < 0 || fd > STDERR_FILENO)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	close(fd);
	return moved;
}

/* A new pty of the container's devpts: the master; *slave its other end. */
static int open_pty(int *slave, struct nsw_error *err)
{
	cleanup_close int master = -1;
	struct statfs sf;
	int unlock = 0;

	master = above_stdio(open(CONTAINER_PTMX, O_RDWR | O_NOCTTY | O_CLOEXEC));
	if (master < 0)
		return nsw_error(err, errno, "-t: cannot open %s in the container",
				 CONTAINER_PTMX);
	/* A volume over /dev/pts must not hand us some other device. */
	if (fstatfs(master, &sf) < 0 || sf.f_type != DEVPTS_SUPER_MAGIC)
		return nsw_error(err, 0, "-t: %s in the container is not a devpts ptmx",
				 CONTAINER_PTMX);
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return nsw_error(err, errno, "-t: cannot unlock the pseudo-terminal");
	/* By the master, not by path: the slave is surely this master's. */
	*slave = above_stdio(ioctl(master, TIOCGPTPEER,
				   O_RDWR | O_NOCTTY | O_CLOEXEC));
	if (*slave < 0)
		return nsw_error(err, errno, "-t: cannot open the pseudo-terminal's slave");
	return steal_fd(&master);
}

int nsw_tty_setup(bool tty, int *master, struct nsw_error *err)
{
	cleanup_close int m = -1, slave = -1;
	struct winsize ws;

	*master = -1;
	/* Out of the caller's session: its terminal is not ours to control. */
	if (setsid() < 0)
		return nsw_error(err, errno, "setsid");
	if (!tty)
		return 0;
	m = open_pty(&slave, err);
	if (m < 0)
		return -1;
	/* Sized before the command can ask: stdio is still the caller's. */
	if (caller_winsize(&ws) && ioctl(slave, TIOCSWINSZ, &ws) < 0)
		return nsw_error(err, errno, "-t: cannot set the terminal's size");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return nsw_error(err, errno, "-t: cannot make the pseudo-terminal the controlling terminal");
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (dup2(slave, fd) < 0)
			return nsw_error(err, errno, "-t: cannot make the pseudo-terminal fd %d", fd);
	*master = steal_fd(&m);
	return 0;
}

int nsw_tty_send_master(int sock, int master)
{
	struct nsw_msg m = { .type = NSW_MSG_READY };

	return nsw_msg_send(sock, &m, master);
}

int nsw_tty_recv_master(int sock)
{
	struct nsw_msg m;
	int fd;

	if (nsw_msg_recv(sock, &m, &fd) <= 0)
		return -1;
	if (m.type != NSW_MSG_READY && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* ---- the relay, on the host ---- */

struct relay {
	int master, pidfd, epfd, sfd;
	bool master_open;	/* the slave side is not all closed */
	bool out_ok;		/* stdout still takes what we write */
	bool in_open;		/* stdin is relayed and not at its end */
	bool in_polled;		/* stdin is in the epoll set (else a file) */
	char in[RELAY_CHUNK];	/* read from stdin, not yet in the master */
	size_t in_len, in_off;
	unsigned int master_events; /* what the epoll set asks of the master */
};

static int watch(struct relay *r, int fd, enum relay_tag tag, unsigned int events)
{
	struct epoll_event ev = { .events = events, .data.u32 = tag };

	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void write_out(struct relay *r, const char *buf, size_t len)
{
	while (r->out_ok && len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		/* A gone reader: keep draining the master, so the container never blocks. */
		if (n <= 0) {
			r->out_ok = false;
			break;
		}
		buf += n;
		len -= n;
	}
}

/* Master to stdout: one read; false once no slave is open (EIO) or nothing is left. */
static bool copy_out(struct relay *r)
{
	char buf[RELAY_CHUNK];
	ssize_t n;

	do
		n = read(r->master, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		write_out(r, buf, n);
		return true;
	}
	if (n == 0 || errno != EAGAIN) {
		if (r->master_open)
			epoll_ctl(r->epfd, EPOLL_CTL_DEL, r->master, NULL);
		r->master_open = false;
	}
	return false;
}

/* stdin's end: the pty's end-of-file character, if its reader reads lines. */
static void end_input(struct relay *r)
{
	struct termios t;

	r->in_open = false;
	if (r->in_polled)
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
	/* On a master, tcgetattr() gives the slave's settings. */
	if (r->master_open && tcgetattr(r->master, &t) == 0 && (t.c_lflag & ICANON))
		(void)!write(r->master, &t.c_cc[VEOF], 1);
}

static void fill_in(struct relay *r)
{
	ssize_t n;

	if (!r->in_open || r->in_len)
		return;
	do
		n = read(STDIN_FILENO, r->in, sizeof(r->in));
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		r->in_len = n;
		r->in_off = 0;
	} else if (n == 0 || errno != EAGAIN) {
		end_input(r);
	}
}

static void flush_in(struct relay *r)
{
	ssize_t n;

	if (!r->in_len)
		return;
	n = write(r->master, r->in + r->in_off, r->in_len);
	if (n > 0) {
		r->in_off += n;
		r->in_len -= n;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		r->in_len = 0;
		end_input(r);
	}
}

/* Ask for the master's room only while input waits for it. */
static void update_master(struct relay *r)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = TAG_MASTER };

	if (!r->master_open)
		return;
	if (r->in_len)
		ev.events |= EPOLLOUT;
	if (ev.events != r->master_events &&
	    epoll_ctl(r->epfd, EPOLL_CTL_MOD, r->master, &ev) == 0)
		r->master_events = ev.events;
}

static void on_signal(struct relay *r)
{
	struct signalfd_siginfo ssi;
	struct winsize ws;

	if (read(r->sfd, &ssi, sizeof(ssi)) != sizeof(ssi))
		return;
	if (ssi.ssi_signo == SIGWINCH) {
		if (caller_winsize(&ws))
			ioctl(r->master, TIOCSWINSZ, &ws);
		return;
	}
	syscall(SYS_pidfd_send_signal, r->pidfd, ssi.ssi_signo, NULL, 0);
}

static int relay_open(struct relay *r, bool interactive, int extra_fd)
{
	sigset_t set;

	nsw_forwarded_signals(&set);
	r->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->sfd < 0 || r->epfd < 0)
		return -1;
	if (fcntl(r->master, F_SETFL, fcntl(r->master, F_GETFL) | O_NONBLOCK) < 0 ||
	    watch(r, r->pidfd, TAG_EXIT, EPOLLIN) < 0 ||
	    watch(r, r->sfd, TAG_SIGNAL, EPOLLIN) < 0 ||
	    watch(r, r->master, TAG_MASTER, EPOLLIN) < 0)
		return -1;
	r->master_open = true;
	r->master_events = EPOLLIN;
	if (extra_fd >= 0 && watch(r, extra_fd, TAG_EXTRA, EPOLLIN) < 0)
		return -1;
	if (interactive) {
		r->in_open = true;
		/* A regular file cannot be polled: it is always ready. */
		r->in_polled = watch(r, STDIN_FILENO, TAG_STDIN, EPOLLIN) == 0;
		if (!r->in_polled && errno != EPERM)
			r->in_open = false;
	}
	return 0;
}

/* Until the process exits, or the relay cannot go on. */
static void relay_loop(struct relay *r, void (*ready)(void *), void *arg)
{
	for (;;) {
		struct epoll_event ev[RELAY_EVENTS];
		bool file_in = r->in_open && !r->in_polled;
		bool exited = false;
		int n;

		update_master(r);
		n = epoll_wait(r->epfd, ev, RELAY_EVENTS, file_in && !r->in_len ? 0 : -1);
		if (n < 0 && errno != EINTR)
			return;
		for (int i = 0; i < n; i++) {
			switch (ev[i].data.u32) {
			case TAG_EXIT:
				exited = true;
				break;
			case TAG_SIGNAL:
				on_signal(r);
				break;
			case TAG_MASTER:
				if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
					copy_out(r);
				if (ev[i].events & EPOLLOUT)
					flush_in(r);
				break;
			case TAG_STDIN:
				fill_in(r);
				break;
			case TAG_EXTRA:
				ready(arg);
				break;
			}
		}
		if (file_in)
			fill_in(r);
		if (exited)
			return;
	}
}

int nsw_tty_relay_wait(int master, bool interactive, int pidfd, int extra_fd,
		       void (*ready)(void *), void *arg)
{
	struct relay r = { .master = master, .pidfd = pidfd, .epfd = -1,
			   .sfd = -1, .out_ok = true };
	struct termios saved, raw;
	bool restore = false;
	sigset_t pipe_set, old;
	struct timespec now = { 0 };

	/* A gone stdout must end the relay's writes, not the monitor. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	/* Keys go to the container as typed: ^C is the container's, not ours. */
	if (interactive && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0;
	}
	if (relay_open(&r, interactive, extra_fd) == 0)
		relay_loop(&r, ready, arg);
	/* What the container wrote before it ended (a read flushes the pty's queue). */
	for (int i = 0; i < RELAY_DRAIN_MAX && r.master_open && copy_out(&r); i++)
		;
	if (restore)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	if (r.epfd >= 0)
		close(r.epfd);
	if (r.sfd >= 0)
		close(r.sfd);
	while (sigtimedwait(&pipe_set, NULL, &now) == SIGPIPE)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* The process has exited: this only reaps it. */
	return nsw_wait_forwarding(pidfd, -1, NULL, NULL);
}
