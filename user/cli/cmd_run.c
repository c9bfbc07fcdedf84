// SPDX-License-Identifier: GPL-2.0
/* nswatch run: the command line into a description, then the runtime. */
#include <stdio.h>
#include "cli/commands.h"
#include "cli/run_opts.h"
#include "runtime/runtime.h"

int cmd_run(int argc, char **argv, struct nsw_error *err)
{
	struct nsw_container c;
	int r;

	if (nsw_container_init(&c, err) < 0)
		return -1;
	if (run_parse_args(argc, argv, &c, 0)) {
		nsw_container_free(&c);
		return 2;
	}
	if (nsw_container_validate(&c, err) < 0) {
		r = -1;
		goto out;
	}
	fflush(stdout);
	/* nsw_run() gives -status with err filled (transitional). */
	r = nsw_run(&c, err);
	if (r < 0)
		r = nsw_error_set_status(err, -r);
out:
	nsw_container_free(&c);
	return r;
}
