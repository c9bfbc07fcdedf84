/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The description of one container: what `nswatch run` builds. The command
 * line fills it (run_opts.c); a later OCI config.json reader can fill the
 * same structure, and nothing below the parser knows where it came from.
 */
#ifndef NSW_CONTAINER_H
#define NSW_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/types.h>
#include <linux/sched.h>
#include "runtime/cgroup.h"
#include "runtime/seccomp.h"
#include "lib/error.h"

/*
 * A container's name, and an OCI container's id. runc has no limit of its own
 * (its state directory's name, 255 bytes); engines hand over 64 hex digits
 * (podman, docker, Kubernetes) or up to 76 characters (containerd's
 * identifiers). 128 holds them all, and what is made from a name still fits
 * the kernel's limits: a directory entry ("nswatch/NAME", ".NAME.fifo") and
 * the default hostname, the name cut to NSW_HOSTNAME_MAX.
 */
#define NSW_NAME_MAX 128
/* The kernel's limit (__NEW_UTS_LEN), and RFC 1123's for one label. */
#define NSW_HOSTNAME_MAX 64
#define NSW_HOSTNAME_LABEL_MAX 63
#define NSW_HOSTNAME_RULE                                                     \
	"bad --hostname '%s': 1 to 64 letters, digits, '-' and '.' (RFC 1123: "  \
	"dot-separated labels of 1 to 63, not starting or ending with '-')"
#define NSW_MAX_MOUNTS 64
#define NSW_MAX_ENV 256
#define NSW_MAX_IDMAPS 8
/* OCI: process.user.additionalGids, process.rlimits. */
#define NSW_MAX_GROUPS 64
#define NSW_MAX_RLIMITS 16

/* Every CLONE_NEW* flag of nsw_types[] (nsnames.c): the default --ns. */
#define NSW_NS_ALL                                                            \
	((unsigned long)(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |          \
			 CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID |      \
			 CLONE_NEWTIME | CLONE_NEWUSER))

struct nsw_idmap {
	uint32_t inside, outside, count;
};

enum nsw_net_mode {
	NSW_NET_NONE,	/* a network namespace with lo only */
	NSW_NET_BRIDGE,	/* plus a veth pair to the nswatch bridge */
	NSW_NET_HOST,	/* no network namespace (--ns without net) */
	NSW_NET_MODES,
};

struct nsw_mount {
	char *source;	/* host path for binds; NULL for a filesystem */
	char *target;	/* absolute, inside the container */
	char *fstype;	/* NULL for a bind */
	char *data;	/* fsconfig key=value,... */
	unsigned int attr; /* MOUNT_ATTR_* (RDONLY, NOSUID, NODEV, NOEXEC) */
	bool is_file;	/* a file bind (device nodes, masks) */
	bool volume;	/* from --volume */
};

struct nsw_container {
	char name[NSW_NAME_MAX + 1];
	char hostname[NSW_HOSTNAME_MAX + 1];
	char *rootfs;		/* absolute */
	bool readonly_root;
	unsigned long ns_flags;	/* CLONE_NEW* */

	/* user namespace */
	int n_uid_maps, n_gid_maps;
	struct nsw_idmap uid_maps[NSW_MAX_IDMAPS], gid_maps[NSW_MAX_IDMAPS];
	bool rootless;		/* run by a non-root user */
	bool idmap_rootfs;	/* present the rootfs root-owned inside */

	/*
	 * Every mount, in order: the standard set (/proc, /sys, /dev, ...)
	 * that nsw_container_validate() puts first, then --volume ones.
	 */
	int n_mounts;
	struct nsw_mount mounts[NSW_MAX_MOUNTS];
	/* Hidden (a file under /dev/null, a directory under an empty tmpfs). */
	const char *const *masked_paths;
	/* Bound read-only over themselves. */
	const char *const *readonly_paths;

	/* process */
	char **argv;		/* borrowed from main's argv */
	int n_env;
	char *env[NSW_MAX_ENV];	/* K=V, applied over the defaults */
	char *workdir;
	uint32_t uid, gid;	/* inside */
	uint64_t caps;		/* capability bits kept */
	bool tty;		/* -t: a pseudo-terminal of its own (tty.h) */
	bool interactive;	/* -i: relay stdin to it */

	struct nsw_seccomp seccomp; /* zeroed: the default profile */

	struct nsw_limits limits;
	enum nsw_net_mode net;
	bool detach;
	char *prestart_hook;	/* sh -c, on the host, before exec */

	/* --trace: the start and the container's namespace operations */
	bool trace;		/* as text, on stderr */
	const char *trace_json;	/* as JSON lines to this file (borrowed) */

	/*
	 * An OCI bundle's description (oci/config.c); the command line leaves
	 * all of it zero. With oci: the mounts, masks and environment are the
	 * config's alone (only the host's harmless device nodes are added),
	 * no writable layer (the engine gives the rootfs to write to), no
	 * hostname unless given, and the init outlives the process that made
	 * it, waiting on the start fifo it gets before EXEC (protocol.h).
	 */
	bool oci;
	bool keep_privs;	/* noNewPrivileges false: no PR_SET_NO_NEW_PRIVS */
	int n_groups;		/* additional gids */
	uint32_t groups[NSW_MAX_GROUPS];
	int n_rlimits;
	struct nsw_rlimit {
		int resource;	/* RLIMIT_* */
		uint64_t soft, hard;
	} rlimits[NSW_MAX_RLIMITS];
	bool set_oom_score_adj;
	int oom_score_adj;
	bool set_umask;
	unsigned int umask;
	/* caps is the bounding set; these the others, when caps_sets. */
	bool caps_sets;
	uint64_t caps_effective, caps_permitted, caps_inheritable, caps_ambient;
	/* linux.sysctl: "net.ipv4.ip_forward=1", NULL-ended (borrowed); namespaced ones only. */
	char **sysctl;
	/*
	 * run --rm: the state goes when the command ends. A detached
	 * container's is kept otherwise (ps -a, logs, until rm); a
	 * foreground one's always goes.
	 */
	bool auto_remove;

	/* --trace-out FILE: the timeline to FILE in --trace-format (borrowed; cli/run_opts.c checks it) */
	const char *trace_out;
	const char *trace_format;	/* "text", "json" (the default), "perfetto" */
	/*
	 * OCI: the mount namespace to join (linux.namespaces' path, borrowed)
	 * instead of a new one; the init joins it first and builds the root
	 * there, as runc does.
	 */
	const char *mnt_ns_path;
	/*
	 * Bit i: mounts[i] is made read-only once the mounts inside it are
	 * made (an OCI cgroup mount's tmpfs, which holds their mountpoints).
	 */
	uint64_t sealed_mounts;
	/* OCI linux.devices: nodes the init makes (mknod) in the container (borrowed). */
	int n_devices;
	const struct nsw_device {
		char *path;		/* absolute, in the container */
		mode_t type;		/* S_IFCHR, S_IFBLK or S_IFIFO */
		unsigned int major, minor;
		mode_t mode;		/* permission bits */
		uid_t uid;
		gid_t gid;
	} *devices;
	/*
	 * OCI propagation: bit i, mounts[i] made shared (rshared: with what is
	 * below it) once mounted; root_shared, the root (rootfsPropagation;
	 * root_unbindable: no bind of it can be made).
	 * Every mount is a private clone until then: the peer groups made are
	 * the container's own, never shared with the host's namespace.
	 */
	uint64_t shared_mounts, rshared_mounts;
	bool root_shared, root_rshared, root_unbindable;
};

_Static_assert(NSW_MAX_MOUNTS <= 64, "sealed_mounts and the shared masks have a bit per mount");

/* Is the run traced (--trace, --trace-json or --trace-out)? */
static inline bool nsw_container_traced(const struct nsw_container *c)
{
	return c->trace || c->trace_json || c->trace_out;
}

/* Defaults: all namespaces, default caps, the built-in rootfs, a fresh name. */
int nsw_container_init(struct nsw_container *c, struct nsw_error *err);
void nsw_container_free(struct nsw_container *c);

/* Checks that need the whole description (and the host): rootfs, maps... */
int nsw_container_validate(struct nsw_container *c, struct nsw_error *err);

/* After the default id maps are picked: is root and --user mapped? */
int nsw_container_check_ids(const struct nsw_container *c,
			    struct nsw_error *err);

bool nsw_name_valid(const char *name);
/* An RFC 1123 host name of at most NSW_HOSTNAME_MAX characters. */
bool nsw_hostname_valid(const char *name);
/* "mnt,uts" -> CLONE_NEW* bits. */
int nsw_parse_ns_list(const char *s, unsigned long *flags, struct nsw_error *err);
/* "0:100000:65536" -> one map (appended to maps). */
int nsw_parse_idmap(const char *s, struct nsw_idmap *maps, int *n,
		    struct nsw_error *err);
/* "UID" or "UID:GID", numeric (run and exec --user). */
int nsw_parse_user(const char *s, uint32_t *uid, uint32_t *gid,
		   struct nsw_error *err);
/* "K=V" with a non-empty K. */
bool nsw_env_valid(const char *kv);
int nsw_container_add_env(struct nsw_container *c, const char *kv,
			  struct nsw_error *err);
/*
 * "SRC:DST[:ro]" -> an extra bind mount. DST is kept normalised: no
 * repeated or trailing '/', no "." component; ".." and "/" are refused.
 */
int nsw_parse_volume(struct nsw_container *c, const char *s,
		     struct nsw_error *err);

#endif /* NSW_CONTAINER_H */
