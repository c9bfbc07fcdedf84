// SPDX-License-Identifier: GPL-2.0
/*
 * Seccomp profiles: the model of seccomp.h read from JSON (json-c), written
 * back (lib/json.h), and turned into a filter with libseccomp.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <sys/capability.h>
#include "runtime/caps.h"
#include "runtime/fds.h"
#include "runtime/kernel.h"
#include "runtime/seccomp.h"
#include "lib/json.h"
#include "lib/util.h"

/* The largest errno a filter can return (the kernel's MAX_ERRNO). */
#define SCMP_MAX_ERRNO 4095
/* Room for a field's path in a message: syscalls[12].args[3].valueTwo */
#define FIELD_LEN 96

static const char *const action_names[] = {
	[NSW_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[NSW_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[NSW_SCMP_TRAP] = "SCMP_ACT_TRAP",
	[NSW_SCMP_ERRNO] = "SCMP_ACT_ERRNO",
	[NSW_SCMP_TRACE] = "SCMP_ACT_TRACE",
	[NSW_SCMP_ALLOW] = "SCMP_ACT_ALLOW",
	[NSW_SCMP_LOG] = "SCMP_ACT_LOG",
};

static const char *const op_names[] = {
	[NSW_SCMP_CMP_NE] = "SCMP_CMP_NE",
	[NSW_SCMP_CMP_LT] = "SCMP_CMP_LT",
	[NSW_SCMP_CMP_LE] = "SCMP_CMP_LE",
	[NSW_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[NSW_SCMP_CMP_GE] = "SCMP_CMP_GE",
	[NSW_SCMP_CMP_GT] = "SCMP_CMP_GT",
	[NSW_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const enum scmp_compare op_scmp[] = {
	[NSW_SCMP_CMP_NE] = SCMP_CMP_NE,
	[NSW_SCMP_CMP_LT] = SCMP_CMP_LT,
	[NSW_SCMP_CMP_LE] = SCMP_CMP_LE,
	[NSW_SCMP_CMP_EQ] = SCMP_CMP_EQ,
	[NSW_SCMP_CMP_GE] = SCMP_CMP_GE,
	[NSW_SCMP_CMP_GT] = SCMP_CMP_GT,
	[NSW_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static const struct {
	unsigned int bit;
	const char *name;
} flag_names[] = {
	{ NSW_SCMP_FLAG_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC" },
	{ NSW_SCMP_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG" },
	{ NSW_SCMP_FLAG_SPEC_ALLOW, "SECCOMP_FILTER_FLAG_SPEC_ALLOW" },
};

/*
 * Architectures: the OCI name, the name Docker's includes.arches use (Go's
 * libseccomp binding) and libseccomp's own where it differs.
 */
static const struct {
	uint32_t token;
	const char *oci, *docker, *scmp;
} arch_names[] = {
	{ SCMP_ARCH_X86, "SCMP_ARCH_X86", "x86", NULL },
	{ SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64", "amd64", "x86_64" },
	{ SCMP_ARCH_X32, "SCMP_ARCH_X32", "x32", NULL },
	{ SCMP_ARCH_ARM, "SCMP_ARCH_ARM", "arm", NULL },
	{ SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64", "arm64", "aarch64" },
	{ SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS", "mips", NULL },
	{ SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64", "mips64", NULL },
	{ SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32", "mips64n32", NULL },
	{ SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL", "mipsel", NULL },
	{ SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64", "mipsel64", NULL },
	{ SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32", "mipsel64n32", NULL },
	{ SCMP_ARCH_PPC, "SCMP_ARCH_PPC", "ppc", NULL },
	{ SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64", "ppc64", NULL },
	{ SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE", "ppc64le", NULL },
	{ SCMP_ARCH_S390, "SCMP_ARCH_S390", "s390", NULL },
	{ SCMP_ARCH_S390X, "SCMP_ARCH_S390X", "s390x", NULL },
	{ SCMP_ARCH_PARISC, "SCMP_ARCH_PARISC", "parisc", NULL },
	{ SCMP_ARCH_PARISC64, "SCMP_ARCH_PARISC64", "parisc64", NULL },
	{ SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64", "riscv64", NULL },
};

/* The fields each object of a profile may have. */
static const char *const profile_keys[] = { "defaultAction", "defaultErrnoRet", "architectures",
					    "archMap", "flags", "syscalls", "listenerPath",
					    "listenerMetadata", NULL };
static const char *const arch_map_keys[] = { "architecture", "subArchitectures", NULL };
static const char *const rule_keys[] = { "names", "name", "action", "errnoRet", "args",
					 "comment", "includes", "excludes", NULL };
static const char *const arg_keys[] = { "index", "value", "valueTwo", "op", NULL };
static const char *const includes_keys[] = { "caps", "arches", "minKernel", NULL };
static const char *const excludes_keys[] = { "caps", "arches", NULL };

const char *nsw_seccomp_mode_name(enum nsw_seccomp_mode mode)
{
	switch (mode) {
	case NSW_SECCOMP_UNCONFINED:
		return "unconfined";
	case NSW_SECCOMP_PROFILE:
		return "profile";
	case NSW_SECCOMP_DEFAULT:
		break;
	}
	return "default";
}

static const char *arch_oci_name(uint32_t token)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (arch_names[i].token == token)
			return arch_names[i].oci;
	return "SCMP_ARCH_NATIVE";
}

/* Any of the three names (includes.arches), or only the OCI one. */
static int arch_parse(const char *s, bool oci_only, uint32_t *token)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++) {
		if (!strcmp(s, arch_names[i].oci) ||
		    (!oci_only && (!strcmp(s, arch_names[i].docker) ||
				   (arch_names[i].scmp && !strcmp(s, arch_names[i].scmp))))) {
			*token = arch_names[i].token;
			return 0;
		}
	}
	return -1;
}

static void rule_free(struct nsw_seccomp_rule *r)
{
	for (int i = 0; i < r->n_names; i++)
		free(r->names[i]);
	free(r->names);
}

void nsw_seccomp_profile_free(struct nsw_seccomp_profile *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n_rules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	free(p);
}

void nsw_seccomp_free(struct nsw_seccomp *s)
{
	nsw_seccomp_profile_free(s->profile);
	s->profile = NULL;
}

/* ---- parsing ---------------------------------------------------------- */

/* Where the parser is: the source and the field, for every message. */
struct parse_ctx {
	const char *source;
	struct nsw_error *err;
};

static int bad(const struct parse_ctx *pc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(const struct parse_ctx *pc, const char *field, const char *fmt, ...)
{
	char what[NSW_ERROR_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (field && field[0])
		return nsw_error(pc->err, 0, "seccomp profile %s: %s: %s", pc->source, field, what);
	return nsw_error(pc->err, 0, "seccomp profile %s: %s", pc->source, what);
}

/* A field's path into f (FIELD_LEN): a path too long is cut, not an error. */
static void fieldf(char *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fieldf(char *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f, FIELD_LEN, fmt, ap);
	va_end(ap);
}

static const char *type_name(struct json_object *o)
{
	return json_type_to_name(json_object_get_type(o));
}

/* Every key of o must be one of keys (NULL-ended). */
static int check_keys(const struct parse_ctx *pc, const char *field,
		      struct json_object *o, const char *const *keys)
{
	json_object_object_foreach(o, key, v) {
		const char *const *k = keys;

		(void)v;
		while (*k && strcmp(*k, key))
			k++;
		if (!*k)
			return bad(pc, field, "unknown field '%s'", key);
	}
	return 0;
}

static int want_type(const struct parse_ctx *pc, const char *field,
		     struct json_object *o, enum json_type t)
{
	if (!json_object_is_type(o, t))
		return bad(pc, field, "must be %s %s, not %s",
			   t == json_type_array || t == json_type_object ? "an" : "a",
			   json_type_to_name(t), type_name(o));
	return 0;
}

static int get_uint64(const struct parse_ctx *pc, const char *field,
		      struct json_object *o, uint64_t *v)
{
	int64_t i;

	if (!json_object_is_type(o, json_type_int))
		return bad(pc, field, "must be an unsigned integer, not %s", type_name(o));
	i = json_object_get_int64(o);
	if (i < 0)
		return bad(pc, field, "must be an unsigned integer, not %lld", (long long)i);
	/* json-c keeps what does not fit an int64 as a uint64. */
	*v = i == INT64_MAX ? json_object_get_uint64(o) : (uint64_t)i;
	return 0;
}

static int get_errno(const struct parse_ctx *pc, const char *field,
		     struct json_object *o, int *e)
{
	uint64_t v;

	if (get_uint64(pc, field, o, &v) < 0)
		return -1;
	if (v > SCMP_MAX_ERRNO)
		return bad(pc, field, "errno %llu is out of range (0 to %d)",
			   (unsigned long long)v, SCMP_MAX_ERRNO);
	*e = v;
	return 0;
}

static int get_action(const struct parse_ctx *pc, const char *field,
		      struct json_object *o, enum nsw_seccomp_action *a)
{
	const char *s;

	if (want_type(pc, field, o, json_type_string) < 0)
		return -1;
	s = json_object_get_string(o);
	/* The old name of KILL_THREAD. */
	if (!strcmp(s, "SCMP_ACT_KILL")) {
		*a = NSW_SCMP_KILL_THREAD;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++) {
		if (!strcmp(s, action_names[i])) {
			*a = i;
			return 0;
		}
	}
	if (!strcmp(s, "SCMP_ACT_NOTIFY"))
		return bad(pc, field, "SCMP_ACT_NOTIFY needs a listener, which nswatch does not provide");
	return bad(pc, field, "unknown action '%s'", s);
}

static bool action_has_errno(enum nsw_seccomp_action a)
{
	return a == NSW_SCMP_ERRNO || a == NSW_SCMP_TRACE;
}

static int get_strings(const struct parse_ctx *pc, const char *field,
		       struct json_object *o, size_t *n)
{
	if (want_type(pc, field, o, json_type_array) < 0)
		return -1;
	*n = json_object_array_length(o);
	for (size_t i = 0; i < *n; i++) {
		struct json_object *s = json_object_array_get_idx(o, i);
		char f[FIELD_LEN];

		fieldf(f, "%s[%zu]", field, i);
		if (want_type(pc, f, s, json_type_string) < 0)
			return -1;
	}
	return 0;
}

static int parse_caps(const struct parse_ctx *pc, const char *field,
		      struct json_object *o, uint64_t *caps)
{
	size_t n;

	if (get_strings(pc, field, o, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(o, i));
		struct nsw_error ignored;
		char f[FIELD_LEN];
		uint64_t bit;

		fieldf(f, "%s[%zu]", field, i);
		/* One capability by name: not ALL. */
		if (nsw_cap_parse(s, &bit, &ignored) < 0 || __builtin_popcountll(bit) != 1)
			return bad(pc, f, "unknown capability '%s'", s);
		*caps |= bit;
	}
	return 0;
}

static int parse_arch_list(const struct parse_ctx *pc, const char *field,
			   struct json_object *o, bool oci_only, uint32_t *arches,
			   int *n_arches)
{
	size_t n;

	if (get_strings(pc, field, o, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(o, i));
		char f[FIELD_LEN];
		uint32_t t;

		fieldf(f, "%s[%zu]", field, i);
		if (arch_parse(s, oci_only, &t) < 0)
			return bad(pc, f, "unknown architecture '%s'", s);
		if (*n_arches >= NSW_SECCOMP_MAX_ARCHES)
			return bad(pc, f, "more than %d architectures", NSW_SECCOMP_MAX_ARCHES);
		arches[(*n_arches)++] = t;
	}
	return 0;
}

static int parse_cond(const struct parse_ctx *pc, const char *field,
		      struct json_object *o, bool includes,
		      struct nsw_seccomp_cond *c)
{
	struct json_object *v;
	char f[FIELD_LEN];

	if (want_type(pc, field, o, json_type_object) < 0 ||
	    check_keys(pc, field, o, includes ? includes_keys : excludes_keys) < 0)
		return -1;
	if (json_object_object_get_ex(o, "caps", &v) && v) {
		fieldf(f, "%s.caps", field);
		if (parse_caps(pc, f, v, &c->caps) < 0)
			return -1;
	}
	if (json_object_object_get_ex(o, "arches", &v) && v) {
		fieldf(f, "%s.arches", field);
		if (parse_arch_list(pc, f, v, false, c->arches, &c->n_arches) < 0)
			return -1;
	}
	if (includes && json_object_object_get_ex(o, "minKernel", &v) && v) {
		unsigned int major, minor;
		int end = 0;

		fieldf(f, "%s.minKernel", field);
		if (want_type(pc, f, v, json_type_string) < 0)
			return -1;
		if (sscanf(json_object_get_string(v), "%u.%u%n", &major, &minor, &end) != 2 ||
		    json_object_get_string(v)[end])
			return bad(pc, f, "'%s' is not a kernel version like 4.8",
				   json_object_get_string(v));
		c->min_kernel[0] = major;
		c->min_kernel[1] = minor;
	}
	return 0;
}

static int parse_op(const struct parse_ctx *pc, const char *field,
		    struct json_object *o, enum nsw_seccomp_op *op)
{
	if (want_type(pc, field, o, json_type_string) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(op_names); i++) {
		if (!strcmp(json_object_get_string(o), op_names[i])) {
			*op = i;
			return 0;
		}
	}
	return bad(pc, field, "unknown operator '%s'", json_object_get_string(o));
}

static int parse_arg(const struct parse_ctx *pc, const char *field,
		     struct json_object *o, struct nsw_seccomp_arg *a)
{
	struct json_object *v;
	char f[FIELD_LEN];
	uint64_t index;

	if (want_type(pc, field, o, json_type_object) < 0 || check_keys(pc, field, o, arg_keys) < 0)
		return -1;
	fieldf(f, "%s.index", field);
	if (!json_object_object_get_ex(o, "index", &v))
		return bad(pc, f, "missing");
	if (get_uint64(pc, f, v, &index) < 0)
		return -1;
	if (index >= NSW_SECCOMP_MAX_ARGS)
		return bad(pc, f, "%llu is not an argument (0 to %d)",
			   (unsigned long long)index, NSW_SECCOMP_MAX_ARGS - 1);
	a->index = index;
	fieldf(f, "%s.value", field);
	if (json_object_object_get_ex(o, "value", &v) && get_uint64(pc, f, v, &a->value) < 0)
		return -1;
	fieldf(f, "%s.valueTwo", field);
	if (json_object_object_get_ex(o, "valueTwo", &v) &&
	    get_uint64(pc, f, v, &a->value_two) < 0)
		return -1;
	fieldf(f, "%s.op", field);
	if (!json_object_object_get_ex(o, "op", &v))
		return bad(pc, f, "missing");
	return parse_op(pc, f, v, &a->op);
}

/* Copy one name, known to libseccomp (on some architecture). */
static int add_name(const struct parse_ctx *pc, const char *field,
		    struct nsw_seccomp_rule *r, const char *name)
{
	if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
		return bad(pc, field, "unknown system call '%s'", name);
	r->names[r->n_names] = strdup(name);
	if (!r->names[r->n_names])
		return nsw_error(pc->err, ENOMEM, "seccomp profile %s", pc->source);
	r->n_names++;
	return 0;
}

static int parse_names(const struct parse_ctx *pc, const char *field,
		       struct json_object *o, struct nsw_seccomp_rule *r)
{
	struct json_object *names = NULL, *name = NULL;
	char f[FIELD_LEN];
	size_t n = 0;

	json_object_object_get_ex(o, "names", &names);
	json_object_object_get_ex(o, "name", &name);
	if (names) {
		fieldf(f, "%s.names", field);
		if (get_strings(pc, f, names, &n) < 0)
			return -1;
	}
	if (name) {
		fieldf(f, "%s.name", field);
		if (want_type(pc, f, name, json_type_string) < 0)
			return -1;
	}
	if (n == 0 && !name)
		return bad(pc, field, "no system call named (names)");
	r->names = calloc(n + 1, sizeof(*r->names));
	if (!r->names)
		return nsw_error(pc->err, ENOMEM, "seccomp profile %s", pc->source);
	for (size_t i = 0; i < n; i++) {
		fieldf(f, "%s.names[%zu]", field, i);
		if (add_name(pc, f, r, json_object_get_string(json_object_array_get_idx(names, i))) < 0)
			return -1;
	}
	fieldf(f, "%s.name", field);
	if (name && add_name(pc, f, r, json_object_get_string(name)) < 0)
		return -1;
	return 0;
}

static int parse_rule(const struct parse_ctx *pc, const char *field,
		      struct json_object *o, struct nsw_seccomp_rule *r)
{
	struct json_object *v;
	char f[FIELD_LEN];

	r->errno_ret = -1;
	if (want_type(pc, field, o, json_type_object) < 0 || check_keys(pc, field, o, rule_keys) < 0 ||
	    parse_names(pc, field, o, r) < 0)
		return -1;
	fieldf(f, "%s.action", field);
	if (!json_object_object_get_ex(o, "action", &v))
		return bad(pc, f, "missing");
	if (get_action(pc, f, v, &r->action) < 0)
		return -1;
	if (json_object_object_get_ex(o, "errnoRet", &v) && v) {
		fieldf(f, "%s.errnoRet", field);
		if (!action_has_errno(r->action))
			return bad(pc, f, "%s returns no errno", action_names[r->action]);
		if (get_errno(pc, f, v, &r->errno_ret) < 0)
			return -1;
	}
	fieldf(f, "%s.comment", field);
	if (json_object_object_get_ex(o, "comment", &v) && v &&
	    want_type(pc, f, v, json_type_string) < 0)
		return -1;
	if (json_object_object_get_ex(o, "args", &v) && v) {
		fieldf(f, "%s.args", field);
		if (want_type(pc, f, v, json_type_array) < 0)
			return -1;
		if (json_object_array_length(v) > NSW_SECCOMP_MAX_ARGS)
			return bad(pc, f, "more than %d conditions", NSW_SECCOMP_MAX_ARGS);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			fieldf(f, "%s.args[%zu]", field, i);
			if (parse_arg(pc, f, json_object_array_get_idx(v, i), &r->args[r->n_args++]) < 0)
				return -1;
		}
	}
	fieldf(f, "%s.includes", field);
	if (json_object_object_get_ex(o, "includes", &v) && v &&
	    parse_cond(pc, f, v, true, &r->includes) < 0)
		return -1;
	fieldf(f, "%s.excludes", field);
	if (json_object_object_get_ex(o, "excludes", &v) && v &&
	    parse_cond(pc, f, v, false, &r->excludes) < 0)
		return -1;
	return 0;
}

static uint32_t native_arch(void)
{
	return seccomp_arch_native();
}

/* Docker's archMap: the entry of the native architecture, if any. */
static int parse_arch_map(const struct parse_ctx *pc, struct json_object *o,
			  struct nsw_seccomp_profile *p)
{
	char f[FIELD_LEN];

	if (want_type(pc, "archMap", o, json_type_array) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		struct json_object *e = json_object_array_get_idx(o, i), *a, *subs;
		uint32_t arch;

		fieldf(f, "archMap[%zu]", i);
		if (want_type(pc, f, e, json_type_object) < 0 || check_keys(pc, f, e, arch_map_keys) < 0)
			return -1;
		fieldf(f, "archMap[%zu].architecture", i);
		if (!json_object_object_get_ex(e, "architecture", &a))
			return bad(pc, f, "missing");
		if (want_type(pc, f, a, json_type_string) < 0)
			return -1;
		if (arch_parse(json_object_get_string(a), true, &arch) < 0)
			return bad(pc, f, "unknown architecture '%s'", json_object_get_string(a));
		fieldf(f, "archMap[%zu].subArchitectures", i);
		if (arch != native_arch()) {
			/* Still checked: a typo must not wait for another machine. */
			uint32_t scratch[NSW_SECCOMP_MAX_ARCHES];
			int n = 0;

			if (json_object_object_get_ex(e, "subArchitectures", &subs) && subs &&
			    parse_arch_list(pc, f, subs, true, scratch, &n) < 0)
				return -1;
			continue;
		}
		if (p->n_arches < NSW_SECCOMP_MAX_ARCHES)
			p->arches[p->n_arches++] = arch;
		if (json_object_object_get_ex(e, "subArchitectures", &subs) && subs &&
		    parse_arch_list(pc, f, subs, true, p->arches, &p->n_arches) < 0)
			return -1;
	}
	return 0;
}

static int parse_flags(const struct parse_ctx *pc, struct json_object *o,
		       struct nsw_seccomp_profile *p)
{
	size_t n;

	if (get_strings(pc, "flags", o, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(o, i));
		size_t k = 0;
		char f[FIELD_LEN];

		while (k < ARRAY_SIZE(flag_names) && strcmp(s, flag_names[k].name))
			k++;
		fieldf(f, "flags[%zu]", i);
		if (k == ARRAY_SIZE(flag_names))
			return bad(pc, f, "unknown flag '%s'", s);
		p->flags |= flag_names[k].bit;
	}
	return 0;
}

static int parse_profile(const struct parse_ctx *pc, struct json_object *o,
			 struct nsw_seccomp_profile *p)
{
	struct json_object *v;
	size_t n;

	p->default_errno = -1;
	if (!json_object_is_type(o, json_type_object))
		return bad(pc, NULL, "must be a JSON object, not %s", type_name(o));
	if (check_keys(pc, NULL, o, profile_keys) < 0)
		return -1;
	if (!json_object_object_get_ex(o, "defaultAction", &v))
		return bad(pc, "defaultAction", "missing");
	if (get_action(pc, "defaultAction", v, &p->default_action) < 0)
		return -1;
	if (json_object_object_get_ex(o, "defaultErrnoRet", &v) && v) {
		if (!action_has_errno(p->default_action))
			return bad(pc, "defaultErrnoRet", "%s returns no errno",
				   action_names[p->default_action]);
		if (get_errno(pc, "defaultErrnoRet", v, &p->default_errno) < 0)
			return -1;
	}
	if (json_object_object_get_ex(o, "listenerPath", &v) && v &&
	    (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v)))
		return bad(pc, "listenerPath", "seccomp notification listeners are not supported");
	if (json_object_object_get_ex(o, "listenerMetadata", &v) && v &&
	    want_type(pc, "listenerMetadata", v, json_type_string) < 0)
		return -1;
	if (json_object_object_get_ex(o, "architectures", &v) && v &&
	    parse_arch_list(pc, "architectures", v, true, p->arches, &p->n_arches) < 0)
		return -1;
	if (json_object_object_get_ex(o, "archMap", &v) && v && parse_arch_map(pc, v, p) < 0)
		return -1;
	if (json_object_object_get_ex(o, "flags", &v) && v && parse_flags(pc, v, p) < 0)
		return -1;
	if (!json_object_object_get_ex(o, "syscalls", &v) || !v)
		return 0;
	if (want_type(pc, "syscalls", v, json_type_array) < 0)
		return -1;
	n = json_object_array_length(v);
	p->rules = calloc(n ? n : 1, sizeof(*p->rules));
	if (!p->rules)
		return nsw_error(pc->err, ENOMEM, "seccomp profile %s", pc->source);
	for (size_t i = 0; i < n; i++) {
		char f[FIELD_LEN];

		fieldf(f, "syscalls[%zu]", i);
		p->n_rules++;
		if (parse_rule(pc, f, json_object_array_get_idx(v, i), &p->rules[i]) < 0)
			return -1;
	}
	return 0;
}

int nsw_seccomp_profile_from_json(struct json_object *o, const char *source,
				  struct nsw_seccomp_profile **out,
				  struct nsw_error *err)
{
	struct parse_ctx pc = { .source = source, .err = err };
	struct nsw_seccomp_profile *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return nsw_error(err, ENOMEM, "seccomp profile %s", source);
	if (parse_profile(&pc, o, p) < 0) {
		nsw_seccomp_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int nsw_seccomp_profile_parse(const char *text, const char *source,
			      struct nsw_seccomp_profile **out,
			      struct nsw_error *err)
{
	struct json_tokener *tok = json_tokener_new();
	cleanup_json struct json_object *o = NULL;
	enum json_tokener_error jerr;
	size_t len = strlen(text), end;

	*out = NULL;
	if (!tok)
		return nsw_error(err, ENOMEM, "seccomp profile %s", source);
	/* With its NUL: a bare literal ("null", "1") ends there. */
	o = json_tokener_parse_ex(tok, text, len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (end > len)
		end = len;
	json_tokener_free(tok);
	if (jerr == json_tokener_continue)
		return nsw_error(err, 0, "seccomp profile %s: not JSON: the text ends inside a value",
				 source);
	if (!o && jerr == json_tokener_success)
		return nsw_error(err, 0, "seccomp profile %s: not JSON: null", source);
	if (jerr != json_tokener_success)
		return nsw_error(err, 0, "seccomp profile %s: not JSON: %s at byte %zu", source,
				 json_tokener_error_desc(jerr), end);
	end += strspn(text + end, " \t\r\n");
	if (end != len)
		return nsw_error(err, 0, "seccomp profile %s: not JSON: text after the object at byte %zu",
				 source, end);
	return nsw_seccomp_profile_from_json(o, source, out, err);
}

int nsw_seccomp_profile_load(const char *path, struct nsw_seccomp_profile **out,
			     struct nsw_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	cleanup_free char *text = NULL;
	struct stat st;
	size_t got = 0;

	*out = NULL;
	/* The reason in the message itself: argp prints only the message. */
	if (fd < 0 || fstat(fd, &st) < 0)
		return nsw_error(err, errno, "seccomp profile %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return nsw_error(err, 0, "seccomp profile %s: not a regular file", path);
	if (st.st_size > NSW_SECCOMP_MAX_FILE)
		return nsw_error(err, 0, "seccomp profile %s: larger than %d bytes", path,
				 NSW_SECCOMP_MAX_FILE);
	text = malloc(st.st_size + 1);
	if (!text)
		return nsw_error(err, ENOMEM, "seccomp profile %s", path);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, text + got, st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return nsw_error(err, errno, "seccomp profile %s: %s", path, strerror(errno));
		if (r == 0)
			break;
		got += r;
	}
	text[got] = '\0';
	if (strlen(text) != got)
		return nsw_error(err, 0, "seccomp profile %s: not JSON: a NUL byte at byte %zu",
				 path, strlen(text));
	return nsw_seccomp_profile_parse(text, path, out, err);
}

/* ---- writing ---------------------------------------------------------- */

static void write_arches(struct nsw_json *w, const char *key, const uint32_t *arches, int n)
{
	nsw_json_key(w, key);
	nsw_json_array_begin(w);
	for (int i = 0; i < n; i++)
		nsw_json_string(w, arch_oci_name(arches[i]));
	nsw_json_array_end(w);
}

static void write_cond(struct nsw_json *w, const char *key, const struct nsw_seccomp_cond *c,
		       bool includes)
{
	char v[32];

	if (!c->caps && !c->n_arches && !c->min_kernel[0] && !c->min_kernel[1])
		return;
	nsw_json_key(w, key);
	nsw_json_object_begin(w);
	if (c->caps) {
		nsw_json_key(w, "caps");
		nsw_caps_json(w, c->caps);
	}
	if (c->n_arches)
		write_arches(w, "arches", c->arches, c->n_arches);
	if (includes && (c->min_kernel[0] || c->min_kernel[1])) {
		snprintf(v, sizeof(v), "%u.%u", c->min_kernel[0], c->min_kernel[1]);
		nsw_json_kv_string(w, "minKernel", v);
	}
	nsw_json_object_end(w);
}

static void write_rule(struct nsw_json *w, const struct nsw_seccomp_rule *r)
{
	nsw_json_object_begin(w);
	nsw_json_key(w, "names");
	nsw_json_array_begin(w);
	for (int i = 0; i < r->n_names; i++)
		nsw_json_string(w, r->names[i]);
	nsw_json_array_end(w);
	nsw_json_kv_string(w, "action", action_names[r->action]);
	if (r->errno_ret >= 0)
		nsw_json_kv_int(w, "errnoRet", r->errno_ret);
	if (r->n_args) {
		nsw_json_key(w, "args");
		nsw_json_array_begin(w);
		for (int i = 0; i < r->n_args; i++) {
			nsw_json_object_begin(w);
			nsw_json_kv_uint(w, "index", r->args[i].index);
			nsw_json_kv_uint(w, "value", r->args[i].value);
			nsw_json_kv_uint(w, "valueTwo", r->args[i].value_two);
			nsw_json_kv_string(w, "op", op_names[r->args[i].op]);
			nsw_json_object_end(w);
		}
		nsw_json_array_end(w);
	}
	write_cond(w, "includes", &r->includes, true);
	write_cond(w, "excludes", &r->excludes, false);
	nsw_json_object_end(w);
}

void nsw_seccomp_profile_write(struct nsw_json *w, const struct nsw_seccomp_profile *p)
{
	nsw_json_object_begin(w);
	nsw_json_kv_string(w, "defaultAction", action_names[p->default_action]);
	if (p->default_errno >= 0)
		nsw_json_kv_int(w, "defaultErrnoRet", p->default_errno);
	write_arches(w, "architectures", p->arches, p->n_arches);
	nsw_json_key(w, "flags");
	nsw_json_array_begin(w);
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (p->flags & flag_names[i].bit)
			nsw_json_string(w, flag_names[i].name);
	nsw_json_array_end(w);
	nsw_json_key(w, "syscalls");
	nsw_json_array_begin(w);
	for (int i = 0; i < p->n_rules; i++)
		write_rule(w, &p->rules[i]);
	nsw_json_array_end(w);
	nsw_json_object_end(w);
}

/* ---- the filter ------------------------------------------------------- */

static uint32_t scmp_action(enum nsw_seccomp_action a, int errno_ret)
{
	int e = errno_ret >= 0 ? errno_ret : EPERM;

	switch (a) {
	case NSW_SCMP_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case NSW_SCMP_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case NSW_SCMP_TRAP:
		return SCMP_ACT_TRAP;
	case NSW_SCMP_ERRNO:
		return SCMP_ACT_ERRNO(e);
	case NSW_SCMP_TRACE:
		return SCMP_ACT_TRACE(e);
	case NSW_SCMP_LOG:
		return SCMP_ACT_LOG;
	case NSW_SCMP_ALLOW:
		break;
	}
	return SCMP_ACT_ALLOW;
}

static bool arch_in(uint32_t arch, const struct nsw_seccomp_cond *c)
{
	for (int i = 0; i < c->n_arches; i++)
		if (c->arches[i] == arch)
			return true;
	return false;
}

/* The running kernel is at least major.minor (false if unknown). */
static bool kernel_at_least(const unsigned int *want)
{
	int c = nsw_kernel_compare(want[0], want[1]);

	return c == 0 || c == 1;
}

/* Docker's includes (all must hold) and excludes (none may). */
static bool rule_applies(const struct nsw_seccomp_rule *r, uint64_t caps)
{
	uint32_t arch = native_arch();

	if ((r->includes.caps & caps) != r->includes.caps)
		return false;
	if (r->includes.n_arches && !arch_in(arch, &r->includes))
		return false;
	if ((r->includes.min_kernel[0] || r->includes.min_kernel[1]) &&
	    !kernel_at_least(r->includes.min_kernel))
		return false;
	if (r->excludes.caps & caps)
		return false;
	if (r->excludes.n_arches && arch_in(arch, &r->excludes))
		return false;
	return true;
}

static bool same_index_twice(const struct nsw_seccomp_rule *r)
{
	for (int i = 0; i < r->n_args; i++)
		for (int j = i + 1; j < r->n_args; j++)
			if (r->args[i].index == r->args[j].index)
				return true;
	return false;
}

static struct scmp_arg_cmp scmp_arg(const struct nsw_seccomp_arg *a)
{
	return (struct scmp_arg_cmp){ .arg = a->index, .op = op_scmp[a->op],
				      .datum_a = a->value, .datum_b = a->value_two };
}

static int add_rule(scmp_filter_ctx ctx, const struct nsw_seccomp_rule *r, int index,
		    uint32_t default_action, struct nsw_error *err)
{
	uint32_t act = scmp_action(r->action, r->errno_ret);
	struct scmp_arg_cmp cmp[NSW_SECCOMP_MAX_ARGS];

	/* libseccomp refuses a rule that does what the default does. */
	if (act == default_action)
		return 0;
	for (int i = 0; i < r->n_args; i++)
		cmp[i] = scmp_arg(&r->args[i]);
	for (int i = 0; i < r->n_names; i++) {
		int nr = seccomp_syscall_resolve_name(r->names[i]), rc = 0;

		if (nr == __NR_SCMP_ERROR)
			return nsw_error(err, 0, "seccomp rule %d: unknown system call '%s'",
					 index, r->names[i]);
		/*
		 * libseccomp compares an argument once per rule: two
		 * conditions on one argument become two rules (either
		 * matches), as runc does.
		 */
		if (same_index_twice(r)) {
			for (int k = 0; k < r->n_args && rc == 0; k++)
				rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
		} else {
			rc = seccomp_rule_add_array(ctx, act, nr, r->n_args, cmp);
		}
		if (rc < 0)
			return nsw_error(err, -rc, "seccomp rule %d for %s", index, r->names[i]);
	}
	return 0;
}

/* The filter context for p and caps; NULL with err. */
static scmp_filter_ctx build(const struct nsw_seccomp_profile *p, uint64_t caps,
			     struct nsw_error *err)
{
	uint32_t def = scmp_action(p->default_action, p->default_errno);
	scmp_filter_ctx ctx = seccomp_init(def);
	int rc = 0;

	if (!ctx) {
		nsw_error(err, ENOMEM, "seccomp_init");
		return NULL;
	}
	/*
	 * A binary tree of syscall numbers instead of a list: the kernel
	 * runs the filter for every syscall number when it loads it (its
	 * action cache), and the container at every syscall.
	 */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0)
		nsw_error(err, -rc, "seccomp filter optimization");
	/* Every architecture first: a rule is added to those already there. */
	for (int i = 0; i < p->n_arches && rc == 0; i++) {
		if (p->arches[i] == native_arch())
			continue;
		rc = seccomp_arch_add(ctx, p->arches[i]);
		if (rc == -EEXIST)
			rc = 0;
		if (rc < 0)
			nsw_error(err, -rc, "seccomp architecture %s", arch_oci_name(p->arches[i]));
	}
	for (int i = 0; i < p->n_rules && rc == 0; i++)
		if (rule_applies(&p->rules[i], caps))
			rc = add_rule(ctx, &p->rules[i], i, def, err);
	if (rc < 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* The profile s runs under; *owned is set when the caller must free it. */
static const struct nsw_seccomp_profile *profile_of(const struct nsw_seccomp *s,
						     struct nsw_seccomp_profile **owned,
						     struct nsw_error *err)
{
	*owned = NULL;
	if (s->mode == NSW_SECCOMP_PROFILE) {
		if (!s->profile)
			nsw_error(err, 0, "seccomp: no profile");
		return s->profile;
	}
	*owned = nsw_seccomp_default_profile(s->allow_userns);
	if (!*owned)
		nsw_error(err, ENOMEM, "the default seccomp profile");
	return *owned;
}

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* The program for s into fd, a memfd: 0, or -1 with err. */
static int compile_into(const struct nsw_seccomp *s, uint64_t caps, int fd,
			struct nsw_error *err)
{
	struct nsw_seccomp_profile *owned;
	const struct nsw_seccomp_profile *p;
	scmp_filter_ctx ctx;
	int rc;

	p = profile_of(s, &owned, err);
	if (!p)
		return -1;
	ctx = build(p, caps, err);
	nsw_seccomp_profile_free(owned);
	if (!ctx)
		return -1;
	rc = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (rc < 0)
		return nsw_error(err, -rc, "cannot compile the seccomp filter");
	return 0;
}

static int new_program_fd(struct nsw_error *err)
{
	int fd = memfd_create("nswatch-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return nsw_error(err, errno, "memfd_create for the seccomp filter");
	return fd;
}

/* The init reads what the monitor compiled: nobody changes it between. */
static int seal_program(int fd, struct nsw_error *err)
{
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return nsw_error(err, errno, "cannot seal the seccomp filter");
	return 0;
}

int nsw_seccomp_compile(const struct nsw_seccomp *s, uint64_t caps, int *prog_fd,
			struct nsw_error *err)
{
	cleanup_close int fd = -1;

	*prog_fd = -1;
	if (s->mode == NSW_SECCOMP_UNCONFINED)
		return 0;
	fd = new_program_fd(err);
	if (fd < 0 || compile_into(s, caps, fd, err) < 0 || seal_program(fd, err) < 0)
		return -1;
	*prog_fd = steal_fd(&fd);
	return 0;
}

static __attribute__((noreturn)) void compile_child(const struct nsw_seccomp *s,
						     uint64_t caps,
						     const struct nsw_seccomp_job *job)
{
	struct nsw_error err = { 0 };
	int keep[] = { job->fd, job->errpipe };

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Nothing of the monitor's (the caller's pipes, a tracer) stays open. */
	if (nsw_close_fds_except(keep, ARRAY_SIZE(keep), &err) == 0 &&
	    compile_into(s, caps, job->fd, &err) == 0)
		_exit(0);
	if (write(job->errpipe, &err, sizeof(err)) != sizeof(err))
		_exit(2);
	_exit(1);
}

int nsw_seccomp_compile_start(const struct nsw_seccomp *s, uint64_t caps,
			      struct nsw_seccomp_job *job, struct nsw_error *err)
{
	int p[2];

	*job = (struct nsw_seccomp_job){ .fd = -1, .errpipe = -1 };
	if (s->mode == NSW_SECCOMP_UNCONFINED)
		return 0;
	job->fd = new_program_fd(err);
	if (job->fd < 0)
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		nsw_error(err, errno, "pipe for the seccomp compiler");
		goto close_fd;
	}
	job->errpipe = p[1];
	job->pid = fork();
	if (job->pid < 0) {
		nsw_error(err, errno, "fork for the seccomp compiler");
		job->pid = 0;
		close(p[0]);
		close(p[1]);
		goto close_fd;
	}
	if (job->pid == 0)
		compile_child(s, caps, job);
	close(p[1]);
	job->errpipe = p[0];
	return 0;
close_fd:
	close(job->fd);
	job->fd = -1;
	return -1;
}

static void job_close(struct nsw_seccomp_job *job)
{
	if (job->fd >= 0)
		close(job->fd);
	if (job->errpipe >= 0)
		close(job->errpipe);
	job->fd = job->errpipe = -1;
	job->pid = 0;
}

int nsw_seccomp_compile_finish(struct nsw_seccomp_job *job, int *prog_fd,
			       struct nsw_error *err)
{
	int status, r = 0;

	*prog_fd = -1;
	if (!job->pid)
		return 0;
	while (waitpid(job->pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = nsw_error(err, errno, "waiting for the seccomp compiler");
			goto out;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		r = seal_program(job->fd, err);
		if (r == 0)
			*prog_fd = steal_fd(&job->fd);
	} else if (read(job->errpipe, err, sizeof(*err)) == sizeof(*err)) {
		err->msg[sizeof(err->msg) - 1] = '\0';
		r = -1;
	} else {
		r = nsw_error(err, 0, "the seccomp compiler failed (wait status %#x)", status);
	}
out:
	job->pid = 0;
	job_close(job);
	return r;
}

void nsw_seccomp_compile_cancel(struct nsw_seccomp_job *job)
{
	if (job->pid > 0) {
		kill(job->pid, SIGKILL);
		while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	job_close(job);
}

static unsigned int kernel_flags(unsigned int flags)
{
	unsigned int k = 0;

	if (flags & NSW_SCMP_FLAG_TSYNC)
		k |= SECCOMP_FILTER_FLAG_TSYNC;
	if (flags & NSW_SCMP_FLAG_LOG)
		k |= SECCOMP_FILTER_FLAG_LOG;
	if (flags & NSW_SCMP_FLAG_SPEC_ALLOW)
		k |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	return k;
}

static bool has_sys_admin(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t now = cap_get_proc();

	if (now) {
		cap_get_flag(now, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v);
		cap_free(now);
	}
	return v == CAP_SET;
}

int nsw_seccomp_load(const struct nsw_seccomp *s, int prog_fd, struct nsw_error *err)
{
	unsigned int flags = s->mode == NSW_SECCOMP_PROFILE && s->profile ?
				     kernel_flags(s->profile->flags) : 0;
	struct sock_filter insns[BPF_MAXINSNS];
	struct sock_fprog prog;
	ssize_t n;

	if (s->mode == NSW_SECCOMP_UNCONFINED)
		return 0;
	if (prog_fd < 0)
		return nsw_error(err, 0, "seccomp: no compiled filter");
	n = pread(prog_fd, insns, sizeof(insns), 0);
	if (n < 0)
		return nsw_error(err, errno, "cannot read the seccomp filter");
	if (n == 0 || n % sizeof(insns[0]))
		return nsw_error(err, 0, "the seccomp filter is %zd bytes, not whole instructions", n);
	prog = (struct sock_fprog){ .len = n / sizeof(insns[0]), .filter = insns };
	/*
	 * As libseccomp does: the kernel wants it unless CAP_SYS_ADMIN, which
	 * only an OCI init without noNewPrivileges still holds here.
	 */
	if (!has_sys_admin() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsw_error(err, errno, "PR_SET_NO_NEW_PRIVS");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) != 0)
		return nsw_error(err, errno, "cannot load the seccomp filter (%u instructions%s)",
				 prog.len, flags ? ", with the profile's flags" : "");
	return 0;
}

int nsw_seccomp_apply(const struct nsw_seccomp *s, uint64_t caps, struct nsw_error *err)
{
	cleanup_close int fd = -1;

	if (nsw_seccomp_compile(s, caps, &fd, err) < 0)
		return -1;
	return nsw_seccomp_load(s, fd, err);
}
