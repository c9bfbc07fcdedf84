#!/usr/bin/env bats
# The command line: help, bad arguments, exit statuses, the stderr protocol
# (Tracing line, Summary line), the JSON and plain output formats, and the
# ways host-wide tracing ends.

load helpers

setup() {
	nsw_setup
	require_nswatch
}

teardown() {
	nsw_teardown
}

OPTIONS="--pid --comm --type --op --failed --json --duration --priority-boost"

@test "trace --help exits 0 and mentions every option" {
	local o
	nsw_trace --help
	assert_eq "exit status of nswatch trace --help" "$NSW_STATUS" 0
	for o in $OPTIONS; do
		if ! grep -q -e "$o" "$NSW_OUT" "$NSW_ERR"; then
			fail "nswatch trace --help does not mention $o"
		fi
	done
}

@test "nswatch --help exits 0 and mentions the trace command" {
	local status=0
	"$NSWATCH" --help >"$NSW_OUT" 2>"$NSW_ERR" </dev/null || status=$?
	NSW_STATUS=$status NSW_ARGS="--help"
	assert_eq "exit status of nswatch --help" "$status" 0
	if ! grep -q trace "$NSW_OUT" "$NSW_ERR"; then
		fail "nswatch --help does not mention the trace command"
	fi
}

# check_rejected WORD ARGS...: `nswatch trace ARGS... -- true` must exit
# non-zero without tracing, naming WORD on stderr.
check_rejected() {
	local word=$1
	shift
	nsw_trace "$@" -- true
	if [ "$NSW_STATUS" = 0 ]; then
		fail "nswatch trace $* exited 0"
	fi
	if [ "$NSW_STATUS" = 124 ] || [ "$NSW_STATUS" = 137 ]; then
		fail "nswatch trace $* timed out instead of rejecting its arguments"
	fi
	if ! grep -q -e "$word" "$NSW_ERR"; then
		fail "stderr does not name the problem ($word)"
	fi
	if grep -q '^Tracing' "$NSW_ERR"; then
		fail "nswatch started tracing despite the bad argument"
	fi
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
}

@test "an unknown option is rejected" {
	check_rejected bogus-option --bogus-option
}

@test "a bad --type value is rejected" {
	check_rejected nosuchtype --type mnt,nosuchtype
}

@test "a bad --op value is rejected" {
	check_rejected nosuchop --op clone,nosuchop
}

@test "a bad --pid value is rejected" {
	check_rejected notapid --pid notapid
}

@test "-- /nonexistent exits 127" {
	require_root_btf
	nsw_trace -- /nonexistent/nsw-no-such-command
	assert_eq "exit status" "$NSW_STATUS" 127
	if ! grep -q nsw-no-such-command "$NSW_ERR"; then
		fail "stderr does not name the command that could not run"
	fi
}

@test "-- CMD exiting 7 exits 7, after draining CMD's last event" {
	require_root_btf
	nsw_trace --json -- sh -c 'unshare --uts sh "$0/rd.sh" "$0/w" uts; exit 7' "$W"
	assert_trace_ok 7
	find_event "the unshare just before the exit" \
		'.op == "unshare" and .pid == $p' --argjson p "$(wread "$W/w.pid")"
	assert_ev_ns created uts "$(wread "$W/w.ns.uts")"
}

@test "-- CMD killed by SIGTERM exits 143" {
	require_root_btf
	nsw_trace --json -- sh -c 'kill -TERM $$'
	assert_trace_ok 143
}

@test "-- true: Tracing line and Summary on stderr, nothing on stdout" {
	require_root_btf
	nsw_trace --json -- true
	assert_trace_ok
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
}

# A jq condition that one event satisfies if it has the documented shape.
SCHEMA='
def slots: ["cgroup","ipc","mnt","net","pid","pid_for_children","time","time_for_children","user","uts"];
def types: IN("mnt","uts","ipc","net","cgroup","pid","time","user");
def ns10: type == "object" and (keys == slots) and all(.[]; type == "number" and . > 0);
def nsref: type == "object" and has("inode") and has("type")
	and all(keys[]; IN("inode","type","ns_id","container","netns"))
	and (.type | types) and (.inode | type == "number" and . > 0)
	and (if has("ns_id") then .ns_id | type == "number" and . > 0 else true end)
	and all(.container, .netns; . == null or (type == "string" and length > 0));
def nslist: type == "array" and all(.[]; nsref);
def isclone: .op == "clone" or .op == "clone3";
def ts_ok: .ts | type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$");
def ns_empty_ok: (.type | types) and (.inode | type == "number" and . > 0)
	and (.last_pid | type == "number" and . > 0)
	and (.origin | IN("created","seen","seeded"))
	and ((.origin == "created") == has("created_by"))
	and (if has("created_by") then (.created_by.pid | type == "number")
		and (.created_by.op | IN("clone","clone3","unshare")) else true end);
def op_ok: (.op | IN("clone","clone3","unshare","setns"))
and all(.pid, .tid, .ppid, .uid, .flags_raw, .ret; type == "number")
and (.comm | type == "string" and length > 0 and length < 16)
and (.flags | type == "array" and all(.[]; type == "string" and test("^CLONE_NEW[A-Z]+$")))
and (has("error") == (.ret < 0))
and (if has("error") then .error | type == "string" and test("^E[A-Z0-9]+$") else true end)
and (if isclone then (.ret < 0 or (.child_pid | type == "number" and . > 0)) else (has("child_pid") | not) end)
and (.ns_before | ns10)
and (if .ns_after == null then (isclone and .ret < 0) else (.ns_after | ns10) end)
and (if .ret >= 0 then (if .op == "setns" then .joined else .created end | nslist)
	else (if .op == "setns" then .joined else .created end | . == null or . == []) end);
ts_ok and (if .op == "ns_empty" then ns_empty_ok else op_ok end)
'

@test "--json: every stdout line is one JSON object of the documented shape, ts within the run" {
	require_root_btf
	require_helper nsw_clone3
	require_cmd unshare nsenter setpriv jq
	local before after n line ts ts_us op
	nsw_start_target --net
	cat >"$W/all.sh" <<'EOF'
W=$1 T=$2 H=$3
unshare --uts --net sh "$W/rd.sh" "$W/u" uts net
nsenter --net="/proc/$T/ns/net" sh "$W/rd.sh" "$W/s" net
unshare --pid --fork sh "$W/rd.sh" "$W/c" pid
"$H/nsw_clone3" >"$W/c3"
setpriv --reuid=65534 --regid=65534 --clear-groups unshare --net true 2>/dev/null
exit 0
EOF
	before=$(date +%s%6N)
	nsw_trace --json -- sh "$W/all.sh" "$W" "$TARGET_PID" "$NSW_HELPER_DIR"
	after=$(date +%s%6N)
	assert_trace_ok
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		if ! jq -e 'type == "object"' <<<"$line" >/dev/null 2>&1; then
			fail "stdout line $n is not a JSON object: $line"
		fi
		if ! jq -e "$SCHEMA" <<<"$line" >/dev/null; then
			fail "stdout line $n does not have the documented shape: $line"
		fi
		ts=$(jq -r .ts <<<"$line")
		ts_us=$(date -u -d "$ts" +%s%6N)
		if ((ts_us < before - 1000000 || ts_us > after + 1000000)); then
			fail "line $n: ts $ts is outside the run [$before, $after] us (±1s)"
		fi
	done <"$NSW_OUT"
	# the workload did each kind of call: each must be there
	for op in unshare setns clone clone3; do
		find_event "an event with op $op" '.op == $o' --arg o "$op"
	done
	find_event "the failed unshare" '.op == "unshare" and .ret < 0'
	assert_ev .error EPERM
}

@test "plain output: a header line with TIME PID PPID COMM OP FLAGS RESULT and a row for the event" {
	require_root_btf
	local wpid
	nsw_trace -- unshare --uts sh "$W/rd.sh" "$W/w" uts
	assert_trace_ok
	if ! grep -Eq '(^|[[:space:]])TIME[[:space:]].*PID[[:space:]].*PPID[[:space:]].*COMM[[:space:]].*OP[[:space:]].*FLAGS[[:space:]].*RESULT([[:space:]]|$)' "$NSW_OUT"; then
		fail "no header line with TIME PID PPID COMM OP FLAGS RESULT on stdout"
	fi
	wpid=$(wread "$W/w.pid")
	if ! grep -E "(^|[[:space:]])$wpid([[:space:]]|$)" "$NSW_OUT" | grep -q unshare; then
		fail "no row with the workload's pid $wpid and unshare"
	fi
}

@test "host-wide --duration 2 ends by itself with status 0 and a summary" {
	require_root_btf
	local t0 t1
	t0=$(date +%s)
	nsw_trace --json --duration 2
	t1=$(date +%s)
	assert_trace_ok
	if ((t1 - t0 < 2)); then
		fail "nswatch --duration 2 returned after $((t1 - t0))s"
	fi
	if ((t1 - t0 > 60)); then
		fail "nswatch --duration 2 took $((t1 - t0))s"
	fi
}

# check_hostwide_signal SIG: host-wide tracing until SIG; an unshare made
# while it runs is reported, and it exits 0 with a summary.
check_hostwide_signal() {
	local wpid
	nsw_trace_bg --json
	nsw_wait_tracing
	unshare --uts sh "$W/rd.sh" "$W/w" uts
	sleep 0.5
	kill "-$1" "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	wpid=$(wread "$W/w.pid")
	find_event "the unshare made while tracing host-wide" \
		'.op == "unshare" and .pid == $p' --argjson p "$wpid"
	assert_ev_ns created uts "$(wread "$W/w.ns.uts")"
}

@test "host-wide until SIGINT: reports what ran, exits 0 with a summary" {
	require_root_btf
	check_hostwide_signal INT
}

@test "host-wide until SIGTERM: reports what ran, exits 0 with a summary" {
	require_root_btf
	check_hostwide_signal TERM
}

# The error contract: the command returns its error, main prints it once;
# the summary of what was seen until then is still there.
@test "stdout that cannot be written: exit 1, one error line naming stdout, and the summary" {
	require_root_btf
	local status=0
	timeout --kill-after=10 "$NSW_TIMEOUT" "$NSWATCH" trace --duration 5 \
		</dev/null >/dev/full 2>"$NSW_ERR" 3>&- || status=$?
	NSW_STATUS=$status NSW_ARGS="trace --duration 5 >/dev/full"
	assert_eq "exit status" "$status" 1
	assert_eq "error lines" "$(grep -c '^nswatch: writing events to stdout' "$NSW_ERR")" 1
	grep -q '^Summary: events=[0-9]* lost=[0-9]* ' "$NSW_ERR" || fail "no Summary line"
}

# ---- issue 11, item 4: the end of a trace does not wait for the kernel ----

# nsw_bpf_progs: how many of nswatch's BPF programs are loaded (names as in
# bpf/nswatch.bpf.c; p_ the probe set, which trace -- CMD loads;
# enter_setns_cast, host-wide on 6.2+, as the kernel cuts it to 15 bytes).
nsw_bpf_progs() {
	bpftool prog list 2>/dev/null |
		grep -cE 'name ((p_)?(enter_(clone|clone3|unshare|setns)|exit_(clone|clone3|unshare|setns)|on_(fork|exec|exit))|enter_setns_cas)( |$)' || true
}

@test "the end of a trace: the programs are gone within 2 s, and the caller's pipe closes at once; control: they are there while it runs" {
	require_root_btf
	command -v bpftool >/dev/null || fail "bpftool is missing (apt-get install bpftool)"
	local n i
	n=$(nsw_bpf_progs)
	assert_eq "nswatch programs loaded before (another trace running?)" "$n" 0
	# Control: while a trace runs, its programs are listed.
	"$NSWATCH" trace --duration 3 >/dev/null 2>&1 &
	local tp=$!
	for ((i = 0; i < 50; i++)); do
		[ "$(nsw_bpf_progs)" -gt 0 ] && break
		sleep 0.1
	done
	[ "$(nsw_bpf_progs)" -gt 0 ] || fail "control: no nswatch program listed while a trace runs"
	wait "$tp"
	# The command substitution returns when the pipe closes: the child
	# that lets go of the programs keeps no stdio.
	local out
	out=$("$NSWATCH" trace -- true 2>&1)
	grep -q '^Summary:' <<<"$out" || fail "no Summary line: $out"
	for ((i = 0; i < 20; i++)); do
		[ "$(nsw_bpf_progs)" -eq 0 ] && break
		sleep 0.1
	done
	assert_eq "nswatch programs loaded 2 s after the trace ended" "$(nsw_bpf_progs)" 0
}

# prio_trace ARGS...: `nice -n 3 nswatch trace ARGS -- sh ...`, the command
# writing its parent's (the reporter's) nice and its own, as the kernel
# gives them in /proc/PID/stat, into PRIO_PARENT and PRIO_SELF.
prio_trace() {
	NSW_STATUS=0
	timeout --kill-after=10 "$NSW_TIMEOUT" nice -n 3 "$NSWATCH" trace "$@" -- \
		sh -c 'cut -d" " -f19 /proc/$PPID/stat >"$1/parent"; cut -d" " -f19 /proc/self/stat >"$1/self"' \
		sh "$BATS_TEST_TMPDIR" </dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	NSW_ARGS="trace $*"
	assert_eq "exit status of nice -n 3 nswatch trace $*" "$NSW_STATUS" 0
	PRIO_PARENT=$(cat "$BATS_TEST_TMPDIR/parent") PRIO_SELF=$(cat "$BATS_TEST_TMPDIR/self")
}

@test "--priority-boost N: the reporter runs N nice levels above its caller (5 by default, at most to -20), the command at the caller's; 0 leaves it (control)" {
	local caller
	prio_trace
	caller=$PRIO_SELF
	[ "$caller" -ge 1 ] || fail "the command runs at nice $caller, not its caller's (nice -n 3)"
	assert_eq "the reporter's nice, by default" "$PRIO_PARENT" $((caller - 5))
	prio_trace --priority-boost 0
	assert_eq "the command's nice with --priority-boost 0" "$PRIO_SELF" "$caller"
	assert_eq "the reporter's nice with --priority-boost 0 (control)" "$PRIO_PARENT" "$caller"
	prio_trace --priority-boost 39
	assert_eq "the command's nice with --priority-boost 39" "$PRIO_SELF" "$caller"
	assert_eq "the reporter's nice with --priority-boost 39 (the floor)" "$PRIO_PARENT" -20
}

@test "--priority-boost without CAP_SYS_NICE: a warning that names the nice it stays at, and the trace runs; bad values are rejected" {
	require_cmd setpriv
	NSW_STATUS=0
	# Root's capabilities after exec are its bounding set's.
	setpriv --bounding-set -sys_nice -- "$NSWATCH" trace -- true \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" || NSW_STATUS=$?
	assert_eq "exit status without CAP_SYS_NICE" "$NSW_STATUS" 0
	grep -q 'warning: the reporter stays at nice .*(--priority-boost 5)' "$NSW_ERR" ||
		fail "no warning naming the priority: $(cat "$NSW_ERR")"
	grep -q '^Summary:' "$NSW_ERR" || fail "the trace did not run: $(cat "$NSW_ERR")"
	check_rejected "invalid priority boost '40'" --priority-boost 40
	check_rejected "invalid priority boost '-1'" --priority-boost -1
	check_rejected "invalid priority boost 'x'" --priority-boost x
}
