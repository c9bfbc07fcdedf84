// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_secprobe: small probes for the security tests (security.bats), each
 * printing what the kernel answered. Built static by the tests so that it
 * runs inside the busybox rootfs; it also builds as a plain program.
 *
 *   nsw_secprobe ids
 *       "RUID EUID SUID RGID EGID SGID" from getresuid()/getresgid(). As a
 *       setuid-root file this shows whether the exec raised the euid.
 *   nsw_secprobe as UID GID [nnp] -- CMD [ARGS...]
 *       setgroups(0), setresgid(GID), setresuid(UID), then (with "nnp")
 *       prctl(PR_SET_NO_NEW_PRIVS), then execv(CMD). The control for the
 *       no_new_privs test: the same drop without (and with) no_new_privs.
 *   nsw_secprobe caps HEX -- CMD [ARGS...]
 *       Keep only the capabilities of mask HEX (e.g. a80425fb): drop the
 *       others from the bounding set, set permitted, effective and
 *       inheritable to HEX (within what is permitted), clear the ambient
 *       set, then execv(CMD). Makes a process with exactly a container's
 *       capabilities out of one that entered it with nsenter.
 *   nsw_secprobe open PATH r|w
 *       open(PATH, O_RDONLY or O_WRONLY): prints "ok" (exit 0) or the
 *       errno name, e.g. "EACCES" (exit 1).
 *   nsw_secprobe write PATH TEXT
 *       open(PATH, O_WRONLY | O_TRUNC), as a shell's "echo TEXT >PATH" does,
 *       and write(TEXT): "ok" or the errno name of the first step that
 *       failed.
 *   nsw_secprobe seals PATH
 *       fcntl(F_GET_SEALS) on open(PATH, O_RDONLY): the seals in hex, e.g.
 *       "0xf" for SEAL|SHRINK|GROW|WRITE, or the errno name (EINVAL: not a
 *       file that can be sealed, i.e. not a memfd).
 *
 * Usage errors exit 2.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "nsw_probe.h"

static int usage(void)
{
	fprintf(stderr, "usage: nsw_secprobe ids | as UID GID [nnp] -- CMD [ARGS...] | caps HEX -- "
			"CMD [ARGS...] | open PATH r|w | write PATH TEXT | seals PATH\n");
	return 2;
}

static int cmd_as(int argc, char **argv)
{
	unsigned long uid, gid;
	int i = 4, nnp = 0;

	if (argc < 6)
		return usage();
	uid = strtoul(argv[2], NULL, 10);
	gid = strtoul(argv[3], NULL, 10);
	if (!strcmp(argv[i], "nnp")) {
		nnp = 1;
		i++;
	}
	if (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc)
		return usage();
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		printf("as: %s\n", ename(errno));
		return 1;
	}
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		printf("nnp: %s\n", ename(errno));
		return 1;
	}
	fflush(stdout);
	execv(argv[i + 1], &argv[i + 1]);
	printf("exec %s: %s\n", argv[i + 1], ename(errno));
	return 1;
}

static int cmd_caps(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned long long mask;
	int last = 63;
	FILE *f;

	if (argc < 5 || strcmp(argv[3], "--"))
		return usage();
	mask = strtoull(argv[2], NULL, 16);
	f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = 63;
		fclose(f);
	}
	for (int cap = 0; cap <= last && cap < 64; cap++) {
		if (mask & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
			printf("capbset_drop %d: %s\n", cap, ename(errno));
			return 1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		printf("ambient: %s\n", ename(errno));
		return 1;
	}
	if (syscall(SYS_capget, &hdr, data) < 0) {
		printf("capget: %s\n", ename(errno));
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		data[i].permitted &= (unsigned int)(mask >> (32 * i));
		data[i].effective = data[i].permitted;
		data[i].inheritable = data[i].permitted;
	}
	if (syscall(SYS_capset, &hdr, data) < 0) {
		printf("capset: %s\n", ename(errno));
		return 1;
	}
	fflush(stdout);
	execv(argv[4], &argv[4]);
	printf("exec %s: %s\n", argv[4], ename(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "ids")) {
		uid_t r, e, s;
		gid_t gr, ge, gs;

		if (getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0)
			return 1;
		printf("%u %u %u %u %u %u\n", r, e, s, gr, ge, gs);
		return 0;
	}
	if (!strcmp(argv[1], "as"))
		return cmd_as(argc, argv);
	if (!strcmp(argv[1], "caps"))
		return cmd_caps(argc, argv);
	if (!strcmp(argv[1], "open") && argc == 4) {
		int fd = open(argv[2], argv[3][0] == 'w' ? O_WRONLY : O_RDONLY);

		if (fd < 0) {
			printf("%s\n", ename(errno));
			return 1;
		}
		printf("ok\n");
		return 0;
	}
	if (!strcmp(argv[1], "write") && argc == 4) {
		size_t len = strlen(argv[3]);
		int fd = open(argv[2], O_WRONLY | O_TRUNC);

		if (fd < 0 || write(fd, argv[3], len) != (ssize_t)len) {
			printf("%s\n", ename(errno));
			return 1;
		}
		printf("ok\n");
		return 0;
	}
	if (!strcmp(argv[1], "seals") && argc == 3) {
		int fd = open(argv[2], O_RDONLY), seals;

		if (fd < 0) {
			printf("%s\n", ename(errno));
			return 1;
		}
		seals = fcntl(fd, F_GET_SEALS);
		if (seals < 0) {
			printf("%s\n", ename(errno));
			return 1;
		}
		printf("0x%x\n", seals);
		return 0;
	}
	return usage();
}
