// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_ttyprobe: what a process can do with the terminals it holds, for the
 * terminal tests (security.bats). Built static by the tests so that it runs
 * inside the busybox rootfs; it also builds as a plain program.
 *
 *   nsw_ttyprobe tiocsti FD TEXT
 *       Push TEXT into the input queue of the terminal on FD, one
 *       ioctl(TIOCSTI) per byte, as if typed: prints "tiocsti=ok", or
 *       "tiocsti=" and the errno name of the first refusal (EPERM: not our
 *       controlling terminal; EIO: dev.tty.legacy_tiocsti is 0).
 *   nsw_ttyprobe session
 *       "leader=yes|no" (are we a session's leader: getsid(0) == getpid()),
 *       "devtty=ok|ERRNO" (open("/dev/tty"): our controlling terminal),
 *       "fd0_sid=N|ERRNO" (TIOCGSID on fd 0: the session whose controlling
 *       terminal fd 0 is, as our pid namespace numbers it; 0 if outside it).
 *
 * Usage errors exit 2.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "nsw_probe.h"

static int usage(void)
{
	fprintf(stderr, "usage: nsw_ttyprobe tiocsti FD TEXT | session\n");
	return 2;
}

static int cmd_tiocsti(const char *fd_s, const char *text)
{
	int fd = atoi(fd_s);

	for (const char *p = text; *p; p++) {
		if (ioctl(fd, TIOCSTI, p) < 0) {
			printf("tiocsti=%s\n", ename(errno));
			return 1;
		}
	}
	printf("tiocsti=ok\n");
	return 0;
}

static int cmd_session(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	pid_t sid;

	printf("leader=%s\n", getsid(0) == getpid() ? "yes" : "no");
	if (fd < 0) {
		printf("devtty=%s\n", ename(errno));
	} else {
		printf("devtty=ok\n");
		close(fd);
	}
	if (ioctl(0, TIOCGSID, &sid) < 0)
		printf("fd0_sid=%s\n", ename(errno));
	else
		printf("fd0_sid=%d\n", sid);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "tiocsti"))
		return cmd_tiocsti(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "session"))
		return cmd_session();
	return usage();
}
