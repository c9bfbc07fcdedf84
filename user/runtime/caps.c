// SPDX-License-Identifier: GPL-2.0
/*
 * Names come from libcap (cap_to_name, cap_from_name), so a capability the
 * kernel headers add needs no table here; the sets are applied with libcap
 * too.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include "runtime/caps.h"
#include "lib/util.h"

#define CAP_PREFIX     "CAP_"
#define CAP_PREFIX_LEN (sizeof(CAP_PREFIX) - 1)

/* A set holds this many capabilities at most. */
#define CAPS_SET_BITS 64

static void cap_freep(void *p)
{
	void **v = p;

	if (*v)
		cap_free(*v);
}

#define cleanup_cap __attribute__((cleanup(cap_freep)))

int nsw_cap_name(unsigned int cap, char *buf, size_t len, struct nsw_error *err)
{
	cleanup_cap char *name = NULL;
	size_t n;

	if (cap > CAP_LAST_CAP)
		return nsw_error(err, EINVAL, "no capability %u", cap);
	name = cap_to_name(cap);
	if (!name)
		return nsw_error(err, errno, "cannot name capability %u", cap);
	n = strlen(name);
	if (n >= len)
		return nsw_error(err, ERANGE, "no room for the name of capability %u", cap);
	/* libcap says "cap_chown"; the kernel's headers and our users say CAP_CHOWN. */
	for (size_t i = 0; i <= n; i++)
		buf[i] = toupper((unsigned char)name[i]);
	return 0;
}

/*
 * The capability called name, any case, with or without CAP_. libcap also
 * takes numbers ("12"), which we do not: only names that it gives back.
 */
static int lookup(const char *name, cap_value_t *cap)
{
	char full[NSW_CAP_NAME_LEN], back[NSW_CAP_NAME_LEN];
	struct nsw_error ignored;
	const char *bare = name;
	int n;

	if (!strncasecmp(bare, CAP_PREFIX, CAP_PREFIX_LEN))
		bare += CAP_PREFIX_LEN;
	n = snprintf(full, sizeof(full), "%s%s", CAP_PREFIX, bare);
	if (n < 0 || (size_t)n >= sizeof(full))
		return -1;
	for (int i = 0; full[i]; i++)
		full[i] = tolower((unsigned char)full[i]);
	if (cap_from_name(full, cap) < 0 || *cap < 0 || *cap > CAP_LAST_CAP)
		return -1;
	if (nsw_cap_name(*cap, back, sizeof(back), &ignored) < 0 || strcasecmp(back, full))
		return -1;
	return 0;
}

int nsw_cap_parse(const char *name, uint64_t *bits, struct nsw_error *err)
{
	cap_value_t cap;

	if (!strcasecmp(name, "ALL")) {
		*bits = NSW_CAPS_ALL;
		return 0;
	}
	if (lookup(name, &cap) < 0)
		return nsw_error(
		    err, 0, "unknown capability '%s' (e.g. NET_ADMIN, CAP_SYS_ADMIN or ALL)", name);
	*bits = NSW_CAP_BIT(cap);
	return 0;
}

void nsw_caps_format(uint64_t caps, char *buf, size_t len)
{
	char name[NSW_CAP_NAME_LEN];
	struct nsw_error ignored;
	size_t off = 0;
	int n;

	buf[0] = '\0';
	for (unsigned int i = 0; i <= CAP_LAST_CAP && off < len; i++) {
		if (!(caps & NSW_CAP_BIT(i)) || nsw_cap_name(i, name, sizeof(name), &ignored) < 0)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", name);
		if (n < 0)
			break;
		off += n;
	}
}

void nsw_caps_json(struct nsw_json *w, uint64_t caps)
{
	char name[NSW_CAP_NAME_LEN];
	struct nsw_error ignored;

	nsw_json_array_begin(w);
	for (unsigned int i = 0; i <= CAP_LAST_CAP; i++)
		if ((caps & NSW_CAP_BIT(i)) && nsw_cap_name(i, name, sizeof(name), &ignored) == 0)
			nsw_json_string(w, name);
	nsw_json_array_end(w);
}

static bool in_set(uint64_t caps, cap_value_t cap)
{
	return cap < CAPS_SET_BITS && (caps & NSW_CAP_BIT(cap));
}

int nsw_caps_bound(uint64_t caps, struct nsw_error *err)
{
	/* The running kernel's count, which may be past what our headers name. */
	cap_value_t last = cap_max_bits() - 1;

	for (cap_value_t cap = 0; cap <= last; cap++) {
		if (in_set(caps, cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return nsw_error(err, errno,
					 "cannot drop capability %d from the bounding set", cap);
	}
	return 0;
}

int nsw_caps_apply_sets(uint64_t effective, uint64_t permitted, uint64_t inheritable,
			uint64_t ambient, struct nsw_error *err)
{
	const struct {
		cap_flag_t flag;
		uint64_t set;
	} sets[] = { { CAP_EFFECTIVE, effective }, { CAP_PERMITTED, permitted },
		     { CAP_INHERITABLE, inheritable } };
	cap_value_t last = cap_max_bits() - 1;
	cleanup_cap cap_t now = NULL;
	cap_flag_value_t held;
	uint64_t kept = 0;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return nsw_error(err, errno, "cannot clear the ambient capabilities");
	now = cap_get_proc();
	if (!now)
		return nsw_error(err, errno, "cannot read the capabilities");
	for (cap_value_t cap = 0; cap <= last; cap++) {
		if (cap_get_flag(now, cap, CAP_PERMITTED, &held) < 0)
			return nsw_error(err, errno, "cannot read capability %d", cap);
		if (held && cap < CAPS_SET_BITS)
			kept |= NSW_CAP_BIT(cap);
		for (size_t f = 0; f < ARRAY_SIZE(sets); f++) {
			cap_flag_value_t v = held && in_set(sets[f].set, cap) ? CAP_SET : CAP_CLEAR;

			if (cap_set_flag(now, sets[f].flag, 1, &cap, v) < 0)
				return nsw_error(err, errno, "cannot prepare capability %d", cap);
		}
	}
	if (cap_set_proc(now) < 0)
		return nsw_error(err, errno, "cannot set the capabilities");
	for (cap_value_t cap = 0; cap <= last; cap++)
		if (in_set(ambient & kept, cap) && in_set(permitted, cap) && in_set(inheritable, cap) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return nsw_error(err, errno, "cannot raise ambient capability %d", cap);
	return 0;
}

/* What we no longer hold cannot be had back: each set = permitted & caps. */
int nsw_caps_apply(uint64_t caps, struct nsw_error *err)
{
	return nsw_caps_apply_sets(caps, caps, caps, 0, err);
}
