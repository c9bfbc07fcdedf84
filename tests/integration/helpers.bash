# shellcheck shell=bash
# Shared helpers for the nswatch integration tests (bats 1.8.2).
#
# Every test compares what nswatch reported with what the kernel said at the
# time, as read by the workload itself (readlink /proc/self/ns/X, its own pid,
# uid, exit status) or by the test (stat of a netns bind mount, /proc/$$/ns of
# the bats shell for the "host" namespaces). Never with earlier tracer output.
#
# Environment:
#   NSWATCH         the binary (default build/nswatch); a relative path is
#                   taken relative to the repository root
#   NSW_HELPER_DIR  where nsw_clone3 and nsw_loadgen are (default
#                   build/tests/helpers, relative to the repository root)
#   NSW_TIMEOUT     seconds one nswatch run may take before it is killed (120)
#   CI=true         a test that cannot run here (not root, no BTF) fails
#                   instead of being skipped

NSW_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

nsw_abs() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$NSW_REPO_ROOT/$1" ;;
	esac
}

NSWATCH="$(nsw_abs "${NSWATCH:-build/nswatch}")"
NSW_HELPER_DIR="$(nsw_abs "${NSW_HELPER_DIR:-build/tests/helpers}")"
NSW_TIMEOUT="${NSW_TIMEOUT:-120}"

# `load` sources this file inside a function: -g keeps these global.
# shellcheck disable=SC2034 # used by the .bats files
declare -gA NSW_FLAG=(
	[mnt]=CLONE_NEWNS [uts]=CLONE_NEWUTS [ipc]=CLONE_NEWIPC
	[net]=CLONE_NEWNET [pid]=CLONE_NEWPID [cgroup]=CLONE_NEWCGROUP
	[user]=CLONE_NEWUSER [time]=CLONE_NEWTIME
)
# shellcheck disable=SC2034
declare -gA NSW_BIT=(
	[mnt]=$((0x00020000)) [uts]=$((0x04000000)) [ipc]=$((0x08000000))
	[net]=$((0x40000000)) [pid]=$((0x20000000)) [cgroup]=$((0x02000000))
	[user]=$((0x10000000)) [time]=$((0x00000080))
)
NSW_SLOTS="mnt uts ipc net cgroup pid pid_for_children time time_for_children user"

# ---------------------------------------------------------------------------
# Per-test setup and teardown

# nsw_setup: call first in every setup(). W is the directory the workloads
# write their readings to.
nsw_setup() {
	W="$BATS_TEST_TMPDIR/w"
	mkdir -p "$W"
	NSW_OUT="$BATS_TEST_TMPDIR/nswatch.out"
	NSW_ERR="$BATS_TEST_TMPDIR/nswatch.err"
	: >"$NSW_OUT"
	: >"$NSW_ERR"
	NSW_STATUS=""
	NSW_BG_PIDS=()
	NSW_NETNS=()
	NSW_DUMPED=""
	nsw_write_reader
}

# nsw_teardown: call in every teardown(). Stops what the test started in the
# background (by pid, and only while that pid is still this shell's child, so
# a recycled pid is never hit) and deletes the netns it made.
nsw_teardown() {
	local pid ns
	for pid in "${NSW_BG_PIDS[@]}"; do
		if nsw_is_our_child "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	for pid in "${NSW_BG_PIDS[@]}"; do
		for _ in $(seq 50); do
			nsw_is_running "$pid" || break
			sleep 0.1
		done
		if nsw_is_our_child "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	for ns in "${NSW_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	return 0
}

# nsw_is_our_child PID: PID is a (possibly exited, unreaped) child of this
# shell.
nsw_is_our_child() {
	local st state ppid rest
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -r state ppid rest <<<"${st##*) }"
	[ "$ppid" = "$BASHPID" ]
}

# nsw_is_running PID: PID is our child and has not exited yet.
nsw_is_running() {
	local st state ppid rest
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -r state ppid rest <<<"${st##*) }"
	[ "$ppid" = "$BASHPID" ] && [ "$state" != Z ]
}

# rd.sh PREFIX TYPE...: run as the workload's own process (exec'd by unshare,
# nsenter, ip netns exec), it writes what the kernel says about it:
#   PREFIX.pid      $$ (in its own pid namespace)
#   PREFIX.ppid     $PPID
#   PREFIX.hostpid  its pid as the initial pid namespace sees it (the Pid: of
#                   /proc/self/status, opened by this shell itself)
#   PREFIX.hostppid its parent's pid in the initial pid namespace (PPid:)
#   PREFIX.uid      id -u
#   PREFIX.ns.TYPE  readlink /proc/self/ns/TYPE, for each TYPE
# The readlink runs in a child, which shares all the shell's namespaces in
# every case these tests use (the shell's *_for_children equal its own).
nsw_write_reader() {
	cat >"$W/rd.sh" <<'EOF'
p=$1
shift
echo $$ >"$p.pid"
echo $PPID >"$p.ppid"
exec 3</proc/self/status
while read -r k v rest <&3; do
	case $k in
	Pid:) echo "$v" >"$p.hostpid" ;;
	PPid:) echo "$v" >"$p.hostppid" ;;
	esac
done
exec 3<&-
id -u >"$p.uid"
for t in "$@"; do
	readlink "/proc/self/ns/$t" >"$p.ns.$t"
done
EOF
}

# ---------------------------------------------------------------------------
# Preconditions

# require_root_btf: skip (or, with CI=true, fail) when the tracer cannot run
# here; then make sure the binaries the tests use exist.
require_root_btf() {
	local why=""
	if [ "$(id -u)" -ne 0 ]; then
		why="needs root to load BPF programs (running as uid $(id -u))"
	elif [ ! -r /sys/kernel/btf/vmlinux ]; then
		why="needs a kernel with BTF (/sys/kernel/btf/vmlinux is missing)"
	fi
	if [ -n "$why" ]; then
		if [ "${CI:-}" = true ]; then
			printf 'FAIL: %s; CI=true, so this is a failure, not a skip\n' "$why" >&2
			return 1
		fi
		skip "$why"
	fi
	require_nswatch
}

require_nswatch() {
	if [ ! -x "$NSWATCH" ]; then
		printf 'FAIL: nswatch binary %s is missing or not executable (run make, or set NSWATCH)\n' "$NSWATCH" >&2
		return 1
	fi
}

# require_helper NAME: the path of a test helper binary, which must exist.
require_helper() {
	if [ ! -x "$NSW_HELPER_DIR/$1" ]; then
		printf 'FAIL: helper %s is missing (make %s)\n' "$NSW_HELPER_DIR/$1" "build/tests/helpers/$1" >&2
		return 1
	fi
}

require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			printf 'FAIL: command %s is not installed\n' "$c" >&2
			return 1
		fi
	done
}

# ---------------------------------------------------------------------------
# Running the tracer

# nsw_trace ARGS...: run `nswatch trace ARGS...` in the foreground (killed
# after NSW_TIMEOUT seconds). stdout -> $NSW_OUT, stderr -> $NSW_ERR, exit
# status -> $NSW_STATUS. Never fails by itself: check with assert_trace_ok.
nsw_trace() {
	NSW_STATUS=0
	timeout --kill-after=10 "$NSW_TIMEOUT" "$NSWATCH" trace "$@" \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	NSW_ARGS="trace $*"
}

# nsw_trace_bg ARGS...: start `nswatch trace ARGS...` in the background with
# SIGINT and SIGTERM at their default disposition (a background job of a
# non-interactive shell would otherwise inherit SIGINT ignored). Sets
# NSW_TRACER_PID.
nsw_trace_bg() {
	env --default-signal=INT,TERM "$NSWATCH" trace "$@" \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- &
	NSW_TRACER_PID=$!
	NSW_BG_PIDS+=("$NSW_TRACER_PID")
	NSW_ARGS="trace $* (background)"
}

# nsw_wait_tracing [SECONDS]: wait until the background tracer has written its
# "Tracing" line on stderr.
nsw_wait_tracing() {
	local limit=$((${1:-30} * 10)) i
	for ((i = 0; i < limit; i++)); do
		if grep -q '^Tracing' "$NSW_ERR"; then
			return 0
		fi
		if ! nsw_is_running "$NSW_TRACER_PID"; then
			NSW_STATUS=0
			wait "$NSW_TRACER_PID" || NSW_STATUS=$?
			fail "nswatch exited (status $NSW_STATUS) before printing its Tracing line"
			return 1
		fi
		sleep 0.1
	done
	fail "no 'Tracing' line on nswatch's stderr after ${1:-30}s"
}

# nsw_wait_tracer [SECONDS]: wait for the background tracer to exit; its
# status goes to NSW_STATUS. Kills it and fails after SECONDS (default 30).
nsw_wait_tracer() {
	local limit=$((${1:-30} * 10)) i
	for ((i = 0; i < limit; i++)); do
		if ! nsw_is_running "$NSW_TRACER_PID"; then
			break
		fi
		sleep 0.1
	done
	if nsw_is_running "$NSW_TRACER_PID"; then
		kill -KILL "$NSW_TRACER_PID" 2>/dev/null || true
		wait "$NSW_TRACER_PID" 2>/dev/null || true
		NSW_STATUS=killed
		fail "nswatch did not exit within ${1:-30}s"
		return 1
	fi
	NSW_STATUS=0
	wait "$NSW_TRACER_PID" || NSW_STATUS=$?
}

# nsw_bg CMD...: start CMD in the background (closing bats' fd 3), remember
# its pid for teardown; sets NSW_BG_PID.
nsw_bg() {
	"$@" </dev/null >/dev/null 2>&1 3>&- &
	NSW_BG_PID=$!
	NSW_BG_PIDS+=("$NSW_BG_PID")
}

# nsw_start_target UNSHARE_OPTIONS...: a process sitting in new namespaces,
# `unshare OPTIONS sleep 300`, ready once it has exec'd sleep (which unshare
# does after unshare(2) succeeded). Sets TARGET_PID.
nsw_start_target() {
	local i
	nsw_bg unshare "$@" sleep 300
	TARGET_PID=$NSW_BG_PID
	for i in $(seq 100); do
		if [ "$(cat "/proc/$TARGET_PID/comm" 2>/dev/null)" = sleep ]; then
			return 0
		fi
		sleep 0.05
	done
	fail "target 'unshare $* sleep 300' (pid $TARGET_PID) did not start"
}

# nsw_netns_name: NETNS := a netns name unique to this test, deleted (ip netns
# del) in teardown.
nsw_netns_name() {
	NETNS="nswt$$_${BATS_TEST_NUMBER}"
	NSW_NETNS+=("$NETNS")
}

# ---------------------------------------------------------------------------
# Kernel truth

# ns_of PID|self TYPE: the inode number of /proc/PID/ns/TYPE.
ns_of() {
	local l
	l=$(readlink "/proc/$1/ns/$2") || return 1
	l=${l##*[}
	printf '%s\n' "${l%]}"
}

# host_ns TYPE: the bats shell's namespace of that type: what the traced
# commands start in.
host_ns() {
	ns_of $$ "$1"
}

# wread FILE: the number in a workload reading ("net:[4026531840]" or a
# plain number). Fails if FILE is missing or holds no number.
wread() {
	local v
	if [ ! -s "$1" ]; then
		fail "workload reading $1 is missing: the workload did not run (far enough)"
		return 1
	fi
	v=$(sed -n -e 's/^[a-z_]*:\[\([0-9]*\)\]$/\1/p' -e 's/^\([0-9][0-9]*\)$/\1/p' "$1" | head -n1)
	if [ -z "$v" ]; then
		fail "workload reading $1 holds no number: $(cat "$1")"
		return 1
	fi
	printf '%s\n' "$v"
}

# ---------------------------------------------------------------------------
# Assertions. Each prints what it expected, what it got and the context, and
# returns 1 on failure; call them as plain statements so set -e ends the test.

nsw_dump() {
	local f
	[ -n "$NSW_DUMPED" ] && return 0
	NSW_DUMPED=1
	echo "--- nswatch ${NSW_ARGS:-(not run)}"
	echo "--- exit status: ${NSW_STATUS:-none}"
	echo "--- nswatch stderr (first 30 lines):"
	head -n 30 "$NSW_ERR" 2>/dev/null
	echo "--- nswatch stdout ($(wc -l <"$NSW_OUT" 2>/dev/null || echo 0) lines; first 40):"
	head -n 40 "$NSW_OUT" 2>/dev/null
	echo "--- workload readings in $W:"
	for f in "$W"/*; do
		[ -f "$f" ] || continue
		case $f in *.sh) continue ;; esac
		[ "$(stat -c %s "$f")" -lt 4000 ] || continue
		printf '  %s: %s\n' "${f##*/}" "$(tr '\n' ' ' <"$f")"
	done
	echo "--- bats shell ($$) namespaces:"
	for f in $NSW_SLOTS; do
		printf '  %s=%s' "$f" "$(host_ns "$f")"
	done
	echo
}

# mkdir_recorded ARRAY DIR: make DIR and every missing parent, each appended
# to the array named ARRAY (outermost first), for a teardown that removes
# them innermost first. Fails if a mkdir does.
mkdir_recorded() {
	local -n made=$1
	local d=$2 missing=()
	while [ ! -e "$d" ]; do
		missing=("$d" "${missing[@]}")
		d=$(dirname "$d")
	done
	for d in "${missing[@]}"; do
		mkdir "$d" || return 1
		made+=("$d")
	done
}

# cgroup_hierarchy NAME: the mount point of cgroup hierarchy NAME (a v1
# controller, or "unified" for cgroup2); fails if the host has none.
cgroup_hierarchy() {
	local m
	if [ "$1" = unified ]; then
		m=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	else
		m=$(awk -v c="$1" '$3 == "cgroup" && ("," $4 ",") ~ ("," c ",") { print $2; exit }' /proc/self/mounts)
	fi
	[ -n "$m" ] || { fail "no $1 cgroup hierarchy mounted"; return 1; }
	echo "$m"
}

fail() {
	{
		printf 'FAIL: %s\n' "$*"
		nsw_dump
	} >&2
	return 1
}

assert_eq() { # assert_eq WHAT GOT WANT
	if [ "$2" != "$3" ]; then
		fail "$1: expected '$3', got '$2'"
		return 1
	fi
}

assert_ne() { # assert_ne WHAT GOT UNWANTED
	if [ "$2" = "$3" ]; then
		fail "$1: expected anything but '$3'"
		return 1
	fi
}

# assert_trace_ok [STATUS]: nswatch exited with STATUS (default 0), printed
# its Tracing line and a well-formed summary; sets NSW_EVENTS and NSW_LOST.
assert_trace_ok() {
	local want=${1:-0} line
	if [ "$NSW_STATUS" != "$want" ]; then
		fail "nswatch exit status: expected $want, got $NSW_STATUS"
		return 1
	fi
	if ! grep -q '^Tracing' "$NSW_ERR"; then
		fail "no line beginning with 'Tracing' on nswatch's stderr"
		return 1
	fi
	line=$(grep -E '^Summary: events=[0-9]+ lost=[0-9]+( |$)' "$NSW_ERR" | tail -n1)
	if [ -z "$line" ]; then
		fail "no 'Summary: events=N lost=M' line on nswatch's stderr"
		return 1
	fi
	# shellcheck disable=SC2034 # for the tests
	NSW_EVENTS=$(sed -E 's/^Summary: events=([0-9]+) lost=([0-9]+).*/\1/' <<<"$line")
	# shellcheck disable=SC2034
	NSW_LOST=$(sed -E 's/^Summary: events=([0-9]+) lost=([0-9]+).*/\2/' <<<"$line")
}

# Which lines the event helpers below look at: the operation events
# (clone, clone3, unshare, setns), or with NSW_LINES=all every line,
# ns_empty and ns_held lifecycle lines and throttled lines included. Those have
# tests of their own (table.bats, lifetimes.bats, fairness.bats); the filter tests
# are about operations.
nsw_lines_filter() {
	if [ "${NSW_LINES:-ops}" = all ]; then
		echo 'true'
	else
		echo '.op != "ns_empty" and .op != "throttled" and .op != "ns_held"'
	fi
}

# nsw_events JQ_CONDITION [JQ_ARGS...]: the events (one compact JSON per line)
# for which the condition holds.
nsw_events() {
	local cond=$1
	shift
	jq -c "$@" "select($(nsw_lines_filter)) | select($cond)" "$NSW_OUT"
}

# summary_op OP: E T L := OP's events, throttled and lost in the summary.
summary_op() {
	local f
	f=$(grep -E '^Summary: ' "$NSW_ERR" | tail -n1 | grep -oE " $1=[0-9]+\+[0-9]+\+[0-9]+" | sed 's/^ [a-z0-9]*=//')
	if [ -z "$f" ]; then
		fail "the summary has no $1=E+T+L"
		return 1
	fi
	IFS=+ read -r E T L <<<"$f"
}

# nsw_count JQ_CONDITION [JQ_ARGS...]: how many events match.
nsw_count() {
	local cond=$1
	shift
	jq -n "$@" "[inputs | select($(nsw_lines_filter)) | select($cond)] | length" "$NSW_OUT"
}

# find_event DESCRIPTION JQ_CONDITION [JQ_ARGS...]: EV := the first matching
# event, EV_COUNT := how many matched. Fails if none.
find_event() {
	local desc=$1 cond=$2 all
	shift 2
	if ! all=$(nsw_events "$cond" "$@"); then
		fail "nswatch stdout is not JSON lines"
		return 1
	fi
	if [ -z "$all" ]; then
		fail "no event: $desc [jq: select($cond) $*]"
		return 1
	fi
	EV=$(head -n1 <<<"$all")
	# shellcheck disable=SC2034 # for the tests
	EV_COUNT=$(wc -l <<<"$all")
}

# assert_no_event DESCRIPTION JQ_CONDITION [JQ_ARGS...]
assert_no_event() {
	local desc=$1 cond=$2 all
	shift 2
	if ! all=$(nsw_events "$cond" "$@"); then
		fail "nswatch stdout is not JSON lines"
		return 1
	fi
	if [ -n "$all" ]; then
		fail "unexpected event(s): $desc [jq: select($cond) $*]:
$(head -n 5 <<<"$all")"
		return 1
	fi
}

# ev_get JQ: a field of EV (strings raw, null as "null").
ev_get() {
	jq -r "$1" <<<"$EV"
}

# assert_ev JQ WANT: a field of EV equals WANT.
assert_ev() {
	local got
	got=$(ev_get "$1")
	if [ "$got" != "$2" ]; then
		fail "event field $1: expected '$2', got '$got' in event:
$EV"
		return 1
	fi
}

# assert_ev_flag NAME: EV's flags array holds NAME.
assert_ev_flag() {
	if ! jq -e --arg f "$1" '(.flags // []) | any(. == $f)' <<<"$EV" >/dev/null; then
		fail "event flags lack $1 in event:
$EV"
		return 1
	fi
}

# assert_ev_bits MASK: every bit of MASK is set in EV's flags_raw.
assert_ev_bits() {
	local raw
	raw=$(ev_get .flags_raw)
	if ! [[ $raw =~ ^[0-9]+$ ]] || (((raw & $1) != $1)); then
		fail "event flags_raw $raw lacks bits $(printf '0x%x' "$1") in event:
$EV"
		return 1
	fi
}

# assert_ev_ns FIELD TYPE INODE: EV.FIELD (created or joined) holds
# {"type":TYPE,"inode":INODE}.
assert_ev_ns() {
	if ! jq -e --arg t "$2" --argjson i "$3" \
		"[.$1[]? | select(.type == \$t and .inode == \$i)] | length > 0" <<<"$EV" >/dev/null; then
		fail "event $1 lacks {\"type\":\"$2\",\"inode\":$3}; it is $(jq -c ".$1" <<<"$EV") in event:
$EV"
		return 1
	fi
}
