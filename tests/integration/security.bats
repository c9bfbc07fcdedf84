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
# KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT MKNOD AUDIT_WRITE
# SETFCAP, i.e. bits 0 1 3 4 5 6 7 8 10 18 27 29 31: Docker's without
# NET_RAW (13), as podman's (issue 10, item 10).
SEC_CAPS_DEFAULT=00000000a80405fb

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
			"cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,cap_setpcap,cap_net_bind_service,cap_sys_chroot,cap_mknod,cap_audit_write,cap_setfcap"
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
	assert_eq "CapEff without CHOWN" "$(awk '$1 == "CapEff:" { print $2 }' <<<"$OUT")" 00000000a80405fa
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
	[[ $(sec_line exe) == /memfd:* || $(sec_line exe) == /nswatch ]] ||
		fail "the hook did not see the init before its exec: exe=$(sec_line exe)"
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
	# (nsw_secprobe write opens with O_TRUNC, like "echo 1 >FILE".) A new
	# network namespace starts with the host's ip_forward (IPv4 inherits
	# init_net's devconf), which an engine may have set to 1: the probe
	# writes the other value, so that a write that got through shows.
	local flip='b=$(cat /proc/sys/net/ipv4/ip_forward); w=$((1 - b)); echo "ipfwd_before=$b"; echo "ipfwd_want=$w"'
	local script="$SEC_RO_PROBE
		$flip
		echo \"ipfwd=\$(/nsw_secprobe write /proc/sys/net/ipv4/ip_forward \$w)\"
		if [ -e /proc/sysrq-trigger ]; then echo \"sysrq=\$(/nsw_secprobe write /proc/sysrq-trigger h)\"; fi
		echo \"ipfwd_after=\$(cat /proc/sys/net/ipv4/ip_forward)\""
	sec_name ro
	sec_run "$NAME" --rootfs "$R" -- sh -c "$script"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	sec_check_ro_mounts
	assert_eq "writing /proc/sys/net/ipv4/ip_forward inside" "$(sec_line ipfwd)" EROFS
	assert_eq "ip_forward after the attempt" "$(sec_line ipfwd_after)" "$(sec_line ipfwd_before)"
	if [ -e /proc/sysrq-trigger ]; then
		assert_eq "writing /proc/sysrq-trigger inside" "$(sec_line sysrq)" EROFS
	fi

	sec_name ronet
	sec_run "$NAME" --rootfs "$R" --cap-add NET_ADMIN -- sh -c "$script"
	assert_eq "nswatch run --cap-add NET_ADMIN exit status" "$NSW_STATUS" 0
	sec_check_ro_mounts
	assert_eq "writing /proc/sys/net/ipv4/ip_forward inside, with NET_ADMIN" "$(sec_line ipfwd)" EROFS
	assert_eq "ip_forward after the attempt, with NET_ADMIN" "$(sec_line ipfwd_after)" "$(sec_line ipfwd_before)"

	sec_name roctl
	sec_run "$NAME" --rootfs "$R" --cap-add NET_ADMIN --cap-add SYS_ADMIN -- sh -c \
		"umount /proc/sys; $flip"'
		echo "ipfwd=$(/nsw_secprobe write /proc/sys/net/ipv4/ip_forward $w)"
		echo "ipfwd_after=$(cat /proc/sys/net/ipv4/ip_forward)"'
	assert_eq "control: nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "control: writing ip_forward with NET_ADMIN once /proc/sys is unmounted" "$(sec_line ipfwd)" ok
	assert_eq "control: ip_forward after the write" "$(sec_line ipfwd_after)" "$(sec_line ipfwd_want)"
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
	#    there, and what the container writes lands inside its root (its
	#    own layer over the rootfs copy) or in the volume's source, never
	#    in the host directories.
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
			echo vol >/evil-abs/sub/written-in-volume
			cat "$0/written-inside" "$1/written-inside"' "$h1" "$h2"
		assert_eq "host mounts on the host directories during the run ($ns; seen by the prestart hook)" \
			"$(cat "$W/hook.out")" ""
		sec_assert_untouched "$h1" "$ns -v $src:/evil-abs/sub"
		sec_assert_untouched "$h2" "$ns -v $src:/evil-rel/sub"
		assert_eq "nswatch run $ns exit status" "$NSW_STATUS" 0
		assert_eq "what the container sees through the symlinks ($ns)" "$OUT" "volume-marker
volume-marker
abs
rel"
		[ ! -e "$R$h1/written-inside" ] && [ ! -e "$R$h2/written-inside" ] ||
			fail "what the container wrote ($ns) reached the rootfs copy, not its own layer"
		assert_eq "a file written in the volume, in its source ($ns)" "$(cat "$src/written-in-volume")" vol

		i=$((i + 1))
		sec_name "volmagic$i"
		# shellcheck disable=SC2086
		sec_run "$NAME" --rootfs "$R" $ns -v "$src:/evil-magic/sub" -- cat /evil-magic/sub/marker
		sec_assert_untouched "$h3" "$ns -v $src:/evil-magic/sub"
		sec_assert_inside_or_clean "$ns -v $src:/evil-magic/sub" volume-marker
		# A target made for the volume is made in the container's layer.
		[ ! -e "$R$h3/sub" ] || fail "the /evil-magic/sub volume target ($ns) was made in the rootfs copy at $R$h3/sub"
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

# Issue 10, item 3 changed this test: it used to accept a symlinked /dev,
# /proc or /sys whose target was inside the rootfs (and mount there); now
# the start is refused, as runc refuses it, since such a link can lead the
# procfs under a later mount, out of reach of its masks (the attack is in
# the "issue 10, item 3" block below). The point kept: nothing on the host
# is touched, whichever way the link points.
@test "mount targets: /dev, /proc and /sys of the image as symlinks (to a host directory, or inside the rootfs) are refused; nothing on the host is touched" {
	local d hd i=0 ns
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
			# The link's target absent, then present, inside the rootfs.
			for inside in no yes; do
				[ "$inside" = yes ] && mkdir -p "$R$hd"
				sec_name "std$i$inside"
				# shellcheck disable=SC2086 # ns is a list of options
				sec_run "$NAME" --rootfs "$R" $ns -- true
				sec_assert_untouched "$hd" "$ns /$d -> $hd (inside: $inside)"
				assert_eq "nswatch run $ns with /$d -> $hd (inside: $inside) exit status" "$NSW_STATUS" 125
				grep -q "$R/$d is a symlink (to .*): /proc, /sys and /dev must be directories of the rootfs" "$NSW_ERR" ||
					fail "the refusal ($ns /$d -> $hd) does not name $R/$d as a symlink: $(cat "$NSW_ERR")"
				sec_assert_clean "$NAME"
				if [ "$inside" = yes ]; then
					assert_eq "the directory the link leads to in the rootfs ($ns /$d)" "$(find "$R$hd" -mindepth 1)" ""
				fi
			done
			# Control: followed on the host, the link leads to the host directory.
			assert_eq "control: $R/$d resolved on the host" "$(readlink -f "$R/$d")" "$hd"
		done
	done
	sec_finish
}

# ---------------------------------------------------------------------------
# 7. The runtime binary cannot be overwritten through /proc/self/exe
#    (CVE-2019-5736)

@test "CVE-2019-5736: the container's init and its monitor run from an image of nswatch that even host root cannot write" {
	sec_static nsw_secprobe
	local probe=$SEC_BIN
	cat >"$W/hook.sh" <<EOF
P=\$NSWATCH_PID
M=\$(awk '\$1 == "PPid:" { print \$2 }' /proc/\$P/status)
exec >"$W/hook.out" 2>&1
for who in init monitor shell; do
	case \$who in init) p=\$P ;; monitor) p=\$M ;; shell) p=\$\$ ;; esac
	echo "\${who}_exe=\$(readlink /proc/\$p/exe)"
	echo "\${who}_seals=\$("$probe" seals /proc/\$p/exe)"
	echo "\${who}_write=\$("$probe" write /proc/\$p/exe x)"
done
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
		assert_ne "/proc/PID/exe of the $who" "$(sec_line ${who}_exe)" "$(realpath "$NSWATCH")"
		# A sealed memfd copy (a kernel without overlay), or a lower-only
		# overlay, read-only in its superblock.
		if [[ $(sec_line ${who}_seals) == 0x* ]]; then
			((($(sec_line ${who}_seals) & 0xf) == 0xf)) ||
				fail "the $who's memfd is not sealed against writes (F_GET_SEALS: $(sec_line ${who}_seals))"
		else
			assert_eq "opening the $who's /proc/PID/exe for writing, as the host's root" \
				"$(sec_line ${who}_write)" EROFS
		fi
	done
	# Control: a plain process's exe is its file on a writable filesystem:
	# the same open fails only because the file runs (ETXTBSY).
	[[ $(sec_line shell_exe) == /* ]] || fail "control: the hook shell's exe is $(sec_line shell_exe)"
	assert_eq "control: F_GET_SEALS on the hook shell's exe" "$(sec_line shell_seals)" EINVAL
	assert_eq "control: opening the hook shell's exe for writing" "$(sec_line shell_write)" ETXTBSY
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

@test "CVE-2019-5736: an image whose entry point is #!/proc/self/exe gets a handle it cannot write through, not the binary (run)" {
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
		assert_ne "the attacker's handle on the runtime ($ns)" "$(sec_line handle)" "$SEC_NSWATCH"
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
		assert_ne "the attacker's handle on nswatch exec ($NAME)" "$(sec_line handle)" "$SEC_NSWATCH"
		# What the container writes is in its own layer.
		sec_wait_file "$(sec_upper "$NAME")$res" 30
		OUT=$(cat "$(sec_upper "$NAME")$res")
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
	sec_wait_file "$(sec_upper "$b")$res" 30
	OUT=$(cat "$(sec_upper "$b")$res")
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

# ---- issue 10, item 2: the container never gets the caller's terminal ----
#
# The caller is a shell on a terminal: tests/helpers/nsw_pty runs nswatch on
# a new pseudo-terminal as its controlling terminal, copies what is written
# to it to stdout and, once nswatch has exited, reports what is left unread
# in the terminal's input queue: what that shell would read and run next,
# as root. tests/helpers/nsw_ttyprobe (static, in the rootfs) does the
# TIOCSTI that would put it there.

# sec_tty_setup: R := a rootfs copy with /nsw_ttyprobe; TTYPROBE := the
# probe on the host; PTY := nsw_pty.
sec_tty_setup() {
	require_helper nsw_pty || return 1
	require_cmd setpriv stat stty
	PTY=$NSW_HELPER_DIR/nsw_pty
	R="$BATS_TEST_TMPDIR/rootfs"
	cp -a "$NSW_ROOTFS" "$R"
	sec_static nsw_ttyprobe || return 1
	TTYPROBE=$SEC_BIN
	install -m 0755 "$SEC_BIN" "$R/nsw_ttyprobe"
}

# sec_on_pty REPORT NSW_PTY_ARGS... -- CMD...: run CMD through nsw_pty
# (bounded); OUT := what reached the terminal, without the \r of its line
# ends; NSW_STATUS := the exit status; PENDING := the unread input (REPORT).
sec_on_pty() {
	local report=$1
	shift
	NSW_STATUS=0
	timeout --kill-after=10 "$NSW_TIMEOUT" "$PTY" -r "$report" "$@" \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	OUT=$(tr -d '\r' <"$NSW_OUT")
	PENDING=$(sed -n 's/^pending=//p' "$report" 2>/dev/null)
}

# The line a successful injection leaves in the caller's input queue.
SEC_TIOCSTI_LINE='echo INJECTED-BY-THE-CONTAINER'
SEC_TIOCSTI_PENDING='echo INJECTED-BY-THE-CONTAINER\x0a'

# sec_tiocsti_control: a process whose controlling terminal it is (here an
# unprivileged one, as the container's processes are: TIOCSTI on another
# terminal needs CAP_SYS_ADMIN in the host's user namespace) types into
# the caller's shell.
sec_tiocsti_control() {
	if [ -e /proc/sys/dev/tty/legacy_tiocsti ] && [ "$(cat /proc/sys/dev/tty/legacy_tiocsti)" != 1 ]; then
		sec_unavailable "dev.tty.legacy_tiocsti is 0: TIOCSTI is refused to everyone, so the control cannot inject"
		return
	fi
	sec_on_pty "$W/control.rep" -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TTYPROBE" tiocsti 0 "$SEC_TIOCSTI_LINE"$'\n'
	assert_eq "control: TIOCSTI by a process on its own controlling terminal" "$(sec_line tiocsti)" ok
	assert_eq "control: what the caller's shell reads next" "$PENDING" "$SEC_TIOCSTI_PENDING"
}

# The container's attempt: TIOCSTI on its stdin and stderr (the caller's
# terminal, passed through without -t), then what its session is: PID 1
# (or exec's command) execs the probe, so it is the process asked.
SEC_TIOCSTI_ATTACK="/nsw_ttyprobe tiocsti 0 '$SEC_TIOCSTI_LINE
' | sed s/^/in_/; /nsw_ttyprobe tiocsti 2 '$SEC_TIOCSTI_LINE
' | sed s/^/err_/; exec /nsw_ttyprobe session"

# sec_assert_no_injection WHAT: OUT and PENDING of an attack show that
# nothing reached the caller's input and that the attacker was a session
# leader without a controlling terminal.
sec_assert_no_injection() {
	assert_eq "$1: exit status" "$NSW_STATUS" 0
	assert_eq "$1: TIOCSTI on the caller's terminal (stdin)" "$(sec_line in_tiocsti)" EPERM
	assert_eq "$1: TIOCSTI on the caller's terminal (stderr)" "$(sec_line err_tiocsti)" EPERM
	assert_eq "$1: what the caller's shell reads next" "$PENDING" ""
	assert_eq "$1: a session leader (its own session, not the caller's)" "$(sec_line leader)" yes
	assert_eq "$1: open(/dev/tty) (no controlling terminal)" "$(sec_line devtty)" ENXIO
}

@test "tty: run from a terminal: the container cannot type into the caller's shell (TIOCSTI), it has a session and no terminal of its own; control: a process on the terminal can" {
	sec_tty_setup
	sec_tiocsti_control
	local ns
	for ns in default "$SEC_NOUSER"; do
		sec_name "sti${#SEC_NAMES[@]}"
		if [ "$ns" = default ]; then
			sec_on_pty "$W/$NAME.rep" -- "$NSWATCH" run --name "$NAME" --rootfs "$R" -- sh -c "$SEC_TIOCSTI_ATTACK"
		else
			sec_on_pty "$W/$NAME.rep" -- "$NSWATCH" run --name "$NAME" --rootfs "$R" --ns "$ns" -- sh -c "$SEC_TIOCSTI_ATTACK"
		fi
		sec_assert_no_injection "run ($ns)"
	done
	sec_finish
}

@test "tty: exec from a terminal: the command cannot type into the caller's shell (TIOCSTI), it has a session and no terminal of its own" {
	sec_tty_setup
	sec_tiocsti_control
	sec_name stix
	sec_start "$NAME" --rootfs "$R" -- sleep 300
	sec_on_pty "$W/exec.rep" -- "$NSWATCH" exec "$NAME" sh -c "$SEC_TIOCSTI_ATTACK"
	sec_assert_no_injection "exec"
	sec_finish
}

# sec_tty_session CMD: on a pty sized 33x101, a caller's shell runs CMD (a
# nswatch run or exec with -ti, whose command prints READY and then reads a
# line) between two "stty -g" of its terminal; once READY appears, nsw_pty
# resizes the caller's terminal to 50x132 and types a line. The command
# prints what it sees of its terminal.
sec_tty_session() {
	sec_on_pty "$W/tty.rep" -s 33x101 -w READY -z 50x132 -t $'typed by the caller\n' -- sh -c '
		echo "outer_mode=$(stty -g)"
		echo "outer_dev=$(stat -L -c %d /proc/self/fd/0)"
		'"$1"'
		echo "status=$?"
		echo "outer_mode_after=$(stty -g)"'
}

# Inside: its terminal, the container's /dev/pts, the window size, a line
# read from the caller, and who owns the terminal; exits 7.
# (One line: the caller's shell gets it quoted by printf %q.)
SEC_TTY_INSIDE='echo tty=$(tty); echo size=$(stty size);'\
' echo pts_dev=$(stat -c %d /dev/pts); echo fd0_dev=$(stat -L -c %d /proc/self/fd/0);'\
' echo fd0=$(readlink /proc/self/fd/0); echo me=$$;'\
' echo READY; read line; echo got=$line;'\
' i=0; while [ "$(stty size)" != "50 132" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done;'\
' echo resized=$(stty size);'\
' /nsw_ttyprobe session | sed s/^/probe_/; exit 7'

# sec_assert_tty_session WHAT SID: the command had a pty of the container's
# own devpts, not the caller's, sized as the caller's, resized with it; the typed line
# reached it; the exit status came back; the caller's terminal mode is as
# it was; the terminal's session is SID (the container's numbering).
sec_assert_tty_session() {
	assert_eq "$1: exit status through the relay" "$(sec_line status)" 7
	[[ $(sec_line tty) =~ ^/dev/pts/[0-9]+$ ]] || fail "$1: tty inside says '$(sec_line tty)' (output: $OUT)"
	assert_eq "$1: fd 0 inside" "$(sec_line fd0)" "$(sec_line tty)"
	assert_eq "$1: the device of fd 0 inside is the container's devpts" "$(sec_line fd0_dev)" "$(sec_line pts_dev)"
	assert_ne "$1: the device of fd 0 inside is not the caller's devpts" "$(sec_line fd0_dev)" "$(sec_line outer_dev)"
	assert_eq "$1: stty size inside (the caller's window is 33x101)" "$(sec_line size)" "33 101"
	assert_eq "$1: the line the caller typed, read inside" "$(sec_line got)" "typed by the caller"
	assert_eq "$1: stty size inside once the caller's window became 50x132 (SIGWINCH)" "$(sec_line resized)" "50 132"
	assert_eq "$1: /dev/tty inside (its controlling terminal)" "$(sec_line probe_devtty)" ok
	assert_eq "$1: the session of its terminal" "$(sec_line probe_fd0_sid)" "$2"
	[ -n "$(sec_line outer_mode)" ] || fail "$1: no stty -g of the caller's terminal (output: $OUT)"
	assert_eq "$1: the caller's terminal mode after (stty -g)" "$(sec_line outer_mode_after)" "$(sec_line outer_mode)"
	assert_eq "$1: what the caller's shell reads next" "$PENDING" ""
}

@test "tty: run -ti: a pty of the container's own devpts, sized as the caller's, relayed both ways; exit status kept, the caller's terminal mode restored" {
	sec_tty_setup
	sec_name ttyrun
	local q
	q=$(printf '%q ' "$NSWATCH" run --name "$NAME" --rootfs "$R" -ti -- sh -c "$SEC_TTY_INSIDE")
	sec_tty_session "$q"
	# The init (sh, PID 1) leads the session the terminal belongs to.
	sec_assert_tty_session "run -ti" 1
	assert_eq "run -ti: PID of the shell" "$(sec_line me)" 1
	# -t with --detach: nobody would relay the terminal.
	run timeout 20 "$NSWATCH" run -t -d --rootfs "$R" -- true
	assert_eq "run -t -d exit status" "$status" 2
	sec_finish
}

@test "tty: exec -ti: a pty of the container's own devpts, sized as the caller's, relayed both ways; exit status kept, the caller's terminal mode restored" {
	sec_tty_setup
	sec_name ttyexec
	sec_start "$NAME" --rootfs "$R" -- sleep 300
	local q
	q=$(printf '%q ' "$NSWATCH" exec -ti "$NAME" sh -c "$SEC_TTY_INSIDE")
	sec_tty_session "$q"
	# The exec'd shell leads its own session, which the terminal belongs to.
	sec_assert_tty_session "exec -ti" "$(sec_line me)"
	sec_finish
}

# ---- issue 10, item 3: masks cannot be defeated by the image ----

# sec_maskprobe_rootfs: R := a private copy of the busybox rootfs with
# nsw_secprobe at /nsw_secprobe and nsw_maskprobe at /mp; MP := the
# maskprobe built for the host.
sec_maskprobe_rootfs() {
	sec_rootfs
	sec_static nsw_maskprobe
	MP=$SEC_BIN
	install -m 0755 "$MP" "$R/mp"
}

# sec_core_pattern_same CORE: the host's kernel.core_pattern is still CORE.
sec_core_pattern_same() {
	assert_eq "the host's kernel.core_pattern" "$(cat /proc/sys/kernel/core_pattern)" "$1"
}

@test "masks: a rootfs whose /proc is a symlink under /dev is refused; control: that link hides the procfs from path-resolved masks, and an unmasked procfs lets a nested user namespace mount a fresh one and write the host's core_pattern" {
	sec_maskprobe_rootfs
	local core ns
	core=$(cat /proc/sys/kernel/core_pattern)
	# /proc -> /dev/p: resolved inside the rootfs, the procfs went to
	# rootfs/dev/p, then the tmpfs on /dev covered it, and the masks,
	# looked up by path after pivot_root, found nothing (skipped silently).
	rmdir "$R/proc"
	mkdir "$R/dev/p"
	ln -s /dev/p "$R/proc"
	for ns in "" "--ns $SEC_NOUSER"; do
		sec_name "procln${#SEC_NAMES[@]}"
		# shellcheck disable=SC2086 # ns is a list of options
		sec_run "$NAME" --rootfs "$R" $ns -- /mp nested-proc /dev/shm/p "$core"
		assert_eq "nswatch run $ns with /proc -> /dev/p exit status" "$NSW_STATUS" 125
		grep -q "$R/proc is a symlink (to /dev/p): /proc, /sys and /dev must be directories of the rootfs" "$NSW_ERR" ||
			fail "the refusal ($ns) does not name $R/proc: $(cat "$NSW_ERR")"
		assert_eq "what the container printed ($ns)" "$OUT" ""
		sec_assert_clean "$NAME"
	done
	assert_eq "the image's /dev/p after the refused runs" "$(find "$R/dev/p" -mindepth 1)" ""
	sec_core_pattern_same "$core"

	# Control 1, the old order by hand in a scratch mount namespace: the
	# procfs goes where the link leads inside the rootfs, /dev gets its
	# tmpfs, and a mask looked up by path no longer finds the procfs.
	# shellcheck disable=SC2016 # expanded by the inner shell
	OUT=$(timeout 30 unshare -m --propagation private sh -c '
		R=$1
		mount -t proc proc "$R/dev/p" || exit 1
		mount -t tmpfs tmpfs "$R/dev" || exit 1
		if [ -e "$R/dev/p/keys" ]; then echo keys=found; else echo keys=absent; fi
		awk -v d="$R/dev/p" '\''$5 == d { print "procfs=" $9 }'\'' /proc/self/mountinfo
		awk -v d="$R/dev/p/" '\''index($5, d) == 1 { n++ } END { print "masks=" n + 0 }'\'' /proc/self/mountinfo
	' sh "$R" 2>&1)
	assert_eq "control: /proc/keys through the link once /dev is mounted" "$(sec_line keys)" absent
	assert_eq "control: the procfs is still mounted under the covered /dev" "$(sec_line procfs)" proc
	assert_eq "control: mounts on or under the hidden procfs" "$(sec_line masks)" 0

	# Control 2: with the masks off (what the link did), a nested user
	# namespace of a container without one of its own mounts a fresh
	# procfs and writes the host's core_pattern (its own value, so that
	# nothing changes). The container takes its masks off with SYS_ADMIN.
	rm "$R/proc"
	mkdir "$R/proc"
	sec_name procctl
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" --cap-add SYS_ADMIN -- sh -c "
		for p in \$(awk '\$5 ~ \"^/(proc|sys)/\" { print \$5 }' /proc/self/mountinfo | sort -r); do umount \$p; done
		/mp nested-proc /dev/shm/p '$core'"
	assert_eq "control: nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "control: a nested user namespace mounts a fresh procfs" "$(sec_line mount)" ok
	assert_eq "control: and writes kernel.core_pattern through it" "$(sec_line core_pattern)" ok
	sec_core_pattern_same "$core"
	sec_finish
}

@test "masks: an image /proc and /sys with files and symlinks of their own: the masks and read-only binds land on the procfs and sysfs just mounted" {
	sec_maskprobe_rootfs
	local ns proc_id sys_id line p want
	# What the image puts where the masks go; all of it lies under the
	# mounts, and none of it may catch a mask.
	echo image-keys >"$R/proc/keys"
	ln -s /etc "$R/proc/sys"
	mkdir -p "$R/proc/acpi" "$R/sys/firmware"
	echo image-acpi >"$R/proc/acpi/x"
	ln -s /tmp "$R/proc/timer_list"
	echo image-fw >"$R/sys/firmware/x"
	for ns in "" "--ns $SEC_NOUSER"; do
		sec_name "procimg${#SEC_NAMES[@]}"
		# shellcheck disable=SC2086 # ns is a list of options
		sec_run "$NAME" --rootfs "$R" $ns -- cat /proc/self/mountinfo
		assert_eq "nswatch run $ns exit status" "$NSW_STATUS" 0
		proc_id=$(awk '$5 == "/proc" { print $1 }' <<<"$OUT")
		sys_id=$(awk '$5 == "/sys" { print $1 }' <<<"$OUT")
		[ -n "$proc_id" ] && [ -n "$sys_id" ] || fail "no /proc or /sys mount inside ($ns): $OUT"
		# Each mask's mount: "PARENT FSTYPE ROOT".
		for p in /proc/keys /proc/timer_list /proc/acpi /proc/sys /proc/bus /proc/fs /proc/irq; do
			[ -e "$p" ] || continue
			line=$(awk -v p="$p" '$5 == p { for (i = 7; $i != "-"; i++); print $2, $(i + 1), $4 }' <<<"$OUT")
			case $p in
			/proc/keys | /proc/timer_list) want="$proc_id devtmpfs /null" ;;
			/proc/acpi) want="$proc_id tmpfs /" ;;
			*) want="$proc_id proc /${p#/proc/}" ;;
			esac
			assert_eq "the mount on $p inside ($ns): parent, fstype, root" "$line" "$want"
		done
		line=$(awk '$5 == "/sys/firmware" { for (i = 7; $i != "-"; i++); print $2, $(i + 1) }' <<<"$OUT")
		assert_eq "the mount on /sys/firmware inside ($ns): parent, fstype" "$line" "$sys_id tmpfs"
		sec_assert_clean "$NAME"
	done
	# The image's files are as they were.
	assert_eq "the image's /proc/keys" "$(cat "$R/proc/keys")" image-keys
	assert_eq "the image's /proc/acpi/x" "$(cat "$R/proc/acpi/x")" image-acpi
	assert_eq "the image's /sys/firmware/x" "$(cat "$R/sys/firmware/x")" image-fw
	# Control: resolved by path through the image (as before the mounts
	# are made), /proc/sys is the image's link to its /etc, and
	# /proc/timer_list a way into its /tmp.
	assert_eq "control: the image's /proc/sys" "$(readlink "$R/proc/sys")" /etc
	assert_eq "control: the image's /proc/timer_list" "$(readlink "$R/proc/timer_list")" /tmp
	sec_finish
}

@test "masks without a user namespace: a nested user namespace (unshare -U) cannot write core_pattern nor mount a fresh procfs; control: with a writable procfs it can" {
	sec_maskprobe_rootfs
	local core d=$BATS_TEST_TMPDIR/proc
	core=$(cat /proc/sys/kernel/core_pattern)
	sec_name nestnu
	# The default seccomp filter refuses the nested user namespace itself
	# (item 5); the masks must hold without it, so it lets this one through.
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" --allow-userns -- sh -c "
		/mp nested-write /proc/sys/kernel/core_pattern '$core' | sed 's/^/w_/'
		/mp nested-proc /dev/shm/p '$core' | sed 's/^/p_/'
		unshare -U sh -c 'echo \"$core\" >/proc/sys/kernel/core_pattern' 2>/dev/null; echo busybox=\$?"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "unshare(CLONE_NEWUSER) inside" "$(sec_line w_unshare)" ok
	assert_eq "writing core_pattern from a nested user namespace" "$(sec_line w_write)" EROFS
	assert_eq "mounting a fresh procfs from a nested user namespace" "$(sec_line p_mount)" EPERM
	assert_ne "busybox unshare -U, then echo >core_pattern" "$(sec_line busybox)" 0
	sec_core_pattern_same "$core"
	sec_finish

	# Control: the same probe as the host's root in a scratch mount
	# namespace with a fresh, writable procfs: the nested user namespace's
	# uid is still the host's 0, which is what the sysctl checks (its own
	# value written back, so that nothing changes).
	mkdir -p "$d"
	# shellcheck disable=SC2016 # expanded by the inner shell
	OUT=$(timeout 30 unshare -m --propagation private sh -c \
		'mount -t proc proc "$1" && "$2" nested-write "$1/sys/kernel/core_pattern" "$3"' \
		sh "$d" "$MP" "$core" 2>&1)
	assert_eq "control: writing core_pattern from a nested user namespace, procfs writable" "$(sec_line write)" ok
	sec_core_pattern_same "$core"
}

# ---- issue 10, item 10: no CAP_NET_RAW by default ----

@test "NET_RAW: by default a container on the bridge cannot open an AF_PACKET socket, nor poison another container's ARP entry; control: with --cap-add NET_RAW it can" {
	sec_maskprobe_rootfs
	local victim vip vmac amac gw=10.89.0.1
	sec_name victim
	victim=$NAME
	sec_start "$victim" --rootfs "$R" --net bridge -- sleep 300
	vip=$(jq -r .ip "/run/nswatch/$victim/state.json")
	vip=${vip%/*}
	sec_exec "$victim" "$victim" cat /sys/class/net/eth0/address
	vmac=$OUT
	[[ $vmac =~ ^[0-9a-f:]{17}$ ]] || fail "the victim's MAC: '$vmac'"

	# The attack: ARP requests to the victim that say the gateway is at
	# the attacker's MAC.
	sec_name arp
	sec_run "$NAME" --rootfs "$R" --net bridge -- sh -c \
		"grep CapEff /proc/self/status | tr -d '\t'; cat /sys/class/net/eth0/address; /mp arpspoof eth0 $gw $vip $vmac 10; :"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "CapEff of the attacker" "$(sed -n 1p <<<"$OUT")" "CapEff:$SEC_CAPS_DEFAULT"
	amac=$(sed -n 2p <<<"$OUT")
	assert_eq "socket(AF_PACKET, SOCK_RAW) by default" "$(sec_line packet)" EPERM
	sec_exec "$victim" "$victim" cat /proc/net/arp
	if grep -qi "$amac" <<<"$OUT"; then
		fail "the victim's ARP table has the attacker's MAC $amac without NET_RAW: $OUT"
	fi

	# Control: the same attacker with NET_RAW poisons the victim's entry.
	sec_name arpctl
	sec_run "$NAME" --rootfs "$R" --net bridge --cap-add NET_RAW -- sh -c \
		"grep CapEff /proc/self/status | tr -d '\t'; cat /sys/class/net/eth0/address; /mp arpspoof eth0 $gw $vip $vmac 10"
	assert_eq "control: nswatch run --cap-add NET_RAW exit status" "$NSW_STATUS" 0
	assert_eq "control: CapEff with --cap-add NET_RAW (bit 13 back)" "$(sed -n 1p <<<"$OUT")" \
		"CapEff:$(printf '%016x' $((16#$SEC_CAPS_DEFAULT | 1 << 13)))"
	amac=$(sed -n 2p <<<"$OUT")
	assert_eq "control: socket(AF_PACKET, SOCK_RAW) with NET_RAW" "$(sec_line packet)" ok
	assert_eq "control: ARP packets sent" "$(sec_line sent)" 10
	sec_exec "$victim" "$victim" cat /proc/net/arp
	assert_eq "control: the victim's ARP entry for the gateway $gw" \
		"$(awk -v ip="$gw" '$1 == ip { print $4 }' <<<"$OUT")" "$amac"
	sec_finish
}

# ---- issue 10, item 11: smaller ones ----

@test "idmap: --uid-map 0:0:65536 runs on a filesystem without idmapped mounts (ramfs), with no idmapped mount; control: the default idmaps, which ramfs refuses" {
	local fs=$BATS_TEST_TMPDIR/ramfs st out opts
	mkdir -p "$fs"
	mount -t ramfs ramfs "$fs"
	cp -a "$NSW_ROOTFS" "$fs/r"
	printf '%s\n' "awk '\$5 == \"/\" { print \$6 }' /proc/\$NSWATCH_PID/mountinfo >'$W/hook.out'" >"$W/hook.sh"
	sec_name idm
	# --read-only: no writable layer, so the init's root mount is the rootfs
	# itself, idmapped or not (with a layer it is the overlay above it).
	sec_run "$NAME" --rootfs "$fs/r" --read-only --uid-map 0:0:65536 --prestart-hook "sh $W/hook.sh" -- \
		sh -c 'id -u; stat -c %u /bin/busybox'
	st=$NSW_STATUS
	out=$OUT
	opts=$(cat "$W/hook.out" 2>/dev/null)
	# Control, on the same ramfs: the default map idmaps the rootfs, and
	# the message names the filesystem.
	sec_name idmctl
	sec_run "$NAME" --rootfs "$fs/r" -- true
	umount "$fs"
	assert_eq "nswatch run --uid-map 0:0:65536 on ramfs exit status" "$st" 0
	assert_eq "uid inside, owner of /bin/busybox inside" "$out" "0
0"
	[ -n "$opts" ] || fail "the prestart hook did not see the init's root mount"
	if [[ ,$opts, == *,idmapped,* ]]; then
		fail "the root mount of the init is idmapped with --uid-map 0:0:65536: $opts"
	fi
	assert_eq "control: nswatch run (default map) on ramfs exit status" "$NSW_STATUS" 125
	grep -q "its filesystem must support idmapped mounts" "$NSW_ERR" ||
		fail "control: the message does not name the filesystem: $(cat "$NSW_ERR")"
	# Control for the mountinfo check: on the default rootfs, the default map idmaps.
	sec_name idmdef
	sec_run "$NAME" --read-only --prestart-hook "sh $W/hook.sh" -- true
	assert_eq "control: nswatch run (default) exit status" "$NSW_STATUS" 0
	[[ ,$(cat "$W/hook.out"), == *,idmapped,* ]] ||
		fail "control: the default run's root mount is not idmapped: $(cat "$W/hook.out")"
	sec_finish
}

@test "idmap: without mount_setattr (a kernel before 5.12, by seccomp ENOSYS) the error names the kernel, not the filesystem" {
	# mount_setattr is syscall 442 on x86-64 (the helper's filter is x86-64's).
	require_x86_64
	sec_static nsw_maskprobe
	# sec_run runs "$SEC_NSWATCH run --name NAME ...": nswatch under the filter.
	printf '#!/bin/sh\nexec "%s" enosys 442 -- "%s" "$@"\n' "$SEC_BIN" "$NSWATCH" >"$W/enosys.sh"
	chmod 0755 "$W/enosys.sh"
	SEC_NSWATCH=$W/enosys.sh
	sec_name enosys
	sec_run "$NAME" -- true
	assert_eq "nswatch run (idmapped) exit status" "$NSW_STATUS" 125
	grep -q "cannot idmap the rootfs .*: mount_setattr (idmapped mounts) needs Linux 5.12 or later (this kernel is $(uname -r))" "$NSW_ERR" ||
		fail "the message does not name the kernel: $(cat "$NSW_ERR")"
	if grep -q "filesystem" "$NSW_ERR"; then
		fail "the message blames the filesystem: $(cat "$NSW_ERR")"
	fi
	sec_name enosys2
	sec_run "$NAME" --uid-map 0:0:65536 -- true
	assert_eq "nswatch run --uid-map 0:0:65536 exit status" "$NSW_STATUS" 125
	grep -q "mount_setattr needs Linux 5.12 or later (this kernel is $(uname -r))" "$NSW_ERR" ||
		fail "the message (no idmapping) does not name the kernel: $(cat "$NSW_ERR")"
	SEC_NSWATCH=$NSWATCH
	# Control: without the filter, the same runs work.
	sec_name enosysctl
	sec_run "$NAME" -- true
	assert_eq "control: nswatch run exit status" "$NSW_STATUS" 0
	sec_finish
}

@test "options: -u :1 refused; --hostname with a newline, '_' or 65 characters refused; --trace-json /dev/full fails; a volume target with a trailing / works; a volume on / refused" {
	local src=$BATS_TEST_TMPDIR/vol h
	mkdir -p "$src"
	echo vol-marker >"$src/f"
	chmod 0755 "$src"
	chmod 0644 "$src/f"
	sec_name opts
	sec_run "$NAME" -u :1 -- id
	assert_eq "run -u :1 exit status" "$NSW_STATUS" 2
	grep -q "bad --user ':1'" "$NSW_ERR" || fail "run -u :1: $(cat "$NSW_ERR")"
	sec_run "$NAME" -u 0:1 -- id -g
	assert_eq "control: run -u 0:1 exit status" "$NSW_STATUS" 0
	assert_eq "control: gid of run -u 0:1" "$OUT" 1
	for h in $'evil\nhost' evil_host "$(printf 'h%.0s' $(seq 65))" -evil; do
		sec_run "$NAME" --hostname "$h" -- hostname
		assert_eq "run --hostname '$h' exit status" "$NSW_STATUS" 2
		grep -q "bad --hostname" "$NSW_ERR" || fail "run --hostname '$h': $(cat "$NSW_ERR")"
	done
	h="$(printf 'h%.0s' $(seq 31)).$(printf 'h%.0s' $(seq 32))"
	sec_run "$NAME" --hostname "$h" -- hostname
	assert_eq "control: run --hostname of 64 characters exit status" "$NSW_STATUS" 0
	assert_eq "control: the 64-character hostname" "$OUT" "$h"

	sec_run "$NAME" --trace-json /dev/full -- true
	assert_eq "run --trace-json /dev/full exit status" "$NSW_STATUS" 125
	grep -q -- "--trace-json: cannot write /dev/full (the command exited with status 0): No space left on device" "$NSW_ERR" ||
		fail "run --trace-json /dev/full: $(cat "$NSW_ERR")"
	sec_run "$NAME" --trace-json "$W/t.json" -- true
	assert_eq "control: run --trace-json FILE exit status" "$NSW_STATUS" 0
	[ -s "$W/t.json" ] || fail "control: $W/t.json is empty"

	sec_run "$NAME" -v "$src:/data/" -- cat /data/f
	assert_eq "run -v SRC:/data/ exit status" "$NSW_STATUS" 0
	assert_eq "the volume at /data/" "$OUT" vol-marker
	for h in / // /. /data/..; do
		sec_run "$NAME" -v "$src:$h" -- true
		assert_eq "run -v SRC:$h exit status" "$NSW_STATUS" 2
		grep -q "DST may not be /" "$NSW_ERR" || fail "run -v SRC:$h: $(cat "$NSW_ERR")"
	done
	sec_finish
}

# ---- issue 10, item 4: a container never writes the rootfs it was given ----

# sec_upper NAME: the upper directory of container NAME's writable layer
# (where everything it writes to its root lands).
sec_upper() {
	printf '%s\n' "/run/nswatch/$1/layer/upper"
}

# sec_tree_sum DIR: one sum of DIR's tree: every entry's path, mode, owner,
# size, mtime, type and link target, and every file's contents.
sec_tree_sum() {
	{
		find "$1" -printf '%p %m %u %g %s %T@ %y %l\n' | sort
		find "$1" -type f -print0 | sort -z | xargs -0 sha256sum
	} | sha256sum
}

# sec_assert_no_layer_mount NAME WHEN: no overlay mount with an upper
# directory of container NAME in this shell's or init's mount namespace.
sec_assert_no_layer_mount() {
	local mounts
	mounts=$(grep -h "upperdir=/run/nswatch/$1/" /proc/self/mountinfo /proc/1/mountinfo || true)
	if [ -n "$mounts" ]; then
		fail "$2: an overlay mount of container $1 is on the host: $mounts"
		return 1
	fi
}

# sec_assert_no_layer NAME WHEN: nothing of container NAME's layer is left:
# no layer directory, no overlay mount of it.
sec_assert_no_layer() {
	if [ -e "/run/nswatch/$1/layer" ]; then
		fail "$2: the layer /run/nswatch/$1/layer is left: $(find "/run/nswatch/$1/layer" | head)"
		return 1
	fi
	sec_assert_no_layer_mount "$1" "$2"
}

# The attack, as the container's root: a setuid-root copy of busybox, a
# trojan /bin/sh (the symlink replaced by a script), an account added to
# /etc/passwd. It prints what it planted, as the container sees it.
SEC_LAYER_ATTACK='cp /bin/busybox /bin/nsw_suid && chmod 4755 /bin/nsw_suid &&
rm /bin/sh && printf "#!/bin/busybox sh\necho TROJAN\n" >/bin/sh && chmod 755 /bin/sh &&
echo "evil::0:0::/:/bin/busybox" >>/etc/passwd &&
stat -c "%a %u" /bin/nsw_suid && /bin/sh && grep -c "^evil:" /etc/passwd'
SEC_LAYER_PLANTED='4755 0
TROJAN
1'
# What a container that did not plant anything sees of it.
SEC_LAYER_CHECK='ls /bin/nsw_suid 2>&1; readlink /bin/sh; grep -c "^evil:" /etc/passwd; :'
SEC_LAYER_CLEAN='ls: /bin/nsw_suid: No such file or directory
/bin/busybox
0'

@test "layer: the container's root plants a setuid-root busybox, a trojan /bin/sh and a passwd entry; the rootfs on disk is unchanged and a later container sees none of it (control: through a plain bind of the rootfs, as before, they land on disk)" {
	local R=$BATS_TEST_TMPDIR/rootfs before suid ns
	cp -a "$NSW_ROOTFS" "$R"
	before=$(sec_tree_sum "$R")
	suid=$(find "$R" -perm -4000 | sort)
	# With a user namespace (root is an unprivileged host uid) and without
	# one (root is the host's root, and its setuid file would be root's).
	for ns in "" "--ns $SEC_NOUSER"; do
		sec_name "plant"
		# shellcheck disable=SC2086 # ns is a list of options
		sec_run "$NAME" --rootfs "$R" $ns -- sh -c "$SEC_LAYER_ATTACK"
		assert_eq "nswatch run $ns (the attack) exit status" "$NSW_STATUS" 0
		assert_eq "what the attacker planted, as its container sees it ($ns)" "$OUT" "$SEC_LAYER_PLANTED"
		sec_assert_no_layer "$NAME" "after the attacker's container ($ns) exited"
		assert_eq "sum of the rootfs tree after the attack ($ns)" "$(sec_tree_sum "$R")" "$before"
		assert_eq "setuid files in the rootfs after the attack ($ns)" "$(find "$R" -perm -4000 | sort)" "$suid"

		sec_name "later"
		# shellcheck disable=SC2086
		sec_run "$NAME" --rootfs "$R" $ns -- sh -c "$SEC_LAYER_CHECK"
		assert_eq "nswatch run $ns (a later container) exit status" "$NSW_STATUS" 0
		assert_eq "what a later container on the same rootfs sees ($ns)" "$OUT" "$SEC_LAYER_CLEAN"
		sec_assert_no_layer "$NAME" "after the later container ($ns) exited"
	done
	sec_finish

	# Control: the same attack through a plain writable bind of the rootfs
	# (what the container's root had before the layer), by the host's root
	# in a scratch mount namespace: it lands on disk.
	local m=$BATS_TEST_TMPDIR/plain
	mkdir "$m"
	OUT=$(timeout 20 unshare -m --propagation private sh -c \
		'mount --bind "$1" "$2" && chroot "$2" /bin/sh -c "$3"' sh "$R" "$m" "$SEC_LAYER_ATTACK" 2>&1) || true
	assert_eq "control: what the attack planted through a plain bind" "$OUT" "$SEC_LAYER_PLANTED"
	assert_ne "control: sum of the rootfs tree after the attack through a plain bind" "$(sec_tree_sum "$R")" "$before"
	assert_eq "control: the setuid copy on disk" "$(stat -c '%a %u' "$R/bin/nsw_suid")" "4755 0"
	assert_eq "control: the host mounts on the scratch directory" "$(sec_host_mounts_on "$m")" ""
}

@test "layer: two containers on the same rootfs at once do not see each other's writes (control: a shared volume they do); rm -f of both leaves no layer and no overlay mount" {
	local R=$BATS_TEST_TMPDIR/rootfs before shared=$BATS_TEST_TMPDIR/shared a b
	cp -a "$NSW_ROOTFS" "$R"
	before=$(sec_tree_sum "$R")
	mkdir "$shared"
	chmod 0777 "$shared"
	sec_name conca
	a=$NAME
	sec_start "$a" --rootfs "$R" -v "$shared:/shared" -- sh -c \
		'echo A >/from-a; echo A >/shared/from-a; echo A >>/etc/passwd; exec sleep 300'
	sec_name concb
	b=$NAME
	sec_start "$b" --rootfs "$R" --ns "$SEC_NOUSER" -v "$shared:/shared" -- sh -c \
		'echo B >/from-b; echo B >/shared/from-b; echo B >>/etc/passwd; exec sleep 300'
	sec_wait_file "$shared/from-a" 10
	sec_wait_file "$shared/from-b" 10

	sec_exec "$a" "$a" sh -c 'cat /from-a /shared/from-b; ls /from-b 2>&1; tail -n1 /etc/passwd'
	assert_eq "what container A sees of its own and B's writes" "$OUT" "A
B
ls: /from-b: No such file or directory
A"
	sec_exec "$b" "$b" sh -c 'cat /from-b /shared/from-a; ls /from-a 2>&1; tail -n1 /etc/passwd'
	assert_eq "what container B sees of its own and A's writes" "$OUT" "B
A
ls: /from-a: No such file or directory
B"
	# Where the writes went: each container's own layer; not the rootfs.
	assert_eq "A's file in A's layer" "$(cat "$(sec_upper "$a")/from-a")" A
	assert_eq "B's file in B's layer" "$(cat "$(sec_upper "$b")/from-b")" B
	assert_eq "sum of the rootfs tree while both run" "$(sec_tree_sum "$R")" "$before"
	# The overlays live only in the containers' mount namespaces.
	sec_assert_no_layer_mount "$a" "while $a runs"
	sec_assert_no_layer_mount "$b" "while $b runs"

	sec_finish
	sec_assert_no_layer "$a" "after rm -f $a"
	sec_assert_no_layer "$b" "after rm -f $b"
	assert_eq "sum of the rootfs tree after both" "$(sec_tree_sum "$R")" "$before"
}

# A container command that prints its root's filesystem type.
SEC_ROOT_FSTYPE='awk '\''$5 == "/" { for (i = 7; $i != "-"; i++); print $(i + 1) }'\'' /proc/self/mountinfo'

@test "layer: --read-only gets none and cannot write; the layer goes with a failed start, a killed monitor, and a tree deeper than one descent" {
	local R=$BATS_TEST_TMPDIR/rootfs before mpid i
	cp -a "$NSW_ROOTFS" "$R"
	before=$(sec_tree_sum "$R")

	# --read-only: the rootfs itself, read-only; no layer is made.
	sec_name ro
	sec_run "$NAME" --rootfs "$R" --read-only --prestart-hook \
		"ls -A /run/nswatch/\$NSWATCH_NAME >$W/ro.state" -- sh -c \
		"$SEC_ROOT_FSTYPE; { echo x >/planted; } 2>&1"
	assert_eq "nswatch run --read-only exit status" "$NSW_STATUS" 1
	assert_eq "the root of a --read-only container, and a write to it" "$OUT" "$(findmnt -n -o FSTYPE -T "$R")
sh: can't create /planted: Read-only file system"
	assert_eq "what the state directory of a --read-only container holds" "$(grep -c layer "$W/ro.state")" 0
	# Without: an overlay.
	sec_name rw
	sec_run "$NAME" --rootfs "$R" -- sh -c "$SEC_ROOT_FSTYPE"
	assert_eq "the root of a container without --read-only" "$OUT" overlay

	# A start that fails after the layer was made (the prestart hook runs
	# with it in place) removes it.
	sec_name failhook
	sec_run "$NAME" --rootfs "$R" --prestart-hook \
		"test -d /run/nswatch/\$NSWATCH_NAME/layer/upper && touch $W/had-layer; exit 3" -- true
	assert_eq "nswatch run with a failing prestart hook: exit status" "$NSW_STATUS" 125
	[ -e "$W/had-layer" ] || fail "the prestart hook did not see the layer"
	sec_assert_no_layer "$NAME" "after a failed start"
	sec_assert_clean "$NAME"

	# A tree deeper than the removal descends at once (32), with
	# directories of mode 0; then the monitor is killed: rm -f removes it.
	sec_name deep
	sec_start "$NAME" --rootfs "$R" -- sh -c \
		'cd /tmp; for i in $(seq 100); do mkdir d; chmod 0 d; cd d; done; touch f; ln -s / loop; exec sleep 300'
	sec_wait_file "$(sec_upper "$NAME")/tmp/$(printf 'd/%.0s' $(seq 100))f" 10
	mpid=$(jq -r .monitor_pid "/run/nswatch/$NAME/state.json")
	kill -KILL "$mpid"
	# The init dies with it (its parent-death signal).
	for ((i = 0; i < 100; i++)); do
		[ -d "/proc/$PID" ] || break
		sleep 0.1
	done
	sec_finish
	sec_assert_no_layer "$NAME" "after the monitor was killed and rm -f"
	assert_eq "sum of the rootfs tree after all of it" "$(sec_tree_sum "$R")" "$before"
}

# ---- issue 10, item 5: a seccomp filter by default ----
#
# The probes are tests/helpers/nsw_scprobe.c, static, at /nsw_scprobe in a
# copy of the rootfs: each prints "ok ..." or the errno name it got.

# sec_sc_rootfs: R := a copy of the busybox rootfs with /nsw_scprobe;
# SC := the same probe on the host.
sec_sc_rootfs() {
	R="$BATS_TEST_TMPDIR/rootfs"
	cp -a "$NSW_ROOTFS" "$R"
	sec_static nsw_scprobe
	install -m 0755 "$SEC_BIN" "$R/nsw_scprobe"
	SC=$SEC_BIN
}

# sec_sc_key: a key in host root's user keyring, which teardown of the
# test (sec_sc_unkey) removes. KEY := its description.
sec_sc_key() {
	KEY="nswtest-$$-$BATS_TEST_NUMBER"
	local out
	out=$("$SC" addkey "$KEY" nswsecret)
	[[ $out == ok* ]] || fail "cannot add a key to root's user keyring on the host: $out"
}

sec_sc_unkey() {
	assert_eq "removing the test's key from the host keyring" "$("$SC" rmkey "$KEY")" ok
	assert_ne "the test's key after its removal" "$("$SC" readkey "$KEY")" "ok nswsecret"
}

# sec_sc_profile NAME JSON: write a profile file; P := its path.
sec_sc_profile() {
	P="$BATS_TEST_TMPDIR/$1.json"
	printf '%s\n' "$2" >"$P"
}

@test "seccomp: without a user namespace the container cannot read host root's keyring (EPERM); control: --seccomp unconfined reads it" {
	sec_sc_rootfs
	sec_sc_key
	sec_name key
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" -- sh -c \
		"echo key=\$(/nsw_scprobe readkey $KEY); echo add=\$(/nsw_scprobe addkey evil x)
		grep '^Seccomp:' /proc/self/status"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "reading host root's key inside" "$(sec_line key)" EPERM
	assert_eq "adding a key inside" "$(sec_line add)" EPERM
	grep -q '^Seccomp:[[:space:]]*2$' <<<"$OUT" || fail "the container's process is not under a seccomp filter: $OUT"

	sec_name keyctl
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" --seccomp unconfined -- sh -c \
		"echo key=\$(/nsw_scprobe readkey $KEY)"
	assert_eq "control: nswatch run --seccomp unconfined exit status" "$NSW_STATUS" 0
	assert_eq "control: reading host root's key inside, unconfined" "$(sec_line key)" "ok nswsecret"
	sec_sc_unkey
	sec_finish
}

@test "seccomp: nswatch exec runs under the container's filter (keyring EPERM); control: exec into an unconfined container reads it" {
	sec_sc_rootfs
	sec_sc_key
	local a b
	sec_name exec
	a=$NAME
	sec_start "$a" --rootfs "$R" --ns "$SEC_NOUSER" -- sleep 300
	assert_eq "state: options.seccomp" "$(jq -r .options.seccomp "/run/nswatch/$a/state.json")" default
	sec_exec "$a" "$a" /nsw_scprobe readkey "$KEY"
	assert_eq "nswatch exec $a: reading host root's key" "$OUT" EPERM
	sec_name execctl
	b=$NAME
	sec_start "$b" --rootfs "$R" --ns "$SEC_NOUSER" --seccomp unconfined -- sleep 300
	assert_eq "state: options.seccomp (control)" "$(jq -r .options.seccomp "/run/nswatch/$b/state.json")" unconfined
	sec_exec "$b" "$b" /nsw_scprobe readkey "$KEY"
	assert_eq "control: nswatch exec $b (unconfined): reading host root's key" "$OUT" "ok nswsecret"
	sec_sc_unkey
	sec_finish
}

@test "seccomp: no new user namespace by default (unshare, clone: EPERM; clone3: ENOSYS), nor a mount through one; --allow-userns and unconfined allow them" {
	sec_sc_rootfs
	local probe='echo unshare=$(/nsw_scprobe unshare user); echo clone=$(/nsw_scprobe clone user)
		echo clone3=$(/nsw_scprobe clone3); echo usermount=$(/nsw_scprobe usermount)
		echo mount=$(/nsw_scprobe mount); echo files=$(/nsw_scprobe unshare files)'
	local ns
	for ns in "" "$SEC_NOUSER"; do
		sec_name userns
		sec_run "$NAME" --rootfs "$R" ${ns:+--ns "$ns"} -- sh -c "$probe"
		assert_eq "nswatch run exit status (--ns '$ns')" "$NSW_STATUS" 0
		assert_eq "unshare(CLONE_NEWUSER) (--ns '$ns')" "$(sec_line unshare)" EPERM
		assert_eq "clone(CLONE_NEWUSER) (--ns '$ns')" "$(sec_line clone)" EPERM
		assert_eq "clone3 (--ns '$ns')" "$(sec_line clone3)" ENOSYS
		assert_eq "a mount through a new user namespace (--ns '$ns')" "$(sec_line usermount)" "unshare EPERM"
		assert_eq "mount (--ns '$ns')" "$(sec_line mount)" EPERM
		assert_eq "unshare(CLONE_FILES), no namespace (--ns '$ns')" "$(sec_line files)" ok

		sec_name usernsok
		sec_run "$NAME" --rootfs "$R" ${ns:+--ns "$ns"} --allow-userns -- sh -c "$probe"
		assert_eq "--allow-userns: nswatch run exit status (--ns '$ns')" "$NSW_STATUS" 0
		assert_eq "--allow-userns: unshare(CLONE_NEWUSER) (--ns '$ns')" "$(sec_line unshare)" ok
		assert_eq "--allow-userns: clone(CLONE_NEWUSER) (--ns '$ns')" "$(sec_line clone)" ok
		assert_eq "--allow-userns: clone3 (--ns '$ns')" "$(sec_line clone3)" ENOSYS
		assert_eq "--allow-userns: a mount in a new user namespace (--ns '$ns')" "$(sec_line usermount)" ok

		sec_name usernsctl
		sec_run "$NAME" --rootfs "$R" ${ns:+--ns "$ns"} --seccomp unconfined -- sh -c "$probe"
		assert_eq "control: unconfined: nswatch run exit status (--ns '$ns')" "$NSW_STATUS" 0
		assert_eq "control: unconfined: unshare(CLONE_NEWUSER) (--ns '$ns')" "$(sec_line unshare)" ok
		assert_eq "control: unconfined: clone3 (--ns '$ns')" "$(sec_line clone3)" ok
		assert_eq "control: unconfined: a mount in a new user namespace (--ns '$ns')" "$(sec_line usermount)" ok
	done
	sec_finish
}

@test "seccomp: bpf and personality(ADDR_NO_RANDOMIZE) are refused by the default filter; CAP_BPF brings bpf back as in Docker; control: unconfined" {
	sec_sc_rootfs
	local probe='echo bpf=$(/nsw_scprobe bpf); echo pers=$(/nsw_scprobe personality 40000)
		echo pers0=$(/nsw_scprobe personality 0); echo persq=$(/nsw_scprobe personality ffffffff)'
	sec_name bpf
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" -- sh -c "$probe"
	assert_eq "nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "bpf(BPF_MAP_CREATE)" "$(sec_line bpf)" EPERM
	assert_eq "personality(ADDR_NO_RANDOMIZE)" "$(sec_line pers)" EPERM
	assert_eq "personality(PER_LINUX)" "$(sec_line pers0)" ok
	assert_eq "personality(0xffffffff), the query" "$(sec_line persq)" ok

	sec_name bpfcap
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" --cap-add BPF -- sh -c "$probe"
	assert_eq "--cap-add BPF: nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "--cap-add BPF: bpf(BPF_MAP_CREATE)" "$(sec_line bpf)" ok
	assert_eq "--cap-add BPF: personality(ADDR_NO_RANDOMIZE)" "$(sec_line pers)" EPERM

	sec_name bpfctl
	sec_run "$NAME" --rootfs "$R" --ns "$SEC_NOUSER" --seccomp unconfined -- sh -c "$probe"
	assert_eq "control: unconfined: nswatch run exit status" "$NSW_STATUS" 0
	assert_eq "control: unconfined: personality(ADDR_NO_RANDOMIZE)" "$(sec_line pers)" ok
	sec_finish
}

@test "seccomp: a profile file allows and denies what it says, in run and in exec (OCI and Docker fields)" {
	sec_sc_rootfs
	# Deny getpid with EACCES and chdir on this architecture only; allow
	# keyctl with CAP_SYS_ADMIN only (the container has not got it).
	sec_sc_profile deny '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		"syscalls": [
			{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "test"},
			{"name": "chdir", "action": "SCMP_ACT_ERRNO", "includes": {"arches": ["amd64", "arm64"], "minKernel": "4.8"}},
			{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
			{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
			 "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}
		]
	}'
	sec_name prof
	sec_start "$NAME" --rootfs "$R" --seccomp "$P" -- sleep 300
	local probe='echo getpid=$(/nsw_scprobe getpid); echo chdir=$(/nsw_scprobe chdir)
		echo key=$(/nsw_scprobe readkey none); echo pers8=$(/nsw_scprobe personality 8)
		echo pers0=$(/nsw_scprobe personality 0); echo userns=$(/nsw_scprobe unshare user)'
	sec_exec "$NAME" "$NAME" sh -c "$probe"
	assert_eq "nswatch exec exit status" "$NSW_STATUS" 0
	assert_eq "getpid under the profile (exec)" "$(sec_line getpid)" EACCES
	assert_eq "keyctl under the profile (exec)" "$(sec_line key)" EPERM
	assert_eq "personality(8) under the profile (exec)" "$(sec_line pers8)" EINVAL
	assert_eq "personality(0) under the profile (exec)" "$(sec_line pers0)" ok
	# The profile replaces the default: a user namespace is not refused.
	assert_eq "unshare(CLONE_NEWUSER) under the profile (exec)" "$(sec_line userns)" ok
	if [ "$(uname -m)" = x86_64 ]; then
		assert_eq "chdir under the profile (exec)" "$(sec_line chdir)" EPERM
	fi
	assert_eq "state: options.seccomp" "$(jq -r .options.seccomp "/run/nswatch/$NAME/state.json")" profile
	assert_eq "state: the profile's rules" \
		"$(jq -c '[.options.seccomp_profile.syscalls[].names[]]' "/run/nswatch/$NAME/state.json")" \
		'["getpid","chdir","keyctl","personality"]'

	# The same profile for run's own command.
	sec_name profrun
	sec_run "$NAME" --rootfs "$R" --seccomp "$P" -- /nsw_scprobe getpid
	assert_eq "nswatch run exit status (getpid denied)" "$NSW_STATUS" 1
	assert_eq "getpid under the profile (run)" "$OUT" EACCES
	sec_finish
}

@test "seccomp: a bad profile is refused with a message naming the file and the field; nothing is left behind" {
	local -a bad=(
		'{"defaultAction": "SCMP_ACT_ALLOW",'
		'{"defaultAction": "SCMP_ACT_MAYBE"}'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getpid", "nosuchcall"], "action": "SCMP_ACT_ERRNO"}]}'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "args": [{"index": "0", "op": "SCMP_CMP_EQ"}]}]}'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "getpid", "action": "SCMP_ACT_ERRNO"}]}'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}'
		'{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_NOPE"]}}]}'
		'{"defaultaction": "SCMP_ACT_ALLOW"}'
		'[]'
	)
	local -a want=(
		'not JSON'
		"defaultAction: unknown action 'SCMP_ACT_MAYBE'"
		"syscalls\\[0\\].names\\[1\\]: unknown system call 'nosuchcall'"
		'syscalls\[0\].args\[0\].index: must be an unsigned integer, not string'
		'syscalls\[0\].names: must be an array, not string'
		'syscalls\[0\].errnoRet: SCMP_ACT_ALLOW returns no errno'
		"architectures\\[0\\]: unknown architecture 'SCMP_ARCH_Z80'"
		"syscalls\\[0\\].includes.caps\\[0\\]: unknown capability 'CAP_NOPE'"
		"unknown field 'defaultaction'"
		'must be a JSON object, not array'
	)
	local i before
	before=$(ls /run/nswatch 2>/dev/null | sort)
	for i in "${!bad[@]}"; do
		sec_sc_profile "bad$i" "${bad[$i]}"
		sec_name bad$i
		sec_run "$NAME" --seccomp "$P" -- true
		assert_eq "exit status for profile $i (${bad[$i]})" "$NSW_STATUS" 2
		grep -q "seccomp profile $P: ${want[$i]}" "$NSW_ERR" ||
			fail "profile $i (${bad[$i]}): the message does not say '$P: ${want[$i]}': $(cat "$NSW_ERR")"
		sec_assert_clean "$NAME"
	done
	assert_eq "containers in /run/nswatch after the bad profiles" "$(ls /run/nswatch 2>/dev/null | sort)" "$before"
	# A missing file, and --allow-userns with a profile.
	sec_name badfile
	sec_run "$NAME" --seccomp "$BATS_TEST_TMPDIR/none.json" -- true
	assert_eq "exit status for a missing profile" "$NSW_STATUS" 2
	grep -q "seccomp profile $BATS_TEST_TMPDIR/none.json: No such file" "$NSW_ERR" ||
		fail "the message for a missing profile: $(cat "$NSW_ERR")"
	sec_name badmix
	sec_run "$NAME" --seccomp unconfined --allow-userns -- true
	assert_eq "exit status for --allow-userns with --seccomp unconfined" "$NSW_STATUS" 2
	sec_finish
}

# ---- issue 10, item 6: state files are untrusted input ----

ST_ROOT=/run/nswatch

# st_valid NAME: a state file as nswatch writes it for a stopped container
# NAME (its monitor pid long gone), with the fields given as jq arguments
# changed: st_valid NAME '.name = "x"'.
st_valid() {
	local name=$1 filter=${2:-.}
	jq -c "$filter" <<EOF_STATE
{"name":"$name","status":"creating","pid":0,"pid_starttime":0,"monitor_pid":4194304,"monitor_starttime":1,"created":"2026-01-01T00:00:00Z","namespaces":{"mnt":0,"uts":0,"ipc":0,"net":0,"cgroup":0,"pid":0,"time":0,"user":0},"cgroups":[],"id_slot":-1,"ip":"","gateway":"","host_interface":"","bridge":"","options":{"namespaces":[],"uid_map":[],"gid_map":[],"rootless":false,"rootfs":"/","read_only":false,"volumes":[],"hostname":"","command":[],"env":[],"workdir":"/","uid":0,"gid":0,"capabilities":[],"memory":0,"pids_limit":0,"cpu_quota_us":0,"cpu_period_us":0,"net":"none","detach":false}}
EOF_STATE
}

# st_plant NAME TEXT: TEXT as the state file of container NAME (made by hand).
st_plant() {
	SEC_NAMES+=("$1")
	mkdir -p "$ST_ROOT/$1"
	printf '%s\n' "$2" >"$ST_ROOT/$1/state.json"
}

# st_cg2: the cgroup2 mountpoint.
st_cg2() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo
}

@test "state: \"name\":\"../../DIR\" in a state file: rm -f removes only its own directory, never DIR's files; control: the path rm joined is DIR" {
	local victim="$W/victim" name
	mkdir -p "$victim"
	echo precious >"$victim/state.json"
	echo precious >"$victim/output.log"
	sec_name dotdot
	name="../..$victim"
	# Control: the path the old rm removed, root/NAME-from-the-file, is the victim.
	[ "$ST_ROOT/$name/state.json" -ef "$victim/state.json" ] ||
		fail "control: $ST_ROOT/$name is not $victim"
	st_plant "$NAME" "$(st_valid "$NAME" ".name = \"$name\"")"
	NSW_STATUS=0
	"$NSWATCH" rm "$NAME" 2>"$NSW_ERR" || NSW_STATUS=$?
	assert_ne "rm of a state file with a bad name" "$NSW_STATUS" 0
	grep -q "invalid state file $ST_ROOT/$NAME/state.json" "$NSW_ERR" || fail "no message naming the file: $(cat "$NSW_ERR")"
	grep -q '"name"' "$NSW_ERR" || fail "no message naming the field: $(cat "$NSW_ERR")"
	"$NSWATCH" rm -f "$NAME"
	[ -f "$victim/state.json" ] && [ -f "$victim/output.log" ] && [ -d "$victim" ] ||
		fail "rm followed the name out of the state directory: $(ls -la "$victim")"
	sec_finish
}

@test "state: \"cgroups\":{} (a json-c assertion before) breaks nothing: ps lists the others and names the bad file, ls, trace, kill, exec work; rm -f removes it; control: json-c aborts on it as the old loader read it" {
	local good
	require_cmd cc
	# Control: what the old loader did with "cgroups", json_object_array_length() on it.
	cat >"$W/old.c" <<'EOF_C'
#include <stdio.h>
#include <json-c/json.h>
int main(int argc, char **argv)
{
	struct json_object *o = json_object_from_file(argv[1]), *a;
	(void)argc;
	if (!o || !json_object_object_get_ex(o, "cgroups", &a))
		return 2;
	printf("%zu\n", json_object_array_length(a));
	return 0;
}
EOF_C
	cc -o "$W/old" "$W/old.c" -ljson-c || fail "cannot build the control"
	sec_name bad
	st_plant "$NAME" "$(st_valid "$NAME" '.cgroups = {}')"
	NSW_STATUS=0
	"$W/old" "$ST_ROOT/$NAME/state.json" >/dev/null 2>&1 || NSW_STATUS=$?
	assert_eq "control: json-c aborts (SIGABRT) as the old loader used the field" "$NSW_STATUS" 134
	sec_name good
	good=$NAME
	sec_start "$good" -- sleep 300
	NAME=${SEC_NAMES[0]}
	"$NSWATCH" ps >"$NSW_OUT" 2>"$NSW_ERR" || fail "ps failed: $(cat "$NSW_ERR")"
	grep -q "^$good " "$NSW_OUT" || fail "ps does not list $good: $(cat "$NSW_OUT")"
	grep -q "$ST_ROOT/$NAME/state.json.*\"cgroups\"" "$NSW_ERR" || fail "ps does not name the bad file and field: $(cat "$NSW_ERR")"
	"$NSWATCH" ps --json >"$NSW_OUT" 2>/dev/null || fail "ps --json failed"
	jq -e --arg n "$good" 'select(.name == $n)' "$NSW_OUT" >/dev/null || fail "ps --json does not list $good"
	timeout 60 "$NSWATCH" ls >/dev/null 2>"$NSW_ERR" || fail "ls failed: $(cat "$NSW_ERR")"
	timeout 60 "$NSWATCH" trace -- true >/dev/null 2>"$NSW_ERR" || fail "trace failed: $(cat "$NSW_ERR")"
	sec_exec "$good" "$good" true
	assert_eq "exec into the good container" "$NSW_STATUS" 0
	for cmd in "kill $NAME" "exec $NAME true" "rm $NAME"; do
		NSW_STATUS=0
		# shellcheck disable=SC2086
		timeout 20 "$NSWATCH" $cmd >/dev/null 2>"$NSW_ERR" || NSW_STATUS=$?
		[ "$NSW_STATUS" -ge 1 ] && [ "$NSW_STATUS" -lt 128 ] || [ "$NSW_STATUS" = 125 ] ||
			fail "$cmd of the bad one: exit status $NSW_STATUS (a crash?)"
		grep -q 'invalid state file' "$NSW_ERR" || fail "$cmd: no clear message: $(cat "$NSW_ERR")"
	done
	"$NSWATCH" kill "$good" || fail "kill of the good container failed"
	"$NSWATCH" rm -f "$NAME" || fail "rm -f of the bad one failed"
	[ ! -e "$ST_ROOT/$NAME" ] || fail "rm -f left $ST_ROOT/$NAME"
	sec_finish
}

@test "state: pids of host processes in a state file are not signalled by kill or rm -f, nor joined by exec; control: their start times match, as the old check wanted" {
	local p1 p2 st1 st2 status
	sleep 300 &
	p1=$!
	sleep 300 &
	p2=$!
	st1=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$p1/stat")
	st2=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$p2/stat")
	sec_name pids
	st_plant "$NAME" "$(st_valid "$NAME" ".pid = $p1 | .pid_starttime = $st1 | .monitor_pid = $p2 | .monitor_starttime = $st2")"
	# Control: the recorded pid and start time are those of a live process,
	# which is all the old checks (nsw_proc_same) asked.
	[ "$st1" = "$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$p1/stat")" ] || fail "control: start time"
	status=ok
	"$NSWATCH" kill "$NAME" 2>"$NSW_ERR" && status="kill of a forged container succeeded"
	sec_exec "$NAME" "$NAME" true
	[ "$NSW_STATUS" = 0 ] && status="exec into a forged container succeeded"
	"$NSWATCH" rm -f "$NAME" 2>"$NSW_ERR" || true
	sleep 0.2
	kill -0 "$p1" 2>/dev/null || status="the host process $p1 named as the init was killed"
	kill -0 "$p2" 2>/dev/null || status="the host process $p2 named as the monitor was killed"
	kill "$p1" "$p2" 2>/dev/null
	wait "$p1" "$p2" 2>/dev/null || true
	[ "$status" = ok ] || fail "$status"
	sec_finish
}

@test "state: rm does not delete an interface or cgroup that is not nswatch's; control: a recorded nswatch cgroup and veth name are removed" {
	local cg2 dummy="nswsecd$$"
	cg2=$(st_cg2)
	[ -n "$cg2" ] || sec_unavailable "no cgroup2 mount"
	ip link add "$dummy" type bridge || fail "cannot add an interface"
	mkdir -p "$cg2/nswsec-victim-$$/nswatch/x"
	sec_name ifcg
	st_plant "$NAME" "$(st_valid "$NAME" ".host_interface = \"$dummy\" | .cgroups = [{\"version\":2,\"controller\":\"\",\"path\":\"$cg2/nswsec-victim-$$\"}]")"
	"$NSWATCH" rm -f "$NAME" 2>"$NSW_ERR" || true
	ip link show "$dummy" >/dev/null 2>&1 || fail "rm deleted the host interface $dummy"
	[ -d "$cg2/nswsec-victim-$$" ] || fail "rm deleted the cgroup $cg2/nswsec-victim-$$"
	# Named as nswatch names them, but not this container's: refused too.
	st_plant "$NAME" "$(st_valid "$NAME" ".cgroups = [{\"version\":2,\"controller\":\"\",\"path\":\"$cg2/nswsec-victim-$$/nswatch/x\"}]")"
	"$NSWATCH" rm -f "$NAME" 2>"$NSW_ERR" || true
	[ -d "$cg2/nswsec-victim-$$/nswatch/x" ] || fail "rm deleted another container's cgroup"
	ip link del "$dummy"
	rmdir "$cg2/nswsec-victim-$$/nswatch/x" "$cg2/nswsec-victim-$$/nswatch" "$cg2/nswsec-victim-$$"
	# Control: a stopped container's own leftovers, recorded as nswatch records them, go.
	sec_name ctl
	mkdir -p "$cg2/nswatch/$NAME"
	st_plant "$NAME" "$(st_valid "$NAME" ".cgroups = [{\"version\":2,\"controller\":\"\",\"path\":\"$cg2/nswatch/$NAME\"}] | .ip = \"10.89.0.250/24\" | .gateway = \"10.89.0.1\" | .host_interface = \"nswv250\" | .bridge = \"nswatch0\"")"
	"$NSWATCH" rm "$NAME" || fail "control: rm of a valid stopped container failed"
	[ ! -e "$cg2/nswatch/$NAME" ] || fail "control: the recorded cgroup was not removed"
	sec_finish
}

@test "state: the state parser survives 20 s of libFuzzer (make fuzz)" {
	command -v clang >/dev/null || sec_unavailable "no clang"
	NSW_STATUS=0
	timeout 300 make -s -C "$NSW_REPO_ROOT" fuzz FUZZ_TIME=20 >"$NSW_OUT" 2>&1 || NSW_STATUS=$?
	assert_eq "make fuzz: $(tail -20 "$NSW_OUT")" "$NSW_STATUS" 0
	grep -q 'Done [0-9]* runs' "$NSW_OUT" || fail "the fuzzer did not run: $(tail -20 "$NSW_OUT")"
}

# ---- issue 10, item 7: no start waits on another ----

# st_until COND [SECONDS]: until the shell test COND holds (default 30 s).
st_until() {
	local deadline=$((SECONDS + ${2:-30}))
	until eval "$1"; do
		((SECONDS < deadline)) || return 1
		sleep 0.02
	done
}

@test "lock: a sleeping prestart hook (--net bridge) does not delay another run; control: with the state lock held, as the init held it, the other run waits" {
	local a b bg t0 ms
	sec_name hook
	a=$NAME
	sec_name second
	b=$NAME
	"$NSWATCH" run --name "$a" --net bridge --prestart-hook "echo \$\$ >$W/hook.pid; exec sleep 8" -- true \
		</dev/null >/dev/null 2>&1 &
	bg=$!
	if ! st_until "[ -s $W/hook.pid ]"; then
		kill -KILL "$bg"
		fail "the first run never reached its prestart hook"
		return 1
	fi
	t0=$(date +%s%N)
	sec_run "$b" --net bridge -- true
	ms=$((($(date +%s%N) - t0) / 1000000))
	assert_eq "exit status of the second run" "$NSW_STATUS" 0
	kill -0 "$(cat "$W/hook.pid")" 2>/dev/null || fail "the first run's hook had ended: the test proves nothing"
	((ms < 6000)) || fail "the second run took $ms ms while the first run's hook slept"
	wait "$bg" || fail "the first run failed"
	# Control: the lock held (as the init of a --net bridge run held it until exec).
	exec 9>"$ST_ROOT/.lock"
	flock -x 9
	sec_name ctl
	NSW_STATUS=0
	timeout 2 "$NSWATCH" run --name "$NAME" -- true </dev/null >/dev/null 2>&1 9>&- || NSW_STATUS=$?
	exec 9>&-
	assert_eq "control: a run while the lock is held waits (killed by timeout)" "$NSW_STATUS" 124
	sec_finish
}

@test "lock: a prestart hook that runs nswatch run itself completes, and holds no lock; control: with the lock held, the hook's flock -n fails" {
	local inner
	sec_name inner
	inner=$NAME
	sec_name outer
	sec_run "$NAME" --net bridge --prestart-hook \
		"flock -n $ST_ROOT/.lock true && echo free >$W/lock && $NSWATCH run --name $inner --net bridge -- true && echo inner >>$W/lock" -- true
	assert_eq "exit status of the run whose hook runs a container" "$NSW_STATUS" 0
	assert_eq "the hook saw the lock free, and its own run ended" "$(cat "$W/lock")" "free
inner"
	# Control: the same flock -n while the lock is held fails.
	exec 9>"$ST_ROOT/.lock"
	flock -x 9
	NSW_STATUS=0
	flock -n "$ST_ROOT/.lock" true || NSW_STATUS=$?
	exec 9>&-
	assert_ne "control: flock -n with the lock held" "$NSW_STATUS" 0
	sec_finish
}

@test "lock: a run waiting for the state lock ends on SIGTERM and on SIGINT, with a message, status 128+N, and nothing made; control: it does wait" {
	local sig pid status
	exec 9>"$ST_ROOT/.lock"
	flock -x 9
	for sig in TERM INT; do
		sec_name "wait$sig"
		# Not fd 9: the run must not hold the lock it waits for.
		"$NSWATCH" run --name "$NAME" -- true </dev/null >/dev/null 2>"$W/$sig.err" 9>&- &
		pid=$!
		sleep 0.5
		# Control: it is waiting, and has made nothing.
		kill -0 "$pid" 2>/dev/null || fail "control: the run did not wait for the lock: $(cat "$W/$sig.err")"
		[ ! -e "$ST_ROOT/$NAME" ] || fail "a waiting run made $ST_ROOT/$NAME"
		kill -s "$sig" "$pid"
		status=0
		if ! timeout 10 tail --pid="$pid" -f /dev/null; then
			kill -KILL "$pid"
			exec 9>&-
			fail "SIG$sig did not end the waiting run"
			return 1
		fi
		wait "$pid" || status=$?
		assert_eq "exit status after SIG$sig" "$status" "$((128 + $(kill -l "$sig")))"
		grep -q "interrupted by SIG$sig while waiting for the state lock" "$W/$sig.err" ||
			fail "no message: $(cat "$W/$sig.err")"
		sec_assert_clean "$NAME"
	done
	exec 9>&-
	sec_finish
}

# ---- issue 10, item 9: an interrupted start leaves nothing rm -f cannot clean ----

# st_kill_at NAME WHEN RUN_ARGS...: `nswatch run --name NAME RUN_ARGS...` in
# the background (that process is the monitor); once the shell test WHEN
# holds, SIGSTOP it there and SIGKILL it.
st_kill_at() {
	local name=$1 when=$2 mon
	shift 2
	SEC_NAMES+=("$name")
	"$NSWATCH" run --name "$name" "$@" </dev/null >/dev/null 2>&1 &
	mon=$!
	if ! st_until "$when"; then
		kill -KILL "$mon"
		fail "never: $when"
		return 1
	fi
	kill -STOP "$mon"
	kill -KILL "$mon"
	wait "$mon" 2>/dev/null || true
}

@test "interrupted start: an empty state directory (a kill between claim and first save) is removed by rm and does not block the name" {
	sec_name empty
	mkdir "$ST_ROOT/$NAME"
	"$NSWATCH" ps >/dev/null 2>"$NSW_ERR" || fail "ps failed: $(cat "$NSW_ERR")"
	sec_run "$NAME" -- true
	assert_eq "a run with the name of an empty state directory" "$NSW_STATUS" 0
	mkdir "$ST_ROOT/$NAME"
	"$NSWATCH" rm "$NAME" || fail "rm of an empty state directory failed"
	sec_assert_clean "$NAME"
	sec_finish
}

@test "interrupted start: the monitor SIGKILLed once its state, its cgroup, its veth, its hook exist: rm -f leaves nothing; control: each kill left something" {
	local cg2 stage when
	cg2=$(st_cg2)
	for stage in state cgroup veth hook; do
		sec_name "k$stage"
		rm -f "$W/hook.pid"
		case $stage in
		state) when="[ -e $ST_ROOT/$NAME/state.json ]" ;;
		cgroup) when="[ -d $cg2/nswatch/$NAME ]" ;;
		veth) when="h=\$(jq -r .host_interface $ST_ROOT/$NAME/state.json 2>/dev/null); [ -n \"\$h\" ] && [ -e /sys/class/net/\$h ]" ;;
		hook) when="[ -s $W/hook.pid ]" ;;
		esac
		st_kill_at "$NAME" "$when" --net bridge --memory 64m \
			--prestart-hook "echo \$\$ >$W/hook.pid; exec sleep 60" -- true
		[ -s "$W/hook.pid" ] && kill "$(cat "$W/hook.pid")" 2>/dev/null
		# Control: the kill left the container's state behind.
		[ -d "$ST_ROOT/$NAME" ] || fail "control ($stage): the killed monitor left no state"
		"$NSWATCH" rm -f "$NAME" 2>"$NSW_ERR" || fail "rm -f after a kill at $stage: $(cat "$NSW_ERR")"
		sec_assert_clean "$NAME"
	done
	sec_finish
}

# ---- issue 10, item 11: rm -f of a container still being created does not leave it starting ----

@test "rm -f of a container still being created (in its prestart hook) stops it: its command never runs, nothing is left; control: without rm it runs" {
	local mon status hook
	mkdir -p "$W/out"
	chmod 0777 "$W/out"
	sec_name creating
	"$NSWATCH" run --name "$NAME" --ns "$SEC_NOUSER" -v "$W/out:/out" \
		--prestart-hook "echo \$\$ >$W/hook.pid; exec sleep 4" -- sh -c 'touch /out/started' \
		</dev/null >/dev/null 2>"$W/run.err" &
	mon=$!
	if ! st_until "[ -s $W/hook.pid ]"; then
		kill -KILL "$mon"
		fail "the run never reached its prestart hook"
		return 1
	fi
	hook=$(cat "$W/hook.pid")
	timeout 15 "$NSWATCH" rm -f "$NAME" 2>"$NSW_ERR" || fail "rm -f: $(cat "$NSW_ERR")"
	status=0
	wait "$mon" || status=$?
	assert_ne "exit status of the run removed while being created" "$status" 0
	timeout 10 tail --pid="$hook" -f /dev/null
	sleep 0.5
	[ ! -e "$W/out/started" ] || fail "the command ran after rm -f"
	sec_assert_clean "$NAME"
	# Control: the same start, left alone, runs its command.
	sec_name started
	sec_run "$NAME" --ns "$SEC_NOUSER" -v "$W/out:/out" --prestart-hook 'sleep 1' -- sh -c 'touch /out/started'
	assert_eq "control: exit status" "$NSW_STATUS" 0
	[ -e "$W/out/started" ] || fail "control: the command did not run"
	sec_finish
}
