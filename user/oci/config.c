// SPDX-License-Identifier: GPL-2.0
/*
 * config.json into struct nsw_container. Each section has its own reader;
 * a field is named in an error the way the spec spells its path
 * ("linux.resources.memory.limit", "mounts[3].options[1]").
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include "oci/config.h"
#include "runtime/caps.h"
#include "runtime/seccomp.h"
#include "lib/json.h"
#include "lib/readfile.h"
#include "lib/util.h"

/* Room for a field's path in an error message. */
#define FIELD_LEN 128
/* runc's default CFS period when only a quota is given. */
#define CPU_PERIOD_DEFAULT_US 100000ULL

const char *const nsw_oci_hook_names[NSW_OCI_HOOK_KINDS] = {
    [NSW_OCI_HOOK_PRESTART] = "prestart",
    [NSW_OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
    [NSW_OCI_HOOK_CREATE_CONTAINER] = "createContainer",
    [NSW_OCI_HOOK_START_CONTAINER] = "startContainer",
    [NSW_OCI_HOOK_POSTSTART] = "poststart",
    [NSW_OCI_HOOK_POSTSTOP] = "poststop",
};

/* The spec's namespace types, and nswatch's names for them. */
static const struct {
	const char *oci, *nsw;
	bool joinable; /* by path, from the process that makes the init */
} ns_kinds[] = {
    {"pid", "pid", true},	{"network", "net", true}, {"mount", "mnt", true},
    {"ipc", "ipc", true},	{"uts", "uts", true},	  {"user", "user", false},
    {"cgroup", "cgroup", true}, {"time", "time", true},
};

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

/* Mount options that are mount attributes: set, or cleared. */
static const struct {
	const char *name;
	unsigned int attr;
	bool clear;
} mount_flags[] = {
    {"ro", MOUNT_ATTR_RDONLY, false},	  {"rw", MOUNT_ATTR_RDONLY, true},
    {"nosuid", MOUNT_ATTR_NOSUID, false}, {"suid", MOUNT_ATTR_NOSUID, true},
    {"nodev", MOUNT_ATTR_NODEV, false},	  {"noexec", MOUNT_ATTR_NOEXEC, false},
    {"exec", MOUNT_ATTR_NOEXEC, true},
};

/*
 * Options nswatch gives every mount anyway or that have no meaning for it:
 * every mount of a container is private (propagation options), atime
 * settings keep the filesystem's default.
 */
static const char *const mount_ignored[] = {
    "private",	   "rprivate", "slave",	     "rslave",	    "unbindable",
    "runbindable", "relatime", "norelatime", "strictatime", "nostrictatime",
    "noatime",	   "atime",    "nodiratime", "diratime",    "async",
};

/* ---- json-c helpers: each names the field it was asked for ---- */

/* 1 found (of type), 0 absent or null, -1 another type. */
static int member(struct json_object *o, const char *key, enum json_type type, const char *field,
		  struct json_object **out, struct nsw_error *err)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, type))
		return nsw_error(err, 0, "%s%s%s: must be %s", field, field[0] ? "." : "", key,
				 json_type_to_name(type));
	*out = v;
	return 1;
}

static int get_string(struct json_object *o, const char *key, const char *field, const char **out,
		      struct nsw_error *err)
{
	struct json_object *v;
	int r = member(o, key, json_type_string, field, &v, err);

	*out = r > 0 ? json_object_get_string(v) : NULL;
	return r;
}

static int get_bool(struct json_object *o, const char *key, const char *field, bool *out,
		    struct nsw_error *err)
{
	struct json_object *v;
	int r = member(o, key, json_type_boolean, field, &v, err);

	if (r > 0)
		*out = json_object_get_boolean(v);
	return r;
}

/* An integer in [min, max]. */
static int get_int(struct json_object *o, const char *key, const char *field, long long min,
		   long long max, long long *out, struct nsw_error *err)
{
	struct json_object *v;
	int r = member(o, key, json_type_int, field, &v, err);

	if (r <= 0)
		return r;
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno || *out < min || *out > max)
		return nsw_error(err, 0, "%s.%s: %s out of range (%lld to %lld)", field, key,
				 json_object_get_string(v), min, max);
	return 1;
}

/* An unsigned 64-bit integer (rlimits): json-c keeps it as such. */
static int get_u64(struct json_object *o, const char *key, const char *field, uint64_t *out,
		   struct nsw_error *err)
{
	struct json_object *v;
	int r = member(o, key, json_type_int, field, &v, err);

	if (r <= 0)
		return r;
	if (json_object_get_int64(v) < 0 && json_object_get_uint64(v) == 0)
		return nsw_error(err, 0, "%s.%s: must not be negative", field, key);
	*out = json_object_get_uint64(v);
	return 1;
}

void nsw_oci_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* An array of strings as a NULL-ended copy (*out NULL if absent). */
static int get_strv(struct json_object *o, const char *key, const char *field, char ***out,
		    struct nsw_error *err)
{
	struct json_object *a;
	int r = member(o, key, json_type_array, field, &a, err);
	size_t n;
	char **v;

	*out = NULL;
	if (r <= 0)
		return r;
	n = json_object_array_length(a);
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return nsw_error(err, ENOMEM, "%s.%s", field, key);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);

		if (!json_object_is_type(s, json_type_string)) {
			nsw_oci_strv_free(v);
			return nsw_error(err, 0, "%s%s%s[%zu]: must be a string", field,
					 field[0] ? "." : "", key, i);
		}
		v[i] = strdup(json_object_get_string(s));
		if (!v[i]) {
			nsw_oci_strv_free(v);
			return nsw_error(err, ENOMEM, "%s.%s", field, key);
		}
	}
	*out = v;
	return 1;
}

/* A field nswatch cannot honour yet: an error if it is there and not empty. */
static int refuse(struct json_object *o, const char *key, const char *field, struct nsw_error *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if ((json_object_is_type(v, json_type_array) && !json_object_array_length(v)) ||
	    (json_object_is_type(v, json_type_object) && !json_object_object_length(v)) ||
	    (json_object_is_type(v, json_type_string) && !json_object_get_string_len(v)))
		return 0;
	return nsw_error(err, 0, "%s%s%s: not supported by nswatch yet", field, field[0] ? "." : "",
			 key);
}

/* ---- sections ---- */

static int parse_root(struct json_object *top, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	struct json_object *root;
	const char *path;
	char *abs;

	if (member(top, "root", json_type_object, "", &root, err) < 0)
		return -1;
	if (!root)
		return nsw_error(err, 0, "root: missing (the container's root filesystem)");
	if (get_string(root, "path", "root", &path, err) < 0)
		return -1;
	if (!path || !path[0])
		return nsw_error(err, 0, "root.path: missing");
	if (get_bool(root, "readonly", "root", &cfg->c.readonly_root, err) < 0)
		return -1;
	if (path[0] == '/')
		abs = strdup(path);
	else if (asprintf(&abs, "%s/%s", cfg->bundle, path) < 0)
		abs = NULL;
	if (!abs)
		return nsw_error(err, ENOMEM, "root.path");
	free(cfg->c.rootfs);
	cfg->c.rootfs = abs;
	return 0;
}

/* Propagation a mount asks for: made the container's own peer group (container.h). */
enum { PROP_PRIVATE, PROP_SHARED, PROP_RSHARED };

static int mount_option(struct nsw_mount *m, const char *opt, bool *bind, int *prop, char **data,
			const char *field, struct nsw_error *err)
{
	size_t len;
	char *d;

	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++) {
		if (strcmp(opt, mount_flags[i].name))
			continue;
		if (mount_flags[i].clear)
			m->attr &= ~mount_flags[i].attr;
		else
			m->attr |= mount_flags[i].attr;
		return 0;
	}
	if (!strcmp(opt, "bind") || !strcmp(opt, "rbind")) {
		*bind = true;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(mount_ignored); i++)
		if (!strcmp(opt, mount_ignored[i]))
			return 0;
	if (!strcmp(opt, "dev"))
		return nsw_error(err, 0,
				 "%s: 'dev': every mount of an nswatch container is nodev (it "
				 "applies no device cgroup)",
				 field);
	if (!strcmp(opt, "shared") || !strcmp(opt, "rshared")) {
		*prop = opt[0] == 'r' ? PROP_RSHARED : PROP_SHARED;
		return 0;
	}
	if (!opt[0] || strchr(opt, ','))
		return nsw_error(err, 0, "%s: bad option '%s'", field, opt);
	/* Anything else is the filesystem's own (mode=755, size=64k, newinstance). */
	len = *data ? strlen(*data) + 1 : 0;
	d = realloc(*data, len + strlen(opt) + 1);
	if (!d)
		return nsw_error(err, ENOMEM, "%s", field);
	if (len)
		d[len - 1] = ',';
	strcpy(d + len, opt);
	*data = d;
	return 0;
}

/* A relative bind source is the bundle's, as runc has it. */
static char *bundle_path(const char *bundle, const char *path)
{
	char *abs;

	if (path[0] == '/')
		return strdup(path);
	return asprintf(&abs, "%s/%s", bundle, path) < 0 ? NULL : abs;
}

static int parse_mount(struct json_object *o, int idx, struct nsw_oci_config *cfg,
		       struct nsw_error *err)
{
	struct nsw_container *c = &cfg->c;
	const char *dest, *type, *source;
	cleanup_free char *data = NULL;
	char field[FIELD_LEN], ofield[2 * FIELD_LEN];
	char **options = NULL;
	struct nsw_mount m = {0};
	bool bind = false;
	int r = -1, prop = PROP_PRIVATE;

	snprintf(field, sizeof(field), "mounts[%d]", idx);
	if (!json_object_is_type(o, json_type_object))
		return nsw_error(err, 0, "%s: must be an object", field);
	if (get_string(o, "destination", field, &dest, err) < 0 ||
	    get_string(o, "type", field, &type, err) < 0 ||
	    get_string(o, "source", field, &source, err) < 0 ||
	    get_strv(o, "options", field, &options, err) < 0)
		return -1;
	if (refuse(o, "uidMappings", field, err) < 0 || refuse(o, "gidMappings", field, err) < 0)
		goto out;
	if (!dest || dest[0] != '/') {
		nsw_error(err, 0, "%s.destination: must be an absolute path", field);
		goto out;
	}
	if (!strcmp(dest, "/") || strstr(dest, "/../") || !strcmp(dest + strlen(dest) - 3, "/..")) {
		nsw_error(err, 0, "%s.destination: '%s' is the root or leaves it", field, dest);
		goto out;
	}
	for (size_t i = 0; options && options[i]; i++) {
		snprintf(ofield, sizeof(ofield), "%s.options[%zu]", field, i);
		if (mount_option(&m, options[i], &bind, &prop, &data, ofield, err) < 0)
			goto out;
	}
	if (type && !strcmp(type, "bind"))
		bind = true;
	/*
	 * nodev always: no device cgroup is applied, so this is what keeps a
	 * container with CAP_MKNOD from opening a host device it makes. But
	 * devpts, whose nodes are the kernel's own ptys (no mknod there).
	 */
	if (bind || !type || strcmp(type, "devpts"))
		m.attr |= MOUNT_ATTR_NODEV;
	if (!bind && (!type || !type[0] || !strcmp(type, "none"))) {
		nsw_error(err, 0, "%s.type: missing (a filesystem type, or a bind)", field);
		goto out;
	}
	/* The container's own cgroups, bound there at create (lifecycle.c), as runc does. */
	if (!bind && (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) && data) {
		nsw_error(err, 0, "%s.options: '%s' is not an option of a cgroup mount", field,
			  data);
		goto out;
	}
	if (bind && (!source || !source[0])) {
		nsw_error(err, 0, "%s.source: missing for a bind", field);
		goto out;
	}
	/* A bind takes no filesystem options: the kernel ignores them, and runc passes them on. */
	if (bind)
		free(take_ptr(&data));
	if (c->n_mounts >= NSW_MAX_MOUNTS - 8) {
		nsw_error(err, 0, "mounts: too many (at most %d)", NSW_MAX_MOUNTS - 8);
		goto out;
	}
	m.target = strdup(dest);
	/* A filesystem's source is its device name in mountinfo ("shm", "proc"). */
	m.source = bind ? bundle_path(cfg->bundle, source) : source ? strdup(source) : NULL;
	m.fstype = bind ? NULL : strdup(type);
	m.data = take_ptr(&data);
	/* A file bind needs a file to go on; a missing source fails later, named. */
	if (bind && m.source) {
		struct stat st;

		m.is_file = stat(m.source, &st) == 0 && !S_ISDIR(st.st_mode);
		m.volume = true;
	}
	if (!m.target || (bind && !m.source) || (!bind && (!m.fstype || (source && !m.source)))) {
		free(m.target);
		free(m.source);
		free(m.fstype);
		free(m.data);
		nsw_error(err, ENOMEM, "%s", field);
		goto out;
	}
	if (prop == PROP_SHARED)
		c->shared_mounts |= 1ULL << c->n_mounts;
	if (prop == PROP_RSHARED)
		c->rshared_mounts |= 1ULL << c->n_mounts;
	c->mounts[c->n_mounts++] = m;
	r = 0;
out:
	nsw_oci_strv_free(options);
	return r;
}

static int parse_mounts(struct json_object *top, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	struct json_object *a;

	if (member(top, "mounts", json_type_array, "", &a, err) < 0)
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		if (parse_mount(json_object_array_get_idx(a, i), i, cfg, err) < 0)
			return -1;
	return 0;
}

static int parse_caps_set(struct json_object *caps, const char *key, uint64_t *bits,
			  struct nsw_error *err)
{
	char **names = NULL;
	uint64_t one;

	*bits = 0;
	if (get_strv(caps, key, "process.capabilities", &names, err) < 0)
		return -1;
	for (size_t i = 0; names && names[i]; i++) {
		/* "ALL" is nswatch's own word, not a capability of the spec. */
		if (strncmp(names[i], "CAP_", 4) || nsw_cap_parse(names[i], &one, err) < 0) {
			nsw_error(err, 0, "process.capabilities.%s[%zu]: unknown capability '%s'",
				  key, i, names[i]);
			nsw_oci_strv_free(names);
			return -1;
		}
		*bits |= one;
	}
	nsw_oci_strv_free(names);
	return 0;
}

static int parse_capabilities(struct json_object *proc, struct nsw_container *c,
			      struct nsw_error *err)
{
	struct json_object *caps;

	c->caps_sets = true;
	c->caps = c->caps_effective = c->caps_permitted = c->caps_inheritable = c->caps_ambient = 0;
	if (member(proc, "capabilities", json_type_object, "process", &caps, err) < 0)
		return -1;
	if (!caps)
		return 0;
	return parse_caps_set(caps, "bounding", &c->caps, err) < 0 ||
		       parse_caps_set(caps, "effective", &c->caps_effective, err) < 0 ||
		       parse_caps_set(caps, "permitted", &c->caps_permitted, err) < 0 ||
		       parse_caps_set(caps, "inheritable", &c->caps_inheritable, err) < 0 ||
		       parse_caps_set(caps, "ambient", &c->caps_ambient, err) < 0
		   ? -1
		   : 0;
}

static int parse_rlimits(struct json_object *proc, struct nsw_container *c, struct nsw_error *err)
{
	struct json_object *a;
	char field[FIELD_LEN];

	if (member(proc, "rlimits", json_type_array, "process", &a, err) < 0)
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct nsw_rlimit *rl;
		const char *type;
		size_t k;

		snprintf(field, sizeof(field), "process.rlimits[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return nsw_error(err, 0, "%s: must be an object", field);
		if (c->n_rlimits >= NSW_MAX_RLIMITS)
			return nsw_error(err, 0, "process.rlimits: too many");
		rl = &c->rlimits[c->n_rlimits];
		if (get_string(o, "type", field, &type, err) < 0)
			return -1;
		for (k = 0; type && k < ARRAY_SIZE(rlimit_names); k++)
			if (!strcmp(type, rlimit_names[k].name))
				break;
		if (!type || k == ARRAY_SIZE(rlimit_names))
			return nsw_error(err, 0, "%s.type: unknown rlimit '%s'", field,
					 type ? type : "");
		for (int j = 0; j < c->n_rlimits; j++)
			if (c->rlimits[j].resource == rlimit_names[k].resource)
				return nsw_error(err, 0, "%s.type: %s given twice", field, type);
		rl->resource = rlimit_names[k].resource;
		if (get_u64(o, "soft", field, &rl->soft, err) <= 0 ||
		    get_u64(o, "hard", field, &rl->hard, err) <= 0) {
			if (!err->msg[0])
				nsw_error(err, 0, "%s: soft and hard are required", field);
			return -1;
		}
		if (rl->soft > rl->hard)
			return nsw_error(err, 0, "%s: soft %llu is above hard %llu", field,
					 (unsigned long long)rl->soft,
					 (unsigned long long)rl->hard);
		c->n_rlimits++;
	}
	return 0;
}

static int parse_user(struct json_object *proc, struct nsw_container *c, struct nsw_error *err)
{
	struct json_object *user, *a;
	long long v;
	int r;

	if (member(proc, "user", json_type_object, "process", &user, err) < 0)
		return -1;
	if (!user)
		return nsw_error(err, 0, "process.user: missing");
	if ((r = get_int(user, "uid", "process.user", 0, UINT32_MAX - 1, &v, err)) < 0)
		return -1;
	c->uid = r ? v : 0;
	if ((r = get_int(user, "gid", "process.user", 0, UINT32_MAX - 1, &v, err)) < 0)
		return -1;
	c->gid = r ? v : 0;
	if ((r = get_int(user, "umask", "process.user", 0, 0777, &v, err)) < 0)
		return -1;
	c->set_umask = r > 0;
	c->umask = r ? v : 0;
	if (member(user, "additionalGids", json_type_array, "process.user", &a, err) < 0)
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *g = json_object_array_get_idx(a, i);
		long long gid = json_object_get_int64(g);

		if (!json_object_is_type(g, json_type_int) || gid < 0 || gid >= UINT32_MAX)
			return nsw_error(err, 0, "process.user.additionalGids[%zu]: not a gid", i);
		if (c->n_groups >= NSW_MAX_GROUPS)
			return nsw_error(err, 0, "process.user.additionalGids: more than %d",
					 NSW_MAX_GROUPS);
		c->groups[c->n_groups++] = gid;
	}
	return 0;
}

/* The LSMs runc ignores a label for when the host has none of them. */
static int lsm_label(struct json_object *o, const char *key, const char *field, const char *lsm_dir,
		     struct nsw_error *err)
{
	const char *label;
	struct stat st;

	if (get_string(o, key, field, &label, err) < 0)
		return -1;
	if (!label || !label[0] || stat(lsm_dir, &st) < 0)
		return 0;
	return nsw_error(err, 0, "%s.%s: not supported by nswatch yet (this host has %s)", field,
			 key, lsm_dir);
}

static int parse_process(struct json_object *top, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	struct nsw_container *c = &cfg->c;
	struct json_object *proc;
	const char *cwd;
	char **env = NULL;
	long long v;
	bool nnp = false;
	int r;

	if (member(top, "process", json_type_object, "", &proc, err) < 0)
		return -1;
	if (!proc) {
		/* Nothing to run: start refuses; the init only waits, without privileges. */
		cfg->no_process = true;
		c->caps_sets = true;
		c->caps = c->caps_effective = c->caps_permitted = c->caps_inheritable = 0;
		c->caps_ambient = 0;
		c->argv = calloc(2, sizeof(*c->argv));
		if (!c->argv || !(c->argv[0] = strdup("")))
			return nsw_error(err, ENOMEM, "process");
		return 0;
	}
	if (get_bool(proc, "terminal", "process", &c->tty, err) < 0 ||
	    get_strv(proc, "args", "process", &c->argv, err) < 0)
		return -1;
	if (!c->argv || !c->argv[0] || !c->argv[0][0])
		return nsw_error(err, 0, "process.args: must be a non-empty array of strings");
	if (get_string(proc, "cwd", "process", &cwd, err) < 0)
		return -1;
	if (!cwd || cwd[0] != '/')
		return nsw_error(err, 0, "process.cwd: must be an absolute path");
	free(c->workdir);
	c->workdir = strdup(cwd);
	if (!c->workdir)
		return nsw_error(err, ENOMEM, "process.cwd");
	if (get_strv(proc, "env", "process", &env, err) < 0)
		return -1;
	for (size_t i = 0; env && env[i]; i++) {
		if (!nsw_env_valid(env[i]) || c->n_env >= NSW_MAX_ENV) {
			nsw_error(err, 0, "process.env[%zu]: %s", i,
				  c->n_env >= NSW_MAX_ENV ? "too many" : "not KEY=VALUE");
			nsw_oci_strv_free(env);
			return -1;
		}
		c->env[c->n_env++] = env[i];
		env[i] = NULL;
	}
	nsw_oci_strv_free(env);
	if (parse_user(proc, c, err) < 0 || parse_capabilities(proc, c, err) < 0 ||
	    parse_rlimits(proc, c, err) < 0)
		return -1;
	if (get_bool(proc, "noNewPrivileges", "process", &nnp, err) < 0)
		return -1;
	c->keep_privs = !nnp;
	r = get_int(proc, "oomScoreAdj", "process", -1000, 1000, &v, err);
	if (r < 0)
		return -1;
	c->set_oom_score_adj = r > 0;
	c->oom_score_adj = r ? v : 0;
	if (lsm_label(proc, "apparmorProfile", "process", "/sys/kernel/security/apparmor", err) <
		0 ||
	    lsm_label(proc, "selinuxLabel", "process", "/sys/fs/selinux/enforce", err) < 0)
		return -1;
	if (refuse(proc, "ioPriority", "process", err) < 0 ||
	    refuse(proc, "scheduler", "process", err) < 0 ||
	    refuse(proc, "execCPUAffinity", "process", err) < 0)
		return -1;
	return 0;
}

static int parse_namespaces(struct json_object *linux_o, struct nsw_oci_config *cfg,
			    struct nsw_error *err)
{
	struct json_object *a;
	char field[FIELD_LEN];

	cfg->c.ns_flags = 0;
	if (member(linux_o, "namespaces", json_type_array, "linux", &a, err) < 0)
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		const char *type, *path;
		unsigned int idx;
		size_t k;

		snprintf(field, sizeof(field), "linux.namespaces[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return nsw_error(err, 0, "%s: must be an object", field);
		if (get_string(o, "type", field, &type, err) < 0 ||
		    get_string(o, "path", field, &path, err) < 0)
			return -1;
		for (k = 0; type && k < ARRAY_SIZE(ns_kinds); k++)
			if (!strcmp(type, ns_kinds[k].oci))
				break;
		if (!type || k == ARRAY_SIZE(ns_kinds))
			return nsw_error(err, 0, "%s.type: unknown namespace type '%s'", field,
					 type ? type : "");
		idx = nsw_type_index(ns_kinds[k].nsw);
		if (idx >= NSW_TYPE_COUNT)
			return nsw_error(err, 0, "%s.type: '%s' unknown here", field, type);
		if ((cfg->c.ns_flags & nsw_types[idx].flag) || cfg->ns_paths[idx])
			return nsw_error(err, 0, "%s.type: %s given twice", field, type);
		if (!path || !path[0]) {
			cfg->c.ns_flags |= nsw_types[idx].flag;
			continue;
		}
		if (!ns_kinds[k].joinable)
			return nsw_error(
			    err, 0,
			    "%s.path: joining a %s namespace is not supported by nswatch yet",
			    field, type);
		if (path[0] != '/')
			return nsw_error(err, 0, "%s.path: must be an absolute path", field);
		cfg->ns_paths[idx] = strdup(path);
		if (!cfg->ns_paths[idx])
			return nsw_error(err, ENOMEM, "%s", field);
	}
	/* The init joins a mount namespace itself (init.c), before building the root. */
	cfg->c.mnt_ns_path = cfg->ns_paths[nsw_type_index("mnt")];
	if (cfg->c.mnt_ns_path && (cfg->c.ns_flags & CLONE_NEWUSER))
		return nsw_error(err, 0,
				 "linux.namespaces: a mount namespace joined by path with a new user "
				 "namespace is not supported by nswatch (the init could not join it)");
	if (!(cfg->c.ns_flags & CLONE_NEWNS) && !cfg->c.mnt_ns_path)
		return nsw_error(err, 0,
				 "linux.namespaces: a new mount namespace is required (nswatch "
				 "builds the rootfs in one)");
	return 0;
}

static int parse_idmaps(struct json_object *linux_o, const char *key, struct nsw_idmap *maps,
			int *n, struct nsw_error *err)
{
	struct json_object *a;
	char field[FIELD_LEN];

	if (member(linux_o, key, json_type_array, "linux", &a, err) < 0)
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		long long in, out, count;

		snprintf(field, sizeof(field), "linux.%s[%zu]", key, i);
		if (!json_object_is_type(o, json_type_object))
			return nsw_error(err, 0, "%s: must be an object", field);
		if (*n >= NSW_MAX_IDMAPS)
			return nsw_error(err, 0, "linux.%s: more than %d", key, NSW_MAX_IDMAPS);
		if (get_int(o, "containerID", field, 0, UINT32_MAX - 1, &in, err) <= 0 ||
		    get_int(o, "hostID", field, 0, UINT32_MAX - 1, &out, err) <= 0 ||
		    get_int(o, "size", field, 1, UINT32_MAX, &count, err) <= 0) {
			if (!err->msg[0])
				nsw_error(err, 0, "%s: containerID, hostID and size are required",
					  field);
			return -1;
		}
		maps[(*n)++] = (struct nsw_idmap){in, out, count};
	}
	return 0;
}

/* A NULL-ended list of absolute paths of the container (masks.h resolves them). */
static int parse_paths(struct json_object *linux_o, const char *key, char ***out,
		       struct nsw_error *err)
{
	if (get_strv(linux_o, key, "linux", out, err) < 0)
		return -1;
	for (size_t i = 0; *out && (*out)[i]; i++) {
		const char *p = (*out)[i];

		if (p[0] != '/' || !p[1])
			return nsw_error(err, 0,
					 "linux.%s[%zu]: '%s' is not an absolute path below /", key,
					 i, p);
		if (strstr(p, "/../") || !strcmp(p + strlen(p) - 3, "/.."))
			return nsw_error(err, 0, "linux.%s[%zu]: '%s' leaves its mount", key, i, p);
	}
	return 0;
}

static int parse_memory(struct json_object *res, struct nsw_limits *lim, struct nsw_error *err)
{
	static const char *const refused[] = {
	    "reservation",	"kernel",	"kernelTCP",	    "swappiness",
	    "disableOOMKiller", "useHierarchy", "checkBeforeUpdate"};
	const char *field = "linux.resources.memory";
	struct json_object *mem;
	long long limit = 0, swap = 0;
	int has_limit, has_swap;

	if (member(res, "memory", json_type_object, "linux.resources", &mem, err) < 0)
		return -1;
	if (!mem)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (json_object_object_get_ex(mem, refused[i], NULL))
			return nsw_error(err, 0, "%s.%s: not supported by nswatch yet", field,
					 refused[i]);
	has_limit = get_int(mem, "limit", field, -1, INT64_MAX, &limit, err);
	has_swap = get_int(mem, "swap", field, -1, INT64_MAX, &swap, err);
	if (has_limit < 0 || has_swap < 0)
		return -1;
	if (has_limit && limit > 0 && limit < (1 << 20))
		return nsw_error(err, 0, "%s.limit: %lld bytes is below 1 MiB", field, limit);
	/* nswatch gives a container no swap: memory+swap is the memory limit. */
	if (has_swap && swap != -1 && !(has_limit && swap == limit))
		return nsw_error(
		    err, 0,
		    "%s.swap: only no swap (swap equal to limit) is supported by nswatch yet",
		    field);
	if (has_limit && limit > 0)
		lim->memory_bytes = limit;
	return 0;
}

/* cpuset.cpus or cpuset.mems: a list of numbers and ranges ("0-3,8"). */
static int get_cpuset(struct json_object *cpu, const char *key, char *out, struct nsw_error *err)
{
	const char *v;

	if (get_string(cpu, key, "linux.resources.cpu", &v, err) < 0)
		return -1;
	if (!v || !v[0])
		return 0;
	if (strlen(v) >= NSW_CPUSET_MAX || strspn(v, "0123456789,-") != strlen(v) ||
	    !isdigit((unsigned char)v[0]))
		return nsw_error(err, 0,
				 "linux.resources.cpu.%s: '%s' is not a list of numbers and ranges "
				 "(e.g. 0-3,8) of at most %d characters",
				 key, v, NSW_CPUSET_MAX - 1);
	snprintf(out, NSW_CPUSET_MAX, "%s", v);
	return 0;
}

/* The kernel's bounds of cpu.shares (v1). */
#define CPU_SHARES_MIN 2
#define CPU_SHARES_MAX 262144
/* Realtime period and runtime: a bound above any real one; the kernel checks the rest. */
#define CPU_RT_PERIOD_MAX 1000000000LL

static int parse_cpu(struct json_object *res, struct nsw_limits *lim, struct nsw_error *err)
{
	static const char *const refused[] = {"idle", "burst"};
	const char *field = "linux.resources.cpu";
	struct json_object *cpu;
	long long quota = 0, period = 0, v;
	int has_quota, has_period, r;

	if (member(res, "cpu", json_type_object, "linux.resources", &cpu, err) < 0)
		return -1;
	if (!cpu)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (refuse(cpu, refused[i], field, err) < 0)
			return -1;
	has_quota = get_int(cpu, "quota", field, -1, INT64_MAX, &quota, err);
	has_period = get_int(cpu, "period", field, 1000, 1000000, &period, err);
	if (has_quota < 0 || has_period < 0)
		return -1;
	if (has_quota && quota > 0) {
		if (quota < 1000)
			return nsw_error(err, 0, "%s.quota: %lld us is below the kernel's 1000",
					 field, quota);
		lim->cpu_quota_us = quota;
		lim->cpu_period_us =
		    has_period ? (unsigned long long)period : CPU_PERIOD_DEFAULT_US;
	}
	r = get_int(cpu, "shares", field, 0, CPU_SHARES_MAX, &v, err);
	if (r < 0)
		return -1;
	if (r && v && v < CPU_SHARES_MIN)
		return nsw_error(err, 0, "%s.shares: %lld is below the kernel's %d", field, v,
				 CPU_SHARES_MIN);
	lim->cpu_shares = r ? v : 0;
	r = get_int(cpu, "realtimePeriod", field, 0, CPU_RT_PERIOD_MAX, &v, err);
	if (r < 0)
		return -1;
	lim->cpu_rt_period_us = r ? v : 0;
	r = get_int(cpu, "realtimeRuntime", field, -1, CPU_RT_PERIOD_MAX, &v, err);
	if (r < 0)
		return -1;
	lim->cpu_rt_runtime_us = r ? v : 0;
	if (get_cpuset(cpu, "cpus", lim->cpuset_cpus, err) < 0 ||
	    get_cpuset(cpu, "mems", lim->cpuset_mems, err) < 0)
		return -1;
	return 0;
}

/*
 * What runc allows after a config's rules: mknod of any node, the nodes
 * nswatch binds into /dev (null, zero, full, random, urandom, tty), the
 * ptys (ptmx and devpts' 136).
 */
static const struct nsw_device_rule default_device_rules[] = {
    {true, 'c', -1, -1, "m"},  {true, 'b', -1, -1, "m"},  {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 5, "rwm"},  {true, 'c', 1, 7, "rwm"},  {true, 'c', 1, 8, "rwm"},
    {true, 'c', 1, 9, "rwm"},  {true, 'c', 5, 0, "rwm"},  {true, 'c', 5, 2, "rwm"},
    {true, 'c', 136, -1, "rwm"},
};

static int add_device_rule(struct nsw_limits *lim, const struct nsw_device_rule *r,
			   struct nsw_error *err)
{
	if (lim->n_device_rules >= NSW_MAX_DEVICE_RULES)
		return nsw_error(err, 0, "linux.resources.devices: more than %d rules with nswatch's",
				 NSW_MAX_DEVICE_RULES);
	lim->device_rules[lim->n_device_rules++] = *r;
	return 0;
}

/* The config's linux.resources.devices, in order, then runc's defaults. */
static int parse_device_rules(struct json_object *res, struct nsw_limits *lim,
			      struct nsw_error *err)
{
	struct json_object *a;
	char field[FIELD_LEN];

	a = NULL;
	if (res && member(res, "devices", json_type_array, "linux.resources", &a, err) < 0)
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct nsw_device_rule r = {.type = 'a', .major = -1, .minor = -1};
		const char *type, *access;
		int got;

		snprintf(field, sizeof(field), "linux.resources.devices[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return nsw_error(err, 0, "%s: must be an object", field);
		got = get_bool(o, "allow", field, &r.allow, err);
		if (got < 0)
			return -1;
		if (!got)
			return nsw_error(err, 0, "%s.allow: missing", field);
		if (get_string(o, "type", field, &type, err) < 0 ||
		    get_string(o, "access", field, &access, err) < 0 ||
		    get_int(o, "major", field, -1, UINT32_MAX, &r.major, err) < 0 ||
		    get_int(o, "minor", field, -1, UINT32_MAX, &r.minor, err) < 0)
			return -1;
		if (type && (strlen(type) != 1 || !strchr("acb", type[0])))
			return nsw_error(err, 0, "%s.type: '%s' is not a, c or b", field, type);
		if (type)
			r.type = type[0];
		if (access && (!access[0] || strlen(access) > 3 ||
			       strspn(access, "rwm") != strlen(access)))
			return nsw_error(err, 0, "%s.access: '%s' is not of r, w, m", field, access);
		snprintf(r.access, sizeof(r.access), "%s", access ? access : "rwm");
		if (r.allow)
			lim->devices_needed = true;
		if (add_device_rule(lim, &r, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_device_rules); i++)
		if (add_device_rule(lim, &default_device_rules[i], err) < 0)
			return -1;
	return 0;
}

/* A device's numbers: major and minor, each below 2^32 (Linux's dev_t keeps 12 and 20 bits). */
#define DEVICE_MAJOR_MAX 4095
#define DEVICE_MINOR_MAX 1048575

/* linux.devices: the nodes the init makes, each allowed in the devices cgroup (as runc does). */
static int parse_devices(struct json_object *linux_o, struct nsw_oci_config *cfg,
			 struct nsw_error *err)
{
	struct nsw_container *c = &cfg->c;
	struct json_object *a;
	char field[FIELD_LEN];
	size_t n;

	if (member(linux_o, "devices", json_type_array, "linux", &a, err) < 0)
		return -1;
	n = a ? json_object_array_length(a) : 0;
	if (!n)
		return 0;
	if (c->ns_flags & CLONE_NEWUSER)
		return nsw_error(err, 0,
				 "linux.devices: not supported by nswatch with a new user namespace "
				 "(no mknod there)");
	cfg->devices = calloc(n, sizeof(*cfg->devices));
	if (!cfg->devices)
		return nsw_error(err, ENOMEM, "linux.devices");
	c->devices = cfg->devices;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct nsw_device *d = &cfg->devices[i];
		struct nsw_device_rule rule = {true, 0, 0, 0, "rwm"};
		const char *path, *type;
		long long major = 0, minor = 0, mode = 0666, uid = 0, gid = 0;
		int has_major, has_minor;

		snprintf(field, sizeof(field), "linux.devices[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return nsw_error(err, 0, "%s: must be an object", field);
		if (get_string(o, "path", field, &path, err) < 0 ||
		    get_string(o, "type", field, &type, err) < 0 ||
		    (has_major = get_int(o, "major", field, 0, DEVICE_MAJOR_MAX, &major, err)) < 0 ||
		    (has_minor = get_int(o, "minor", field, 0, DEVICE_MINOR_MAX, &minor, err)) < 0 ||
		    get_int(o, "fileMode", field, 0, 07777, &mode, err) < 0 ||
		    get_int(o, "uid", field, 0, UINT32_MAX - 1, &uid, err) < 0 ||
		    get_int(o, "gid", field, 0, UINT32_MAX - 1, &gid, err) < 0)
			return -1;
		if (!path || path[0] != '/' || !path[1] || strstr(path, "/../") ||
		    !strcmp(path + strlen(path) - 3, "/.."))
			return nsw_error(err, 0, "%s.path: must be an absolute path below /", field);
		if (!type || strlen(type) != 1 || !strchr("cubp", type[0]))
			return nsw_error(err, 0, "%s.type: '%s' is not c, u, b or p", field,
					 type ? type : "");
		if (type[0] != 'p' && (!has_major || !has_minor))
			return nsw_error(err, 0, "%s: major and minor are required for type %s",
					 field, type);
		d->path = strdup(path);
		if (!d->path)
			return nsw_error(err, ENOMEM, "%s", field);
		c->n_devices++;
		d->type = type[0] == 'b' ? S_IFBLK : type[0] == 'p' ? S_IFIFO : S_IFCHR;
		d->major = major;
		d->minor = minor;
		d->mode = mode & 07777;
		d->uid = uid;
		d->gid = gid;
		if (type[0] == 'p')
			continue;
		/* Nodes made must also open: nodev is lifted for /dev only with these rules. */
		c->limits.devices_needed = true;
		rule.type = type[0] == 'b' ? 'b' : 'c';
		rule.major = major;
		rule.minor = minor;
		if (add_device_rule(&c->limits, &rule, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_resources(struct json_object *linux_o, struct nsw_container *c,
			   struct nsw_error *err)
{
	static const char *const refused[] = {"blockIO", "hugepageLimits", "network", "rdma",
					      "unified"};
	struct json_object *res, *pids;
	long long limit;
	int r;

	if (member(linux_o, "resources", json_type_object, "linux", &res, err) < 0)
		return -1;
	if (!res)
		return parse_device_rules(NULL, &c->limits, err);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (refuse(res, refused[i], "linux.resources", err) < 0)
			return -1;
	if (parse_device_rules(res, &c->limits, err) < 0)
		return -1;
	if (parse_memory(res, &c->limits, err) < 0 || parse_cpu(res, &c->limits, err) < 0)
		return -1;
	if (member(res, "pids", json_type_object, "linux.resources", &pids, err) < 0)
		return -1;
	if (!pids)
		return 0;
	r = get_int(pids, "limit", "linux.resources.pids", -1, 4194304, &limit, err);
	if (r < 0)
		return -1;
	if (r > 0 && limit > 0)
		c->limits.pids_max = limit;
	return 0;
}

static int parse_seccomp(struct json_object *linux_o, struct nsw_container *c,
			 struct nsw_error *err)
{
	struct json_object *o;

	c->seccomp.mode = NSW_SECCOMP_UNCONFINED;
	if (member(linux_o, "seccomp", json_type_object, "linux", &o, err) < 0)
		return -1;
	if (!o)
		return 0;
	if (nsw_seccomp_profile_from_json(o, "linux.seccomp", &c->seccomp.profile, err) < 0)
		return -1;
	c->seccomp.mode = NSW_SECCOMP_PROFILE;
	return 0;
}

/* The sysctls a namespace of the container's own holds, and which one. */
static const struct {
	const char *prefix;
	unsigned long ns;
} sysctl_ns[] = {
    {"net.", CLONE_NEWNET},
    {"kernel.shm", CLONE_NEWIPC},
    {"kernel.msg", CLONE_NEWIPC},
    {"kernel.sem", CLONE_NEWIPC},
    {"fs.mqueue.", CLONE_NEWIPC},
    {"kernel.hostname", CLONE_NEWUTS},
    {"kernel.domainname", CLONE_NEWUTS},
};

static int parse_sysctl(struct json_object *linux_o, struct nsw_oci_config *cfg,
			struct nsw_error *err)
{
	struct json_object *o;
	size_t n, i = 0;

	if (member(linux_o, "sysctl", json_type_object, "linux", &o, err) < 0)
		return -1;
	n = o ? json_object_object_length(o) : 0;
	if (!n)
		return 0;
	cfg->sysctl = calloc(n + 1, sizeof(char *));
	if (!cfg->sysctl)
		return nsw_error(err, ENOMEM, "linux.sysctl");
	cfg->c.sysctl = cfg->sysctl;
	json_object_object_foreach(o, key, val)
	{
		size_t k;

		if (!json_object_is_type(val, json_type_string))
			return nsw_error(err, 0, "linux.sysctl.%s: must be a string", key);
		if (!key[0] ||
		    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(key) ||
		    strstr(key, "..") || key[0] == '.')
			return nsw_error(err, 0, "linux.sysctl.%s: not a sysctl name", key);
		for (k = 0; k < ARRAY_SIZE(sysctl_ns); k++)
			if (!strncmp(key, sysctl_ns[k].prefix, strlen(sysctl_ns[k].prefix)))
				break;
		/* Anything else is the host's whole kernel, as runc refuses it too. */
		if (k == ARRAY_SIZE(sysctl_ns))
			return nsw_error(err, 0, "linux.sysctl.%s: not a namespaced sysctl", key);
		if (!(cfg->c.ns_flags & sysctl_ns[k].ns))
			return nsw_error(
			    err, 0, "linux.sysctl.%s: needs a namespace of the container's own",
			    key);
		if (asprintf(&cfg->sysctl[i], "%s=%s", key, json_object_get_string(val)) < 0) {
			cfg->sysctl[i] = NULL;
			return nsw_error(err, ENOMEM, "linux.sysctl");
		}
		i++;
	}
	return 0;
}

static int parse_linux(struct json_object *top, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	static const char *const refused[] = {"intelRdt", "personality", "timeOffsets",
					      "memoryPolicy", "netDevices"};
	struct nsw_container *c = &cfg->c;
	struct json_object *linux_o;
	const char *s;

	if (member(top, "linux", json_type_object, "", &linux_o, err) < 0)
		return -1;
	if (!linux_o)
		return nsw_error(err, 0, "linux: missing (nswatch runs Linux containers)");
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (refuse(linux_o, refused[i], "linux", err) < 0)
			return -1;
	if (parse_namespaces(linux_o, cfg, err) < 0 ||
	    parse_idmaps(linux_o, "uidMappings", c->uid_maps, &c->n_uid_maps, err) < 0 ||
	    parse_idmaps(linux_o, "gidMappings", c->gid_maps, &c->n_gid_maps, err) < 0)
		return -1;
	if ((c->ns_flags & CLONE_NEWUSER) && geteuid() == 0 && !c->n_uid_maps)
		return nsw_error(err, 0, "linux.uidMappings: required with a new user namespace");
	if ((c->n_uid_maps || c->n_gid_maps) && !(c->ns_flags & CLONE_NEWUSER))
		return nsw_error(
		    err, 0,
		    "linux.uidMappings: given without a new user namespace in linux.namespaces");
	if (parse_paths(linux_o, "maskedPaths", &cfg->masked, err) < 0 ||
	    parse_paths(linux_o, "readonlyPaths", &cfg->readonly, err) < 0)
		return -1;
	c->masked_paths = (const char *const *)cfg->masked;
	c->readonly_paths = (const char *const *)cfg->readonly;
	/* The devices' own rules go after the config's and the defaults. */
	if (parse_resources(linux_o, c, err) < 0 || parse_devices(linux_o, cfg, err) < 0 ||
	    parse_seccomp(linux_o, c, err) < 0 || parse_sysctl(linux_o, cfg, err) < 0)
		return -1;
	if (get_string(linux_o, "cgroupsPath", "linux", &s, err) < 0)
		return -1;
	if (s && s[0]) {
		cfg->cgroups_path = strdup(s);
		if (!cfg->cgroups_path)
			return nsw_error(err, ENOMEM, "linux.cgroupsPath");
		if (nsw_cgroup_path_valid(cfg->cgroups_path, err) < 0)
			return nsw_error_wrap(err, "linux.cgroupsPath");
		c->limits.path = cfg->cgroups_path;
	}
	/* A cgroup in every hierarchy, as runc's cgroupfs driver makes them. */
	c->limits.every_hierarchy = true;
	if (get_string(linux_o, "rootfsPropagation", "linux", &s, err) < 0)
		return -1;
	/* The container's mounts are private clones: slave has no master to follow. */
	if (s && !strcmp(s, "shared"))
		c->root_shared = true;
	else if (s && !strcmp(s, "rshared"))
		c->root_rshared = true;
	else if (s && !strcmp(s, "unbindable"))
		c->root_unbindable = true;
	else if (s && s[0] && strcmp(s, "private") && strcmp(s, "rprivate") &&
		 strcmp(s, "slave") && strcmp(s, "rslave"))
		return nsw_error(err, 0,
				 "linux.rootfsPropagation: '%s' is not shared, rshared, private, "
				 "rprivate, slave, rslave or unbindable",
				 s);
	return lsm_label(linux_o, "mountLabel", "linux", "/sys/fs/selinux/enforce", err);
}

static int parse_hook(struct json_object *o, const char *field, struct nsw_oci_hook *h,
		      struct nsw_error *err)
{
	const char *path;
	long long timeout;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return nsw_error(err, 0, "%s: must be an object", field);
	if (get_string(o, "path", field, &path, err) < 0)
		return -1;
	if (!path || path[0] != '/')
		return nsw_error(err, 0, "%s.path: must be an absolute path", field);
	h->path = strdup(path);
	if (!h->path)
		return nsw_error(err, ENOMEM, "%s", field);
	if (get_strv(o, "args", field, &h->args, err) < 0 ||
	    get_strv(o, "env", field, &h->env, err) < 0)
		return -1;
	r = get_int(o, "timeout", field, 1, INT32_MAX, &timeout, err);
	if (r < 0)
		return -1;
	h->timeout = r ? timeout : 0;
	return 0;
}

static int parse_hooks(struct json_object *top, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	struct json_object *hooks, *a;
	char field[FIELD_LEN];

	if (member(top, "hooks", json_type_object, "", &hooks, err) < 0)
		return -1;
	for (int k = 0; hooks && k < NSW_OCI_HOOK_KINDS; k++) {
		size_t n;

		snprintf(field, sizeof(field), "hooks.%s", nsw_oci_hook_names[k]);
		if (member(hooks, nsw_oci_hook_names[k], json_type_array, "hooks", &a, err) < 0)
			return -1;
		n = a ? json_object_array_length(a) : 0;
		if (!n)
			continue;
		cfg->hooks[k] = calloc(n, sizeof(*cfg->hooks[k]));
		if (!cfg->hooks[k])
			return nsw_error(err, ENOMEM, "%s", field);
		cfg->n_hooks[k] = n;
		for (size_t i = 0; i < n; i++) {
			char hfield[2 * FIELD_LEN];

			snprintf(hfield, sizeof(hfield), "%s[%zu]", field, i);
			if (parse_hook(json_object_array_get_idx(a, i), hfield, &cfg->hooks[k][i],
				       err) < 0)
				return -1;
		}
	}
	return 0;
}

static int parse_annotations(struct json_object *top, struct nsw_oci_config *cfg,
			     struct nsw_error *err)
{
	struct json_object *o;
	size_t n;
	int i = 0;

	if (member(top, "annotations", json_type_object, "", &o, err) < 0)
		return -1;
	n = o ? json_object_object_length(o) : 0;
	if (!n)
		return 0;
	cfg->annotation_keys = calloc(n + 1, sizeof(char *));
	cfg->annotation_values = calloc(n + 1, sizeof(char *));
	if (!cfg->annotation_keys || !cfg->annotation_values)
		return nsw_error(err, ENOMEM, "annotations");
	json_object_object_foreach(o, key, val)
	{
		if (!json_object_is_type(val, json_type_string))
			return nsw_error(err, 0, "annotations.%s: must be a string", key);
		cfg->annotation_keys[i] = strdup(key);
		cfg->annotation_values[i] = strdup(json_object_get_string(val));
		if (!cfg->annotation_keys[i] || !cfg->annotation_values[i])
			return nsw_error(err, ENOMEM, "annotations");
		i++;
	}
	cfg->n_annotations = i;
	return 0;
}

static int parse_version(struct json_object *top, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	const char *v;

	if (get_string(top, "ociVersion", "", &v, err) < 0)
		return -1;
	if (!v)
		return nsw_error(err, 0, "ociVersion: missing");
	/* 1.0.0 to 1.2.x; later 1.x only add fields, which are checked one by one. */
	if (strncmp(v, "1.", 2) || strlen(v) >= sizeof(cfg->oci_version))
		return nsw_error(err, 0, "ociVersion: '%s' is not a runtime-spec 1.x version", v);
	snprintf(cfg->oci_version, sizeof(cfg->oci_version), "%s", v);
	return 0;
}

static int parse_top(struct json_object *top, struct nsw_oci_config *cfg, struct nsw_error *err)
{
	const char *hostname;

	if (!json_object_is_type(top, json_type_object))
		return nsw_error(err, 0, "the config must be a JSON object");
	if (parse_version(top, cfg, err) < 0 || parse_root(top, cfg, err) < 0 ||
	    parse_process(top, cfg, err) < 0 || parse_linux(top, cfg, err) < 0 ||
	    parse_mounts(top, cfg, err) < 0 || parse_hooks(top, cfg, err) < 0 ||
	    parse_annotations(top, cfg, err) < 0)
		return -1;
	if (refuse(top, "domainname", "", err) < 0)
		return -1;
	if (get_string(top, "hostname", "", &hostname, err) < 0)
		return -1;
	if (hostname && hostname[0]) {
		if (!nsw_hostname_valid(hostname))
			return nsw_error(err, 0, "hostname: '%s' is not an RFC 1123 host name",
					 hostname);
		/* Joined by path, it is the container's to name too, as with runc. */
		if (!(cfg->c.ns_flags & CLONE_NEWUTS) && !cfg->ns_paths[nsw_type_index("uts")])
			return nsw_error(err, 0,
					 "hostname: needs a uts namespace in linux.namespaces");
		snprintf(cfg->c.hostname, sizeof(cfg->c.hostname), "%s", hostname);
	}
	return 0;
}

int nsw_oci_config_parse(const char *text, size_t len, const char *bundle, const char *id,
			 struct nsw_oci_config *cfg, struct nsw_error *err)
{
	struct json_tokener *tok;
	struct json_object *top;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (nsw_container_init(&cfg->c, err) < 0)
		return -1;
	cfg->c.oci = true;
	cfg->c.masked_paths = cfg->c.readonly_paths = NULL;
	cfg->bundle = strdup(bundle);
	if (!cfg->bundle) {
		nsw_oci_config_free(cfg);
		return nsw_error(err, ENOMEM, "bundle");
	}
	if (id) {
		if (!nsw_name_valid(id)) {
			nsw_oci_config_free(cfg);
			return nsw_error(err, 0,
					 "container id '%s': 1 to %d of A-Z a-z 0-9 _ . -, "
					 "starting with a letter or digit",
					 id, NSW_NAME_MAX);
		}
		snprintf(cfg->c.name, sizeof(cfg->c.name), "%s", id);
	}
	tok = json_tokener_new();
	if (!tok) {
		nsw_oci_config_free(cfg);
		return nsw_error(err, ENOMEM, "json");
	}
	top = json_tokener_parse_ex(tok, text, len);
	if (!top || json_tokener_get_parse_end(tok) < len) {
		enum json_tokener_error je = json_tokener_get_error(tok);

		json_object_put(top);
		json_tokener_free(tok);
		nsw_oci_config_free(cfg);
		return nsw_error(err, 0, "not valid JSON: %s",
				 je == json_tokener_success ? "data after the object"
							    : json_tokener_error_desc(je));
	}
	json_tokener_free(tok);
	r = parse_top(top, cfg, err);
	json_object_put(top);
	if (r < 0)
		nsw_oci_config_free(cfg);
	return r;
}

int nsw_oci_config_load(const char *bundle, const char *id, struct nsw_oci_config *cfg,
			struct nsw_error *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *text = NULL;
	char path[PATH_MAX];
	size_t got;

	snprintf(path, sizeof(path), "%s/%s", bundle, NSW_OCI_CONFIG_FILE);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsw_error(err, errno, "cannot open %s", path);
	if (nsw_read_bounded(fd, NSW_OCI_CONFIG_MAX, &text, &got) < 0 && errno == EFBIG)
		return nsw_error(err, 0, "%s: not a regular file of at most %d bytes", path,
				 NSW_OCI_CONFIG_MAX);
	if (!text)
		return nsw_error(err, errno, "cannot read %s", path);
	if (nsw_oci_config_parse(text, got, bundle, id, cfg, err) < 0)
		return nsw_error_wrap(err, "%s", path);
	return 0;
}

static void free_hook(struct nsw_oci_hook *h)
{
	free(h->path);
	nsw_oci_strv_free(h->args);
	nsw_oci_strv_free(h->env);
}

void nsw_oci_config_free(struct nsw_oci_config *cfg)
{
	for (int k = 0; k < NSW_OCI_HOOK_KINDS; k++) {
		for (int i = 0; i < cfg->n_hooks[k]; i++)
			free_hook(&cfg->hooks[k][i]);
		free(cfg->hooks[k]);
	}
	nsw_oci_strv_free(cfg->annotation_keys);
	nsw_oci_strv_free(cfg->annotation_values);
	for (int i = 0; i < NSW_TYPE_COUNT; i++)
		free(cfg->ns_paths[i]);
	nsw_oci_strv_free(cfg->c.argv);
	nsw_oci_strv_free(cfg->masked);
	nsw_oci_strv_free(cfg->readonly);
	nsw_oci_strv_free(cfg->sysctl);
	for (int i = 0; cfg->devices && i < cfg->c.n_devices; i++)
		free(cfg->devices[i].path);
	free(cfg->devices);
	free(cfg->cgroups_path);
	free(cfg->bundle);
	nsw_container_free(&cfg->c);
	memset(cfg, 0, sizeof(*cfg));
}

static void write_strv(struct nsw_json *w, const char *key, char *const *v)
{
	if (!v)
		return;
	nsw_json_key(w, key);
	nsw_json_array_begin(w);
	for (; *v; v++)
		nsw_json_string(w, *v);
	nsw_json_array_end(w);
}

void nsw_oci_config_write_saved(struct nsw_json *w, const struct nsw_oci_config *cfg)
{
	static const enum nsw_oci_hook_kind kept[] = {NSW_OCI_HOOK_POSTSTART,
						      NSW_OCI_HOOK_POSTSTOP,
						      NSW_OCI_HOOK_START_CONTAINER};

	nsw_json_key(w, "annotations");
	nsw_json_object_begin(w);
	for (int i = 0; i < cfg->n_annotations; i++)
		nsw_json_kv_string(w, cfg->annotation_keys[i], cfg->annotation_values[i]);
	nsw_json_object_end(w);
	if (cfg->no_process)
		nsw_json_kv_bool(w, "process", false);
	nsw_json_key(w, "hooks");
	nsw_json_object_begin(w);
	for (size_t k = 0; k < ARRAY_SIZE(kept); k++) {
		nsw_json_key(w, nsw_oci_hook_names[kept[k]]);
		nsw_json_array_begin(w);
		for (int i = 0; i < cfg->n_hooks[kept[k]]; i++) {
			const struct nsw_oci_hook *h = &cfg->hooks[kept[k]][i];

			nsw_json_object_begin(w);
			nsw_json_kv_string(w, "path", h->path);
			write_strv(w, "args", h->args);
			write_strv(w, "env", h->env);
			if (h->timeout)
				nsw_json_kv_int(w, "timeout", h->timeout);
			nsw_json_object_end(w);
		}
		nsw_json_array_end(w);
	}
	nsw_json_object_end(w);
}

int nsw_oci_config_parse_saved(struct json_object *top, struct nsw_oci_config *cfg,
			       struct nsw_error *err)
{
	struct json_object *v;

	memset(cfg, 0, sizeof(*cfg));
	cfg->no_process = json_object_object_get_ex(top, "process", &v) &&
			  json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v);
	if (parse_hooks(top, cfg, err) < 0 || parse_annotations(top, cfg, err) < 0) {
		nsw_oci_config_free(cfg);
		return -1;
	}
	return 0;
}

int nsw_oci_process_parse(const char *text, size_t len, struct nsw_oci_config *cfg,
			  struct nsw_error *err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *proc, *top = json_object_new_object();
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (!tok || !top || nsw_container_init(&cfg->c, err) < 0) {
		json_tokener_free(tok);
		json_object_put(top);
		nsw_oci_config_free(cfg);
		return err->msg[0] ? -1 : nsw_error(err, ENOMEM, "process");
	}
	cfg->c.oci = true;
	proc = json_tokener_parse_ex(tok, text, len);
	if (!proc || json_tokener_get_parse_end(tok) < len) {
		json_object_put(proc);
		proc = NULL;
	}
	json_tokener_free(tok);
	/* config.json's reader on {"process": <the file>}: the same checks and field names. */
	r = proc ? json_object_object_add(top, "process", proc) : -1;
	if (r < 0)
		r = nsw_error(err, 0, "not valid JSON");
	else
		r = parse_process(top, cfg, err);
	json_object_put(top);
	if (r < 0)
		nsw_oci_config_free(cfg);
	return r;
}
