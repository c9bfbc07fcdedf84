#!/usr/bin/env bats
# The namespace table behind `nswatch trace`: the labels it puts on events
# (an `ip netns` name, a runc container's id, an nswatch container's name)
# and its ns_empty lines, checked against inodes read from /proc and
# /run/netns by other tools, not against what nswatch printed before.

load helpers
load runtime_helpers
load ns_helpers

setup() {
	rt_setup
	require_root_runtime
	require_root_btf
	require_cmd ip runc stat jq
	LS_RUNC_ID=""
	LS_BUNDLE=""
}

teardown() {
	local st=0
	runc_teardown || st=1
	rt_teardown || st=1
	return $st
}

@test "table: a setns into an ip netns namespace is labelled with its name" {
	ls_netns
	nsw_trace --json -- ip netns exec "$LS_NETNS" sh -c 'readlink /proc/self/ns/net >"$0"' "$W/net"
	assert_trace_ok
	assert_eq "the namespace the command was in" "$(wread "$W/net")" "$LS_NETNS_INO"
	find_event "the setns of ip netns exec" '.op == "setns" and .ret == 0 and .target.inode == $i' \
		--argjson i "$LS_NETNS_INO"
	assert_eq "the joined namespace's netns name" \
		"$(jq -r '.joined[] | select(.type == "net") | .netns' <<<"$EV")" "$LS_NETNS"
	assert_eq "the joined namespace's inode" \
		"$(jq -r '.joined[] | select(.type == "net") | .inode' <<<"$EV")" "$LS_NETNS_INO"
	# The bind mount keeps it: leaving it is not the end of it.
	NSW_LINES=all assert_no_event "an ns_empty without the pin" \
		'.op == "ns_empty" and .inode == $i and .pinned_at != $p' \
		--argjson i "$LS_NETNS_INO" --arg p "/run/netns/$LS_NETNS"
}

@test "table: a runc container traced host-wide: each namespace it made is labelled runc:ID when it empties" {
	local t ino st
	nsw_trace_bg --json
	nsw_wait_tracing
	ls_runc
	for t in mnt uts ipc net pid; do
		stat -L -c %i "/proc/$LS_RUNC_PID/ns/$t" >"$W/runc.$t"
	done
	st=$(rt_starttime "$LS_RUNC_PID" 2>/dev/null || echo 0)
	runc delete -f "$LS_RUNC_ID" >/dev/null 2>&1 || fail "runc delete -f $LS_RUNC_ID failed"
	rt_wait_gone "$LS_RUNC_PID" "$st" 10
	# Its pid namespace ends when the zombie init is reaped (here pid 1 may
	# take seconds): ns_empty means the kernel freed it.
	for _ in $(seq 200); do
		[ "$(rt_starttime "$LS_RUNC_PID" 2>/dev/null)" = "$st" ] || break
		sleep 0.05
	done
	sleep 0.3
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	for t in mnt uts ipc net pid; do
		ino=$(cat "$W/runc.$t")
		assert_ne "runc's $t namespace (sanity: runc spec unshares it)" "$ino" "$(host_ns "$t")"
		NSW_LINES=all find_event "the ns_empty of runc's $t namespace" \
			'.op == "ns_empty" and .type == $t and .inode == $i' --arg t "$t" --argjson i "$ino"
		assert_eq "the label of runc's $t namespace" "$(jq -r .container <<<"$EV")" "runc:$LS_RUNC_ID"
		assert_eq "ns_empty lines for runc's $t namespace" "$EV_COUNT" 1
	done
}

# Labels are read from /proc and the state files while the container runs
# (docs/table.md): this one lives a second, well past the reporter's 50 ms
# polls.
@test "table: an nswatch container's namespaces are labelled nswatch:NAME in trace's events" {
	local n t ino
	n=$(rt_name lab)
	nsw_trace --json -- sh -c '"$0" run --name "$1" -- sh -c "$2" >"$3"' "$NSWATCH" "$n" \
		'for t in mnt uts ipc net cgroup pid time user; do readlink /proc/self/ns/$t; done; sleep 1' \
		"$W/ns"
	assert_trace_ok
	for t in mnt uts ipc net cgroup pid time user; do
		ino=$(sed -n "s/^$t:\[\([0-9]*\)\]$/\1/p" "$W/ns")
		[ -n "$ino" ] || { fail "the container printed no $t namespace"; return 1; }
		find_event "the event that made the container's $t namespace" \
			'.ret >= 0 and any(.created[]?; .type == $t and .inode == $i)' --arg t "$t" --argjson i "$ino"
		NSW_LINES=all find_event "the ns_empty of the container's $t namespace" \
			'.op == "ns_empty" and .type == $t and .inode == $i' --arg t "$t" --argjson i "$ino"
		assert_eq "the label on its ns_empty" "$(jq -r .container <<<"$EV")" "nswatch:$n"
		assert_eq "its creator" "$(jq -r .created_by.comm <<<"$EV")" nswatch
	done
}

@test "table: inodes recycled within the run are never one namespace: one ns_empty per namespace made, distinct ns_ids" {
	local made
	cat >"$W/cycle.sh" <<'EOF2'
for i in 1 2 3 4 5 6 7 8 9 10; do
	unshare --uts readlink /proc/self/ns/uts
done >"$1/inodes"
EOF2
	nsw_trace --json -- sh "$W/cycle.sh" "$W"
	assert_trace_ok
	made=$(wc -l <"$W/inodes")
	assert_eq "namespaces the loop read (sanity)" "$made" 10
	# The kernel hands a freed inode to the next namespace: the loop saw
	# fewer distinct inodes than namespaces (this is what the test is about).
	[ "$(sort -u "$W/inodes" | wc -l)" -lt 10 ] ||
		fail "no inode was recycled in this run (the kernel gave 10 distinct ones): the test proves nothing"
	assert_eq "ns_empty lines for uts namespaces" \
		"$(NSW_LINES=all nsw_count '.op == "ns_empty" and .type == "uts"')" 10
	assert_eq "distinct ns_ids among them" \
		"$(jq -s '[.[] | select(.op == "ns_empty" and .type == "uts") | .ns_id] | unique | length' "$NSW_OUT")" 10
	# Every inode the loop read empties as often as the loop read it.
	while read -r cnt line; do
		ino=${line#uts:[}
		ino=${ino%]}
		assert_eq "ns_empty lines for inode $ino" \
			"$(NSW_LINES=all nsw_count '.op == "ns_empty" and .inode == $i' --argjson i "$ino")" "$cnt"
	done < <(sort "$W/inodes" | uniq -c)
}

@test "table: owner, parent and id of what unshare and clone3 make are the kernel's (NS_GET_USERNS, NS_GET_PARENT, NS_GET_ID), from the records, with no nsfs question" {
	local host
	require_helper nsw_tablemeta
	# unshare of user+mnt+uts+ipc+net+cgroup+pid+time, then user+uts inside
	# it, then clone3(CLONE_NEWUSER | CLONE_NEWNET): the helper applies the
	# tracer's records to a table and compares with the kernel's answers on
	# the workload's own /proc/PID/ns files while it lives.
	run "$NSW_HELPER_DIR/nsw_tablemeta"
	printf '%s\n' "$output" >"$W/meta"
	[ "$status" -eq 0 ] || fail "the table's meta is not the kernel's, or the kernel was asked (status $status): $output"
	assert_eq "made namespaces compared" "$(grep -c ' owner ' "$W/meta")" 12
	# The rule matters here: every made namespace but the first user one is
	# owned by a user namespace the workload made, not by the host's, so an
	# owner taken from before the call would not pass.
	host=$(awk '$1 == "host_user" { print $2 }' "$W/meta")
	assert_eq "made namespaces owned by the host's user namespace" \
		"$(awk -v h="$host" '$3 == "owner" && $5 == h' "$W/meta" | wc -l)" 1
}
