#!/usr/bin/env bats
# nswatch as an OCI runtime, the verbs that reach into a container: exec
# (--process, runc's flags, --detach with a pid file, --tty with a console
# socket), pause and resume (the cgroup freezer), and the hooks that run in
# the container (createContainer, startContainer). Checked against the
# kernel: readlink /proc/PID/ns/X and /proc/PID/cgroup of the exec'd
# process against the init's and the host's, /proc/self/status as the
# process reads it (ids, groups, CapEff, Seccomp), a syscall the
# container's filter denies, who reaps a detached process (a subreaper
# standing for conmon or the shim), cgroup.events of a paused container, a
# counter the container advances; and runc's error words.
#
# Each test has its own state root (--root) and bundle; the container's
# stdout is create's, kept in a file.

load helpers
load runtime_helpers
load oci_helpers

setup() {
	rt_setup
	require_root_runtime
	require_helper nsw_engine
	ENGINE="$NSW_HELPER_DIR/nsw_engine"
	oci_setup
}

teardown() {
	oci_sweep
	oci_teardown_end
}

# oci_config ARGS_JSON: a config.json on the busybox rootfs in new pid, net,
# ipc, uts and mount namespaces, a pids cgroup limit, CAP_KILL only, and a
# seccomp filter that denies mkdir (EPERM).
oci_config() {
	cat >"$BUNDLE/config.json" <<EOF
{
 "ociVersion": "1.0.2",
 "root": {"path": "$RT_ROOTFS", "readonly": true},
 "hostname": "oci-exec",
 "process": {"terminal": false, "cwd": "/", "args": $1,
   "user": {"uid": 0, "gid": 0},
   "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FROM_CONFIG=yes"],
   "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
     "permitted": ["CAP_KILL"], "inheritable": [], "ambient": []},
   "noNewPrivileges": true},
 "mounts": [
  {"destination": "/proc", "type": "proc", "source": "proc"},
  {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
  {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
   "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
  {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}
 ],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
   {"type": "uts"}, {"type": "mount"}],
   "resources": {"pids": {"limit": 32}},
   "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
     "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}}
}
EOF
}

# config_jq FILTER: change config.json.
config_jq() {
	jq "$@" "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
}

# oci_up ID ARGS_JSON: create (config already written) and start; INIT: the init's pid.
oci_up() {
	NSW_STATUS=0
	timeout --kill-after=5 "$RT_TIMEOUT" "$RUNC" --root "$ROOT" create --bundle "$BUNDLE" \
		--pid-file "$BATS_TEST_TMPDIR/$1.pid" "$1" >"$BATS_TEST_TMPDIR/$1.out" 2>&1 </dev/null ||
		NSW_STATUS=$?
	[ "$NSW_STATUS" -eq 0 ] || fail "create $1: status $NSW_STATUS: $(cat "$BATS_TEST_TMPDIR/$1.out")"
	INIT=$(cat "$BATS_TEST_TMPDIR/$1.pid")
	OCI_PIDS+=("$INIT")
	rt_oci start "$1"
	[ "$NSW_STATUS" -eq 0 ] || fail "start $1: status $NSW_STATUS: $(cat "$NSW_OUT")"
}

# wait_lines FILE N: until FILE has at least N lines (bounded).
wait_lines() {
	local i
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "$1 never had $2 lines: $(cat "$1" 2>&1)"
}

# status_field PID FIELD: a line of /proc/PID/status, without its name.
status_field() {
	awk -v f="$2:" '$1 == f {$1 = ""; sub(/^ /, ""); print}' "/proc/$1/status"
}

# v2_dir ID: the container's cgroup v2 directory.
v2_dir() {
	local d
	for d in /sys/fs/cgroup/unified/nswatch/"$1" /sys/fs/cgroup/nswatch/"$1"; do
		[ -e "$d/cgroup.events" ] && { echo "$d"; return 0; }
	done
	fail "no cgroup v2 directory for $1"
}

@test "oci exec --process: the process is in the init's namespaces (not the host's) and cgroups, with the file's cwd, env, ids, groups and capabilities" {
	local id t got
	oci_id proc
	id=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_up "$id"
	cat >"$BATS_TEST_TMPDIR/process.json" <<'EOF'
{"terminal": false, "cwd": "/tmp", "args": ["sh", "-c",
  "for t in pid net ipc uts mnt cgroup user; do echo $t $(readlink /proc/self/ns/$t); done; echo cwd $(pwd); echo env $FOO $FROM_CONFIG; grep -E '^(Uid|Gid|Groups|CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status; cat /proc/self/cgroup"],
 "env": ["PATH=/bin:/usr/bin", "FOO=bar"],
 "user": {"uid": 1000, "gid": 1001, "additionalGids": [1002, 1003]},
 "capabilities": {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL", "CAP_CHOWN"],
   "permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": ["CAP_KILL", "CAP_CHOWN"],
   "ambient": ["CAP_KILL", "CAP_CHOWN"]},
 "noNewPrivileges": true}
EOF
	rt_oci exec --process "$BATS_TEST_TMPDIR/process.json" "$id"
	assert_eq "exit status of exec" "$NSW_STATUS" 0
	for t in pid net ipc uts mnt; do
		got=$(awk -v t="$t" '$1 == t {print $2}' "$NSW_OUT")
		assert_eq "$t namespace of the exec'd process: the init's" "$got" "$(readlink "/proc/$INIT/ns/$t")"
		assert_ne "$t namespace of the exec'd process: not the host's" "$got" "$(readlink "/proc/$$/ns/$t")"
	done
	# Control: the config asks for no user or cgroup namespace; the init has the host's, so does exec.
	for t in user cgroup; do
		got=$(awk -v t="$t" '$1 == t {print $2}' "$NSW_OUT")
		assert_eq "$t namespace of the exec'd process" "$got" "$(readlink "/proc/$INIT/ns/$t")"
	done
	grep -qx "cwd /tmp" "$NSW_OUT" || fail "cwd is not the process file's: $(cat "$NSW_OUT")"
	# The environment is exactly the file's: FROM_CONFIG is the config's process only.
	grep -qx "env bar" "$NSW_OUT" || fail "environment is not the process file's: $(cat "$NSW_OUT")"
	assert_eq "Uid" "$(awk '$1 == "Uid:" {print $2, $3, $4, $5}' "$NSW_OUT")" "1000 1000 1000 1000"
	assert_eq "Gid" "$(awk '$1 == "Gid:" {print $2, $3, $4, $5}' "$NSW_OUT")" "1001 1001 1001 1001"
	assert_eq "Groups" "$(awk '$1 == "Groups:" {$1 = ""; print}' "$NSW_OUT" | xargs)" "1002 1003"
	# CAP_CHOWN (0) and CAP_KILL (5), kept across the exec by the ambient set.
	assert_eq "CapEff of the exec'd process" "$(awk '$1 == "CapEff:" {print $2}' "$NSW_OUT")" 0000000000000021
	assert_eq "CapBnd of the exec'd process" "$(awk '$1 == "CapBnd:" {print $2}' "$NSW_OUT")" 0000000000000021
	# Control: the init has what the config gave it, CAP_KILL alone.
	assert_eq "CapEff of the init" "$(status_field "$INIT" CapEff)" 0000000000000020
	assert_eq "NoNewPrivs" "$(awk '$1 == "NoNewPrivs:" {print $2}' "$NSW_OUT")" 1
	assert_eq "Seccomp (2: a filter)" "$(awk '$1 == "Seccomp:" {print $2}' "$NSW_OUT")" 2
	# Its cgroups (no cgroup namespace: the full paths) are the init's, not the caller's.
	assert_eq "cgroups of the exec'd process" "$(grep -E '^[0-9]+:' "$NSW_OUT")" "$(cat "/proc/$INIT/cgroup")"
	grep -q "/nswatch/$id\$" "$NSW_OUT" || fail "not in the container's cgroup: $(cat "$NSW_OUT")"
	grep -q "/nswatch/$id\$" "/proc/$$/cgroup" && fail "control: the test itself is in the container's cgroup"
	return 0
}

@test "oci exec: the container's seccomp filter applies to the exec'd process (control: the same mkdir works on the host)" {
	local id
	oci_id seccomp
	id=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_up "$id"
	rt_oci exec "$id" sh -c 'mkdir /tmp/denied && echo made; echo status $?'
	grep -q "Operation not permitted" "$NSW_OUT" || fail "mkdir was not refused with EPERM: $(cat "$NSW_OUT")"
	grep -qx made "$NSW_OUT" && fail "mkdir succeeded in exec despite the filter"
	[ ! -e "/proc/$INIT/root/tmp/denied" ] || fail "the directory exists in the container"
	# Control: the host has no such filter; the same command works there.
	mkdir "$BATS_TEST_TMPDIR/allowed" || fail "control: mkdir fails on the host"
	# And in the container, the filter is the only thing in the way: a file is made.
	rt_oci exec "$id" sh -c 'echo x > /tmp/file && echo written'
	grep -qx written "$NSW_OUT" || fail "writing a file in the container failed: $(cat "$NSW_OUT")"
}

@test "oci exec runc's flags: the bundle's process with CMD, --cwd, --env, --user, --cap; without --detach the exit status passes through" {
	local id
	oci_id flags
	id=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_up "$id"
	rt_oci exec --cwd /proc --env FOO=flag -e FROM_CONFIG=over --cap CAP_CHOWN "$id" \
		sh -c 'echo $(pwd) $FOO $FROM_CONFIG $PATH; grep CapEff /proc/self/status'
	assert_eq "exit status" "$NSW_STATUS" 0
	assert_eq "cwd, env over the config's" "$(head -1 "$NSW_OUT")" "/proc flag over /usr/sbin:/usr/bin:/sbin:/bin"
	# The config's CAP_KILL and --cap's CAP_CHOWN, as root.
	assert_eq "CapEff with --cap" "$(awk '$1 == "CapEff:" {print $2}' "$NSW_OUT")" 0000000000000021
	rt_oci exec --user 1000:1001 "$id" sh -c 'echo $(id -u) $(id -g)'
	assert_eq "--user" "$(cat "$NSW_OUT")" "1000 1001"
	rt_oci exec "$id" sh -c 'exit 42'
	assert_eq "exit status of a command that exits 42" "$NSW_STATUS" 42
	rt_oci exec "$id" sh -c 'kill -9 $$'
	assert_eq "exit status of a command killed by SIGKILL" "$NSW_STATUS" 137
	rt_oci exec "$id" nsw-no-such-command
	assert_failed_with "a command that does not exist" "nsw-no-such-command"
	# The init was not disturbed by any of it.
	assert_eq "state after the execs" "$(state_of "$id" .status)" running
}

@test "oci exec --detach --pid-file: returns once the command runs; the pid is that process, in the container, reaped by the caller's subreaper with its status" {
	local id pid sub execpid job
	oci_id detach
	id=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_up "$id"
	cat >"$BATS_TEST_TMPDIR/process.json" <<'EOF'
{"terminal": false, "cwd": "/", "args": ["sleep", "600"], "env": ["PATH=/bin"],
 "user": {"uid": 0, "gid": 0}}
EOF
	# As conmon and containerd's shim do: a child subreaper calls exec.
	timeout --kill-after=5 "$RT_TIMEOUT" "$ENGINE" reap "$BATS_TEST_TMPDIR/reaped" -- \
		"$RUNC" --root "$ROOT" exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" \
		--process "$BATS_TEST_TMPDIR/process.json" "$id" >"$NSW_OUT" 2>&1 </dev/null &
	job=$!
	# "subreaper PID", then the runtime's own exit.
	wait_lines "$BATS_TEST_TMPDIR/reaped" 2
	sub=$(awk '$1 == "subreaper" {print $2}' "$BATS_TEST_TMPDIR/reaped")
	read -r _ execpid st < <(sed -n 2p "$BATS_TEST_TMPDIR/reaped")
	assert_eq "exit status of exec --detach" "$st" 0
	grep -qE '^[0-9]+$' "$BATS_TEST_TMPDIR/exec.pid" || fail "pid file: $(cat "$BATS_TEST_TMPDIR/exec.pid")"
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	OCI_PIDS+=("$pid")
	assert_ne "the pid file's process is not the runtime's" "$pid" "$execpid"
	assert_eq "the pid file's process: the command, executed" "$(cat "/proc/$pid/comm")" sleep
	assert_eq "its parent once the runtime exited: the subreaper" "$(status_field "$pid" PPid)" "$sub"
	for t in pid net ipc uts mnt; do
		assert_eq "$t namespace of the detached process" "$(readlink "/proc/$pid/ns/$t")" "$(readlink "/proc/$INIT/ns/$t")"
	done
	assert_eq "cgroups of the detached process" "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$INIT/cgroup")"
	ls "$BATS_TEST_TMPDIR" | grep -q 'exec.pid.' && fail "a temporary pid file was left: $(ls "$BATS_TEST_TMPDIR")"
	# Its end is the subreaper's to see: SIGTERM, 128+15.
	kill -TERM "$pid"
	wait "$job"
	grep -qx "reaped $pid 143" "$BATS_TEST_TMPDIR/reaped" ||
		fail "the subreaper did not reap $pid with status 143: $(cat "$BATS_TEST_TMPDIR/reaped")"
	assert_eq "state after the exec'd process ended" "$(state_of "$id" .status)" running
}

@test "oci exec --tty --console-socket: the process's terminal (a pty of the container) goes to the console socket" {
	local id i job
	oci_id tty
	id=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_up "$id"
	# Bounded: if nothing ever connects, the test must still end.
	timeout --kill-after=5 "$RT_TIMEOUT" "$ENGINE" console "$BATS_TEST_TMPDIR/console.sock" \
		"$BATS_TEST_TMPDIR/console.out" >"$BATS_TEST_TMPDIR/console.log" 2>&1 &
	job=$!
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		grep -q listening "$BATS_TEST_TMPDIR/console.log" && break
		sleep 0.1
	done
	rt_oci exec --tty --console-socket "$BATS_TEST_TMPDIR/console.sock" "$id" \
		sh -c 'tty; echo via-the-terminal'
	assert_eq "exit status of exec --tty" "$NSW_STATUS" 0
	wait "$job"
	grep -qx "tty=yes" "$BATS_TEST_TMPDIR/console.out" || fail "no terminal received: $(cat "$BATS_TEST_TMPDIR/console.out" "$BATS_TEST_TMPDIR/console.log")"
	grep -q "^/dev/pts/[0-9]" "$BATS_TEST_TMPDIR/console.out" || fail "the process's stdin is not a pty: $(cat "$BATS_TEST_TMPDIR/console.out")"
	grep -q "via-the-terminal" "$BATS_TEST_TMPDIR/console.out" || fail "the output did not go through the terminal"
	grep -q via-the-terminal "$NSW_OUT" && fail "the output went to exec's stdout, not the terminal"
	# podman exec -t: --detach with the terminal; the console keeps it after exec returned.
	timeout --kill-after=5 "$RT_TIMEOUT" "$ENGINE" console "$BATS_TEST_TMPDIR/console2.sock" \
		"$BATS_TEST_TMPDIR/console2.out" >"$BATS_TEST_TMPDIR/console2.log" 2>&1 &
	job=$!
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		grep -q listening "$BATS_TEST_TMPDIR/console2.log" && break
		sleep 0.1
	done
	rt_oci exec --detach --tty --console-socket "$BATS_TEST_TMPDIR/console2.sock" \
		--pid-file "$BATS_TEST_TMPDIR/tty.pid" "$id" sh -c 'tty; echo detached-tty'
	assert_eq "exit status of exec --detach --tty" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/tty.pid")")
	wait "$job"
	grep -qx "tty=yes" "$BATS_TEST_TMPDIR/console2.out" || fail "no terminal received (detached): $(cat "$BATS_TEST_TMPDIR/console2.out" "$BATS_TEST_TMPDIR/console2.log")"
	grep -q "detached-tty" "$BATS_TEST_TMPDIR/console2.out" || fail "the detached process's output did not go through its terminal"
	rt_oci exec --tty "$id" true
	assert_failed_with "--tty without --console-socket" "--console-socket"
}

@test "oci pause, resume: the container's cgroup freezes (cgroup.events), its counter stops, state says paused; resume thaws it" {
	local id d c1 c2 i
	oci_id pause
	id=$OCI_ID
	oci_config '["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; usleep 20000; done"]'
	oci_up "$id"
	d=$(v2_dir "$id")
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		[ -s "/proc/$INIT/root/tmp/count" ] && break
		sleep 0.1
	done
	rt_oci pause "$id"
	assert_eq "pause" "$NSW_STATUS" 0
	grep -qx "frozen 1" "$d/cgroup.events" || fail "not frozen: $(cat "$d/cgroup.events")"
	assert_eq "state of a paused container" "$(state_of "$id" .status)" paused
	assert_eq "pid of a paused container" "$(state_of "$id" .pid)" "$INIT"
	c1=$(cat "/proc/$INIT/root/tmp/count")
	sleep 1
	c2=$(cat "/proc/$INIT/root/tmp/count")
	assert_eq "the counter of a paused container" "$c2" "$c1"
	rt_oci pause "$id"
	assert_failed_with "pause of a paused container" "container not running"
	rt_oci exec "$id" true
	assert_failed_with "exec in a paused container" "cannot exec in a paused container"

	rt_oci resume "$id"
	assert_eq "resume" "$NSW_STATUS" 0
	grep -qx "frozen 0" "$d/cgroup.events" || fail "still frozen: $(cat "$d/cgroup.events")"
	assert_eq "state after resume" "$(state_of "$id" .status)" running
	# Control: thawed, the same counter moves on.
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		[ "$(cat "/proc/$INIT/root/tmp/count")" -gt "$c2" ] && break
		sleep 0.1
	done
	[ "$(cat "/proc/$INIT/root/tmp/count")" -gt "$c2" ] || fail "the counter did not move after resume"
	rt_oci resume "$id"
	assert_failed_with "resume of a running container" "container not paused"
}

@test "oci pause: kill KILL of a paused container ends it (thawed, as runc); delete --force of a paused one leaves nothing" {
	local a b
	oci_id killed
	a=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_up "$a"
	rt_oci pause "$a"
	assert_eq "pause" "$NSW_STATUS" 0
	rt_oci kill "$a" KILL
	assert_eq "kill KILL of a paused container" "$NSW_STATUS" 0
	wait_status "$a" stopped
	rt_oci delete "$a"
	assert_eq "delete" "$NSW_STATUS" 0

	oci_id forced
	b=$OCI_ID
	oci_up "$b"
	rt_oci pause "$b"
	assert_eq "state" "$(state_of "$b" .status)" paused
	rt_oci delete --force "$b"
	assert_eq "delete --force of a paused container" "$NSW_STATUS" 0
	[ ! -e "$ROOT/$b" ] || fail "delete left $ROOT/$b"
	if [ -e "/proc/$INIT" ] && [ "$(awk '{print $3}' "/proc/$INIT/stat")" != Z ]; then
		fail "delete --force left the paused init $INIT"
	fi
}

@test "oci exec, pause, resume: unknown ids and stopped containers get runc's words and status 1; nothing runs" {
	local id
	for verb in "exec" "pause" "resume"; do
		if [ "$verb" = exec ]; then rt_oci exec "$RT_PREFIX-none" sh -c 'echo RAN'; else rt_oci "$verb" "$RT_PREFIX-none"; fi
		assert_failed_with "$verb of an unknown id" "container $RT_PREFIX-none does not exist"
		assert_eq "exit status of $verb of an unknown id (runc's)" "$NSW_STATUS" 1
	done
	oci_id stopped
	id=$OCI_ID
	oci_config '["true"]'
	oci_up "$id"
	wait_status "$id" stopped
	rt_oci exec "$id" sh -c 'echo RAN'
	assert_failed_with "exec in a stopped container" "cannot exec in a stopped container"
	assert_eq "exit status (runc's)" "$NSW_STATUS" 1
	grep -qx RAN "$NSW_OUT" && fail "the command ran in a stopped container"
	rt_oci pause "$id"
	assert_failed_with "pause of a stopped container" "container not running"
	rt_oci resume "$id"
	assert_failed_with "resume of a stopped container" "container not paused"
	rt_oci exec --preserve-fds 1 "$id" true
	assert_failed_with "--preserve-fds 1" "--preserve-fds: not supported"
}

@test "oci hooks: createContainer runs in the container's namespaces with the host's root; startContainer in the container, before the command" {
	local id t
	oci_id hooks
	id=$OCI_ID
	mkdir -p "$BATS_TEST_TMPDIR/hooks"
	# createContainer: a host path, run with the host's root (runc: before pivot_root).
	cat >"$BATS_TEST_TMPDIR/cc.sh" <<EOF
#!/bin/sh
for t in pid net ipc uts mnt; do echo \$t \$(readlink /proc/self/ns/\$t); done > "$BATS_TEST_TMPDIR/cc.ns"
cat > "$BATS_TEST_TMPDIR/cc.state"
EOF
	# startContainer: a path in the container (a bind of hooks/), its root the container's.
	cat >"$BATS_TEST_TMPDIR/hooks/sc.sh" <<'EOF'
#!/bin/sh
for t in pid net ipc uts mnt; do echo $t $(readlink /proc/self/ns/$t); done > /tmp/sc.ns
cat > /tmp/sc.state
EOF
	chmod +x "$BATS_TEST_TMPDIR/cc.sh" "$BATS_TEST_TMPDIR/hooks/sc.sh"
	oci_config '["sh", "-c", "[ -s /tmp/sc.ns ] && echo hook-ran-first; exec sleep 600"]'
	config_jq --arg d "$BATS_TEST_TMPDIR" '.hooks = {
		createContainer: [{path: "\($d)/cc.sh"}],
		startContainer: [{path: "/hooks/sc.sh"}]}
		| .mounts += [{destination: "/hooks", type: "bind", source: "\($d)/hooks", options: ["rbind", "ro"]}]'
	NSW_STATUS=0
	"$RUNC" --root "$ROOT" create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$id" \
		>"$BATS_TEST_TMPDIR/$id.out" 2>&1 </dev/null || NSW_STATUS=$?
	[ "$NSW_STATUS" -eq 0 ] || fail "create: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	INIT=$(cat "$BATS_TEST_TMPDIR/pid")
	OCI_PIDS+=("$INIT")
	[ -s "$BATS_TEST_TMPDIR/cc.ns" ] || fail "createContainer did not run at create"
	for t in pid net ipc uts mnt; do
		assert_eq "createContainer's $t namespace: the init's" "$(awk -v t="$t" '$1 == t {print $2}' "$BATS_TEST_TMPDIR/cc.ns")" "$(readlink "/proc/$INIT/ns/$t")"
		assert_ne "createContainer's $t namespace: not the host's" "$(awk -v t="$t" '$1 == t {print $2}' "$BATS_TEST_TMPDIR/cc.ns")" "$(readlink "/proc/$$/ns/$t")"
	done
	assert_eq "createContainer's state: id" "$(jq -r .id "$BATS_TEST_TMPDIR/cc.state")" "$id"
	assert_eq "createContainer's state: pid" "$(jq -r .pid "$BATS_TEST_TMPDIR/cc.state")" "$INIT"
	[ ! -e "/proc/$INIT/root/tmp/sc.ns" ] || fail "startContainer ran at create"

	rt_oci start "$id"
	assert_eq "start" "$NSW_STATUS" 0
	for t in pid net ipc uts mnt; do
		assert_eq "startContainer's $t namespace: the init's" "$(awk -v t="$t" '$1 == t {print $2}' "/proc/$INIT/root/tmp/sc.ns")" "$(readlink "/proc/$INIT/ns/$t")"
	done
	assert_eq "startContainer's state: id" "$(jq -r .id "/proc/$INIT/root/tmp/sc.state")" "$id"
	wait_status "$id" running
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		grep -qx hook-ran-first "$BATS_TEST_TMPDIR/$id.out" && break
		sleep 0.1
	done
	grep -qx hook-ran-first "$BATS_TEST_TMPDIR/$id.out" || fail "the command did not see startContainer's file: $(cat "$BATS_TEST_TMPDIR/$id.out")"
}

@test "oci hooks: a startContainer hook that fails fails start and stops the container; the command never runs" {
	local id
	oci_id schook
	id=$OCI_ID
	oci_config '["sh", "-c", "echo ran; exec sleep 600"]'
	config_jq '.hooks = {startContainer: [{path: "/bin/false"}]}'
	"$RUNC" --root "$ROOT" create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$id" \
		>"$BATS_TEST_TMPDIR/$id.out" 2>&1 </dev/null || fail "create: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	rt_oci start "$id"
	assert_failed_with "start with a failing startContainer hook" "hooks.startContainer[0]: /bin/false failed in the container"
	wait_status "$id" stopped
	grep -qx ran "$BATS_TEST_TMPDIR/$id.out" && fail "the command ran"
	return 0
}
