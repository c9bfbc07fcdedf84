/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An OCI bundle's config.json (runtime-spec 1.0 to 1.2) read into the one
 * container description that `nswatch run`'s command line also fills
 * (runtime/container.h), plus what only the OCI lifecycle uses: hooks,
 * annotations, the namespaces to join by path, cgroupsPath.
 *
 * Every field nswatch reads is checked; a field it cannot honour is an
 * error naming the field (docs/oci.md lists them, and the few ignored
 * where runc ignores them too). Unknown fields are ignored, as the spec
 * asks of runtimes.
 */
#ifndef NSW_OCI_CONFIG_H
#define NSW_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "runtime/container.h"
#include "lib/error.h"
#include "lib/json.h"
#include "lib/nsnames.h"

/* A config.json is read whole; runc's own limit is far above any real one. */
#define NSW_OCI_CONFIG_MAX  (4 << 20)
#define NSW_OCI_CONFIG_FILE "config.json"

enum nsw_oci_hook_kind {
	NSW_OCI_HOOK_PRESTART,
	NSW_OCI_HOOK_CREATE_RUNTIME,
	NSW_OCI_HOOK_CREATE_CONTAINER,
	NSW_OCI_HOOK_START_CONTAINER,
	NSW_OCI_HOOK_POSTSTART,
	NSW_OCI_HOOK_POSTSTOP,
	NSW_OCI_HOOK_KINDS,
};

/* The spec's names: "prestart", "createRuntime", ... */
extern const char *const nsw_oci_hook_names[NSW_OCI_HOOK_KINDS];

struct nsw_oci_hook {
	char *path;  /* absolute, on the host */
	char **args; /* NULL-ended; NULL: just path */
	char **env;  /* NULL-ended; NULL: none */
	int timeout; /* seconds; 0: none */
};

struct nsw_oci_config {
	char oci_version[32];
	char *bundle;		/* absolute */
	struct nsw_container c; /* the description; c.argv is owned here */
	int n_hooks[NSW_OCI_HOOK_KINDS];
	struct nsw_oci_hook *hooks[NSW_OCI_HOOK_KINDS];
	int n_annotations;
	char **annotation_keys, **annotation_values;
	/* Namespaces joined by path, by nsw_types[] index; NULL: none. */
	char *ns_paths[NSW_TYPE_COUNT];
	char *cgroups_path; /* recorded; nswatch's own cgroup is used */
	/* What c's masked_paths and readonly_paths point into (NULL-ended). */
	char **masked, **readonly;
	char **sysctl; /* what c.sysctl points to */
};

/*
 * Parse text (len bytes) as the config.json of bundle (an absolute
 * directory; root.path is relative to it) into cfg, for container id. cfg
 * is filled whole or freed; the error names the field ("process.args:
 * must be a non-empty array of strings").
 */
int nsw_oci_config_parse(const char *text, size_t len, const char *bundle, const char *id,
			 struct nsw_oci_config *cfg, struct nsw_error *err);
/* Read bundle/config.json and parse it. */
int nsw_oci_config_load(const char *bundle, const char *id, struct nsw_oci_config *cfg,
			struct nsw_error *err);
void nsw_oci_config_free(struct nsw_oci_config *cfg);

/*
 * What the later verbs need of a config, kept in oci.json: its annotations
 * and its poststart and poststop hooks, written as members of the object w
 * is in, in config.json's own form, and read back from the object top.
 */
void nsw_oci_config_write_saved(struct nsw_json *w, const struct nsw_oci_config *cfg);
int nsw_oci_config_parse_saved(struct json_object *top, struct nsw_oci_config *cfg,
			       struct nsw_error *err);

/*
 * An exec's process file (--process): the spec's process object alone,
 * read and checked as config.json's process, into cfg->c (filled whole,
 * or freed). Errors name the field as in config.json ("process.cwd").
 */
int nsw_oci_process_parse(const char *text, size_t len, struct nsw_oci_config *cfg,
			  struct nsw_error *err);

/* Free a NULL-ended array of strings and the strings. */
void nsw_oci_strv_free(char **v);

#endif /* NSW_OCI_CONFIG_H */
