#!/usr/bin/env bats
# True namespace lifetimes (docs/table.md, "Lifetimes"): ns_empty only when
# the kernel has freed the namespace, ns_held when its last process left and
# something else (an fd, a bind mount) keeps it. Checked against what the
# workload read from the kernel (readlink /proc/self/ns/uts, NS_GET_ID, its
# own fds, its clock) and the mount the test made, not against earlier
# output.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_cmd unshare mount umount jq stat
	require_helper nsw_flipns
	FLIP="$NSW_HELPER_DIR/nsw_flipns"
	PIN=""
}

teardown() {
	local st=0
	if [ -n "${HOLDER_PID:-}" ]; then
		kill "$HOLDER_PID" 2>/dev/null
		wait "$HOLDER_PID" 2>/dev/null
	fi
	if [ -n "$PIN" ] && mountpoint -q "$PIN"; then
		umount "$PIN" || st=1
	fi
	nsw_teardown
	return $st
}

# now_rfc3339: the wall clock in the events' ts format (UTC, microseconds),
# so that times compare as strings.
now_rfc3339() {
	date -u +%Y-%m-%dT%H:%M:%S.%6NZ
}

# wait_line DESC JQ_CONDITION SECONDS [JQ_ARGS...]: wait until the background
# tracer has written a line (any op) for which the condition holds.
wait_line() {
	local desc=$1 cond=$2 limit=$(($3 * 10)) i n
	shift 3
	for ((i = 0; i < limit; i++)); do
		n=$(jq -n -R "$@" "[inputs | fromjson? | select($cond)] | length" "$NSW_OUT")
		[ "${n:-0}" -gt 0 ] && return 0
		sleep 0.1
	done
	fail "no line within $((limit / 10))s: $desc [jq: select($cond) $*]"
}

# all_count JQ_CONDITION [JQ_ARGS...]: lines of any op for which it holds.
all_count() {
	NSW_LINES=all nsw_count "$@"
}

# The workload's readings of namespace X (a or b): inode, ns id, fd.
flip_readings() {
	FPID=$(wread "$W/pid")
	IA=$(wread "$W/a")
	IB=$(wread "$W/b")
	IDA=$(wread "$W/a.id")
	IDB=$(wread "$W/b.id")
	FDA=$(wread "$W/a.fd")
	FDB=$(wread "$W/b.fd")
	EXITING=$(cat "$W/exiting")
	assert_ne "the two namespaces the workload made (sanity)" "$IA" "$IB"
	assert_ne "A is not the host's uts namespace (sanity)" "$IA" "$(host_ns uts)"
}

@test "lifetimes: a process alternating setns between two uts namespaces it holds by fd: no ns_empty until they die, then exactly one each; one ns_held each, naming its fd" {
	local n=5000 t
	nsw_trace --json --rate-limit 0 -- "$FLIP" "$W" "$n" 400 hold
	assert_trace_ok
	assert_eq "records lost (the counts below need them all)" "$NSW_LOST" 0
	flip_readings
	assert_eq "setns calls the workload made" "$(wread "$W/setns")" $((2 * n + 1))
	assert_eq "successful setns events of the workload" \
		"$(nsw_count '.op == "setns" and .pid == $p and .ret == 0' --argjson p "$FPID")" $((2 * n + 1))
	assert_eq "the workload's uts namespace at its end" "$(wread "$W/final")" "$IA"
	for x in A B; do
		if [ $x = A ]; then i=$IA id=$IDA fd=$FDA; else i=$IB id=$IDB fd=$FDB; fi
		assert_eq "ns_empty lines for $x while the workload lived" \
			"$(all_count '.op == "ns_empty" and .inode == $i and .ts < $t' --argjson i "$i" --arg t "$EXITING")" 0
		assert_eq "ns_empty lines for $x" \
			"$(all_count '.op == "ns_empty" and .inode == $i' --argjson i "$i")" 1
		NSW_LINES=all find_event "the ns_empty of $x" '.op == "ns_empty" and .inode == $i' --argjson i "$i"
		[ "$id" = 0 ] || assert_eq "its ns_id (NS_GET_ID in the workload)" "$(ev_get .ns_id)" "$id"
		assert_eq "ns_held lines for $x" \
			"$(all_count '.op == "ns_held" and .inode == $i' --argjson i "$i")" 1
		NSW_LINES=all find_event "the ns_held of $x" '.op == "ns_held" and .inode == $i' --argjson i "$i"
		assert_eq "what holds $x" "$(jq -c .held_by <<<"$EV")" \
			"{\"kind\":\"fd\",\"pid\":$FPID,\"fd\":$fd}"
		[ "$id" = 0 ] || assert_eq "its ns_id" "$(ev_get .ns_id)" "$id"
		t=$(ev_get .ts)
		[[ "$t" < "$EXITING" ]] || fail "ns_held of $x at $t, not before the workload's exit at $EXITING"
	done
}

@test "lifetimes (control): the fd that held A closed mid-run: A's ns_empty comes then, not at the exit; B, held by no one, empties right at the exit" {
	local dropped
	nsw_trace --json --rate-limit 0 -- "$FLIP" "$W" 0 500 drop
	assert_trace_ok
	flip_readings
	dropped=$(cat "$W/dropped")
	assert_eq "ns_empty lines for A" "$(all_count '.op == "ns_empty" and .inode == $i' --argjson i "$IA")" 1
	NSW_LINES=all find_event "the ns_empty of A" '.op == "ns_empty" and .inode == $i' --argjson i "$IA"
	[[ "$(ev_get .ts)" > "$dropped" && "$(ev_get .ts)" < "$EXITING" ]] ||
		fail "A's ns_empty at $(ev_get .ts): not between the close of its fd ($dropped) and the exit ($EXITING)"
	NSW_LINES=all find_event "the ns_held of A (by its fd, before the close)" \
		'.op == "ns_held" and .inode == $i and .held_by.kind == "fd" and .held_by.fd == $f' \
		--argjson i "$IA" --argjson f "$FDA"
	assert_eq "ns_held lines for B (nothing but the process held it)" \
		"$(all_count '.op == "ns_held" and .inode == $i' --argjson i "$IB")" 0
	assert_eq "ns_empty lines for B" "$(all_count '.op == "ns_empty" and .inode == $i' --argjson i "$IB")" 1
	NSW_LINES=all find_event "the ns_empty of B" '.op == "ns_empty" and .inode == $i' --argjson i "$IB"
	[[ ! "$(ev_get .ts)" < "$EXITING" ]] || fail "B's ns_empty at $(ev_get .ts), before the exit ($EXITING)"
}

@test "lifetimes: a uts namespace bind-mounted after its last process exits: ns_held naming the mount, ns_empty after umount" {
	local ino unmounted
	PIN="$W/pin"
	touch "$PIN"
	nsw_trace_bg --json
	nsw_wait_tracing
	unshare --uts sh -c 'readlink /proc/self/ns/uts >"$1/ns"; echo $$ >"$1/pid"; mount --bind /proc/$$/ns/uts "$2"' sh "$W" "$PIN"
	ino=$(wread "$W/ns")
	assert_ne "the workload's uts namespace (sanity)" "$ino" "$(host_ns uts)"
	assert_eq "the mount names it (stat -L)" "$(stat -L -c %i "$PIN")" "$ino"
	wait_line "ns_held of uts:$ino" '.op == "ns_held" and .inode == $i' 10 --argjson i "$ino"
	unmounted=$(now_rfc3339)
	umount "$PIN"
	wait_line "ns_empty of uts:$ino" '.op == "ns_empty" and .inode == $i' 10 --argjson i "$ino"
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	assert_eq "ns_held lines" "$(all_count '.op == "ns_held" and .inode == $i' --argjson i "$ino")" 1
	NSW_LINES=all find_event "the ns_held" '.op == "ns_held" and .inode == $i' --argjson i "$ino"
	assert_eq "what holds it" "$(jq -c .held_by <<<"$EV")" "{\"kind\":\"mount\",\"path\":\"$PIN\"}"
	assert_eq "its last process" "$(ev_get .last_pid)" "$(wread "$W/pid")"
	assert_eq "ns_empty lines" "$(all_count '.op == "ns_empty" and .inode == $i' --argjson i "$ino")" 1
	NSW_LINES=all find_event "the ns_empty" '.op == "ns_empty" and .inode == $i' --argjson i "$ino"
	[[ "$(ev_get .ts)" > "$unmounted" ]] || fail "ns_empty at $(ev_get .ts), before the umount ($unmounted)"
}

@test "lifetimes: a user namespace whose process exits while the net namespace it owns is bind-mounted: ns_held naming that net namespace as what it owns, ns_empty of both after umount" {
	local pid user net i
	PIN="$W/pin"
	touch "$PIN"
	nsw_trace_bg --json
	nsw_wait_tracing
	unshare --user --net sleep 30 &
	pid=$!
	HOLDER_PID=$pid
	# Until unshare has made them and exec'd sleep.
	for i in $(seq 100); do
		[ "$(stat -L -c %i "/proc/$pid/ns/user" 2>/dev/null)" != "$(host_ns user)" ] && break
		sleep 0.05
	done
	user=$(stat -L -c %i "/proc/$pid/ns/user")
	net=$(stat -L -c %i "/proc/$pid/ns/net")
	assert_ne "the workload's user namespace (sanity)" "$user" "$(host_ns user)"
	assert_ne "the workload's net namespace (sanity)" "$net" "$(host_ns net)"
	mount --bind "/proc/$pid/ns/net" "$PIN"
	kill "$pid"
	wait "$pid" || true
	HOLDER_PID=""
	wait_line "ns_held of user:$user" '.op == "ns_held" and .type == "user" and .inode == $i' 10 \
		--argjson i "$user"
	umount "$PIN"
	wait_line "ns_empty of user:$user" '.op == "ns_empty" and .type == "user" and .inode == $i' 10 \
		--argjson i "$user"
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	NSW_LINES=all find_event "the user namespace's ns_held" \
		'.op == "ns_held" and .type == "user" and .inode == $i' --argjson i "$user"
	assert_eq "what holds it: the net namespace it owns" "$(jq -c .held_by <<<"$EV")" \
		"{\"kind\":\"owner\",\"type\":\"net\",\"inode\":$net}"
	NSW_LINES=all find_event "the net namespace's ns_held" \
		'.op == "ns_held" and .type == "net" and .inode == $i' --argjson i "$net"
	assert_eq "what holds the net namespace" "$(jq -c .held_by <<<"$EV")" "{\"kind\":\"mount\",\"path\":\"$PIN\"}"
	for ns in "user $user" "net $net"; do
		set -- $ns
		assert_eq "ns_empty lines of $1:$2" \
			"$(all_count '.op == "ns_empty" and .type == $t and .inode == $i' --arg t "$1" --argjson i "$2")" 1
	done
}
