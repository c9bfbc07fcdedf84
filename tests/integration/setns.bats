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
