#!/usr/bin/env bats
# --op, --type, --comm, --pid: each must keep what matches and drop what does
# not, both checked against a workload that did both kinds of thing.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_cmd unshare nsenter jq
}

teardown() {
	nsw_teardown
}

# The mixed workload, run under the tracer: an unshare --uts (u), an
# unshare --ipc (i), a setns into a target's net namespace (s), and an
# unshare --pid --fork whose fork is reported as a clone (c).
write_mixed() {
	nsw_start_target --net
	cat >"$W/mixed.sh" <<'EOF'
W=$1 T=$2
unshare --uts sh "$W/rd.sh" "$W/u" uts
unshare --ipc sh "$W/rd.sh" "$W/i" ipc
nsenter --net="/proc/$T/ns/net" sh "$W/rd.sh" "$W/s" net
unshare --pid --fork sh "$W/rd.sh" "$W/c" pid
EOF
}

run_mixed() {
	nsw_trace --json "$@" -- sh "$W/mixed.sh" "$W" "$TARGET_PID"
	assert_trace_ok
	U_PID=$(wread "$W/u.pid")
	U_UTS=$(wread "$W/u.ns.uts")
	I_PID=$(wread "$W/i.pid")
	I_IPC=$(wread "$W/i.ns.ipc")
	S_PID=$(wread "$W/s.pid")
	S_NET=$(wread "$W/s.ns.net")
	C_CHILD=$(wread "$W/c.hostpid")
	C_UNSHARE=$(wread "$W/c.hostppid")
	C_PIDNS=$(wread "$W/c.ns.pid")
	# every part of the workload really did what it was meant to
	assert_ne "u's uts namespace (sanity)" "$U_UTS" "$(host_ns uts)"
	assert_ne "i's ipc namespace (sanity)" "$I_IPC" "$(host_ns ipc)"
	assert_ne "s's net namespace (sanity)" "$S_NET" "$(host_ns net)"
	assert_ne "c's pid namespace (sanity)" "$C_PIDNS" "$(host_ns pid)"
}

expect_u() {
	find_event "unshare --uts by $U_PID" '.op == "unshare" and .pid == $p' --argjson p "$U_PID"
	assert_ev_ns created uts "$U_UTS"
}

expect_i() {
	find_event "unshare --ipc by $I_PID" '.op == "unshare" and .pid == $p' --argjson p "$I_PID"
	assert_ev_ns created ipc "$I_IPC"
}

expect_s() {
	find_event "setns by nsenter $S_PID" '.op == "setns" and .pid == $p' --argjson p "$S_PID"
	assert_ev_ns joined net "$S_NET"
}

expect_c() {
	find_event "fork of $C_CHILD into the new pid namespace" \
		'(.op == "clone" or .op == "clone3") and .pid == $p and .child_pid == $c' \
		--argjson p "$C_UNSHARE" --argjson c "$C_CHILD"
	assert_ev .ns_after.pid "$C_PIDNS"
}

@test "--op setns keeps setns events and drops unshare and clone" {
	write_mixed
	run_mixed --op setns
	expect_s
	assert_no_event "an event other than setns" '.op != "setns"'
}

@test "--op unshare,clone keeps unshare and clone events and drops setns" {
	write_mixed
	run_mixed --op unshare,clone
	expect_u
	expect_i
	expect_c
	assert_no_event "an event other than unshare or clone" '.op != "unshare" and .op != "clone"'
}

@test "--type ipc keeps the ipc unshare and drops uts, net and pid events" {
	write_mixed
	run_mixed --type ipc
	expect_i
	assert_no_event "an event of the uts unshare" '.pid == $p' --argjson p "$U_PID"
	assert_no_event "an event of the net setns" '.pid == $p' --argjson p "$S_PID"
	assert_no_event "an event of the pid unshare or its fork" '.pid == $p' --argjson p "$C_UNSHARE"
}

@test "--type uts,net keeps the uts unshare and the net setns and drops ipc and pid" {
	write_mixed
	run_mixed --type uts,net
	expect_u
	expect_s
	assert_no_event "an event of the ipc unshare" '.pid == $p' --argjson p "$I_PID"
	assert_no_event "an event of the pid unshare or its fork" '.pid == $p' --argjson p "$C_UNSHARE"
}

@test "--comm keeps the named command and drops another doing the same" {
	local a b
	cp "$(command -v unshare)" "$W/nsw_keep"
	cp "$(command -v unshare)" "$W/nsw_drop"
	nsw_trace --json --comm nsw_keep -- sh -c \
		'"$0/nsw_keep" --uts sh "$0/rd.sh" "$0/a" uts && "$0/nsw_drop" --uts sh "$0/rd.sh" "$0/b" uts' "$W"
	assert_trace_ok
	a=$(wread "$W/a.pid")
	b=$(wread "$W/b.pid")
	assert_ne "b's uts namespace (sanity: nsw_drop ran)" "$(wread "$W/b.ns.uts")" "$(host_ns uts)"
	find_event "unshare by nsw_keep ($a)" '.op == "unshare" and .pid == $p' --argjson p "$a"
	assert_ev .comm nsw_keep
	assert_ev_ns created uts "$(wread "$W/a.ns.uts")"
	assert_no_event "an event of nsw_drop ($b)" '.pid == $p' --argjson p "$b"
	assert_no_event "an event with another comm" '.comm != "nsw_keep"'
}

@test "--pid in host-wide mode keeps that process and drops another one" {
	local a b
	# Two identical workloads that wait for a go file, then unshare --uts in
	# their own process (sh -> exec unshare -> exec sh): their pids are
	# known before they start.
	cat >"$W/gated.sh" <<'EOF'
while [ ! -e "$1/go" ]; do sleep 0.05; done
exec unshare --uts sh "$1/rd.sh" "$1/$2" uts
EOF
	nsw_bg sh "$W/gated.sh" "$W" a
	a=$NSW_BG_PID
	nsw_bg sh "$W/gated.sh" "$W" b
	b=$NSW_BG_PID
	nsw_trace_bg --json --pid "$a" --duration 6
	nsw_wait_tracing
	touch "$W/go"
	wait "$a" "$b" || true
	nsw_wait_tracer 60
	assert_trace_ok
	assert_eq "a's pid as a read it" "$(wread "$W/a.pid")" "$a"
	assert_eq "b's pid as b read it" "$(wread "$W/b.pid")" "$b"
	assert_ne "b's uts namespace (sanity: b ran)" "$(wread "$W/b.ns.uts")" "$(host_ns uts)"
	find_event "unshare by the --pid process ($a)" '.op == "unshare" and .pid == $p' --argjson p "$a"
	assert_ev_ns created uts "$(wread "$W/a.ns.uts")"
	assert_ev .ns_after.uts "$(wread "$W/a.ns.uts")"
	assert_no_event "an event of the other process ($b)" '.pid == $p' --argjson p "$b"
	assert_no_event "an event of any other process" '.pid != $p' --argjson p "$a"
}
