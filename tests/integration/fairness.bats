#!/usr/bin/env bats
# Fairness: a flood from one source (a uid; for root, a uid and a cgroup)
# is held back in the kernel by the rate limit, so it cannot make the
# tracer lose another source's events, and what it held back is counted
# per (source, operation). The numbers of calls come from the workloads
# themselves (nsw_flood counts every call it makes and prints the counts);
# per operation, events + throttled + lost must equal them.

load helpers
load runtime_helpers

FLOOD_UID1=6001
FLOOD_UID2=6002

setup() {
	rt_setup
	require_root_runtime
	require_root_btf
	require_helper nsw_flood
	require_cmd jq setpriv
}

teardown() {
	rt_teardown
}

# summary_field NAME: the number NAME=N of the summary line.
summary_field() {
	grep -E '^Summary: ' "$NSW_ERR" | tail -n1 | grep -oE " $1=[0-9]+" | cut -d= -f2
}

# performed OP FILE...: the calls of OP the workloads say they made.
performed() {
	local op=$1
	shift
	jq -s --arg op "$op" 'map(.[$op]) | add' "$@"
}

# check_accounting OP FILE...: per the summary and per the lines, the events,
# throttled and lost calls of OP add up to what the workloads made.
check_accounting() {
	local op=$1 want lines held
	shift
	want=$(performed "$op" "$@")
	summary_op "$op"
	assert_eq "$op: events + throttled + lost ($E + $T + $L) against the calls made" \
		$((E + T + L)) "$want"
	lines=$(nsw_count '.op == $o' --arg o "$op")
	assert_eq "$op: event lines against the summary's events" "$lines" "$E"
	held=$(jq -s --arg o "$op" '[.[] | select(.op == "throttled" and .operation == $o) | .count] | add // 0' "$NSW_OUT")
	assert_eq "$op: the throttled lines' counts against the summary's throttled" "$held" "$T"
}

# flood_script: $W/flood.sh runs two unprivileged floods (uids 6001 and 6002,
# each in a user namespace of its own) for 3 s and, once their first second
# is over, root's 200 unshare+setns pairs, 5 ms apart.
flood_script() {
	cat >"$W/flood.sh" <<EOF
setpriv --reuid=$FLOOD_UID1 --regid=$FLOOD_UID1 --clear-groups "$NSW_HELPER_DIR/nsw_flood" -U -s -t 3 >"$W/f1" &
setpriv --reuid=$FLOOD_UID2 --regid=$FLOOD_UID2 --clear-groups "$NSW_HELPER_DIR/nsw_flood" -U -s -t 3 >"$W/f2" &
sleep 1
"$NSW_HELPER_DIR/nsw_flood" -s -n 200 -i 5000 >"$W/root"
wait
EOF
}

# check_flood_ran: the three workloads ran and no call failed.
check_flood_ran() {
	local f
	for f in f1 f2 root; do
		if [ ! -s "$W/$f" ]; then
			fail "workload $f printed nothing"
			return 1
		fi
		assert_eq "$f: failed calls" "$(jq .failed "$W/$f")" 0
	done
	assert_eq "root workload: unshare calls" "$(jq .unshare "$W/root")" 200
	assert_eq "root workload: setns calls" "$(jq .setns "$W/root")" 200
}

@test "fairness: two unprivileged floods are throttled, root's calls under them are all delivered, and every call is accounted (reporter at its caller's priority)" {
	local rootpid u
	flood_script
	# The reporter at its caller's priority, as in the control: the limit
	# alone must keep root's calls (at the default --priority-boost the
	# reporter also kept up with these floods unthrottled, 920,000 events).
	nsw_trace --json --priority-boost 0 -- sh "$W/flood.sh"
	assert_trace_ok
	check_flood_ran
	rootpid=$(jq .pid "$W/root")
	assert_eq "root's unshare events" "$(nsw_count '.pid == $p and .op == "unshare"' --argjson p "$rootpid")" 200
	assert_eq "root's setns events" "$(nsw_count '.pid == $p and .op == "setns"' --argjson p "$rootpid")" 200
	NSW_LINES=all assert_no_event "throttled line for root" '.op == "throttled" and .source.uid == 0'
	for u in $FLOOD_UID1 $FLOOD_UID2; do
		NSW_LINES=all find_event "a throttled line for uid $u" \
			'.op == "throttled" and .source.uid == $u' --argjson u "$u"
		# An unprivileged uid is one source wherever it runs.
		assert_ev .source.cgroup_id 0
	done
	assert_eq "lost" "$NSW_LOST" 0
	check_accounting unshare "$W/f1" "$W/f2" "$W/root"
	check_accounting setns "$W/f1" "$W/f2" "$W/root"
	assert_eq "throttled total" "$(summary_field throttled)" \
		"$(jq -s '[.[] | select(.op == "throttled") | .count] | add' "$NSW_OUT")"
	# The flood was held to its share: 4 s of burst and 3 s at 1000/s.
	[ "$(nsw_count '.uid == $u' --argjson u "$FLOOD_UID1")" -le $((1000 * (4 + 3) + 100)) ] ||
		fail "uid $FLOOD_UID1 got more events than its share"
}

@test "fairness: --rate-limit 0 (control): the same floods are not throttled and make the tracer lose events (reporter at its caller's priority)" {
	flood_script
	nsw_trace --json --priority-boost 0 --rate-limit 0 -- sh "$W/flood.sh"
	assert_trace_ok
	check_flood_ran
	assert_eq "throttled" "$(summary_field throttled)" 0
	NSW_LINES=all assert_no_event "a throttled line" '.op == "throttled"'
	[ "$NSW_LOST" -gt 0 ] || fail "no event lost under two unthrottled floods"
	check_accounting unshare "$W/f1" "$W/f2" "$W/root"
	check_accounting setns "$W/f1" "$W/f2" "$W/root"
}

@test "fairness: a held-back count is reported in text too, with its source, at the end" {
	local line
	nsw_trace --rate-limit 1 -- "$NSW_HELPER_DIR/nsw_flood" -n 30
	assert_trace_ok
	# One event a second, a burst of 4: the rest of the 30 is held back
	# and the source never calls again, so the end reports it.
	summary_op unshare
	assert_eq "unshare: events + throttled + lost" $((E + T + L)) 30
	[ "$T" -gt 0 ] || fail "nothing throttled at 1 event a second"
	line=$(grep -E ' throttled +- +- +op=unshare ' "$NSW_OUT")
	assert_eq "the text line's count" "$(sed -E 's/.* count=([0-9]+) .*/\1/' <<<"$line")" "$T"
	assert_eq "the text line's uid" "$(sed -E 's/.* uid=([0-9]+) .*/\1/' <<<"$line")" 0
	# uid 0's source is its cgroup: the workload's, as the kernel gives its id.
	assert_eq "the text line's cgroup_id" "$(sed -E 's/.* cgroup_id=([0-9]+) .*/\1/' <<<"$line")" \
		"$(stat -c %i "$(findmnt -n -o TARGET -t cgroup2 | head -n1)$(sed -n 's/^0:://p' /proc/self/cgroup)")"
}

# starts_script SUFFIX: $W/starts.sh starts six containers one after the
# other, each running true; their clone3 calls come from root in one
# cgroup: one source.
starts_script() {
	cat >"$W/starts.sh" <<EOF
for i in 1 2 3 4 5 6; do
	"$NSWATCH" run --name "$(rt_name "$1")-\$i" -- true || exit 1
done
EOF
}

@test "fairness: container starts under the default limit are never throttled (control: --rate-limit 1 throttles them)" {
	starts_script a
	nsw_trace --json -- sh "$W/starts.sh"
	assert_trace_ok
	assert_eq "clone3 events (one per container)" "$(nsw_count '.op == "clone3"')" 6
	assert_eq "throttled" "$(summary_field throttled)" 0
	NSW_LINES=all assert_no_event "a throttled line" '.op == "throttled"'

	# One event a second and a burst of four: the six clone3 of root
	# within a second cannot all pass.
	starts_script b
	nsw_trace --json --rate-limit 1 -- sh "$W/starts.sh"
	assert_trace_ok
	[ "$(summary_field throttled)" -gt 0 ] || fail "six container starts at 1 event a second were not throttled"
	summary_op clone3
	assert_eq "clone3: events + throttled + lost" $((E + T + L)) 6
}

@test "fairness: --rate-limit takes 0 to 1000000 and nothing else" {
	local bad
	for bad in -1 x 1000001 ''; do
		nsw_trace --rate-limit "$bad" -- true
		assert_eq "exit status for --rate-limit '$bad'" "$NSW_STATUS" 2
		grep -q "rate limit" "$NSW_ERR" || fail "no message naming the rate limit for '$bad'"
	done
}

# forkflood_script: $W/forkflood.sh runs two unprivileged fork floods (uids
# 6001 and 6002) for 3 s and, once their first second is over, root's 200
# unshare+setns pairs, 5 ms apart. Forks and exits are not rate-limited
# (the namespace table needs every one): what protects root's events is
# that the kernel makes a process far more slowly than the reporter takes
# its two records.
forkflood_script() {
	require_helper nsw_forkflood
	cat >"$W/forkflood.sh" <<EOF
setpriv --reuid=$FLOOD_UID1 --regid=$FLOOD_UID1 --clear-groups "$NSW_HELPER_DIR/nsw_forkflood" -t 3 >"$W/f1" &
setpriv --reuid=$FLOOD_UID2 --regid=$FLOOD_UID2 --clear-groups "$NSW_HELPER_DIR/nsw_forkflood" -t 3 >"$W/f2" &
sleep 1
"$NSW_HELPER_DIR/nsw_flood" -s -n 200 -i 5000 >"$W/root"
wait
EOF
}

# check_forkflood_ran: both fork floods made processes and none failed; root
# made its 200 pairs.
check_forkflood_ran() {
	local f
	for f in f1 f2; do
		[ -s "$W/$f" ] || fail "fork flood $f printed nothing"
		assert_eq "$f: failed forks" "$(jq .failed "$W/$f")" 0
		[ "$(jq .forks "$W/$f")" -gt 1000 ] || fail "$f made only $(jq .forks "$W/$f") processes: no flood"
	done
	assert_eq "root workload: failed calls" "$(jq .failed "$W/root")" 0
	assert_eq "root workload: unshare calls" "$(jq .unshare "$W/root")" 200
	assert_eq "root workload: setns calls" "$(jq .setns "$W/root")" 200
}

@test "fairness: two unprivileged fork floods lose no fork or exit record and none of root's calls (control: a 4 KiB ring loses under the same floods)" {
	local rootpid
	forkflood_script
	# At the caller's priority, here and in the control: they differ only
	# in the ring's size.
	nsw_trace --json --priority-boost 0 -- sh "$W/forkflood.sh"
	assert_trace_ok
	check_forkflood_ran
	echo "# forks: $(jq -s 'map(.forks) | add' "$W/f1" "$W/f2") in 3 s; $(grep '^Summary' "$NSW_ERR")" >&3
	rootpid=$(jq .pid "$W/root")
	assert_eq "root's unshare events" "$(nsw_count '.pid == $p and .op == "unshare"' --argjson p "$rootpid")" 200
	assert_eq "root's setns events" "$(nsw_count '.pid == $p and .op == "setns"' --argjson p "$rootpid")" 200
	assert_eq "lost" "$NSW_LOST" 0
	assert_eq "fork, exec and exit records lost" "$(summary_field lifecycle_lost)" 0

	# The same floods into a ring that holds about ten records: the reporter
	# cannot keep up, so the test above would see any loss.
	forkflood_script
	nsw_trace --json --priority-boost 0 --ring-size 4K -- sh "$W/forkflood.sh"
	assert_trace_ok
	check_forkflood_ran
	[ $((NSW_LOST + $(summary_field lifecycle_lost))) -gt 0 ] ||
		fail "control: nothing lost under two fork floods into a 4 KiB ring"
	check_accounting unshare "$W/root"
	check_accounting setns "$W/root"
}
