// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_scprobe: the system calls the seccomp tests (security.bats) try, each
 * printing "ok ..." or the errno name the kernel (or the filter) answered,
 * e.g. "EPERM". Built static by the tests so that it runs inside the
 * busybox rootfs; on the host it adds and removes the test's key.
 *
 *   nsw_scprobe addkey DESC DATA   add_key("user", DESC, DATA) to the user
 *                                  keyring: "ok ID"
 *   nsw_scprobe readkey DESC       find DESC in the user keyring and read
 *                                  it: "ok DATA"
 *   nsw_scprobe rmkey DESC         unlink DESC from the user keyring
 *   nsw_scprobe bpf                bpf(BPF_MAP_CREATE), an array map
 *   nsw_scprobe unshare FLAGS      unshare(FLAGS): user, mnt, net, files
 *                                  (comma-separated)
 *   nsw_scprobe clone FLAGS        clone(FLAGS|SIGCHLD) with the same names;
 *                                  the child exits at once
 *   nsw_scprobe clone3             clone3() without flags
 *   nsw_scprobe mount              mount a tmpfs on /tmp (then unmount it)
 *   nsw_scprobe usermount          unshare(CLONE_NEWUSER|CLONE_NEWNS), then
 *                                  mount: "ok", or the errno name of the
 *                                  step that failed ("unshare EPERM")
 *   nsw_scprobe personality HEX    personality(HEX), then back to PER_LINUX
 *   nsw_scprobe getpid | chdir     a harmless call, for profile tests
 *
 * Usage errors exit 2; a refused call exits 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include "nsw_probe.h"

static int refused(void)
{
	printf("%s\n", ename(errno));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: nsw_scprobe addkey DESC DATA | readkey DESC | rmkey DESC | bpf | "
			"unshare FLAGS | clone FLAGS | clone3 | mount | usermount | personality HEX | "
			"getpid | chdir\n");
	return 2;
}

static long find_key(const char *desc)
{
	return syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "user", desc, 0);
}

static int cmd_addkey(const char *desc, const char *data)
{
	long id = syscall(SYS_add_key, "user", desc, data, strlen(data), KEY_SPEC_USER_KEYRING);

	if (id < 0)
		return refused();
	printf("ok %ld\n", id);
	return 0;
}

static int cmd_readkey(const char *desc)
{
	char buf[256];
	long id = find_key(desc), n;

	if (id < 0)
		return refused();
	n = syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof(buf) - 1);
	if (n < 0)
		return refused();
	buf[n < (long)sizeof(buf) ? n : (long)sizeof(buf) - 1] = '\0';
	printf("ok %s\n", buf);
	return 0;
}

static int cmd_rmkey(const char *desc)
{
	long id = find_key(desc);

	if (id < 0 || syscall(SYS_keyctl, KEYCTL_UNLINK, id, KEY_SPEC_USER_KEYRING) < 0)
		return refused();
	printf("ok\n");
	return 0;
}

static int cmd_bpf(void)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return refused();
	printf("ok\n");
	return 0;
}

static int parse_flags(const char *s, unsigned long *flags)
{
	char *copy = strdup(s), *save = NULL;

	*flags = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "user"))
			*flags |= CLONE_NEWUSER;
		else if (!strcmp(t, "mnt"))
			*flags |= CLONE_NEWNS;
		else if (!strcmp(t, "net"))
			*flags |= CLONE_NEWNET;
		else if (!strcmp(t, "files"))
			*flags |= CLONE_FILES;
		else {
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

static int cmd_unshare(const char *s)
{
	unsigned long flags;

	if (parse_flags(s, &flags) < 0)
		return usage();
	if (unshare(flags) < 0)
		return refused();
	printf("ok\n");
	return 0;
}

static int cmd_clone(const char *s)
{
	unsigned long flags;
	long pid;

	if (parse_flags(s, &flags) < 0)
		return usage();
	pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		return refused();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	printf("ok\n");
	return 0;
}

static int cmd_clone3(void)
{
	struct clone_args args;
	long pid;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return refused();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	printf("ok\n");
	return 0;
}

static int cmd_mount(void)
{
	if (mount("nswtest", "/tmp", "tmpfs", 0, NULL) < 0)
		return refused();
	umount2("/tmp", MNT_DETACH);
	printf("ok\n");
	return 0;
}

static int cmd_usermount(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		printf("unshare ");
		return refused();
	}
	if (mount("nswtest", "/tmp", "tmpfs", 0, NULL) < 0) {
		printf("mount ");
		return refused();
	}
	printf("ok\n");
	return 0;
}

static int cmd_personality(const char *hex)
{
	unsigned long v = strtoul(hex, NULL, 16);

	if (personality(v) < 0)
		return refused();
	personality(PER_LINUX);
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "addkey") && argc == 4)
		return cmd_addkey(argv[2], argv[3]);
	if (!strcmp(argv[1], "readkey") && argc == 3)
		return cmd_readkey(argv[2]);
	if (!strcmp(argv[1], "rmkey") && argc == 3)
		return cmd_rmkey(argv[2]);
	if (!strcmp(argv[1], "bpf") && argc == 2)
		return cmd_bpf();
	if (!strcmp(argv[1], "unshare") && argc == 3)
		return cmd_unshare(argv[2]);
	if (!strcmp(argv[1], "clone") && argc == 3)
		return cmd_clone(argv[2]);
	if (!strcmp(argv[1], "clone3") && argc == 2)
		return cmd_clone3();
	if (!strcmp(argv[1], "mount") && argc == 2)
		return cmd_mount();
	if (!strcmp(argv[1], "usermount") && argc == 2)
		return cmd_usermount();
	if (!strcmp(argv[1], "personality") && argc == 3)
		return cmd_personality(argv[2]);
	if (!strcmp(argv[1], "getpid") && argc == 2) {
		long pid = syscall(SYS_getpid);

		if (pid < 0)
			return refused();
		printf("ok %ld\n", pid);
		return 0;
	}
	if (!strcmp(argv[1], "chdir") && argc == 2) {
		if (chdir("/") < 0)
			return refused();
		printf("ok\n");
		return 0;
	}
	return usage();
}
