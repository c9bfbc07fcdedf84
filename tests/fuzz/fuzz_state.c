// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the state file parser: any bytes, as the state file
 * of container "c1", must give 0 or -1 with a message, never a crash, a
 * leak or an out-of-bounds read (ASan). What it accepts must hold what a
 * state file may hold. make fuzz runs it; tests/fuzz/corpus/state/ seeds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsw_instance in;
	struct nsw_container c;
	struct nsw_error err;

	if (nsw_state_parse((const char *)data, size, "c1", &in, &c, &err) < 0) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	/* Accepted: the name is its directory's, every string ends in the field. */
	if (strcmp(in.name, "c1") || strnlen(in.status, sizeof(in.status)) == sizeof(in.status) ||
	    in.cg.n < 0 || in.cg.n > NSW_CGROUP_MAX_DIRS || in.pid < 0 || in.monitor_pid <= 0 ||
	    !c.workdir || c.workdir[0] != '/' || !c.rootfs || c.rootfs[0] != '/')
		abort();
	for (int i = 0; i < in.cg.n; i++)
		if (in.cg.dirs[i].path[0] != '/' || strstr(in.cg.dirs[i].path, "/../"))
			abort();
	nsw_container_free(&c);
	return 0;
}
