// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "runtime/caps.h"
#include "lib/util.h"

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

const char *nsw_cap_name(unsigned int cap)
{
	return cap < ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

int nsw_cap_parse(const char *name, uint64_t *bits, struct nsw_error *err)
{
	const char *bare = name;

	if (!strcasecmp(name, "ALL")) {
		*bits = (1ULL << ARRAY_SIZE(cap_names)) - 1;
		return 0;
	}
	if (!strncasecmp(bare, "CAP_", 4))
		bare += 4;
	for (unsigned int i = 0; i < ARRAY_SIZE(cap_names); i++) {
		if (!strcasecmp(bare, cap_names[i] + 4)) {
			*bits = NSW_CAP_BIT(i);
			return 0;
		}
	}
	return nsw_error(err, 0,
			 "unknown capability '%s' (e.g. NET_ADMIN, CAP_SYS_ADMIN or ALL)",
			 name);
}

void nsw_caps_format(uint64_t caps, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(cap_names) && off < len; i++) {
		if (!(caps & NSW_CAP_BIT(i)))
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? "," : "",
				cap_names[i]);
	}
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

int nsw_caps_bound(uint64_t caps, struct nsw_error *err)
{
	int last = last_cap();

	for (int cap = 0; cap <= last; cap++) {
		if (cap < 64 && (caps & NSW_CAP_BIT(cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return nsw_error(err, errno,
					 "cannot drop capability %d from the bounding set",
					 cap);
	}
	return 0;
}

int nsw_caps_apply(uint64_t caps, struct nsw_error *err)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return nsw_error(err, errno, "cannot clear the ambient capabilities");
	if (syscall(SYS_capget, &hdr, data) < 0)
		return nsw_error(err, errno, "capget");
	for (int i = 0; i < 2; i++) {
		uint32_t want = caps >> (32 * i);

		data[i].permitted &= want;
		data[i].effective = data[i].permitted;
		data[i].inheritable = data[i].permitted;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return nsw_error(err, errno, "cannot set the capabilities");
	return 0;
}
