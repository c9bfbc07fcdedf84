// SPDX-License-Identifier: GPL-2.0
/*
 * Container labels: every cgroup path form of docs/ls.md, in cgroup v1 and
 * v2 files, and paths that must not be taken for a container; runc's state
 * directory with a live process standing in for a container's init.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <malloc.h>
#include <cmocka.h>
#include "table/labels.h"
#include "table/cgroup_labels.h"
#include "runtime/state.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* A cgroup file whose every line (v1 and v2) has path. */
static void file_v1_v2(char *buf, size_t len, const char *path)
{
	snprintf(buf, len,
		 "12:pids:%s\n11:memory:%s\n3:cpu,cpuacct:%s\n1:name=systemd:%s\n0::%s\n",
		 path, path, path, path, path);
}

static void expect(const char *text, const char *engine, const char *id)
{
	struct nsw_label l;

	memset(&l, 0x55, sizeof(l));
	if (!nsw_cgroup_text_label(text, &l))
		fail_msg("no label for:\n%s", text);
	assert_string_equal(l.engine, engine);
	assert_string_equal(l.id, id);
}

static void expect_none(const char *text)
{
	struct nsw_label l;

	if (nsw_cgroup_text_label(text, &l))
		fail_msg("label %s:%s for:\n%s", l.engine, l.id, text);
}

/* path in a v2-only file, a v1-only file and a hybrid file. */
static void expect_everywhere(const char *path, const char *engine, const char *id)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "0::%s\n", path);
	expect(buf, engine, id);
	snprintf(buf, sizeof(buf), "5:devices:%s\n4:memory:%s\n", path, path);
	expect(buf, engine, id);
	file_v1_v2(buf, sizeof(buf), path);
	expect(buf, engine, id);
}

static void expect_none_everywhere(const char *path)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "0::%s\n", path);
	expect_none(buf);
	file_v1_v2(buf, sizeof(buf), path);
	expect_none(buf);
}

static void test_docker(void **state)
{
	(void)state;
	expect_everywhere("/docker/" ID, "docker", ID);
	expect_everywhere("/system.slice/docker-" ID ".scope", "docker", ID);
	/* Docker in docker: the inner container is the process's. */
	expect_everywhere("/docker/" ID "/docker/" ID2, "docker", ID2);
	expect_none_everywhere("/docker");
	expect_none_everywhere("/docker/0123456789ab");        /* short */
	expect_none_everywhere("/docker/" ID "x");
	expect_none_everywhere("/docker/0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");
	expect_none_everywhere("/system.slice/docker.service");
	expect_none_everywhere("/system.slice/docker-" ID ".service");
	expect_none_everywhere("/other/" ID);
}

static void test_containerd(void **state)
{
	(void)state;
	expect_everywhere("/kubepods.slice/kubepods-besteffort.slice/"
			  "kubepods-besteffort-pod1f2e3d4c_5b6a_7988_a1b2_c3d4e5f60718.slice/"
			  "cri-containerd-" ID ".scope", "containerd", ID);
	expect_everywhere("/kubepods/besteffort/pod1f2e3d4c-5b6a-7988-a1b2-c3d4e5f60718/" ID,
			  "containerd", ID);
	expect_everywhere("/kubepods/" ID, "containerd", ID);
	expect_everywhere("/kubepods/burstable/podabc/" ID, "containerd", ID);
	/* The pod's own cgroup is no container. */
	expect_none_everywhere("/kubepods/burstable/pod1f2e3d4c-5b6a-7988-a1b2-c3d4e5f60718");
	expect_none_everywhere("/kubepods.slice");
	/* A 64-hex directory not under kubepods names nothing. */
	expect_none_everywhere("/" ID);
	expect_none_everywhere("/system.slice/containerd.service");
}

static void test_crio(void **state)
{
	(void)state;
	expect_everywhere("/kubepods.slice/kubepods-burstable.slice/"
			  "kubepods-burstable-podaa.slice/crio-" ID ".scope", "cri-o", ID);
	expect_everywhere("/kubepods/burstable/podaa/crio-" ID, "cri-o", ID);
	/* conmon, the monitor, is not the container. */
	expect_none_everywhere("/machine.slice/crio-conmon-" ID ".scope");
	expect_none_everywhere("/system.slice/crio.service");
}

static void test_podman(void **state)
{
	(void)state;
	expect_everywhere("/machine.slice/libpod-" ID ".scope", "podman", ID);
	expect_everywhere("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
			  ID ".scope/container", "podman", ID);
	expect_everywhere("/libpod_parent/libpod-" ID, "podman", ID);
	expect_none_everywhere("/machine.slice/libpod-conmon-" ID ".scope");
	expect_none_everywhere("/libpod_parent/conmon");
	expect_none_everywhere("/libpod-" ID);          /* no libpod_parent, no .scope */
}

static void test_nswatch(void **state)
{
	(void)state;
	expect_everywhere("/nswatch/web", "nswatch", "web");
	expect_everywhere("/nswatch/t1-2.a_b", "nswatch", "t1-2.a_b");
	/* Below a cgroup of the caller's, and with sub-cgroups inside. */
	expect_everywhere("/process_api/b3391efa/nswatch/box", "nswatch", "box");
	expect_everywhere("/nswatch/box/sub", "nswatch", "box");
	expect_none_everywhere("/nswatch");
	expect_none_everywhere("/nswatch/-bad");
	expect_none_everywhere("/nswatchx/box");
}

static void test_runc_scope(void **state)
{
	(void)state;
	expect_everywhere("/system.slice/runc-mybox.scope", "runc", "mybox");
	expect_everywhere("/system.slice/runc-" ID ".scope", "runc", ID);
	expect_none_everywhere("/system.slice/runc-.scope");
	expect_none_everywhere("/system.slice/runc-a/b.scope");
	expect_none_everywhere("/system.slice/runc-box.service");
	/* runc's default is /<id>: too plain (nsw_runc_state_label's job). */
	expect_none_everywhere("/mybox");
}

static void test_not_containers(void **state)
{
	(void)state;
	expect_none_everywhere("/");
	expect_none_everywhere("/user.slice/user-1000.slice/session-3.scope");
	expect_none_everywhere("/user.slice/user-1000.slice/user@1000.service/app.slice/"
			       "app-gnome-firefox-1234.scope");
	expect_none_everywhere("/system.slice/ssh.service");
	expect_none_everywhere("/init.scope");
	expect_none("");
	expect_none("garbage");
	expect_none("no colons here\n\n\n");
	expect_none("0:docker/" ID "\n");        /* one colon: no path field */
	expect_none("0::docker/" ID "\n");       /* not absolute */
	expect_none("::\n:::\n0::\n");
}

/* cgroup v2 says which container; v1 lines only when it says nothing. */
static void test_v2_first(void **state)
{
	(void)state;
	expect("4:memory:/docker/" ID "\n0::/nswatch/box\n", "nswatch", "box");
	expect("4:memory:/docker/" ID "\n0::/\n", "docker", ID);
	expect("0::/\n4:memory:/docker/" ID "\n2:pids:/libpod_parent/libpod-" ID2 "\n",
	       "docker", ID);
	/* No trailing newline. */
	expect("0::/docker/" ID, "docker", ID);
}

static void test_format(void **state)
{
	struct nsw_label l = { .engine = "docker", .id = ID };
	char buf[128];

	(void)state;
	nsw_label_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "docker:0123456789ab");
	snprintf(l.engine, sizeof(l.engine), "nswatch");
	snprintf(l.id, sizeof(l.id), "web");
	nsw_label_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "nswatch:web");
	/* A long name that is not a hex id stays whole. */
	snprintf(l.engine, sizeof(l.engine), "runc");
	snprintf(l.id, sizeof(l.id), "my-very-long-container-name-1");
	nsw_label_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "runc:my-very-long-container-name-1");
	/* A short hex name stays whole too. */
	snprintf(l.id, sizeof(l.id), "abcdef");
	nsw_label_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "runc:abcdef");
	/* Truncation by the buffer, never an overflow. */
	nsw_label_format(&l, buf, 6);
	assert_string_equal(buf, "runc:");
}

static char *read_file(const char *path)
{
	static char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void write_state(const char *root, const char *id, pid_t pid,
			unsigned long long start)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"id\":\"%s\",\"init_process_pid\":%d,\"init_process_start\":%llu,"
		   "\"cgroup_paths\":{}}\n", id, pid, start);
	fclose(f);
}

/*
 * A child stands in for a runc container's init: it shares our cgroups,
 * so its cgroup text is ours.
 */
static void test_runc_state(void **state)
{
	char root[] = "/tmp/nsw-test-runc.XXXXXX", text[16384], path[600];
	unsigned long long start;
	struct nsw_label l;
	pid_t child;

	(void)state;
	assert_non_null(mkdtemp(root));
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(nsw_proc_starttime(child, &start), 0);
	snprintf(text, sizeof(text), "%s", read_file("/proc/self/cgroup"));

	/* Nothing there yet; then a state whose init is another process. */
	assert_false(nsw_runc_state_label(root, text, &l));
	write_state(root, "stale", child, start + 1);
	assert_false(nsw_runc_state_label(root, text, &l));
	write_state(root, "box-1", child, start);
	assert_true(nsw_runc_state_label(root, text, &l));
	assert_string_equal(l.engine, "runc");
	assert_string_equal(l.id, "box-1");
	/* Another cgroup than the init's. */
	assert_false(nsw_runc_state_label(root, "0::/elsewhere\n", &l));

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* The init is gone: the container is no more. */
	assert_false(nsw_runc_state_label(root, text, &l));
	assert_false(nsw_runc_state_label("/nonexistent/runc", text, &l));

	for (const char *const *id = (const char *const[]){ "stale", "box-1", NULL }; *id; id++) {
		snprintf(path, sizeof(path), "%s/%s/state.json", root, *id);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", root, *id);
		rmdir(path);
	}
	assert_int_equal(rmdir(root), 0);
}

static void test_container_by_ns(void **state)
{
	struct nsw_container_ns list[2] = {
		{ .name = "a", .ns_inode = { 10, 11, 12, 13, 14, 15, 16, 17 } },
		{ .name = "b", .ns_inode = { 20, 21, 22, 23, 24, 25, 26, 27 } },
	};

	(void)state;
	assert_ptr_equal(nsw_container_by_ns(list, 2, 3, 13), &list[0]);
	assert_ptr_equal(nsw_container_by_ns(list, 2, 7, 27), &list[1]);
	/* Same inode, other type; unknown inode; 0; a bad type. */
	assert_null(nsw_container_by_ns(list, 2, 2, 13));
	assert_null(nsw_container_by_ns(list, 2, 0, 99));
	list[1].ns_inode[4] = 0;
	assert_null(nsw_container_by_ns(list, 2, 4, 0));
	assert_null(nsw_container_by_ns(list, 2, NSW_TYPE_COUNT, 10));
	assert_null(nsw_container_by_ns(list, 0, 0, 10));
}

#define POD "1f2e3d4c-5b6a-7988-a1b2-c3d4e5f60718"
#define POD_ "1f2e3d4c_5b6a_7988_a1b2_c3d4e5f60718"

/* One path through nsw_cgroup_path_label(): engine, id and pod ("" none). */
static void expect_pod(const char *path, const char *engine, const char *id,
		       const char *pod)
{
	struct nsw_label l;

	memset(&l, 0x55, sizeof(l));
	if (!nsw_cgroup_path_label(path, strlen(path), &l))
		fail_msg("no label for %s", path);
	assert_string_equal(l.engine, engine);
	assert_string_equal(l.id, id);
	assert_string_equal(l.pod, pod);
}

/* Kubernetes: the pod uid and the container id, cgroupfs and systemd forms. */
static void test_kubepods(void **state)
{
	(void)state;
	/* cgroupfs: kubepods/<qos>/pod<uid>/<id>; guaranteed pods have no qos level. */
	expect_pod("/kubepods/burstable/pod" POD "/" ID, "containerd", ID, POD);
	expect_pod("/kubepods/besteffort/pod" POD "/" ID, "containerd", ID, POD);
	expect_pod("/kubepods/pod" POD "/" ID, "containerd", ID, POD);
	/* systemd: the uid's dashes are underscores in the slice name. */
	expect_pod("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
		   ".slice/cri-containerd-" ID ".scope", "containerd", ID, POD);
	expect_pod("/kubepods.slice/kubepods-pod" POD_ ".slice/crio-" ID ".scope",
		   "cri-o", ID, POD);
	expect_pod("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_
		   ".slice/docker-" ID ".scope", "docker", ID, POD);
	/* kubelet nested in a node container (kind): the inner pod counts. */
	expect_pod("/docker/" ID2 "/kubepods/burstable/pod" POD "/" ID, "containerd", ID, POD);
	/* No pod component, or one that is not a uid: a container without a pod. */
	expect_pod("/kubepods/" ID, "containerd", ID, "");
	expect_pod("/kubepods/burstable/podabc/" ID, "containerd", ID, "");
	expect_pod("/kubepods/burstable/pod" POD "x/" ID, "containerd", ID, "");
	/* Outside kubepods a pod-like component is no pod. */
	expect_pod("/pod" POD "/docker/" ID, "docker", ID, "");
}

/* A file with text, made with its directories. */
static void put(const char *path, const char *text)
{
	char dir[PATH_MAX], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	if (text) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	} else {
		mkdir(path, 0700);
	}
}

static void expect_dir(const char *run, const char *abs, const char *rel,
		       const char *engine, const char *id)
{
	struct nsw_label l;

	if (!nsw_cgroup_dir_label(run, abs, rel, &l))
		fail_msg("no label for %s", abs);
	assert_string_equal(l.engine, engine);
	assert_string_equal(l.id, id);
}

static void expect_dir_none(const char *run, const char *abs, const char *rel)
{
	struct nsw_label l;

	if (nsw_cgroup_dir_label(run, abs, rel, &l))
		fail_msg("label %s:%s for %s", l.engine, l.id, abs);
}

/*
 * Runtimes' state, laid out as runc (under each root docker and containerd
 * give it) and containerd's shims keep it, in a directory standing for /run.
 */
static void test_runtime_state(void **state)
{
	char run[] = "/tmp/nsw-test-run.XXXXXX", p[PATH_MAX];
	const char *state_json =
		"{\"id\":\"%s\",\"init_process_pid\":1,\"cgroup_paths\":"
		"{\"\":\"/sys/fs/cgroup/unified/%s\",\"pids\":\"/sys/fs/cgroup/pids/%s\","
		"\"memory\":\"/sys/fs/cgroup/memory/x/%s\"}}";
	char text[1024];

	(void)state;
	assert_non_null(mkdtemp(run));
	snprintf(p, sizeof(p), "%s/runc/box1/state.json", run);
	snprintf(text, sizeof(text), state_json, "box1", "box1", "box1", "box1");
	put(p, text);
	snprintf(p, sizeof(p), "%s/docker/runtime-runc/moby/dbox/state.json", run);
	snprintf(text, sizeof(text), state_json, "dbox", "other/d", "other/d", "other/d");
	put(p, text);
	snprintf(p, sizeof(p), "%s/containerd/runc/k8s.io/cbox/state.json", run);
	snprintf(text, sizeof(text), state_json, "cbox", "c/cbox", "c/cbox", "c/cbox");
	put(p, text);
	/* A container being made: its directory, no state.json yet. */
	snprintf(p, sizeof(p), "%s/containerd/runc/default/young", run);
	put(p, NULL);
	snprintf(p, sizeof(p), "%s/containerd/io.containerd.runtime.v2.task/default/web", run);
	put(p, NULL);

	/* runc's cgroup_paths, whichever hierarchy the id resolved in. */
	expect_dir(run, "/sys/fs/cgroup/unified/box1", "/box1", "runc", "box1");
	expect_dir(run, "/sys/fs/cgroup/pids/box1", "/box1", "runc", "box1");
	expect_dir(run, "/sys/fs/cgroup/memory/x/box1", "/x/box1", "runc", "box1");
	/* The root says whose runc it is; the path need not name the id. */
	expect_dir(run, "/sys/fs/cgroup/pids/other/d", "/other/d", "docker", "dbox");
	expect_dir(run, "/sys/fs/cgroup/unified/c/cbox", "/c/cbox", "containerd", "cbox");
	expect_dir(run, "/sys/fs/cgroup/unified/young", "/young", "containerd", "young");
	/* ctr: /<namespace>/<id> with a task directory, also nested below. */
	expect_dir(run, "/sys/fs/cgroup/unified/default/web", "/default/web", "containerd", "web");
	expect_dir(run, "/sys/fs/cgroup/memory/a/default/web", "/a/default/web",
		   "containerd", "web");
	/* Path forms come first. */
	expect_dir(run, "/sys/fs/cgroup/unified/docker/" ID, "/docker/" ID, "docker", ID);
	/* Controls: another cgroup of a state's hierarchy, another namespace, the root. */
	expect_dir_none(run, "/sys/fs/cgroup/pids/box2", "/box2");
	expect_dir_none(run, "/sys/fs/cgroup/pids/box1/sub", "/box1/sub");
	expect_dir_none(run, "/sys/fs/cgroup/unified/k8s.io/web", "/k8s.io/web");
	expect_dir_none(run, "/sys/fs/cgroup/unified/web", "/web");
	expect_dir_none(run, "/sys/fs/cgroup/unified", "/");
	snprintf(p, sizeof(p), "rm -rf '%s'", run);
	assert_int_equal(system(p), 0);
}

/* A fake /proc/PID: its parent, argv (NUL-separated, n bytes), environ, cwd. */
static void fake_proc(const char *proc, int pid, int ppid, const char *argv, size_t n,
		      const char *environ, size_t en, const char *cwd)
{
	char p[PATH_MAX], text[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%d/stat", proc, pid);
	snprintf(text, sizeof(text), "%d (x y) S %d 1 1 0 -1\n", pid, ppid);
	put(p, text);
	snprintf(p, sizeof(p), "%s/%d/cmdline", proc, pid);
	assert_non_null(f = fopen(p, "w"));
	fwrite(argv, 1, n, f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/%d/environ", proc, pid);
	assert_non_null(f = fopen(p, "w"));
	fwrite(environ, 1, en, f);
	fclose(f);
	if (cwd) {
		snprintf(p, sizeof(p), "%s/%d/cwd", proc, pid);
		assert_int_equal(symlink(cwd, p), 0);
	}
}

/* A fake cgroup directory dir with these processes. */
static void fake_cgroup(const char *dir, const char *procs)
{
	char p[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	put(p, procs);
}

static void expect_procs(const char *proc, const char *run, const char *abs, const char *rel,
			 struct nsw_runtime_roots *roots, const char *engine, const char *id)
{
	struct nsw_label l;

	if (!engine) {
		if (nsw_cgroup_procs_label(proc, run, abs, rel, roots, &l))
			fail_msg("label %s:%s for %s", l.engine, l.id, abs);
		return;
	}
	if (!nsw_cgroup_procs_label(proc, run, abs, rel, roots, &l))
		fail_msg("no label for %s", abs);
	assert_string_equal(l.engine, engine);
	assert_string_equal(l.id, id);
}

#define ARGS(s) s, sizeof(s)

/*
 * runc's state wherever its root is: found through the processes of the
 * cgroup (a fake /proc), then under the roots learned from them.
 */
static void test_procs_roots(void **state)
{
	/* Short paths: these are made in /tmp. */
	char t[] = "/tmp/nsw-test-procs.XXXXXX", proc[256], run[256];
	char abs[512], p[1024], env[2048], arg[2048], cwd[512];
	struct nsw_runtime_roots *roots = calloc(1, sizeof(*roots));
	struct nsw_label l;
	int n;

	(void)state;
	assert_non_null(roots);
	assert_non_null(mkdtemp(t));
	snprintf(proc, sizeof(proc), "%s/proc", t);
	snprintf(run, sizeof(run), "%s/run", t);
	put(run, NULL);

	/* runc's init, being made: its state directory, exec.fifo, no state.json yet. */
	snprintf(abs, sizeof(abs), "%s/cg/box", t);
	fake_cgroup(abs, "100\n");
	snprintf(p, sizeof(p), "%s/any/root/box/exec.fifo", t);
	put(p, "");
	snprintf(p, sizeof(p), "%s/any/root/box", t);
	n = snprintf(env, sizeof(env), "PATH=/bin%c_LIBCONTAINER_STATEDIR=%s%c", 0, p, 0);
	fake_proc(proc, 100, 1, ARGS("runc\0init"), env, n, NULL);
	expect_procs(proc, run, abs, "/box", roots, "runc", "box");
	/* Its root is learned: once the init is gone, its state.json names the cgroup. */
	snprintf(p, sizeof(p), "%s/any/root/box/state.json", t);
	snprintf(env, sizeof(env), "{\"cgroup_paths\":{\"pids\":\"%s/cg/other\"}}", t);
	put(p, env);
	snprintf(abs, sizeof(abs), "%s/cg/other", t);
	if (!nsw_learned_roots_label(roots, abs, "/other", &l))
		fail_msg("no label from the learned root");
	assert_string_equal(l.id, "box");
	/* ... and a cgroup it does not name is nobody's (control). */
	snprintf(abs, sizeof(abs), "%s/cg/third", t);
	assert_false(nsw_learned_roots_label(roots, abs, "/third", &l));

	/* A state directory named by an init that is not there: nothing. */
	snprintf(abs, sizeof(abs), "%s/cg/gone", t);
	fake_cgroup(abs, "110\n");
	n = snprintf(env, sizeof(env), "_LIBCONTAINER_STATEDIR=%s/elsewhere/gone%c", t, 0);
	fake_proc(proc, 110, 1, ARGS("runc\0init"), env, n, NULL);
	expect_procs(proc, run, abs, "/gone", roots, NULL, NULL);

	/* A runc parent's --root=DIR, relative to its cwd. */
	snprintf(abs, sizeof(abs), "%s/cg/rel", t);
	fake_cgroup(abs, "120\n");
	snprintf(p, sizeof(p), "%s/work/r/rel", t);
	put(p, NULL);
	fake_proc(proc, 120, 121, ARGS("sleep\0" "600"), "", 0, NULL);
	snprintf(cwd, sizeof(cwd), "%s/work", t);
	fake_proc(proc, 121, 1, ARGS("/usr/sbin/runc\0--root=r\0run\0rel"), "", 0, cwd);
	expect_procs(proc, run, abs, "/rel", roots, "runc", "rel");

	/* docker's layout under run: the engine is docker's. */
	snprintf(abs, sizeof(abs), "%s/cg/dk", t);
	fake_cgroup(abs, "130\n");
	snprintf(p, sizeof(p), "%s/docker/runtime-runc/moby/dk", run);
	put(p, NULL);
	fake_proc(proc, 130, 131, ARGS("sleep"), "", 0, NULL);
	n = snprintf(arg, sizeof(arg), "runc%c--root%c%s/docker/runtime-runc/moby%ccreate", 0, 0,
		     run, 0);
	fake_proc(proc, 131, 1, arg, n + 1, "", 0, NULL);
	expect_procs(proc, run, abs, "/dk", roots, "docker", "dk");

	/* A containerd shim above: its task directories, wherever its state is. */
	snprintf(abs, sizeof(abs), "%s/cg/ns1/web", t);
	fake_cgroup(abs, "140\n");
	snprintf(cwd, sizeof(cwd), "%s/st/io.containerd.runtime.v2.task/ns1/web", t);
	put(cwd, NULL);
	fake_proc(proc, 140, 141, ARGS("sleep"), "", 0, NULL);
	fake_proc(proc, 141, 1, ARGS("/usr/bin/containerd-shim-runc-v2\0-namespace\0ns1\0-id\0web"),
		  "", 0, cwd);
	expect_procs(proc, run, abs, "/ns1/web", roots, "containerd", "web");
	/* A parent that exited and is not reaped yet (no cmdline) hides nothing above it. */
	snprintf(abs, sizeof(abs), "%s/cg/ns1/api", t);
	fake_cgroup(abs, "180\n");
	snprintf(cwd, sizeof(cwd), "%s/st2/io.containerd.runtime.v2.task/ns1/api", t);
	put(cwd, NULL);
	fake_proc(proc, 180, 181, ARGS("sleep"), "", 0, NULL);
	fake_proc(proc, 181, 182, "", 0, "", 0, NULL);
	fake_proc(proc, 182, 1, ARGS("containerd-shim-runc-v2\0-id\0api"), "", 0, cwd);
	expect_procs(proc, run, abs, "/ns1/api", roots, "containerd", "api");

	/* Learned: another task of that containerd, and not a cgroup without a task. */
	snprintf(p, sizeof(p), "%s/st/io.containerd.runtime.v2.task/ns1/db", t);
	put(p, NULL);
	snprintf(abs, sizeof(abs), "%s/cg/ns1/db", t);
	assert_true(nsw_learned_roots_label(roots, abs, "/ns1/db", &l));
	assert_string_equal(l.engine, "containerd");
	assert_string_equal(l.id, "db");
	snprintf(abs, sizeof(abs), "%s/cg/ns2/db", t);
	assert_false(nsw_learned_roots_label(roots, abs, "/ns2/db", &l));

	/*
	 * Someone else's state may not name our cgroup: a state directory of
	 * uid 1000 labels only a cgroup of uid 1000 (root alone can chown).
	 */
	if (geteuid() == 0) {
		snprintf(abs, sizeof(abs), "%s/cg/usr", t);
		fake_cgroup(abs, "160\n");
		snprintf(p, sizeof(p), "%s/home/r/usr", t);
		put(p, NULL);
		assert_int_equal(chown(p, 1000, 1000), 0);
		n = snprintf(env, sizeof(env), "_LIBCONTAINER_STATEDIR=%s%c", p, 0);
		fake_proc(proc, 160, 1, ARGS("runc\0init"), env, n, NULL);
		expect_procs(proc, run, abs, "/usr", roots, NULL, NULL);
		assert_int_equal(chown(abs, 1000, 1000), 0);
		expect_procs(proc, run, abs, "/usr", roots, "runc", "usr");
	}

	/* Another program's --root that names no container is not kept. */
	snprintf(abs, sizeof(abs), "%s/cg/tool", t);
	fake_cgroup(abs, "170\n");
	snprintf(p, sizeof(p), "%s/sysroot/usr", t);
	put(p, NULL);
	fake_proc(proc, 170, 171, ARGS("sh"), "", 0, NULL);
	n = snprintf(arg, sizeof(arg), "dpkg%c--root%c%s/sysroot%c", 0, 0, t, 0);
	fake_proc(proc, 171, 1, arg, n, "", 0, NULL);
	n = roots->n;
	expect_procs(proc, run, abs, "/tool", roots, NULL, NULL);
	assert_int_equal(roots->n, n);

	/* Processes that say nothing, and the root cgroup, whatever runs in it. */
	snprintf(abs, sizeof(abs), "%s/cg/plain", t);
	fake_cgroup(abs, "150\n");
	fake_proc(proc, 150, 1, ARGS("sh"), ARGS("HOME=/"), NULL);
	expect_procs(proc, run, abs, "/plain", roots, NULL, NULL);
	snprintf(abs, sizeof(abs), "%s/cg/box", t);
	expect_procs(proc, run, abs, "/", roots, NULL, NULL);

	free(roots);
	snprintf(p, sizeof(p), "rm -rf '%s'", t);
	assert_int_equal(system(p), 0);
}

/*
 * A host-wide trace sees cgroups come and go for months: the resolver's
 * cache of ids must stay bounded. 20,000 ids no cgroup has, then 100,000
 * more: the heap must not grow with the second batch (an unbounded cache
 * grows by about 30 MB there).
 */
static void test_cgroup_cache_bounded(void **state)
{
	struct nsw_cgroup_labels *c = NULL;
	struct nsw_error err;
	struct nsw_label l;
	size_t after_first, after_second;
	__u64 id = 1ULL << 50;

	(void)state;
	assert_int_equal(nsw_cgroup_labels_open(&c, &err), 0);
	for (int i = 0; i < 20000; i++)
		assert_false(nsw_cgroup_labels_get(c, id++, 0, &l));
	after_first = mallinfo2().uordblks;
	for (int i = 0; i < 100000; i++)
		assert_false(nsw_cgroup_labels_get(c, id++, 0, &l));
	after_second = mallinfo2().uordblks;
	if (after_second > after_first + 1024 * 1024)
		fail_msg("the cache grew by %zu bytes over 100,000 more ids",
			 after_second - after_first);
	nsw_cgroup_labels_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_containerd),
		cmocka_unit_test(test_crio),
		cmocka_unit_test(test_podman),
		cmocka_unit_test(test_nswatch),
		cmocka_unit_test(test_runc_scope),
		cmocka_unit_test(test_not_containers),
		cmocka_unit_test(test_v2_first),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_runc_state),
		cmocka_unit_test(test_container_by_ns),
		cmocka_unit_test(test_kubepods),
		cmocka_unit_test(test_runtime_state),
		cmocka_unit_test(test_procs_roots),
		cmocka_unit_test(test_cgroup_cache_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
