/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's seccomp filter: a profile model in the shape of the OCI
 * runtime spec's linux.seccomp and Docker's profile files (defaultAction,
 * architectures or archMap, syscalls with names, action, errnoRet, args,
 * includes and excludes), its parser (json-c) and writer (lib/json.h), the
 * default profile, and the filter built from a profile with libseccomp.
 *
 * The default follows Docker's default profile: what Docker's allowlist
 * leaves out is denied by name (EPERM; clone3 ENOSYS, so that libc falls
 * back to clone, whose flags a filter can see), and what Docker allows only
 * with a capability is allowed only when the container keeps it.
 */
#ifndef NSW_SECCOMP_H
#define NSW_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "lib/error.h"
#include "lib/json.h"

struct json_object;

/* A syscall's arguments: what seccomp_data holds. */
#define NSW_SECCOMP_MAX_ARGS 6
/* Architectures in one filter (a native one and its compat ABIs). */
#define NSW_SECCOMP_MAX_ARCHES 8
/* A profile file is read whole; Docker's default is 20 KiB. */
#define NSW_SECCOMP_MAX_FILE (4 << 20)

enum nsw_seccomp_action {
	NSW_SCMP_KILL_THREAD,	/* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
	NSW_SCMP_KILL_PROCESS,
	NSW_SCMP_TRAP,
	NSW_SCMP_ERRNO,
	NSW_SCMP_TRACE,
	NSW_SCMP_ALLOW,
	NSW_SCMP_LOG,
};

enum nsw_seccomp_op {
	NSW_SCMP_CMP_NE,
	NSW_SCMP_CMP_LT,
	NSW_SCMP_CMP_LE,
	NSW_SCMP_CMP_EQ,
	NSW_SCMP_CMP_GE,
	NSW_SCMP_CMP_GT,
	NSW_SCMP_CMP_MASKED_EQ,	/* (arg & value) == valueTwo */
};

struct nsw_seccomp_arg {
	unsigned int index;
	uint64_t value, value_two;
	enum nsw_seccomp_op op;
};

/* Docker's includes and excludes: when a rule applies. */
struct nsw_seccomp_cond {
	uint64_t caps;		/* includes: all of them; excludes: any of them */
	int n_arches;		/* includes: native is one; excludes: none is */
	uint32_t arches[NSW_SECCOMP_MAX_ARCHES]; /* SCMP_ARCH_* */
	unsigned int min_kernel[2]; /* includes only: major, minor; 0.0 none */
};

struct nsw_seccomp_rule {
	int n_names;
	char **names;
	enum nsw_seccomp_action action;
	int errno_ret;		/* ERRNO, TRACE; -1: the profile's default */
	int n_args;
	struct nsw_seccomp_arg args[NSW_SECCOMP_MAX_ARGS];
	struct nsw_seccomp_cond includes, excludes;
};

/* Filter flags (OCI linux.seccomp.flags). */
#define NSW_SCMP_FLAG_TSYNC (1u << 0)
#define NSW_SCMP_FLAG_LOG (1u << 1)
#define NSW_SCMP_FLAG_SPEC_ALLOW (1u << 2)

struct nsw_seccomp_profile {
	enum nsw_seccomp_action default_action;
	int default_errno;	/* -1: EPERM */
	int n_arches;		/* besides the native one, which is always in */
	uint32_t arches[NSW_SECCOMP_MAX_ARCHES];
	unsigned int flags;	/* NSW_SCMP_FLAG_* */
	int n_rules;
	struct nsw_seccomp_rule *rules;
};

enum nsw_seccomp_mode {
	NSW_SECCOMP_DEFAULT,	/* the built-in profile */
	NSW_SECCOMP_UNCONFINED,	/* no filter */
	NSW_SECCOMP_PROFILE,	/* a profile from a file (or an OCI config) */
};

/* What a container runs under: recorded in its state, for exec. */
struct nsw_seccomp {
	enum nsw_seccomp_mode mode;
	/* Default profile: new user namespaces allowed (--allow-userns). */
	bool allow_userns;
	struct nsw_seccomp_profile *profile; /* NSW_SECCOMP_PROFILE */
};

/*
 * Parse a profile from JSON text; source names it in errors ("FILE:
 * syscalls[2].action: unknown action 'SCMP_ACT_FOO'"). Every field is
 * checked, every syscall name must be one libseccomp knows.
 */
int nsw_seccomp_profile_parse(const char *text, const char *source,
			      struct nsw_seccomp_profile **out,
			      struct nsw_error *err);
/* The same from a json-c object (an OCI config's linux.seccomp). */
int nsw_seccomp_profile_from_json(struct json_object *o, const char *source,
				  struct nsw_seccomp_profile **out,
				  struct nsw_error *err);
/* Read and parse a profile file. */
int nsw_seccomp_profile_load(const char *path, struct nsw_seccomp_profile **out,
			     struct nsw_error *err);
void nsw_seccomp_profile_free(struct nsw_seccomp_profile *p);

/* The profile as the JSON the parser reads (an OCI linux.seccomp object). */
void nsw_seccomp_profile_write(struct nsw_json *w,
			       const struct nsw_seccomp_profile *p);

/* The built-in profile for a container; NULL if out of memory. */
struct nsw_seccomp_profile *nsw_seccomp_default_profile(bool allow_userns);

/* "default", "unconfined", "profile". */
const char *nsw_seccomp_mode_name(enum nsw_seccomp_mode mode);
void nsw_seccomp_free(struct nsw_seccomp *s);

/*
 * Compile the filter for s, for a process that keeps caps (includes and
 * excludes are decided by them), into *prog_fd: a sealed memfd holding the
 * BPF program as seccomp(2) takes it, or -1 for UNCONFINED.
 */
int nsw_seccomp_compile(const struct nsw_seccomp *s, uint64_t caps, int *prog_fd,
			struct nsw_error *err);

/*
 * The same in a child process, which libseccomp keeps busy for a few ms:
 * run's monitor starts it before it claims the name, goes on with the
 * namespaces and the init's setup, and collects the program before EXEC.
 */
struct nsw_seccomp_job {
	pid_t pid;	/* 0: none running */
	int fd;		/* the memfd the child fills */
	int errpipe;	/* the child's error, if it fails */
};

int nsw_seccomp_compile_start(const struct nsw_seccomp *s, uint64_t caps,
			      struct nsw_seccomp_job *job, struct nsw_error *err);
/* Wait for the job: *prog_fd as nsw_seccomp_compile gives it. */
int nsw_seccomp_compile_finish(struct nsw_seccomp_job *job, int *prog_fd,
			       struct nsw_error *err);
/* Kill and reap a job not finished (error paths); nothing if none. */
void nsw_seccomp_compile_cancel(struct nsw_seccomp_job *job);

/*
 * Load a compiled program (nsw_seccomp_compile) into the calling thread,
 * with the profile's flags. The last step before execve: no_new_privs must
 * be set already. Nothing for UNCONFINED (prog_fd -1).
 */
int nsw_seccomp_load(const struct nsw_seccomp *s, int prog_fd, struct nsw_error *err);
/* Both, in the calling thread (nswatch exec). */
int nsw_seccomp_apply(const struct nsw_seccomp *s, uint64_t caps,
		      struct nsw_error *err);

#endif /* NSW_SECCOMP_H */
