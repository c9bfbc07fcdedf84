/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The init protocol: the monitor (monitor.c, on the host) and the
 * container's first process (init.c, in the new namespaces) step through
 * the setup together over a SOCK_SEQPACKET pair:
 *
 *   monitor                          container init
 *   clone3(namespaces)  ----------->  waits
 *   uid/gid maps, cgroup, veth,
 *   idmapped rootfs     --SETUP(fd)->  ids, cgroupns, network, hostname,
 *                                      mounts, pivot_root, security
 *   seccomp filter compiled
 *                       <--READY----   (or ERROR + message, and exit)
 *   state file, prestart hook
 *                       ---EXEC(fd)->  the filter loaded, execvp(); the
 *                                      socket is close-on-exec,
 *                       <--EOF------   so EOF means the command runs
 *                       <--EXECFAIL--  (or the errno of execvp)
 *
 * When the monitor has an observer for them, the init also reports each
 * of its steps as a typed PHASE record (any number before READY, and one,
 * NSW_PHASE_EXEC, before the EOF). Otherwise it sends none.
 */
#ifndef NSW_PROTOCOL_H
#define NSW_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/nsnames.h"

enum nsw_msg_type {
	NSW_MSG_SETUP = 1,
	NSW_MSG_READY,
	NSW_MSG_EXEC,
	NSW_MSG_ERROR,
	NSW_MSG_EXEC_FAILED,
	NSW_MSG_PHASE,
	/*
	 * OCI create: before EXEC, the start fifo (an O_RDWR fd); the init
	 * reads one byte from it, which `start` writes, before it goes on.
	 */
	NSW_MSG_START_FIFO,
};

/* The init's steps, in the order it takes them. */
enum nsw_phase_kind {
	NSW_PHASE_PRIVATE,	/* every mount made private */
	NSW_PHASE_HOST_HANDLES,	/* rootfs and bind sources opened (a span) */
	NSW_PHASE_BECOME_ROOT,	/* uid 0 in the user namespace */
	NSW_PHASE_CGROUPNS,	/* unshare(CLONE_NEWCGROUP) */
	NSW_PHASE_NETWORK,	/* lo (and eth0) up */
	NSW_PHASE_HOSTNAME,
	NSW_PHASE_ROOTFS,	/* the rootfs attached on itself */
	NSW_PHASE_MOUNT,	/* one of the description's mounts */
	NSW_PHASE_DEV_LINKS,	/* the /dev symlinks; ends the mounts */
	NSW_PHASE_PIVOT_ROOT,
	NSW_PHASE_MASKS,	/* masked and read-only paths */
	NSW_PHASE_IDENTITY,	/* ids, capabilities */
	NSW_PHASE_NO_NEW_PRIVS,
	NSW_PHASE_WORKDIR,
	NSW_PHASE_EXEC,		/* execvp() comes next */
};

/*
 * PHASE: one step of the init. Strings are not copied into the record:
 * the init is the monitor's clone, so both hold the same description, and
 * a mount is named by its index in it (any path length).
 */
struct nsw_phase {
	enum nsw_phase_kind kind;
	unsigned long long begin;	/* CLOCK_MONOTONIC ns; 0 if not timed */
	unsigned long long ts;		/* when it was done */
	union {
		struct {
			bool idmapped;	/* the monitor's idmapped tree */
			bool layer;	/* under a writable layer */
		} rootfs;
		struct {
			int index;	/* in the description's mounts[] */
		} mount;
		struct {
			int links;
		} dev_links;
		struct {
			int masked, readonly;
			bool readonly_root;
		} masks;
		struct {
			uint32_t uid, gid;
			uint64_t caps;
		} identity;
	};
};

struct nsw_msg {
	int type;
	struct nsw_error err;	/* ERROR, EXEC_FAILED */
	/*
	 * READY: the init's namespace inodes, by nsw_types[] index, read by
	 * the init itself (a rootless monitor may not read a non-dumpable
	 * process's /proc/PID/ns).
	 */
	unsigned long long ns_inode[NSW_TYPE_COUNT];
	struct nsw_phase phase;	/* PHASE */
};

/* One message, with an optional fd (-1: none). 0, or -1 with errno. */
int nsw_msg_send(int sock, const struct nsw_msg *m, int fd);
/*
 * The next message; fd_out (may be NULL) receives the fd sent with it, or
 * -1. 1, 0 at EOF, or -1 with errno.
 */
int nsw_msg_recv(int sock, struct nsw_msg *m, int *fd_out);

#endif /* NSW_PROTOCOL_H */
