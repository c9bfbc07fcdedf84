/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's terminal. Whatever the options, a container's process
 * (run's init, exec's command) starts a session of its own: the caller's
 * terminal is never its controlling terminal, so it cannot push input into
 * the caller's shell (TIOCSTI) or take the terminal's job control.
 *
 * With -t it gets a pseudo-terminal of its own devpts instance, as runc
 * --tty does: the container's process opens it, makes the slave its
 * controlling terminal and stdio, and hands the master to nswatch on the
 * host, which relays it to the caller's stdin and stdout (raw mode with -i,
 * window size).
 */
#ifndef NSW_TTY_H
#define NSW_TTY_H

#include <stdbool.h>
#include "lib/error.h"

/*
 * In the container, once its /dev/pts is mounted and its root pivoted, and
 * after the identity is applied (the slave is then the command's own):
 * setsid(), and with tty a new pseudo-terminal whose slave becomes the
 * controlling terminal and stdin, stdout and stderr, sized as the caller's
 * terminal. *master: the master (close-on-exec), or -1 without tty.
 */
int nsw_tty_setup(bool tty, int *master, struct nsw_error *err);

/*
 * exec: the command hands the master to nswatch exec over a SOCK_SEQPACKET
 * socket (the init protocol's READY record, with the fd). send: 0 or -1
 * with errno; recv: the master, or -1 if the command sent none (it failed
 * first, and says why through its own channel).
 */
int nsw_tty_send_master(int sock, int master);
int nsw_tty_recv_master(int sock);

/*
 * On the host: relay between the caller and master until pidfd's process
 * exits: master to stdout, and with interactive stdin to master (a terminal
 * stdin is put in raw mode and restored before this returns). The signals
 * of nsw_forwarded_signals() are forwarded to the process, except SIGWINCH,
 * which resizes the master (the kernel then tells the terminal's
 * foreground). ready(arg) is called whenever extra_fd (-1: none) polls
 * readable. The process's exit status, as nsw_wait_forwarding() gives it.
 */
int nsw_tty_relay_wait(int master, bool interactive, int pidfd, int extra_fd,
		       void (*ready)(void *), void *arg);

#endif /* NSW_TTY_H */
