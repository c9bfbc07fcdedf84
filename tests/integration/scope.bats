#!/usr/bin/env bats
# With -- CMD the tracer follows CMD and its descendants only: a loop outside
# it, doing the same kind of unshare under a distinctive name, must never
# show up, while every event of the traced command does.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_cmd unshare jq
	cp "$(command -v unshare)" "$W/outsider"
	cat >"$W/loop.sh" <<'EOF'
W=$1
while [ ! -e "$W/stop" ]; do
	"$W/outsider" --uts sh -c 'echo $$ >>"$0"' "$W/outsider.log"
	sleep 0.02
done
EOF
	: >"$W/outsider.log"
	nsw_bg sh "$W/loop.sh" "$W"
	local i
	for i in $(seq 100); do
		[ -s "$W/outsider.log" ] && return 0
		sleep 0.05
	done
	fail "the outsider loop did not start"
}

teardown() {
	touch "$W/stop"
	nsw_teardown
}

@test "-- CMD: events of a loop outside CMD never appear, CMD's own all do" {
	local n0 n1 i p pids
	cat >"$W/work.sh" <<'EOF'
W=$1
for i in 1 2 3 4 5 6 7 8; do
	unshare --uts sh "$W/rd.sh" "$W/in$i" uts
	sleep 0.05
done
EOF
	n0=$(wc -l <"$W/outsider.log")
	nsw_trace --json -- sh "$W/work.sh" "$W"
	n1=$(wc -l <"$W/outsider.log")
	assert_trace_ok
	if ((n1 <= n0)); then
		fail "the outsider loop did not run while tracing ($n0 -> $n1 runs): the test proves nothing"
	fi

	assert_no_event "an event of the outsider" '.comm == "outsider"'
	pids=""
	for i in 1 2 3 4 5 6 7 8; do
		p=$(wread "$W/in$i.pid")
		pids="$pids,$p"
		find_event "unshare $i of the traced command (pid $p)" \
			'.op == "unshare" and .pid == $p' --argjson p "$p"
		assert_ev .ret 0
		assert_ev .comm unshare
		assert_ev_ns created uts "$(wread "$W/in$i.ns.uts")"
	done
	# the only processes of the traced tree that changed namespaces are
	# those eight
	assert_no_event "an event of a process outside the traced command" \
		'.pid as $x | ($ps | index([$x])) == null' --argjson ps "[${pids#,}]"
}

@test "host-wide --comm outsider --duration sees the outsider loop (so the scope test is not vacuous)" {
	local p
	nsw_trace --json --comm outsider --duration 2
	assert_trace_ok
	find_event "an unshare by the outsider" '.op == "unshare" and .comm == "outsider"'
	assert_ev .ret 0
	assert_ev_flag CLONE_NEWUTS
	p=$(ev_get .pid)
	sleep 0.2 # let that outsider run finish writing its pid
	if ! grep -qx "$p" "$W/outsider.log"; then
		fail "pid $p of the outsider event is not one the outsider loop logged"
	fi
	assert_no_event "an event with another comm" '.comm != "outsider"'
}
