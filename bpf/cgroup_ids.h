/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The caller's cgroups, read in the kernel with each record, so that the
 * reporter can name a container even when the process lived a millisecond.
 *
 * cgroup v2: the unified hierarchy's cgroup id (kernfs node id), what
 * bpf_get_current_cgroup_id() and name_to_handle_at() on cgroup2 give.
 * cgroup v1: the id of the task's cgroup in one v1 hierarchy, the one of the
 * controller the reporter chose (cgroup_v1_ctrl, enum nsw_v1_ctrl): css_set
 * subsys[ssid] -> cgroup -> kn -> id. The controller's index is the running
 * kernel's enum cgroup_subsys_id value (CO-RE), so a kernel built without a
 * controller, or with others before it, still reads the right slot.
 */
#ifndef NSW_BPF_CGROUP_IDS_H
#define NSW_BPF_CGROUP_IDS_H

#include "kread.h"

/* Subsystem indexes are small; this only keeps a bad one from reading far. */
#define NSW_V1_SSID_MAX 64

const volatile __u32 cgroup_v1_ctrl = NSW_V1_NONE; /* enum nsw_v1_ctrl */

/* The running kernel's subsystem index of the chosen controller; -1 if none. */
static __always_inline int v1_ssid(void)
{
	switch (cgroup_v1_ctrl) {
	case NSW_V1_PIDS:
		if (bpf_core_enum_value_exists(enum cgroup_subsys_id, pids_cgrp_id))
			return bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
		break;
	case NSW_V1_MEMORY:
		if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
			return bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
		break;
	case NSW_V1_CPU:
		if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
			return bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id);
		break;
	case NSW_V1_DEVICES:
		if (bpf_core_enum_value_exists(enum cgroup_subsys_id, devices_cgrp_id))
			return bpf_core_enum_value(enum cgroup_subsys_id, devices_cgrp_id);
		break;
	case NSW_V1_FREEZER:
		if (bpf_core_enum_value_exists(enum cgroup_subsys_id, freezer_cgrp_id))
			return bpf_core_enum_value(enum cgroup_subsys_id, freezer_cgrp_id);
		break;
	}
	return -1;
}

/*
 * The task's cgroup in the chosen v1 hierarchy; 0 if none was chosen. btf:
 * how task is read (kread.h). The index into subsys[] is a constant to the
 * verifier (the reporter's choice is read-only data, the kernel's index a
 * CO-RE constant), so a direct load may take it.
 */
static __always_inline __u64 task_cgroup_v1_id(const bool btf, struct task_struct *task)
{
	int ssid = v1_ssid();
	struct cgroup_subsys_state *css = NULL;
	struct css_set *cset;

	/* The array's length is the running kernel's, not vmlinux.h's. */
	if (ssid < 0 || ssid >= NSW_V1_SSID_MAX)
		return 0;
	cset = NSW_RD(btf, task, cgroups);
	if (NSW_DIRECT(btf))
		css = cset->subsys[ssid];
	else
		bpf_core_read(&css, sizeof(css), &cset->subsys[ssid]);
	return css ? NSW_RD(btf, css, cgroup, kn, id) : 0;
}

/* The task's cgroup in the unified hierarchy (the cgroup2 mount); btf: kread.h. */
static __always_inline __u64 task_cgroup_v2_id(const bool btf, struct task_struct *task)
{
	return NSW_RD(btf, task, cgroups, dfl_cgrp, kn, id);
}

#endif /* NSW_BPF_CGROUP_IDS_H */
