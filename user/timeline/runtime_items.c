// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime's steps as timeline items. Each item's time is when its step
 * began (a step the init reports: when it was done); steps that count
 * towards a summary step add their span to it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "lib/json.h"
#include "lib/nsnames.h"
#include "lib/util.h"
#include "timeline/runtime_items.h"

static __attribute__((format(printf, 5, 6))) void
item(struct nsw_run_timeline *t, __u64 ts, const char *what, const char *fields,
     const char *fmt, ...)
{
	cleanup_free char *detail = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&detail, fmt, ap);
	va_end(ap);
	if (n < 0)
		detail = NULL;
	nsw_timeline_add(t->tl, NSW_TL_RUNTIME, ts, what, detail ? detail : "",
			 fields);
}

/* The JSON object of an item's own members, built with the writer. */
static bool fields_begin(struct nsw_json *w)
{
	if (nsw_json_open_mem(w) < 0)
		return false;
	nsw_json_object_begin(w);
	return true;
}

static char *fields_end(struct nsw_json *w)
{
	nsw_json_object_end(w);
	return nsw_json_take_mem(w);
}

/* "mnt,uts,..." or a JSON array of the same names. */
static void ns_names(unsigned long flags, char **text, struct nsw_json *w)
{
	size_t len = 0;
	FILE *f = open_memstream(text, &len);

	if (w)
		nsw_json_array_begin(w);
	for (size_t i = 0; i < NSW_TYPE_COUNT; i++) {
		if (!(flags & nsw_types[i].flag))
			continue;
		if (f)
			fprintf(f, "%s%s", ftell(f) ? "," : "", nsw_types[i].name);
		if (w)
			nsw_json_string(w, nsw_types[i].name);
	}
	if (w)
		nsw_json_array_end(w);
	if (f)
		fclose(f);
}

/* ---- the monitor's steps ---- */

static void on_cgroups(struct nsw_run_timeline *t, const struct nsw_step *s)
{
	const struct nsw_limits *l = &s->c->limits;
	const struct nsw_cgroup *cg = &s->in->cg;
	char lim[128] = "none";
	size_t off = 0;

	if (l->memory_bytes)
		off += snprintf(lim + off, sizeof(lim) - off, "memory %lld bytes ",
				l->memory_bytes);
	if (l->pids_max && off < sizeof(lim))
		off += snprintf(lim + off, sizeof(lim) - off, "pids %lld ", l->pids_max);
	if (l->cpu_quota_us && off < sizeof(lim))
		off += snprintf(lim + off, sizeof(lim) - off, "cpu %llu/%llu us ",
				l->cpu_quota_us, l->cpu_period_us);
	if (off && off <= sizeof(lim))
		lim[off - 1] = '\0';
	for (int i = 0; i < cg->n; i++) {
		cleanup_free char *fields = NULL;
		struct nsw_json w;

		if (fields_begin(&w)) {
			nsw_json_kv_string(&w, "path", cg->dirs[i].path);
			fields = fields_end(&w);
		}
		item(t, s->begin, "cgroup", fields, "created %s (v%d%s%s), limits: %s",
		     cg->dirs[i].path, cg->dirs[i].version,
		     cg->dirs[i].controller[0] ? ", " : "", cg->dirs[i].controller, lim);
	}
	if (!cg->n)
		item(t, s->begin, "cgroup", NULL, "none (no cgroup is delegated)");
	nsw_timeline_step(t->tl, "cgroup", s->begin, s->end);
}

static void on_clone3(struct nsw_run_timeline *t, const struct nsw_step *s)
{
	cleanup_free char *names = NULL, *fields = NULL;
	const char *cg = s->clone3.cgroup;
	struct nsw_json w;

	if (fields_begin(&w)) {
		nsw_json_kv_int(&w, "pid", s->in->pid);
		nsw_json_key(&w, "flags");
		ns_names(s->clone3.flags, &names, &w);
		if (cg)
			nsw_json_kv_string(&w, "cgroup", cg);
		fields = fields_end(&w);
	} else {
		ns_names(s->clone3.flags, &names, NULL);
	}
	item(t, s->begin, "clone3", fields, "new %s namespaces%s%s -> init pid %d",
	     names ? names : "", cg ? ", into cgroup " : "", cg ? cg : "", s->in->pid);
	nsw_timeline_step(t->tl, "namespaces", s->begin, s->end);
}

static void on_id_map(struct nsw_run_timeline *t, const struct nsw_step *s)
{
	cleanup_free char *map = NULL, *line = NULL, *fields = NULL;
	size_t map_len = 0, line_len = 0;
	FILE *mf = open_memstream(&map, &map_len);
	FILE *lf = open_memstream(&line, &line_len);
	struct nsw_json w;

	for (int i = 0; i < s->id_map.n; i++) {
		const struct nsw_idmap *m = &s->id_map.maps[i];

		if (mf)
			fprintf(mf, "%u %u %u\n", m->inside, m->outside, m->count);
		if (lf)
			fprintf(lf, "%s%u %u %u", i ? "," : "", m->inside, m->outside,
				m->count);
	}
	if (mf)
		fclose(mf);
	if (lf)
		fclose(lf);
	if (fields_begin(&w)) {
		nsw_json_kv_string(&w, "map", map ? map : "");
		fields = fields_end(&w);
	}
	item(t, s->begin, s->id_map.file, fields, "%s (in out count), pid %d",
	     line ? line : "", s->in->pid);
}

/*
 * Everything up to now goes out: the kernel's records first, so that one
 * made just before (a helper's exit) is not printed after what follows it.
 */
static void flush_now(struct nsw_run_timeline *t)
{
	if (t->rt)
		nsw_run_trace_consume(t->rt);
	nsw_timeline_flush(t->tl);
}

static void on_ready(struct nsw_run_timeline *t, const struct nsw_step *s)
{
	cleanup_free char *list = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&list, &len);

	nsw_timeline_await_runtime(t->tl, false);
	nsw_timeline_set_namespaces(t->tl, s->c->ns_flags, s->in->ns_inode);
	for (size_t i = 0; f && i < NSW_TYPE_COUNT; i++)
		if (s->c->ns_flags & nsw_types[i].flag)
			fprintf(f, " %s:[%llu]", nsw_types[i].name, s->in->ns_inode[i]);
	if (f)
		fclose(f);
	item(t, s->begin, "ready", NULL, "the init is set up; its namespaces:%s",
	     list ? list : "");
	flush_now(t);
}

static void on_running(struct nsw_run_timeline *t, const struct nsw_step *s)
{
	nsw_timeline_await_runtime(t->tl, false);
	nsw_timeline_step(t->tl, "exec", s->begin, s->end);
	nsw_timeline_step(t->tl, "total_to_exec", nsw_timeline_start_ns(t->tl), s->end);
	item(t, s->end, "running", NULL, "%s runs as pid %d (exec done: the socket closed)",
	     s->c->argv[0], s->in->pid);
	flush_now(t);
}

void nsw_run_timeline_error(struct nsw_run_timeline *t,
			    const struct nsw_error *err)
{
	item(t, nsw_timeline_now(), "error", NULL, "%s%s%s", err->msg,
	     err->errnum ? ": " : "", err->errnum ? strerror(err->errnum) : "");
}

static void on_step(void *ctx, const struct nsw_step *s)
{
	struct nsw_run_timeline *t = ctx;
	const struct nsw_container *c = s->c;
	const struct nsw_instance *in = s->in;

	switch (s->kind) {
	case NSW_STEP_CREATE:
		item(t, s->begin, "create", NULL,
		     "container %s, rootfs %s, command %s (monitor pid %d)", c->name,
		     c->rootfs, c->argv[0], in->monitor_pid);
		break;
	case NSW_STEP_CGROUPS:
		on_cgroups(t, s);
		break;
	case NSW_STEP_BRIDGE:
		item(t, s->begin, "bridge", NULL, "%s (%s) is there; the container gets %s",
		     in->bridge, s->bridge.address, in->ip);
		nsw_timeline_step(t->tl, "network", s->begin, s->end);
		break;
	case NSW_STEP_CLONE3:
		on_clone3(t, s);
		break;
	case NSW_STEP_SETGROUPS:
		item(t, s->begin, "setgroups", NULL, "deny, in %s", s->setgroups.path);
		break;
	case NSW_STEP_ID_MAP:
		on_id_map(t, s);
		break;
	case NSW_STEP_ID_MAPS:
		nsw_timeline_step(t->tl, "id_maps", s->begin, s->end);
		break;
	case NSW_STEP_CGROUP_JOINED:
		item(t, s->begin, "cgroup", NULL, "pid %d into %s", in->pid,
		     s->cgroup_joined.path);
		break;
	case NSW_STEP_CGROUPS_JOINED:
		nsw_timeline_step(t->tl, "cgroup", s->begin, s->end);
		break;
	case NSW_STEP_VETH:
		item(t, s->begin, "veth", NULL,
		     "%s on %s, its peer %s in pid %d's network namespace",
		     in->host_if, in->bridge, s->veth.peer, in->pid);
		nsw_timeline_step(t->tl, "network", s->begin, s->end);
		break;
	case NSW_STEP_IDMAP:
		item(t, s->begin, "idmap", NULL, "%s, mapped through pid %d's user namespace",
		     c->rootfs, in->pid);
		nsw_timeline_step(t->tl, "rootfs_idmap", s->begin, s->end);
		break;
	case NSW_STEP_LAYER:
		item(t, s->begin, "layer", NULL, "%s/upper, the container's writable layer%s",
		     s->layer.dir, s->layer.mounted ? ": an overlay over the rootfs" : "");
		nsw_timeline_step(t->tl, "rootfs_layer", s->begin, s->end);
		break;
	case NSW_STEP_SETUP:
		/* From here the init reports its steps: they come in late. */
		nsw_timeline_await_runtime(t->tl, true);
		item(t, s->begin, "setup", NULL, "SETUP to the init%s",
		     s->setup.idmapped ? ", with the idmapped rootfs" : "");
		break;
	case NSW_STEP_READY:
		on_ready(t, s);
		break;
	case NSW_STEP_HOOK:
		item(t, s->begin, "hook", NULL,
		     "prestart hook (pid %d): sh -c '%s', exit status %d",
		     s->hook.pid, c->prestart_hook, s->hook.status);
		nsw_timeline_step(t->tl, "prestart_hook", s->begin, s->end);
		break;
	case NSW_STEP_EXEC:
		nsw_timeline_await_runtime(t->tl, true);
		item(t, s->begin, "start", NULL, "EXEC to the init");
		break;
	case NSW_STEP_RUNNING:
		on_running(t, s);
		break;
	case NSW_STEP_EXITED:
		item(t, s->end, "exited", NULL, "the init (pid %d) ended: exit status %d",
		     in->pid, s->exited.status);
		break;
	case NSW_STEP_KILL:
		item(t, s->end, "kill", NULL, "the init (pid %d): the start failed",
		     in->pid);
		break;
	case NSW_STEP_RELEASED:
		item(t, s->end, "released", NULL, "cgroups, veth and state of %s removed",
		     in->name);
		break;
	case NSW_STEP_ERROR:
		nsw_run_timeline_error(t, s->error.err);
		break;
	}
}

/* ---- the init's phases ---- */

/* The mount flags the timeline names, in this order. */
static const struct {
	unsigned int attr;
	const char *name;
} mount_attrs[] = {
	{ MOUNT_ATTR_RDONLY, "ro" },	 { MOUNT_ATTR_NOSUID, "nosuid" },
	{ MOUNT_ATTR_NODEV, "nodev" },	 { MOUNT_ATTR_NOEXEC, "noexec" },
};

/* A mount: "proc on /proc (nosuid,nodev,noexec)", and its JSON member. */
static void on_mount(struct nsw_run_timeline *t, const struct nsw_phase *p,
		     const struct nsw_mount *m)
{
	const char *source = m->fstype ? m->fstype : m->source;
	cleanup_free char *flags = NULL, *fields = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&flags, &len);
	struct nsw_json w;
	bool json = fields_begin(&w);

	if (json) {
		/* One member, "mount": {...}; "source" is the item's own key. */
		nsw_json_key(&w, "mount");
		nsw_json_object_begin(&w);
		nsw_json_kv_string(&w, "source", source);
		nsw_json_kv_string(&w, "fstype", m->fstype ? m->fstype : "bind");
		nsw_json_kv_string(&w, "target", m->target);
		if (m->data)
			nsw_json_kv_string(&w, "options", m->data);
		nsw_json_key(&w, "flags");
		nsw_json_array_begin(&w);
	}
	if (f && !m->fstype)
		fputs("bind", f);
	for (size_t i = 0; i < ARRAY_SIZE(mount_attrs); i++) {
		if (!(m->attr & mount_attrs[i].attr))
			continue;
		if (f)
			fprintf(f, "%s%s", ftell(f) ? "," : "", mount_attrs[i].name);
		if (json)
			nsw_json_string(&w, mount_attrs[i].name);
	}
	if (f)
		fclose(f);
	if (json) {
		nsw_json_array_end(&w);
		nsw_json_object_end(&w);
		fields = fields_end(&w);
	}
	item(t, p->ts, "mount", fields, "%s on %s (%s%s%s)", source, m->target,
	     flags ? flags : "", m->data ? "; " : "", m->data ? m->data : "");
}

static void on_exec(struct nsw_run_timeline *t, const struct nsw_phase *p,
		    char **argv)
{
	cleanup_free char *cmd = NULL, *fields = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&cmd, &len);
	struct nsw_json w;

	for (int i = 0; f && argv[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", argv[i]);
	if (f)
		fclose(f);
	if (fields_begin(&w)) {
		nsw_json_kv_string(&w, "argv0", argv[0]);
		fields = fields_end(&w);
	}
	item(t, p->ts, "exec", fields, "execvp %s", cmd ? cmd : argv[0]);
}

static void on_phase(void *ctx, const struct nsw_phase *p,
		     const struct nsw_container *c, const struct nsw_instance *in)
{
	struct nsw_run_timeline *t = ctx;
	const char *bridged = c->net == NSW_NET_BRIDGE ? "" : NULL;

	switch (p->kind) {
	case NSW_PHASE_PRIVATE:
		item(t, p->ts, "private", NULL,
		     "every mount private (MS_REC|MS_PRIVATE): nothing propagates to the host");
		break;
	case NSW_PHASE_HOST_HANDLES:
		nsw_timeline_step(t->tl, "mounts", p->begin, p->ts);
		break;
	case NSW_PHASE_BECOME_ROOT:
		item(t, p->ts, "become_root", NULL, "uid 0, gid 0 in the user namespace");
		break;
	case NSW_PHASE_CGROUPNS:
		item(t, p->ts, "cgroupns", NULL,
		     "unshare(CLONE_NEWCGROUP): the init's cgroup is the namespace's root");
		nsw_timeline_step(t->tl, "cgroup", p->begin, p->ts);
		break;
	case NSW_PHASE_NETWORK:
		item(t, p->ts, "network", NULL, "lo up%s%s%s%s",
		     bridged ? "; eth0 " : "", bridged ? in->ip : "",
		     bridged ? " via " : "", bridged ? in->gateway : "");
		nsw_timeline_step(t->tl, "network", p->begin, p->ts);
		break;
	case NSW_PHASE_HOSTNAME:
		item(t, p->ts, "hostname", NULL, "%s", c->hostname);
		break;
	case NSW_PHASE_ROOTFS:
		item(t, p->ts, "rootfs", NULL, "%s on itself (%s%s, nodev)", c->rootfs,
		     p->rootfs.layer ? "a writable layer over " : "",
		     p->rootfs.idmapped ? "the idmapped tree" : "a bind");
		break;
	case NSW_PHASE_MOUNT:
		if (p->mount.index >= 0 && p->mount.index < c->n_mounts)
			on_mount(t, p, &c->mounts[p->mount.index]);
		break;
	case NSW_PHASE_DEV_LINKS:
		item(t, p->ts, "dev_links", NULL,
		     "%d links in /dev: ptmx, fd, stdin, stdout, stderr, core",
		     p->dev_links.links);
		nsw_timeline_step(t->tl, "mounts", p->begin, p->ts);
		break;
	case NSW_PHASE_PIVOT_ROOT:
		item(t, p->ts, "pivot_root", NULL, "into %s; the old root detached",
		     c->rootfs);
		nsw_timeline_step(t->tl, "pivot_root", p->begin, p->ts);
		break;
	case NSW_PHASE_MASKS:
		item(t, p->ts, "masks", NULL, "%d paths masked, %d read-only%s",
		     p->masks.masked, p->masks.readonly,
		     p->masks.readonly_root ? "; the root read-only" : "");
		nsw_timeline_step(t->tl, "masks", p->begin, p->ts);
		break;
	case NSW_PHASE_IDENTITY:
		item(t, p->ts, "identity", NULL,
		     "uid %u, gid %u, no supplementary groups, capabilities 0x%016llx",
		     p->identity.uid, p->identity.gid,
		     (unsigned long long)p->identity.caps);
		nsw_timeline_step(t->tl, "identity", p->begin, p->ts);
		break;
	case NSW_PHASE_NO_NEW_PRIVS:
		item(t, p->ts, "no_new_privs", NULL,
		     "PR_SET_NO_NEW_PRIVS: exec gains no privileges");
		break;
	case NSW_PHASE_WORKDIR:
		item(t, p->ts, "workdir", NULL, "%s", c->workdir);
		break;
	case NSW_PHASE_EXEC:
		on_exec(t, p, c->argv);
		break;
	}
}

/* ---- the tracer ---- */

/* The kernel records so far onto the timeline. */
static void on_drain(void *ctx)
{
	struct nsw_run_timeline *t = ctx;

	/*
	 * consume() drains and moves the kernel mark itself, held back for
	 * namespaces not yet settled: a second mark here would undo that.
	 */
	if (t->rt)
		nsw_run_trace_consume(t->rt);
	else
		nsw_timeline_kernel_sync(t->tl, nsw_timeline_drained_mark(nsw_timeline_now()));
}

/*
 * The container's processes are gone: their records go onto the timeline.
 * The tracer stops later, with the timeline (nsw_run_trace_stop()): the
 * kernel's word on the namespaces they left is waited for while the
 * monitor removes what the container held, not before.
 */
static void on_done(void *ctx)
{
	struct nsw_run_timeline *t = ctx;

	if (t->rt)
		nsw_run_trace_consume(t->rt);
}

void nsw_run_timeline_observer(struct nsw_run_timeline *t,
			       struct nsw_observer *obs)
{
	*obs = (struct nsw_observer){
		.ctx = t,
		.step = on_step,
		.phase = on_phase,
		.fd = t->rt ? nsw_run_trace_fd(t->rt) : -1,
		.drain = on_drain,
		.done = on_done,
	};
}
