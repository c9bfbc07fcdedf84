#!/usr/bin/env bats
# A refused unshare(2): an unprivileged `unshare --net` gets EPERM. The event
# must say so, and --failed must keep it while dropping successful calls.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_cmd unshare setpriv jq
	# The workload: one successful unshare --uts by root, then one
	# unshare --net as uid/gid 65534. The unprivileged shell cannot create
	# files in $W, so its readings go through descriptors opened by root.
	cat >"$W/work.sh" <<'EOF'
W=$1
unshare --uts sh "$W/rd.sh" "$W/ok" uts
setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c 'echo $$; id -u; readlink /proc/self/ns/net; exec unshare --net true' \
	>"$W/bad.out" 2>"$W/bad.err"
echo $? >"$W/bad.rc"
exit 0
EOF
}

teardown() {
	nsw_teardown
}

# read_bad: BAD_PID, BAD_UID, BAD_NET from the unprivileged workload; checks
# that unshare really was refused with EPERM.
read_bad() {
	BAD_PID=$(sed -n 1p "$W/bad.out")
	BAD_UID=$(sed -n 2p "$W/bad.out")
	sed -n 3p "$W/bad.out" >"$W/bad.ns.net"
	BAD_NET=$(wread "$W/bad.ns.net")
	assert_eq "uid of the unprivileged workload (sanity)" "$BAD_UID" 65534
	assert_eq "exit status of the unprivileged unshare" "$(cat "$W/bad.rc")" 1
	if ! grep -q 'Operation not permitted' "$W/bad.err"; then
		fail "the unprivileged unshare did not fail with EPERM: $(cat "$W/bad.err")"
	fi
}

@test "unprivileged unshare --net: event with ret -1, error EPERM, uid 65534" {
	nsw_trace --json -- sh "$W/work.sh" "$W"
	assert_trace_ok
	read_bad

	find_event "unshare by the unprivileged workload ($BAD_PID)" \
		'.op == "unshare" and .pid == $p' --argjson p "$BAD_PID"
	assert_ev .ret -1
	assert_ev .error EPERM
	assert_ev .uid "$BAD_UID"
	assert_ev .comm unshare
	assert_ev_flag CLONE_NEWNET
	assert_ev '.created // [] | length' 0
	# nothing changed: before and after are both where the workload was
	assert_ev .ns_before.net "$BAD_NET"
	assert_ev .ns_after.net "$BAD_NET"

	# and the successful one, by root, is there too
	find_event "unshare by the privileged workload" \
		'.op == "unshare" and .pid == $p' --argjson p "$(wread "$W/ok.pid")"
	assert_ev .ret 0
	assert_ev .uid 0
	assert_ev '.error // "absent"' absent
	assert_ev_ns created uts "$(wread "$W/ok.ns.uts")"
}

@test "--failed keeps the EPERM unshare and drops the successful one" {
	nsw_trace --json --failed -- sh "$W/work.sh" "$W"
	assert_trace_ok
	read_bad
	# the successful unshare did happen
	assert_ne "the privileged workload's uts namespace (sanity)" \
		"$(wread "$W/ok.ns.uts")" "$(host_ns uts)"

	find_event "unshare by the unprivileged workload ($BAD_PID)" \
		'.op == "unshare" and .pid == $p' --argjson p "$BAD_PID"
	assert_ev .ret -1
	assert_ev .error EPERM
	assert_no_event "a successful call" '.ret >= 0'
	assert_no_event "the privileged workload's unshare" \
		'.pid == $p' --argjson p "$(wread "$W/ok.pid")"
}
