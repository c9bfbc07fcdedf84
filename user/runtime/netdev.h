/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container networking, bridge model: a host bridge with the subnet's first
 * address, and one veth pair per container whose host end is a port of the
 * bridge and whose peer lives in the container's network namespace.
 *
 * Every function returns 0 on success, or -1 with err filled (see error.h).
 * Interface names are 1..15 characters (IFNAMSIZ - 1).
 */
#ifndef NSW_NETDEV_H
#define NSW_NETDEV_H

#include <stddef.h>
#include <sys/types.h>
#include "lib/error.h"

/* Host side, as root. */

/*
 * Create the bridge if missing, give it addr_cidr (e.g. "10.89.0.1/24") if
 * it has no address, and bring it up. Idempotent, and safe when callers race.
 * Fails if the name is taken by something that is not a bridge, or if the
 * bridge already has another address.
 */
int nsw_bridge_ensure(const char *bridge, const char *addr_cidr, struct nsw_error *err);

/*
 * Delete the bridge if it has no ports left. A missing bridge, or one still
 * in use, is success. Not atomic against a concurrent nsw_veth_create() on
 * the same bridge: callers that can race must serialise (e.g. a lock file).
 */
int nsw_bridge_remove_if_unused(const char *bridge, struct nsw_error *err);

/*
 * Create a veth pair: host_if stays in the caller's namespace, up and a port
 * of bridge; peer_if is created directly in the network namespace of
 * netns_pid (left down). On failure nothing is left behind.
 */
int nsw_veth_create(const char *host_if, const char *peer_if, pid_t netns_pid, const char *bridge,
		    struct nsw_error *err);

/* Delete a link (a veth pair goes as a whole). A missing link is success. */
int nsw_link_delete(const char *ifname, struct nsw_error *err);

/* Inside the container's network namespace (CAP_NET_ADMIN over it). */

int nsw_link_up(const char *ifname, struct nsw_error *err);

/*
 * Give ifname the address addr_cidr (e.g. "10.89.0.5/24"), bring it up and,
 * unless gateway is NULL, add a default route via gateway.
 */
int nsw_if_configure(const char *ifname, const char *addr_cidr, const char *gateway,
		     struct nsw_error *err);

/* Addressing, pure. Subnets are IPv4 "a.b.c.d/N" with N in 8..30. */

/*
 * In subnet_cidr, the gateway is host 1; pick the lowest host number >= 2
 * that is not in used_hosts[0..n_used) and is not the broadcast. Writes e.g.
 * "10.89.0.5/24" to addr_cidr and "10.89.0.1" to gateway.
 */
int nsw_ipv4_pick(const char *subnet_cidr, const unsigned int *used_hosts, int n_used,
		  char *addr_cidr, size_t len, char *gateway, size_t glen, struct nsw_error *err);

/*
 * The inverse: the host number of addr_cidr ("10.89.0.5/24" or "10.89.0.5")
 * in subnet_cidr. Fails if the address is outside the subnet, is its network
 * or broadcast address, or carries another prefix length.
 */
int nsw_ipv4_host_number(const char *subnet_cidr, const char *addr_cidr, unsigned int *host,
			 struct nsw_error *err);

#endif /* NSW_NETDEV_H */
