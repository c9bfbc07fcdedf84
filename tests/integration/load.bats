#!/usr/bin/env bats
# Loss accounting under load: every namespace syscall nsw_loadgen made is
# either an event line, counted in the summary's lost=M, or held back by
# the rate limit and counted in its throttled=T.

load helpers

setup() {
	nsw_setup
	require_root_btf
	require_helper nsw_loadgen
	require_cmd jq
}

teardown() {
	nsw_teardown
}

# check_load WORKERS ITERATIONS
check_load() {
	local ops unshares setns failed lines n_unshare n_setns n_failed
	nsw_trace --json --op unshare,setns,ns_empty -- \
		sh -c 'exec "$0" "$1" "$2" >"$3"' "$NSW_HELPER_DIR/nsw_loadgen" "$1" "$2" "$W/load"
	assert_trace_ok
	ops=$(jq -r .ops "$W/load")
	unshares=$(jq -r .unshare "$W/load")
	setns=$(jq -r .setns "$W/load")
	failed=$(jq -r .failed "$W/load")
	assert_eq "ops nsw_loadgen made (sanity)" "$ops" $(($1 * $2 * 2))
	lines=$(nsw_count 'true')
	# held: global, for the caller
	held=$(grep -E '^Summary: ' "$NSW_ERR" | tail -n1 | sed -E 's/.* throttled=([0-9]+) .*/\1/')
	assert_eq "event lines ($lines) + lost ($NSW_LOST) + throttled ($held)" \
		$((lines + NSW_LOST + held)) "$ops"
	assert_no_event "an event that is not one of nsw_loadgen's" \
		'.comm != "nsw_loadgen" or (.op != "unshare" and .op != "setns")'
	NSW_LINES=all assert_no_event "an ns_empty of a namespace nsw_loadgen did not make" \
		'.op == "ns_empty" and .created_by.comm != "nsw_loadgen"'
	if [ "$NSW_LOST" -eq 0 ] && [ "$held" -eq 0 ]; then
		# Each successful unshare's uts namespace is left by the setns
		# back and held by nobody else: the kernel frees it, so each
		# one empties once, and no two share an ns_id although their
		# inodes are recycled.
		assert_eq "ns_empty lines (one per namespace made)" \
			"$(NSW_LINES=all nsw_count '.op == "ns_empty"')" \
			"$(nsw_count '.op == "unshare" and .ret == 0')"
		assert_eq "distinct ns_ids among them" \
			"$(jq -s '[.[] | select(.op == "ns_empty") | .ns_id] | unique | length' "$NSW_OUT")" \
			"$(NSW_LINES=all nsw_count '.op == "ns_empty"')"
		# nothing lost: the events must match the counts one for one
		n_unshare=$(nsw_count '.op == "unshare"')
		n_setns=$(nsw_count '.op == "setns"')
		n_failed=$(nsw_count '.ret < 0')
		assert_eq "unshare events" "$n_unshare" "$unshares"
		assert_eq "setns events" "$n_setns" "$setns"
		assert_eq "failed events" "$n_failed" "$failed"
	fi
}

@test "load: nsw_loadgen 8 500: event lines + lost + throttled == ops" {
	check_load 8 500
}

@test "load: nsw_loadgen 2 50 (small enough to lose nothing): lines match the counts" {
	check_load 2 50
	assert_eq "lost" "$NSW_LOST" 0
	assert_eq "throttled" "$held" 0
}
