#!/usr/bin/env bats
# setns(2) through nsenter and ip netns, and unshare(2) through ip netns add:
# the joined / created inodes against what the workload read inside the
# namespace and against the netns bind mount.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_cmd unshare nsenter ip jq
}

teardown() {
	nsw_teardown
}

@test "nsenter -t PID --net --uts: setns events join what the workload inside reads" {
	local jpid xn xu t x joined
	nsw_start_target --net --uts
	nsw_trace --json -- nsenter -t "$TARGET_PID" --net --uts sh "$W/rd.sh" "$W/j" net uts
	assert_trace_ok
	jpid=$(wread "$W/j.pid") # nsenter exec'd the shell: same process
	xn=$(wread "$W/j.ns.net")
	xu=$(wread "$W/j.ns.uts")
	assert_ne "the workload's net namespace (sanity)" "$xn" "$(host_ns net)"
	assert_ne "the workload's uts namespace (sanity)" "$xu" "$(host_ns uts)"
	assert_eq "the target's net namespace, read now (sanity)" "$(ns_of "$TARGET_PID" net)" "$xn"

	assert_no_event "a failed setns by nsenter $jpid" \
		'.op == "setns" and .pid == $p and .ret != 0' --argjson p "$jpid"
	for t in net uts; do
		find_event "a setns by nsenter ($jpid) that joined $t" \
			'.op == "setns" and .pid == $p and any(.joined[]?; .type == $t)' \
			--argjson p "$jpid" --arg t "$t"
		x=$(wread "$W/j.ns.$t")
		assert_ev .ret 0
		assert_ev_ns joined "$t" "$x"
		assert_ev ".ns_after.$t" "$x"
		assert_ev ".ns_before.$t" "$(host_ns "$t")"
		assert_ev .comm nsenter
	done
	# nothing else was joined: only net and uts
	joined=$(nsw_events '.op == "setns" and .pid == $p' --argjson p "$jpid" |
		jq -rs '[.[].joined[]?.type] | unique | join(",")')
	assert_eq "namespace types joined by nsenter" "$joined" "net,uts"
}

@test "nsenter --net=FILE: the setns event's target names the file's namespace (docs/events.md)" {
	local jpid x
	nsw_start_target --net
	nsw_trace --json -- nsenter --net="/proc/$TARGET_PID/ns/net" sh "$W/rd.sh" "$W/j" net
	assert_trace_ok
	jpid=$(wread "$W/j.pid")
	x=$(wread "$W/j.ns.net")
	find_event "a setns by nsenter ($jpid)" '.op == "setns" and .pid == $p' --argjson p "$jpid"
	assert_ev .target.kind nsfs
	assert_ev .target.type net
	assert_ev .target.inode "$x"
}

@test "ip netns add: the created net namespace is the one bound at /run/netns/NAME" {
	local x
	nsw_netns_name
	nsw_trace --json -- ip netns add "$NETNS"
	assert_trace_ok
	x=$(stat -L -c %i "/run/netns/$NETNS")
	assert_ne "the new netns (sanity)" "$x" "$(host_ns net)"

	find_event "unshare(CLONE_NEWNET) by ip" \
		'.op == "unshare" and any(.flags[]?; . == "CLONE_NEWNET")'
	assert_ev .ret 0
	assert_ev .comm ip
	assert_ev_ns created net "$x"
	assert_ev .ns_after.net "$x"
	assert_ev .ns_before.net "$(host_ns net)"
}

@test "ip netns exec: the setns event joins the net namespace the workload reads" {
	local x epid
	nsw_netns_name
	ip netns add "$NETNS"
	nsw_trace --json -- ip netns exec "$NETNS" sh "$W/rd.sh" "$W/e" net
	assert_trace_ok
	x=$(wread "$W/e.ns.net")
	epid=$(wread "$W/e.pid") # ip netns exec execs the command in its own process
	assert_eq "the netns bind mount's inode (sanity)" "$(stat -L -c %i "/run/netns/$NETNS")" "$x"

	find_event "a setns by ip ($epid) that joined net" \
		'.op == "setns" and .pid == $p and any(.joined[]?; .type == "net")' \
		--argjson p "$epid"
	assert_ev .ret 0
	assert_ev .comm ip
	assert_ev_flag CLONE_NEWNET
	assert_ev_ns joined net "$x"
	assert_ev .ns_after.net "$x"
	assert_ev .ns_before.net "$(host_ns net)"
}

@test "setns into a namespace the caller already is in still reports what it joined" {
	local x jpid
	# nsenter --uts=/proc/self/ns/uts of our own shell: joins the host uts
	nsw_trace --json -- nsenter --uts="/proc/$$/ns/uts" sh "$W/rd.sh" "$W/j" uts
	assert_trace_ok
	x=$(wread "$W/j.ns.uts")
	jpid=$(wread "$W/j.pid")
	assert_eq "the workload's uts namespace (sanity)" "$x" "$(host_ns uts)"
	find_event "a setns by nsenter ($jpid)" '.op == "setns" and .pid == $p' --argjson p "$jpid"
	assert_ev .ret 0
	assert_ev_ns joined uts "$x"
	assert_ev .ns_before.uts "$x"
	assert_ev .ns_after.uts "$x"
}

# ---- issue 11, item 5: the setns target, read with direct loads or probes ----
#
# A host-wide trace reads the file behind a setns fd with direct loads
# (through bpf_rdonly_cast() where the kernel has that kfunc); trace -- CMD
# reads it with probe reads (bpf/nswatch.bpf.c). A caller's fd table is either
# the small one inside its files_struct or, once it held an fd past 63, a
# grown one: two more paths. Each must name the namespace of the very file
# the workload opened.

# $W/g.sh FILE PREFIX GROW: with GROW=1 (run it with bash: dash takes fds
# up to 9 only) opens fd 100 first (the table grows, and keeps its size
# through exec); records the shell's FDSize and readlink FILE, then nsenter
# --net=FILE runs rd.sh as PREFIX (same process).
nsw_write_setns_workload() {
	cat >"$W/g.sh" <<'EOS'
f=$1 p=$2
[ "$3" = 1 ] && exec 100</dev/null
st=$(cat /proc/$$/status)
printf '%s\n' "$st" | sed -n 's/^FDSize:[[:space:]]*//p' >"$p.fdsize"
readlink "$f" >"$p.file"
exec nsenter --net="$f" sh "$(dirname "$0")/rd.sh" "$p" net
EOS
}

# $W/lowfds.sh CMD...: runs CMD in a child after closing every fd past 2.
# A child's fd table is sized by its parent's open fds at the fork (bats
# keeps some past 63), so CMD gets the small table.
nsw_write_lowfds() {
	cat >"$W/lowfds.sh" <<'EOS'
for f in /proc/$$/fd/*; do
	n=${f##*/}
	[ "$n" -gt 2 ] && eval "exec $n>&-"
done
"$@"
EOS
}

# check_setns_file_target PREFIX GROWN: the workload's setns event names the
# file's net namespace, and its fd table was (GROWN=1) or was not grown.
check_setns_file_target() {
	local p=$W/$1 x fds
	x=$(wread "$p.file")
	fds=$(cat "$p.fdsize")
	assert_ne "the file's namespace is not the host's (sanity)" "$x" "$(host_ns net)"
	assert_eq "the workload joined the file's namespace (sanity)" "$(wread "$p.ns.net")" "$x"
	if [ "$2" = 1 ]; then
		[ "$fds" -gt 64 ] || fail "the $1 workload's fd table did not grow: FDSize $fds"
	else
		assert_eq "the $1 workload's fd table size (the embedded one)" "$fds" 64
	fi
	find_event "the setns of the $1 workload ($(wread "$p.pid"))" \
		'.op == "setns" and .pid == $p' --argjson p "$(wread "$p.pid")"
	assert_ev .ret 0
	assert_ev .target.kind nsfs
	assert_ev .target.type net
	assert_ev .target.inode "$x"
	assert_ev_ns joined net "$x"
}

@test "host-wide: the setns target is the opened file's namespace, from a small and from a grown fd table" {
	local f
	nsw_start_target --net
	f=/proc/$TARGET_PID/ns/net
	nsw_write_setns_workload
	nsw_write_lowfds
	nsw_trace_bg --json --op setns
	nsw_wait_tracing
	# Where the kernel has the kfunc, the direct-load program is the one loaded.
	if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "FUNC 'bpf_rdonly_cast'"; then
		bpftool prog list | grep -q 'name enter_setns_cas' ||
			fail "the kernel has bpf_rdonly_cast but enter_setns_cast is not loaded"
	fi
	bash "$W/lowfds.sh" sh "$W/g.sh" "$f" "$W/small" 0
	bash "$W/g.sh" "$f" "$W/grown" 1
	sleep 0.3
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	check_setns_file_target small 0
	check_setns_file_target grown 1
}

@test "trace -- CMD: the setns target is the opened file's namespace, from a small and from a grown fd table" {
	local f
	nsw_start_target --net
	f=/proc/$TARGET_PID/ns/net
	nsw_write_setns_workload
	nsw_write_lowfds
	nsw_trace --json -- sh -c 'bash "$3/lowfds.sh" sh "$1" "$2" "$3/small" 0 &&
		bash "$1" "$2" "$3/grown" 1' sh "$W/g.sh" "$f" "$W"
	assert_trace_ok
	check_setns_file_target small 0
	check_setns_file_target grown 1
}
