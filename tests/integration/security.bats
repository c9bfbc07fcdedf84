#!/usr/bin/env bats
# shellcheck shell=bash
#
# Security tests for `nswatch run` and `nswatch exec`. Each one tries the
# attack and checks, against the kernel (what the process inside could do,
# /proc/PID/status, files and mounts on the host), that it was held; and,
# where an honest control exists, shows that the same attack succeeds
# without the defence, so that the test can fail.
#
# The attacks that need compiled code use tests/helpers/nsw_secprobe.c and
# tests/helpers/nsw_exe_attack.c, built static here (the busybox rootfs has
# no libc). Every test that changes a rootfs works on its own copy.
#
# Needs root (with CI=true, not being root is a failure, not a skip), the
# busybox rootfs of `make` (build/rootfs), a static glibc for cc -static,
# and nsenter, unshare, losetup from util-linux.

load helpers

NSW_ROOTFS="$NSW_REPO_ROOT/build/rootfs"
# Every namespace but user: the container's root is the host's root.
SEC_NOUSER=mnt,uts,ipc,pid,net,cgroup,time
# The documented default capability set: CHOWN DAC_OVERRIDE FOWNER FSETID
# KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD
# AUDIT_WRITE SETFCAP, i.e. bits 0 1 3 4 5 6 7 8 10 13 18 27 29 31.
SEC_CAPS_DEFAULT=00000000a80425fb

# ---------------------------------------------------------------------------
# Preconditions

# sec_unavailable WHY: skip, or with CI=true fail.
sec_unavailable() {
	if [ "${CI:-}" = true ]; then
		printf 'FAIL: %s; CI=true, so this is a failure, not a skip\n' "$1" >&2
		return 1
	fi
	skip "$1"
}

# require_root: skip (CI=true: fail) unless root.
require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		sec_unavailable "needs root (running as uid $(id -u))"
	fi
}

require_x86_64() {
	if [ "$(uname -m)" != x86_64 ]; then
		sec_unavailable "the fake dynamic loader of nsw_exe_attack.c is x86-64 code (this is $(uname -m))"
	fi
}

# sec_static NAME [CC_FLAGS...]: build tests/helpers/NAME.c with -O2 and
# CC_FLAGS (default: -static), once per file, into $BATS_FILE_TMPDIR/NAME
# (NAME.<hash of the flags> with flags). SEC_BIN := the binary.
sec_static() {
	local name=$1 out
	shift
	out="$BATS_FILE_TMPDIR/$name"
	if [ $# -gt 0 ]; then
		out="$out.$(printf '%s ' "$@" | md5sum | cut -c1-8)"
	else
		set -- -static
	fi
	if [ ! -x "$out" ]; then
		if ! timeout 120 "${CC:-cc}" -O2 "$@" -o "$out.tmp.$$" \
			"$NSW_REPO_ROOT/tests/helpers/$name.c" >"$BATS_TEST_TMPDIR/cc.log" 2>&1; then
			fail "cannot build tests/helpers/$name.c static ($*): $(cat "$BATS_TEST_TMPDIR/cc.log")"
			return 1
		fi
		mv "$out.tmp.$$" "$out"
	fi
	SEC_BIN=$out
}

# The container's root is an unprivileged host uid, and it is the one that
# resolves the rootfs and volume paths (attaching the idmapped rootfs,
# open_tree of a volume): every directory above them must be searchable by
# others. bats makes its run directory 0700; give it o+x (search only).
sec_make_reachable() {
	local d=$BATS_TEST_TMPDIR mode
	while [ "$d" != / ] && [ -n "$d" ]; do
		mode=$(stat -c %a "$d")
		if (((8#$mode & 1) == 0)); then
			case $d in
			"$BATS_RUN_TMPDIR" | "$BATS_RUN_TMPDIR"/*) chmod o+x "$d" ;;
			*)
				fail "$d (mode $mode) is not searchable by others: the container's root (an unprivileged host uid) could not reach a rootfs below it; set TMPDIR elsewhere"
				return 1
				;;
			esac
		fi
		d=$(dirname "$d")
	done
}

setup() {
	nsw_setup
	SEC_NAMES=()
	SEC_LOOPS=()
	SEC_NSWATCH=$NSWATCH
	require_root
	require_nswatch
	require_cmd nsenter unshare timeout jq ip sha256sum
	if [ ! -x "$NSW_ROOTFS/bin/busybox" ]; then
		fail "the busybox rootfs $NSW_ROOTFS is missing (run make)"
		return 1
	fi
	BUSYBOX=$NSW_ROOTFS/bin/busybox
	sec_make_reachable
}

teardown() {
	local n l
	for n in "${SEC_NAMES[@]}"; do
		timeout --kill-after=5 60 "$NSWATCH" rm -f "$n" >/dev/null 2>&1 || true
	done
	for l in "${SEC_LOOPS[@]}"; do
		losetup -d "$l" 2>/dev/null || true
	done
	nsw_teardown
}

# ---------------------------------------------------------------------------
# Containers

# sec_name TAG: NAME := a container name unique to this test, removed in
# teardown.
sec_name() {
	NAME="nswsec-$$-${BATS_TEST_NUMBER}-$1"
	SEC_NAMES+=("$NAME")
}

# sec_run NAME RUN_ARGS...: `nswatch run --name NAME RUN_ARGS...` in the
# foreground (bounded), stdin /dev/null; stdout -> $NSW_OUT, stderr ->
# $NSW_ERR, exit status -> $NSW_STATUS. OUT := stdout. Never fails itself.
sec_run() {
	local name=$1
	shift
	SEC_NAMES+=("$name")
	NSW_STATUS=0
	NSW_ARGS="run --name $name $*"
	timeout --kill-after=10 "$NSW_TIMEOUT" "$SEC_NSWATCH" run --name "$name" "$@" \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	OUT=$(cat "$NSW_OUT")
}

# sec_start NAME RUN_ARGS...: `nswatch run -d --name NAME RUN_ARGS...`;
# PID := the container's init as the host sees it.
sec_start() {
	local name=$1
	shift
	SEC_NAMES+=("$name")
	NSW_STATUS=0
	NSW_ARGS="run -d --name $name $*"
	timeout --kill-after=10 "$NSW_TIMEOUT" "$SEC_NSWATCH" run -d --name "$name" "$@" \
		</dev/null >"$W/$name.start.out" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	assert_eq "exit status of nswatch $NSW_ARGS" "$NSW_STATUS" 0
	sec_init_pid "$name"
}

# sec_init_pid NAME: PID := the init of the running container NAME: the pid
# its state file records, checked with the kernel: PID 1 of a pid namespace
# (or, without one, a process) in cgroup .../nswatch/NAME.
sec_init_pid() {
	local st="/run/nswatch/$1/state.json" nspid
	PID=$(jq -r .pid "$st" 2>/dev/null)
	if ! [[ $PID =~ ^[0-9]+$ ]] || [ ! -d "/proc/$PID" ]; then
		fail "no running init for container $1 (state: $(cat "$st" 2>/dev/null))"
		return 1
	fi
	if ! grep -q "/nswatch/$1\$" "/proc/$PID/cgroup"; then
		fail "pid $PID is not in a cgroup nswatch/$1: $(cat "/proc/$PID/cgroup")"
		return 1
	fi
	nspid=$(awk '/^NSpid:/ { print $NF }' "/proc/$PID/status")
	if [ "$(awk '/^NSpid:/ { print NF }' "/proc/$PID/status")" -gt 2 ] && [ "$nspid" != 1 ]; then
		fail "pid $PID is not the init of its pid namespace (NSpid ends in $nspid)"
		return 1
	fi
}

# sec_exec NAME EXEC_ARGS...: `nswatch exec` (bounded), like sec_run.
sec_exec() {
	local name=$1
	shift
	NSW_STATUS=0
	NSW_ARGS="exec $name $*"
	timeout --kill-after=10 "$NSW_TIMEOUT" "$SEC_NSWATCH" exec "$@" \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	OUT=$(cat "$NSW_OUT")
}

# sec_status PID FIELD: a field of /proc/PID/status (tabs removed).
sec_status() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ +/, ""); print }' "/proc/$1/status"
}

# sec_line KEY: the value of the "KEY=value" line of $OUT.
sec_line() {
	sed -n "s/^$1=//p" <<<"$OUT" | head -n1
}

# sec_assert_clean NAME: nothing of container NAME is left on the host: no
# state directory, no nswatch/NAME directory in any cgroup hierarchy, no
# nswv* veth.
sec_assert_clean() {
	local name=$1 mp
	if [ -e "/run/nswatch/$name" ]; then
		fail "/run/nswatch/$name is left on the host: $(ls -la "/run/nswatch/$name")"
		return 1
	fi
	while read -r mp; do
		if [ -e "$mp/nswatch/$name" ]; then
			fail "cgroup directory $mp/nswatch/$name is left on the host"
			return 1
		fi
	done < <(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' /proc/self/mountinfo)
	if ip -o link show | grep -q ': nswv'; then
		fail "nswv* interfaces are left on the host: $(ip -o link show | grep ': nswv')"
		return 1
	fi
}

# sec_finish: remove every container of this test (nswatch rm -f) and
# check that nothing of them is left.
sec_finish() {
	local n
	for n in "${SEC_NAMES[@]}"; do
		timeout --kill-after=5 60 "$NSWATCH" rm -f "$n" >/dev/null 2>&1 || true
	done
	for n in "${SEC_NAMES[@]}"; do
		sec_assert_clean "$n"
	done
}

# sec_rootfs: R := a private copy of the busybox rootfs, with the static
# nsw_secprobe at /nsw_secprobe.
sec_rootfs() {
	R="$BATS_TEST_TMPDIR/rootfs"
	cp -a "$NSW_ROOTFS" "$R"
	sec_static nsw_secprobe
	install -m 0755 "$SEC_BIN" "$R/nsw_secprobe"
}

# sec_host_mounts_on DIR: the lines of the host's mountinfo (this shell's,
# and init's) whose mount point is DIR or below it.
sec_host_mounts_on() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1' /proc/self/mountinfo /proc/1/mountinfo
}

# sec_assert_untouched DIR WHAT: DIR on the host is still empty and has no
# mount on or below it.
sec_assert_untouched() {
	local entries mounts
	entries=$(find "$1" -mindepth 1 2>&1)
	if [ -n "$entries" ]; then
		fail "$2: the host directory $1 was written to: $entries"
		return 1
	fi
	mounts=$(sec_host_mounts_on "$1")
	if [ -n "$mounts" ]; then
		fail "$2: a mount appeared on the host directory $1: $mounts"
		return 1
	fi
}

# ---------------------------------------------------------------------------
# 1. File descriptors above stdio are closed before exec

# A busybox shell run directly on the host by a caller holding fds 5 and 7
# lists them: the fds do leak into a child unless someone closes them.
sec_fd_control() {
	local out
	out=$(
		exec 5</etc/hostname 7</etc/hostname
		timeout 10 "$BUSYBOX" sh -c 'ls /proc/$$/fd; :' </dev/null 2>&1 | tr '\n' ' '
	)
	if [[ " $out" != *" 5 "* || " $out" != *" 7 "* ]]; then
		fail "control: a shell started directly by a caller with fds 5 and 7 open should list them, it lists: $out"
		return 1
	fi
}

# sec_fd_list K: the K-th of the "-"-separated listings in $NSW_OUT, one
# line. The shell whose fds are listed runs no pipeline and no redirection:
# ash holds a pipeline's pipe (fds 3 and 4) until it has forked both sides,
# and on a busy machine ls reads /proc/$$/fd before that ("0 1 2 3 4").
sec_fd_list() {
	awk -v k="$1" '$0 == "-" { n++; next } n == k - 1' "$NSW_OUT" | tr '\n' ' '
}

@test "fds: run: the container's command holds only 0 1 2, not the caller's fds 3 5 7" {
	sec_fd_control
	sec_name fd
	# The caller holds 5 and 7 (and bats' fd 3, left open on purpose).
	NSW_STATUS=0
	NSW_ARGS="run --name $NAME -- sh -c ... (fds 3 5 7 open)"
	(
		exec 5</etc/hostname 7</etc/hostname
		exec timeout --kill-after=10 "$NSW_TIMEOUT" "$NSWATCH" run --name "$NAME" -- \
			sh -c 'ls /proc/$$/fd; echo -; ls /proc/self/fd; :' \
			</dev/null >"$NSW_OUT" 2>"$NSW_ERR"
	) || NSW_STATUS=$?
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	# The shell is PID 1: its own fds; then ls's, with the directory it reads.
	assert_eq "fds of the container's init (ls /proc/\$\$/fd)" "$(sec_fd_list 1)" "0 1 2 "
	assert_eq "fds of a process in the container (ls /proc/self/fd, 3 is ls's directory)" \
		"$(sec_fd_list 2)" "0 1 2 3 "
	sec_finish
}

@test "fds: exec: the command holds only 0 1 2; the detached init too, seen from the host" {
	sec_fd_control
	sec_name fdx
	exec 5</etc/hostname 7</etc/hostname
	sec_start "$NAME" -- sleep 300
	# The host's view of the init, started by a caller holding 5 and 7.
	assert_eq "fds of the container's init in /proc/$PID/fd" \
		"$(find "/proc/$PID/fd" -mindepth 1 -printf '%f\n' | sort -n | tr '\n' ' ')" "0 1 2 "
	NSW_STATUS=0
	NSW_ARGS="exec $NAME sh -c ... (fds 3 5 7 open)"
	timeout --kill-after=10 "$NSW_TIMEOUT" "$NSWATCH" exec "$NAME" \
		sh -c 'ls /proc/$$/fd; echo -; ls /proc/self/fd; :' \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" || NSW_STATUS=$?
	exec 5<&- 7<&-
	assert_eq "nswatch exec exit status" "$NSW_STATUS" 0
	assert_eq "fds of the exec'd shell (ls /proc/\$\$/fd)" "$(sec_fd_list 1)" "0 1 2 "
	assert_eq "fds of a process under it (ls /proc/self/fd, 3 is ls's directory)" \
		"$(sec_fd_list 2)" "0 1 2 3 "
	sec_finish
}

@test "fds: run -d: once it returned, the container holds none of the caller's stdin, stdout, stderr" {
	sec_name det
	printf 'secret-typed-by-the-caller\n' >"$W/caller.in"
	: >"$W/caller.out"
	: >"$W/caller.err"
	NSW_STATUS=0
	NSW_ARGS="run -d --name $NAME -- sh -c 'sleep 1; cat; echo container-wrote-this; sleep 300'"
	timeout --kill-after=10 "$NSW_TIMEOUT" "$NSWATCH" run -d --name "$NAME" -- \
		sh -c 'sleep 1; cat; echo container-wrote-this; sleep 300' \
		<"$W/caller.in" >"$W/caller.out" 2>"$W/caller.err" 3>&- || NSW_STATUS=$?
	assert_eq "nswatch run -d exit status" "$NSW_STATUS" 0
	assert_eq "what nswatch run -d printed" "$(cat "$W/caller.out")" "$NAME"
	sec_init_pid "$NAME"
	# What the init holds as 0 1 2, by inode, against the caller's files.
	local fd got f
	for fd in 0 1 2; do
		got=$(stat -L -c %d:%i "/proc/$PID/fd/$fd")
		for f in caller.in caller.out caller.err; do
			if [ "$got" = "$(stat -c %d:%i "$W/$f")" ]; then
				fail "after nswatch run -d returned, the container's fd $fd is still the caller's $f ($(readlink "/proc/$PID/fd/$fd")): the detached container can read the caller's stdin and write to its stdout/stderr"
				return 1
			fi
		done
	done
	# And what it did with them: nothing may reach the caller's stdout.
	sleep 2
	assert_eq "the caller's stdout after run -d returned" "$(cat "$W/caller.out")" "$NAME"
	sec_finish
}

# ---------------------------------------------------------------------------
# 2. no_new_privs

@test "no_new_privs: set in run and exec; a setuid-root binary does not raise --user 1000 (control: without no_new_privs it does)" {
	sec_rootfs
	# A setuid binary owned by the container's root (0 on disk; the rootfs
	# is idmapped) that prints its real, effective and saved ids.
	install -o 0 -g 0 -m 4755 "$SEC_BIN" "$R/bin/nsw_suid"

	sec_name nnp
	sec_run "$NAME" --rootfs "$R" --user 1000:1000 -- sh -c \
		'stat -c "%u %g %a" /bin/nsw_suid; grep NoNewPrivs /proc/self/status | tr -d "\t"; /bin/nsw_suid ids'
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "owner and mode of /bin/nsw_suid inside" "$(sed -n 1p <<<"$OUT")" "0 0 4755"
	assert_eq "ids after executing the setuid-root binary as 1000 (run)" \
		"$(sed -n 3p <<<"$OUT")" "1000 1000 1000 1000 1000 1000"
	assert_eq "NoNewPrivs of the --user 1000 command (run)" "$(sed -n 2p <<<"$OUT")" "NoNewPrivs:1"

	sec_name nnpd
	sec_start "$NAME" --rootfs "$R" -- sleep 300
	assert_eq "NoNewPrivs of the container's init (host view)" "$(sec_status "$PID" NoNewPrivs)" 1
	sec_exec "$NAME" "$NAME" grep NoNewPrivs /proc/self/status
	assert_eq "nswatch exec exit status" "$NSW_STATUS" 0
	assert_eq "NoNewPrivs of an exec'd command" "$(tr -d '\t' <<<"$OUT")" "NoNewPrivs:1"
	sec_exec "$NAME" -u 1000:1000 "$NAME" /bin/nsw_suid ids
	assert_eq "nswatch exec -u 1000 exit status" "$NSW_STATUS" 0
	assert_eq "ids after executing the setuid-root binary as 1000 (exec)" "$OUT" "1000 1000 1000 1000 1000 1000"

	# Control, in the same container (same userns, same idmapped rootfs):
	# a process that enters it with nsenter has no no_new_privs; dropping
	# to 1000 and executing the same file makes its euid 0 again. With
	# no_new_privs set by the same helper, it does not.
	local out
	out=$(timeout 20 nsenter -t "$PID" -a grep NoNewPrivs /proc/self/status | tr -d '\t')
	assert_eq "control: NoNewPrivs of a process entered with nsenter" "$out" "NoNewPrivs:0"
	out=$(timeout 20 nsenter -t "$PID" -a /nsw_secprobe as 1000 1000 -- /bin/nsw_suid ids 2>&1)
	assert_eq "control: ids of 1000 executing the setuid-root binary without no_new_privs" \
		"$out" "1000 0 0 1000 1000 1000"
	out=$(timeout 20 nsenter -t "$PID" -a /nsw_secprobe as 1000 1000 nnp -- /bin/nsw_suid ids 2>&1)
	assert_eq "control: the same with no_new_privs" "$out" "1000 1000 1000 1000 1000 1000"
	sec_finish
}

# ---------------------------------------------------------------------------
# 3. Capabilities

@test "capabilities: run and exec have exactly the default set (CapEff, CapPrm, CapBnd); --user 1000 has none" {
	if command -v capsh >/dev/null; then
		assert_eq "the documented default set, decoded" \
			"$(capsh --decode=$SEC_CAPS_DEFAULT | sed 's/.*=//')" \
			"cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,cap_setpcap,cap_net_bind_service,cap_net_raw,cap_sys_chroot,cap_mknod,cap_audit_write,cap_setfcap"
	fi
	local f
	sec_name caps
	sec_start "$NAME" -- sleep 300
	# The host's view of the init, after its exec.
	for f in CapEff CapPrm CapBnd; do
		assert_eq "$f of the container's init" "$(sec_status "$PID" $f)" "$SEC_CAPS_DEFAULT"
	done
	assert_eq "CapAmb of the container's init" "$(sec_status "$PID" CapAmb)" 0000000000000000
	sec_exec "$NAME" "$NAME" grep -E '^Cap(Eff|Prm|Bnd|Amb)' /proc/self/status
	assert_eq "nswatch exec exit status" "$NSW_STATUS" 0
	for f in CapPrm CapEff CapBnd; do
		assert_eq "$f of an exec'd command" "$(awk -v f="$f:" '$1 == f { print $2 }' <<<"$OUT")" "$SEC_CAPS_DEFAULT"
	done
	assert_eq "CapAmb of an exec'd command" "$(awk '$1 == "CapAmb:" { print $2 }' <<<"$OUT")" 0000000000000000
	sec_exec "$NAME" -u 1000 "$NAME" grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status
	assert_eq "CapEff of exec -u 1000" "$(awk '$1 == "CapEff:" { print $2 }' <<<"$OUT")" 0000000000000000
	assert_eq "CapPrm of exec -u 1000" "$(awk '$1 == "CapPrm:" { print $2 }' <<<"$OUT")" 0000000000000000
	assert_eq "CapBnd of exec -u 1000" "$(awk '$1 == "CapBnd:" { print $2 }' <<<"$OUT")" "$SEC_CAPS_DEFAULT"

	sec_name capsu
	sec_run "$NAME" --user 1000 -- grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status
	assert_eq "nswatch run --user 1000 exit status" "$NSW_STATUS" 0
	assert_eq "CapEff of run --user 1000" "$(awk '$1 == "CapEff:" { print $2 }' <<<"$OUT")" 0000000000000000
	assert_eq "CapPrm of run --user 1000" "$(awk '$1 == "CapPrm:" { print $2 }' <<<"$OUT")" 0000000000000000
	assert_eq "CapBnd of run --user 1000" "$(awk '$1 == "CapBnd:" { print $2 }' <<<"$OUT")" "$SEC_CAPS_DEFAULT"
	sec_finish
}

@test "capabilities: sethostname (CAP_SYS_ADMIN) fails; with --cap-add SYS_ADMIN it works" {
	local host_before
	host_before=$(uname -n)
	sec_name hn
	sec_run "$NAME" -- sh -c 'hostname nswsec-evil; echo "rc=$?"; echo "name=$(uname -n)"'
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_ne "hostname's exit status without CAP_SYS_ADMIN" "$(sec_line rc)" 0
	assert_eq "the container's hostname after the attempt" "$(sec_line name)" "$NAME"
	grep -q 'Operation not permitted' "$NSW_ERR" || fail "hostname did not fail with EPERM: $(cat "$NSW_ERR")"

	sec_name hnadd
	sec_run "$NAME" --cap-add SYS_ADMIN -- sh -c 'hostname nswsec-evil; echo "rc=$?"; echo "name=$(uname -n)"'
	assert_eq "control: nswatch run --cap-add SYS_ADMIN exit status" "$NSW_STATUS" 0
	assert_eq "control: hostname's exit status with CAP_SYS_ADMIN" "$(sec_line rc)" 0
	assert_eq "control: the container's hostname" "$(sec_line name)" nswsec-evil
	assert_eq "the host's hostname" "$(uname -n)" "$host_before"
	sec_finish
}

@test "capabilities: ip link add and ip link set lo down (CAP_NET_ADMIN) fail; with --cap-add NET_ADMIN they work" {
	local script='ip link add nswsec0 type veth peer name nswsec1; echo "add=$?";
		ip link set lo down; echo "down=$?";
		if [ -e /sys/class/net/nswsec0 ]; then echo veth=yes; else echo veth=no; fi;
		echo "loflags=$(cat /sys/class/net/lo/flags)"'
	sec_name net
	sec_run "$NAME" -- sh -c "$script"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_ne "ip link add's exit status without CAP_NET_ADMIN" "$(sec_line add)" 0
	assert_ne "ip link set lo down's exit status without CAP_NET_ADMIN" "$(sec_line down)" 0
	assert_eq "a veth in the container after the attempt" "$(sec_line veth)" no
	# IFF_UP (0x1) still set on lo.
	assert_eq "lo is still up (IFF_UP in its flags $(sec_line loflags))" "$(($(sec_line loflags) & 1))" 1

	sec_name netadd
	sec_run "$NAME" --cap-add NET_ADMIN -- sh -c "$script"
	assert_eq "control: nswatch run --cap-add NET_ADMIN exit status" "$NSW_STATUS" 0
	assert_eq "control: ip link add's exit status" "$(sec_line add)" 0
	assert_eq "control: ip link set lo down's exit status" "$(sec_line down)" 0
	assert_eq "control: the veth exists" "$(sec_line veth)" yes
	assert_eq "control: lo is down" "$(($(sec_line loflags) & 1))" 0
	if ip link show nswsec0 >/dev/null 2>&1; then
		fail "the control's veth nswsec0 appeared on the host"
	fi
	sec_finish
}

@test "capabilities: --cap-drop CHOWN makes chown fail (it works by default)" {
	# On a file of the container's own tmpfs, so that nothing persists.
	local script='touch /dev/shm/f; chown 5:5 /dev/shm/f; echo "rc=$?"; echo "owner=$(stat -c %u:%g /dev/shm/f)"'
	sec_name chown
	sec_run "$NAME" -- sh -c "$script"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "control: chown's exit status with the default set" "$(sec_line rc)" 0
	assert_eq "control: owner after chown" "$(sec_line owner)" 5:5

	sec_name chownd
	sec_run "$NAME" --cap-drop CHOWN -- sh -c "grep CapEff /proc/self/status; $script"
	assert_eq "nswatch run --cap-drop CHOWN exit status" "$NSW_STATUS" 0
	assert_eq "CapEff without CHOWN" "$(awk '$1 == "CapEff:" { print $2 }' <<<"$OUT")" 00000000a80425fa
	assert_ne "chown's exit status without CAP_CHOWN" "$(sec_line rc)" 0
	assert_eq "owner after the refused chown" "$(sec_line owner)" 0:0
	sec_finish
}

@test "capabilities: CAP_MKNOD cannot open a host block device, with or without a user namespace" {
	require_cmd losetup
	local img=$BATS_TEST_TMPDIR/disk.img loop maj min secret=NSWATCH-HOST-DISK-SECRET
	head -c 1048576 /dev/zero >"$img"
	printf '%s' "$secret" | dd of="$img" conv=notrunc status=none
	loop=$(losetup -f --show "$img") || {
		sec_unavailable "cannot set up a loop device"
		return
	}
	SEC_LOOPS+=("$loop")
	maj=$((16#$(stat -c %t "$loop")))
	min=$((16#$(stat -c %T "$loop")))
	# Control: the host reads the secret through the device.
	assert_eq "control: the host reads $loop" "$(head -c ${#secret} "$loop")" "$secret"
	local script="mknod /dev/nswsec b $maj $min; echo \"mknod=\$?\"; echo \"read=\$(head -c ${#secret} /dev/nswsec)\""

	sec_name mknod
	sec_run "$NAME" -- sh -c "$script"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_ne "what the container read from a node $maj:$min (host $loop)" "$(sec_line read)" "$secret"

	sec_name mknodnu
	sec_run "$NAME" --ns "$SEC_NOUSER" -- sh -c "$script"
	assert_eq "nswatch run --ns $SEC_NOUSER exit status" "$NSW_STATUS" 0
	if [ "$(sec_line read)" = "$secret" ]; then
		fail "without a user namespace, the container made a node $maj:$min (mknod=$(sec_line mknod)) and read the host's block device $loop through it: '$(sec_line read)'"
		return 1
	fi
	sec_finish
}

# ---------------------------------------------------------------------------
# 4. Non-dumpable until exec

# sec_dumpable_case NS_ARGS PROBER_PREFIX WHO: start a container (rootfs
# copy with nsw_secprobe, RUN_ARGS NS_ARGS) whose prestart hook, while the
# init is held before its exec, enters the container with nsenter and,
# as PROBER_PREFIX CMD (e.g. a process with the container's capabilities),
# reads the init's /proc/1/status (no ptrace check), /proc/1/environ and
# /proc/1/mem. The latter two must fail with EACCES; after the exec, the
# same reads (the control) must work. SEC_PROBER_CAPS: the prober's CapEff.
sec_dumpable_case() {
	local ns_args=$1 pfx=$2 who=$3
	sec_rootfs
	cat >"$W/hook.sh" <<EOF
P=\$NSWATCH_PID
exec >"$W/hook.out" 2>"$W/hook.err"
echo "exe=\$(readlink /proc/\$P/exe)"
echo "uid=\$(timeout 20 nsenter -t \$P -a $pfx /bin/busybox id -u)"
echo "capeff=\$(timeout 20 nsenter -t \$P -a $pfx /bin/busybox grep CapEff /proc/self/status | tr -d '\t')"
timeout 20 nsenter -t \$P -a $pfx /bin/busybox head -c 1 /proc/1/status >/dev/null 2>"$W/hook.status.err"
echo "status=\$?"
timeout 20 nsenter -t \$P -a $pfx /bin/busybox cat /proc/1/environ >/dev/null 2>"$W/hook.environ.err"
echo "environ=\$?"
timeout 20 nsenter -t \$P -a $pfx /bin/busybox dd if=/proc/1/mem of=/dev/null bs=1 count=0 2>"$W/hook.mem.err"
echo "mem=\$?"
exit 0
EOF
	sec_name dump
	# shellcheck disable=SC2086 # ns_args is a list of options
	sec_start "$NAME" --rootfs "$R" $ns_args --prestart-hook "sh $W/hook.sh" -- sleep 300
	OUT=$(cat "$W/hook.out")
	# Sanity: the hook ran while the init was held (still nswatch's image,
	# before its exec), and the prober is who it should be.
	[[ $(sec_line exe) == /memfd:* ]] || fail "the hook did not see the init before its exec: exe=$(sec_line exe)"
	assert_eq "uid of the prober inside" "$(sec_line uid)" 0
	assert_eq "CapEff of the prober inside ($who)" "$(sec_line capeff)" "CapEff:$SEC_PROBER_CAPS"
	assert_eq "reading /proc/1/status (no ptrace check) of the held init" "$(sec_line status)" 0
	assert_ne "reading /proc/1/environ of the held init" "$(sec_line environ)" 0
	grep -q 'Permission denied' "$W/hook.environ.err" ||
		fail "/proc/1/environ did not fail with EACCES: $(cat "$W/hook.environ.err")"
	assert_ne "opening /proc/1/mem of the held init" "$(sec_line mem)" 0
	grep -q 'Permission denied' "$W/hook.mem.err" ||
		fail "/proc/1/mem did not fail with EACCES: $(cat "$W/hook.mem.err")"

	# Control: the same reads by the same prober, once the init has
	# exec'd its command (and is dumpable again).
	local out rc=0
	# shellcheck disable=SC2086 # pfx is a command prefix
	out=$(timeout 20 nsenter -t "$PID" -a $pfx /bin/busybox cat /proc/1/environ | tr '\0' '\n') || rc=$?
	assert_eq "control: reading /proc/1/environ after exec" "$rc" 0
	grep -qx 'container=nswatch' <<<"$out" || fail "control: /proc/1/environ after exec lacks container=nswatch: $out"
	rc=0
	# shellcheck disable=SC2086
	timeout 20 nsenter -t "$PID" -a $pfx /bin/busybox dd if=/proc/1/mem of=/dev/null bs=1 count=0 2>/dev/null || rc=$?
	assert_eq "control: opening /proc/1/mem after exec" "$rc" 0
	sec_finish
}

@test "non-dumpable: the held init's environ and mem cannot be read by the container's root with every capability of its userns; after exec they can" {
	# nsenter into the user namespace: uid 0 there, every capability.
	SEC_PROBER_CAPS=$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
	sec_dumpable_case "" "" "every capability of the container's user namespace"
}

@test "non-dumpable without a user namespace: the held init cannot be read by a process with the container's uid 0 and capabilities; after exec it can" {
	# Here no change of credentials makes the init non-dumpable by itself:
	# only nswatch's PR_SET_DUMPABLE stands between a process of the
	# container (uid 0, the default capabilities) and the held init.
	SEC_PROBER_CAPS=$SEC_CAPS_DEFAULT
	sec_dumpable_case "--ns $SEC_NOUSER" "/nsw_secprobe caps $SEC_CAPS_DEFAULT --" "the container's default set"
}

# ---------------------------------------------------------------------------
# 5. Masked and read-only paths

SEC_MASKED_FILES="/proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/timer_stats /proc/latency_stats"
SEC_MASKED_DIRS="/sys/firmware /proc/acpi /proc/scsi /sys/devices/virtual/powercap"

# What a masked path looks like from where this runs: for a file,
# "PATH TYPE BYTES" (the device numbers of a character device, or "file",
# and how many bytes a read of up to 4 KiB gets); for a directory, "PATH
# FSTYPE ENTRIES"; "PATH absent".
# shellcheck disable=SC2016
SEC_MASK_PROBE='for f in '"$SEC_MASKED_FILES"'; do
	if [ ! -e $f ]; then echo "$f absent"; continue; fi
	if [ -c $f ]; then t=$(stat -c %t:%T $f); else t=file; fi
	echo "$f $t $(head -c 4096 $f 2>/dev/null | wc -c)"
done
for d in '"$SEC_MASKED_DIRS"'; do
	if [ ! -e $d ]; then echo "$d absent"; continue; fi
	echo "$d $(stat -f -c %T $d) $(ls -A $d | wc -l)"
done'

# sec_check_masked: $OUT (the probe's output inside) shows every masked
# path that exists on the host masked: a file is /dev/null (1:3) and reads
# nothing, a directory is an empty tmpfs. Files the host has must read
# something there (else the test proves nothing for them).
sec_check_masked() {
	local p line host
	for p in $SEC_MASKED_FILES; do
		line=$(grep "^$p " <<<"$OUT")
		if [ ! -e "$p" ]; then
			assert_eq "$p (absent on the host) inside" "$line" "$p absent"
			continue
		fi
		host=$(head -c 4096 "$p" 2>/dev/null | wc -c)
		assert_eq "$p inside (the host reads $host bytes from it)" "$line" "$p 1:3 0"
	done
	for p in $SEC_MASKED_DIRS; do
		line=$(grep "^$p " <<<"$OUT")
		if [ ! -e "$p" ]; then
			assert_eq "$p (absent on the host) inside" "$line" "$p absent"
			continue
		fi
		assert_eq "$p inside (the host lists $(find "$p" -mindepth 1 -maxdepth 1 | wc -l) entries)" \
			"$line" "$p tmpfs 0"
	done
}

@test "masked paths: /proc/keys, /proc/timer_list, /sys/firmware, ... read empty inside; the masks cannot be removed" {
	# On the host they have something to hide.
	[ "$(head -c 4096 /proc/timer_list | wc -c)" -gt 0 ] || fail "the host reads nothing from /proc/timer_list"
	[ -n "$(ls -A /sys/firmware)" ] || fail "the host's /sys/firmware is empty"
	sec_name mask
	sec_run "$NAME" -- sh -c "$SEC_MASK_PROBE
		umount /proc/keys; echo umount_keys=\$?
		umount /sys/firmware; echo umount_firmware=\$?
		mkdir /dev/shm/p && mount -t proc proc /dev/shm/p; echo mount_proc=\$?
		echo keys_after=\$(head -c 4096 /proc/keys | wc -c)"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	sec_check_masked
	# Attack: undo the masks, or mount a fresh, unmasked proc.
	assert_ne "umount /proc/keys inside" "$(sec_line umount_keys)" 0
	assert_ne "umount /sys/firmware inside" "$(sec_line umount_firmware)" 0
	assert_ne "mount -t proc inside" "$(sec_line mount_proc)" 0
	assert_eq "bytes of /proc/keys after the attempts" "$(sec_line keys_after)" 0
	sec_finish
}

@test "masked paths without a user namespace (root is the host's root): held; control: unmasked, the same reads get the host's data" {
	sec_name masknu
	sec_run "$NAME" --ns "$SEC_NOUSER" -- sh -c "$SEC_MASK_PROBE"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	sec_check_masked

	# Control: the same container with CAP_SYS_ADMIN, which lets it take
	# the masks off: then it reads the host kernel's data.
	sec_name masknuctl
	sec_run "$NAME" --ns "$SEC_NOUSER" --cap-add SYS_ADMIN -- sh -c \
		'umount /proc/keys /proc/timer_list /sys/firmware
		echo "keys=$(head -c 4096 /proc/keys | wc -c)"
		echo "timer_list=$(head -c 4096 /proc/timer_list | wc -c)"
		echo "firmware=$(ls -A /sys/firmware | wc -l)"'
	assert_eq "control: nswatch run exit status" "$NSW_STATUS" 0
	[ "$(sec_line timer_list)" -gt 0 ] || fail "control: unmasked /proc/timer_list reads nothing"
	[ "$(sec_line firmware)" -gt 0 ] || fail "control: unmasked /sys/firmware is empty"
	if [ "$(head -c 4096 /proc/keys | wc -c)" -gt 0 ]; then
		[ "$(sec_line keys)" -gt 0 ] || fail "control: unmasked /proc/keys reads nothing"
	fi
	sec_finish
}

# The read-only paths' mount options inside: "MOUNTPOINT OPTIONS" lines.
# shellcheck disable=SC2016
SEC_RO_PROBE='awk '\''$5 ~ /^\/proc\/(sys|bus|fs|irq|sysrq-trigger)$/ { print "mnt " $5 " " $6 }'\'' /proc/self/mountinfo'

# sec_check_ro_mounts: /proc/sys (and the others, where the host has them)
# are mounted read-only inside.
sec_check_ro_mounts() {
	local p opts
	for p in /proc/sys /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do
		[ -e "$p" ] || continue
		opts=$(awk -v p="$p" '$1 == "mnt" && $2 == p { print $3 }' <<<"$OUT")
		if [[ ,$opts, != *,ro,* ]]; then
			fail "$p is not mounted read-only inside (its mount options: '$opts')"
			return 1
		fi
	done
}

@test "read-only paths: /proc/sys is mounted ro; writing a sysctl the container owns fails with EROFS, even with NET_ADMIN; control: unmounted, it works" {
	sec_rootfs
	# net.ipv4.ip_forward belongs to the container's network namespace:
	# with CAP_NET_ADMIN in its user namespace (--cap-add NET_ADMIN), only
	# the read-only mount stands between the container's root and a write.
	# (nsw_secprobe write opens with O_TRUNC, like "echo 1 >FILE".)
	local script="$SEC_RO_PROBE
		echo \"ipfwd=\$(/nsw_secprobe write /proc/sys/net/ipv4/ip_forward 1)\"
		if [ -e /proc/sysrq-trigger ]; then echo \"sysrq=\$(/nsw_secprobe write /proc/sysrq-trigger h)\"; fi
		echo \"ipfwd_after=\$(cat /proc/sys/net/ipv4/ip_forward)\""
	sec_name ro
	sec_run "$NAME" --rootfs "$R" -- sh -c "$script"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	sec_check_ro_mounts
	assert_eq "writing /proc/sys/net/ipv4/ip_forward inside" "$(sec_line ipfwd)" EROFS
	assert_eq "ip_forward after the attempt" "$(sec_line ipfwd_after)" 0
	if [ -e /proc/sysrq-trigger ]; then
		assert_eq "writing /proc/sysrq-trigger inside" "$(sec_line sysrq)" EROFS
	fi

	sec_name ronet
	sec_run "$NAME" --rootfs "$R" --cap-add NET_ADMIN -- sh -c "$script"
	assert_eq "nswatch run --cap-add NET_ADMIN exit status" "$NSW_STATUS" 0
	sec_check_ro_mounts
	assert_eq "writing /proc/sys/net/ipv4/ip_forward inside, with NET_ADMIN" "$(sec_line ipfwd)" EROFS
	assert_eq "ip_forward after the attempt, with NET_ADMIN" "$(sec_line ipfwd_after)" 0

	sec_name roctl
	sec_run "$NAME" --rootfs "$R" --cap-add NET_ADMIN --cap-add SYS_ADMIN -- sh -c \
		'umount /proc/sys; echo "ipfwd=$(/nsw_secprobe write /proc/sys/net/ipv4/ip_forward 1)"
		echo "ipfwd_after=$(cat /proc/sys/net/ipv4/ip_forward)"'
	assert_eq "control: nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "control: writing ip_forward with NET_ADMIN once /proc/sys is unmounted" "$(sec_line ipfwd)" ok
	assert_eq "control: ip_forward after the write" "$(sec_line ipfwd_after)" 1
	sec_finish
}

@test "read-only paths without a user namespace: writes to /proc/sys and /proc/sysrq-trigger fail with EROFS; control: unmounted, it works" {
	sec_rootfs
	local host_name
	host_name=$(uname -n)
	# kernel.hostname is the container's own UTS namespace: harmless to
	# change, and writable by the host's root but for the read-only mount.
	sec_name ronu
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" -- sh -c "$SEC_RO_PROBE
		echo \"hostname=\$(/nsw_secprobe write /proc/sys/kernel/hostname nswsec-evil)\"
		echo \"ipfwd=\$(/nsw_secprobe write /proc/sys/net/ipv4/ip_forward 1)\"
		if [ -e /proc/sysrq-trigger ]; then echo \"sysrq=\$(/nsw_secprobe write /proc/sysrq-trigger h)\"; fi
		echo \"name=\$(uname -n)\""
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	sec_check_ro_mounts
	assert_eq "writing /proc/sys/kernel/hostname inside" "$(sec_line hostname)" EROFS
	assert_eq "writing /proc/sys/net/ipv4/ip_forward inside" "$(sec_line ipfwd)" EROFS
	assert_eq "the container's hostname after the attempt" "$(sec_line name)" "$NAME"
	if [ -e /proc/sysrq-trigger ]; then
		assert_eq "writing /proc/sysrq-trigger inside" "$(sec_line sysrq)" EROFS
	fi

	sec_name ronuctl
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" --cap-add SYS_ADMIN -- sh -c \
		'umount /proc/sys; echo "hostname=$(/nsw_secprobe write /proc/sys/kernel/hostname nswsec-evil)"
		echo "name=$(uname -n)"'
	assert_eq "control: nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "control: writing kernel.hostname once /proc/sys is unmounted" "$(sec_line hostname)" ok
	assert_eq "control: the container's hostname" "$(sec_line name)" nswsec-evil
	assert_eq "the host's hostname" "$(uname -n)" "$host_name"
	sec_finish
}

# ---------------------------------------------------------------------------
# 6. Mount targets are resolved inside the rootfs

# sec_failed_cleanly: the last sec_run failed as it should when a mount
# target cannot be made inside the rootfs: status 125, a message about the
# mount target.
sec_failed_cleanly() {
	[ "$NSW_STATUS" = 125 ] && grep -q 'mount target' "$NSW_ERR"
}

# sec_assert_inside_or_clean WHAT WANT: the last sec_run either failed
# cleanly, or ran with the mount where the container sees it: status 0 and
# stdout WANT.
sec_assert_inside_or_clean() {
	sec_failed_cleanly && return 0
	if [ "$NSW_STATUS" != 0 ] || [ "$OUT" != "$2" ]; then
		fail "$1: nswatch neither failed cleanly (status 125, a 'mount target' message) nor made the mount where the container sees it (status $NSW_STATUS; the container's output '$OUT', expected '$2')"
		return 1
	fi
}

@test "mount targets: --volume onto absolute, ../ and /proc/self/root symlinks in the image stays inside the rootfs" {
	sec_rootfs
	local h1=$BATS_TEST_TMPDIR/hostdir1 h2=$BATS_TEST_TMPDIR/hostdir2 h3=$BATS_TEST_TMPDIR/hostdir3
	local src=$BATS_TEST_TMPDIR/src ups t i=0 ns
	mkdir -p "$h1" "$h2" "$h3" "$src"
	echo volume-marker >"$src/marker"
	# Writable by the container's root (an unprivileged uid on the host).
	chmod 0777 "$src"
	ups=$(printf '../%.0s' $(seq 40))
	ln -s "$h1" "$R/evil-abs"
	ln -s "${ups%/}$h2" "$R/evil-rel"
	ln -s "/proc/self/root$h3" "$R/evil-magic"
	cat >"$W/hook.sh" <<EOF
exec >"$W/hook.out" 2>&1
awk -v a="$h1" -v b="$h2" -v c="$h3" '\$5 ~ "^(" a "|" b "|" c ")(/|\$)"' /proc/self/mountinfo /proc/1/mountinfo
exit 0
EOF

	# 1. The targets do not exist inside the rootfs: a clean failure, or a
	#    mount inside the rootfs; never a directory made on the host. With
	#    and without a user namespace (where the container's root is the
	#    host's, which may write to the host directories).
	for ns in "" "--ns $SEC_NOUSER"; do
		for t in /evil-abs/sub /evil-rel/sub /evil-magic/sub /evil-abs /evil-rel; do
			i=$((i + 1))
			sec_name "vol$i"
			# shellcheck disable=SC2086 # ns is a list of options
			sec_run "$NAME" --rootfs "$R" $ns -v "$src:$t" -- cat "$t/marker"
			sec_assert_untouched "$h1" "$ns -v $src:$t"
			sec_assert_untouched "$h2" "$ns -v $src:$t"
			sec_assert_untouched "$h3" "$ns -v $src:$t"
			sec_assert_inside_or_clean "$ns -v $src:$t (target absent in the rootfs)" volume-marker
			sec_assert_clean "$NAME"
		done
	done

	# 2. The symlinks' targets exist inside the rootfs: the volumes go
	#    there, and what the container writes lands in the rootfs copy (or
	#    in the volume's source), never in the host directories.
	mkdir -p "$R$h1" "$R$h2" "$R$h3"
	for ns in "" "--ns $SEC_NOUSER"; do
		i=$((i + 1))
		rm -f "$R$h1/written-inside" "$R$h2/written-inside" "$src/written-in-volume"
		sec_name "volin$i"
		# shellcheck disable=SC2086
		sec_run "$NAME" --rootfs "$R" $ns -v "$src:/evil-abs/sub" -v "$src:/evil-rel/sub" \
			--prestart-hook "sh $W/hook.sh" -- sh -c \
			'cat /evil-abs/sub/marker /evil-rel/sub/marker
			echo abs >/evil-abs/written-inside; echo rel >/evil-rel/written-inside
			echo vol >/evil-abs/sub/written-in-volume'
		assert_eq "host mounts on the host directories during the run ($ns; seen by the prestart hook)" \
			"$(cat "$W/hook.out")" ""
		sec_assert_untouched "$h1" "$ns -v $src:/evil-abs/sub"
		sec_assert_untouched "$h2" "$ns -v $src:/evil-rel/sub"
		assert_eq "nswatch run $ns exit status" "$NSW_STATUS" 0
		assert_eq "what the container sees through the symlinks ($ns)" "$OUT" "volume-marker
volume-marker"
		assert_eq "a file written through /evil-abs, in the rootfs copy ($ns)" "$(cat "$R$h1/written-inside")" abs
		assert_eq "a file written through /evil-rel, in the rootfs copy ($ns)" "$(cat "$R$h2/written-inside")" rel
		assert_eq "a file written in the volume, in its source ($ns)" "$(cat "$src/written-in-volume")" vol

		i=$((i + 1))
		sec_name "volmagic$i"
		# shellcheck disable=SC2086
		sec_run "$NAME" --rootfs "$R" $ns -v "$src:/evil-magic/sub" -- cat /evil-magic/sub/marker
		sec_assert_untouched "$h3" "$ns -v $src:/evil-magic/sub"
		sec_assert_inside_or_clean "$ns -v $src:/evil-magic/sub" volume-marker
		if ! sec_failed_cleanly; then
			[ -d "$R$h3/sub" ] || fail "the /evil-magic/sub volume ($ns) is not in the rootfs copy at $R$h3/sub"
		fi
	done
	sec_finish

	# Control: the same paths, resolved the ordinary way (joining the
	# rootfs and the target and following symlinks on the host, what a
	# runtime without RESOLVE_IN_ROOT does), land in the host directories.
	assert_eq "control: $R/evil-abs resolved on the host" "$(readlink -f "$R/evil-abs")" "$h1"
	assert_eq "control: $R/evil-rel resolved on the host" "$(readlink -f "$R/evil-rel")" "$h2"
	assert_eq "control: $R/evil-magic resolved on the host" "$(readlink -f "$R/evil-magic")" "$h3"
	mkdir "$R/evil-abs/sub" "$R/evil-rel/sub" "$R/evil-magic/sub"
	[ -d "$h1/sub" ] && [ -d "$h2/sub" ] && [ -d "$h3/sub" ] ||
		fail "control: mkdir through the symlinks did not reach the host directories"
}

@test "mount targets: /dev, /proc and /sys of the image as symlinks to a host directory stay inside the rootfs" {
	local d hd i=0 check want ns
	for ns in "" "--ns $SEC_NOUSER"; do
		for d in dev proc sys; do
			i=$((i + 1))
			R="$BATS_TEST_TMPDIR/rootfs-$i"
			cp -a "$NSW_ROOTFS" "$R"
			hd="$BATS_TEST_TMPDIR/host-$i"
			mkdir -p "$hd"
			rmdir "$R/$d"
			if [ "$d" = proc ]; then
				ln -s "$(printf '../%.0s' $(seq 40))${hd#/}" "$R/$d"
			else
				ln -s "$hd" "$R/$d"
			fi
			case $d in
			dev)
				check='stat -c %t:%T /dev/null; echo x >/dev/null && echo written'
				want="1:3
written"
				;;
			proc)
				check='stat -c %t:%T /proc/keys; grep -c "^Name:" /proc/self/status'
				want="1:3
1"
				;;
			sys)
				check='ls /sys/class/net; ls -A /sys/firmware | wc -l'
				want="lo
0"
				;;
			esac

			# Not inside the rootfs: a clean failure or a mount inside.
			sec_name "std$i"
			# shellcheck disable=SC2086 # ns is a list of options
			sec_run "$NAME" --rootfs "$R" $ns -- sh -c "$check"
			sec_assert_untouched "$hd" "$ns /$d -> $hd"
			sec_assert_inside_or_clean "$ns /$d -> $hd (absent in the rootfs)" "$want"
			sec_assert_clean "$NAME"

			# Inside the rootfs: the standard mount lands there and works.
			mkdir -p "$R$hd"
			cat >"$W/hook.sh" <<EOF
exec >"$W/hook.out" 2>&1
awk -v a="$hd" '\$5 == a || index(\$5, a "/") == 1' /proc/self/mountinfo /proc/1/mountinfo
exit 0
EOF
			sec_name "stdin$i"
			# shellcheck disable=SC2086
			sec_run "$NAME" --rootfs "$R" $ns --prestart-hook "sh $W/hook.sh" -- sh -c "$check"
			assert_eq "host mounts on $hd during the run ($ns; seen by the prestart hook)" "$(cat "$W/hook.out")" ""
			sec_assert_untouched "$hd" "$ns /$d -> $hd"
			assert_eq "nswatch run $ns with /$d -> $hd exit status" "$NSW_STATUS" 0
			assert_eq "what the container ($ns) sees through the /$d symlink ($check)" "$OUT" "$want"
			sec_assert_clean "$NAME"
			# Control: followed on the host, the link leads to the host directory.
			assert_eq "control: $R/$d resolved on the host" "$(readlink -f "$R/$d")" "$hd"
		done
	done
	sec_finish
}

# ---------------------------------------------------------------------------
# 7. The runtime binary cannot be overwritten through /proc/self/exe
#    (CVE-2019-5736)

@test "CVE-2019-5736: the container's init and its monitor run from a sealed memfd, not from the binary" {
	sec_static nsw_secprobe
	local probe=$SEC_BIN
	cat >"$W/hook.sh" <<EOF
P=\$NSWATCH_PID
M=\$(awk '\$1 == "PPid:" { print \$2 }' /proc/\$P/status)
exec >"$W/hook.out" 2>&1
echo "init_exe=\$(readlink /proc/\$P/exe)"
echo "init_seals=\$("$probe" seals /proc/\$P/exe)"
echo "init_write=\$("$probe" write /proc/\$P/exe x)"
echo "monitor_exe=\$(readlink /proc/\$M/exe)"
echo "monitor_seals=\$("$probe" seals /proc/\$M/exe)"
echo "shell_exe=\$(readlink /proc/\$\$/exe)"
echo "shell_seals=\$("$probe" seals /proc/\$\$/exe)"
exit 0
EOF
	local sum
	sum=$(sha256sum <"$NSWATCH")
	sec_name memfd
	sec_run "$NAME" --prestart-hook "sh $W/hook.sh" -- true
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	OUT=$(cat "$W/hook.out")
	local who
	for who in init monitor; do
		[[ $(sec_line ${who}_exe) == /memfd:* ]] ||
			fail "/proc/PID/exe of the $who is $(sec_line ${who}_exe), not a memfd"
		[[ $(sec_line ${who}_seals) == 0x* ]] && ((($(sec_line ${who}_seals) & 0xf) == 0xf)) ||
			fail "the $who's executable is not sealed against writes (F_GET_SEALS: $(sec_line ${who}_seals))"
	done
	# Even the host's root cannot open it for writing.
	assert_ne "opening the init's /proc/PID/exe for writing, as the host's root" "$(sec_line init_write)" ok
	# Control: a plain process's exe is its file, which cannot be sealed.
	[[ $(sec_line shell_exe) == /* ]] || fail "control: the hook shell's exe is $(sec_line shell_exe)"
	assert_eq "control: F_GET_SEALS on the hook shell's exe" "$(sec_line shell_seals)" EINVAL
	assert_eq "sha256 of $NSWATCH" "$(sha256sum <"$NSWATCH")" "$sum"
	sec_finish
}

# sec_attacker_rootfs BINARY...: R := a rootfs copy set up for the
# CVE-2019-5736 attack: /evil.sh ("#!/proc/self/exe"), the fake loader at
# the PT_INTERP path of each BINARY, and the second stage /nsw_exe_attack.
sec_attacker_rootfs() {
	local bin interp
	sec_rootfs
	sec_static nsw_exe_attack
	install -m 0755 "$SEC_BIN" "$R/nsw_exe_attack"
	sec_static nsw_exe_attack -DNSW_FAKE_LD -nostdlib -static-pie -fPIE -ffreestanding -fno-stack-protector
	for bin in "$@"; do
		interp=$(readelf -l "$bin" 2>/dev/null |
			sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
		[ -n "$interp" ] || interp=/lib64/ld-linux-x86-64.so.2
		mkdir -p "$R$(dirname "$interp")"
		rm -f "$R$interp"
		install -m 0755 "$SEC_BIN" "$R$interp"
	done
	printf '#!/proc/self/exe\n' >"$R/evil.sh"
	chmod 0755 "$R/evil.sh"
}

# sec_wait_file FILE SECONDS: wait until FILE exists.
sec_wait_file() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 did not appear within $2 s"
}

@test "CVE-2019-5736: an image whose entry point is #!/proc/self/exe gets a handle on a sealed copy, not on the binary (run)" {
	require_x86_64
	# A copy of the binary, run by the test: an attack that succeeded would
	# overwrite the copy, never build/nswatch.
	SEC_NSWATCH=$BATS_TEST_TMPDIR/nswatch
	cp "$NSWATCH" "$SEC_NSWATCH"
	local sum sum_build
	sum=$(sha256sum <"$SEC_NSWATCH")
	sum_build=$(sha256sum <"$NSWATCH")
	local victim=$BATS_TEST_TMPDIR/chroot-copy
	cp "$(command -v chroot)" "$victim"
	sec_attacker_rootfs "$SEC_NSWATCH" "$victim"

	local ns
	for ns in default "$SEC_NOUSER"; do
		sec_name "cverun${#SEC_NAMES[@]}"
		if [ "$ns" = default ]; then
			sec_run "$NAME" --rootfs "$R" -- /evil.sh fg - 3
		else
			sec_run "$NAME" --rootfs "$R" --ns "$ns" -- /evil.sh fg - 3
		fi
		assert_eq "nswatch run ($ns) exit status" "$NSW_STATUS" 0
		grep -qx "done" <<<"$OUT" || fail "the attack ($ns) did not run to its end: $OUT"
		[[ $(sec_line handle) == /memfd:* ]] ||
			fail "the attacker's handle on the runtime ($ns) is $(sec_line handle), not a memfd"
		if [ "$(sec_line reopen)" = ok ]; then
			assert_ne "writing through the reopened handle ($ns)" "$(sec_line write)" ok
			assert_ne "truncating through the reopened handle ($ns)" "$(sec_line truncate)" ok
		fi
		assert_eq "sha256 of the nswatch copy that ran ($ns)" "$(sha256sum <"$SEC_NSWATCH")" "$sum"
	done
	assert_eq "sha256 of build/nswatch" "$(sha256sum <"$NSWATCH")" "$sum_build"
	sec_finish

	# Control: the same image, script and attacker, started by a runtime
	# that runs from its file (a copy of chroot(8) in a private mount
	# namespace with /proc mounted in the rootfs): the attacker overwrites
	# that file.
	local vsum
	vsum=$(sha256sum <"$victim")
	OUT=$(timeout 60 unshare -m sh -c \
		'mount -t proc proc "$1/proc" && exec "$2" "$1" /evil.sh fg - 3' sh "$R" "$victim" 2>&1)
	assert_eq "control: the handle the attacker got" "$(sec_line handle)" "$victim"
	assert_eq "control: reopening it for writing" "$(sec_line reopen)" ok
	assert_eq "control: writing through it" "$(sec_line write)" ok
	assert_ne "control: sha256 of the attacked chroot copy" "$(sha256sum <"$victim")" "$vsum"
}

@test "CVE-2019-5736: via nswatch exec, the handle outlives nswatch but writes are refused; control: a plain host binary is overwritten" {
	require_x86_64
	SEC_NSWATCH=$BATS_TEST_TMPDIR/nswatch
	cp "$NSWATCH" "$SEC_NSWATCH"
	local sum sum_build
	sum=$(sha256sum <"$SEC_NSWATCH")
	sum_build=$(sha256sum <"$NSWATCH")
	sec_attacker_rootfs "$SEC_NSWATCH"
	# A host binary the container can execute (a copy of nswatch itself,
	# dynamically linked like it), for the control; through a volume, as
	# the runtime's binary would be reachable on the host's filesystem.
	local vdir=$BATS_TEST_TMPDIR/vict
	mkdir -p "$vdir"
	cp "$NSWATCH" "$vdir/victim"
	local vsum
	vsum=$(sha256sum <"$vdir/victim")

	local a b res
	sec_name cvex
	a=$NAME
	sec_start "$a" --rootfs "$R" -- sleep 300
	sec_name cvexnu
	b=$NAME
	sec_start "$b" --rootfs "$R" --ns "$SEC_NOUSER" -v "$vdir:/vict" -- sleep 300

	for NAME in "$a" "$b"; do
		res=/tmp/nsw-attack.$NAME
		# The exec'd command is /evil.sh: nswatch exec's child executes it,
		# so the kernel runs /proc/self/exe (nswatch's image) in the
		# container; the attacker keeps its handle, lets nswatch exec exit,
		# then reopens the handle for writing.
		sec_exec "$NAME" "$NAME" /evil.sh bg "$res" 10
		assert_eq "nswatch exec $NAME /evil.sh exit status" "$NSW_STATUS" 0
		[[ $(sec_line handle) == /memfd:* ]] ||
			fail "the attacker's handle on nswatch exec ($NAME) is $(sec_line handle), not a memfd"
		sec_wait_file "$R$res" 30
		OUT=$(cat "$R$res")
		grep -qx "done" <<<"$OUT" || fail "the attack ($NAME) did not run to its end: $OUT"
		if [ "$(sec_line reopen)" = ok ]; then
			assert_ne "writing through the reopened handle ($NAME)" "$(sec_line write)" ok
			assert_ne "truncating through the reopened handle ($NAME)" "$(sec_line truncate)" ok
		fi
		assert_eq "sha256 of the nswatch copy that ran ($NAME)" "$(sha256sum <"$SEC_NSWATCH")" "$sum"
	done
	assert_eq "sha256 of build/nswatch" "$(sha256sum <"$NSWATCH")" "$sum_build"

	# Control, in the container without a user namespace: the attacker
	# executes a plain host binary (through a read-only volume) instead;
	# its handle is on the host file, which it then overwrites.
	res=/tmp/nsw-control.$b
	sec_exec "$b" "$b" /vict/victim bg "$res" 10
	assert_eq "control: nswatch exec $b /vict/victim exit status" "$NSW_STATUS" 0
	assert_eq "control: the attacker's handle" "$(sec_line handle)" /vict/victim
	sec_wait_file "$R$res" 30
	OUT=$(cat "$R$res")
	assert_eq "control: reopening the host binary for writing" "$(sec_line reopen)" ok
	assert_eq "control: writing through it" "$(sec_line write)" ok
	assert_ne "control: sha256 of the attacked host binary" "$(sha256sum <"$vdir/victim")" "$vsum"
	sec_finish
}

# ---- issue 10, item 1: no host file descriptor reaches the container ----
#
# CVE-2024-21626: a runtime that still holds a directory fd of the host
# when it chdir()s to the working directory lets -w /proc/self/fd/N (or a
# symlink of the image pointing there) put the container's cwd on the
# host. Every attack here aims at a marker file that exists only on the
# host, outside every rootfs, world-readable (so that even a container
# root that is an unprivileged host uid would read it), and at the host's
# /etc/shadow.

# sec_marker: MARK_DIR := a host directory holding "marker" with the unique
# text MARK; SHADOW1 := the first line of the host's /etc/shadow.
sec_marker() {
	MARK_DIR=$BATS_TEST_TMPDIR/hostonly
	MARK="nsw-host-only-$$-$RANDOM$RANDOM"
	mkdir -p "$MARK_DIR"
	chmod 0755 "$MARK_DIR"
	printf '%s\n' "$MARK" >"$MARK_DIR/marker"
	chmod 0644 "$MARK_DIR/marker"
	SHADOW1=$(head -n1 /etc/shadow)
}

# What each attack runs in the working directory it got: where it is, and
# the marker and shadow read relative to it (the caller's fd 5 is the
# marker's directory, fd 7 the host's /etc).
SEC_ESCAPE_CMD='pwd; cat marker shadow 2>&1; :'

# sec_assert_no_escape WHAT: the last sec_run or sec_exec read neither the
# marker nor the host's /etc/shadow.
sec_assert_no_escape() {
	if grep -qF "$MARK" "$NSW_OUT" "$NSW_ERR"; then
		fail "$1: the container read the host-only marker: $(cat "$NSW_OUT")"
		return 1
	fi
	if [ -n "$SHADOW1" ] && grep -qF "$SHADOW1" "$NSW_OUT" "$NSW_ERR"; then
		fail "$1: the container read the host's /etc/shadow"
		return 1
	fi
}

# sec_assert_workdir_refused WHAT: the last sec_run or sec_exec failed to
# start with a message about --workdir (run: status 125).
sec_assert_workdir_refused() {
	sec_assert_no_escape "$1" || return 1
	assert_ne "$1: exit status" "$NSW_STATUS" 0
	grep -q -- "--workdir" "$NSW_ERR" ||
		fail "$1: the error does not name --workdir: $(cat "$NSW_ERR") (stdout: $(cat "$NSW_OUT"))"
}

# sec_control_chroot_escape ROOTFS DIR WHAT: the old way, outside nswatch:
# a chroot into ROOTFS with its own pid namespace and procfs, started by a
# caller holding fd 5 on the marker's directory, that does cd DIR: it
# lands on the host and reads the marker.
sec_control_chroot_escape() {
	local out
	out=$(
		exec 5<"$MARK_DIR" 7</etc
		timeout 20 unshare --mount --pid --fork --mount-proc="$1/proc" \
			chroot "$1" /bin/sh -c "cd $2 && $SEC_ESCAPE_CMD" </dev/null 2>&1
	)
	if ! grep -qF "$MARK" <<<"$out"; then
		fail "control ($3): a chroot that does cd $2 with fd 5 open should read the host's marker; it printed: $out"
		return 1
	fi
}

# sec_init_fds_held RUN_ARGS...: the fds of a container's init while it is
# held before exec (a prestart hook lists them), started by a caller
# holding 5 and 7; INIT_FDS := "N TARGET" lines.
sec_init_fds_held() {
	local list=$W/initfds
	: >"$list"
	(
		exec 5<"$MARK_DIR" 7</etc
		sec_run "$NAME" "$@" \
			--prestart-hook "find /proc/\$NSWATCH_PID/fd -mindepth 1 -printf '%f %l\n' >$list" -- true
		assert_eq "nswatch run $* with the fd-listing hook: exit status" "$NSW_STATUS" 0
	)
	INIT_FDS=$(sort -n "$list")
}

@test "CVE-2024-21626: run -w /proc/self/fd/N for N 3..20 and every fd of the held init reaches no host directory (userns, none, --uid-map 0:0:65536); control: a chroot doing the same cd escapes" {
	sec_marker
	sec_name wfd
	R=$BATS_TEST_TMPDIR/rootfs
	cp -a "$NSW_ROOTFS" "$R"
	sec_control_chroot_escape "$R" /proc/self/fd/5 "cd /proc/self/fd/5"

	# The fds the init holds while held before exec: 0 1 2 and its
	# socket to the monitor; nothing of the caller's (5, 7) nor of a
	# tracing monitor's (bpf maps and links).
	local n others cfg
	sec_init_fds_held --trace

	local ns=(3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)
	ns+=($(awk '{ print $1 }' <<<"$INIT_FDS"))
	exec 5<"$MARK_DIR" 7</etc
	for cfg in "" "--ns $SEC_NOUSER" "--uid-map 0:0:65536"; do
		# shellcheck disable=SC2086
		sec_run "$NAME" $cfg -w /tmp -- sh -c 'pwd; :'
		assert_eq "run $cfg -w /tmp (the container works)" "$OUT" /tmp
		for n in "${ns[@]}"; do
			# shellcheck disable=SC2086
			sec_run "$NAME" $cfg -w "/proc/self/fd/$n" -- sh -c "$SEC_ESCAPE_CMD"
			sec_assert_workdir_refused "run $cfg -w /proc/self/fd/$n"
			assert_eq "run $cfg -w /proc/self/fd/$n: exit status" "$NSW_STATUS" 125
		done
	done
	exec 5<&- 7<&-
	others=$(awk '$1 > 2' <<<"$INIT_FDS")
	assert_eq "fds above stdio of the held init: $INIT_FDS" "$(wc -l <<<"$others")" 1
	[[ $others == *socket:* ]] || fail "the held init's fd above stdio is not its socket: $others"
	sec_finish
}

@test "CVE-2024-21626: exec -w /proc/self/fd/N for N 3..20, by a caller holding 5 and 7, reaches no host directory (userns, none); control: nsenter and the same cd escapes" {
	sec_marker
	local a b n
	sec_name xwfd
	a=$NAME
	sec_start "$a" -- sleep 300
	sec_name xwfdnu
	b=$NAME
	sec_start "$b" --ns "$SEC_NOUSER" -- sleep 300

	exec 5<"$MARK_DIR" 7</etc
	for NAME in "$a" "$b"; do
		sec_init_pid "$NAME"
		# Control: the old way, setns into the container and chdir
		# through the inherited fd: the host's marker.
		OUT=$(timeout 20 nsenter -t "$PID" -a /bin/sh -c "cd /proc/self/fd/5 && $SEC_ESCAPE_CMD" </dev/null 2>&1)
		grep -qF "$MARK" <<<"$OUT" ||
			fail "control ($NAME): nsenter into the container and cd /proc/self/fd/5 should read the host's marker; it printed: $OUT"

		sec_exec "$NAME" -w /tmp "$NAME" sh -c 'pwd; ls /proc/self/fd; cat /proc/self/fd/5/marker /proc/self/fd/7/shadow 2>&1; :'
		assert_eq "exec -w /tmp in $NAME: exit status" "$NSW_STATUS" 0
		assert_eq "exec -w /tmp in $NAME: cwd and fds (3 is ls's directory)" \
			"$(sed -n 1,5p "$NSW_OUT" | tr '\n' ' ')" "/tmp 0 1 2 3 "
		sec_assert_no_escape "exec in $NAME, reading through fds 5 and 7"
		for n in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			sec_exec "$NAME" -w "/proc/self/fd/$n" "$NAME" sh -c "$SEC_ESCAPE_CMD"
			sec_assert_workdir_refused "exec -w /proc/self/fd/$n in $NAME"
		done
		# With another user: the same.
		sec_exec "$NAME" -u 1000 -w /proc/self/fd/5 "$NAME" sh -c "$SEC_ESCAPE_CMD"
		sec_assert_workdir_refused "exec -u 1000 -w /proc/self/fd/5 in $NAME"
	done
	exec 5<&- 7<&-
	sec_finish
}

@test "CVE-2024-21626: a workdir that is a symlink of the image to /proc/self/fd/N, ../.. or a host path stays inside (run and exec, userns and none); control: a chroot following it escapes" {
	sec_marker
	local n w a b cfg
	R=$BATS_TEST_TMPDIR/rootfs
	cp -a "$NSW_ROOTFS" "$R"
	for n in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		ln -s "/proc/self/fd/$n" "$R/w$n"
	done
	ln -s ../../../../../../../../.. "$R/wup"
	ln -s "$MARK_DIR" "$R/wabs"
	ln -s /proc/self/root/../../../../.. "$R/wroot"
	ln -s /proc/1/cwd "$R/wcwd"
	sec_control_chroot_escape "$R" /w5 "an image's symlink /w5 -> /proc/self/fd/5"

	sec_name lnk
	a=$NAME
	sec_start "$a" --rootfs "$R" -- sleep 300
	sec_name lnknu
	b=$NAME
	sec_start "$b" --rootfs "$R" --ns "$SEC_NOUSER" -- sleep 300
	sec_name lnkrun
	exec 5<"$MARK_DIR" 7</etc
	for cfg in "" "--ns $SEC_NOUSER"; do
		for w in w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 wabs wcwd; do
			# shellcheck disable=SC2086
			sec_run "$NAME" --rootfs "$R" $cfg -w "/$w" -- sh -c "$SEC_ESCAPE_CMD"
			sec_assert_workdir_refused "run $cfg -w /$w (a symlink of the image)"
		done
		# These resolve, inside: ../.. stops at the container's root.
		for w in wup wroot; do
			# shellcheck disable=SC2086
			sec_run "$NAME" --rootfs "$R" $cfg -w "/$w" -- sh -c "$SEC_ESCAPE_CMD"
			sec_assert_no_escape "run $cfg -w /$w (a symlink of the image)"
			if [ "$NSW_STATUS" = 0 ]; then
				assert_eq "run $cfg -w /$w: the cwd" "$(sed -n 1p "$NSW_OUT")" /
			fi
		done
	done
	for NAME in "$a" "$b"; do
		for w in w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 wabs wcwd wup wroot; do
			sec_exec "$NAME" -w "/$w" "$NAME" sh -c "$SEC_ESCAPE_CMD"
			sec_assert_no_escape "exec -w /$w in $NAME (a symlink of the image)"
		done
	done
	exec 5<&- 7<&-
	sec_finish
}

@test "fds: a directory as stdin, stdout or stderr is refused (run and exec): it would be a handle on the host's tree; control: a process given one reads the host through it" {
	sec_marker
	local out
	# Control: a directory fd as stdin reaches the files under it.
	out=$(timeout 10 "$BUSYBOX" cat /proc/self/fd/0/marker <"$MARK_DIR" 2>&1)
	assert_eq "control: cat /proc/self/fd/0/marker with stdin the marker's directory" "$out" "$MARK"

	sec_name stdin
	NSW_STATUS=0
	timeout --kill-after=10 "$NSW_TIMEOUT" "$NSWATCH" run --name "$NAME" -- \
		sh -c 'cat /proc/self/fd/0/marker; cd /proc/self/fd/0 && cat marker; :' \
		<"$MARK_DIR" >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	sec_assert_no_escape "run with stdin the marker's directory"
	assert_eq "run with stdin a host directory: exit status" "$NSW_STATUS" 125
	grep -q "fd 0 is a directory" "$NSW_ERR" || fail "run with stdin a directory: the error does not say so: $(cat "$NSW_ERR")"

	sec_name stdinx
	sec_start "$NAME" -- sleep 300
	NSW_STATUS=0
	timeout --kill-after=10 "$NSW_TIMEOUT" "$NSWATCH" exec "$NAME" \
		sh -c 'cat /proc/self/fd/0/marker; cd /proc/self/fd/0 && cat marker; :' \
		<"$MARK_DIR" >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	sec_assert_no_escape "exec with stdin the marker's directory"
	assert_ne "exec with stdin a host directory: exit status" "$NSW_STATUS" 0
	grep -q "fd 0 is a directory" "$NSW_ERR" || fail "exec with stdin a directory: the error does not say so: $(cat "$NSW_ERR")"
	sec_finish
}

# ---- issue 10, item 8: everything started in a container dies with its caller ----
#
# nswatch exec's command is a child of nswatch exec (CLONE_PARENT), in the
# container's pid namespace; run's init is the monitor's child. Each gets
# SIGKILL when its parent dies (PR_SET_PDEATHSIG), set again after the
# last change of ids, which clears it.

# sec_pid_of_cmdline CMDLINE: PIDOF := the pid whose command line is exactly
# CMDLINE (waits up to 10 s for it).
sec_pid_of_cmdline() {
	local i
	for ((i = 0; i < 100; i++)); do
		PIDOF=$(pgrep -f -x -- "$1" | head -n1)
		[ -n "$PIDOF" ] && return 0
		sleep 0.1
	done
	fail "no process runs '$1'"
	return 1
}

# sec_gone_within PID SECONDS: PID exits (or is a zombie) within SECONDS.
sec_gone_within() {
	local i state
	for ((i = 0; i < $2 * 20; i++)); do
		state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -z "$state" ] || [ "$state" = Z ] && return 0
		sleep 0.05
	done
	return 1
}

# sec_alive_after PID SECONDS: PID still runs after SECONDS.
sec_alive_after() {
	local state
	sleep "$2"
	state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

@test "pdeathsig: SIGKILL of nswatch exec kills its command within a second (root and -u 1000, userns and none); control: a command nsenter started survives nsenter's SIGKILL" {
	local a b user arg ex
	sec_name die
	a=$NAME
	sec_start "$a" -- sleep 300
	sec_name dienu
	b=$NAME
	sec_start "$b" --ns "$SEC_NOUSER" -- sleep 300
	for NAME in "$a" "$b"; do
		sec_init_pid "$NAME"
		# Control: started in the container the same way, without a
		# parent-death signal, the command outlives its starter.
		arg=$((7000000 + RANDOM))
		nsenter -t "$PID" -a sleep "$arg" </dev/null >/dev/null 2>&1 3>&- &
		ex=$!
		sec_pid_of_cmdline "sleep $arg"
		kill -KILL "$ex"
		wait "$ex" 2>/dev/null || true
		sec_alive_after "$PIDOF" 1 ||
			fail "control ($NAME): the command nsenter started died with nsenter: the test could not tell"
		kill -KILL "$PIDOF" 2>/dev/null || true

		for user in 0 1000; do
			arg=$((8000000 + RANDOM))
			"$NSWATCH" exec -u "$user" "$NAME" sleep "$arg" </dev/null >/dev/null 2>&1 3>&- &
			ex=$!
			sec_pid_of_cmdline "sleep $arg"
			assert_eq "the exec'd command's parent ($NAME, -u $user)" "$(sec_status "$PIDOF" PPid)" "$ex"
			# Its ids changed (what clears the parent-death signal).
			assert_eq "the exec'd command's host uid minus the init's ($NAME, -u $user)" \
				"$(($(sec_status "$PIDOF" Uid | awk '{ print $1 }') - $(sec_status "$PID" Uid | awk '{ print $1 }')))" "$user"
			kill -KILL "$ex"
			wait "$ex" 2>/dev/null || true
			sec_gone_within "$PIDOF" 1 ||
				fail "the command of nswatch exec -u $user $NAME (pid $PIDOF) still runs 1 s after nswatch exec was killed"
		done
	done
	sec_finish
}

@test "pdeathsig: SIGKILL of run's monitor kills the init within a second (root and -u 1000, userns and none); control: unshare --fork's child survives unshare's SIGKILL unless --kill-child" {
	local cfg user mon arg up
	# Control: a pid namespace's init started without a parent-death
	# signal outlives its parent; with one (--kill-child) it does not.
	for cfg in "" --kill-child; do
		arg=$((9000000 + RANDOM))
		# shellcheck disable=SC2086
		unshare --pid --fork $cfg sleep "$arg" </dev/null >/dev/null 2>&1 3>&- &
		up=$!
		sec_pid_of_cmdline "sleep $arg"
		kill -KILL "$up"
		wait "$up" 2>/dev/null || true
		if [ -z "$cfg" ]; then
			sec_alive_after "$PIDOF" 1 ||
				fail "control: unshare --fork's child died with unshare: the test could not tell"
			kill -KILL "$PIDOF" 2>/dev/null || true
		else
			sec_gone_within "$PIDOF" 1 || fail "control: unshare --kill-child's child survived"
		fi
	done

	for cfg in "" "--ns $SEC_NOUSER"; do
		for user in 0 1000; do
			sec_name "mon${cfg:+nu}$user"
			# shellcheck disable=SC2086
			sec_start "$NAME" $cfg -u "$user" -- sleep 300
			# Its uid inside is $user: ranges are 65536-aligned.
			assert_eq "the init's uid modulo 65536 ($cfg -u $user)" \
				"$(($(sec_status "$PID" Uid | awk '{ print $1 }') % 65536))" "$user"
			mon=$(sec_status "$PID" PPid)
			assert_eq "comm of the init's parent (the monitor)" "$(cat "/proc/$mon/comm")" nswatch
			kill -KILL "$mon"
			sec_gone_within "$PID" 1 ||
				fail "the init of $NAME ($cfg -u $user, pid $PID) still runs 1 s after its monitor was killed"
		done
	done
	sec_finish
}
