/* SPDX-License-Identifier: GPL-2.0 */
/* One entry point per subcommand; main.c dispatches through a table. */
#ifndef NSW_COMMANDS_H
#define NSW_COMMANDS_H

#include <argp.h>
#include <stdbool.h>
#include "lib/error.h"

/*
 * A command returns its exit status (>= 0), or -1 with err filled: main()
 * prints err once and exits with err->status, or with the command's
 * failure status from its table row when that is 0. Bad options are
 * argp's to report (exit 2).
 */
int cmd_trace(int argc, char **argv, struct nsw_error *err);
int cmd_run(int argc, char **argv, struct nsw_error *err);
int cmd_exec(int argc, char **argv, struct nsw_error *err);
int cmd_ps(int argc, char **argv, struct nsw_error *err);
int cmd_kill(int argc, char **argv, struct nsw_error *err);
int cmd_rm(int argc, char **argv, struct nsw_error *err);
int cmd_logs(int argc, char **argv, struct nsw_error *err);
int cmd_ls(int argc, char **argv, struct nsw_error *err);
/* nswatch oci, and the binary run as nswatch-runc (main.c). */
int cmd_oci(int argc, char **argv, struct nsw_error *err);
/* Does this oci command line start a container (run from a sealed copy)? */
bool cmd_oci_sealed(int argc, char **argv);

/*
 * The one NAME argument of a command (rm, logs), for its argp parser: a
 * second argument or none is a usage error. ARGP_ERR_UNKNOWN for any other
 * key.
 */
error_t nsw_argp_one_name(int key, char *arg, struct argp_state *state, const char **name);

#endif /* NSW_COMMANDS_H */
