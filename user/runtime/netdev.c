// SPDX-License-Identifier: GPL-2.0
/*
 * Bridge, veth and addressing for container networking. The classic
 * interface ioctls do what they can; rtnetlink (libmnl) only where they cannot:
 * creating a veth pair (with its peer born in another namespace) and
 * deleting a link (SIOCBRDELBR refuses a bridge that is up).
 */
#include <net/if.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/route.h>
#include "runtime/netdev.h"
#include "lib/util.h"

/* A subnet must hold the gateway, a container and the broadcast; a /8 is plenty. */
#define SUBNET_PREFIX_MIN 8
#define SUBNET_PREFIX_MAX 30

static int check_ifname(const char *name, struct nsw_error *err)
{
	size_t len = name ? strlen(name) : 0;

	if (!len)
		return nsw_error(err, 0, "empty interface name");
	if (len >= IFNAMSIZ)
		return nsw_error(err, 0,
				 "interface name %s is too long (%zu characters, at most %d)",
				 name, len, IFNAMSIZ - 1);
	/* The kernel's own rules (dev_valid_name), checked here for a clear message. */
	if (strpbrk(name, "/: \t\n\v\f\r") || !strcmp(name, ".") || !strcmp(name, ".."))
		return nsw_error(err, 0, "invalid interface name '%s'", name);
	return 0;
}

/* Addresses are kept in host byte order. */

static uint32_t prefix_mask(unsigned int prefix)
{
	return prefix ? ~0U << (32 - prefix) : 0;
}

static const char *ipstr(uint32_t addr, char buf[INET_ADDRSTRLEN])
{
	struct in_addr in = { .s_addr = htonl(addr) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static int parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr in;

	if (!s || inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*addr = ntohl(in.s_addr);
	return 0;
}

/* "a.b.c.d/N", nothing more, nothing less. */
static int parse_cidr(const char *cidr, uint32_t *addr, unsigned int *prefix)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = cidr ? strchr(cidr, '/') : NULL;
	unsigned long n;
	char *end;

	if (!slash || (size_t)(slash - cidr) >= sizeof(ip))
		return -1;
	memcpy(ip, cidr, slash - cidr);
	ip[slash - cidr] = '\0';
	/* strtoul would also take a sign or leading blanks. */
	if (parse_ipv4(ip, addr) < 0 || slash[1] < '0' || slash[1] > '9')
		return -1;
	n = strtoul(slash + 1, &end, 10);
	if (*end || n > 32)
		return -1;
	*prefix = n;
	return 0;
}

static int parse_if_addr(const char *cidr, uint32_t *addr, unsigned int *prefix,
			 struct nsw_error *err)
{
	if (parse_cidr(cidr, addr, prefix) < 0 || *prefix == 0)
		return nsw_error(err, 0, "invalid interface address '%s' (want a.b.c.d/N)",
				 cidr ? cidr : "");
	return 0;
}

static int parse_subnet(const char *cidr, uint32_t *net, unsigned int *prefix,
			struct nsw_error *err)
{
	char buf[INET_ADDRSTRLEN];

	if (parse_cidr(cidr, net, prefix) < 0)
		return nsw_error(err, 0, "invalid subnet '%s' (want a.b.c.d/N)", cidr ? cidr : "");
	if (*prefix < SUBNET_PREFIX_MIN || *prefix > SUBNET_PREFIX_MAX)
		return nsw_error(err, 0, "subnet %s: the prefix length must be between %d and %d",
				 cidr, SUBNET_PREFIX_MIN, SUBNET_PREFIX_MAX);
	if (*net & ~prefix_mask(*prefix))
		return nsw_error(err, 0, "subnet %s has host bits set (the network is %s/%u)", cidr,
				 ipstr(*net & prefix_mask(*prefix), buf), *prefix);
	return 0;
}

static bool is_used(const unsigned int *used, int n, uint32_t host)
{
	for (int i = 0; i < n; i++)
		if (used[i] == host)
			return true;
	return false;
}

/*
 * The lowest free host number is either 2 or one past a used one, so only
 * those need trying: quadratic in n_used, not linear in the subnet's size.
 * 0 if every host from 2 to broadcast - 1 is taken.
 */
static uint32_t lowest_free(const unsigned int *used, int n, uint32_t broadcast)
{
	uint32_t best = 0;

	for (int i = -1; i < n; i++) {
		uint32_t c = i < 0 ? 2 : used[i] + 1;

		if (c < 2 || c >= broadcast || (best && c >= best))
			continue;
		if (!is_used(used, n, c))
			best = c;
	}
	return best;
}

int nsw_ipv4_pick(const char *subnet_cidr, const unsigned int *used_hosts, int n_used,
		  char *addr_cidr, size_t len, char *gateway, size_t glen, struct nsw_error *err)
{
	char addr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	unsigned int prefix;
	uint32_t net, host;
	int n;

	if (parse_subnet(subnet_cidr, &net, &prefix, err) < 0)
		return -1;
	if (n_used < 0 || (n_used && !used_hosts))
		return nsw_error(err, EINVAL, "invalid list of used addresses in %s", subnet_cidr);
	host = lowest_free(used_hosts, n_used, ~prefix_mask(prefix));
	if (!host)
		return nsw_error(err, 0, "no free address in %s", subnet_cidr);

	n = snprintf(addr_cidr, len, "%s/%u", ipstr(net + host, addr), prefix);
	if (n < 0 || (size_t)n >= len)
		return nsw_error(err, ERANGE, "no room for the address %s/%u", addr, prefix);
	n = snprintf(gateway, glen, "%s", ipstr(net + 1, gw));
	if (n < 0 || (size_t)n >= glen)
		return nsw_error(err, ERANGE, "no room for the gateway %s", gw);
	return 0;
}

int nsw_ipv4_host_number(const char *subnet_cidr, const char *addr_cidr, unsigned int *host,
			 struct nsw_error *err)
{
	unsigned int prefix, aprefix;
	uint32_t net, addr, h;
	int ret;

	if (parse_subnet(subnet_cidr, &net, &prefix, err) < 0)
		return -1;
	aprefix = prefix;
	if (addr_cidr && strchr(addr_cidr, '/'))
		ret = parse_cidr(addr_cidr, &addr, &aprefix);
	else
		ret = parse_ipv4(addr_cidr, &addr);
	if (ret < 0)
		return nsw_error(err, 0, "invalid address '%s' (want a.b.c.d/N)",
				 addr_cidr ? addr_cidr : "");
	if (aprefix != prefix || (addr & prefix_mask(prefix)) != net)
		return nsw_error(err, 0, "address %s is not in subnet %s", addr_cidr, subnet_cidr);
	h = addr - net;
	if (h == 0 || h == ~prefix_mask(prefix))
		return nsw_error(err, 0, "address %s is the network or broadcast address of %s",
				 addr_cidr, subnet_cidr);
	*host = h;
	return 0;
}

/* The ioctls. */

static int inet_socket(struct nsw_error *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return nsw_error(err, errno, "cannot open a socket for interface ioctls");
	return fd;
}

/* Names are checked to fit before they get here. */
static void ifreq_init(struct ifreq *ifr, const char *ifname)
{
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, ifname, strlen(ifname));
}

static void sin_set(struct sockaddr *sa, uint32_t addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
}

static int set_up(int fd, const char *ifname, struct nsw_error *err)
{
	struct ifreq ifr;

	ifreq_init(&ifr, ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return nsw_error(err, errno, "cannot read the flags of interface %s", ifname);
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return nsw_error(err, errno, "cannot bring interface %s up", ifname);
	return 0;
}

/* The primary IPv4 address of ifname: 1 and *addr, or 0 if it has none. */
static int get_addr(int fd, const char *ifname, uint32_t *addr, struct nsw_error *err)
{
	struct ifreq ifr;

	ifreq_init(&ifr, ifname);
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0) {
		if (errno == EADDRNOTAVAIL)
			return 0;
		return nsw_error(err, errno, "cannot read the address of interface %s", ifname);
	}
	*addr = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
	return 1;
}

/*
 * Setting the address a second time, or the mask it already has, is a no-op
 * in the kernel: racing callers with the same wish do no harm.
 */
static int set_addr(int fd, const char *ifname, uint32_t addr, struct nsw_error *err)
{
	char buf[INET_ADDRSTRLEN];
	struct ifreq ifr;

	ifreq_init(&ifr, ifname);
	sin_set(&ifr.ifr_addr, addr);
	if (ioctl(fd, SIOCSIFADDR, &ifr) < 0)
		return nsw_error(err, errno, "cannot set address %s on interface %s",
				 ipstr(addr, buf), ifname);
	return 0;
}

static int set_mask(int fd, const char *ifname, unsigned int prefix, struct nsw_error *err)
{
	struct ifreq ifr;

	ifreq_init(&ifr, ifname);
	sin_set(&ifr.ifr_netmask, prefix_mask(prefix));
	if (ioctl(fd, SIOCSIFNETMASK, &ifr) < 0)
		return nsw_error(err, errno, "cannot set prefix length /%u on interface %s", prefix,
				 ifname);
	return 0;
}

static int add_default_route(int fd, const char *ifname, uint32_t gw, struct nsw_error *err)
{
	char dev[IFNAMSIZ] = "", buf[INET_ADDRSTRLEN];
	struct rtentry rt;

	memset(&rt, 0, sizeof(rt));
	memcpy(dev, ifname, strlen(ifname));
	sin_set(&rt.rt_dst, INADDR_ANY);
	sin_set(&rt.rt_genmask, INADDR_ANY);
	sin_set(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = dev;
	/* EEXIST is this very route: a different one would be added beside it. */
	if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		return nsw_error(err, errno, "cannot add a default route via %s on interface %s",
				 ipstr(gw, buf), ifname);
	return 0;
}

static int bridge_add_port(int fd, const char *bridge, const char *ifname, struct nsw_error *err)
{
	struct ifreq ifr;

	ifreq_init(&ifr, bridge);
	ifr.ifr_ifindex = if_nametoindex(ifname);
	if (!ifr.ifr_ifindex)
		return nsw_error(err, errno, "cannot find interface %s", ifname);
	if (ioctl(fd, SIOCBRADDIF, &ifr) < 0)
		return nsw_error(err, errno, "cannot add interface %s to bridge %s", ifname, bridge);
	return 0;
}

/* sysfs shows the network namespace it was mounted in: the host's. */
static bool sysfs_has(const char *ifname, const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, what);
	return access(path, F_OK) == 0;
}

/* The number of ports of bridge, or -1 with errno (ENOENT: not a bridge). */
static int count_ports(const char *bridge)
{
	char path[128];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/brif", bridge);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* rtnetlink, through libmnl. */

/* Any sequence number does: each request has a socket of its own. */
#define NL_SEQ 1

/* Our requests carry a few short attributes, far below this. */
#define NL_REQ_SIZE 512

static void mnl_socket_closep(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}

#define cleanup_mnl __attribute__((cleanup(mnl_socket_closep)))

static int ext_ack_attr(const struct nlattr *a, void *data)
{
	struct nsw_error *err = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
		snprintf(err->msg, sizeof(err->msg), "%.*s", (int)mnl_attr_get_payload_len(a),
			 (const char *)mnl_attr_get_payload(a));
	return MNL_CB_OK;
}

/* Keep the extended ack's message, which says more than the errno alone. */
static void keep_why(struct nsw_error *err, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e), len = mnl_nlmsg_get_payload_len(nlh);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NETLINK_CAP_ACK, the request itself comes back before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += mnl_nlmsg_get_payload_len(&e->msg);
	if (off >= len)
		return;
	mnl_attr_parse_payload((const char *)e + off, len - off, ext_ack_attr, err);
}

/* NLMSG_ERROR: stop on success; on failure, err gets the kernel's errno and why. */
static int ack_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct nsw_error *err = data;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		nsw_error(err, EBADMSG, "short netlink ack");
		return MNL_CB_ERROR;
	}
	if (!e->error)
		return MNL_CB_STOP;
	nsw_error(err, e->error, "%s", "");
	keep_why(err, nlh);
	return MNL_CB_ERROR;
}

/* A link request: header, then the ifinfomsg every RTM_*LINK starts with. */
static struct nlmsghdr *nl_link_msg(char *buf, unsigned short type, unsigned short flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = NL_SEQ;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	return nlh;
}

/*
 * Send nlh on a socket of its own and wait for its ack. On failure, err has
 * the errno and, as its message, the kernel's explanation if it gave one
 * (else nothing): callers put their context in front.
 */
static int nl_transact(const struct nlmsghdr *nlh, struct nsw_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = ack_cb };
	cleanup_mnl struct mnl_socket *nl = NULL;
	unsigned int portid;
	int one = 1, ret;
	ssize_t n;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return nsw_error(err, errno, "cannot open a netlink socket");
	portid = mnl_socket_get_portid(nl);
	/* Best effort: without them the ack is merely longer, or terser. */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return nsw_error(err, errno, "cannot send a netlink request");
	nsw_error(err, 0, "%s", "");
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return nsw_error(err, n < 0 ? errno : EBADMSG, "cannot read the netlink ack");
		ret = mnl_cb_run2(buf, n, NL_SEQ, portid, NULL, err, ctl, MNL_ARRAY_SIZE(ctl));
	} while (ret == MNL_CB_OK);
	if (ret == MNL_CB_ERROR && !err->errnum)
		return nsw_error(err, errno, "invalid netlink ack");
	return ret < 0 ? -1 : 0;
}

static int veth_add(const char *host_if, const char *peer_if, pid_t pid, struct nsw_error *err)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = { 0 };
	struct nlattr *linkinfo, *data, *peer;
	struct nlmsghdr *nlh;

	nlh = nl_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_if);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer is described as a link of its own, ifinfomsg first. */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_if);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, pid);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);

	if (nl_transact(nlh, err) < 0)
		return nsw_error_wrap(err,
				"cannot create veth pair %s/%s into the network namespace of pid %d",
				host_if, peer_if, (int)pid);
	return 0;
}

int nsw_link_delete(const char *ifname, struct nsw_error *err)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = { 0 };
	struct nsw_error nl_err;
	struct nlmsghdr *nlh;

	if (check_ifname(ifname, err) < 0)
		return -1;
	nlh = nl_link_msg(buf, RTM_DELLINK, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	if (nl_transact(nlh, &nl_err) == 0 || nl_err.errnum == ENODEV)
		return 0;
	*err = nl_err;
	return nsw_error_wrap(err, "cannot delete interface %s", ifname);
}

/* The API. */

int nsw_bridge_ensure(const char *bridge, const char *addr_cidr, struct nsw_error *err)
{
	char name[IFNAMSIZ] = "", want[INET_ADDRSTRLEN], have_buf[INET_ADDRSTRLEN];
	cleanup_close int fd = -1;
	uint32_t addr, have = 0;
	unsigned int prefix;
	int ret;

	if (check_ifname(bridge, err) < 0 || parse_if_addr(addr_cidr, &addr, &prefix, err) < 0)
		return -1;
	fd = inet_socket(err);
	if (fd < 0)
		return -1;
	/* The kernel reads IFNAMSIZ bytes, whatever the string's length. */
	memcpy(name, bridge, strlen(bridge));
	/* EEXIST: made before, or by a racing caller, or not a bridge at all. */
	if (ioctl(fd, SIOCBRADDBR, name) < 0 && errno != EEXIST)
		return nsw_error(err, errno, "cannot create bridge %s", bridge);
	if (!sysfs_has(bridge, "bridge"))
		return nsw_error(err, 0, "interface %s exists and is not a bridge", bridge);

	ret = get_addr(fd, bridge, &have, err);
	if (ret < 0)
		return -1;
	if (ret && have != addr)
		return nsw_error(err, 0, "bridge %s already has address %s, not %s", bridge,
				 ipstr(have, have_buf), ipstr(addr, want));
	if (!ret && set_addr(fd, bridge, addr, err) < 0)
		return -1;
	/* Always: it also mends a caller that stopped between address and mask. */
	if (set_mask(fd, bridge, prefix, err) < 0)
		return -1;
	return set_up(fd, bridge, err);
}

int nsw_bridge_remove_if_unused(const char *bridge, struct nsw_error *err)
{
	int ports;

	if (check_ifname(bridge, err) < 0)
		return -1;
	ports = count_ports(bridge);
	if (ports < 0 && errno == ENOENT)
		return sysfs_has(bridge, "") ?
			       nsw_error(err, 0, "interface %s is not a bridge", bridge) : 0;
	if (ports < 0)
		return nsw_error(err, errno, "cannot list the ports of bridge %s", bridge);
	if (ports > 0)
		return 0;
	return nsw_link_delete(bridge, err);
}

int nsw_veth_create(const char *host_if, const char *peer_if, pid_t netns_pid, const char *bridge,
		    struct nsw_error *err)
{
	cleanup_close int fd = -1;
	struct nsw_error ignored;

	if (check_ifname(host_if, err) < 0 || check_ifname(peer_if, err) < 0 ||
	    check_ifname(bridge, err) < 0)
		return -1;
	if (netns_pid <= 0)
		return nsw_error(err, 0, "invalid pid %d for the network namespace of %s",
				 (int)netns_pid, peer_if);
	if (veth_add(host_if, peer_if, netns_pid, err) < 0)
		return -1;

	fd = inet_socket(err);
	if (fd < 0 || bridge_add_port(fd, bridge, host_if, err) < 0 || set_up(fd, host_if, err) < 0)
		goto delete_veth;
	return 0;

delete_veth:
	/* The peer goes with it. The error worth reporting is the first one. */
	nsw_link_delete(host_if, &ignored);
	return -1;
}

int nsw_link_up(const char *ifname, struct nsw_error *err)
{
	cleanup_close int fd = -1;

	if (check_ifname(ifname, err) < 0)
		return -1;
	fd = inet_socket(err);
	if (fd < 0)
		return -1;
	return set_up(fd, ifname, err);
}

int nsw_if_configure(const char *ifname, const char *addr_cidr, const char *gateway,
		     struct nsw_error *err)
{
	cleanup_close int fd = -1;
	unsigned int prefix;
	uint32_t addr, gw = 0;

	if (check_ifname(ifname, err) < 0 || parse_if_addr(addr_cidr, &addr, &prefix, err) < 0)
		return -1;
	if (gateway && parse_ipv4(gateway, &gw) < 0)
		return nsw_error(err, 0, "invalid gateway '%s' (want a.b.c.d)", gateway);
	fd = inet_socket(err);
	if (fd < 0)
		return -1;
	if (set_addr(fd, ifname, addr, err) < 0 || set_mask(fd, ifname, prefix, err) < 0)
		return -1;
	/* Up before the route: the gateway is reachable only through the subnet's route. */
	if (set_up(fd, ifname, err) < 0)
		return -1;
	return gateway ? add_default_route(fd, ifname, gw, err) : 0;
}
