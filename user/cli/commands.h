/* SPDX-License-Identifier: GPL-2.0 */
/* One entry point per subcommand; main.c dispatches through a table. */
#ifndef NSW_COMMANDS_H
#define NSW_COMMANDS_H

int cmd_trace(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_ls(int argc, char **argv);

#endif /* NSW_COMMANDS_H */
