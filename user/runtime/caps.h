/* SPDX-License-Identifier: GPL-2.0 */
/* Capability names, the container's default set, and dropping the rest. */
#ifndef NSW_CAPS_H
#define NSW_CAPS_H

#include <stdint.h>
#include <stddef.h>
#include "lib/error.h"

#define NSW_CAP_BIT(c) (1ULL << (c))

/*
 * The default set is Docker's and runc's, so that images behave as they do
 * there: enough to own files, change ids and bind low ports; nothing that
 * reaches the kernel (SYS_ADMIN, SYS_MODULE, NET_ADMIN, SYS_PTRACE, ...).
 */
#define NSW_CAPS_DEFAULT                                                      \
	(NSW_CAP_BIT(0) /* CHOWN */ | NSW_CAP_BIT(1) /* DAC_OVERRIDE */ |    \
	 NSW_CAP_BIT(3) /* FOWNER */ | NSW_CAP_BIT(4) /* FSETID */ |         \
	 NSW_CAP_BIT(5) /* KILL */ | NSW_CAP_BIT(6) /* SETGID */ |           \
	 NSW_CAP_BIT(7) /* SETUID */ | NSW_CAP_BIT(8) /* SETPCAP */ |        \
	 NSW_CAP_BIT(10) /* NET_BIND_SERVICE */ | NSW_CAP_BIT(13) /* NET_RAW */ | \
	 NSW_CAP_BIT(18) /* SYS_CHROOT */ | NSW_CAP_BIT(27) /* MKNOD */ |    \
	 NSW_CAP_BIT(29) /* AUDIT_WRITE */ | NSW_CAP_BIT(31) /* SETFCAP */)

/* "NET_ADMIN", "CAP_NET_ADMIN", "net_admin", or "ALL" -> bits. */
int nsw_cap_parse(const char *name, uint64_t *bits, struct nsw_error *err);
/* "CAP_CHOWN" for 0; NULL past the last known one. */
const char *nsw_cap_name(unsigned int cap);
/* Comma-separated names of the bits, e.g. for the state file. */
void nsw_caps_format(uint64_t caps, char *buf, size_t len);

/*
 * Keep only caps: drop the rest from the bounding set, clear the ambient
 * set, and make effective = permitted = inheritable = caps (as far as the
 * caller still holds them). Call after the final setresuid().
 */
int nsw_caps_apply(uint64_t caps, struct nsw_error *err);
/* Drop from the bounding set every capability not in caps. Before setuid. */
int nsw_caps_bound(uint64_t caps, struct nsw_error *err);

#endif /* NSW_CAPS_H */
