#!/usr/bin/env bats
# cgroup v2 limits of nswatch run, on a host where the v1 pids (and cpu)
# hierarchies can be released: the test unmounts them so that the controllers
# move to cgroup v2, runs a container with limits there, and always puts the
# host back. Not part of `make test` (the CI machines' sandbox holds the v1
# hierarchies busy); run it by hand: bats tests/integration/hosts/cgroup_v2.bats

load ../helpers
load ../runtime_helpers

setup() {
	rt_setup
	require_root_runtime
}

teardown() {
	rt_teardown
}


FORK_BOMB='( i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i + 1)); done; wait )'


# wait_cgroup DIR: wait until DIR exists and holds the container's init.
wait_cgroup() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qx "$INIT_PID" "$1/cgroup.procs" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "the container's init $INIT_PID is not in $1 (exists: $([ -d "$1" ] && echo yes || echo no))"
}

# The workload of the limit tests: waits for /home/go, runs $1 (its status
# to /home/rc, its stderr to /home/err), waits for /home/done, says so.
limit_script() {
	printf '%s\n' \
		'while [ ! -e /home/go ]; do sleep 0.05; done' \
		"$1"' 2>/home/err; echo $? >/home/rc' \
		'while [ ! -e /home/done ]; do sleep 0.05; done' \
		'echo survived'
}

# check_fork_bomb CGDIR LIMIT: start the bomb (touch go), sample
# pids.current until it is over; then the forks must have been refused,
# pids.current must never have exceeded LIMIT, and the container lives on.
check_fork_bomb() {
	local dir=$1 limit=$2 cur max=0 i events0 events1 peak
	events0=$(awk '$1 == "max" {print $2}' "$dir/pids.events")
	touch "$VOL/go"
	for ((i = 0; i < 400; i++)); do
		cur=$(cat "$dir/pids.current")
		[ "$cur" -gt "$max" ] && max=$cur
		[ -s "$VOL/rc" ] && break
		sleep 0.01
	done
	rt_wait_file "$VOL/rc" 10
	assert_ne "exit status of the fork bomb's subshell (its last fork must fail)" "$(cat "$VOL/rc")" 0
	grep -q "fork" "$VOL/err" || fail "the fork bomb's stderr says nothing about fork: $(cat "$VOL/err")"
	events1=$(awk '$1 == "max" {print $2}' "$dir/pids.events")
	[ "$events1" -gt "$events0" ] || fail "pids.events max did not grow ($events0 -> $events1): no fork was refused by the limit"
	[ "$max" -le "$limit" ] || fail "pids.current reached $max, above the limit $limit"
	if [ -r "$dir/pids.peak" ]; then
		peak=$(cat "$dir/pids.peak")
		assert_eq "pids.peak (the bomb filled the limit, never more)" "$peak" "$limit"
	fi
	rt_alive "$INIT_PID" "$INIT_START" || fail "the container's init died in the fork bomb"
	touch "$VOL/done"
	nsw_wait_tracer 15
	rt_assert_status 0
	assert_eq "stdout of the container" "$(cat "$NSW_OUT")" survived
}

@test "cgroup v2: with pids (and cpu) moved to cgroup v2, the limits go there and work" {
	local n cg2 cpu_v2=""
	n=$(rt_name v2)
	if ! rt_v2_move pids; then
		rt_skip "$RT_V2_WHY"
	fi
	if rt_v2_move cpu; then
		cpu_v2=1
	else
		echo "# cpu stays on v1: $RT_V2_WHY" >&3
	fi
	cg2=$RT_CG2/nswatch/$n
	rt_volume
	if [ -n "$cpu_v2" ]; then
		rt_run_bg --name "$n" --pids-limit 10 --cpus 0.5 -v "$VOL:/home" -- sh -c "$(limit_script "$FORK_BOMB")" "$n"
	else
		rt_run_bg --name "$n" --pids-limit 10 -v "$VOL:/home" -- sh -c "$(limit_script "$FORK_BOMB")" "$n"
	fi
	rt_find_init "$n"
	wait_cgroup "$cg2"
	grep -qx "0::/nswatch/$n" "/proc/$INIT_PID/cgroup" || fail "the init is not at /nswatch/$n in cgroup v2: $(cat "/proc/$INIT_PID/cgroup")"
	assert_eq "$cg2/pids.max" "$(cat "$cg2/pids.max")" 10
	if [ -n "$cpu_v2" ]; then
		assert_eq "$cg2/cpu.max" "$(cat "$cg2/cpu.max")" "50000 100000"
	fi
	check_fork_bomb "$cg2" 10
}

