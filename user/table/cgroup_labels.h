/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Containers from the cgroup ids the BPF side records with each event
 * (struct nsw_event's cgroup_id and cgroup_v1_id): id -> cgroup path ->
 * label. The cgroup directory usually outlives a process that lived a
 * millisecond, so the id still resolves when the record is handled; no
 * /proc file of the process is read. Resolutions are cached by id.
 */
#ifndef NSW_CGROUP_LABELS_H
#define NSW_CGROUP_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "nswatch.h"
#include "lib/error.h"
#include "table/labels.h"

/* Where runtimes keep their state: /run. */
#define NSW_RUN_DIR "/run"

struct nsw_cgroup_labels;

/*
 * Find the cgroup2 mount and the v1 hierarchy of the first controller of
 * enum nsw_v1_ctrl mounted as one (from mountinfo). A host without either
 * gives a resolver that finds nothing for it.
 */
int nsw_cgroup_labels_open(struct nsw_cgroup_labels **out, struct nsw_error *err);
void nsw_cgroup_labels_free(struct nsw_cgroup_labels *c);

/* enum nsw_v1_ctrl: what the BPF side should read as cgroup_v1_id. */
__u32 nsw_cgroup_labels_v1_ctrl(const struct nsw_cgroup_labels *c);

/*
 * The container of a record's cgroups: the v2 cgroup's path first, then the
 * v1 one; false if neither names one. An unresolved id is asked again a
 * few times (a runtime's state may be written just after), then never.
 */
bool nsw_cgroup_labels_get(struct nsw_cgroup_labels *c, __u64 v2_id, __u64 v1_id,
			   struct nsw_label *l);

/*
 * The container of one cgroup, known by its absolute path (abs, under the
 * hierarchy's mount) and its path in the hierarchy (rel): the path forms of
 * nsw_cgroup_path_label(), then runtimes' state under run (NSW_RUN_DIR):
 * runc's state.json under each of runc's roots (its cgroup_paths), and
 * containerd's task directories for /<namespace>/<id>.
 */
bool nsw_cgroup_dir_label(const char *run, const char *abs, const char *rel,
			  struct nsw_label *l);

#endif /* NSW_CGROUP_LABELS_H */
