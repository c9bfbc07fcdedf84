#!/usr/bin/env bats
# clone3(2) with namespace flags and setns(2) through a pidfd, by the
# nsw_clone3 helper, which prints what its child and itself read from
# /proc/self/ns.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_helper nsw_clone3
	require_cmd jq
}

teardown() {
	nsw_teardown
}

# run_clone3 [NSWATCH_OPTIONS...]: trace nsw_clone3 (its lines go to $W/c3)
# and read them: P (parent pid), C (child pid), CPID CNET CUTS (the child's
# namespaces), JNET JUTS JPFC (the joiner's net, uts, pid_for_children).
run_clone3() {
	nsw_trace --json "$@" -- sh -c 'exec "$0" >"$1"' "$NSW_HELPER_DIR/nsw_clone3" "$W/c3"
	assert_trace_ok
	P=$(jq -r 'select(.who == "parent") | .pid' "$W/c3")
	C=$(jq -r 'select(.who == "parent") | .child_pid' "$W/c3")
	CPID=$(jq -r 'select(.who == "child") | .ns.pid' "$W/c3")
	CNET=$(jq -r 'select(.who == "child") | .ns.net' "$W/c3")
	CUTS=$(jq -r 'select(.who == "child") | .ns.uts' "$W/c3")
	JNET=$(jq -r 'select(.who == "joiner") | .ns.net' "$W/c3")
	JUTS=$(jq -r 'select(.who == "joiner") | .ns.uts' "$W/c3")
	JPFC=$(jq -r 'select(.who == "joiner") | .ns.pid_for_children' "$W/c3")
	local v
	for v in "$P" "$C" "$CPID" "$CNET" "$CUTS" "$JNET" "$JUTS" "$JPFC"; do
		if ! [[ $v =~ ^[0-9]+$ ]]; then
			fail "nsw_clone3 did not print all its lines"
			return 1
		fi
	done
}

@test "nsw_clone3: clone3 event with CLONE_NEWPID|NEWNET|NEWUTS, child_pid and the child's namespaces" {
	run_clone3
	assert_ne "the child's net namespace (sanity)" "$CNET" "$(host_ns net)"

	find_event "clone3 by nsw_clone3 ($P)" '.op == "clone3" and .pid == $p' --argjson p "$P"
	assert_eq "number of clone3 events by $P" "$EV_COUNT" 1
	assert_ev .child_pid "$C"
	assert_ev .ret "$C"
	assert_ev .comm nsw_clone3
	assert_ev_flag CLONE_NEWPID
	assert_ev_flag CLONE_NEWNET
	assert_ev_flag CLONE_NEWUTS
	assert_ev_bits $((NSW_BIT[pid] | NSW_BIT[net] | NSW_BIT[uts]))
	assert_ev .ns_after.pid "$CPID"
	assert_ev .ns_after.net "$CNET"
	assert_ev .ns_after.uts "$CUTS"
	assert_ev_ns created pid "$CPID"
	assert_ev_ns created net "$CNET"
	assert_ev_ns created uts "$CUTS"
	assert_ev '.created | length' 3
	# the parent's namespaces before the call: the host's
	assert_ev .ns_before.pid "$(host_ns pid)"
	assert_ev .ns_before.net "$(host_ns net)"
	assert_ev .ns_before.uts "$(host_ns uts)"
	# untouched namespaces are inherited
	assert_ev .ns_after.mnt "$(host_ns mnt)"
}

@test "nsw_clone3: setns through a pidfd joins net, uts and pid as the joiner reads them" {
	run_clone3
	find_event "setns by nsw_clone3 ($P)" '.op == "setns" and .pid == $p' --argjson p "$P"
	assert_eq "number of setns events by $P" "$EV_COUNT" 1
	assert_ev .ret 0
	assert_ev_bits $((NSW_BIT[pid] | NSW_BIT[net] | NSW_BIT[uts]))
	assert_ev_ns joined net "$JNET"
	assert_ev_ns joined uts "$JUTS"
	assert_ev_ns joined pid "$JPFC"
	assert_ev '.joined | length' 3
	assert_ev .ns_after.net "$JNET"
	assert_ev .ns_after.uts "$JUTS"
	assert_ev .ns_after.pid_for_children "$JPFC"
	# setns(CLONE_NEWPID) changes pid_for_children only
	assert_ev .ns_after.pid "$(host_ns pid)"
	assert_ev .ns_before.net "$(host_ns net)"
	assert_ev .ns_before.pid_for_children "$(host_ns pid_for_children)"
	# the joiner joined its child's namespaces (sanity of the workload)
	assert_eq "joiner net vs child net" "$JNET" "$CNET"
	assert_eq "joiner pid_for_children vs child pid" "$JPFC" "$CPID"
}

@test "nsw_clone3: the setns event's target names the pidfd's process (docs/events.md)" {
	run_clone3
	find_event "setns by nsw_clone3 ($P)" '.op == "setns" and .pid == $p' --argjson p "$P"
	assert_ev .target.kind pidfd
	assert_ev .target.pid "$C"
}

@test "--op clone3 keeps the clone3 event and drops the setns" {
	run_clone3 --op clone3
	find_event "clone3 by nsw_clone3 ($P)" '.op == "clone3" and .pid == $p' --argjson p "$P"
	assert_ev .child_pid "$C"
	assert_ev .ns_after.net "$CNET"
	assert_no_event "anything but clone3" '.op != "clone3"'
}
