// SPDX-License-Identifier: GPL-2.0
/*
 * The addressing helpers and name checks; then, as root, the real thing: a
 * bridge on the host, a veth pair into a child's fresh network namespace,
 * and a TCP connection from the host to a listener inside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include "runtime/netdev.h"

/* Names and addresses of our own, so that nothing of the host's is touched. */
#define BR	 "nswtest0"
#define BR_RACE	 "nswtest1"
#define HOST_IF	 "nswtv0"
#define HOST_IF2 "nswtv1"
#define PEER2	 "nswtp1"
#define PEER3	 "nswtp2"
#define MISSING	 "nswtnone0"
#define PORT	 47391

/* A message between the child and the test, small enough to be atomic. */
struct report {
	char msg[256];
};

static struct {
	pid_t pid;
	int to_child;	/* the test writes one byte when eth0 is in place */
	int from_child; /* the child's reports */
} child = { -1, -1, -1 };

static void need_root(void)
{
	const char *ci = getenv("CI");

	if (geteuid() == 0)
		return;
	if (ci && !strcmp(ci, "true"))
		fail_msg("this test needs root, and CI=true forbids skipping it");
	skip();
}

static bool sys_exists(const char *ifname, const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, what);
	return access(path, F_OK) == 0;
}

/* Pure helpers. */

static char picked[32], picked_gw[16];
static struct nsw_error pick_err;

static int pick(const char *subnet, const unsigned int *used, int n_used)
{
	return nsw_ipv4_pick(subnet, used, n_used, picked, sizeof(picked), picked_gw,
			     sizeof(picked_gw), &pick_err);
}

static void test_pick_first(void **state)
{
	(void)state;
	assert_int_equal(pick("10.89.0.0/24", NULL, 0), 0);
	assert_string_equal(picked, "10.89.0.2/24");
	assert_string_equal(picked_gw, "10.89.0.1");

	assert_int_equal(pick("10.0.0.0/8", NULL, 0), 0);
	assert_string_equal(picked, "10.0.0.2/8");
	assert_string_equal(picked_gw, "10.0.0.1");
}

static void test_pick_skips_used(void **state)
{
	static const unsigned int holes[] = { 2, 3, 5 }, run[] = { 4, 2, 3 };
	static const unsigned int odd[] = { 0, 1, 255, 300, UINT_MAX };

	(void)state;
	assert_int_equal(pick("10.89.0.0/24", holes, 3), 0);
	assert_string_equal(picked, "10.89.0.4/24");
	assert_int_equal(pick("10.89.0.0/24", run, 3), 0);
	assert_string_equal(picked, "10.89.0.5/24");
	/* Network, gateway, broadcast and out-of-range numbers change nothing. */
	assert_int_equal(pick("10.89.0.0/24", odd, 5), 0);
	assert_string_equal(picked, "10.89.0.2/24");
}

static void test_pick_crosses_octets(void **state)
{
	unsigned int used[299];

	(void)state;
	for (unsigned int i = 0; i < 299; i++)
		used[i] = i + 2;
	assert_int_equal(pick("172.20.0.0/16", used, 299), 0);
	assert_string_equal(picked, "172.20.1.45/16"); /* host 301 */
	assert_string_equal(picked_gw, "172.20.0.1");
}

static void test_pick_full(void **state)
{
	static const unsigned int two[] = { 2 };
	unsigned int used[253];

	(void)state;
	/* A /30 has hosts 1 (gateway) and 2; 3 is the broadcast. */
	assert_int_equal(pick("10.89.0.0/30", NULL, 0), 0);
	assert_string_equal(picked, "10.89.0.2/30");
	assert_int_equal(pick("10.89.0.0/30", two, 1), -1);
	assert_string_equal(pick_err.msg, "no free address in 10.89.0.0/30");

	for (unsigned int i = 0; i < 252; i++)
		used[i] = i + 2;
	assert_int_equal(pick("10.89.0.0/24", used, 252), 0);
	assert_string_equal(picked, "10.89.0.254/24");
	used[252] = 254;
	assert_int_equal(pick("10.89.0.0/24", used, 253), -1);
	assert_string_equal(pick_err.msg, "no free address in 10.89.0.0/24");
}

static void test_pick_bad_subnet(void **state)
{
	static const char *const bad[] = {
		"",		  "10.89.0.0",	   "10.89.0.0/",      "10.89.0.0/33",
		"10.89.0.0/31",	  "10.89.0.0/32",  "10.0.0.0/7",      "0.0.0.0/0",
		"10.89.0/24",	  "10.89.0.256/24", "10.89.0.0/24x",  "10.89.0.0/-1",
		"10.89.0.0/ 24",  " 10.89.0.0/24", "10.89.0.0/+24",   "bogus",
		"::1/64",	  "10.89.0.0//24", "10.89.0.0/24/24", "10.89.0.0.0/24",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pick_err.msg[0] = '\0';
		if (pick(bad[i], NULL, 0) != -1)
			fail_msg("subnet '%s' was accepted", bad[i]);
		assert_non_null(strstr(pick_err.msg, bad[i]));
	}
	assert_int_equal(pick(NULL, NULL, 0), -1);

	/* Host bits set: say which network was probably meant. */
	assert_int_equal(pick("10.89.0.1/24", NULL, 0), -1);
	assert_non_null(strstr(pick_err.msg, "10.89.0.0/24"));
	assert_int_equal(pick("10.89.0.0/24", NULL, -1), -1);
}

static void test_pick_small_buffers(void **state)
{
	char addr[32], gw[16];
	struct nsw_error err;

	(void)state;
	/* "10.89.0.2/24" needs 13 bytes, "10.89.0.1" 10. */
	assert_int_equal(nsw_ipv4_pick("10.89.0.0/24", NULL, 0, addr, 12, gw, sizeof(gw), &err),
			 -1);
	assert_int_equal(err.errnum, ERANGE);
	assert_int_equal(nsw_ipv4_pick("10.89.0.0/24", NULL, 0, addr, 13, gw, 9, &err), -1);
	assert_int_equal(nsw_ipv4_pick("10.89.0.0/24", NULL, 0, addr, 13, gw, 10, &err), 0);
	assert_string_equal(addr, "10.89.0.2/24");
	assert_string_equal(gw, "10.89.0.1");
}

static void test_host_number(void **state)
{
	struct nsw_error err;
	unsigned int host;

	(void)state;
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.89.0.5/24", &host, &err), 0);
	assert_int_equal(host, 5);
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.89.0.254", &host, &err), 0);
	assert_int_equal(host, 254);
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.89.0.1/24", &host, &err), 0);
	assert_int_equal(host, 1);
	assert_int_equal(nsw_ipv4_host_number("172.20.0.0/16", "172.20.1.45/16", &host, &err), 0);
	assert_int_equal(host, 301);
}

static void test_host_number_errors(void **state)
{
	struct nsw_error err;
	unsigned int host = 77;

	(void)state;
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.90.0.5/24", &host, &err), -1);
	assert_non_null(strstr(err.msg, "not in subnet 10.89.0.0/24"));
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.89.0.5/16", &host, &err), -1);
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.89.0.0/24", &host, &err), -1);
	assert_non_null(strstr(err.msg, "broadcast"));
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.89.0.255", &host, &err), -1);
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "10.89.0.5/", &host, &err), -1);
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", "bogus", &host, &err), -1);
	assert_non_null(strstr(err.msg, "'bogus'"));
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/24", NULL, &host, &err), -1);
	assert_int_equal(nsw_ipv4_host_number("10.89.0.0/33", "10.89.0.5", &host, &err), -1);
	assert_int_equal(host, 77);
}

static void test_pick_round_trip(void **state)
{
	unsigned int used[40], host;

	(void)state;
	/* Fill a /26 the way the runtime will: pick, then read the state back. */
	for (int n = 0; n < 40; n++) {
		assert_int_equal(pick("192.168.7.64/26", used, n), 0);
		assert_string_equal(picked_gw, "192.168.7.65");
		assert_int_equal(nsw_ipv4_host_number("192.168.7.64/26", picked, &host, &pick_err), 0);
		assert_int_equal(host, n + 2);
		used[n] = host;
	}
}

static void test_names_checked(void **state)
{
	struct nsw_error err;

	(void)state;
	/* 16 characters: one too many. Rejected before any syscall, so no root needed. */
	assert_int_equal(nsw_bridge_ensure("nswtest012345678", "10.199.0.1/24", &err), -1);
	assert_non_null(strstr(err.msg, "nswtest012345678"));
	assert_non_null(strstr(err.msg, "too long"));
	assert_int_equal(nsw_link_up("", &err), -1);
	assert_int_equal(nsw_link_up(NULL, &err), -1);
	assert_int_equal(nsw_link_delete("a/b", &err), -1);
	assert_int_equal(nsw_link_delete("..", &err), -1);
	assert_int_equal(nsw_veth_create(HOST_IF, "eth 0", 1, BR, &err), -1);
	assert_int_equal(nsw_veth_create(HOST_IF, "eth0", 1, "nswtest0123456789", &err), -1);
	assert_int_equal(nsw_veth_create(HOST_IF, "eth0", 0, BR, &err), -1);
	assert_int_equal(nsw_bridge_remove_if_unused("x:y", &err), -1);
	assert_int_equal(nsw_if_configure("eth0", "10.199.0.2", NULL, &err), -1);
	assert_non_null(strstr(err.msg, "10.199.0.2"));
	assert_int_equal(nsw_if_configure("eth0", "10.199.0.2/24", "10.199.0", &err), -1);
	assert_non_null(strstr(err.msg, "gateway"));
	assert_int_equal(nsw_bridge_ensure(BR, "10.199.0.1/0", &err), -1);
}

/* As root. */

static void cleanup_links(void)
{
	static const char *const links[] = { HOST_IF, HOST_IF2, PEER2, PEER3, BR, BR_RACE };
	struct nsw_error err;

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		nsw_link_delete(links[i], &err);
}

static int teardown(void **state)
{
	(void)state;
	if (child.pid > 0) {
		kill(child.pid, SIGKILL);
		waitpid(child.pid, NULL, 0);
		child.pid = -1;
	}
	if (child.to_child >= 0)
		close(child.to_child);
	if (child.from_child >= 0)
		close(child.from_child);
	child.to_child = child.from_child = -1;
	if (geteuid() == 0)
		cleanup_links();
	return 0;
}

static int setup(void **state)
{
	/* Leftovers of an earlier run that was killed. */
	return teardown(state);
}

static void test_link_delete_missing(void **state)
{
	struct nsw_error err;

	(void)state;
	need_root();
	assert_int_equal(nsw_link_delete(MISSING, &err), 0);
	assert_int_equal(nsw_bridge_remove_if_unused(MISSING, &err), 0);
}

static void test_not_a_bridge(void **state)
{
	struct nsw_error err;

	(void)state;
	need_root();
	assert_int_equal(nsw_bridge_ensure("lo", "10.199.0.1/24", &err), -1);
	assert_non_null(strstr(err.msg, "lo exists and is not a bridge"));
	assert_int_equal(nsw_bridge_remove_if_unused("lo", &err), -1);
	assert_non_null(strstr(err.msg, "lo is not a bridge"));
	assert_true(sys_exists("lo", ""));
}

static void test_veth_bad_pid(void **state)
{
	struct nsw_error err;

	(void)state;
	need_root();
	/* Above any pid_max. */
	assert_int_equal(nsw_veth_create(HOST_IF2, PEER2, INT_MAX, BR, &err), -1);
	assert_int_equal(err.errnum, ESRCH);
	assert_non_null(strstr(err.msg, HOST_IF2));
	assert_false(sys_exists(HOST_IF2, ""));
}

static void test_veth_missing_bridge(void **state)
{
	struct nsw_error err;

	(void)state;
	need_root();
	/* The pair is made (both ends here), then enslaving fails: both must go. */
	assert_int_equal(nsw_veth_create(HOST_IF2, PEER2, getpid(), MISSING, &err), -1);
	assert_non_null(strstr(err.msg, MISSING));
	assert_false(sys_exists(HOST_IF2, ""));
	assert_false(sys_exists(PEER2, ""));
}

static void test_veth_name_taken(void **state)
{
	struct nsw_error err;

	(void)state;
	need_root();
	/* Someone else's link with our name must survive our failure. */
	assert_int_equal(nsw_bridge_ensure(BR, "10.199.0.1/24", &err), 0);
	assert_int_equal(nsw_veth_create(HOST_IF2, PEER2, getpid(), BR, &err), 0);
	assert_int_equal(nsw_veth_create(HOST_IF2, PEER3, getpid(), BR, &err), -1);
	assert_int_equal(err.errnum, EEXIST);
	assert_true(sys_exists(HOST_IF2, "brport"));
	assert_false(sys_exists(PEER3, ""));
	assert_int_equal(nsw_link_delete(PEER2, &err), 0); /* takes HOST_IF2 along */
	assert_false(sys_exists(HOST_IF2, ""));
	assert_int_equal(nsw_bridge_remove_if_unused(BR, &err), 0);
	assert_false(sys_exists(BR, ""));
}

static void test_bridge_ensure_race(void **state)
{
	pid_t pids[6];
	int status;

	(void)state;
	need_root();
	for (size_t i = 0; i < 6; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct nsw_error err;

			if (nsw_bridge_ensure(BR_RACE, "10.199.1.1/24", &err) < 0) {
				nsw_error_print(&err);
				_exit(1);
			}
			_exit(0);
		}
	}
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_true(sys_exists(BR_RACE, "bridge"));
}

/* The child, in its own network namespace. */

static void child_say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void child_say(int fd, const char *fmt, ...)
{
	struct report r = { "" };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.msg, sizeof(r.msg), fmt, ap);
	va_end(ap);
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
}

/* What the runtime will have done: address, default route, lo up. */
static const char *child_check(void)
{
	static char line[512];
	struct ifreq ifr = { .ifr_name = "eth0" };
	bool route = false;
	FILE *f;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFADDR, &ifr) < 0)
		return "eth0 has no address";
	close(fd);
	if (((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr != inet_addr("10.199.0.2"))
		return "eth0 has the wrong address";
	/* /proc/self/net is the reader's namespace; 10.199.0.1 is 0100C70A there. */
	f = fopen("/proc/self/net/route", "r");
	if (!f)
		return "cannot read the routes";
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "eth0\t00000000\t0100C70A\t", 23))
			route = true;
	fclose(f);
	return route ? NULL : "no default route via 10.199.0.1";
}

static int child_listen(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = inet_addr("10.199.0.2");
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1) < 0)
		return -1;
	return fd;
}

static void child_main(int in, int out)
{
	struct nsw_error err;
	const char *why;
	int ls, c;
	char go;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNET) < 0) {
		child_say(out, "unshare(CLONE_NEWNET): %s", strerror(errno));
		_exit(1);
	}
	child_say(out, "ready");
	if (read(in, &go, 1) != 1)
		_exit(1);
	if (!if_nametoindex("eth0")) {
		child_say(out, "eth0 is not in the child's namespace");
		_exit(1);
	}
	if (nsw_if_configure("eth0", "10.199.0.2/24", "10.199.0.1", &err) < 0 ||
	    nsw_link_up("lo", &err) < 0) {
		child_say(out, "%s: %s", err.msg, strerror(err.errnum));
		_exit(1);
	}
	why = child_check();
	ls = child_listen();
	if (why || ls < 0) {
		child_say(out, "%s", why ? why : "cannot listen on 10.199.0.2");
		_exit(1);
	}
	child_say(out, "ok");
	c = accept(ls, NULL, NULL);
	if (c >= 0 && write(c, "hi", 2) != 2)
		_exit(1);
	/* Stay, namespace and all, until the test kills us. */
	for (;;)
		pause();
}

static void start_child(void)
{
	int in[2], out[2];

	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	child.pid = fork();
	assert_true(child.pid >= 0);
	if (child.pid == 0) {
		close(in[1]);
		close(out[0]);
		child_main(in[0], out[1]);
	}
	close(in[0]);
	close(out[1]);
	child.to_child = in[1];
	child.from_child = out[0];
}

static void expect_report(const char *want)
{
	struct pollfd p = { .fd = child.from_child, .events = POLLIN };
	struct report r;

	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(child.from_child, &r, sizeof(r)), sizeof(r));
	r.msg[sizeof(r.msg) - 1] = '\0';
	assert_string_equal(r.msg, want);
}

static void assert_if_addr(const char *ifname, const char *addr, const char *mask)
{
	struct ifreq ifr;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, SIOCGIFADDR, &ifr), 0);
	assert_string_equal(inet_ntoa(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr), addr);
	assert_int_equal(ioctl(fd, SIOCGIFNETMASK, &ifr), 0);
	assert_string_equal(inet_ntoa(((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr), mask);
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	assert_true(ifr.ifr_flags & IFF_UP);
	close(fd);
}

static void assert_master(const char *ifname, const char *bridge)
{
	char path[128], target[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/master", ifname);
	n = readlink(path, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(strrchr(target, '/') + 1, bridge);
}

static void assert_reachable(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 5 };
	char buf[2];
	int fd;

	sin.sin_addr.s_addr = inet_addr(addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		fail_msg("cannot connect to %s:%d: %s", addr, port, strerror(errno));
	assert_int_equal(read(fd, buf, 2), 2);
	assert_memory_equal(buf, "hi", 2);
	close(fd);
}

static void test_container_network(void **state)
{
	struct nsw_error err;
	int status;

	(void)state;
	need_root();
	start_child();
	expect_report("ready");

	assert_int_equal(nsw_bridge_ensure(BR, "10.199.0.1/24", &err), 0);
	assert_int_equal(nsw_bridge_ensure(BR, "10.199.0.1/24", &err), 0);
	assert_int_equal(nsw_bridge_ensure(BR, "10.199.0.9/24", &err), -1);
	assert_non_null(strstr(err.msg, "10.199.0.1"));
	if (nsw_veth_create(HOST_IF, "eth0", child.pid, BR, &err) < 0)
		fail_msg("%s: %s", err.msg, strerror(err.errnum));

	assert_true(sys_exists(BR, "bridge"));
	assert_if_addr(BR, "10.199.0.1", "255.255.255.0");
	assert_true(sys_exists(BR, "brif/" HOST_IF));
	assert_master(HOST_IF, BR);
	/* A bridge with a port stays. */
	assert_int_equal(nsw_bridge_remove_if_unused(BR, &err), 0);
	assert_true(sys_exists(BR, ""));

	assert_int_equal(write(child.to_child, "g", 1), 1);
	expect_report("ok");
	assert_reachable("10.199.0.2", PORT);

	kill(child.pid, SIGKILL);
	assert_int_equal(waitpid(child.pid, &status, 0), child.pid);
	child.pid = -1;
	/* Gone with the namespace, or about to be: either way, success. */
	assert_int_equal(nsw_link_delete(HOST_IF, &err), 0);
	assert_int_equal(nsw_bridge_remove_if_unused(BR, &err), 0);
	assert_false(sys_exists(BR, ""));
	assert_false(sys_exists(HOST_IF, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_first),
		cmocka_unit_test(test_pick_skips_used),
		cmocka_unit_test(test_pick_crosses_octets),
		cmocka_unit_test(test_pick_full),
		cmocka_unit_test(test_pick_bad_subnet),
		cmocka_unit_test(test_pick_small_buffers),
		cmocka_unit_test(test_host_number),
		cmocka_unit_test(test_host_number_errors),
		cmocka_unit_test(test_pick_round_trip),
		cmocka_unit_test(test_names_checked),
		cmocka_unit_test_setup_teardown(test_link_delete_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_bridge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_veth_bad_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_veth_missing_bridge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_veth_name_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_ensure_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_container_network, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
