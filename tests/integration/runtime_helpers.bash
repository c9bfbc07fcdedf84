# shellcheck shell=bash
# shellcheck disable=SC2034 # RT_* variables are for the .bats files
# Helpers for the container runtime tests (run.bats, limits.bats): load after
# helpers.bash (`load helpers`, then `load runtime_helpers`).
#
# Every container a test makes is named $RT_PREFIX-SOMETHING (rt_name), so
# that the teardown finds all of them: it removes them (nswatch rm -f), stops
# the background jobs, and then fails the test if anything of theirs is left
# on the host: a state directory, a cgroup directory under any hierarchy, a
# process, an nswv* veth or the nswatch0 bridge that no container holds.
#
# The facts the tests check come from the kernel: /proc/PID/{ns,status,
# cgroup,uid_map} read on the host, what the container's own processes read
# inside, files on the host, interfaces, cgroupfs files, exit statuses.
# The init of a container is found by the kernel's word too (rt_find_init):
# the process whose arguments hold the container's name and whose pid in its
# own pid namespace is 1; never by nswatch's state file.
#
# Environment (besides helpers.bash's):
#   NSW_RT_TIMEOUT  seconds one nswatch command may take (default 30)
#   NSW_ROOTFS      the busybox rootfs (default build/rootfs, relative to the
#                   repository root); tests that look at its files on the
#                   host pass it as --rootfs

RT_STATE=/run/nswatch
RT_TIMEOUT="${NSW_RT_TIMEOUT:-30}"
RT_ROOTFS="$(nsw_abs "${NSW_ROOTFS:-build/rootfs}")"
# The first host id of the ranges nswatch gives its containers as root.
RT_IDBASE=1610612736
# The unprivileged user of the rootless tests, and its state directory.
RT_USER=4242
RT_USER_STATE=/tmp/nswatch-$RT_USER
RT_NS_TYPES="mnt uts ipc net cgroup pid time user"

# require_root_runtime: skip (with CI=true: fail) unless root; then check
# that the binary and the rootfs exist.
require_root_runtime() {
	if [ "$(id -u)" -ne 0 ]; then
		local why
		why="needs root to create containers (running as uid $(id -u))"
		if [ "${CI:-}" = true ]; then
			printf 'FAIL: %s; CI=true, so this is a failure, not a skip\n' "$why" >&2
			return 1
		fi
		skip "$why"
	fi
	require_nswatch
	require_cmd jq setpriv timeout ip flock
}

# ---------------------------------------------------------------------------
# Setup and teardown

rt_setup() {
	nsw_setup
	RT_PREFIX="t$$-$BATS_TEST_NUMBER"
	RT_INITS=()      # "pid:starttime" of every container init found
	RT_VETHS=()      # host veths seen during the test
	RT_TMP=()        # directories to delete (volumes, rootless copies)
	RT_ROOTLESS=""   # the rootless copy of nswatch and the rootfs
	RT_V2_MOVED=()   # controllers the test moved from v1 to cgroup v2
}

# rt_teardown: clean up everything, then assert that nothing is left.
rt_teardown() {
	local st=0
	if [ -z "${RT_PREFIX:-}" ]; then
		nsw_teardown
		return 0
	fi
	rt_remove_ours
	nsw_teardown
	rt_remove_ours # what a killed monitor left behind
	rt_v2_restore || st=1
	rt_assert_clean || st=1
	rt_cleanup_rootless
	local d
	for d in "${RT_TMP[@]}"; do
		rm -rf "$d"
	done
	return $st
}

# rt_remove_ours: nswatch rm -f every container of this test, as root and
# as the rootless user.
rt_remove_ours() {
	local d
	for d in "$RT_STATE/$RT_PREFIX"-*; do
		[ -e "$d" ] || continue
		timeout --kill-after=5 "$RT_TIMEOUT" "$NSWATCH" rm -f "${d##*/}" \
			</dev/null >/dev/null 2>&1 3>&- || true
	done
	for d in "$RT_USER_STATE/$RT_PREFIX"-*; do
		[ -e "$d" ] || continue
		if [ -n "$RT_ROOTLESS" ]; then
			rt_as_user rm -f "${d##*/}" </dev/null >/dev/null 2>&1 3>&- || true
		fi
	done
	# Whatever is still running with our names: kill it by pid.
	local p
	for p in $(rt_pids_with_prefix); do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# rt_pids_with_prefix: the pids whose arguments hold one that starts with
# $RT_PREFIX- (container names, and so the commands that carry them).
rt_pids_with_prefix() {
	local p a args
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$BASHPID" ] && continue
		mapfile -d '' args 2>/dev/null <"$p/cmdline" || continue
		for a in "${args[@]}"; do
			case $a in
			"$RT_PREFIX"-*)
				echo "${p#/proc/}"
				break
				;;
			esac
		done
	done
}

# rt_assert_clean: fail if anything of this test's containers is left.
rt_assert_clean() {
	local left=() d e pid st
	for d in "$RT_STATE/$RT_PREFIX"-* "$RT_USER_STATE/$RT_PREFIX"-*; do
		[ -e "$d" ] && left+=("state directory $d")
	done
	for d in /sys/fs/cgroup/*/nswatch/"$RT_PREFIX"-* /sys/fs/cgroup/nswatch/"$RT_PREFIX"-*; do
		[ -e "$d" ] && left+=("cgroup $d")
	done
	for e in "${RT_INITS[@]}"; do
		pid=${e%%:*} st=${e#*:}
		if rt_alive "$pid" "$st"; then
			left+=("container init pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))")
		fi
	done
	for pid in $(rt_pids_with_prefix); do
		left+=("process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))")
	done
	mapfile -t -O "${#left[@]}" left < <(rt_net_leftovers)
	if [ "${#left[@]}" -gt 0 ]; then
		fail "left on the host after the test: $(printf '\n  %s' "${left[@]}")"
		return 1
	fi
}

# rt_net_leftovers: under nswatch's state lock (so that no container is half
# made or half removed), every nswv* interface and the nswatch0 bridge must
# belong to a container that has a state file, and no <hierarchy>/nswatch
# cgroup may be empty: prints what is wrong, and any veth this test saw that
# is still there.
rt_net_leftovers() {
	local fd="" allowed="" bridged="" f l v d
	if [ -e "$RT_STATE/.lock" ] && exec {fd}<"$RT_STATE/.lock"; then
		if ! flock -w 20 "$fd"; then
			echo "(could not take $RT_STATE/.lock to check the network)"
		fi
	else
		fd=""
	fi
	for f in "$RT_STATE"/*/state.json; do
		[ -e "$f" ] || continue
		allowed+=" $(jq -r '.host_interface // ""' "$f" 2>/dev/null) "
		[ -n "$(jq -r '.bridge // ""' "$f" 2>/dev/null)" ] && bridged=1
	done
	for l in /sys/class/net/nswv*; do
		[ -e "$l" ] || continue
		l=${l##*/}
		case $allowed in *" $l "*) ;; *) echo "veth $l (no container holds it)" ;; esac
	done
	for v in "${RT_VETHS[@]}"; do
		if [ -e "/sys/class/net/$v" ]; then
			case $allowed in *" $v "*) ;; *) echo "veth $v of this test" ;; esac
		fi
	done
	if [ -e /sys/class/net/nswatch0 ] && [ -z "$bridged" ]; then
		echo "bridge nswatch0 (no bridged container runs)"
	fi
	# <hierarchy>/nswatch goes with the last container in it.
	for d in /sys/fs/cgroup/*/nswatch /sys/fs/cgroup/nswatch; do
		[ -d "$d" ] || continue
		if [ -z "$(find "$d" -mindepth 1 -maxdepth 1 -type d)" ]; then
			echo "cgroup $d, with no container cgroup in it"
		fi
	done
	[ -n "$fd" ] && exec {fd}<&-
	return 0
}

# ---------------------------------------------------------------------------
# Running nswatch

# rt_name SUFFIX: a container name of this test.
rt_name() {
	printf '%s-%s\n' "$RT_PREFIX" "$1"
}

# rt_nsw SUBCOMMAND ARGS...: run nswatch in the foreground, bounded;
# stdout -> $NSW_OUT, stderr -> $NSW_ERR, exit status -> $NSW_STATUS.
# Stdin is /dev/null unless RT_STDIN names a file.
rt_nsw() {
	NSW_STATUS=0
	NSW_ARGS="$*"
	timeout --kill-after=5 "$RT_TIMEOUT" "$NSWATCH" "$@" \
		<"${RT_STDIN:-/dev/null}" >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
}

# rt_run ARGS...: nswatch run ARGS..., as rt_nsw.
rt_run() {
	rt_nsw run "$@"
}

# rt_run_bg ARGS...: nswatch run ARGS... in the background, bounded by
# timeout, with SIGINT and SIGTERM at their defaults. NSW_TRACER_PID is the
# job (nsw_wait_tracer waits for it and sets NSW_STATUS).
rt_run_bg() {
	NSW_ARGS="run $* (background)"
	env --default-signal=INT,TERM timeout --kill-after=5 "$RT_TIMEOUT" "$NSWATCH" run "$@" \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- &
	NSW_TRACER_PID=$!
	NSW_BG_PIDS+=("$NSW_TRACER_PID")
}

# rt_assert_status WANT: nswatch's exit status.
rt_assert_status() {
	assert_eq "exit status of nswatch $NSW_ARGS" "$NSW_STATUS" "$1"
}

# rt_assert_err WORD...: nswatch's stderr names each WORD (fixed strings).
rt_assert_err() {
	local w
	for w in "$@"; do
		if ! grep -qF -- "$w" "$NSW_ERR"; then
			fail "nswatch's stderr does not name '$w'"
			return 1
		fi
	done
}

# rt_check_refused STATUS WORD NAME ARGS...: `nswatch run --name NAME ARGS...
# -- CMD` exits STATUS, names WORD on stderr, runs nothing and leaves no
# state directory (the teardown checks the rest).
rt_check_refused() {
	local want=$1 word=$2 n=$3
	shift 3
	rt_run --name "$n" "$@" -- sh -c 'echo RAN' "$n"
	rt_assert_status "$want"
	rt_assert_err "$word"
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
	[ ! -e "$RT_STATE/$n" ] || fail "$RT_STATE/$n was left behind"
}

# rt_skip WHY: skip, or with CI=true fail.
rt_skip() {
	if [ "${CI:-}" = true ]; then
		fail "$1; CI=true, so this is a failure, not a skip"
		return 1
	fi
	skip "$1"
}

# ---------------------------------------------------------------------------
# Kernel truth about containers

# rt_starttime PID: field 22 of /proc/PID/stat.
rt_starttime() {
	local st rest
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	rest=${st##*) }
	# shellcheck disable=SC2086
	set -- $rest
	printf '%s\n' "${20}"
}

# rt_alive PID STARTTIME: that very process still exists and has not exited.
rt_alive() {
	local want=$2 st rest
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	rest=${st##*) }
	# shellcheck disable=SC2086
	set -- $rest
	[ "$1" != Z ] && [ "${20}" = "$want" ]
}

# rt_status_text PID: /proc/PID/status, read whole in one pass. Bash's
# read builtin on a seekable file reads ahead and seeks back after each
# line, and every seek makes the kernel write the file anew: a State line
# that changes length in between ("R (running)" / "S (sleeping)") shifts
# the lines after it, and a key such as PPid is then missed.
rt_status_text() {
	local t
	t=$(cat "/proc/$1/status" 2>/dev/null) || return 1
	printf '%s\n' "$t"
}

# rt_status_field PID KEY: the first value of KEY: in /proc/PID/status.
rt_status_field() {
	local k v rest t
	t=$(rt_status_text "$1") || return 1
	while read -r k v rest; do
		if [ "$k" = "$2:" ]; then
			printf '%s\n' "$v"
			return 0
		fi
	done <<<"$t"
	return 1
}

# rt_status_line PID KEY: all values of KEY: in /proc/PID/status, separated
# by single spaces.
rt_status_line() {
	local k rest w t
	t=$(rt_status_text "$1") || return 1
	while read -r k rest; do
		if [ "$k" = "$2:" ]; then
			read -ra w <<<"$rest"
			printf '%s\n' "${w[*]}"
			return 0
		fi
	done <<<"$t"
	return 1
}

# rt_is_init PID TOKEN: PID has the argument TOKEN, is pid 1 of its own pid
# namespace (last NSpid field) and is no longer nswatch (it has exec'd).
rt_is_init() {
	local args a nspid comm found=""
	mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
	for a in "${args[@]}"; do
		[ "$a" = "$2" ] && found=1
	done
	[ -n "$found" ] || return 1
	comm=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
	[ "$comm" != nswatch ] || return 1
	nspid=$(rt_status_line "$1" NSpid 2>/dev/null) || return 1
	[ "${nspid##*[[:space:]]}" = 1 ] && [ "$nspid" != 1 ]
}

# rt_find_init TOKEN [SECONDS]: INIT_PID := the container init carrying the
# argument TOKEN (the tests pass the container's name as sh -c's $0); waits
# up to SECONDS (default 10) for exactly one. Remembers it for the teardown.
rt_find_init() {
	local limit=$((${2:-10} * 20)) i p found
	for ((i = 0; i < limit; i++)); do
		found=()
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			rt_is_init "$p" "$1" && found+=("$p")
		done
		if [ "${#found[@]}" -eq 1 ]; then
			INIT_PID=${found[0]}
			INIT_START=$(rt_starttime "$INIT_PID")
			RT_INITS+=("$INIT_PID:$INIT_START")
			return 0
		fi
		if [ "${#found[@]}" -gt 1 ]; then
			fail "more than one container init carries '$1': ${found[*]}"
			return 1
		fi
		sleep 0.05
	done
	fail "no container init (pid 1 of its pid namespace) with argument '$1' after ${2:-10}s"
}

# rt_wait_file FILE [SECONDS]: wait until FILE exists and is not empty.
rt_wait_file() {
	local limit=$((${2:-10} * 20)) i
	for ((i = 0; i < limit; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "$1 did not appear within ${2:-10}s"
}

# rt_wait_gone PID STARTTIME [SECONDS]: wait until that process has exited.
rt_wait_gone() {
	local limit=$((${3:-10} * 20)) i
	for ((i = 0; i < limit; i++)); do
		rt_alive "$1" "$2" || return 0
		sleep 0.05
	done
	fail "process $1 still runs after ${3:-10}s"
}

# rt_wait_sigcgt PID SIGNAL [SECONDS]: wait until PID has a handler for
# SIGNAL (its bit in SigCgt), i.e. its trap is installed.
rt_wait_sigcgt() {
	local limit=$((${3:-10} * 20)) i mask
	for ((i = 0; i < limit; i++)); do
		mask=$(rt_status_field "$1" SigCgt 2>/dev/null) || mask=0
		if (((0x$mask >> ($2 - 1)) & 1)); then
			return 0
		fi
		sleep 0.05
	done
	fail "process $1 did not install a handler for signal $2 within ${3:-10}s"
}

# rt_child_of PID: the only child of PID (e.g. nswatch under timeout).
rt_child_of() {
	local c
	c=$(cat /proc/"$1"/task/*/children 2>/dev/null)
	# shellcheck disable=SC2086
	set -- $c
	if [ "$#" -ne 1 ]; then
		fail "expected one child of pid $1, found: $c"
		return 1
	fi
	printf '%s\n' "$1"
}

# rt_volume: VOL := a new directory on the host that any uid may use, for
# -v; deleted in teardown.
rt_volume() {
	VOL=$(mktemp -d /tmp/nswatch-rt-vol.XXXXXX)
	RT_TMP+=("$VOL")
	chmod 0777 "$VOL"
}

# rt_ifname IFINDEX: the host interface with that index.
rt_ifname() {
	local l
	for l in /sys/class/net/*; do
		if [ "$(cat "$l/ifindex" 2>/dev/null)" = "$1" ]; then
			printf '%s\n' "${l##*/}"
			return 0
		fi
	done
	return 1
}

# ---------------------------------------------------------------------------
# Rootless

# rt_rootless_setup: copy nswatch and the rootfs where uid $RT_USER can reach
# them (RT_ROOTLESS/nswatch, RT_ROOTLESS/rootfs).
rt_rootless_setup() {
	if [ ! -x "$RT_ROOTFS/bin/busybox" ]; then
		fail "the rootfs $RT_ROOTFS is missing (make rootfs)"
		return 1
	fi
	RT_ROOTLESS=$(mktemp -d /tmp/nswatch-rt-rootless.XXXXXX)
	RT_TMP+=("$RT_ROOTLESS")
	chmod 0755 "$RT_ROOTLESS"
	cp "$NSWATCH" "$RT_ROOTLESS/nswatch"
	cp -a "$RT_ROOTFS" "$RT_ROOTLESS/rootfs"
	chmod 0755 "$RT_ROOTLESS/nswatch" "$RT_ROOTLESS/rootfs"
}

# rt_as_user ARGS...: the copied nswatch ARGS... as uid/gid $RT_USER, with no
# supplementary groups and a minimal environment, from /.
rt_as_user() {
	(cd / && timeout --kill-after=5 "$RT_TIMEOUT" \
		setpriv --reuid="$RT_USER" --regid="$RT_USER" --clear-groups \
		env -i PATH=/usr/bin:/bin HOME=/tmp XDG_RUNTIME_DIR= \
		"$RT_ROOTLESS/nswatch" "$@")
}

# rt_user_nsw ARGS...: rt_as_user with the output and status recorded as in
# rt_nsw.
rt_user_nsw() {
	NSW_STATUS=0
	NSW_ARGS="$* (as uid $RT_USER)"
	rt_as_user "$@" </dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
}

# rt_cleanup_rootless: the rootless state directory goes once it holds no
# container (only its lock file).
rt_cleanup_rootless() {
	local e n=0
	[ -d "$RT_USER_STATE" ] || return 0
	for e in "$RT_USER_STATE"/*; do
		[ -e "$e" ] && n=$((n + 1))
	done
	if [ "$n" -eq 0 ]; then
		rm -f "$RT_USER_STATE/.lock"
		rmdir "$RT_USER_STATE" 2>/dev/null || true
	fi
}

# ---------------------------------------------------------------------------
# cgroup v2 for a v1 controller

RT_CG2=/sys/fs/cgroup/unified

rt_v2_has() {
	local w
	for w in $(<"$RT_CG2/cgroup.controllers"); do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

# rt_v2_move CTL: unmount the v1 hierarchy /sys/fs/cgroup/CTL (it must hold
# only its root cgroup) and wait until CTL shows up in cgroup v2. Sets
# RT_V2_WHY and returns 1 if the host does not let it go; the teardown puts
# it back (rt_v2_restore).
rt_v2_move() {
	local ctl=$1 mnt=/sys/fs/cgroup/$1 i out
	RT_V2_WHY=""
	if rt_v2_has "$ctl"; then
		return 0
	fi
	if ! mountpoint -q "$mnt"; then
		RT_V2_WHY="$mnt is not a mount point and $ctl is not in $RT_CG2/cgroup.controllers"
		return 1
	fi
	if [ -n "$(find "$mnt" -mindepth 1 -maxdepth 1 -type d)" ]; then
		RT_V2_WHY="the v1 hierarchy $mnt has child cgroups: it cannot be released"
		return 1
	fi
	if ! out=$(umount "$mnt" 2>&1); then
		RT_V2_WHY="cannot unmount the v1 hierarchy $mnt ($out): something on this host holds it, so $ctl cannot move to cgroup v2"
		return 1
	fi
	RT_V2_MOVED+=("$ctl")
	for ((i = 0; i < 100; i++)); do
		rt_v2_has "$ctl" && return 0
		sleep 0.1
	done
	RT_V2_WHY="$mnt is unmounted but $ctl did not appear in $RT_CG2/cgroup.controllers within 10s (the hierarchy is still referenced)"
	return 1
}

# rt_v2_restore: give back every controller rt_v2_move took: out of the v2
# root's subtree_control, then its v1 hierarchy mounted again.
rt_v2_restore() {
	local ctl mnt i st=0 w
	for ctl in "${RT_V2_MOVED[@]}"; do
		mnt=/sys/fs/cgroup/$ctl
		for ((i = 0; i < 50; i++)); do
			case " $(cat "$RT_CG2/cgroup.subtree_control") " in
			*" $ctl "*) echo "-$ctl" >"$RT_CG2/cgroup.subtree_control" 2>/dev/null || true ;;
			*) break ;;
			esac
			sleep 0.1
		done
		for ((i = 0; i < 50; i++)); do
			mountpoint -q "$mnt" && break
			mount -t cgroup -o "$ctl" cgroup "$mnt" 2>/dev/null && break
			sleep 0.1
		done
		w=""
		if ! mountpoint -q "$mnt"; then
			w="the v1 hierarchy $mnt could not be mounted again"
		elif ! grep -qE "^[^ ]+ [^ ]+ [^ ]+ / $mnt .* - cgroup cgroup [^ ]*\b$ctl\b" /proc/self/mountinfo; then
			w="$mnt is mounted again but is not the $ctl hierarchy"
		elif rt_v2_has "$ctl"; then
			w="$ctl is still listed in $RT_CG2/cgroup.controllers"
		fi
		if [ -n "$w" ]; then
			fail "HOST NOT RESTORED: $w"
			st=1
		fi
	done
	RT_V2_MOVED=()
	return $st
}

# ---------------------------------------------------------------------------
# cgroup limits (limits.bats, hosts/cgroup_v2.bats)

# A bounded fork bomb: 40 background sleeps from a subshell, which dies
# ("can't fork") when the kernel refuses one.
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
