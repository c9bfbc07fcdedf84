#!/usr/bin/env bats
# cgroup limits of nswatch run: --memory, --pids-limit, --cpus. nswatch puts
# each controller's limit in cgroup v2 if the v2 root lists the controller,
# else in its v1 hierarchy. Here: v1 with the controllers where the host
# mounts them, and the v2 membership cgroup every container gets. The v2
# limit files are tested in tests/unit/test_cgroup.c (a fake tree) and, on a
# host whose v1 pids hierarchy can be released, by
# tests/integration/hosts/cgroup_v2.bats (not part of make test: on the
# CI machines the sandbox holds the v1 hierarchies, so it cannot run there). The limits are read from cgroupfs on the host while
# the container runs, and their effect is checked: a hog OOM-killed, forks
# refused, CPU time throttled.

load helpers
load runtime_helpers

setup() {
	rt_setup
	require_root_runtime
}

teardown() {
	rt_teardown
}

# v1_dir CTL NAME: CGDIR := <the v1 hierarchy of CTL>/nswatch/NAME; skips
# (CI: fails) if CTL is not a v1 controller here.
v1_dir() {
	local mnt
	if rt_v2_has "$1"; then
		rt_skip "the $1 controller is on cgroup v2 on this host: no v1 path to test"
	fi
	mnt=$(awk -v c="$1" '$0 ~ / - cgroup cgroup / {
		n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' /proc/self/mountinfo | head -n1)
	if [ -z "$mnt" ]; then
		rt_skip "no v1 hierarchy with the $1 controller is mounted"
	fi
	CGDIR=$mnt/nswatch/$2
}

@test "the init is in its own cgroups (v1 and v2), and its cgroup namespace is rooted there" {
	local n line path want
	n=$(rt_name cg)
	rt_volume
	rt_run -d --name "$n" --memory 64m --pids-limit 64 --cpus 1 -v "$VOL:/home" -- \
		sh -c 'cat /proc/self/cgroup >/home/cg.tmp; mv /home/cg.tmp /home/cg; while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/cg"
	# On the host: <hierarchy>:/nswatch/NAME for the v2 hierarchy and for
	# each controller with a limit (v1 here: memory, pids, cpu).
	for want in "0::/nswatch/$n" memory pids cpu; do
		case $want in
		0::*) grep -qx "$want" "/proc/$INIT_PID/cgroup" ||
			fail "/proc/$INIT_PID/cgroup lacks '$want': $(cat "/proc/$INIT_PID/cgroup")" ;;
		*)
			if rt_v2_has "$want"; then
				continue
			fi
			grep -qE "^[0-9]+:([a-z_]+,)*$want(,[a-z_]+)*:/nswatch/$n\$" "/proc/$INIT_PID/cgroup" ||
				fail "/proc/$INIT_PID/cgroup has no $want line at /nswatch/$n: $(cat "/proc/$INIT_PID/cgroup")"
			;;
		esac
	done
	# Inside, in its own cgroup namespace, every one of them is its root.
	assert_ne "cgroup namespace of the init" "$(ns_of "$INIT_PID" cgroup)" "$(host_ns cgroup)"
	while IFS= read -r line; do
		path=${line#*:*:}
		assert_eq "path inside of '$line'" "$path" /
	done <"$VOL/cg"
	assert_eq "lines of /proc/self/cgroup inside" "$(wc -l <"$VOL/cg")" "$(wc -l <"/proc/$INIT_PID/cgroup")"
}

@test "--memory 16m (v1): memory.limit_in_bytes while it runs; a 64 MiB hog is OOM-killed, the container lives" {
	local n oom0 oom1 max
	n=$(rt_name mem)
	v1_dir memory "$n"
	rt_volume
	# dd allocates its 64 MiB block and fills it: anonymous memory, charged.
	rt_run_bg --name "$n" --memory 16m -v "$VOL:/home" -- \
		sh -c "$(limit_script 'dd if=/dev/zero of=/dev/null bs=64M count=1')" "$n"
	rt_find_init "$n"
	wait_cgroup "$CGDIR"
	assert_eq "$CGDIR/memory.limit_in_bytes" "$(cat "$CGDIR/memory.limit_in_bytes")" $((16 << 20))
	if [ -e "$CGDIR/memory.memsw.limit_in_bytes" ]; then
		assert_eq "$CGDIR/memory.memsw.limit_in_bytes (no swapping around the limit)" \
			"$(cat "$CGDIR/memory.memsw.limit_in_bytes")" $((16 << 20))
	fi
	oom0=$(awk '$1 == "oom_kill" {print $2}' "$CGDIR/memory.oom_control")
	touch "$VOL/go"
	rt_wait_file "$VOL/rc" 20
	assert_eq "exit status of the hog inside (SIGKILL)" "$(cat "$VOL/rc")" 137
	oom1=$(awk '$1 == "oom_kill" {print $2}' "$CGDIR/memory.oom_control")
	[ "$oom1" -gt "$oom0" ] || fail "memory.oom_control oom_kill did not grow ($oom0 -> $oom1): the hog was not OOM-killed in the cgroup"
	max=$(cat "$CGDIR/memory.max_usage_in_bytes")
	[ "$max" -le $((16 << 20)) ] || fail "memory.max_usage_in_bytes $max is above the limit"
	rt_alive "$INIT_PID" "$INIT_START" || fail "the container's init died with the hog"
	touch "$VOL/done"
	nsw_wait_tracer 15
	rt_assert_status 0
	assert_eq "stdout of the container" "$(cat "$NSW_OUT")" survived
}

@test "--pids-limit 10 (v1): pids.max while it runs; a fork bomb's forks fail, never more than 10 tasks" {
	local n
	n=$(rt_name pids)
	v1_dir pids "$n"
	rt_volume
	rt_run_bg --name "$n" --pids-limit 10 -v "$VOL:/home" -- sh -c "$(limit_script "$FORK_BOMB")" "$n"
	rt_find_init "$n"
	wait_cgroup "$CGDIR"
	assert_eq "$CGDIR/pids.max" "$(cat "$CGDIR/pids.max")" 10
	check_fork_bomb "$CGDIR" 10
}

# check_cpu_half CGDIR: the busy init uses at most ~half a CPU and is
# throttled.
check_cpu_half() {
	local dir=$1 t0 t1 c0 c1 hz ratio_pct thr
	hz=$(getconf CLK_TCK)
	touch "$VOL/go"
	sleep 0.3
	t0=$(date +%s%N)
	c0=$(cputicks "$INIT_PID")
	sleep 1.5
	c1=$(cputicks "$INIT_PID")
	t1=$(date +%s%N)
	ratio_pct=$(((c1 - c0) * 100 * 1000000000 / hz / (t1 - t0)))
	if [ "$ratio_pct" -gt 70 ]; then
		fail "the busy loop used $ratio_pct% of a CPU over 1.5 s with --cpus 0.5"
	fi
	thr=$(awk '$1 == "nr_throttled" {print $2}' "$dir/cpu.stat")
	[ "$thr" -ge 1 ] || fail "cpu.stat nr_throttled is $thr: the busy loop was never throttled"
	touch "$VOL/done"
	nsw_wait_tracer 15
	rt_assert_status 0
	assert_eq "stdout of the container" "$(cat "$NSW_OUT")" survived
}

# cputicks PID: utime + stime of PID, in clock ticks.
cputicks() {
	local st rest
	st=$(cat "/proc/$1/stat")
	rest=${st##*) }
	# shellcheck disable=SC2086
	set -- $rest
	echo $((${12} + ${13}))
}

BUSY='while [ ! -e /home/done ]; do :; done'

@test "--cpus 0.5 (v1): cfs_quota_us 50000 per cfs_period_us 100000 while it runs; a busy loop is throttled" {
	local n
	n=$(rt_name cpu)
	v1_dir cpu "$n"
	rt_volume
	rt_run_bg --name "$n" --cpus 0.5 -v "$VOL:/home" -- \
		sh -c "$(printf '%s\n' 'while [ ! -e /home/go ]; do sleep 0.05; done' "$BUSY" 'echo survived')" "$n"
	rt_find_init "$n"
	wait_cgroup "$CGDIR"
	assert_eq "$CGDIR/cpu.cfs_quota_us" "$(cat "$CGDIR/cpu.cfs_quota_us")" 50000
	assert_eq "$CGDIR/cpu.cfs_period_us" "$(cat "$CGDIR/cpu.cfs_period_us")" 100000
	check_cpu_half "$CGDIR"
}

@test "error: bad --pids-limit and --cpus values" {
	rt_check_refused 2 "'0'" "$(rt_name p0)" --pids-limit 0
	rt_check_refused 2 "abc" "$(rt_name pa)" --pids-limit abc
	rt_check_refused 2 "'0'" "$(rt_name c0)" --cpus 0
	rt_check_refused 2 "abc" "$(rt_name ca)" --cpus abc
	rt_check_refused 2 "2000" "$(rt_name cb)" --cpus 2000
}
