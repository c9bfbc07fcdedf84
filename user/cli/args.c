// SPDX-License-Identifier: GPL-2.0
/* Argument parsing that several commands share. */
#include "cli/commands.h"

error_t nsw_argp_one_name(int key, char *arg, struct argp_state *state, const char **name)
{
	switch (key) {
	case ARGP_KEY_ARG:
		if (*name)
			argp_error(state, "unexpected argument '%s'", arg);
		*name = arg;
		return 0;
	case ARGP_KEY_END:
		if (!*name)
			argp_error(state, "expected NAME");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}
