#!/usr/bin/env bats
# One producer flooding setns with the rate limit off (issue 11, item 5):
# every call is delivered as the kernel's truth or counted lost, in JSON
# and in text, host-wide and following. Whether the reporter keeps up with
# nothing lost is a race between the producer's CPU and the reporter's:
# bench/reporter.sh and bench/run.sh measure it (docs/performance.md); a
# test here would pass or fail with the machine's load. The producer (nsw_flipns) switches between two uts
# namespaces it holds by fd, FLOOD_N times each way, and says what the kernel
# did: how many setns calls it made (all succeeded, or it fails), its pid,
# and the two namespaces' inodes (readlink /proc/self/ns/uts). Per
# operation, events + throttled + lost must equal what was performed; the
# control, a ring buffer of 4 KiB, shows that losses are seen and counted.
# What can be asserted without timing is what a stall costs: with the
# reporter stopped for a whole flood, nothing is lost when the ring holds
# the flood, and what it cannot hold is lost and counted (the stalled_flood
# tests). No timing: how fast the reporter is goes to bench/reporter.sh.

load helpers

# 200,001 setns calls: a second or two of flood here.
FLOOD_N=100000

setup() {
	nsw_setup
	require_root_btf
	require_cmd jq
	require_helper nsw_flipns
	FLIP="$NSW_HELPER_DIR/nsw_flipns"
}

teardown() {
	nsw_teardown
}

# summary_op OP: E T L := OP's events, throttled and lost in the summary.
# flip_ran [N]: the producer (N each way; FLOOD_N) finished and said what
# it did; CALLS, PID, A, B.
flip_ran() {
	if [ ! -s "$W/setns" ]; then
		fail "nsw_flipns did not finish (no $W/setns)"
		return 1
	fi
	CALLS=$(cat "$W/setns")
	PID=$(cat "$W/pid")
	A=$(sed -E 's/^uts:\[([0-9]+)\]$/\1/' "$W/a")
	B=$(sed -E 's/^uts:\[([0-9]+)\]$/\1/' "$W/b")
	assert_eq "setns calls the producer made" "$CALLS" $((2 * ${1:-$FLOOD_N} + 1))
}

# json_counts: one pass over the JSON lines. SETNS_LINES := every setns
# line; MINE := the producer's setns lines; INTO_A, INTO_B := those whose
# target is A or B and that left the caller there; BAD := the producer's
# setns lines that failed or name another target.
json_counts() {
	read -r SETNS_LINES MINE INTO_A INTO_B BAD < <(jq -rn --argjson p "$PID" \
		--argjson a "$A" --argjson b "$B" '
		reduce (inputs | select(.op == "setns")) as $e ({all: 0, mine: 0, a: 0, b: 0, bad: 0};
			.all += 1
			| if $e.pid == $p then
				.mine += 1
				| if $e.ret == 0 and $e.target.inode == $a and $e.ns_after.uts == $a then .a += 1
				  elif $e.ret == 0 and $e.target.inode == $b and $e.ns_after.uts == $b then .b += 1
				  else .bad += 1 end
			  else . end)
		| "\(.all) \(.mine) \(.a) \(.b) \(.bad)"' "$NSW_OUT")
}

# breaks FILE: the producer made its calls into A and B in turn (A, B, A,
# ..., A), so in the order its lines were written, two in a row into the
# same namespace mean that the lines between them are missing (lost, an
# odd number) or out of order. FILE: one target inode per line, in the
# output's order. BREAKS := how many such pairs.
breaks() {
	BREAKS=$(awk 'NR > 1 && $1 == prev {n++} {prev = $1} END {print n + 0}' "$1")
}

# host_flood ARGS...: a host-wide trace with ARGS around one flood.
host_flood() {
	nsw_trace_bg --rate-limit 0 "$@"
	nsw_wait_tracing
	"$FLIP" "$W" "$FLOOD_N" 0 hold
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 120
	assert_trace_ok
	flip_ran
}

@test "flood: 200,001 setns from one process under a host-wide --json --rate-limit 0 trace: every call delivered or counted lost, each line the kernel's truth" {
	host_flood --json
	json_counts
	assert_eq "its setns lines that failed or name another namespace" "$BAD" 0
	assert_eq "its lines into A plus its lines into B" $((INTO_A + INTO_B)) "$MINE"
	summary_op setns
	assert_eq "setns throttled with the rate limit off" "$T" 0
	assert_eq "setns lines against the summary's setns events" "$SETNS_LINES" "$E"
	# Host-wide, a lost record names no process: the producer's calls are
	# its lines plus at most every setns lost.
	[ "$MINE" -le "$CALLS" ] || fail "the producer has $MINE setns lines for $CALLS calls"
	[ $((MINE + L)) -ge "$CALLS" ] ||
		fail "the producer's $CALLS calls: $MINE lines and $L lost do not account for them"
	[ "$L" -le "$NSW_LOST" ] || fail "setns lost $L > the summary's lost $NSW_LOST"
}

@test "flood: the producer's JSON lines come out in the order of its calls (A, B, A, ...); control: two lines swapped are seen" {
	host_flood --json
	summary_op setns
	jq -r --argjson p "$PID" 'select(.op == "setns" and .pid == $p) | .target.inode' \
		"$NSW_OUT" >"$BATS_TEST_TMPDIR/targets"
	breaks "$BATS_TEST_TMPDIR/targets"
	# Each lost stretch makes at most one break; a reordered pair makes two.
	[ "$BREAKS" -le "$L" ] ||
		fail "$BREAKS places where the producer's lines do not alternate, $L setns lost"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/targets")" -gt 2 ] || fail "too few lines to check the order"
	# Control: the same check on the lines with the second and third swapped.
	sed -e '2{h;d}' -e '3{G}' "$BATS_TEST_TMPDIR/targets" >"$BATS_TEST_TMPDIR/swapped"
	breaks "$BATS_TEST_TMPDIR/swapped"
	[ "$BREAKS" -gt 0 ] || fail "control: two swapped lines not seen as out of order"
}

@test "flood: the same flood, text output, host-wide: every call has its line or is counted lost, in the order of the calls" {
	local mine into
	host_flood
	# TIME PID PPID COMM OP FLAGS RESULT NAMESPACES: the producer's setns lines that succeeded.
	mine=$(awk -v p="$PID" '$2 == p && $5 == "setns" && $7 == "0"' "$NSW_OUT" | wc -l)
	into=$(awk -v p="$PID" -v a="target=uts:$A" -v b="target=uts:$B" \
		'$2 == p && $5 == "setns" && $7 == "0" && (index($0, a) || index($0, b))' "$NSW_OUT" | wc -l)
	assert_eq "its lines naming A or B as the target" "$into" "$mine"
	summary_op setns
	assert_eq "setns throttled" "$T" 0
	[ "$mine" -le "$CALLS" ] || fail "the producer has $mine setns lines for $CALLS calls"
	[ $((mine + L)) -ge "$CALLS" ] ||
		fail "the producer's $CALLS calls: $mine lines and $L lost do not account for them"
	# In the order of its calls, as the JSON test checks.
	awk -v p="$PID" '$2 == p && $5 == "setns" && $7 == "0" {
		for (i = 8; i <= NF; i++) if (match($i, /^target=uts:[0-9]+/)) print substr($i, 12, RLENGTH - 11) }' \
		"$NSW_OUT" >"$BATS_TEST_TMPDIR/targets"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/targets")" -eq "$mine" ] ||
		fail "not every line of the producer names its target"
	breaks "$BATS_TEST_TMPDIR/targets"
	[ "$BREAKS" -le "$L" ] ||
		fail "$BREAKS places where the producer's text lines do not alternate, $L setns lost"
}

@test "flood: following the producer, events + throttled + lost equal the calls it made" {
	nsw_trace --json --rate-limit 0 -- "$FLIP" "$W" "$FLOOD_N" 0 hold
	assert_trace_ok
	flip_ran
	json_counts
	summary_op setns
	assert_eq "setns: events + throttled + lost against the calls made" $((E + T + L)) "$CALLS"
	assert_eq "setns throttled" "$T" 0
	assert_eq "setns lines against the summary" "$SETNS_LINES" "$E"
	assert_eq "the producer's setns lines against the summary's events" "$MINE" "$E"
	assert_eq "its setns lines that failed or name another namespace" "$BAD" 0
	summary_op unshare
	assert_eq "unshare: events + throttled + lost (its two namespaces)" $((E + T + L)) 2
}

@test "flood: control: a 4 KiB ring buffer loses events under the same flood, and every loss is counted" {
	nsw_trace --json --rate-limit 0 --ring-size 4K -- "$FLIP" "$W" "$FLOOD_N" 0 hold
	assert_trace_ok
	flip_ran
	json_counts
	summary_op setns
	[ "$L" -gt 0 ] || fail "no setns lost with a 4 KiB ring buffer under 200,001 calls"
	[ "$NSW_LOST" -gt 0 ] || fail "the summary's lost is 0 though setns lost $L"
	assert_eq "setns: events + throttled + lost against the calls made" $((E + T + L)) "$CALLS"
	assert_eq "setns lines against the summary" "$SETNS_LINES" "$E"
	assert_eq "the producer's setns lines against the summary's events" "$MINE" "$E"
}

# A stall the ring holds costs nothing; one it cannot hold is counted.
# The reporter, following a producer held at a fifo, is stopped (SIGSTOP)
# before the producer's flood and let go (SIGCONT) once the producer has
# written its last file: the whole flood lands in the ring with nobody
# reading, the longest stall there is. No timing: what the ring holds does
# not depend on how fast anything runs.
STALL_N=10000 # 20,001 calls: about 6 MB of records, well within the default ring (16 MiB or more)

# stalled_flood ARGS...: the trace (following, ARGS added) around one
# stalled flood of STALL_N each way.
stalled_flood() {
	local gate="$BATS_TEST_TMPDIR/gate" i
	mkfifo "$gate"
	nsw_trace_bg --json --rate-limit 0 "$@" -- \
		sh -c 'read -r _ <"$1" && exec "$2" "$3" "$4" 0 hold' sh "$gate" "$FLIP" "$W" "$STALL_N"
	nsw_wait_tracing
	kill -STOP "$NSW_TRACER_PID"
	echo go >"$gate"
	# The producer's last file, written once all its calls are made.
	for ((i = 0; i < 1200; i++)); do
		[ -s "$W/exiting" ] && break
		sleep 0.1
	done
	kill -CONT "$NSW_TRACER_PID"
	[ -s "$W/exiting" ] || fail "nsw_flipns did not finish its flood"
	nsw_wait_tracer 120
	assert_trace_ok
	flip_ran "$STALL_N"
	json_counts
	summary_op setns
}

@test "flood: a reporter stopped for a whole 20,001-call setns flood that its default ring holds loses nothing: every call has its line, events + throttled + lost equal the calls" {
	stalled_flood
	assert_eq "setns lost with the ring holding the whole flood" "$L" 0
	assert_eq "setns: events + throttled + lost against the calls made" $((E + T + L)) "$CALLS"
	assert_eq "the producer's setns lines against the calls made" "$MINE" "$CALLS"
	assert_eq "its lines into A" "$INTO_A" $((STALL_N + 1))
	assert_eq "its lines into B" "$INTO_B" "$STALL_N"
	assert_eq "its setns lines that failed or name another namespace" "$BAD" 0
	summary_op unshare
	assert_eq "unshare: events + throttled + lost (its two namespaces)" $((E + T + L)) 2
}

@test "flood: control: the same stopped reporter with a 1 MiB ring, which cannot hold the flood, loses setns records and counts every one" {
	stalled_flood --ring-size 1M
	[ "$L" -gt 0 ] || fail "no setns lost with a 1 MiB ring and the reporter stopped for 20,001 calls"
	assert_eq "setns: events + throttled + lost against the calls made" $((E + T + L)) "$CALLS"
	assert_eq "the producer's setns lines against the summary's events" "$MINE" "$E"
	assert_eq "setns lines against the summary" "$SETNS_LINES" "$E"
	assert_eq "its setns lines that failed or name another namespace" "$BAD" 0
}
