/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A container's own writable layer: an overlay whose lower layer is the
 * rootfs it was given (idmapped or not, as the container sees it) and whose
 * upper and work directories live in the container's state directory
 * (STATE/NAME/layer/). Every write lands there; the rootfs on disk never
 * changes, and two containers on the same rootfs do not see each other.
 * --read-only gets none: the rootfs itself, read-only; nor does an OCI
 * bundle (its engine gives it the rootfs to write to, as runc has it).
 *
 * As root the monitor makes the overlay (the lower layer is its idmapped
 * tree, which only a mount made in the host's user namespace may use) and
 * sends it in SETUP; rootless, the init makes it in its own user namespace
 * over its own clone of the rootfs. The mount is detached until the init
 * attaches it in the container's mount namespace: the host never sees it.
 *
 * As root, STATE/NAME/layer is a tmpfs of its own: what the container
 * writes is charged to its memory cgroup, as its other memory is; the
 * layer goes with one umount however much was written, and costs no disk
 * I/O when the state directory is not on a tmpfs. Rootless, the
 * directories are made in the state directory (XDG_RUNTIME_DIR, a tmpfs).
 */
#ifndef NSW_LAYER_H
#define NSW_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include "runtime/container.h"
#include "lib/error.h"

/* Does the container get a writable layer (all but --read-only and OCI bundles)? */
static inline bool nsw_layer_wanted(const struct nsw_container *c)
{
	return !c->readonly_root && !c->oci;
}

/* STATE/NAME/layer, where the upper and work directories are. */
int nsw_layer_path(const char *name, char *buf, size_t len,
		   struct nsw_error *err);

/*
 * Make STATE/NAME/layer/{upper,work}. lower: the tree the layer goes over,
 * as the container will see it; the upper directory gets its root's owner
 * (through an idmapped tree: the container's root) and mode, as the
 * container's / shows the upper directory's.
 */
int nsw_layer_create(const struct nsw_container *c, int lower,
		     struct nsw_error *err);

/*
 * The overlay of c's layer over the tree lower (an fd from open_tree()), as
 * a detached mount (nodev): its fd, or -1.
 */
int nsw_layer_mount(const struct nsw_container *c, int lower,
		    struct nsw_error *err);

/*
 * Remove STATE/NAME/layer (unmounting its tmpfs) and whatever the
 * container wrote in it, never following a link it made; nothing there is
 * no error.
 */
int nsw_layer_remove(const char *name, struct nsw_error *err);

#endif /* NSW_LAYER_H */
