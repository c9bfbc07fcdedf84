// SPDX-License-Identifier: GPL-2.0
/* nswatch run: the command line into a description, then the runtime. */
#include <stdio.h>
#include "cli/commands.h"
#include "cli/run_opts.h"
#include "runtime/runtime.h"

int cmd_run(int argc, char **argv)
{
	struct nsw_container c;
	struct nsw_error err = { 0 };
	int r;

	if (nsw_container_init(&c, &err) < 0) {
		nsw_error_print(&err);
		return 125;
	}
	if (run_parse_args(argc, argv, &c, 0)) {
		nsw_container_free(&c);
		return 2;
	}
	if (nsw_container_validate(&c, &err) < 0) {
		r = -125;
		goto out;
	}
	fflush(stdout);
	r = nsw_run(&c, &err);
out:
	if (r < 0)
		nsw_error_print(&err);
	nsw_container_free(&c);
	return r < 0 ? -r : r;
}
