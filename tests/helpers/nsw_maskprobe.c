// SPDX-License-Identifier: GPL-2.0
/*
 * nsw_maskprobe: probes for the mask and raw-socket tests of security.bats
 * (issue 10, items 3 and 10), each printing what the kernel answered as
 * KEY=VALUE lines: "ok", a number, or the errno name (e.g. "EPERM"). Built
 * static by the tests so that it runs inside the busybox rootfs.
 *
 *   nsw_maskprobe nested-proc DIR [VALUE]
 *       unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID), then in a child
 *       (PID 1 of the new pid namespace) mount a fresh procfs on DIR (made
 *       if missing): "mount=", then "keys=" (bytes read from DIR/keys) and,
 *       with VALUE, "core_pattern=" (writing VALUE to
 *       DIR/sys/kernel/core_pattern). A nested user namespace may mount a
 *       procfs only if an unmasked one is already in its mount namespace:
 *       this is what hidden, unmasked procfs gives away.
 *   nsw_maskprobe nested-write PATH VALUE
 *       unshare(CLONE_NEWUSER), then open PATH O_WRONLY|O_TRUNC and write
 *       VALUE: "unshare=", "write=".
 *   nsw_maskprobe packet
 *       socket(AF_PACKET, SOCK_RAW, ETH_P_ARP): "packet=".
 *   nsw_maskprobe arpspoof IFACE SENDER_IP TARGET_IP TARGET_MAC COUNT
 *       Send COUNT ARP requests, 200 ms apart, from IFACE's own MAC to
 *       TARGET_MAC (unicast) that claim SENDER_IP is at IFACE's MAC and ask
 *       for TARGET_IP: the receiver records SENDER_IP at our MAC in its
 *       neighbour table (ARP spoofing). "packet=", then "sent=N".
 *   nsw_maskprobe enosys NR -- CMD [ARGS...]
 *       Install a seccomp filter that fails syscall NR with ENOSYS (as a
 *       kernel without it would), then execv(CMD): a kernel older than the
 *       syscall, for the runtime's error messages.
 *
 * Usage errors exit 2; a probe that was refused exits 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include "nsw_probe.h"

#define ARP_INTERVAL_NS 200000000L

static int usage(void)
{
	fprintf(stderr, "usage: nsw_maskprobe nested-proc DIR [VALUE] | nested-write PATH VALUE | "
			"packet | arpspoof IFACE SENDER_IP TARGET_IP TARGET_MAC COUNT | "
			"enosys NR -- CMD [ARGS...]\n");
	return 2;
}

/* open(O_WRONLY | O_TRUNC) and write, as "echo VALUE >PATH": "ok" or errno. */
static const char *write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return ename(errno);
	n = write(fd, value, strlen(value));
	if (n < 0) {
		int e = errno;

		close(fd);
		return ename(e);
	}
	close(fd);
	return "ok";
}

static int nested_proc_child(const char *dir, const char *value)
{
	char path[4096], buf[4096];
	long total = 0;
	ssize_t n;
	int fd;

	mkdir(dir, 0755);
	if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		printf("mount=%s\n", ename(errno));
		return 1;
	}
	printf("mount=ok\n");
	snprintf(path, sizeof(path), "%s/keys", dir);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("keys=%s\n", ename(errno));
	} else {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			total += n;
		close(fd);
		printf("keys=%ld\n", total);
	}
	if (value) {
		snprintf(path, sizeof(path), "%s/sys/kernel/core_pattern", dir);
		printf("core_pattern=%s\n", write_file(path, value));
	}
	return 0;
}

static int nested_proc(const char *dir, const char *value)
{
	int status;
	pid_t p;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) < 0) {
		printf("unshare=%s\n", ename(errno));
		return 1;
	}
	printf("unshare=ok\n");
	fflush(stdout);
	p = fork();
	if (p < 0) {
		printf("fork=%s\n", ename(errno));
		return 1;
	}
	if (p == 0) {
		int r = nested_proc_child(dir, value);

		fflush(stdout);
		_exit(r);
	}
	if (waitpid(p, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int nested_write(const char *path, const char *value)
{
	const char *r;

	if (unshare(CLONE_NEWUSER) < 0) {
		printf("unshare=%s\n", ename(errno));
		return 1;
	}
	printf("unshare=ok\n");
	r = write_file(path, value);
	printf("write=%s\n", r);
	return strcmp(r, "ok") != 0;
}

static int packet_socket(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));

	if (fd < 0) {
		printf("packet=%s\n", ename(errno));
		return -1;
	}
	printf("packet=ok\n");
	return fd;
}

/* The body of an Ethernet ARP packet for IPv4. */
struct arp_eth_ipv4 {
	struct ethhdr eth;
	struct arphdr arp;
	unsigned char sha[ETH_ALEN], spa[4], tha[ETH_ALEN], tpa[4];
} __attribute__((packed));

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[ETH_ALEN];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != ETH_ALEN)
		return -1;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = b[i];
	return 0;
}

static int arpspoof(char **argv)
{
	struct arp_eth_ipv4 pkt = { 0 };
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	struct timespec gap = { 0, ARP_INTERVAL_NS };
	struct in_addr sender, target;
	struct ifreq ifr = { 0 };
	int fd, count, sent = 0;

	if (inet_pton(AF_INET, argv[3], &sender) != 1 || inet_pton(AF_INET, argv[4], &target) != 1 ||
	    parse_mac(argv[5], pkt.eth.h_dest) < 0 || (count = atoi(argv[6])) <= 0 ||
	    strlen(argv[2]) >= IFNAMSIZ)
		return usage();
	fd = packet_socket();
	if (fd < 0)
		return 1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[2]);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 || ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		printf("iface=%s\n", ename(errno));
		return 1;
	}
	to.sll_ifindex = ifr.ifr_ifindex;
	memcpy(to.sll_addr, pkt.eth.h_dest, ETH_ALEN);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		printf("iface=%s\n", ename(errno));
		return 1;
	}
	memcpy(pkt.eth.h_source, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	pkt.eth.h_proto = htons(ETH_P_ARP);
	pkt.arp.ar_hrd = htons(ARPHRD_ETHER);
	pkt.arp.ar_pro = htons(ETH_P_IP);
	pkt.arp.ar_hln = ETH_ALEN;
	pkt.arp.ar_pln = 4;
	pkt.arp.ar_op = htons(ARPOP_REQUEST);
	memcpy(pkt.sha, pkt.eth.h_source, ETH_ALEN);
	memcpy(pkt.spa, &sender, 4);
	memcpy(pkt.tpa, &target, 4);
	for (int i = 0; i < count; i++) {
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) ==
		    (ssize_t)sizeof(pkt))
			sent++;
		nanosleep(&gap, NULL);
	}
	printf("sent=%d\n", sent);
	close(fd);
	return sent ? 0 : 1;
}

static int enosys(char **argv)
{
	unsigned int nr = strtoul(argv[2], NULL, 10);
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (strcmp(argv[3], "--"))
		return usage();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		printf("seccomp=%s\n", ename(errno));
		return 1;
	}
	execv(argv[4], argv + 4);
	printf("exec=%s\n", ename(errno));
	return 1;
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "nested-proc") && (argc == 3 || argc == 4))
		r = nested_proc(argv[2], argc == 4 ? argv[3] : NULL);
	else if (!strcmp(argv[1], "nested-write") && argc == 4)
		r = nested_write(argv[2], argv[3]);
	else if (!strcmp(argv[1], "packet") && argc == 2) {
		int fd = packet_socket();

		r = fd < 0;
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(argv[1], "arpspoof") && argc == 7)
		r = arpspoof(argv);
	else if (!strcmp(argv[1], "enosys") && argc >= 5)
		r = enosys(argv);
	else
		return usage();
	fflush(stdout);
	return r;
}
