/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's first process, from clone3() to execvp(): it sits in the
 * new namespaces and follows the init protocol (protocol.h) with the
 * monitor.
 */
#ifndef NSW_INIT_H
#define NSW_INIT_H

#include <stdbool.h>
#include "runtime/container.h"
#include "runtime/state.h"

/* What the init needs beyond the description. */
struct nsw_init_args {
	const struct nsw_container *c;
	const struct nsw_instance *in;
	int sock;	/* its end of the pair */
	bool report;	/* send a PHASE record for each step */
};

/* The container's first process; never returns. */
__attribute__((noreturn)) void nsw_container_init_main(const struct nsw_init_args *a);

#endif /* NSW_INIT_H */
