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

