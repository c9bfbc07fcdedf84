#!/usr/bin/env bats
# Labels without /proc on the hot path: the namespaces an unshare flood
# makes are labelled from the cgroups the kernel recorded with each record
# (resolved once per cgroup), and nswatch's own containers from a cache of
# its state directory, so the reporter reads no /proc file and no runtime
# state (/run) per namespace. Counted with strace attached to the running
# reporter: every openat, read, readlink, getdents and stat whose path (or
# fd, strace -y) lies under /proc or /run, while it handles a flood whose
# calls nsw_flood counts itself. The control: the first record of a cgroup
# new to the reporter is a lookup that is due, and the same count sees it.

load helpers
load runtime_helpers

setup() {
	rt_setup
	require_root_runtime
	require_root_btf
	require_helper nsw_flood
	require_cmd jq strace
	HP_CGROUPS=() # cgroup directories to remove, innermost last
	HP_STRACE=""
}

teardown() {
	local st=0 i
	hp_strace_stop
	rt_teardown || st=1
	for ((i = ${#HP_CGROUPS[@]} - 1; i >= 0; i--)); do
		[ -d "${HP_CGROUPS[i]}" ] || continue
		rmdir "${HP_CGROUPS[i]}" || { echo "cannot remove ${HP_CGROUPS[i]}" >&2; st=1; }
	done
	return $st
}

# The syscalls that read a file or directory by path or by fd.
HP_SYSCALLS=openat,open,openat2,read,pread64,readv,readlink,readlinkat,getdents64,newfstatat,statx

# hp_strace_start NAME: strace attached to the background tracer (and its
# threads) into $W/NAME.st; returns once strace says it is attached.
hp_strace_start() {
	strace -f -y -p "$NSW_TRACER_PID" -e trace=$HP_SYSCALLS -o "$W/$1.st" \
		</dev/null >/dev/null 2>"$W/$1.err" 3>&- &
	HP_STRACE=$!
	NSW_BG_PIDS+=("$HP_STRACE")
	for _ in $(seq 300); do
		grep -q 'attached' "$W/$1.err" && return 0
		nsw_is_running "$HP_STRACE" || break
		sleep 0.1
	done
	fail "strace did not attach to nswatch ($(cat "$W/$1.err"))"
}

# hp_strace_stop: detach strace (SIGINT) and wait for it.
hp_strace_stop() {
	[ -n "$HP_STRACE" ] || return 0
	kill -INT "$HP_STRACE" 2>/dev/null || true
	wait "$HP_STRACE" 2>/dev/null || true
	HP_STRACE=""
}

# hp_reads NAME: the traced syscalls of $W/NAME.st on anything under /proc or /run.
hp_reads() {
	grep -cE '(["<])/(proc|run)(/|"|>)' "$W/$1.st" || true
}

# hp_flood OUT N [CGROUP]: nsw_flood -n N (one process, N unshare(CLONE_NEWUTS)),
# first moved into cgroup directory CGROUP if given; its counts into $W/OUT.
hp_flood() {
	local out=$1 n=$2 cg=${3:-}
	if [ -n "$cg" ]; then
		sh -c 'echo $$ >"$0/cgroup.procs" && exec "$1" -n "$2"' \
			"$cg" "$NSW_HELPER_DIR/nsw_flood" "$n" >"$W/$out"
	else
		"$NSW_HELPER_DIR/nsw_flood" -n "$n" >"$W/$out"
	fi
	assert_eq "unshare calls nsw_flood made ($out)" "$(jq .unshare "$W/$out")" "$n"
	assert_eq "of them failed ($out)" "$(jq .failed "$W/$out")" 0
}

# hp_wait_handled OUT: wait (up to 60 s) until the tracer has printed an
# unshare line for every call of flood OUT and an ns_empty line for every
# uts namespace the flooder made (the last dies with it), that is, until
# the reporter has handled and labelled all of them.
hp_wait_handled() {
	local pid n got
	pid=$(jq .pid "$W/$1") n=$(jq .unshare "$W/$1")
	for _ in $(seq 600); do
		got=$(jq -s --argjson p "$pid" '
			[.[] | select((.op == "unshare" and .pid == $p and .ret == 0) or
			              (.op == "ns_empty" and .type == "uts" and .created_by.pid == $p))]
			| length' "$NSW_OUT" 2>/dev/null)
		[ "${got:-0}" = $((2 * n)) ] && return 0
		nsw_is_running "$NSW_TRACER_PID" || break
		sleep 0.1
	done
	fail "nswatch handled $got of the $((2 * n)) unshare and ns_empty lines of flood $1"
}

@test "labels hot path: an unshare flood from one process makes the reporter read nothing under /proc or /run, its namespaces still labelled; the first record of a new docker cgroup is a lookup the same count sees (control)" {
	local id cg n=200 made reads
	id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	cg="$(cgroup_hierarchy unified)/docker/$id"
	mkdir_recorded HP_CGROUPS "$cg"
	nsw_trace_bg --json
	nsw_wait_tracing
	# What the first records of the test's own cgroup cost, before counting.
	hp_flood warm 5
	hp_wait_handled warm

	# 1. A flood from one process of the host's cgroup.
	hp_strace_start host
	hp_flood host "$n"
	hp_wait_handled host
	hp_strace_stop
	reads=$(hp_reads host)
	assert_eq "syscalls under /proc or /run while nswatch handled $n unshares and their ns_empty (host cgroup): $(grep -E '/(proc|run)/' "$W/host.st" | head -n 5)" "$reads" 0
	made=$(jq -s --argjson p "$(jq .pid "$W/host")" \
		'[.[] | select(.op == "unshare" and .pid == $p and .ret == 0 and (.container // "none") == "none")] | length' "$NSW_OUT")
	assert_eq "the host flood's unshares, each without a container" "$made" "$n"

	# 2. Control: one unshare from a cgroup the reporter has not seen.
	hp_strace_start first
	hp_flood first 1 "$cg"
	hp_wait_handled first
	hp_strace_stop
	reads=$(hp_reads first)
	[ "$reads" -ge 1 ] || fail "control: no syscall under /proc or /run counted for the lookup of a new cgroup (the count cannot see reads)"

	# 3. A flood from the same (now known) cgroup: no reads, every namespace labelled.
	hp_strace_start docker
	hp_flood docker "$n" "$cg"
	hp_wait_handled docker
	hp_strace_stop
	reads=$(hp_reads docker)
	assert_eq "syscalls under /proc or /run while nswatch handled $n unshares and their ns_empty (docker cgroup): $(grep -E '/(proc|run)/' "$W/docker.st" | head -n 5)" "$reads" 0
	made=$(jq -s --argjson p "$(jq .pid "$W/docker")" --arg c "docker:${id:0:12}" \
		'[.[] | select(.op == "unshare" and .pid == $p and .ret == 0 and .container == $c
		               and all(.created[]; .container == $c))] | length' "$NSW_OUT")
	assert_eq "the docker flood's unshares labelled docker:${id:0:12}, with each namespace they made" "$made" "$n"
	made=$(jq -s --argjson p "$(jq .pid "$W/docker")" --arg c "docker:${id:0:12}" \
		'[.[] | select(.op == "ns_empty" and .type == "uts" and .created_by.pid == $p and .container == $c)] | length' "$NSW_OUT")
	assert_eq "the ns_empty lines of the docker flood's namespaces labelled docker:${id:0:12}" "$made" "$n"

	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
}
