/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capability names (libcap's), the container's default set, and dropping
 * the rest. A set is a uint64_t with bit CAP_X for capability CAP_X.
 */
#ifndef NSW_CAPS_H
#define NSW_CAPS_H

#include <stdint.h>
#include <stddef.h>
#include <linux/capability.h>
#include "lib/error.h"
#include "lib/json.h"

#define NSW_CAP_BIT(c) (1ULL << (c))

/* Every capability this build knows by name: the kernel headers' last one. */
#define NSW_CAPS_ALL (NSW_CAP_BIT(CAP_LAST_CAP + 1) - 1)

/*
 * The default set is Docker's and runc's without NET_RAW, as podman's, so
 * that images behave as they do there: enough to own files, change ids and
 * bind low ports; nothing that reaches the kernel (SYS_ADMIN, SYS_MODULE,
 * NET_ADMIN, SYS_PTRACE, ...). NET_RAW opens AF_PACKET sockets, with which
 * a container on the bridge forges ARP for another's addresses.
 */
#define NSW_CAPS_DEFAULT                                                                           \
	(NSW_CAP_BIT(CAP_CHOWN) | NSW_CAP_BIT(CAP_DAC_OVERRIDE) | NSW_CAP_BIT(CAP_FOWNER) |        \
	 NSW_CAP_BIT(CAP_FSETID) | NSW_CAP_BIT(CAP_KILL) | NSW_CAP_BIT(CAP_SETGID) |               \
	 NSW_CAP_BIT(CAP_SETUID) | NSW_CAP_BIT(CAP_SETPCAP) | NSW_CAP_BIT(CAP_NET_BIND_SERVICE) |  \
	 NSW_CAP_BIT(CAP_SYS_CHROOT) | NSW_CAP_BIT(CAP_MKNOD) | NSW_CAP_BIT(CAP_AUDIT_WRITE) |      \
	 NSW_CAP_BIT(CAP_SETFCAP))

/* Room for the name of one capability, "CAP_CHECKPOINT_RESTORE" and then some. */
#define NSW_CAP_NAME_LEN 32

/* "NET_ADMIN", "CAP_NET_ADMIN", "net_admin", or "ALL" -> bits. */
int nsw_cap_parse(const char *name, uint64_t *bits, struct nsw_error *err);
/* "CAP_CHOWN" for CAP_CHOWN into buf; -1 with err filled past CAP_LAST_CAP. */
int nsw_cap_name(unsigned int cap, char *buf, size_t len, struct nsw_error *err);
/* Comma-separated names of the bits, e.g. "CAP_CHOWN,CAP_SETFCAP". */
void nsw_caps_format(uint64_t caps, char *buf, size_t len);
/* The names of the bits as a JSON array (state files, seccomp profiles). */
void nsw_caps_json(struct nsw_json *w, uint64_t caps);

/*
 * Keep only caps: drop the rest from the bounding set, clear the ambient
 * set, and make effective = permitted = inheritable = caps (as far as the
 * caller still holds them). Call after the final setresuid().
 */
int nsw_caps_apply(uint64_t caps, struct nsw_error *err);
/*
 * An OCI config's sets: each as given (as far as the caller still holds
 * them), then the ambient ones raised. Call after the final setresuid().
 */
int nsw_caps_apply_sets(uint64_t effective, uint64_t permitted, uint64_t inheritable,
			uint64_t ambient, struct nsw_error *err);
/* Drop from the bounding set every capability not in caps. Before setuid. */
int nsw_caps_bound(uint64_t caps, struct nsw_error *err);

#endif /* NSW_CAPS_H */
