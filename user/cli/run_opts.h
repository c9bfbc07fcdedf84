/* SPDX-License-Identifier: GPL-2.0 */
/* `nswatch run` options: the command line fills a struct nsw_container. */
#ifndef NSW_RUN_OPTS_H
#define NSW_RUN_OPTS_H

#include "runtime/container.h"

/*
 * c must come from nsw_container_init(). argp_flags as for
 * trace_parse_args(): 0 exits with status 2 on a bad option, ARGP_NO_ERRS
 * returns an errno (tests).
 */
int run_parse_args(int argc, char **argv, struct nsw_container *c,
		   unsigned int argp_flags);

#endif /* NSW_RUN_OPTS_H */
