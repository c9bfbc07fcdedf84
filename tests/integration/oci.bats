#!/usr/bin/env bats
# nswatch as an OCI runtime (build/nswatch-runc, runc's command line): the
# lifecycle create, start, state, kill, delete of a bundle on the busybox
# rootfs, checked against the kernel: readlink /proc/PID/ns/X of the init
# against the host's, the pid file's pid being that init, what the
# container's own command printed, cgroup directories, mounts and state
# directories left after delete; and bad input (a missing bundle, a bad
# config.json, an unknown id): a clear message, a non-zero exit, nothing
# left behind.
#
# Each test has its own state root (--root) and bundle. The container's
# stdout is create's (as under an engine), so create's output goes to a
# file, never to a pipe the test would wait on.

load helpers
load runtime_helpers
load oci_helpers

setup() {
	rt_setup
	require_root_runtime
	oci_setup
}

teardown() {
	oci_sweep
	oci_teardown_end
}

# oci_config ARGS_JSON [EXTRA_LINUX_JSON]: a config.json on the busybox
# rootfs (read-only: OCI mode writes the rootfs it is given), in new pid,
# net, ipc, uts and mount namespaces, with the process args given.
oci_config() {
	local args=$1
	cat >"$BUNDLE/config.json" <<EOF
{
 "ociVersion": "1.0.2",
 "root": {"path": "$RT_ROOTFS", "readonly": true},
 "hostname": "oci-test",
 "process": {"terminal": false, "cwd": "/", "args": $args,
   "user": {"uid": 0, "gid": 0},
   "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
   "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
     "permitted": ["CAP_KILL"], "inheritable": [], "ambient": []},
   "noNewPrivileges": true},
 "mounts": [
  {"destination": "/proc", "type": "proc", "source": "proc"},
  {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
  {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}
 ],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
   {"type": "uts"}, {"type": "mount"}],
   "resources": {"pids": {"limit": 32}}},
 "annotations": {"org.example.test": "$BATS_TEST_NUMBER"}
}
EOF
}

# oci_create ID [OPTIONS...]: create, the container's output in $BATS_TEST_TMPDIR/ID.out.
oci_create() {
	local id=$1
	shift
	NSW_STATUS=0
	timeout --kill-after=5 "$RT_TIMEOUT" "$RUNC" --root "$ROOT" create --bundle "$BUNDLE" \
		"$@" "$id" >"$BATS_TEST_TMPDIR/$id.out" 2>&1 </dev/null || NSW_STATUS=$?
}

@test "oci: create, start, state, kill, delete, with the kernel's truth at each step" {
	local id pid t
	oci_id a
	id=$OCI_ID
	oci_config '["sh", "-c", "echo started; echo pid $$; hostname; for t in pid net ipc uts mnt user; do readlink /proc/self/ns/$t; done; echo done; exec sleep 600"]'
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	[ "$NSW_STATUS" -eq 0 ] || fail "create: status $NSW_STATUS: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	OCI_PIDS+=("$pid")
	assert_eq "state after create" "$(state_of "$id" .status)" created
	assert_eq "state's pid: the pid file's" "$(state_of "$id" .pid)" "$pid"
	assert_eq "state's id" "$(state_of "$id" .id)" "$id"
	assert_eq "state's bundle" "$(state_of "$id" .bundle)" "$BUNDLE"
	assert_eq "state's annotation" "$(state_of "$id" '.annotations["org.example.test"]')" "$BATS_TEST_NUMBER"
	# The pid file's pid is the container's init: pid 1 of a new pid namespace.
	assert_eq "NSpid of the init" "$(awk '/^NSpid:/ {print $NF}' "/proc/$pid/status")" 1
	for t in pid net ipc uts mnt; do
		assert_ne "$t namespace of the init" "$(readlink "/proc/$pid/ns/$t")" "$(readlink "/proc/$$/ns/$t")"
	done
	# Control: no user namespace was asked for, and the init has none of its own.
	assert_eq "user namespace of the init" "$(readlink "/proc/$pid/ns/user")" "$(readlink "/proc/$$/ns/user")"
	# Created: the command has not run yet.
	assert_eq "output before start" "$(cat "$BATS_TEST_TMPDIR/$id.out")" ""
	assert_eq "cgroup pids limit" "$(cat /sys/fs/cgroup/pids/nswatch/"$id"/pids.max 2>/dev/null ||
		cat /sys/fs/cgroup/nswatch/"$id"/pids.max)" 32

	rt_oci start "$id"
	assert_eq "start status" "$NSW_STATUS" 0
	wait_output "$id" done
	assert_eq "state after start" "$(state_of "$id" .status)" running
	sed -n 2p "$BATS_TEST_TMPDIR/$id.out" | grep -qx 'pid 1' || fail "the command is not pid 1: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	assert_eq "hostname inside" "$(sed -n 3p "$BATS_TEST_TMPDIR/$id.out")" oci-test
	for t in pid net ipc uts mnt user; do
		grep -qxF "$(readlink "/proc/$pid/ns/$t")" "$BATS_TEST_TMPDIR/$id.out" ||
			fail "the command's $t namespace is not the init's $(readlink "/proc/$pid/ns/$t")"
	done
	assert_eq "the same process, now the command" "$(cat "/proc/$pid/comm")" sleep

	rt_oci kill "$id" KILL
	assert_eq "kill status" "$NSW_STATUS" 0
	wait_status "$id" stopped
	assert_eq "state's pid once stopped" "$(state_of "$id" .pid)" 0
	rt_oci kill "$id" KILL
	assert_failed_with "kill of a stopped container" "container not running"

	rt_oci delete "$id"
	assert_eq "delete status" "$NSW_STATUS" 0
	[ ! -e "$ROOT/$id" ] || fail "delete left $ROOT/$id"
	rt_oci state "$id"
	assert_failed_with "state after delete" "does not exist"
}

@test "oci: kill takes names and numbers; TERM reaches a pid 1 that handles it" {
	local a b
	oci_id term
	a=$OCI_ID
	oci_config '["sh", "-c", "trap \"echo got TERM; exit 3\" TERM; echo ready; while :; do sleep 1; done"]'
	oci_create "$a" --pid-file "$BATS_TEST_TMPDIR/a.pid"
	assert_eq "create" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/a.pid")")
	rt_oci start "$a"
	wait_output "$a" ready
	rt_oci kill "$a" SIGTERM
	assert_eq "kill SIGTERM" "$NSW_STATUS" 0
	wait_status "$a" stopped
	grep -qx "got TERM" "$BATS_TEST_TMPDIR/$a.out" || fail "TERM did not reach the handler"

	oci_id nine
	b=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_create "$b" --pid-file "$BATS_TEST_TMPDIR/b.pid"
	assert_eq "create" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/b.pid")")
	rt_oci start "$b"
	wait_status "$b" running
	rt_oci kill "$b" 9
	assert_eq "kill 9" "$NSW_STATUS" 0
	wait_status "$b" stopped
	rt_oci kill "$b" NOSUCHSIG
	assert_failed_with "kill with a bad signal" "invalid signal 'NOSUCHSIG'"
}

@test "oci: delete refuses a running or created container; --force kills it and removes all" {
	local a b pid
	oci_id run
	a=$OCI_ID
	oci_config '["sleep", "600"]'
	oci_create "$a" --pid-file "$BATS_TEST_TMPDIR/a.pid"
	pid=$(cat "$BATS_TEST_TMPDIR/a.pid")
	OCI_PIDS+=("$pid")
	rt_oci start "$a"
	wait_status "$a" running
	rt_oci delete "$a"
	assert_failed_with "delete of a running container" "is not stopped"
	[ -e "/proc/$pid" ] || fail "delete without --force killed the init"
	rt_oci delete --force "$a"
	assert_eq "delete --force" "$NSW_STATUS" 0
	if [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]; then
		fail "delete --force left the init $pid running"
	fi

	# Never started: delete --force kills the waiting init; the command never runs.
	oci_id created
	b=$OCI_ID
	oci_config '["sh", "-c", "echo ran"]'
	oci_create "$b" --pid-file "$BATS_TEST_TMPDIR/b.pid"
	pid=$(cat "$BATS_TEST_TMPDIR/b.pid")
	OCI_PIDS+=("$pid")
	rt_oci delete "$b"
	assert_failed_with "delete of a created container" "is not stopped: created"
	assert_eq "state after a refused delete" "$(state_of "$b" .status)" created
	rt_oci delete --force "$b"
	assert_eq "delete --force of a created container" "$NSW_STATUS" 0
	assert_eq "output of a command never started" "$(cat "$BATS_TEST_TMPDIR/$b.out")" ""
	[ ! -e "$ROOT/$b" ] || fail "delete left $ROOT/$b"
}

@test "oci: hooks see the state on stdin; prestart before start, poststop at delete" {
	local id pid
	oci_id hooks
	id=$OCI_ID
	oci_config '["sleep", "600"]'
	jq --arg d "$BATS_TEST_TMPDIR" '.hooks = {
		prestart: [{path: "/bin/sh", args: ["sh", "-c", "cat > \($d)/prestart.json"]}],
		poststop: [{path: "/bin/sh", args: ["sh", "-c", "cat > \($d)/poststop.json"]}]}' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create" "$NSW_STATUS" 0
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	OCI_PIDS+=("$pid")
	assert_eq "prestart hook's state: pid" "$(jq -r .pid "$BATS_TEST_TMPDIR/prestart.json")" "$pid"
	assert_eq "prestart hook's state: id" "$(jq -r .id "$BATS_TEST_TMPDIR/prestart.json")" "$id"
	[ ! -e "$BATS_TEST_TMPDIR/poststop.json" ] || fail "poststop ran before delete"
	rt_oci delete --force "$id"
	assert_eq "delete" "$NSW_STATUS" 0
	assert_eq "poststop hook's state: id" "$(jq -r .id "$BATS_TEST_TMPDIR/poststop.json")" "$id"
}

@test "oci: a prestart hook that fails fails create, and leaves nothing" {
	local id
	oci_id hookfail
	id=$OCI_ID
	oci_config '["sh", "-c", "echo ran"]'
	jq '.hooks = {prestart: [{path: "/bin/false"}]}' "$BUNDLE/config.json" >"$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "create with a failing hook" "hooks.prestart[0]: /bin/false failed"
	[ ! -e "$ROOT/$id" ] || fail "a failed create left $ROOT/$id"
	grep -qx ran "$BATS_TEST_TMPDIR/$id.out" && fail "the command ran"

	# The same with a cgroupsPath two levels deep: both made, both removed (the teardown looks).
	oci_id hookfail-cg
	id=$OCI_ID
	OCI_CGDIRS+=("/$RT_PREFIX-hook/a" "/$RT_PREFIX-hook")
	jq --arg p "/$RT_PREFIX-hook/a" '.linux.cgroupsPath = $p' "$BUNDLE/config.json" >"$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "create with a failing hook and a cgroupsPath" "hooks.prestart[0]: /bin/false failed"
	[ ! -e "$ROOT/$id" ] || fail "a failed create left $ROOT/$id"
	for h in /sys/fs/cgroup/*/; do
		[ ! -e "$h$RT_PREFIX-hook" ] || fail "a failed create left $h$RT_PREFIX-hook"
	done
	return 0
}

@test "oci: bad input: a missing bundle, bad config.json, a taken or unknown id" {
	local id
	oci_id bad
	id=$OCI_ID
	oci_create "$id" --bundle "$BATS_TEST_TMPDIR/nobundle"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "a missing bundle" "$BATS_TEST_TMPDIR/nobundle"
	assert_eq "exit status of a failed create (runc's)" "$NSW_STATUS" 1

	echo '{"ociVersion": "1.0.2", "root": ' >"$BUNDLE/config.json"
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "config.json not JSON" "$BUNDLE/config.json: not valid JSON"

	oci_config '["sh"]'
	jq '.linux.devices = [{"path": "/dev/fuse", "type": "x", "major": 10, "minor": 229}]' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "a device of a bad type" "linux.devices[0].type: 'x' is not c, u, b or p"

	oci_config '["sh"]'
	jq '.linux.resources.blockIO = {weight: 10}' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "a field nswatch cannot honour" "linux.resources.blockIO: not supported by nswatch yet"

	# cgroupsPath: no "..", no systemd form; nothing made (the teardown looks for both).
	OCI_CGDIRS+=("/$RT_PREFIX/x" "/$RT_PREFIX" "/slice" "/b")
	for p in "/$RT_PREFIX/x/../../b" "slice:$RT_PREFIX:x"; do
		oci_config '["sh"]'
		jq --arg p "$p" '.linux.cgroupsPath = $p' "$BUNDLE/config.json" >"$BUNDLE/c" &&
			mv "$BUNDLE/c" "$BUNDLE/config.json"
		oci_create "$id"
		cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
		assert_eq "exit status of create with cgroupsPath $p" "$NSW_STATUS" 1
		case $p in
		*..*) assert_failed_with "cgroupsPath $p" "linux.cgroupsPath: '$p': a '.' or '..' component" ;;
		*) assert_failed_with "cgroupsPath $p" "is the systemd cgroup driver's form" ;;
		esac
		[ ! -e "$ROOT/$id" ] || fail "a failed create left $ROOT/$id"
	done

	oci_config '["/no/such/command"]'
	jq '.process.args = []' "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "no args" "process.args: must be a non-empty array"
	[ ! -e "$ROOT/$id" ] || fail "a failed create left $ROOT/$id"

	# A taken id: the second create fails and the first container is untouched.
	oci_config '["sleep", "600"]'
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "create of a taken id" "container with id exists: $id"
	assert_eq "the first container" "$(state_of "$id" .status)" created

	for verb in state start delete "kill"; do
		rt_oci $verb "$RT_PREFIX-nosuch"
		assert_failed_with "$verb of an unknown id" "container $RT_PREFIX-nosuch does not exist"
	done
	rt_oci start
	assert_failed_with "start without an id" "usage"
}

@test "oci: --log-format json writes the error as a JSON line; --systemd-cgroup is refused" {
	local log="$BATS_TEST_TMPDIR/log.json"
	rt_oci --log "$log" --log-format json state "$RT_PREFIX-nosuch"
	assert_failed_with "state of an unknown id" "does not exist"
	assert_eq "log level" "$(jq -r .level "$log")" error
	jq -r .msg "$log" | grep -q "container $RT_PREFIX-nosuch does not exist" ||
		fail "log msg: $(cat "$log")"
	jq -er .time "$log" >/dev/null || fail "log time: $(cat "$log")"
	rt_oci --systemd-cgroup list
	assert_failed_with "--systemd-cgroup" "--systemd-cgroup"
	rt_oci --version
	assert_eq "--version" "$NSW_STATUS" 0
	rt_oci features
	assert_eq "features" "$(jq -r .ociVersionMax "$NSW_OUT")" 1.2.0
}

@test "oci: maskedPaths and readonlyPaths anywhere in the container, with a control" {
	local id ctl
	oci_id masked
	id=$OCI_ID
	oci_config '["sh", "-c", "wc -c < /etc/passwd; ls /sbin | wc -l; { echo x > /tmp/f; } 2>/dev/null && echo wrote || echo refused; echo done"]'
	jq '.linux.maskedPaths = ["/etc/passwd", "/sbin", "/proc/kcore"] | .linux.readonlyPaths = ["/tmp"]' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	rt_oci start "$id"
	wait_output "$id" done
	assert_eq "masked /etc/passwd: bytes read" "$(sed -n 1p "$BATS_TEST_TMPDIR/$id.out")" 0
	assert_eq "masked /sbin: entries" "$(sed -n 2p "$BATS_TEST_TMPDIR/$id.out")" 0
	assert_eq "read-only /tmp" "$(sed -n 3p "$BATS_TEST_TMPDIR/$id.out")" refused

	# Control: the same container without the lists reads and writes them.
	oci_id control
	ctl=$OCI_ID
	jq 'del(.linux.maskedPaths) | del(.linux.readonlyPaths)' "$BUNDLE/config.json" >"$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$ctl" --pid-file "$BATS_TEST_TMPDIR/cpid"
	assert_eq "create" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/cpid")")
	rt_oci start "$ctl"
	wait_output "$ctl" done
	assert_ne "control: /etc/passwd bytes read" "$(sed -n 1p "$BATS_TEST_TMPDIR/$ctl.out")" 0
	assert_ne "control: /sbin entries" "$(sed -n 2p "$BATS_TEST_TMPDIR/$ctl.out")" 0
	assert_eq "control: /tmp" "$(sed -n 3p "$BATS_TEST_TMPDIR/$ctl.out")" wrote
}

@test "oci: linux.sysctl is written in the container's own namespace, not the host's" {
	local id host
	host=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	oci_id sysctl
	id=$OCI_ID
	oci_config '["sh", "-c", "cat /proc/sys/net/ipv4/ip_default_ttl; echo done"]'
	jq '.linux.sysctl = {"net.ipv4.ip_default_ttl": "'$((host == 33 ? 34 : 33))'"}' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	rt_oci start "$id"
	wait_output "$id" done
	assert_eq "ip_default_ttl inside" "$(sed -n 1p "$BATS_TEST_TMPDIR/$id.out")" "$((host == 33 ? 34 : 33))"
	assert_eq "ip_default_ttl of the host" "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "$host"
	# A sysctl that is the whole host's is refused.
	jq '.linux.sysctl = {"kernel.panic": "1"}' "$BUNDLE/config.json" >"$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_id refused
	oci_create "$OCI_ID"
	cp "$BATS_TEST_TMPDIR/$OCI_ID.out" "$NSW_OUT"
	assert_failed_with "kernel.panic" "linux.sysctl.kernel.panic: not a namespaced sysctl"
}

# oci_mknod_config RULES_JSON: a container with CAP_MKNOD that makes fuse's
# node (10:229, harmless to open, not among the default allowed devices) in
# /dev (a tmpfs with no nodev asked for) and in /tmp (nodev), and opens each
# without reading; linux.resources.devices gets RULES_JSON.
oci_mknod_config() {
	oci_config '["sh", "-c", "for d in /dev /tmp; do mknod $d/node c 10 229 && echo made; (: <$d/node) 2>/dev/null && echo opened || echo refused; done; echo done"]'
	jq --argjson rules "$1" '.process.capabilities = {bounding: ["CAP_MKNOD"], effective: ["CAP_MKNOD"], permitted: ["CAP_MKNOD"]} | .linux.resources.devices = $rules' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
}

# oci_mknod_run ID: create and start it; its four lines in MKNOD_OUT.
oci_mknod_run() {
	oci_create "$1" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$1.out")" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	rt_oci start "$1"
	wait_output "$1" done
	MKNOD_OUT=$(head -4 "$BATS_TEST_TMPDIR/$1.out" | tr '\n' ' ')
}

@test "oci: the devices cgroup keeps a node made with CAP_MKNOD in /dev from opening a host device; other mounts are nodev; control: allowed, it opens" {
	local id
	# Control on the host: the node opens on a mount that allows devices.
	mkdir "$BATS_TEST_TMPDIR/devtmp"
	mount -t tmpfs -o dev tmpfs "$BATS_TEST_TMPDIR/devtmp"
	mknod "$BATS_TEST_TMPDIR/devtmp/node" c 10 229
	if ! (: <"$BATS_TEST_TMPDIR/devtmp/node") 2>/dev/null; then
		umount "$BATS_TEST_TMPDIR/devtmp"
		fail "control: fuse's node on a tmpfs mounted with dev does not open on the host"
	fi
	umount "$BATS_TEST_TMPDIR/devtmp"

	# The default (every device denied): mknod works ('m'), opening does not.
	oci_id mknod
	id=$OCI_ID
	oci_mknod_config '[{"allow": false, "access": "rwm"}]'
	oci_mknod_run "$id"
	assert_eq "mknod and open in /dev, then in /tmp, every device denied" "$MKNOD_OUT" "made refused made refused "
	grep -qx 'c 10:229 rwm' "/sys/fs/cgroup/devices/nswatch/$id/devices.list" &&
		fail "fuse is in the container's devices.list"

	# Control: allowed by the config, the same node opens in /dev, and still not in /tmp (nodev).
	oci_id mknod-allowed
	id=$OCI_ID
	oci_mknod_config '[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]'
	oci_mknod_run "$id"
	assert_eq "mknod and open in /dev, then in /tmp, fuse allowed" "$MKNOD_OUT" "made opened made refused "
	grep -qx 'c 10:229 rw' "/sys/fs/cgroup/devices/nswatch/$id/devices.list" ||
		fail "fuse is not in the container's devices.list: $(cat "/sys/fs/cgroup/devices/nswatch/$id/devices.list")"
}

@test "oci: linux.devices are made with their type, numbers, mode and owner; a char device opens and reads" {
	local id out
	oci_id devices
	id=$OCI_ID
	oci_config '["sh", "-c", "stat -c \"%n %F %t:%T %a %u:%g\" /dev/myzero /dev/myfifo; head -c 4 /dev/myzero | od -An -tx1 | tr -d \" \"; echo done"]'
	jq '.linux.devices = [{"path": "/dev/myzero", "type": "c", "major": 1, "minor": 5, "fileMode": 420, "uid": 7, "gid": 9},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420}]' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	rt_oci start "$id"
	wait_output "$id" done
	out=$(cat "$BATS_TEST_TMPDIR/$id.out")
	# stat prints the numbers in hex: 1:5; 420 is 0644 (others read: the command has no CAP_DAC_OVERRIDE).
	grep -qx '/dev/myzero character special file 1:5 644 7:9' <<<"$out" || fail "the char device: $out"
	grep -qx '/dev/myfifo fifo 0:0 644 0:0' <<<"$out" || fail "the fifo: $out"
	grep -qx '00000000' <<<"$out" || fail "reading 4 bytes of the 1:5 node: $out"
}

@test "oci: an id taken by a container of another state root (nswatch run) is refused, and that one keeps its cgroup" {
	local id cg
	oci_id shared
	id=$OCI_ID
	timeout "$RT_TIMEOUT" "$NSWATCH" run -d --name "$id" -- sleep 600 >"$NSW_OUT" 2>&1 </dev/null ||
		fail "nswatch run -d: $(cat "$NSW_OUT")"
	RT_INITS+=("$(jq -r '"\(.pid):\(.pid_starttime)"' "$RT_STATE/$id/state.json")")
	cg=$(jq -r '.cgroups[0].path' "$RT_STATE/$id/state.json")
	[ -d "$cg" ] || fail "the run container has no cgroup $cg"
	oci_config '["sh", "-c", "echo ran"]'
	oci_create "$id"
	cp "$BATS_TEST_TMPDIR/$id.out" "$NSW_OUT"
	assert_failed_with "create of an id nswatch run holds" "container with id exists: $id"
	[ -d "$cg" ] || fail "the failed create removed the run container's cgroup $cg"
	[ ! -e "$ROOT/$id" ] || fail "the failed create left $ROOT/$id"
	"$NSWATCH" rm -f "$id" >/dev/null 2>&1
}

@test "oci: ps lists the container's processes; kill --all reaches every one; list shows it" {
	local id
	oci_id all
	id=$OCI_ID
	# pid 1 (sh, no handler) ignores TERM; only its children can die of it.
	oci_config '["sh", "-c", "sleep 600 & sleep 600 & echo ready; wait; echo children-ended; exec sleep 600"]'
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	rt_oci list --format json
	assert_eq "list --format json: status" "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .status' "$NSW_OUT")" created
	rt_oci start "$id"
	wait_output "$id" ready
	# ps: the init and its two children, as the kernel lists them.
	local pid want
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	want=$(printf '%s\n' "$pid" $(cat "/proc/$pid/task/$pid/children") | sort -n | tr '\n' ' ')
	rt_oci ps --format json "$id"
	assert_eq "ps --format json" "$(jq -r '.[]' "$NSW_OUT" | sort -n | tr '\n' ' ')" "$want"
	assert_eq "ps: three processes" "$(jq length "$NSW_OUT")" 3
	rt_oci kill --all "$id" TERM
	assert_eq "kill --all" "$NSW_STATUS" 0
	wait_output "$id" children-ended
	assert_eq "state: pid 1 lives on" "$(state_of "$id" .status)" running
	rt_oci list --quiet
	grep -qx "$id" "$NSW_OUT" || fail "list --quiet: $(cat "$NSW_OUT")"
	rt_oci delete --force "$id"
	assert_eq "delete --force" "$NSW_STATUS" 0
	rt_oci list --quiet
	grep -qx "$id" "$NSW_OUT" && fail "list after delete: $(cat "$NSW_OUT")"
	return 0
}

@test "oci: a create killed while its prestart hook runs leaves nothing delete --force cannot remove" {
	local id pid cpid i
	oci_id killed
	id=$OCI_ID
	oci_config '["sh", "-c", "echo ran"]'
	jq --arg d "$BATS_TEST_TMPDIR" '.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo $$ > \($d)/hook.pid; touch \($d)/hook; exec sleep 600"]}]}' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	"$RUNC" --root "$ROOT" create --bundle "$BUNDLE" "$id" >"$BATS_TEST_TMPDIR/$id.out" 2>&1 </dev/null &
	cpid=$!
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		[ -e "$BATS_TEST_TMPDIR/hook" ] && break
		sleep 0.1
	done
	[ -e "$BATS_TEST_TMPDIR/hook" ] || fail "the prestart hook never ran: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	pid=$(state_of "$id" .pid)
	OCI_PIDS+=("$pid")
	kill -KILL "$cpid"
	wait "$cpid" || true
	# The hook was the killed create's child: ended by its pid.
	kill -KILL "$(cat "$BATS_TEST_TMPDIR/hook.pid")" 2>/dev/null || true
	rt_oci delete "$id"
	assert_failed_with "delete without --force" "is not stopped"
	rt_oci delete --force "$id"
	assert_eq "delete --force" "$NSW_STATUS" 0
	if [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]; then
		fail "the init $pid of the interrupted create lives on"
	fi
	assert_eq "the command never ran" "$(grep -c ran "$BATS_TEST_TMPDIR/$id.out")" 0
}

# own_cgroup HIERARCHY: this shell's cgroup there ("cpu", "memory"; "" for v2), from /proc/self/cgroup.
own_cgroup() {
	awk -F: -v h="$1" '(h == "" && $1 == "0") || (h != "" && ("," $2 ",") ~ ("," h ",")) { print $3 }' /proc/self/cgroup
}

@test "oci: linux.cgroupsPath, absolute: the init's cgroup in every hierarchy is the path; cpu.shares, cpuset and pids are the kernel's; delete removes what it made and keeps a parent that was there" {
	local id pid h parent=/$RT_PREFIX-parent
	oci_id cgabs
	id=$OCI_ID
	# The pids hierarchy already has the parent; the others do not.
	mkdir "/sys/fs/cgroup/pids$parent"
	OCI_CGDIRS+=("$parent/ctr" "$parent")
	oci_config '["sleep", "600"]'
	jq --arg p "$parent//ctr/" '.linux.cgroupsPath = $p | .linux.resources.cpu = {shares: 2048, cpus: "0", mems: "0", quota: 50000, period: 100000}' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	OCI_PIDS+=("$pid")
	for h in cpu cpuset memory pids devices freezer; do
		assert_eq "the init's $h cgroup" "$(awk -F: -v h=$h '("," $2 ",") ~ ("," h ",") { print $3 }' "/proc/$pid/cgroup")" "$parent/ctr"
		grep -qx "$pid" "/sys/fs/cgroup/$h$parent/ctr/cgroup.procs" || fail "the init is not in /sys/fs/cgroup/$h$parent/ctr"
	done
	assert_eq "the init's v2 cgroup" "$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")" "$parent/ctr"
	assert_eq "cpu.shares" "$(cat "/sys/fs/cgroup/cpu$parent/ctr/cpu.shares")" 2048
	assert_eq "cpu.cfs_quota_us" "$(cat "/sys/fs/cgroup/cpu$parent/ctr/cpu.cfs_quota_us")" 50000
	assert_eq "cpuset.cpus" "$(cat "/sys/fs/cgroup/cpuset$parent/ctr/cpuset.cpus")" 0
	assert_eq "cpuset.mems" "$(cat "/sys/fs/cgroup/cpuset$parent/ctr/cpuset.mems")" 0
	assert_eq "pids.max" "$(cat "/sys/fs/cgroup/pids$parent/ctr/pids.max")" 32
	[ ! -e "/sys/fs/cgroup/cpu/nswatch/$id" ] || fail "nswatch's default cgroup was made too"
	rt_oci delete --force "$id"
	assert_eq "delete: $(cat "$NSW_OUT")" "$NSW_STATUS" 0
	for h in cpu cpuset memory devices freezer unified; do
		[ ! -e "/sys/fs/cgroup/$h$parent" ] || fail "delete left /sys/fs/cgroup/$h$parent, which it made"
	done
	[ ! -e "/sys/fs/cgroup/pids$parent/ctr" ] || fail "delete left the container's pids cgroup"
	[ -d "/sys/fs/cgroup/pids$parent" ] || fail "delete removed the pids parent, which was there before"
	rmdir "/sys/fs/cgroup/pids$parent"
}

@test "oci: linux.cgroupsPath, relative: below the cgroup of the process that runs create (v2: its parent), as runc's cgroupfs driver" {
	local id pid own rel=$RT_PREFIX-rel/ctr
	oci_id cgrel
	id=$OCI_ID
	oci_config '["sleep", "600"]'
	jq --arg p "$rel" '.linux.cgroupsPath = $p' "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	for h in memory pids; do
		own=$(own_cgroup $h)
		OCI_CGDIRS+=("${own%/}/$rel" "${own%/}/$RT_PREFIX-rel")
	done
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	OCI_PIDS+=("$pid")
	for h in memory pids; do
		own=$(own_cgroup $h)
		assert_eq "the init's $h cgroup (this shell's: $own)" \
			"$(awk -F: -v h=$h '("," $2 ",") ~ ("," h ",") { print $3 }' "/proc/$pid/cgroup")" "${own%/}/$rel"
	done
	own=$(own_cgroup "")
	own=$(dirname "$own")
	assert_eq "the init's v2 cgroup (below the parent of this shell's)" \
		"$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")" "${own%/}/$rel"
	rt_oci delete --force "$id"
	assert_eq "delete" "$NSW_STATUS" 0
	own=$(own_cgroup memory)
	[ ! -e "/sys/fs/cgroup/memory${own%/}/$RT_PREFIX-rel" ] || fail "delete left the memory cgroup it made"
}

@test "oci: a cgroup mount is the container's own cgroups, read-only, at the hierarchies' names" {
	local id out
	oci_id cgmount
	id=$OCI_ID
	oci_config '["sh", "-c", "echo max $(cat /sys/fs/cgroup/pids/pids.max); echo first $(head -1 /sys/fs/cgroup/pids/cgroup.procs); mkdir /sys/fs/cgroup/x 2>/dev/null && echo wrote-tmpfs; (echo 5 >/sys/fs/cgroup/pids/pids.max) 2>/dev/null && echo wrote-cgroup; echo ls $(ls /sys/fs/cgroup); echo done"]'
	jq '.mounts += [{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
		{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]}]' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	# Control: the host's pids.max of the container is what the config set.
	assert_eq "the container's pids.max, on the host" "$(cat "/sys/fs/cgroup/pids/nswatch/$id/pids.max")" 32
	rt_oci start "$id"
	wait_output "$id" done
	out=$(cat "$BATS_TEST_TMPDIR/$id.out")
	grep -qx 'max 32' <<<"$out" || fail "pids.max seen inside: $out"
	grep -qx 'first 1' <<<"$out" || fail "cgroup.procs seen inside (its pid namespace: the init is 1): $out"
	grep -q wrote <<<"$out" && fail "the read-only cgroup mount was written: $out"
	for h in cpu cpuset memory pids devices unified; do
		grep -q "^ls .*\b$h\b" <<<"$out" || fail "no /sys/fs/cgroup/$h in the container: $out"
	done
}

@test "oci: a config without process is created, start fails with a clear error and the container stops; delete leaves nothing" {
	local id
	oci_id noproc
	id=$OCI_ID
	oci_config '["true"]'
	jq 'del(.process)' "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	assert_eq "status after create" "$(state_of "$id" .status)" created
	rt_oci start "$id"
	assert_failed_with "start without a process" "cannot start container $id: its config.json has no process to run"
	assert_eq "exit status of start" "$NSW_STATUS" 1
	wait_status "$id" stopped
	rt_oci delete "$id"
	assert_eq "delete: $(cat "$NSW_OUT")" "$NSW_STATUS" 0
	[ ! -e "$ROOT/$id" ] || fail "delete left $ROOT/$id"
}

@test "oci: a mount namespace joined by path: the init's is the one given, the host's is untouched" {
	local id pid holder host_mnt
	oci_id mntpath
	id=$OCI_ID
	host_mnt=$(readlink /proc/self/ns/mnt)
	unshare -m --propagation private sleep 600 &
	holder=$!
	OCI_PIDS+=("$holder")
	for ((i = 0; i < 50; i++)); do
		[ "$(readlink "/proc/$holder/ns/mnt")" != "$host_mnt" ] && break
		sleep 0.1
	done
	assert_ne "the holder's mount namespace" "$(readlink "/proc/$holder/ns/mnt")" "$host_mnt"
	oci_config '["sh", "-c", "echo done; exec sleep 600"]'
	jq --arg p "/proc/$holder/ns/mnt" '.linux.namespaces = [.linux.namespaces[] | select(.type != "mount")] + [{type: "mount", path: $p}]' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	OCI_PIDS+=("$pid")
	assert_eq "the init's mount namespace" "$(readlink "/proc/$pid/ns/mnt")" "$(readlink "/proc/$holder/ns/mnt")"
	assert_eq "this shell's mount namespace" "$(readlink /proc/self/ns/mnt)" "$host_mnt"
	grep -q " $RT_ROOTFS " /proc/self/mountinfo && fail "the container's root was mounted in the host's namespace"
	rt_oci start "$id"
	wait_output "$id" done
	rt_oci delete --force "$id"
	assert_eq "delete" "$NSW_STATUS" 0
	kill "$holder"
	wait "$holder" 2>/dev/null || true
}

@test "oci: shared and rshared mounts and a shared rootfsPropagation are peer groups of the container's own, never the host's; control: private is no peer" {
	local id out n
	oci_id shared
	id=$OCI_ID
	oci_config '["sh", "-c", "awk '\''$5 == \"/tmp/s\" || $5 == \"/tmp/p\" || $5 == \"/\" { print $5, $7 }'\'' /proc/self/mountinfo; echo done"]'
	jq '.mounts += [{"destination": "/tmp/s", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]},
		{"destination": "/tmp/p", "type": "tmpfs", "source": "tmpfs", "options": ["private"]}] |
		.linux.rootfsPropagation = "shared"' "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_eq "create: $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
	OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
	rt_oci start "$id"
	wait_output "$id" done
	out=$(cat "$BATS_TEST_TMPDIR/$id.out")
	for t in /tmp/s /; do
		n=$(awk -v t="$t" '$1 == t && $2 ~ /^shared:[0-9]+$/ { sub("shared:", "", $2); print $2 }' <<<"$out")
		[ -n "$n" ] || fail "$t is not shared in the container: $out"
		grep -qE " shared:$n( |$)" /proc/self/mountinfo && fail "the host has a mount in the container's peer group $n of $t"
	done
	grep -qx '/tmp/p -' <<<"$out" || grep -qE '^/tmp/p [^s]' <<<"$out" || fail "control: /tmp/p (private) is in a peer group: $out"
}

@test "oci: rootfsPropagation unbindable: a bind of the root fails inside; control: private, it binds" {
	local id prop want
	for prop in unbindable private; do
		oci_id "bind-$prop"
		id=$OCI_ID
		oci_config '["sh", "-c", "mkdir /tmp/x && mount -o bind / /tmp/x 2>/dev/null && echo bound || echo refused; echo done"]'
		jq --arg p "$prop" '.linux.rootfsPropagation = $p | .process.capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"]}' \
			"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
		oci_create "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
		assert_eq "create ($prop): $(cat "$BATS_TEST_TMPDIR/$id.out")" "$NSW_STATUS" 0
		OCI_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
		rt_oci start "$id"
		wait_output "$id" done
		want=refused
		[ "$prop" = private ] && want=bound
		assert_eq "a bind of / with rootfsPropagation $prop" "$(head -1 "$BATS_TEST_TMPDIR/$id.out")" "$want"
	done
}
