#!/usr/bin/env bats
# unshare(2) through util-linux unshare, one test per namespace type: the
# event's created / ns_after / ns_before against what the workload read from
# /proc/self/ns at that moment and the bats shell's own namespaces.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_cmd unshare jq
}

teardown() {
	nsw_teardown
}

# check_unshare TYPE UNSHARE_OPTION...: unshare(2) and exec in one process,
# so the event's pid is the workload shell's $$.
check_unshare() {
	local t=$1 x wpid host
	shift
	nsw_trace --json -- unshare "$@" sh "$W/rd.sh" "$W/w" "$t"
	assert_trace_ok
	x=$(wread "$W/w.ns.$t")
	wpid=$(wread "$W/w.pid")
	host=$(host_ns "$t")
	assert_ne "the workload's $t namespace (sanity: unshare $* took effect)" "$x" "$host"

	find_event "unshare(2) by the workload pid $wpid" \
		'.op == "unshare" and .pid == $p' --argjson p "$wpid"
	assert_ev .ret 0
	assert_ev_flag "${NSW_FLAG[$t]}"
	assert_ev_bits "${NSW_BIT[$t]}"
	assert_ev_ns created "$t" "$x"
	assert_ev ".ns_after.$t" "$x"
	assert_ev ".ns_before.$t" "$host"
}

@test "unshare --mount: created mnt namespace matches the workload's" {
	check_unshare mnt --mount
}

@test "unshare --uts: created uts namespace matches the workload's" {
	check_unshare uts --uts
}

@test "unshare --ipc: created ipc namespace matches the workload's" {
	check_unshare ipc --ipc
}

@test "unshare --net: created net namespace matches the workload's" {
	check_unshare net --net
}

@test "unshare --cgroup: created cgroup namespace matches the workload's" {
	check_unshare cgroup --cgroup
}

@test "unshare --user: created user namespace matches the workload's" {
	check_unshare user --user
}

# check_unshare_fork TYPE: unshare --TYPE --fork. The new namespace is the
# unshare process's TYPE_for_children; its forked child (the workload shell)
# is the first task inside it, and that fork is reported because the child's
# namespaces differ from the parent's.
check_unshare_fork() {
	local t=$1 x upid cpid host host_fc
	nsw_trace --json -- unshare "--$t" --fork sh "$W/rd.sh" "$W/w" "$t"
	assert_trace_ok
	x=$(wread "$W/w.ns.$t")
	cpid=$(wread "$W/w.hostpid")  # the forked child, as the host sees it
	upid=$(wread "$W/w.hostppid") # the unshare process, its parent
	host=$(host_ns "$t")
	host_fc=$(host_ns "${t}_for_children")
	assert_ne "the workload's $t namespace (sanity)" "$x" "$host"

	find_event "unshare(2) by the unshare process $upid" \
		'.op == "unshare" and .pid == $p' --argjson p "$upid"
	assert_ev .ret 0
	assert_ev_flag "${NSW_FLAG[$t]}"
	assert_ev_ns created "$t" "$x"
	assert_ev ".ns_after.${t}_for_children" "$x"
	assert_ev ".ns_before.${t}_for_children" "$host_fc"
	# unshare(2) does not move the caller itself
	assert_ev ".ns_after.$t" "$host"
	assert_ev ".ns_before.$t" "$host"

	find_event "the fork of $cpid by the unshare process $upid" \
		'(.op == "clone" or .op == "clone3") and .pid == $p and .child_pid == $c' \
		--argjson p "$upid" --argjson c "$cpid"
	assert_ev .ret "$cpid"
	assert_ev ".ns_after.$t" "$x"
	assert_ev ".ns_before.$t" "$host"
}

@test "unshare --pid --fork: new pid namespace in pid_for_children, the child's clone event has it as ns_after.pid" {
	check_unshare_fork pid
	# the workload shell is pid 1 of the new namespace
	assert_eq "the workload's own \$\$" "$(cat "$W/w.pid")" 1
}

@test "unshare --time --fork: new time namespace in time_for_children, the child's clone event has it as ns_after.time" {
	check_unshare_fork time
}

@test "unshare event identity: pid, tid, ppid, uid, comm, ts match the workload" {
	local before after wpid ts ts_us
	before=$(date +%s%6N)
	nsw_trace --json -- unshare --uts sh "$W/rd.sh" "$W/w" uts
	after=$(date +%s%6N)
	assert_trace_ok
	wpid=$(wread "$W/w.pid")
	find_event "unshare(2) by the workload pid $wpid" \
		'.op == "unshare" and .pid == $p' --argjson p "$wpid"
	assert_ev .tid "$wpid"
	assert_ev .ppid "$(wread "$W/w.ppid")"
	assert_ev .uid "$(wread "$W/w.uid")"
	assert_ev .comm unshare
	assert_ev .flags_raw "${NSW_BIT[uts]}"
	assert_ev '.flags | join(",")' CLONE_NEWUTS
	assert_ev '.error // "absent"' absent
	assert_ev '.ns_after.uts' "$(wread "$W/w.ns.uts")"

	ts=$(ev_get .ts)
	if ! [[ $ts =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$ ]]; then
		fail "ts '$ts' is not RFC 3339 UTC with microseconds"
	fi
	ts_us=$(date -u -d "$ts" +%s%6N)
	# the syscall happened between the two readings of the clock; allow 1s
	# for the tracer's monotonic-to-wall-clock conversion
	if ((ts_us < before - 1000000 || ts_us > after + 1000000)); then
		fail "ts $ts ($ts_us us) is outside the run [$before, $after] us (±1s)"
	fi
}

@test "several namespaces in one unshare(2): every one in created and ns_after" {
	local t x wpid
	nsw_trace --json -- unshare --uts --ipc --net sh "$W/rd.sh" "$W/w" uts ipc net
	assert_trace_ok
	wpid=$(wread "$W/w.pid")
	find_event "unshare(2) by the workload pid $wpid" \
		'.op == "unshare" and .pid == $p' --argjson p "$wpid"
	assert_ev_bits $((NSW_BIT[uts] | NSW_BIT[ipc] | NSW_BIT[net]))
	assert_ev '.created | length' 3
	for t in uts ipc net; do
		x=$(wread "$W/w.ns.$t")
		assert_ev_flag "${NSW_FLAG[$t]}"
		assert_ev_ns created "$t" "$x"
		assert_ev ".ns_after.$t" "$x"
		assert_ev ".ns_before.$t" "$(host_ns "$t")"
	done
	# the namespaces it did not touch stay the host's
	assert_ev .ns_after.mnt "$(host_ns mnt)"
	assert_ev .ns_after.user "$(host_ns user)"
}

# Causal order: the unshare that leaves a namespace comes before the
# ns_empty of that namespace, the one line it caused.
@test "unshare --uts twice in one process: the second unshare's line, then the ns_empty of the uts it left" {
	local a b wpid op empty
	cat >"$W/twice.sh" <<'SH'
sh "$1/rd.sh" "$1/a" uts
exec unshare --uts sh "$1/rd.sh" "$1/b" uts
SH
	nsw_trace --json -- unshare --uts sh "$W/twice.sh" "$W"
	assert_trace_ok
	a=$(wread "$W/a.ns.uts")
	b=$(wread "$W/b.ns.uts")
	wpid=$(wread "$W/b.pid")
	assert_ne "the two uts namespaces" "$a" "$b"
	op=$(jq -n --argjson b "$b" --argjson p "$wpid" '[inputs] | to_entries[]
		| select(.value.op == "unshare" and .value.pid == $p
			and any(.value.created[]?; .type == "uts" and .inode == $b)) | .key' "$NSW_OUT")
	empty=$(jq -n --argjson a "$a" '[inputs] | to_entries[]
		| select(.value.op == "ns_empty" and .value.type == "uts" and .value.inode == $a) | .key' "$NSW_OUT")
	[ -n "$op" ] || { fail "no unshare by pid $wpid creating uts $b"; return 1; }
	[ -n "$empty" ] || { fail "no ns_empty for uts $a"; return 1; }
	if [ "$op" -ge "$empty" ]; then
		fail "the ns_empty of uts $a (line $((empty + 1))) comes before the unshare that left it (line $((op + 1)))"
	fi
}
