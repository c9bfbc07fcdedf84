// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_pty: run a command on a new pseudo-terminal as its controlling
 * terminal, the way a login shell runs, for the terminal tests
 * (security.bats, run.bats).
 *
 *   nsw_pty [-s ROWSxCOLS] [-w MARK -t TEXT [-z ROWSxCOLS]] [-r REPORT] -- CMD [ARGS...]
 *
 * CMD gets a session of its own, the slave as controlling terminal and as
 * stdin, stdout and stderr, and the window size ROWSxCOLS (default 24x80).
 * Everything written to the terminal is copied to our stdout. With -w and
 * -t, TEXT is typed (written to the master) once MARK has appeared in the
 * output; with -z, the window is first resized to ROWSxCOLS (the kernel
 * sends SIGWINCH to the terminal's foreground process group). When CMD has exited, REPORT (if given) gets one line:
 *
 *   pending=TEXT   what is left in the terminal's input queue, unread: what
 *                  the shell that ran CMD would read and run next (\n and
 *                  other bytes below 0x20 or above 0x7e as \xHH)
 *
 * The exit status is CMD's (128+N if killed by signal N); 2 for a usage
 * error, 1 if the terminal could not be made.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK 4096
/* The output kept to look for MARK in. */
#define SEEN_MAX 65536

static int usage(void)
{
	fprintf(stderr, "usage: nsw_pty [-s ROWSxCOLS] [-w MARK -t TEXT [-z ROWSxCOLS]] [-r REPORT] -- CMD [ARGS...]\n");
	return 2;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

struct out {
	char seen[SEEN_MAX];
	size_t n_seen;
};

/* One read of the master to stdout: bytes read, 0 at the end, -1 if none now. */
static ssize_t copy_out(int master, struct out *o)
{
	char buf[CHUNK];
	ssize_t n = read(master, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n <= 0)
		return 0;
	write_all(STDOUT_FILENO, buf, n);
	if (o->n_seen + n < sizeof(o->seen)) {
		memcpy(o->seen + o->n_seen, buf, n);
		o->n_seen += n;
	}
	return n;
}

static void report_pending(int slave, const char *report)
{
	struct termios t;
	char buf[CHUNK];
	ssize_t n = 0;
	FILE *f;

	/* Non-canonical, no wait: whatever is queued, complete line or not. */
	if (tcgetattr(slave, &t) == 0) {
		t.c_lflag &= ~(ICANON | ECHO);
		t.c_cc[VMIN] = 0;
		t.c_cc[VTIME] = 0;
		tcsetattr(slave, TCSANOW, &t);
		n = read(slave, buf, sizeof(buf));
	}
	f = fopen(report, "w");
	if (!f)
		return;
	fprintf(f, "pending=");
	for (ssize_t i = 0; i < n; i++) {
		unsigned char ch = buf[i];

		if (ch < 0x20 || ch > 0x7e || ch == '\\')
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fprintf(f, "\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 }, resize = { 0 };
	const char *mark = NULL, *text = NULL, *report = NULL;
	struct out o = { .n_seen = 0 };
	int master, slave, pidfd, opt, status;
	bool typed = false, exited = false;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+s:w:t:z:r:")) != -1) {
		switch (opt) {
		case 's':
			if (sscanf(optarg, "%hux%hu", &ws.ws_row, &ws.ws_col) != 2)
				return usage();
			break;
		case 'z':
			if (sscanf(optarg, "%hux%hu", &resize.ws_row, &resize.ws_col) != 2)
				return usage();
			break;
		case 'w':
			mark = optarg;
			break;
		case 't':
			text = optarg;
			break;
		case 'r':
			report = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc || (!mark) != (!text))
		return usage();
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		perror("nsw_pty: posix_openpt");
		return 1;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0 || ioctl(master, TIOCSWINSZ, &ws) < 0) {
		perror("nsw_pty: the slave");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("nsw_pty: fork");
		return 1;
	}
	if (pid == 0) {
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 ||
		    dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
			perror("nsw_pty: the controlling terminal");
			_exit(1);
		}
		execvp(argv[optind], argv + optind);
		perror(argv[optind]);
		_exit(127);
	}
	/* Our slave fd stays open: the input queue is read once CMD is done. */
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	while (!exited) {
		struct pollfd p[2] = { { master, POLLIN, 0 }, { pidfd, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			while (copy_out(master, &o) > 0)
				;
		if (p[1].revents & POLLIN)
			exited = true;
		if (mark && !typed && memmem(o.seen, o.n_seen, mark, strlen(mark))) {
			if (resize.ws_row)
				ioctl(master, TIOCSWINSZ, &resize);
			write_all(master, text, strlen(text));
			typed = true;
		}
	}
	waitpid(pid, &status, 0);
	while (copy_out(master, &o) > 0)
		;
	if (report)
		report_pending(slave, report);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
