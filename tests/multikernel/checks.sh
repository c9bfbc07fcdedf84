#!/bin/sh
# checks.sh: nswatch's kernel-dependent checks, for one kernel (the project's
# own, grown from ../shared/multikernel/guest/checks.sh; docs/multikernel.md).
#
# Runs in the multikernel guest (busybox sh, started by the harness's
# guest/init) and on any host as root (the control). Prints one line per check
# on stdout:
#   RESULT <check> <OUTCOME> <detail>
# and leaves each check's stdout/stderr in $OUT/<check>.{out,err}. OUTCOME is
# PASS, FAIL or SKIP, or a named outcome that is right on some kernels only
# (expect.txt says which):
#   REFUSED  run refused to start because this kernel has no mount_setattr
#            (5.12) or the rootfs's filesystem no idmapped mounts (tmpfs
#            before 6.3), with a message saying so
#   UNNAMED  (lockdown) trace failed under lockdown=confidentiality, but no
#            error of nswatch's names lockdown as the reason
#   ABSENT   the kernel has no namespace ids (ns_common.ns_id, NS_GET_ID), and
#            neither trace nor ls shows an ns_id
#
# Environment:
#   NSWATCH  the nswatch binary          (default: nswatch in PATH)
#   ROOTFS   rootfs for `nswatch run`    (default: none: run checks are skipped)
#   ROOTFS_EXT4  a copy of it on ext4, for idmapped mounts before 6.3
#            (default: none: run_idmap_ext4 is skipped)
#   CLONE3   static nsw_clone3 helper    (default: none: clone3 check skipped)
#   OUT      log directory               (default: /tmp/nsw-checks)
#   T        per-command timeout, s      (default: 120; TCG is slow)
#   ONLY     space-separated check names to run (default: all)
#
# `sh checks.sh --list` prints the check names, one a line (not `lockdown`,
# which runs only when ONLY names it).

CHECKS="btf core_relos trace_unshare trace_setns trace_user_cgroup_time trace_clone3
	trace_eperm trace_hostwide ls ns_id run_idmap run_uidmap_1to1 run_no_userns
	run_idmap_ext4 run_overlay run_trace run_trace_1to1"
if [ "${1:-}" = --list ]; then
	printf '%s\n' $CHECKS
	exit 0
fi

NSWATCH=${NSWATCH:-nswatch}
OUT=${OUT:-/tmp/nsw-checks}
T=${T:-120}
mkdir -p "$OUT"

result() { echo "RESULT $1 $2 $3"; }

want() {
	[ -z "$ONLY" ] && return 0
	case " $ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# inode of a /proc/*/ns/* link: "uts:[4026531838]" -> 4026531838
ino() { readlink "$1" | sed 's/.*\[\([0-9]*\)\]/\1/'; }

# first line of stderr that names an error, for the table
first_err() {
	grep -m1 -i -E 'error|fail|invalid|denied|not permitted|not supported|unknown|no such|cannot|refus' "$1" 2>/dev/null |
		cut -c1-200
}

# Why a command failed, in one line: the verifier's last word (the line before
# "processed N insns"), libbpf's first error, then nswatch's own message.
why() {
	{
		grep -B1 -m1 '^processed [0-9]* insns' "$1" | head -1
		grep -v 'relo #' "$1" | grep -m1 -E '^libbpf: .*(fail|error|invalid|unresolved)'
		grep -m1 '^nswatch:' "$1" || first_err "$1"
	} 2>/dev/null | tr '\n' '|' | cut -c1-400
}

# On failure of a trace check: the same command again with -v, so that
# libbpf's messages (verifier log, CO-RE relocation errors) are kept.
verbose_rerun() { # name args...
	n=$1
	shift
	timeout "$T" "$NSWATCH" trace -v "$@" >"$OUT/$n.v.out" 2>"$OUT/$n.v.err"
	echo "(exit $?)" >>"$OUT/$n.v.err"
}

# Every "type:[inode]" line in the workload file must be in the event's
# created (or joined) list.
inodes_in() { # wlfile jsonfile listname -> prints the missing ones
	while read -r l; do
		t=${l%%:*}
		[ "$t" = time_for_children ] && t="time"
		i=$(echo "$l" | sed 's/.*\[\([0-9]*\)\]/\1/')
		grep -q "\"$3\":\[.*{\"type\":\"$t\",\"inode\":${i}[,}]" "$2" || printf '%s:%s ' "$t" "$i"
	done <"$1"
}

check_btf() {
	if [ -r /sys/kernel/btf/vmlinux ]; then
		result btf PASS "/sys/kernel/btf/vmlinux $(wc -c </sys/kernel/btf/vmlinux) bytes"
	else
		result btf FAIL "no /sys/kernel/btf/vmlinux"
	fi
}

# 0. What libbpf's CO-RE did on this kernel: load with -v and count.
check_core_relos() {
	n=core_relos
	timeout "$T" "$NSWATCH" trace -v --json -- true >"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	relos=$(grep -o 'found [0-9]* CO-RE relocations' "$OUT/$n.err" | awk '{s+=$2} END{print s+0}')
	poisoned=$(grep -c 'w/ invalid insn' "$OUT/$n.err")
	unres=$(grep -B2 "no matching targets found" "$OUT/$n.err" |
		grep -o 'struct [A-Za-z0-9_]*\.[A-Za-z0-9_]*' | sort -u | sed 's/struct //' | tr '\n' ' ')
	if [ $rc -eq 0 ]; then
		result $n PASS "loaded; $relos CO-RE relocations, $poisoned insns poisoned (guarded); unresolved: ${unres:-none}"
	else
		result $n FAIL "rc=$rc $(why "$OUT/$n.err")"
	fi
}

# 1. unshare of uts, net, ipc: created inodes == what the workload read.
check_trace_unshare() {
	n=trace_unshare
	W=$OUT/$n.wl
	: >"$W"
	# One readlink per file: busybox's takes one argument.
	timeout "$T" "$NSWATCH" trace --json -- unshare -u -n -i sh -c \
		"for t in uts net ipc; do readlink /proc/self/ns/\$t; done >$W" \
		>"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	miss=$(inodes_in "$W" "$OUT/$n.out" created)
	if [ $rc -eq 0 ] && [ -s "$W" ] && [ -z "$miss" ] &&
		grep -q '"op":"unshare".*"ret":0' "$OUT/$n.out"; then
		result $n PASS "created $(tr '\n' ' ' <"$W")"
	else
		result $n FAIL "rc=$rc missing=[$miss] $(why "$OUT/$n.err")"
		verbose_rerun $n --json -- unshare -u -n -i true
	fi
}

# 2. setns through nsenter into another process's uts namespace.
check_trace_setns() {
	n=trace_setns
	W=$OUT/$n.wl
	: >"$W"
	unshare -u sh -c 'hostname nswtarget; exec sleep 600' &
	bg=$!
	self=$(ino /proc/self/ns/uts)
	k=0
	while [ $k -lt 200 ]; do
		tgt=$(ino /proc/$bg/ns/uts)
		[ -n "$tgt" ] && [ "$tgt" != "$self" ] && break
		sleep 0.1
		k=$((k + 1))
	done
	timeout "$T" "$NSWATCH" trace --json -- nsenter -t $bg -u sh -c \
		"readlink /proc/self/ns/uts >$W; hostname >>$W" \
		>"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	kill $bg 2>/dev/null
	wait $bg 2>/dev/null
	if [ $rc -eq 0 ] && grep -q "uts:\[$tgt\]" "$W" &&
		grep -q "\"op\":\"setns\".*\"ret\":0.*\"target\":{\"kind\":\"nsfs\",\"type\":\"uts\",\"inode\":${tgt}[,}].*\"joined\":\[{\"type\":\"uts\",\"inode\":${tgt}[,}]" "$OUT/$n.out"; then
		result $n PASS "joined uts:$tgt"
	else
		result $n FAIL "rc=$rc target=$tgt $(why "$OUT/$n.err")"
		verbose_rerun $n --json -- nsenter -t 1 -u true
	fi
}

# 3. unshare of user (with a root map), cgroup and time.
check_trace_user_cgroup_time() {
	n=trace_user_cgroup_time
	W=$OUT/$n.wl
	: >"$W"
	timeout "$T" "$NSWATCH" trace --json -- unshare -U -r -C -T sh -c \
		"for t in user cgroup time_for_children; do readlink /proc/self/ns/\$t; done >$W" \
		>"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	miss=$(inodes_in "$W" "$OUT/$n.out" created)
	if [ $rc -eq 0 ] && [ "$(wc -l <"$W")" -eq 3 ] && [ -z "$miss" ]; then
		result $n PASS "created $(tr '\n' ' ' <"$W")"
	else
		result $n FAIL "rc=$rc missing=[$miss] $(why "$OUT/$n.err")"
		verbose_rerun $n --json -- unshare -U -r -C -T true
	fi
}

# 4. clone3(CLONE_NEWPID|NEWNET|NEWUTS) and setns through a pidfd.
check_trace_clone3() {
	n=trace_clone3
	if [ -z "$CLONE3" ] || [ ! -x "$CLONE3" ]; then
		result $n SKIP "no CLONE3 helper"
		return
	fi
	timeout "$T" "$NSWATCH" trace --json -- "$CLONE3" >"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	child=$(grep '"who":"child"' "$OUT/$n.out")
	cpid=$(grep '"who":"parent"' "$OUT/$n.out" | sed 's/.*"child_pid":\([0-9]*\).*/\1/')
	bad=
	for t in pid net uts; do
		i=$(echo "$child" | sed "s/.*\"$t\":\([0-9]*\).*/\1/")
		grep -q "\"op\":\"clone3\".*\"created\":\[.*{\"type\":\"$t\",\"inode\":${i}[,}]" "$OUT/$n.out" ||
			bad="$bad clone3:$t:$i"
		grep -q "\"op\":\"setns\".*\"ret\":0.*\"target\":{\"kind\":\"pidfd\",\"pid\":$cpid}.*\"joined\":\[.*{\"type\":\"$t\",\"inode\":${i}[,}]" "$OUT/$n.out" ||
			bad="$bad setns:$t:$i"
	done
	if [ $rc -eq 0 ] && [ -n "$child" ] && [ -z "$bad" ]; then
		result $n PASS "clone3 created pid,net,uts; setns(pidfd $cpid) joined them"
	else
		result $n FAIL "rc=$rc missing=[$bad] $(why "$OUT/$n.err")"
		verbose_rerun $n --json -- "$CLONE3"
	fi
}

# 5. A refused unshare (EPERM) by an unprivileged uid.
check_trace_eperm() {
	n=trace_eperm
	timeout "$T" "$NSWATCH" trace --json --failed -- setpriv --reuid 65534 --regid 65534 \
		--clear-groups unshare -u true >"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	if grep -q '"op":"unshare".*"uid":65534.*"ret":-1,"error":"EPERM"' "$OUT/$n.out"; then
		result $n PASS "unshare by uid 65534 -> EPERM reported (exit $rc)"
	else
		result $n FAIL "rc=$rc $(why "$OUT/$n.err")"
	fi
}

# 6. Host-wide tracing (no CMD): an unshare from outside is seen, and a setns
# into this shell's own uts namespace names it as its target (host-wide, the
# setns fd is read by enter_setns_cast where the kernel has bpf_rdonly_cast,
# by enter_setns before: bpf/nswatch.bpf.c).
check_trace_hostwide() {
	n=trace_hostwide
	W=$OUT/$n.wl
	: >"$W"
	uts=$(ino /proc/$$/ns/uts)
	timeout "$T" "$NSWATCH" trace --json --op unshare,setns --duration 8 >"$OUT/$n.out" 2>"$OUT/$n.err" &
	tp=$!
	k=0
	while [ $k -lt 100 ] && ! grep -q -i tracing "$OUT/$n.err"; do
		sleep 0.1
		k=$((k + 1))
	done
	sleep 1
	unshare -u sh -c "readlink /proc/self/ns/uts >$W"
	nsenter --uts=/proc/$$/ns/uts true
	wait $tp
	rc=$?
	miss=$(inodes_in "$W" "$OUT/$n.out" created)
	if [ $rc -eq 0 ] && [ -s "$W" ] && [ -z "$miss" ] &&
		grep -q "\"op\":\"setns\".*\"ret\":0.*\"target\":{\"kind\":\"nsfs\",\"type\":\"uts\",\"inode\":${uts}[,}]" "$OUT/$n.out"; then
		result $n PASS "saw $(cat "$W") and a setns into uts:$uts"
	else
		result $n FAIL "rc=$rc missing=[$miss] setns-target=uts:$uts $(why "$OUT/$n.err")"
	fi
}

# The eight namespaces of this shell, "TYPE INODE" a line (the kernel's truth
# that ls must show).
own_namespaces() {
	for t in mnt uts ipc net pid cgroup time user; do
		[ -e /proc/self/ns/$t ] && echo "$t $(ino /proc/self/ns/$t)"
	done
}

# JSON without its layout (libsmartcols pretty-prints; no jq in the guest):
# blanks and newlines dropped (no value ls prints for our namespaces has a
# blank that matters here), then one object a line.
flat_json() {
	tr -d ' \t\n' <"$1" | sed 's/},{/}\n{/g'
}

# 7. nswatch ls: the table, --raw, --json and --tree exit 0, and every
# namespace this shell is in is listed with its type (raw and JSON).
check_ls() {
	n="ls"
	u=$(ino /proc/self/ns/uts)
	timeout "$T" "$NSWATCH" ls >"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	timeout "$T" "$NSWATCH" ls --raw -n -o NS,TYPE >"$OUT/$n.raw.out" 2>"$OUT/$n.raw.err"
	rcr=$?
	timeout "$T" "$NSWATCH" ls --json >"$OUT/$n.json.out" 2>"$OUT/$n.json.err"
	rcj=$?
	timeout "$T" "$NSWATCH" ls --tree >"$OUT/$n.tree.out" 2>"$OUT/$n.tree.err"
	rct=$?
	flat_json "$OUT/$n.json.out" >"$OUT/$n.json.flat"
	miss=
	own_namespaces >"$OUT/$n.own"
	while read -r t i; do
		grep -q "^$i $t\$" "$OUT/$n.raw.out" || miss="$miss raw:$t:$i"
		grep -q "\"ns\":$i,\"type\":\"$t\"[,}]" "$OUT/$n.json.flat" || miss="$miss json:$t:$i"
	done <"$OUT/$n.own"
	grep -q "uts:\[$u\]" "$OUT/$n.tree.out" || miss="$miss tree:uts:$u"
	if [ $rc -eq 0 ] && [ $rcr -eq 0 ] && [ $rcj -eq 0 ] && [ $rct -eq 0 ] &&
		[ "$(wc -l <"$OUT/$n.own")" -eq 8 ] && [ -z "$miss" ] &&
		grep -E -q "(^| )$u +uts( |\$)" "$OUT/$n.out"; then
		result $n PASS "$(grep -c . "$OUT/$n.raw.out") namespaces; this shell's 8 listed (table, raw, json; uts in the tree)"
	else
		result $n FAIL "rc=$rc/$rcr/$rcj/$rct missing=[$miss] $(why "$OUT/$n.err") $(why "$OUT/$n.json.err")"
	fi
}

# 8. ns_id: the kernel's namespace id (ns_common.ns_id for trace's BPF side,
# the NS_GET_ID ioctl for ls; both Linux 6.18). Where the kernel has it, ls
# shows it for this shell's uts namespace and trace for the uts namespace the
# trace_unshare workload made; where it has not, neither shows one.
check_ns_id() {
	n=ns_id
	tu=$OUT/trace_unshare
	if [ ! -s "$tu.wl" ] || [ ! -s "$OUT/ls.json.flat" ]; then
		result $n FAIL "needs the output of trace_unshare and ls"
		return
	fi
	u=$(ino /proc/self/ns/uts)
	lsid=$(grep "\"ns\":$u,\"type\":\"uts\"" "$OUT/ls.json.flat" |
		sed -n 's/.*"ns_id":\([0-9a-z]*\).*/\1/p' | head -n 1)
	cu=$(grep '^uts:' "$tu.wl" | sed 's/.*\[\([0-9]*\)\]/\1/')
	trid=$(grep -o "{\"type\":\"uts\",\"inode\":$cu,\"ns_id\":[0-9]*" "$tu.out" |
		head -n 1 | sed 's/.*"ns_id"://')
	if [ -n "$trid" ] && [ -n "$lsid" ] && [ "$lsid" != null ] && [ "$trid" != "$lsid" ]; then
		result $n PASS "ls uts:$u ns_id $lsid; trace created uts:$cu ns_id $trid"
	elif [ -z "$trid" ] && [ "$lsid" = null ]; then
		result $n ABSENT "no ns_id in ls (null) or trace (field left out)"
	else
		result $n FAIL "ls uts:$u ns_id '$lsid'; trace created uts:$cu ns_id '$trid'"
	fi
}

# overlayfs (the writable layer of `nswatch run`): the harness's guest loads
# only loop.ko, so the guests have none and their run checks use --read-only.
has_overlay() {
	grep -q -w overlay /proc/filesystems && return 0
	modprobe -q overlay 2>/dev/null && grep -q -w overlay /proc/filesystems
}
RUN_RO=
RUN_MODE="writable layer (overlay)"
if ! has_overlay; then
	RUN_RO=--read-only
	RUN_MODE="--read-only (no overlay)"
fi

# run was refused for what the kernel or the filesystem lacks, and said so:
# mount_setattr (idmapped mounts, and the flags of its bind mounts) needs
# Linux 5.12, named with the running kernel; tmpfs idmaps from 6.3.
run_refused() { # errfile
	grep -q "^nswatch: .*mount_setattr.*needs Linux 5\.12 or later (this kernel is $(uname -r))" "$1" ||
		grep -q '^nswatch: cannot idmap the rootfs .*must support idmapped mounts' "$1"
}

# 9. nswatch run on ROOTFS (in the guest: a tmpfs) and on ROOTFS_EXT4 (in the
# guest: an ext4 loop mount), each printing its hostname and uid_map.
run_check() { # name rootfs expected-uid_map-regex args...
	n=$1
	rfs=$2
	re=$3
	shift 3
	if [ -z "$rfs" ] || [ ! -d "$rfs" ]; then
		result $n SKIP "no rootfs for this check"
		return
	fi
	timeout "$T" "$NSWATCH" run $RUN_RO --rootfs "$rfs" "$@" -- sh -c 'hostname; cat /proc/self/uid_map' \
		>"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	if [ $rc -eq 0 ] && grep -q -E "$re" "$OUT/$n.out"; then
		result $n PASS "$RUN_MODE: $(tr -s ' \n' ' ' <"$OUT/$n.out")"
	elif [ $rc -ne 0 ] && run_refused "$OUT/$n.err"; then
		result $n REFUSED "rc=$rc $(grep -m1 '^nswatch:' "$OUT/$n.err" | cut -c1-300)"
	else
		result $n FAIL "rc=$rc $RUN_MODE: $(tr '\n' ' ' <"$OUT/$n.err" | cut -c1-300)"
	fi
}

# 10. run's writable layer. With overlay: a file written to / inside lands in
# the layer, not in the rootfs. Without: a default run (no --read-only) is
# refused with a message that names --read-only, and leaves nothing behind.
check_run_overlay() {
	n=run_overlay
	rfs=${ROOTFS_EXT4:-$ROOTFS}
	if [ -z "$rfs" ] || [ ! -d "$rfs" ]; then
		result $n SKIP "no rootfs for this check"
		return
	fi
	rm -f "$rfs/nsw-probe"
	# The identity map: no idmapped mount, so 5.10 gets this far too.
	timeout "$T" "$NSWATCH" run --uid-map 0:0:65536 --rootfs "$rfs" -- \
		sh -c 'echo layer >/nsw-probe && cat /nsw-probe' >"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	if [ -z "$RUN_RO" ]; then
		if [ $rc -eq 0 ] && grep -q '^layer$' "$OUT/$n.out" && [ ! -e "$rfs/nsw-probe" ]; then
			result $n PASS "overlay: / writable inside, the rootfs untouched"
		else
			result $n FAIL "rc=$rc overlay present; probe in rootfs: $([ -e "$rfs/nsw-probe" ] && echo yes || echo no) $(why "$OUT/$n.err")"
		fi
	elif [ $rc -ne 0 ] && [ ! -s "$OUT/$n.out" ] && [ ! -e "$rfs/nsw-probe" ] &&
		grep -q '^nswatch: .*writable layer.*--read-only' "$OUT/$n.err" &&
		grep -q 'overlay' "$OUT/$n.err"; then
		result $n PASS "no overlay: refused (rc=$rc): $(grep -m1 '^nswatch:' "$OUT/$n.err" | cut -c1-200)"
	else
		result $n FAIL "rc=$rc no overlay, not refused as documented: $(tr '\n' ' ' <"$OUT/$n.err" | cut -c1-300)"
	fi
	rm -f "$rfs/nsw-probe"
}

check_run_trace() { # name args...
	n=$1
	shift
	rfs=${ROOTFS_EXT4:-$ROOTFS}
	if [ -z "$rfs" ] || [ ! -d "$rfs" ]; then
		result $n SKIP "no rootfs for this check"
		return
	fi
	timeout "$T" "$NSWATCH" run $RUN_RO --trace --rootfs "$rfs" "$@" -- true \
		>"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	if [ $rc -eq 0 ] && grep -q 'kernel *clone3' "$OUT/$n.err"; then
		result $n PASS "$RUN_MODE; rootfs $rfs; timeline has the kernel's clone3"
	elif [ $rc -ne 0 ] && run_refused "$OUT/$n.err"; then
		result $n REFUSED "rc=$rc $(grep -m1 '^nswatch:' "$OUT/$n.err" | cut -c1-300)"
	else
		result $n FAIL "rc=$rc $RUN_MODE: $(why "$OUT/$n.err")"
	fi
}

# 11. Only when named in ONLY (run.sh boots the newest kernel once with
# lockdown=confidentiality for it): the kernel is in that mode, and trace is
# refused with an error that names lockdown, which forbids BPF reads of
# kernel memory.
check_lockdown() {
	n=lockdown
	f=/sys/kernel/security/lockdown
	[ -e $f ] || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	mode=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' $f 2>/dev/null)
	if [ "$mode" != confidentiality ]; then
		result $n FAIL "the kernel's lockdown is '${mode:-unknown}', not confidentiality"
		return
	fi
	timeout "$T" "$NSWATCH" trace -- true >"$OUT/$n.out" 2>"$OUT/$n.err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q -i '^nswatch: .*lockdown' "$OUT/$n.err"; then
		result $n PASS "lockdown=$mode; refused: $(grep -m1 -i '^nswatch: .*lockdown' "$OUT/$n.err" | cut -c1-200)"
	elif [ $rc -ne 0 ]; then
		result $n UNNAMED "rc=$rc under lockdown=$mode, and no error names lockdown: $(why "$OUT/$n.err")"
	else
		result $n FAIL "trace ran under lockdown=$mode (rc=0)"
	fi
}

echo "KERNEL $(uname -r)"
echo "NSWATCH $NSWATCH"
echo "RUN $RUN_MODE"
want btf && check_btf
want core_relos && check_core_relos
want trace_unshare && check_trace_unshare
want trace_setns && check_trace_setns
want trace_user_cgroup_time && check_trace_user_cgroup_time
want trace_clone3 && check_trace_clone3
want trace_eperm && check_trace_eperm
want trace_hostwide && check_trace_hostwide
want ls && check_ls
want ns_id && check_ns_id
ALLNS=mnt,uts,ipc,net,pid,cgroup,time
want run_idmap && run_check run_idmap "$ROOTFS" '^ *0 +[1-9][0-9]* +65536'
want run_uidmap_1to1 && run_check run_uidmap_1to1 "$ROOTFS" '^ *0 +0 +65536' --uid-map 0:0:65536
want run_no_userns && run_check run_no_userns "$ROOTFS" '^ *0 +0 +4294967295' --ns $ALLNS
want run_idmap_ext4 && run_check run_idmap_ext4 "$ROOTFS_EXT4" '^ *0 +[1-9][0-9]* +65536'
want run_overlay && check_run_overlay
want run_trace && check_run_trace run_trace
want run_trace_1to1 && check_run_trace run_trace_1to1 --uid-map 0:0:65536
[ -n "$ONLY" ] && want lockdown && check_lockdown
echo "DONE"
