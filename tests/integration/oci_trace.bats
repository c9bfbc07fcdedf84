#!/usr/bin/env bats
# The OCI annotation io.nswatch.trace=PATH (docs/oci.md, "Tracing a
# container's start"): create records the container's start into PATH, in
# the JSON lines of run --trace-json or (io.nswatch.trace-format=perfetto)
# the Trace Event Format. Checked against the kernel: the pid file's pid
# (the container's init) is a track, the namespaces the kernel's events
# report are those the container's own command reads in /proc/self/ns, the
# init's exec comes after create has exited (so after start); bad values
# fail create with a message naming the annotation and leave nothing (no
# state, cgroup, recorder process, BPF link, temporary file); a created
# container deleted before start leaves no recorder.

load helpers
load runtime_helpers
load oci_helpers

# The track of the runtime's steps (timeline/perfetto.h): above any pid.
RUNTIME_PID=4194305

setup() {
	rt_setup
	require_root_runtime
	require_root_btf
	require_cmd bpftool
	oci_setup
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

teardown() {
	local id f
	oci_sweep
	for id in "${OCI_IDS[@]}"; do
		[ -e "$ROOT/.$id.trace" ] && OCI_LEFT+=("the recorder's record $ROOT/.$id.trace")
	done
	for f in "$OUT"/.*.nswatch-*; do
		[ -e "$f" ] && OCI_LEFT+=("a temporary trace file $f")
	done
	# The recorder is a fork of create: its arguments name the container,
	# which rt_teardown looks for among every process.
	oci_teardown_end
}

READ_NS='for t in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$t; done'

# oci_config ARGS_JSON ANNOTATIONS_JSON: a config.json on the busybox rootfs
# in new pid, net, ipc, uts, mount and cgroup namespaces.
oci_config() {
	cat >"$BUNDLE/config.json" <<EOF
{
 "ociVersion": "1.0.2",
 "root": {"path": "$RT_ROOTFS", "readonly": true},
 "hostname": "oci-trace",
 "process": {"terminal": false, "cwd": "/", "args": $1,
   "user": {"uid": 0, "gid": 0},
   "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
   "noNewPrivileges": true},
 "mounts": [
  {"destination": "/proc", "type": "proc", "source": "proc"},
  {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}
 ],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
   {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
   "resources": {"pids": {"limit": 32}}},
 "annotations": $2
}
EOF
}

# oci_create ID: create, the container's output in $BATS_TEST_TMPDIR/ID.out
# (a file: the container's stdout is create's), its pid file ID.pid.
oci_create() {
	NSW_STATUS=0
	timeout --kill-after=5 "$RT_TIMEOUT" "$RUNC" --root "$ROOT" create --bundle "$BUNDLE" \
		--pid-file "$BATS_TEST_TMPDIR/$1.pid" "$1" >"$BATS_TEST_TMPDIR/$1.out" 2>&1 </dev/null ||
		NSW_STATUS=$?
}

# workload_ns ID TYPE: the inode the container's command read for TYPE.
workload_ns() {
	sed -n "s/^$2:\[\([0-9]*\)\]$/\1/p" "$BATS_TEST_TMPDIR/$1.out"
}

# bpf_links: how many BPF links the kernel has.
bpf_links() {
	bpftool link show -j | jq 'length'
}

# wait_links N: until the kernel has N BPF links again (bounded: a closed
# link goes after the kernel's grace period).
wait_links() {
	local i
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		[ "$(bpf_links)" -eq "$1" ] && return 0
		sleep 0.1
	done
	fail "BPF links: $(bpf_links), expected $1 as before the test"
}

# recorder_pid ID: the recorder's pid as create wrote it down.
recorder_pid() {
	head -n 1 "$ROOT/.$1.trace" | cut -d ' ' -f 1
}

# te FILE JQ: a jq expression over a Trace Event Format file.
te() {
	jq -r "$2" "$1"
}

@test "oci trace perfetto: the init is a track; the kernel's namespaces are the workload's; the exec after start is in" {
	local id pid file t want got create_pid exit_ts exec_ts
	oci_id pf
	id=$OCI_ID
	file="$OUT/$id.trace.json"
	oci_config "[\"sh\", \"-c\", \"$READ_NS; echo done; exec sleep 600\"]" \
		"{\"io.nswatch.trace\": \"$file\", \"io.nswatch.trace-format\": \"perfetto\"}"
	oci_create "$id"
	[ "$NSW_STATUS" -eq 0 ] || fail "create: status $NSW_STATUS: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	pid=$(cat "$BATS_TEST_TMPDIR/$id.pid")
	RT_INITS+=("$pid:$(rt_starttime "$pid")")
	[ ! -e "$file" ] || fail "the trace is written before start"
	rt_oci start "$id"
	assert_eq "start status" "$NSW_STATUS" 0
	# start returns once the recorder has written the file.
	[ -s "$file" ] || fail "no trace file $file once start returned"
	wait_output "$id" done
	jq -e . "$file" >/dev/null || fail "the trace is not JSON"
	assert_eq "displayTimeUnit" "$(te "$file" .displayTimeUnit)" ms

	# The runtime's track: named, with the steps as complete events.
	assert_eq "the runtime's track" \
		"$(te "$file" "[.traceEvents[] | select(.ph == \"M\" and .name == \"process_name\" and .pid == $RUNTIME_PID)][0].args.name")" \
		"nswatch runtime"
	for t in namespaces mounts pivot_root await_start total_to_exec; do
		got=$(te "$file" "[.traceEvents[] | select(.ph == \"X\" and .pid == $RUNTIME_PID and .name == \"$t\" and .dur >= 0)] | length")
		[ "$got" -ge 1 ] || fail "no complete event for the runtime's step $t"
	done

	# The init (the pid file's pid) is a track of its own, named.
	got=$(te "$file" "[.traceEvents[] | select(.ph == \"M\" and .name == \"process_name\" and .pid == $pid)][0].args.name")
	[ -n "$got" ] && [ "$got" != null ] || fail "the init, pid $pid, has no track"
	# Every process the kernel's events name has its track.
	got=$(te "$file" '[.traceEvents[] | select(.cat == "kernel" and .pid < 4194304) | .pid] - [.traceEvents[] | select(.ph == "M" and .name == "process_name") | .pid] | length')
	assert_eq "processes without a track" "$got" 0

	# The clone3 that made the init: its namespaces are those the command read.
	create_pid=$(te "$file" "[.traceEvents[] | select(.cat == \"kernel\" and .name == \"clone3\" and .args.event.child_pid == $pid)][0].pid")
	[ "$create_pid" != null ] || fail "no clone3 with child_pid $pid"
	for t in pid net ipc uts mnt; do
		want=$(workload_ns "$id" "$t")
		[ -n "$want" ] || fail "the workload printed no $t namespace"
		assert_ne "the container's $t namespace" "$want" "$(host_ns "$t")"
		assert_eq "the init's $t namespace read from the host" "$(ns_of "$pid" "$t")" "$want"
		got=$(te "$file" "[.traceEvents[] | select(.name == \"clone3\" and .args.event.child_pid == $pid)][0].args.event.ns_after.$t")
		assert_eq "clone3's ns_after.$t" "$got" "$want"
	done
	# The init's own unshare of its cgroup namespace is on its track.
	want=$(workload_ns "$id" cgroup)
	assert_ne "the container's cgroup namespace" "$want" "$(host_ns cgroup)"
	got=$(te "$file" "[.traceEvents[] | select(.pid == $pid and .name == \"unshare\" and (.args.event.flags | index(\"CLONE_NEWCGROUP\")))][0].args.event.ns_after.cgroup")
	assert_eq "the init's unshare(CLONE_NEWCGROUP) ns_after.cgroup" "$got" "$want"

	# The command's exec, on the init's track, after create itself exited.
	exec_ts=$(te "$file" "[.traceEvents[] | select(.pid == $pid and .name == \"exec\")][0].ts")
	exit_ts=$(te "$file" "[.traceEvents[] | select(.pid == $create_pid and .name == \"exit\")][0].ts")
	[ "$exec_ts" != null ] || fail "no exec of the init $pid in the trace"
	assert_eq "the init's exec" "$(te "$file" "[.traceEvents[] | select(.pid == $pid and .name == \"exec\")][0].args.filename")" /bin/sh
	[ "$exit_ts" != null ] || fail "no exit of create (pid $create_pid) in the trace"
	awk -v a="$exit_ts" -v b="$exec_ts" 'BEGIN { exit !(a < b) }' ||
		fail "the exec ($exec_ts) is not after create's exit ($exit_ts)"
	assert_eq "the command runs in the init" "$(cat "/proc/$pid/comm")" sleep
	assert_eq "events lost" "$(te "$file" .otherData.lost)" 0
	[ ! -e "$ROOT/.$id.trace" ] || fail "the recorder's record is left after it wrote"
}

@test "oci trace json: JSON lines as run --trace-json, with the init's clone3, exec and the summary's namespaces" {
	local id pid file t want
	oci_id js
	id=$OCI_ID
	file="$OUT/$id.jsonl"
	oci_config "[\"sh\", \"-c\", \"$READ_NS; echo done; exec sleep 600\"]" \
		"{\"io.nswatch.trace\": \"$file\"}"
	oci_create "$id"
	[ "$NSW_STATUS" -eq 0 ] || fail "create: status $NSW_STATUS: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	pid=$(cat "$BATS_TEST_TMPDIR/$id.pid")
	RT_INITS+=("$pid:$(rt_starttime "$pid")")
	rt_oci start "$id"
	assert_eq "start status" "$NSW_STATUS" 0
	[ -s "$file" ] || fail "no trace file $file once start returned"
	wait_output "$id" done
	jq -e . "$file" >/dev/null || fail "a line is not JSON"
	assert_eq "the last line" "$(tail -n 1 "$file" | jq -r .what)" summary
	for t in pid net ipc uts mnt cgroup; do
		want=$(workload_ns "$id" "$t")
		assert_ne "the container's $t namespace" "$want" "$(host_ns "$t")"
		assert_eq "the summary's $t namespace" \
			"$(tail -n 1 "$file" | jq -r ".namespaces[] | select(.type == \"$t\") | .inode")" "$want"
	done
	for t in pid net ipc uts mnt; do
		assert_eq "clone3's ns_after.$t" \
			"$(jq -r "select(.source == \"kernel\" and .what == \"clone3\" and .event.child_pid == $pid) | .event.ns_after.$t" "$file")" \
			"$(workload_ns "$id" "$t")"
	done
	assert_eq "the init's exec" \
		"$(jq -r "select(.source == \"kernel\" and .what == \"exec\" and .pid == $pid) | .filename" "$file" | head -n 1)" /bin/sh
	jq -e -s '[.[] | select(.source == "runtime") | .what] | index("created") < index("running")' "$file" >/dev/null ||
		fail "no runtime items created, then running"
}

# bad_annotation WHAT ANNOTATIONS_JSON MESSAGE: create fails saying MESSAGE
# and leaves nothing: no state, cgroup, recorder, BPF link, file.
bad_annotation() {
	local id links f
	oci_id "bad$1"
	id=$OCI_ID
	oci_config '["true"]' "$2"
	links=$(bpf_links)
	oci_create "$id"
	NSW_OUT="$BATS_TEST_TMPDIR/$id.out"
	[ "$NSW_STATUS" -ne 0 ] || fail "$1: create succeeded"
	grep -qF -- "$3" "$NSW_OUT" || fail "$1: the message does not say '$3': $(cat "$NSW_OUT")"
	grep -qF -- "io.nswatch.trace" "$NSW_OUT" || fail "$1: the message does not name the annotation: $(cat "$NSW_OUT")"
	[ ! -e "$ROOT/$id" ] || fail "$1: state directory $ROOT/$id left"
	[ ! -e "$ROOT/.$id.trace" ] || fail "$1: a recorder was recorded"
	for f in /sys/fs/cgroup/*/nswatch/"$id" /sys/fs/cgroup/nswatch/"$id"; do
		[ ! -e "$f" ] || fail "$1: cgroup $f left"
	done
	[ -z "$(rt_pids_with_prefix)" ] || fail "$1: processes left: $(rt_pids_with_prefix)"
	[ ! -e "$BATS_TEST_TMPDIR/$id.pid" ] || fail "$1: a pid file, so a container, was made"
	assert_eq "$1: BPF links" "$(bpf_links)" "$links"
	for f in "$OUT"/.*.nswatch-* "$BATS_TEST_TMPDIR"/.*.nswatch-*; do
		[ ! -e "$f" ] || fail "$1: temporary file $f left"
	done
	NSW_OUT="$BATS_TEST_TMPDIR/nsw.out"
}

@test "oci trace: bad annotation values fail create with the annotation named, and leave nothing" {
	local target id
	bad_annotation relative '{"io.nswatch.trace": "t.json"}' "a relative path"
	[ ! -e "$BUNDLE/t.json" ] && [ ! -e "t.json" ] || fail "a relative trace file was written"
	bad_annotation nodir "{\"io.nswatch.trace\": \"$BATS_TEST_TMPDIR/nodir/t.json\"}" \
		"cannot open the directory"
	bad_annotation unwritable '{"io.nswatch.trace": "/proc/nswatch-trace.json"}' "cannot write in /proc"
	bad_annotation format "{\"io.nswatch.trace\": \"$OUT/f.json\", \"io.nswatch.trace-format\": \"xml\"}" \
		"unknown format 'xml'"
	[ ! -e "$OUT/f.json" ] || fail "a trace file for an unknown format"
	bad_annotation nopath '{"io.nswatch.trace-format": "perfetto"}' "without io.nswatch.trace=PATH"
	# A file that is there is never replaced, nor a symlink followed.
	echo keep >"$OUT/exists.json"
	bad_annotation exists "{\"io.nswatch.trace\": \"$OUT/exists.json\"}" "is there already"
	assert_eq "the file that was there" "$(cat "$OUT/exists.json")" keep
	target="$BATS_TEST_TMPDIR/target"
	ln -s "$target" "$OUT/link.json"
	bad_annotation symlink "{\"io.nswatch.trace\": \"$OUT/link.json\"}" "is there already"
	[ ! -e "$target" ] || fail "the symlink's target was written"
	# Control: the same config with a good path is created.
	oci_id good
	id=$OCI_ID
	oci_config '["true"]' "{\"io.nswatch.trace\": \"$OUT/good.json\"}"
	oci_create "$id"
	assert_eq "create with a good path" "$NSW_STATUS" 0
	RT_INITS+=("$(cat "$BATS_TEST_TMPDIR/$id.pid"):$(rt_starttime "$(cat "$BATS_TEST_TMPDIR/$id.pid")")")
}

@test "oci trace: a created container deleted before start leaves no recorder; the file has what was recorded" {
	local id pid rec file links f
	oci_id del
	id=$OCI_ID
	file="$OUT/$id.json"
	oci_config '["true"]' "{\"io.nswatch.trace\": \"$file\", \"io.nswatch.trace-format\": \"perfetto\"}"
	links=$(bpf_links)
	oci_create "$id"
	[ "$NSW_STATUS" -eq 0 ] || fail "create: status $NSW_STATUS: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	pid=$(cat "$BATS_TEST_TMPDIR/$id.pid")
	RT_INITS+=("$pid:$(rt_starttime "$pid")")
	rec=$(recorder_pid "$id")
	[ -n "$rec" ] && [ -e "/proc/$rec" ] || fail "no recorder running after create"
	# Detached: a session of its own, none of create's stdio (the engine's pipes).
	assert_eq "the recorder's session" "$(awk '{ print $6 }' "/proc/$rec/stat")" "$rec"
	for f in /proc/"$rec"/fd/*; do
		[ "$(readlink "$f")" != "$BATS_TEST_TMPDIR/$id.out" ] || fail "the recorder holds create's stdout"
	done
	# Control: the container's init does hold it, the recorder holds the tracer.
	ls -l /proc/"$pid"/fd/ | grep -qF "$BATS_TEST_TMPDIR/$id.out" || fail "control: the init does not hold create's stdout"
	[ "$(bpf_links)" -gt "$links" ] || fail "control: no BPF link while the recorder runs"
	[ ! -e "$file" ] || fail "the trace is written before start or delete"

	rt_oci delete --force "$id"
	assert_eq "delete status" "$NSW_STATUS" 0
	if [ -e "/proc/$rec" ] && [ "$(awk '{ print $3 }' "/proc/$rec/stat" 2>/dev/null)" != Z ]; then
		fail "the recorder $rec is still running after delete"
	fi
	[ ! -e "$ROOT/.$id.trace" ] || fail "the recorder's record is left"
	wait_links "$links"
	jq -e . "$file" >/dev/null || fail "no trace written at delete"
	# delete killed the init, then ended the recorder: the trace says so.
	assert_eq "the trace's end" \
		"$(te "$file" '[.traceEvents[] | select(.cat == "runtime" and .name == "end")][0].args.detail')" \
		"the init (pid $pid) ended before it executed the command"
	assert_eq "the init's exit, killed by SIGKILL" \
		"$(te "$file" "[.traceEvents[] | select(.pid == $pid and .name == \"exit\")][0].args.wait_status")" 9
	assert_eq "no exec of the init in the trace" \
		"$(te "$file" "[.traceEvents[] | select(.pid == $pid and .name == \"exec\")] | length")" 0
	[ "$(te "$file" "[.traceEvents[] | select(.name == \"clone3\" and .args.event.child_pid == $pid)] | length")" -eq 1 ] ||
		fail "the create's clone3 of the init is not in the trace"
}

@test "oci trace: a create that fails once the tracer is on writes the error into PATH and leaves nothing" {
	local id file links
	oci_id fail
	id=$OCI_ID
	file="$OUT/$id.jsonl"
	oci_config '["true"]' "{\"io.nswatch.trace\": \"$file\"}"
	# A terminal without --console-socket: create fails after the checks of the annotation.
	jq '.process.terminal = true' "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	links=$(bpf_links)
	oci_create "$id"
	[ "$NSW_STATUS" -ne 0 ] || fail "create succeeded without --console-socket"
	grep -qF -- "--console-socket" "$BATS_TEST_TMPDIR/$id.out" || fail "create's message: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	[ ! -e "$ROOT/$id" ] || fail "state directory $ROOT/$id left"
	[ ! -e "$ROOT/.$id.trace" ] || fail "a recorder was recorded"
	wait_links "$links"
	jq -e . "$file" >/dev/null || fail "no trace written for the failed create"
	assert_eq "the trace's error item" \
		"$(jq -r 'select(.what == "error") | .detail' "$file" | grep -c -- '--console-socket')" 1
	assert_eq "the last line" "$(tail -n 1 "$file" | jq -r .what)" summary
}

@test "oci trace: no BPF (root without capabilities): create fails naming the annotation, never skips it, leaves nothing" {
	local id file links f
	require_cmd setpriv
	oci_id nobpf
	id=$OCI_ID
	file="$OUT/$id.json"
	oci_config '["true"]' "{\"io.nswatch.trace\": \"$file\"}"
	links=$(bpf_links)
	NSW_STATUS=0
	timeout --kill-after=5 "$RT_TIMEOUT" setpriv --inh-caps=-all --bounding-set=-all -- \
		"$RUNC" --root "$ROOT" create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/$id.pid" "$id" \
		>"$BATS_TEST_TMPDIR/$id.out" 2>&1 </dev/null || NSW_STATUS=$?
	[ "$NSW_STATUS" -ne 0 ] || fail "create succeeded without the capability to load BPF"
	grep -qF "annotation io.nswatch.trace=$file" "$BATS_TEST_TMPDIR/$id.out" ||
		fail "the message does not name the annotation: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	grep -qF "the tracer" "$BATS_TEST_TMPDIR/$id.out" || fail "the message does not say the tracer failed"
	[ ! -e "$ROOT/$id" ] && [ ! -e "$BATS_TEST_TMPDIR/$id.pid" ] || fail "a container was made"
	[ ! -e "$file" ] || fail "a trace file was written"
	for f in "$OUT"/.*.nswatch-*; do
		[ ! -e "$f" ] || fail "temporary file $f left"
	done
	assert_eq "BPF links" "$(bpf_links)" "$links"
	# Control: with its capabilities, the same create loads the tracer.
	oci_create "$id"
	assert_eq "create with capabilities" "$NSW_STATUS" 0
	RT_INITS+=("$(cat "$BATS_TEST_TMPDIR/$id.pid"):$(rt_starttime "$(cat "$BATS_TEST_TMPDIR/$id.pid")")")
	[ -n "$(recorder_pid "$id")" ] || fail "control: no recorder"
}

@test "oci trace: an init killed before start ends the recorder by itself, which writes PATH" {
	local id pid rec file i
	oci_id kill
	id=$OCI_ID
	file="$OUT/$id.json"
	oci_config '["true"]' "{\"io.nswatch.trace\": \"$file\", \"io.nswatch.trace-format\": \"perfetto\"}"
	oci_create "$id"
	[ "$NSW_STATUS" -eq 0 ] || fail "create: status $NSW_STATUS: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	pid=$(cat "$BATS_TEST_TMPDIR/$id.pid")
	RT_INITS+=("$pid:$(rt_starttime "$pid")")
	rec=$(recorder_pid "$id")
	[ -n "$rec" ] && [ -e "/proc/$rec" ] || fail "no recorder running after create"
	rt_oci kill "$id" KILL
	assert_eq "kill status" "$NSW_STATUS" 0
	# No delete: the recorder sees the init end, writes and goes (bounded wait).
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		[ -e "$file" ] && [ ! -e "$ROOT/.$id.trace" ] && break
		sleep 0.1
	done
	[ -e "$file" ] || fail "no trace written once the init was killed"
	[ ! -e "$ROOT/.$id.trace" ] || fail "the recorder's record is still there"
	if [ -e "/proc/$rec" ] && [ "$(awk '{ print $3 }' "/proc/$rec/stat" 2>/dev/null)" != Z ]; then
		fail "the recorder $rec still runs once it wrote"
	fi
	assert_eq "the trace's end" \
		"$(te "$file" '[.traceEvents[] | select(.cat == "runtime" and .name == "end")][0].args.detail')" \
		"the init (pid $pid) ended before it executed the command"
	assert_eq "the init's exit, killed by SIGKILL" \
		"$(te "$file" "[.traceEvents[] | select(.pid == $pid and .name == \"exit\")][0].args.wait_status")" 9
}
