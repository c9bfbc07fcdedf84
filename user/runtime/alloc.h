/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each container gets that no other may hold: a default id range for
 * its user namespace, an address on the nswatch bridge. Picked under the
 * state lock, from the state files of the containers that exist.
 */
#ifndef NSW_ALLOC_H
#define NSW_ALLOC_H

#include "runtime/container.h"
#include "runtime/state.h"
#include "lib/error.h"

#define NSW_BRIDGE "nswatch0"
#define NSW_SUBNET "10.89.0.0/24"
/* The bridge's own address: the containers' gateway. */
#define NSW_BRIDGE_ADDRESS "10.89.0.1/24"
/* The veth peer's name inside the container. */
#define NSW_VETH_PEER "eth0"
/* The host end of host number N's veth: NSW_VETH_PREFIX "N". */
#define NSW_VETH_PREFIX "nswv"

/*
 * Default id ranges when run by root: 65536 ids per container, slot k at
 * NSW_IDRANGE_BASE + k * 65536, each container its own. This sits in the
 * block systemd documents for container ids (524288-1879048191), far above
 * Debian's regular and subuid ranges; a slot that overlaps an id in
 * /etc/passwd, /etc/group, /etc/subuid or /etc/subgid is skipped.
 */
#define NSW_IDRANGE_BASE 0x60000000U
#define NSW_IDRANGE_SIZE 65536U
#define NSW_IDRANGE_SLOTS 4096

/*
 * Under the state lock: the default id maps (in->idslot) unless given,
 * checked; with --net bridge an address, the host's veth name, the bridge.
 */
int nsw_allocate(struct nsw_container *c, struct nsw_instance *in,
		 struct nsw_error *err);

#endif /* NSW_ALLOC_H */
