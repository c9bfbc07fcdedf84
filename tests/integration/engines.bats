#!/usr/bin/env bats
# nswatch under real engines: podman (`podman --runtime build/nswatch-runc`)
# and containerd (`ctr run --runc-binary build/nswatch-runc`), from Debian,
# each driving nswatch with its own calls and its own 64-character ids. What
# is checked is the kernel's word: readlink /proc/self/ns/X in the workload
# against the bats shell's, the init podman records being pid 1 of its own
# pid namespace and in the network namespace podman made (joined by path),
# exit statuses as the engine reaped them, and what is left after removal
# (nswatch state, cgroups, processes, mounts).
#
# The bed is made here, once per file, and is private: podman's storage,
# run and tmp directories, its containers.conf and containerd's root, state,
# socket and the runtime's --root all live under one directory of /tmp,
# removed at the end. The image is build/rootfs imported (no registry).
# What podman and containerd make on the host by themselves (podman's CNI
# bridge cni-podman0, its iptables chains, /var/lib/cni, /run/containerd,
# /run/netns) is removed at the end if it was not there before.
#
# The engines' default configs are used as they are: podman's `type: cgroup`
# mount at /sys/fs/cgroup and its cgroupsPath (/libpod_parent/libpod-ID),
# ctr's cpu.shares and cgroupsPath (/default/ID).
#
# Every podman and ctr call is bounded (ENG_TIMEOUT). Run under the tests'
# lock (flock /tmp/nswatch-tests.lock): engines share host state.

load helpers
load runtime_helpers

ENG_TIMEOUT=60
ENG_IMAGE=localhost/nswatch-engines-test:latest
# What podman and containerd make on the host by themselves.
ENG_HOST_PATHS="/var/lib/cni /run/containerd /run/netns /run/libpod /etc/cni/net.d/cni.lock"
# A workload that ends with status 7 when SIGTERM reaches it.
ENG_TRAP='trap "exit 7" TERM; while :; do sleep 0.1; done'

# eng_missing: why this machine cannot run these tests ("" if it can).
eng_missing() {
	local c
	[ "$(id -u)" -eq 0 ] || {
		echo "needs root (running as uid $(id -u))"
		return
	}
	for c in podman conmon containerd containerd-shim-runc-v2 ctr iptables jq tar; do
		command -v "$c" >/dev/null 2>&1 || {
			echo "$c is not installed (scripts/deps.sh)"
			return
		}
	done
}

setup_file() {
	local h p
	export ENG_MISSING
	ENG_MISSING=$(eng_missing)
	[ -z "$ENG_MISSING" ] || return 0
	export RUNC ENG_WORK CONTAINERS_CONF CONTAINERS_STORAGE_CONF ENG_CTRD ENG_RUNC_ROOT ENG_BEFORE
	RUNC="$(nsw_abs "${NSWATCH_RUNC:-build/nswatch-runc}")"
	ENG_WORK=$(mktemp -d /tmp/nsw-eng.XXXXXX)
	ENG_CTRD="$ENG_WORK/ctrd"
	ENG_RUNC_ROOT="$ENG_WORK/runc-root"
	# What was on the host before: kept at the end.
	ENG_BEFORE=" "
	[ -e /sys/class/net/cni-podman0 ] && ENG_BEFORE+="link:cni-podman0 "
	for p in $ENG_HOST_PATHS; do
		[ -e "$p" ] && ENG_BEFORE+="path:$p "
	done
	for h in $(iptables -S 2>/dev/null | awk '/^-N CNI-/{print $2}'); do
		ENG_BEFORE+="chain:$h "
	done
	# podman's cgroupfs manager puts conmon in <hierarchy>/libpod_parent/conmon.
	for h in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		[ -d "$h" ] && ENG_BEFORE+="cgroup:$h "
	done

	CONTAINERS_STORAGE_CONF="$ENG_WORK/storage.conf"
	CONTAINERS_CONF="$ENG_WORK/containers.conf"
	"$BATS_TEST_DIRNAME/../../scripts/podman_conf.sh" "$ENG_WORK" || {
		ENG_MISSING="podman's configuration could not be written in $ENG_WORK"
		return 0
	}
	tar -C "$RT_ROOTFS" -cf "$ENG_WORK/rootfs.tar" . &&
		timeout "$ENG_TIMEOUT" podman import -q "$ENG_WORK/rootfs.tar" "$ENG_IMAGE" >/dev/null &&
		timeout "$ENG_TIMEOUT" podman save -q --format oci-archive \
			-o "$ENG_WORK/image-oci.tar" "$ENG_IMAGE" || {
		ENG_MISSING="the test image could not be made from $RT_ROOTFS"
		return 0
	}

	mkdir -p "$ENG_CTRD"
	cat >"$ENG_CTRD/config.toml" <<EOF
version = 2
root = "$ENG_CTRD/root"
state = "$ENG_CTRD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ENG_CTRD/containerd.sock"
[ttrpc]
  address = "$ENG_CTRD/containerd.sock.ttrpc"
EOF
	containerd --config "$ENG_CTRD/config.toml" >"$ENG_CTRD/containerd.log" 2>&1 3>&- &
	echo $! >"$ENG_CTRD/containerd.pid"
	for _ in $(seq 100); do
		[ -S "$ENG_CTRD/containerd.sock" ] && break
		sleep 0.1
	done
	timeout "$ENG_TIMEOUT" ctr -a "$ENG_CTRD/containerd.sock" image import \
		--base-name "${ENG_IMAGE%:*}" "$ENG_WORK/image-oci.tar" >/dev/null ||
		ENG_MISSING="containerd did not start or import the image: $(tail -5 "$ENG_CTRD/containerd.log")"
}

teardown_file() {
	local p h c
	[ -n "${ENG_WORK:-}" ] || return 0
	if [ -f "$ENG_CTRD/containerd.pid" ]; then
		p=$(cat "$ENG_CTRD/containerd.pid")
		for c in $(ctr -a "$ENG_CTRD/containerd.sock" task ls -q 2>/dev/null); do
			ctr -a "$ENG_CTRD/containerd.sock" task kill -s SIGKILL "$c" 2>/dev/null
			ctr -a "$ENG_CTRD/containerd.sock" task rm -f "$c" 2>/dev/null
		done
		kill "$p" 2>/dev/null
		for _ in $(seq 50); do
			[ -e "/proc/$p" ] || break
			sleep 0.1
		done
	fi
	podman rm -af -t0 >/dev/null 2>&1
	podman rmi -af >/dev/null 2>&1
	# containerd's and podman's storage mounts under the directory.
	grep -F " $ENG_WORK/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$ENG_WORK"
	case $ENG_BEFORE in *" link:cni-podman0 "*) ;; *) ip link del cni-podman0 2>/dev/null ;; esac
	for h in $(iptables -S 2>/dev/null | awk '/^-N CNI-/{print $2}'); do
		case $ENG_BEFORE in *" chain:$h "*) continue ;; esac
		[ "$h" = CNI-FORWARD ] && iptables -D FORWARD -m comment \
			--comment "CNI firewall plugin rules" -j CNI-FORWARD 2>/dev/null
		iptables -F "$h" 2>/dev/null
	done
	for h in $(iptables -S 2>/dev/null | awk '/^-N CNI-/{print $2}'); do
		case $ENG_BEFORE in *" chain:$h "*) continue ;; esac
		iptables -X "$h" 2>/dev/null
	done
	for h in $(iptables -t nat -S 2>/dev/null | awk '/^-N CNI-/{print $2}'); do
		case $ENG_BEFORE in *" chain:$h "*) continue ;; esac
		iptables -t nat -F "$h" 2>/dev/null
		iptables -t nat -X "$h" 2>/dev/null
	done
	for p in $ENG_HOST_PATHS; do
		case $ENG_BEFORE in *" path:$p "*) continue ;; esac
		if [ "$p" = /run/netns ]; then
			# As `ip netns add` makes it: a bind of itself. Only if empty.
			if [ -d "$p" ] && [ -z "$(ls -A "$p")" ]; then
				mountpoint -q "$p" && umount "$p" 2>/dev/null
				rmdir "$p" 2>/dev/null
			fi
		else
			rm -rf "$p"
		fi
	done
	for h in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		[ -d "$h" ] || continue
		case $ENG_BEFORE in *" cgroup:$h "*) continue ;; esac
		find "$h" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	return 0
}

setup() {
	rt_setup
	if [ -n "$ENG_MISSING" ]; then
		rt_skip "$ENG_MISSING"
	fi
	[ -x "$RUNC" ] || fail "no $RUNC (make tests-build)"
	ENG_IDS=()  # engine container ids of this test (64 hex from podman)
	ENG_PIDS=() # "pid:starttime" of the inits the engines reported
	ENG_NETNS=() # podman's network namespace files
}

teardown() {
	local id e pid st d left=()
	podman rm -af -t0 >/dev/null 2>&1 || true
	for id in $(ctr -a "$ENG_CTRD/containerd.sock" task ls -q 2>/dev/null); do
		ctr -a "$ENG_CTRD/containerd.sock" task kill -s SIGKILL "$id" >/dev/null 2>&1
		ctr -a "$ENG_CTRD/containerd.sock" task rm -f "$id" >/dev/null 2>&1
	done
	for id in $(ctr -a "$ENG_CTRD/containerd.sock" c ls -q 2>/dev/null); do
		ctr -a "$ENG_CTRD/containerd.sock" c rm "$id" >/dev/null 2>&1
	done
	for e in "${ENG_PIDS[@]}"; do
		pid=${e%%:*} st=${e#*:}
		if rt_alive "$pid" "$st"; then
			left+=("container init pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))")
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	for id in "${ENG_IDS[@]}"; do
		for d in "/run/nswatch-runc/$id" "$ENG_RUNC_ROOT/default/$id"; do
			[ -e "$d" ] && left+=("nswatch state $d")
		done
		while read -r d; do
			left+=("cgroup $d")
		done < <(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null)
		grep -qF "$id" /proc/self/mountinfo && left+=("a mount of $id")
	done
	for d in "${ENG_NETNS[@]}"; do
		[ -e "$d" ] && left+=("network namespace $d")
	done
	rt_teardown
	if [ "${#left[@]}" -gt 0 ]; then
		fail "left on the host after the test: $(printf '\n  %s' "${left[@]}")"
	fi
}

# eng_podman ARGS...: podman with nswatch as its runtime, bounded; stdout in
# $NSW_OUT, stderr in $NSW_ERR, status in $NSW_STATUS. Stdin: /dev/null or
# $ENG_STDIN.
eng_podman() {
	NSW_STATUS=0
	NSW_ARGS="podman --runtime $RUNC $*"
	timeout --kill-after=5 "$ENG_TIMEOUT" podman --runtime "$RUNC" "$@" \
		<"${ENG_STDIN:-/dev/null}" >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
}

# eng_ctr ARGS...: ctr on the private containerd, the same way.
eng_ctr() {
	NSW_STATUS=0
	NSW_ARGS="ctr $*"
	timeout --kill-after=5 "$ENG_TIMEOUT" ctr -a "$ENG_CTRD/containerd.sock" "$@" \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
}

# eng_ctr_run ARGS...: ctr run with nswatch as the runc binary.
eng_ctr_run() {
	local opts=()
	while [ "$#" -gt 0 ] && [ "${1#-}" != "$1" ]; do
		opts+=("$1")
		shift
	done
	eng_ctr run "${opts[@]}" --runc-binary "$RUNC" --runc-root "$ENG_RUNC_ROOT" \
		--fifo-dir "$ENG_WORK/fifo" "$@"
}

eng_assert_status() { # eng_assert_status WANT
	assert_eq "exit status of $NSW_ARGS ($(head -c 600 "$NSW_ERR"))" "$NSW_STATUS" "$1"
}

# eng_ns TYPE: the namespace inode the workload printed as "TYPE=type:[N]".
eng_ns() {
	local v
	v=$(sed -n "s/^$1=[a-z_]*:\[\([0-9]*\)\]\r\{0,1\}\$/\1/p" "$NSW_OUT" | head -n1)
	[ -n "$v" ] || fail "the workload did not print its $1 namespace: $(cat "$NSW_OUT")"
	printf '%s\n' "$v"
}

# What the workload prints of itself: each namespace, then "done".
ENG_READ='for t in pid mnt ipc uts net cgroup user; do echo $t=$(readlink /proc/self/ns/$t); done; echo done'

# eng_assert_ns NEW... -- SAME...: the namespaces the workload printed:
# each NEW type is not the bats shell's, each SAME type is.
eng_assert_ns() {
	local t got
	while [ "$1" != -- ]; do
		got=$(eng_ns "$1")
		assert_ne "the workload's $1 namespace (the host's)" "$got" "$(host_ns "$1")"
		shift
	done
	shift
	for t in "$@"; do
		got=$(eng_ns "$t")
		assert_eq "the workload's $t namespace" "$got" "$(host_ns "$t")"
	done
}

# eng_record_podman NAME: the podman container's id, init and network
# namespace file, for the teardown's checks; sets ENG_ID, ENG_PID.
eng_record_podman() {
	local key
	ENG_ID=$(podman inspect --format '{{.Id}}' "$1")
	ENG_IDS+=("$ENG_ID")
	ENG_PID=$(podman inspect --format '{{.State.Pid}}' "$1")
	if [ -n "$ENG_PID" ] && [ "$ENG_PID" != 0 ]; then
		ENG_PIDS+=("$ENG_PID:$(rt_starttime "$ENG_PID")")
	fi
	key=$(podman inspect --format '{{.NetworkSettings.SandboxKey}}' "$1")
	[ -n "$key" ] && ENG_NETNS+=("$key")
	return 0
}

# eng_nspid PID: the pid of PID in its own (innermost) pid namespace.
eng_nspid() {
	awk '/^NSpid:/{print $NF}' "/proc/$1/status"
}

@test "podman run: the workload runs in new pid, mnt, ipc, uts namespaces and podman's network namespace, its output and exit status reach podman (control: --pid/--ipc/--uts host are the host's)" {
	eng_podman run --rm "$ENG_IMAGE" sh -c "$ENG_READ; exit 3"
	eng_assert_status 3
	grep -qx done "$NSW_OUT" || fail "podman did not pass the workload's output on"
	eng_assert_ns pid mnt ipc uts net -- cgroup user

	# Control: what podman does not ask for, nswatch does not make.
	eng_podman run --rm --pid=host --ipc=host --uts=host --network=none \
		"$ENG_IMAGE" sh -c "$ENG_READ"
	eng_assert_status 0
	eng_assert_ns mnt net -- pid ipc uts cgroup user
}

@test "podman run with podman's own cgroup settings: the workload is in podman's cgroupsPath (/libpod_parent/libpod-ID) and its /sys/fs/cgroup is read-only (a write there fails; control: /tmp is writable)" {
	eng_podman run --rm "$ENG_IMAGE" sh -c 'cat /proc/self/cgroup
		if touch /sys/fs/cgroup/nswatch-probe 2>/dev/null; then echo cgwrite=ok; else echo cgwrite=refused; fi
		if touch /tmp/nswatch-probe 2>/dev/null; then echo tmpwrite=ok; else echo tmpwrite=refused; fi'
	eng_assert_status 0
	grep -q '^0::/libpod_parent/libpod-[0-9a-f]\{64\}$' "$NSW_OUT" ||
		fail "the workload's v2 cgroup is not podman's cgroupsPath: $(cat "$NSW_OUT")"
	assert_eq "a write under /sys/fs/cgroup" "$(sed -n 's/^cgwrite=//p' "$NSW_OUT")" refused
	assert_eq "control: a write under /tmp" "$(sed -n 's/^tmpwrite=//p' "$NSW_OUT")" ok
}

@test "podman run --annotation io.nswatch.trace: podman's container records its start in the Trace Event Format; the clone3 that made its init reports the namespaces the workload reads, and the init's exec of the command is on the init's track" {
	local file="$BATS_TEST_TMPDIR/podman-start.trace.json" t got want child
	eng_podman run --rm --annotation "io.nswatch.trace=$file" \
		--annotation io.nswatch.trace-format=perfetto "$ENG_IMAGE" sh -c "$ENG_READ"
	eng_assert_status 0
	grep -qx done "$NSW_OUT" || fail "podman did not pass the workload's output on"
	[ -s "$file" ] || fail "no trace at $file after podman run"
	jq -e '.traceEvents | length > 0' "$file" >/dev/null || fail "the trace is not a Trace Event Format file"
	assert_eq "the trace file's mode and owner" "$(stat -c '%a %u' "$file")" "600 0"
	# The init: the child of the clone3 whose new uts namespace is the workload's.
	want=$(eng_ns uts)
	child=$(jq -r "[.traceEvents[] | select(.cat == \"kernel\" and .name == \"clone3\" and .args.event.ns_after.uts == $want)][0].args.event.child_pid" "$file")
	[ -n "$child" ] && [ "$child" != null ] || fail "no clone3 in the trace made the workload's uts namespace $want"
	for t in pid mnt ipc uts net; do
		want=$(eng_ns "$t")
		got=$(jq -r "[.traceEvents[] | select(.name == \"clone3\" and .args.event.child_pid == $child)][0].args.event.ns_after.$t" "$file")
		assert_eq "clone3's ns_after.$t (the workload's $t namespace)" "$got" "$want"
	done
	# podman's network namespace (not the host's) was joined by path before the clone.
	assert_ne "the workload's net namespace" "$(eng_ns net)" "$(host_ns net)"
	got=$(jq -r "[.traceEvents[] | select(.pid == $child and .name == \"exec\")][0].args.filename" "$file")
	assert_eq "the init's exec on its track" "$got" /bin/sh
	assert_eq "events lost" "$(jq -r .otherData.lost "$file")" 0
}

@test "podman run -t: the workload's stdin, stdout and stderr are a terminal, the one nswatch sent podman over the console socket (control: without -t they are not)" {
	eng_podman run --rm -t "$ENG_IMAGE" sh -c \
		'tty; for f in 0 1 2; do [ -t $f ] && echo "tty$f"; done; exit 4'
	eng_assert_status 4
	tr -d '\r' <"$NSW_OUT" >"$BATS_TEST_TMPDIR/out"
	grep -qx '/dev/pts/[0-9]*' "$BATS_TEST_TMPDIR/out" ||
		fail "tty did not name a pty of the container: $(cat "$BATS_TEST_TMPDIR/out")"
	assert_eq "the fds that are terminals" "$(grep -x 'tty[0-9]' "$BATS_TEST_TMPDIR/out" | tr '\n' ' ')" \
		"tty0 tty1 tty2 "

	eng_podman run --rm "$ENG_IMAGE" sh -c \
		'tty; for f in 0 1 2; do [ -t $f ] && echo "tty$f"; done; exit 0'
	assert_eq "without -t, tty says" "$(head -n1 "$NSW_OUT")" "not a tty"
	assert_eq "without -t, the fds that are terminals" "$(grep -cx 'tty[0-9]' "$NSW_OUT")" 0
}

@test "podman run -d, stop, rm: the init podman records (its 64-hex id as nswatch's) is pid 1 in podman's network namespace joined by path, SIGTERM from stop reaches it, rm leaves no state, cgroup, process or mount" {
	local n=$RT_PREFIX-d key
	eng_podman run -d --name "$n" "$ENG_IMAGE" sh -c "$ENG_TRAP"
	eng_assert_status 0
	eng_record_podman "$n"
	[[ $ENG_ID =~ ^[0-9a-f]{64}$ ]] || fail "podman's id is not 64 hex digits: $ENG_ID"
	[ -d "/run/nswatch-runc/$ENG_ID" ] || fail "no nswatch state for podman's id $ENG_ID"
	assert_eq "the init's pid in its own pid namespace" "$(eng_nspid "$ENG_PID")" 1
	assert_ne "the init's pid namespace" "$(ns_of "$ENG_PID" pid)" "$(host_ns pid)"
	key=$(podman inspect --format '{{.NetworkSettings.SandboxKey}}' "$n")
	[ -e "$key" ] || fail "podman names no network namespace file ($key)"
	assert_eq "the init's network namespace (podman's, $key)" "$(ns_of "$ENG_PID" net)" \
		"$(stat -L -c %i "$key")"
	assert_ne "podman's network namespace" "$(stat -L -c %i "$key")" "$(host_ns net)"

	eng_podman stop -t 20 "$n"
	eng_assert_status 0
	assert_eq "the workload's exit status after stop (its TERM trap)" \
		"$(podman inspect --format '{{.State.ExitCode}}' "$n")" 7
	rt_alive "${ENG_PIDS[0]%%:*}" "${ENG_PIDS[0]#*:}" && fail "the init still runs after stop"
	eng_podman rm "$n"
	eng_assert_status 0
	[ ! -e "/run/nswatch-runc/$ENG_ID" ] || fail "rm left /run/nswatch-runc/$ENG_ID"
}

@test "podman exec: a command joins the running container's namespaces, its output and exit status reach podman; exec -t gets a terminal, exec -i the input" {
	local n=$RT_PREFIX-x
	eng_podman run -d --name "$n" "$ENG_IMAGE" sh -c "$ENG_TRAP"
	eng_assert_status 0
	eng_record_podman "$n"

	eng_podman exec "$n" sh -c "$ENG_READ; exit 9"
	eng_assert_status 9
	local t
	for t in pid mnt ipc uts net; do
		assert_eq "exec's $t namespace (the init's)" "$(eng_ns "$t")" "$(ns_of "$ENG_PID" "$t")"
	done

	eng_podman exec -t "$n" sh -c '[ -t 0 ] && [ -t 1 ] && echo exec-tty; exit 4'
	eng_assert_status 4
	assert_eq "exec -t: stdin and stdout are a terminal" "$(tr -d '\r' <"$NSW_OUT")" exec-tty

	echo exec-input >"$BATS_TEST_TMPDIR/in"
	ENG_STDIN="$BATS_TEST_TMPDIR/in" eng_podman exec -i "$n" cat
	eng_assert_status 0
	assert_eq "exec -i: what cat read" "$(cat "$NSW_OUT")" exec-input

	eng_podman stop -t 20 "$n"
	eng_assert_status 0
	eng_podman rm "$n"
	eng_assert_status 0
}

@test "ctr run: the workload runs in new pid, mnt, ipc, uts, net namespaces, its output and exit status reach ctr, nothing is left" {
	local id=$RT_PREFIX-c
	ENG_IDS+=("$id")
	eng_ctr_run --rm "$ENG_IMAGE" "$id" sh -c "$ENG_READ; exit 6"
	eng_assert_status 6
	grep -qx done "$NSW_OUT" || fail "ctr did not pass the workload's output on"
	eng_assert_ns pid mnt ipc uts net -- cgroup user
}

@test "ctr run -d, task exec, task kill, task delete: the task is nswatch's init (pid 1 of its namespace), exec joins it, SIGTERM reaches it (status 7), delete leaves nothing" {
	local id=$RT_PREFIX-cd pid t
	ENG_IDS+=("$id")
	eng_ctr_run -d "$ENG_IMAGE" "$id" sh -c "$ENG_TRAP"
	eng_assert_status 0
	eng_ctr task ls
	pid=$(awk -v id="$id" '$1 == id {print $2}' "$NSW_OUT")
	[ -n "$pid" ] || fail "ctr task ls does not list $id: $(cat "$NSW_OUT")"
	ENG_PIDS+=("$pid:$(rt_starttime "$pid")")
	[ -d "$ENG_RUNC_ROOT/default/$id" ] || fail "no nswatch state for $id under --runc-root"
	assert_eq "the task's pid in its own pid namespace" "$(eng_nspid "$pid")" 1

	eng_ctr task exec --fifo-dir "$ENG_WORK/fifo" --exec-id e1 "$id" sh -c "$ENG_READ; exit 9"
	eng_assert_status 9
	for t in pid mnt ipc uts net; do
		assert_eq "task exec's $t namespace (the task's)" "$(eng_ns "$t")" "$(ns_of "$pid" "$t")"
	done

	eng_ctr task kill "$id"
	eng_assert_status 0
	rt_wait_gone "$pid"
	# The shim reaps the init, then containerd records the exit (bounded).
	for _ in $(seq 200); do
		eng_ctr task ls
		[ "$(awk -v id="$id" '$1 == id {print $3}' "$NSW_OUT")" = STOPPED ] && break
		sleep 0.1
	done
	eng_ctr task delete "$id"
	eng_assert_status 0
	grep -q "exit code 7" "$NSW_ERR" ||
		fail "ctr task delete did not report the workload's status 7: $(cat "$NSW_ERR")"
	eng_ctr c rm "$id"
	eng_assert_status 0
	[ ! -e "$ENG_RUNC_ROOT/default/$id" ] || fail "delete left $ENG_RUNC_ROOT/default/$id"
}

# eng_long_name LEN: a name of this test ($RT_PREFIX-...) of exactly LEN characters.
eng_long_name() {
	local n="$RT_PREFIX-"
	while [ "${#n}" -lt "$1" ]; do
		n+=0123456789abcdef
	done
	printf '%s\n' "${n:0:$1}"
}

@test "names: a name of NSW_NAME_MAX (128) characters runs with nswatch run (hostname: its first 64), one of 129 or with a bad character is refused with a message, nothing left" {
	local n
	n=$(eng_long_name 128)
	# No cgroup namespace: /proc/self/cgroup shows the host's path.
	rt_run --name "$n" --ns mnt,uts,ipc,net,pid,user -- sh -c 'hostname; cat /proc/self/cgroup'
	rt_assert_status 0
	assert_eq "the hostname (the name cut to the kernel's 64)" "$(head -n1 "$NSW_OUT")" "${n:0:64}"
	grep -q "/nswatch/$n\$" "$NSW_OUT" || fail "the workload's cgroup is not nswatch/$n: $(cat "$NSW_OUT")"

	rt_check_refused 2 "1 to 128" "$(eng_long_name 129)"
	rt_check_refused 2 "bad --name" "$RT_PREFIX-a:b"
	rt_check_refused 2 "bad --name" ".$RT_PREFIX"
}

# eng_oci_bundle: a bundle on the busybox rootfs whose command sleeps. /dev
# is a tmpfs: without a mount there, the runtime binds the host's null, zero,
# ... into the rootfs's own /dev, making their mountpoints in the shared
# build/rootfs (as runc makes them in a bundle's rootfs).
eng_oci_bundle() {
	mkdir -p "$BATS_TEST_TMPDIR/bundle"
	cat >"$BATS_TEST_TMPDIR/bundle/config.json" <<EOF
{"ociVersion": "1.0.2",
 "root": {"path": "$RT_ROOTFS", "readonly": true},
 "process": {"cwd": "/", "args": ["sleep", "100"], "user": {"uid": 0, "gid": 0},
   "env": ["PATH=/bin"]},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
   {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}]}}
EOF
}

@test "OCI ids: a 128-character id is created (its init pid 1 of a new pid namespace) and deleted; 129 characters or a bad character ('/', ':', ' ', a leading '.') refused with a message, nothing left" {
	local root=$BATS_TEST_TMPDIR/root id bad pid
	eng_oci_bundle
	id=$(eng_long_name 128)
	ENG_IDS+=("$id")
	NSW_STATUS=0
	timeout "$RT_TIMEOUT" "$RUNC" --root "$root" create --bundle "$BATS_TEST_TMPDIR/bundle" \
		--pid-file "$BATS_TEST_TMPDIR/pid" "$id" >"$NSW_OUT" 2>"$NSW_ERR" </dev/null || NSW_STATUS=$?
	eng_assert_status 0
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	ENG_PIDS+=("$pid:$(rt_starttime "$pid")")
	assert_eq "the init's pid in its own pid namespace" "$(eng_nspid "$pid")" 1
	assert_ne "the init's pid namespace" "$(ns_of "$pid" pid)" "$(host_ns pid)"
	assert_eq "state's id" "$("$RUNC" --root "$root" state "$id" | jq -r .id)" "$id"
	"$RUNC" --root "$root" delete --force "$id"
	rt_wait_gone "$pid"
	[ ! -e "$root/$id" ] || fail "delete left $root/$id"

	for bad in "$(eng_long_name 129)" "$RT_PREFIX/x" "$RT_PREFIX:x" "$RT_PREFIX x" ".$RT_PREFIX"; do
		ENG_IDS+=("$bad")
		NSW_STATUS=0
		timeout "$RT_TIMEOUT" "$RUNC" --root "$root" create --bundle "$BATS_TEST_TMPDIR/bundle" \
			"$bad" >"$NSW_OUT" 2>"$NSW_ERR" </dev/null || NSW_STATUS=$?
		assert_eq "exit status of create '$bad'" "$NSW_STATUS" 1
		grep -qF "1 to 128" "$NSW_ERR" || fail "create '$bad': no message with the rule: $(cat "$NSW_ERR")"
		[ -z "$(ls -A "$root")" ] || [ "$(ls -A "$root")" = .lock ] ||
			fail "create '$bad' left $(ls -A "$root")"
	done
}

@test "delete --force of an id that is not there exits 0 and says nothing, as runc's (engines call it after a failed create, and after delete); plain delete still says 'does not exist'" {
	local root=$BATS_TEST_TMPDIR/root id=$RT_PREFIX-nosuch
	NSW_STATUS=0
	"$RUNC" --root "$root" delete --force "$id" >"$NSW_OUT" 2>"$NSW_ERR" </dev/null || NSW_STATUS=$?
	assert_eq "exit status of delete --force" "$NSW_STATUS" 0
	assert_eq "what delete --force printed" "$(cat "$NSW_OUT" "$NSW_ERR")" ""
	NSW_STATUS=0
	"$RUNC" --root "$root" delete "$id" >"$NSW_OUT" 2>"$NSW_ERR" </dev/null || NSW_STATUS=$?
	assert_eq "exit status of delete (control)" "$NSW_STATUS" 1
	grep -qF "container $id does not exist" "$NSW_ERR" ||
		fail "delete (control) did not say 'does not exist': $(cat "$NSW_ERR")"
}
