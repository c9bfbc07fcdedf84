// SPDX-License-Identifier: GPL-2.0
/* Id ranges and bridge addresses, each held by one container at a time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/alloc.h"
#include "runtime/netdev.h"
#include "lib/util.h"

/* Host numbers in a /24: at most this many addresses are in use. */
#define NSW_SUBNET_HOSTS 256
/* A line of /etc/passwd, /etc/group, /etc/subuid or /etc/subgid. */
#define NSW_ID_LINE_MAX 1024
/* The field of the first id: passwd and group "name:x:ID", subuid "name:START". */
#define NSW_FIELD_PASSWD_ID 2
#define NSW_FIELD_SUBID_START 1

static bool range_in_file(const char *path, int idfield, uint32_t lo, uint32_t hi)
{
	cleanup_fclose FILE *f = fopen(path, "re");
	char line[NSW_ID_LINE_MAX];

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok = strtok_r(line, ":", &save);
		unsigned long long start = 0, count = 1;

		for (int i = 1; tok && i <= idfield; i++)
			tok = strtok_r(NULL, ":", &save);
		if (!tok)
			continue;
		start = strtoull(tok, NULL, 10);
		if (idfield == NSW_FIELD_SUBID_START) { /* name:start:count */
			tok = strtok_r(NULL, ":", &save);
			count = tok ? strtoull(tok, NULL, 10) : 1;
		}
		if (start <= hi && start + count > lo)
			return true;
	}
	return false;
}

static bool slot_used_by_host(int slot)
{
	uint32_t lo = NSW_IDRANGE_BASE + slot * NSW_IDRANGE_SIZE;
	uint32_t hi = lo + NSW_IDRANGE_SIZE - 1;

	return range_in_file("/etc/passwd", NSW_FIELD_PASSWD_ID, lo, hi) ||
	       range_in_file("/etc/group", NSW_FIELD_PASSWD_ID, lo, hi) ||
	       range_in_file("/etc/subuid", NSW_FIELD_SUBID_START, lo, hi) ||
	       range_in_file("/etc/subgid", NSW_FIELD_SUBID_START, lo, hi);
}

struct used {
	bool slots[NSW_IDRANGE_SLOTS];
	unsigned int hosts[NSW_SUBNET_HOSTS];
	int n_hosts;
};

/* Slots and host numbers held by every container with a state file. */
static int used_resources(struct used *u, struct nsw_error *err)
{
	char **names;
	int n;

	if (nsw_state_list(&names, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct nsw_instance o;
		struct nsw_error ignored;
		unsigned int h;

		if (nsw_state_load(names[i], &o, NULL, &ignored) == 0) {
			if (o.idslot >= 0 && o.idslot < NSW_IDRANGE_SLOTS)
				u->slots[o.idslot] = true;
			if (o.ip[0] && u->n_hosts < NSW_SUBNET_HOSTS &&
			    nsw_ipv4_host_number(NSW_SUBNET, o.ip, &h, &ignored) == 0)
				u->hosts[u->n_hosts++] = h;
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

static int pick_id_range(struct nsw_container *c, struct nsw_instance *in,
			 const struct used *u, struct nsw_error *err)
{
	int slot;

	for (slot = 0; slot < NSW_IDRANGE_SLOTS; slot++)
		if (!u->slots[slot] && !slot_used_by_host(slot))
			break;
	if (slot == NSW_IDRANGE_SLOTS)
		return nsw_error(err, 0, "no free id range for a user namespace");
	in->idslot = slot;
	c->uid_maps[0] = (struct nsw_idmap){
		0, NSW_IDRANGE_BASE + slot * NSW_IDRANGE_SIZE, NSW_IDRANGE_SIZE
	};
	c->n_uid_maps = 1;
	if (!c->n_gid_maps) {
		c->gid_maps[0] = c->uid_maps[0];
		c->n_gid_maps = 1;
	}
	return 0;
}

static int pick_address(struct nsw_instance *in, const struct used *u,
			struct nsw_error *err)
{
	unsigned int h;

	if (nsw_ipv4_pick(NSW_SUBNET, u->hosts, u->n_hosts, in->ip, sizeof(in->ip),
			  in->gateway, sizeof(in->gateway), err) < 0 ||
	    nsw_ipv4_host_number(NSW_SUBNET, in->ip, &h, err) < 0)
		return -1;
	snprintf(in->host_if, sizeof(in->host_if), NSW_VETH_PREFIX "%u", h);
	snprintf(in->bridge, sizeof(in->bridge), "%s", NSW_BRIDGE);
	return 0;
}

int nsw_allocate(struct nsw_container *c, struct nsw_instance *in,
		 struct nsw_error *err)
{
	cleanup_free struct used *u = calloc(1, sizeof(*u));

	if (!u)
		return nsw_error(err, ENOMEM, "allocating an id range");
	if (used_resources(u, err) < 0)
		return -1;
	in->idslot = -1;
	if ((c->ns_flags & CLONE_NEWUSER) && !c->rootless && !c->n_uid_maps &&
	    pick_id_range(c, in, u, err) < 0)
		return -1;
	if (nsw_container_check_ids(c, err) < 0)
		return -1;
	if (c->net == NSW_NET_BRIDGE)
		return pick_address(in, u, err);
	return 0;
}
