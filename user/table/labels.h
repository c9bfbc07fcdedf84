/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which container a namespace belongs to. nswatch's own containers are
 * known by their state files; other engines by the container id they put
 * in their processes' cgroup paths (docs/ls.md lists the recognised forms).
 */
#ifndef NSW_LABELS_H
#define NSW_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "runtime/container.h"
#include "lib/error.h"
#include "lib/nsnames.h"

/* "containerd" and a NUL, with room. */
#define NSW_LABEL_ENGINE_LEN 16
/* A label as text, "engine:id": nsw_label_format()'s buffer. */
#define NSW_LABEL_TEXT_LEN (NSW_LABEL_ENGINE_LEN + NSW_NAME_MAX + 1)
/* A Kubernetes pod uid (36 characters) and its NUL, with room. */
#define NSW_POD_LEN 40

struct nsw_label {
	char engine[NSW_LABEL_ENGINE_LEN]; /* "nswatch", "docker", "containerd", "cri-o", "podman", "runc" */
	char id[NSW_NAME_MAX + 1];         /* the container name or full id */
	char pod[NSW_POD_LEN]; /* a Kubernetes pod's uid (from a kubepods path), "" if none */
};

/* "runc:mybox", "docker:0123456789ab" (long hex ids cut to 12). */
void nsw_label_format(const struct nsw_label *l, char *buf, size_t len);

/* Parse the text of a /proc/PID/cgroup file; false if no engine is recognised. */
bool nsw_cgroup_text_label(const char *text, struct nsw_label *l);

/*
 * One cgroup path ("/kubepods/burstable/pod<uid>/<id>", n bytes): the
 * innermost container it names by the forms of docs/ls.md.
 */
bool nsw_cgroup_path_label(const char *path, size_t n, struct nsw_label *l);

/*
 * The same for a live process; false if none or it is gone. When the
 * cgroup path names no engine, runc's state (NSW_RUNC_ROOT) is asked too.
 */
bool nsw_pid_label(pid_t pid, struct nsw_label *l);

/* Where root's runc keeps one directory per container, with state.json. */
#define NSW_RUNC_ROOT "/run/runc"

/*
 * The runc container (of those under root) whose live init has exactly
 * this /proc/PID/cgroup text: runc's default cgroup path, /<id>, is too
 * plain to be recognised by itself.
 */
bool nsw_runc_state_label(const char *root, const char *cgroup_text,
			  struct nsw_label *l);

/* A running nswatch container, as its state file records it. */
struct nsw_container_ns {
	char name[NSW_NAME_MAX + 1];
	pid_t pid;                        /* its init */
	pid_t monitor_pid;
	__u32 ns_inode[NSW_TYPE_COUNT];   /* by nsw_types[] index; 0 unknown */
};

/* The running containers of this user's state root; *out is malloc()ed. */
int nsw_scan_nswatch_containers(struct nsw_container_ns **out, size_t *n,
				struct nsw_error *err);

/* The container among list whose namespace of type (nsw_types[] index) is inode. */
const struct nsw_container_ns *
nsw_container_by_ns(const struct nsw_container_ns *list, size_t n,
		    unsigned int type, __u32 inode);

/* The same container as a label (engine "nswatch", its name); false if none. */
bool nsw_container_label(const struct nsw_container_ns *list, size_t n, unsigned int type,
			 __u32 inode, struct nsw_label *l);

/*
 * nsw_scan_nswatch_containers(), kept: scanned again only after the state
 * root or a container's directory changed (inotify), so that asking about
 * every namespace of a flood reads no state file.
 */
struct nsw_nswatch_cache;

/* NULL if out of memory; without inotify every ask scans, as before. */
struct nsw_nswatch_cache *nsw_nswatch_cache_new(void);
void nsw_nswatch_cache_free(struct nsw_nswatch_cache *c);

/* The nswatch container whose namespace of type (nsw_types[] index) is inode. */
bool nsw_nswatch_cache_label(struct nsw_nswatch_cache *c, unsigned int type,
			     __u32 inode, struct nsw_label *l);

#endif /* NSW_LABELS_H */
