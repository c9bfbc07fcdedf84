#!/usr/bin/env bats
# The lifecycle of nswatch's own containers (issue 12, section 3): a
# detached container that ends keeps its state and output.log, with how it
# ended, until rm; ps -a, logs [-f], run --rm; kill and exec of a stopped
# one; a killed monitor's leftovers. Checked against the kernel: the exit
# code or signal the workload ended with (its own `exit N`, a signal the test
# sends from the host), the bytes it wrote, its processes, cgroupfs
# directories, interfaces and mounts on the host, and the test's own clock.
# Every test's teardown removes its containers and fails if anything of
# them is left.

load helpers
load runtime_helpers

setup() {
	rt_setup
	require_root_runtime
	require_cmd unshare
}

teardown() {
	rt_teardown
}

# lc_start NAME SCRIPT [RUN_OPTIONS...]: a detached container whose command
# (sh, pid 1) waits for $VOL/go, then runs SCRIPT; INIT_PID is its init,
# LC_MON and LC_MON_START its monitor (the init's parent).
lc_start() {
	local n=$1 script=$2
	shift 2
	[ -n "${VOL:-}" ] || rt_volume
	rt_run -d --name "$n" -v "$VOL:/home" "$@" -- \
		sh -c "while [ ! -e /home/go ]; do sleep 0.05; done; $script" "$n"
	rt_assert_status 0
	rt_find_init "$n"
	LC_MON=$(rt_status_field "$INIT_PID" PPid)
	LC_MON_START=$(rt_starttime "$LC_MON")
	assert_eq "comm of the init's parent (the monitor)" "$(cat "/proc/$LC_MON/comm")" nswatch
}

# lc_wait_monitor: wait until the monitor of the last lc_start is gone
# (it records the end as its last act).
lc_wait_monitor() {
	rt_wait_gone "$LC_MON" "$LC_MON_START" 20
}

# lc_end: let the container's command go on, wait for its init and monitor.
lc_end() {
	touch "$VOL/go"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_wait_monitor
	rm -f "$VOL/go"
}

# lc_ps_row NAME [ps options]: COL[HEADER] := the row of NAME in `nswatch ps
# OPTIONS`, split as its header; fails if there is none. Every column is
# one word.
lc_ps_row() {
	local n=$1 hdr row i
	shift
	rt_nsw ps "$@"
	rt_assert_status 0
	hdr=$(head -n1 "$NSW_OUT")
	row=$(awk -v n="$n" '$1 == n' "$NSW_OUT")
	[ -n "$row" ] || fail "nswatch ps $* has no row for $n: $(cat "$NSW_OUT")"
	read -ra H <<<"$hdr"
	read -ra R <<<"$row"
	assert_eq "columns in the row of $n (as in the header)" "${#R[@]}" "${#H[@]}"
	unset COL
	declare -gA COL
	for i in "${!H[@]}"; do
		COL[${H[$i]}]=${R[$i]}
	done
}

# lc_json NAME [ps options]: OBJ := the ps --json object of NAME ("" if none).
lc_json() {
	local n=$1
	shift
	rt_nsw ps --json "$@"
	rt_assert_status 0
	if [ -s "$NSW_OUT" ]; then
		jq -e . "$NSW_OUT" >/dev/null || fail "ps --json $* is not JSON lines: $(cat "$NSW_OUT")"
	fi
	OBJ=$(jq -c --arg n "$n" 'select(.name == $n)' "$NSW_OUT")
}

# lc_cgroups NAME: the cgroup directories of container NAME on the host.
lc_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/nswatch/"$1" /sys/fs/cgroup/nswatch/"$1"; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# lc_assert_nothing NAME WHEN: no state directory, cgroup or mount of NAME.
lc_assert_nothing() {
	local n=$1 when=$2
	[ ! -e "$RT_STATE/$n" ] || fail "$when: $RT_STATE/$n is left: $(ls -la "$RT_STATE/$n")"
	[ -z "$(lc_cgroups "$n")" ] || fail "$when: cgroups left: $(lc_cgroups "$n")"
	if grep -qF "$RT_STATE/$n/" /proc/self/mountinfo /proc/1/mountinfo; then
		fail "$when: a mount under $RT_STATE/$n is left: $(grep -hF "$RT_STATE/$n/" /proc/self/mountinfo /proc/1/mountinfo)"
	fi
}

# ---------------------------------------------------------------------------
# The end, recorded

@test "exited: the recorded exit status is the one the command exited with (0, 3, 255); its state stays, what it held goes" {
	local code n held veth d
	rt_volume
	for code in 0 3 255; do
		n=$(rt_name "x$code")
		lc_start "$n" "exit $code"
		lc_end
		[ -f "$RT_STATE/$n/state.json" ] || fail "exit $code: the state of a detached container is gone at its end"
		[ -f "$RT_STATE/$n/output.log" ] || fail "exit $code: output.log is gone at the end"
		lc_json "$n" -a
		assert_eq "exit $code: status" "$(jq -r .status <<<"$OBJ")" exited
		assert_eq "exit $code: exit_status" "$(jq -r .exit_status <<<"$OBJ")" "$code"
		assert_eq "exit $code: signal" "$(jq -r .signal <<<"$OBJ")" 0
	done
	# What it held is released at its end (cgroups, veth), the record stays.
	n=$(rt_name held)
	lc_start "$n" 'cat /sys/class/net/eth0/iflink >/home/iflink; while [ ! -e /home/go2 ]; do sleep 0.05; done; exit 4' \
		--net bridge --memory 64m --pids-limit 64
	held=$(lc_cgroups "$n")
	[ -n "$held" ] || fail "the running container has no cgroup: the check below proves nothing"
	touch "$VOL/go"
	rt_wait_file "$VOL/iflink"
	veth=$(rt_ifname "$(cat "$VOL/iflink")") || fail "no host peer of eth0"
	RT_VETHS+=("$veth")
	touch "$VOL/go2"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_wait_monitor
	[ -f "$RT_STATE/$n/state.json" ] || fail "the state is gone at the end"
	for d in $held; do
		[ ! -e "$d" ] || fail "cgroup $d is left after the container exited"
	done
	[ ! -e "/sys/class/net/$veth" ] || fail "veth $veth is left after the container exited"
	lc_json "$n" -a
	assert_eq "exit_status (bridge, limits)" "$(jq -r .exit_status <<<"$OBJ")" 4
	assert_eq "cgroups in the exited record" "$(jq -c .cgroups <<<"$OBJ")" "[]"
	assert_eq "host_interface in the exited record" "$(jq -r .host_interface <<<"$OBJ")" ""
}

@test "exited by a signal: SIGKILL from the host gives 137 and signal 9; an exit 137 of its own gives signal 0 (control)" {
	local n
	n=$(rt_name kill9)
	lc_start "$n" 'exit 0'
	kill -KILL "$INIT_PID"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_wait_monitor
	lc_json "$n" -a
	assert_eq "status after SIGKILL" "$(jq -r .status <<<"$OBJ")" exited
	assert_eq "exit_status after SIGKILL" "$(jq -r .exit_status <<<"$OBJ")" 137
	assert_eq "signal after SIGKILL" "$(jq -r .signal <<<"$OBJ")" 9
	# Control: the same number by exit, not a signal.
	n=$(rt_name exit137)
	lc_start "$n" 'exit 137'
	lc_end
	lc_json "$n" -a
	assert_eq "exit_status of exit 137" "$(jq -r .exit_status <<<"$OBJ")" 137
	assert_eq "signal of exit 137" "$(jq -r .signal <<<"$OBJ")" 0
}

@test "exited by a signal: a command that is not pid 1 (no pid namespace) killed by SIGUSR1 from the host gives 138 and signal 10" {
	local n p found=""
	n=$(rt_name usr1)
	rt_volume
	rt_run -d --name "$n" --ns mnt,uts,ipc,net -v "$VOL:/home" -- \
		sh -c 'echo $$ >/home/pid; while :; do sleep 0.05; done' "$n"
	rt_assert_status 0
	rt_wait_file "$VOL/pid"
	# The command as the host sees it: the monitor's child carrying the name.
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		if tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -qx "$n" &&
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sh ]; then
			found=$p
		fi
	done
	[ -n "$found" ] || fail "no process of the container carries $n"
	assert_eq "the command's pid (no pid namespace: the host's)" "$(cat "$VOL/pid")" "$found"
	LC_MON=$(rt_status_field "$found" PPid)
	LC_MON_START=$(rt_starttime "$LC_MON")
	INIT_PID=$found INIT_START=$(rt_starttime "$found")
	RT_INITS+=("$INIT_PID:$INIT_START")
	kill -USR1 "$found"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_wait_monitor
	lc_json "$n" -a
	assert_eq "exit_status after SIGUSR1" "$(jq -r .exit_status <<<"$OBJ")" 138
	assert_eq "signal after SIGUSR1" "$(jq -r .signal <<<"$OBJ")" 10
}

# ---------------------------------------------------------------------------
# ps -a

@test "ps -a lists an exited container with its exit status and end time (the test's clock); ps and ps --json do not; a running one has no end" {
	local n r t0 t1 fin
	n=$(rt_name psa)
	r=$(rt_name psrun)
	# Waits on past the go of the other.
	lc_start "$r" 'while [ ! -e /home/never ]; do sleep 0.05; done'
	local r_init=$INIT_PID r_start=$INIT_START
	lc_start "$n" 'exit 3'
	t0=$(date -u +%s)
	lc_end
	t1=$(date -u +%s)
	lc_ps_row "$n" -a
	assert_eq "STATUS" "${COL[STATUS]}" exited
	assert_eq "EXIT" "${COL[EXIT]}" 3
	assert_eq "PID (no process any more)" "${COL[PID]}" -
	assert_eq "mnt (no namespace any more)" "${COL[mnt]}" -
	fin=$(date -u -d "${COL[FINISHED]}" +%s) || fail "FINISHED '${COL[FINISHED]}' is not a time"
	[ "$fin" -ge "$t0" ] && [ "$fin" -le "$t1" ] ||
		fail "FINISHED ${COL[FINISHED]} ($fin) is not between the go ($t0) and the monitor's end ($t1)"
	lc_json "$n" -a
	assert_eq "ps -a --json: status" "$(jq -r .status <<<"$OBJ")" exited
	assert_eq "ps -a --json: finished" "$(jq -r .finished <<<"$OBJ")" "${COL[FINISHED]}"
	# Without -a: not listed.
	rt_nsw ps
	rt_assert_status 0
	if awk -v n="$n" '$1 == n' "$NSW_OUT" | grep -q .; then
		fail "ps (without -a) lists the exited $n: $(cat "$NSW_OUT")"
	fi
	lc_json "$n"
	assert_eq "ps --json (without -a): objects for the exited $n" "$OBJ" ""
	# The running one: in both, with its pid, and no end.
	rt_alive "$r_init" "$r_start" || fail "the running container ended"
	lc_ps_row "$r"
	assert_eq "STATUS of the running one" "${COL[STATUS]}" running
	assert_eq "PID of the running one" "${COL[PID]}" "$r_init"
	assert_eq "EXIT of the running one" "${COL[EXIT]}" -
	assert_eq "FINISHED of the running one" "${COL[FINISHED]}" -
	lc_json "$r" -a
	assert_eq "running: .pid" "$(jq -r .pid <<<"$OBJ")" "$r_init"
	assert_eq "running: .exit_status, .signal, .finished" "$(jq -c '[.exit_status, .signal, .finished]' <<<"$OBJ")" "[null,null,null]"
}

# ---------------------------------------------------------------------------
# logs

@test "logs prints exactly the bytes the command wrote to stdout and stderr, in order, while it runs and after it exited" {
	local n want
	n=$(rt_name logs)
	want=$BATS_TEST_TMPDIR/want
	# The same printf, on the host: the bytes the command writes.
	printf 'out one\n' >"$want"
	printf 'err two\n' >>"$want"
	printf '\001\377 three, no newline' >>"$want"
	lc_start "$n" "printf 'out one\\n'; printf 'err two\\n' >&2; printf '\\001\\377 three, no newline'; echo written >/home/written; while [ ! -e /home/end ]; do sleep 0.05; done; exit 0"
	touch "$VOL/go"
	rt_wait_file "$VOL/written"
	rt_nsw logs "$n"
	rt_assert_status 0
	cmp "$NSW_OUT" "$want" || fail "logs of the running container: $(od -c "$NSW_OUT" | head)"
	assert_eq "stderr of logs" "$(cat "$NSW_ERR")" ""
	touch "$VOL/end"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_wait_monitor
	rt_nsw logs "$n"
	rt_assert_status 0
	cmp "$NSW_OUT" "$want" || fail "logs of the exited container: $(od -c "$NSW_OUT" | head)"
	# -f of an exited container prints it all and ends.
	rt_nsw logs -f "$n"
	rt_assert_status 0
	cmp "$NSW_OUT" "$want" || fail "logs -f of the exited container: $(od -c "$NSW_OUT" | head)"
}

@test "logs -f follows what the command writes after it started, and ends with status 0 when the container ends" {
	local n out lf i st=0
	n=$(rt_name follow)
	out=$BATS_TEST_TMPDIR/follow.out
	lc_start "$n" 'echo first; while [ ! -e /home/go2 ]; do sleep 0.05; done; echo second >&2; while [ ! -e /home/go3 ]; do sleep 0.05; done; echo third; exit 6'
	touch "$VOL/go"
	timeout --kill-after=5 "$RT_TIMEOUT" "$NSWATCH" logs -f "$n" </dev/null >"$out" 2>"$BATS_TEST_TMPDIR/follow.err" 3>&- &
	lf=$!
	NSW_BG_PIDS+=("$lf")
	rt_wait_file "$out"
	assert_eq "logs -f, first" "$(cat "$out")" first
	# Written after logs -f started: it must come while logs -f runs on.
	touch "$VOL/go2"
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -l <"$out")" -ge 2 ] && break
		sleep 0.05
	done
	assert_eq "logs -f, after the second write" "$(cat "$out")" "first
second"
	kill -0 "$lf" 2>/dev/null || fail "logs -f ended while the container runs"
	touch "$VOL/go3"
	wait "$lf" || st=$?
	assert_eq "exit status of logs -f when the container ended" "$st" 0
	assert_eq "logs -f, all of it" "$(cat "$out")" "first
second
third"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_json "$n" -a
	assert_eq "exit_status" "$(jq -r .exit_status <<<"$OBJ")" 6
}

@test "logs -f ends when the container is removed with rm -f, with what it wrote" {
	local n out lf st=0
	n=$(rt_name followrm)
	out=$BATS_TEST_TMPDIR/follow.out
	lc_start "$n" 'echo before; while :; do sleep 0.05; done'
	touch "$VOL/go"
	timeout --kill-after=5 "$RT_TIMEOUT" "$NSWATCH" logs -f "$n" </dev/null >"$out" 2>/dev/null 3>&- &
	lf=$!
	NSW_BG_PIDS+=("$lf")
	rt_wait_file "$out"
	rt_nsw rm -f "$n"
	rt_assert_status 0
	wait "$lf" || st=$?
	assert_eq "exit status of logs -f after rm -f" "$st" 0
	assert_eq "logs -f output" "$(cat "$out")" before
	lc_assert_nothing "$n" "after rm -f"
}

@test "logs: a foreground container has no log (clear message, status 1); bad names and usage are errors" {
	local n
	n=$(rt_name fg)
	rt_run_bg --name "$n" -- sh -c 'while :; do sleep 0.2; done' "$n"
	rt_find_init "$n"
	local fg_out=$NSW_OUT
	NSW_OUT=$BATS_TEST_TMPDIR/logs.out
	rt_nsw logs "$n"
	assert_eq "exit status of logs of a foreground container" "$NSW_STATUS" 1
	rt_assert_err "$n" foreground "no log"
	assert_eq "stdout of logs of a foreground container" "$(cat "$NSW_OUT")" ""
	timeout 10 "$NSWATCH" kill "$n" KILL </dev/null 3>&- || fail "kill $n failed"
	NSW_OUT=$fg_out
	nsw_wait_tracer 15
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_assert_nothing "$n" "a foreground container after its end (removed as before)"
	NSW_OUT=$BATS_TEST_TMPDIR/logs.out
	rt_nsw logs "$n"
	assert_eq "exit status of logs of a removed container" "$NSW_STATUS" 1
	rt_assert_err "no container named '$n'"
	rt_nsw logs -f "$(rt_name nosuch)"
	assert_eq "exit status of logs -f of a missing container" "$NSW_STATUS" 1
	rt_assert_err "$(rt_name nosuch)"
	rt_nsw logs ../../etc
	assert_eq "exit status of logs ../../etc" "$NSW_STATUS" 1
	rt_assert_err "invalid container name"
	rt_nsw logs
	assert_eq "exit status of logs without NAME" "$NSW_STATUS" 2
	rt_nsw logs --nope x
	assert_eq "exit status of logs --nope" "$NSW_STATUS" 2
	rt_nsw logs a b
	assert_eq "exit status of logs with two names" "$NSW_STATUS" 2
	rt_nsw ps --nope
	assert_eq "exit status of ps --nope" "$NSW_STATUS" 2
}

# ---------------------------------------------------------------------------
# rm, --rm, the name

@test "the name of an exited container stays taken until rm, which leaves nothing (state, cgroup, mount); the name is then free" {
	local n
	n=$(rt_name name)
	lc_start "$n" 'exit 2' --memory 64m
	[ -n "$(lc_cgroups "$n")" ] || fail "the running container has no cgroup: the check below proves nothing"
	lc_end
	rt_run --name "$n" -- sh -c 'echo RAN'
	assert_eq "exit status of a run with the name of an exited container" "$NSW_STATUS" 125
	rt_assert_err "$n" taken "rm $n"
	assert_eq "stdout of the refused run" "$(cat "$NSW_OUT")" ""
	[ -f "$RT_STATE/$n/state.json" ] || fail "the refused run removed the exited container's state"
	rt_nsw rm "$n"
	rt_assert_status 0
	lc_assert_nothing "$n" "after rm of the exited container"
	# Free again.
	rt_run --name "$n" -- sh -c 'echo RAN; exit 5' "$n"
	rt_assert_status 5
	assert_eq "stdout of the run after rm" "$(cat "$NSW_OUT")" RAN
	lc_assert_nothing "$n" "after a foreground run (removed at its end, as before)"
}

@test "rm -f of an exited container removes it; rm of a running one is refused, rm -f kills and removes it" {
	local n
	n=$(rt_name rmf)
	lc_start "$n" 'exit 0'
	rt_nsw rm "$n"
	assert_eq "exit status of rm of a running container" "$NSW_STATUS" 1
	rt_assert_err "$n" running
	rt_alive "$INIT_PID" "$INIT_START" || fail "rm without -f stopped the container"
	lc_end
	rt_nsw rm -f "$n"
	rt_assert_status 0
	lc_assert_nothing "$n" "after rm -f of the exited container"
	n=$(rt_name rmf2)
	lc_start "$n" 'exit 0' --net bridge
	rt_nsw rm -f "$n"
	rt_assert_status 0
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_assert_nothing "$n" "after rm -f of the running container"
}

@test "run -d --rm leaves nothing when the command ends; control: the same run without --rm keeps the state" {
	local n k
	n=$(rt_name autorm)
	k=$(rt_name keep)
	lc_start "$n" 'echo bye; exit 9' --rm --memory 64m
	[ -d "$RT_STATE/$n" ] || fail "no state directory while it runs: the check below proves nothing"
	[ -n "$(lc_cgroups "$n")" ] || fail "no cgroup while it runs: the check below proves nothing"
	lc_end
	lc_assert_nothing "$n" "after the end of a run -d --rm"
	rt_nsw logs "$n"
	assert_eq "exit status of logs of a --rm container that ended" "$NSW_STATUS" 1
	lc_start "$k" 'echo bye; exit 9' --memory 64m
	lc_end
	[ -f "$RT_STATE/$k/state.json" ] || fail "control: without --rm the state is gone too"
	[ -z "$(lc_cgroups "$k")" ] || fail "control: the cgroups of the kept container are left: $(lc_cgroups "$k")"
	# Foreground --rm: removed, as every foreground run; the status is the command's.
	n=$(rt_name fgrm)
	rt_run --rm --name "$n" -- sh -c 'exit 4'
	rt_assert_status 4
	lc_assert_nothing "$n" "after run --rm in the foreground"
}

# ---------------------------------------------------------------------------
# kill, exec

@test "kill and exec of an exited container: 'is not running', nothing runs" {
	local n
	n=$(rt_name stopped)
	lc_start "$n" 'exit 1'
	lc_end
	rt_nsw kill "$n"
	assert_eq "exit status of kill of an exited container" "$NSW_STATUS" 1
	rt_assert_err "container '$n' is not running" "exited with status 1"
	rt_nsw kill "$n" KILL
	assert_eq "exit status of kill KILL of an exited container" "$NSW_STATUS" 1
	rt_nsw exec "$n" sh -c 'touch /home/exec-ran'
	assert_ne "exit status of exec into an exited container" "$NSW_STATUS" 0
	rt_assert_err "container '$n' is not running"
	[ ! -e "$VOL/exec-ran" ] || fail "exec ran a command in the exited container"
	# Control: the same exec runs in a running container.
	n=$(rt_name running)
	lc_start "$n" 'exit 0'
	rt_nsw exec "$n" sh -c 'touch /home/exec-ran'
	rt_assert_status 0
	[ -e "$VOL/exec-ran" ] || fail "control: exec into a running container did not run"
}

# ---------------------------------------------------------------------------
# A monitor killed: no end recorded

@test "a monitor killed by SIGKILL: ps -a shows the container dead with no exit status, ps does not list it; rm (no -f) cleans it all" {
	local n held
	n=$(rt_name dead)
	lc_start "$n" 'exit 0' --pids-limit 32
	kill -KILL "$LC_MON"
	# The init dies with its monitor (parent-death signal).
	rt_wait_gone "$INIT_PID" "$INIT_START"
	lc_wait_monitor
	held=$(lc_cgroups "$n")
	[ -n "$held" ] || fail "the killed monitor left no cgroup: the test proves nothing"
	lc_ps_row "$n" -a
	assert_eq "STATUS after the monitor was killed" "${COL[STATUS]}" dead
	assert_eq "EXIT (nobody recorded one)" "${COL[EXIT]}" -
	assert_eq "FINISHED (nobody recorded one)" "${COL[FINISHED]}" -
	lc_json "$n" -a
	assert_eq "ps -a --json: status" "$(jq -r .status <<<"$OBJ")" dead
	assert_eq "ps -a --json: exit_status" "$(jq -r .exit_status <<<"$OBJ")" null
	rt_nsw ps
	if awk -v n="$n" '$1 == n' "$NSW_OUT" | grep -q .; then
		fail "ps (without -a) lists the dead $n"
	fi
	rt_nsw rm "$n"
	rt_assert_status 0
	lc_assert_nothing "$n" "after rm of the dead container"
}

# ---------------------------------------------------------------------------
# ls and trace labels

@test "ls: an exited container's record labels no namespace, not even a live one with its recorded inode; control: running, its namespaces are labelled" {
	local n ino other ns_pid e i
	n=$(rt_name lslabel)
	lc_start "$n" 'exit 0'
	ino=$(ns_of "$INIT_PID" uts)
	rt_nsw ls --json
	rt_assert_status 0
	e=$(jq -c --argjson i "$ino" '[.namespaces[] | select(.type == "uts" and .ns == $i)][0].container' "$NSW_OUT")
	assert_eq "control: uts:[$ino] of the running container" "$e" "{\"engine\":\"nswatch\",\"id\":\"$n\"}"
	lc_end
	# A live uts namespace, written into the exited record as if it were its own.
	unshare -u sh -c 'while :; do sleep 1; done' "$RT_PREFIX-uts" &
	ns_pid=$!
	NSW_BG_PIDS+=("$ns_pid")
	for ((i = 0; i < 100; i++)); do
		other=$(ns_of "$ns_pid" uts)
		[ "$other" != "$(host_ns uts)" ] && break
		sleep 0.05
	done
	assert_ne "uts of the unshare process" "$other" "$(host_ns uts)"
	jq -c --argjson i "$other" '.namespaces.uts = $i' "$RT_STATE/$n/state.json" >"$RT_STATE/$n/state.json.new"
	mv "$RT_STATE/$n/state.json.new" "$RT_STATE/$n/state.json"
	lc_json "$n" -a
	assert_eq "the edited record still loads: status" "$(jq -r .status <<<"$OBJ")" exited
	rt_nsw ls --json
	rt_assert_status 0
	e=$(jq -c --argjson i "$other" '[.namespaces[] | select(.type == "uts" and .ns == $i)]' "$NSW_OUT")
	assert_eq "entries for uts:[$other]" "$(jq length <<<"$e")" 1
	assert_eq "container of uts:[$other] (recorded by the exited $n)" "$(jq -c '.[0].container' <<<"$e")" null
	kill "$ns_pid"
	wait "$ns_pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# The new fields are untrusted input

@test "state: an exited record's end fields are checked: exit_status 300, a signal without its 128+N, a bad end time are refused by name; rm -f removes it; control: the record as written loads" {
	local n f orig edit
	n=$(rt_name badend)
	lc_start "$n" 'exit 3'
	lc_end
	f=$RT_STATE/$n/state.json
	orig=$(cat "$f")
	lc_json "$n" -a
	assert_eq "control: the record as written: exit_status" "$(jq -r .exit_status <<<"$OBJ")" 3
	for edit in '.exit_status = 300:exit_status' '.signal = 9:exit_status' '.signal = 65:signal' \
		'.finished = "$(reboot)":finished' '.exit_status = "3":exit_status' 'del(.finished):finished' \
		'.status = "running":exit_status'; do
		jq -c "${edit%:*}" <<<"$orig" >"$f"
		rt_nsw ps -a
		rt_assert_status 0
		rt_assert_err "invalid state file" "\"${edit##*:}\""
		if awk -v n="$n" '$1 == n' "$NSW_OUT" | grep -q .; then
			fail "ps -a lists $n with '${edit%:*}'"
		fi
		rt_nsw rm "$n"
		assert_eq "exit status of rm with '${edit%:*}'" "$NSW_STATUS" 1
		[ -d "$RT_STATE/$n" ] || fail "rm (no -f) removed the directory with '${edit%:*}'"
	done
	rt_nsw rm -f "$n"
	rt_assert_status 0
	lc_assert_nothing "$n" "after rm -f of the bad record"
}

# ---------------------------------------------------------------------------
# Rootless

@test "rootless: an exited container is kept in the user's state directory with its exit status and log; the user's ps -a, logs and rm work on it" {
	local n mon mon_start
	n=$(rt_name rlx)
	rt_rootless_setup
	rt_volume
	rt_user_nsw run -d --rootfs "$RT_ROOTLESS/rootfs" --name "$n" -v "$VOL:/home" -- \
		sh -c 'echo rootless-out; while [ ! -e /home/go ]; do sleep 0.05; done; exit 7' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	mon=$(rt_status_field "$INIT_PID" PPid)
	mon_start=$(rt_starttime "$mon")
	touch "$VOL/go"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	rt_wait_gone "$mon" "$mon_start" 20
	[ -f "$RT_USER_STATE/$n/state.json" ] || fail "the rootless container's state is gone at its end"
	assert_eq "owner of the kept $RT_USER_STATE/$n" "$(stat -c %u "$RT_USER_STATE/$n")" "$RT_USER"
	rt_user_nsw ps -a --json
	rt_assert_status 0
	OBJ=$(jq -c --arg n "$n" 'select(.name == $n)' "$NSW_OUT")
	assert_eq "rootless ps -a --json: status, exit_status, signal" \
		"$(jq -c '[.status, .exit_status, .signal]' <<<"$OBJ")" '["exited",7,0]'
	rt_user_nsw logs "$n"
	rt_assert_status 0
	assert_eq "rootless logs" "$(cat "$NSW_OUT")" rootless-out
	rt_user_nsw rm "$n"
	rt_assert_status 0
	[ ! -e "$RT_USER_STATE/$n" ] || fail "$RT_USER_STATE/$n is still there after rm"
}
