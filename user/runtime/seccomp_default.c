// SPDX-License-Identifier: GPL-2.0
/*
 * The default seccomp profile: Docker's default, as a list of what it
 * denies. Docker allows a list of calls and denies the rest; here the rest
 * is named and everything else is allowed, so that a call newer than the
 * list (fchmodat2, say, which libc uses only if it does not get ENOSYS)
 * keeps working instead of failing with EPERM. What Docker allows only with
 * a capability is denied unless the container keeps it (excludes.caps).
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <stdio.h>
#include <linux/capability.h>
#include <seccomp.h>
#include "runtime/caps.h"
#include "runtime/kernel.h"
#include "runtime/seccomp.h"
#include "lib/util.h"

#define CAP(c) NSW_CAP_BIT(CAP_##c)
/* The personality(2) values Docker allows: PER_LINUX, PER_LINUX32,
 * UNAME26, PER_LINUX32|UNAME26 and the query 0xffffffff. */
#define PERSONA_BITS (PER_LINUX32 | UNAME26)
#define PER_LINUX32 0x0008
#define UNAME26 0x0020000
#define PERSONA_QUERY 0xffffffffULL
#define PERSONA_WORD_BITS 32
/* ptrace and process_vm_* could leave a seccomp filter before 4.8. */
#define PTRACE_SAFE_MAJOR 4
#define PTRACE_SAFE_MINOR 8

/* clone's flags that make a namespace (CLONE_NEWTIME is unshare's only). */
static const uint64_t clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

/* Denied outright: Docker allows them under no capability. */
static const char *const denied[] = {
	"add_key", "keyctl", "request_key",	/* the kernel's keyrings are not namespaced */
	"kexec_load", "kexec_file_load",
	"create_module", "get_kernel_syms", "query_module",
	"swapon", "swapoff", "_sysctl", "nfsservctl", "uselib", "ustat", "sysfs",
	"userfaultfd", "vm86", "vm86old",
	"migrate_pages", "move_pages",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"afs_syscall", "getpmsg", "putpmsg", "security", "tuxcall", "vserver",
	NULL,
};

/* The mount API: unless CAP_SYS_ADMIN (or --allow-userns). */
static const char *const mount_calls[] = {
	"mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree",
	"fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "setns", NULL,
};

static const struct {
	uint64_t unless; /* any of these capabilities */
	const char *const names[8];
} cap_denied[] = {
	{ CAP(SYS_ADMIN), { "quotactl", "quotactl_fd", "fanotify_init", "lookup_dcookie",
			    "sethostname", "setdomainname" } },
	{ CAP(SYS_ADMIN) | CAP(BPF), { "bpf" } },
	{ CAP(SYS_ADMIN) | CAP(PERFMON), { "perf_event_open" } },
	{ CAP(SYS_ADMIN) | CAP(SYSLOG), { "syslog" } },
	{ CAP(SYS_MODULE), { "init_module", "finit_module", "delete_module" } },
	{ CAP(SYS_PACCT), { "acct" } },
	{ CAP(SYS_BOOT), { "reboot" } },
	{ CAP(SYS_CHROOT), { "chroot" } },
	{ CAP(SYS_PTRACE), { "kcmp", "pidfd_getfd", "process_madvise" } },
	{ CAP(SYS_RAWIO), { "iopl", "ioperm" } },
	{ CAP(SYS_TIME), { "settimeofday", "stime", "clock_settime", "clock_settime64" } },
	{ CAP(SYS_TTY_CONFIG), { "vhangup" } },
	{ CAP(SYS_NICE), { "get_mempolicy", "mbind", "set_mempolicy",
			   "set_mempolicy_home_node" } },
	{ CAP(DAC_READ_SEARCH), { "open_by_handle_at" } },
};

/*
 * The compat ABIs a native architecture runs, as Docker's archMap, but for
 * x32: each architecture costs about 0.7 ms of filter building at every
 * start, and x32 is off in most kernels (syscall.x32). A filter without it
 * kills a process that makes an x32 call, as libseccomp does for any
 * architecture it was not given.
 */
static const struct {
	uint32_t native, compat[2];
} compat_arches[] = {
	{ SCMP_ARCH_X86_64, { SCMP_ARCH_X86 } },
	{ SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM } },
	{ SCMP_ARCH_S390X, { SCMP_ARCH_S390 } },
	{ SCMP_ARCH_MIPS64, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32 } },
	{ SCMP_ARCH_MIPSEL64, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32 } },
};

struct builder {
	struct nsw_seccomp_profile *p;
	int cap;
	bool failed;
};

/* A new rule (ERRNO, EPERM) for names (NULL-ended), or NULL. */
static struct nsw_seccomp_rule *add(struct builder *b, const char *const *names)
{
	struct nsw_seccomp_rule *r;
	int n = 0;

	if (b->failed)
		return NULL;
	if (b->p->n_rules == b->cap) {
		int cap = b->cap ? b->cap * 2 : 64;
		struct nsw_seccomp_rule *nr = realloc(b->p->rules, cap * sizeof(*nr));

		if (!nr)
			goto fail;
		b->p->rules = nr;
		b->cap = cap;
	}
	r = &b->p->rules[b->p->n_rules];
	memset(r, 0, sizeof(*r));
	r->action = NSW_SCMP_ERRNO;
	r->errno_ret = -1;
	while (names[n])
		n++;
	r->names = calloc(n + 1, sizeof(*r->names));
	if (!r->names)
		goto fail;
	b->p->n_rules++;
	for (int i = 0; i < n; i++) {
		r->names[i] = strdup(names[i]);
		if (!r->names[i])
			goto fail;
		r->n_names++;
	}
	return r;
fail:
	b->failed = true;
	return NULL;
}

static struct nsw_seccomp_rule *add1(struct builder *b, const char *name)
{
	const char *names[] = { name, NULL };

	return add(b, names);
}

/* name is denied when (arg index & mask) == value. */
static struct nsw_seccomp_rule *add_masked(struct builder *b, const char *name,
					   unsigned int index, uint64_t mask, uint64_t value)
{
	struct nsw_seccomp_rule *r = add1(b, name);

	if (r) {
		r->args[0] = (struct nsw_seccomp_arg){ .index = index, .value = mask,
						       .value_two = value,
						       .op = NSW_SCMP_CMP_MASKED_EQ };
		r->n_args = 1;
	}
	return r;
}

/*
 * personality(2) with a value Docker does not allow. libseccomp compares an
 * argument once per rule, so "not one of five values" is spelled as rules
 * of one comparison each: with bit 0 clear, any bit outside PERSONA_BITS
 * set; with bit 0 set, any bit clear (only the query has all 32).
 */
static void deny_personality(struct builder *b)
{
	for (unsigned int bit = 1; bit < PERSONA_WORD_BITS; bit++) {
		uint64_t m = 1ULL << bit;

		if (!(m & PERSONA_BITS))
			add_masked(b, "personality", 0, m | 1, m);
		add_masked(b, "personality", 0, m | 1, 1);
	}
}

/*
 * clone and unshare that make a namespace, unless CAP_SYS_ADMIN. With
 * allow_userns one that makes a user namespace may make the others too
 * (they belong to it); without, every namespace flag is denied.
 */
static void deny_namespaces(struct builder *b, bool allow_userns)
{
	const char *const calls[] = { "clone", "unshare" };

	for (size_t c = 0; c < ARRAY_SIZE(calls); c++) {
		size_t n = ARRAY_SIZE(clone_ns_flags) + (c == 1); /* + CLONE_NEWTIME */

		for (size_t i = 0; i < n; i++) {
			uint64_t f = i < ARRAY_SIZE(clone_ns_flags) ? clone_ns_flags[i] : CLONE_NEWTIME;
			uint64_t mask = f;
			/* s390's clone takes the stack first and the flags second. */
			unsigned int index_s390 = c == 0 ? 1 : 0;
			struct nsw_seccomp_rule *r;

			if (allow_userns) {
				if (f == CLONE_NEWUSER)
					continue;
				mask |= CLONE_NEWUSER;
			}
			r = add_masked(b, calls[c], 0, mask, f);
			if (r) {
				r->excludes.caps = CAP(SYS_ADMIN);
				r->excludes.arches[0] = SCMP_ARCH_S390;
				r->excludes.arches[1] = SCMP_ARCH_S390X;
				r->excludes.n_arches = 2;
			}
			r = add_masked(b, calls[c], index_s390, mask, f);
			if (r) {
				r->excludes.caps = CAP(SYS_ADMIN);
				r->includes.arches[0] = SCMP_ARCH_S390;
				r->includes.arches[1] = SCMP_ARCH_S390X;
				r->includes.n_arches = 2;
			}
		}
	}
	/* Its flags are behind a pointer: ENOSYS sends libc back to clone. */
	struct nsw_seccomp_rule *r = add1(b, "clone3");

	if (r) {
		r->errno_ret = ENOSYS;
		r->excludes.caps = CAP(SYS_ADMIN);
	}
}

/* Older than major.minor, or unknown: the careful answer. */
static bool kernel_before(unsigned int major, unsigned int minor)
{
	int c = nsw_kernel_compare(major, minor);

	return c == -1 || c == NSW_KERNEL_UNKNOWN;
}

static void set_arches(struct nsw_seccomp_profile *p)
{
	uint32_t native = seccomp_arch_native();

	for (size_t i = 0; i < ARRAY_SIZE(compat_arches); i++) {
		if (compat_arches[i].native != native)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(compat_arches[i].compat); k++)
			if (compat_arches[i].compat[k])
				p->arches[p->n_arches++] = compat_arches[i].compat[k];
	}
}

struct nsw_seccomp_profile *nsw_seccomp_default_profile(bool allow_userns)
{
	struct builder b = { .p = calloc(1, sizeof(*b.p)) };
	struct nsw_seccomp_rule *r;

	if (!b.p)
		return NULL;
	b.p->default_action = NSW_SCMP_ALLOW;
	b.p->default_errno = -1;
	set_arches(b.p);
	add(&b, denied);
	if (!allow_userns) {
		r = add(&b, mount_calls);
		if (r)
			r->excludes.caps = CAP(SYS_ADMIN);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cap_denied); i++) {
		r = add(&b, cap_denied[i].names);
		if (r)
			r->excludes.caps = cap_denied[i].unless;
	}
	if (kernel_before(PTRACE_SAFE_MAJOR, PTRACE_SAFE_MINOR)) {
		const char *const names[] = { "ptrace", "process_vm_readv", "process_vm_writev", NULL };

		r = add(&b, names);
		if (r)
			r->excludes.caps = CAP(SYS_PTRACE);
	}
	/* AF_VSOCK reaches the hypervisor's host, past the network namespace. */
	r = add1(&b, "socket");
	if (r) {
		r->args[0] = (struct nsw_seccomp_arg){ .index = 0, .value = AF_VSOCK,
						       .op = NSW_SCMP_CMP_EQ };
		r->n_args = 1;
	}
	deny_personality(&b);
	deny_namespaces(&b, allow_userns);
	if (b.failed) {
		nsw_seccomp_profile_free(b.p);
		return NULL;
	}
	return b.p;
}
