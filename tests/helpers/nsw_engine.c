// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_engine: the two parts of an engine (conmon, containerd's shim) that
 * an OCI runtime's create and exec rely on, for oci_exec.bats.
 *
 *   nsw_engine reap REPORT -- CMD [ARGS...]
 *       Become a child subreaper (PR_SET_CHILD_SUBREAPER), run CMD as our
 *       child, and reap every process that ends up ours (CMD, and what CMD
 *       leaves behind: a detached exec's process) until none is left. REPORT
 *       gets "subreaper PID" first, then one line "reaped PID STATUS" per
 *       process (STATUS as a shell gives it: 128+N for signal N), written as
 *       each is reaped. The exit status is CMD's.
 *   nsw_engine console SOCKET OUT
 *       Listen on the unix socket SOCKET, take one file descriptor sent
 *       with SCM_RIGHTS (runc's --console-socket protocol), print
 *       "tty=yes|no" (isatty of what was received) to OUT, then copy
 *       everything read from it to OUT until it hangs up. "listening" goes
 *       to stdout once the socket is bound.
 *
 * Usage errors exit 2; a failure 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: nsw_engine reap REPORT -- CMD [ARGS...] | console SOCKET OUT\n");
	return 2;
}

static int shell_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_reap(const char *report, char **argv)
{
	FILE *f = fopen(report, "we");
	int status, cmd_status = 1;
	pid_t cmd, pid;

	if (!f || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("nsw_engine reap");
		return 1;
	}
	fprintf(f, "subreaper %d\n", getpid());
	fflush(f);
	cmd = fork();
	if (cmd == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (cmd < 0) {
		perror("fork");
		return 1;
	}
	while ((pid = wait(&status)) > 0 || errno == EINTR) {
		if (pid <= 0)
			continue;
		fprintf(f, "reaped %d %d\n", pid, shell_status(status));
		fflush(f);
		if (pid == cmd)
			cmd_status = shell_status(status);
	}
	fclose(f);
	return cmd_status;
}

static int cmd_console(const char *path, const char *out)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char cbuf[CMSG_SPACE(sizeof(int))], name[64], buf[4096];
	struct iovec iov = {name, sizeof(name)};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	int s, c, fd = -1;
	ssize_t n;
	FILE *f;

	if (strlen(path) >= sizeof(sa.sun_path))
		return usage();
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0) {
		perror("nsw_engine console");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0 || recvmsg(c, &mh, MSG_CMSG_CLOEXEC) < 0) {
		perror("nsw_engine console: receive");
		return 1;
	}
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	f = fopen(out, "we");
	if (fd < 0 || !f) {
		fprintf(stderr, "nsw_engine console: no file descriptor received\n");
		return 1;
	}
	fprintf(f, "tty=%s\n", isatty(fd) ? "yes" : "no");
	fflush(f);
	/* EIO once the last slave is closed: the terminal hung up. */
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, n, f);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "reap") && !strcmp(argv[3], "--"))
		return cmd_reap(argv[2], argv + 4);
	if (argc == 4 && !strcmp(argv[1], "console"))
		return cmd_console(argv[2], argv[3]);
	return usage();
}
