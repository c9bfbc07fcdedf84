# shellcheck shell=bash
# The OCI tests' bed (oci.bats, oci_exec.bats, oci_trace.bats): each test
# has its own state root (--root) and bundle; RUNC is nswatch under runc's
# name. Load after helpers and runtime_helpers.

# How long a container may take to reach a state or print (bounded waits).
OCI_WAIT_S=20

# oci_setup: RUNC, ROOT, BUNDLE and the records the teardown sweeps:
# OCI_IDS (containers), OCI_PIDS (processes a test started beside them),
# OCI_CGDIRS (cgroup directories a cgroupsPath may have made, deepest
# first), OCI_LEFT (what a file's own checks found left behind).
oci_setup() {
	RUNC="$(nsw_abs "${NSWATCH_RUNC:-build/nswatch-runc}")"
	[ -x "$RUNC" ] || fail "no $RUNC (make tests-build)"
	ROOT="$BATS_TEST_TMPDIR/root"
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$BUNDLE"
	OCI_IDS=()
	OCI_PIDS=()
	OCI_CGDIRS=()
	OCI_LEFT=()
}

# oci_sweep: delete --force every container of the test, then add to
# OCI_LEFT (and remove) what is still there: a process of OCI_PIDS, a
# container's state directory or cgroup, a cgroup of OCI_CGDIRS, a mount
# under the test's directory.
oci_sweep() {
	local id p d h
	for id in "${OCI_IDS[@]}"; do
		"$RUNC" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	for p in "${OCI_PIDS[@]}"; do
		if [ -e "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]; then
			OCI_LEFT+=("process $p ($(tr '\0' ' ' <"/proc/$p/cmdline"))")
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	for id in "${OCI_IDS[@]}"; do
		[ -e "$ROOT/$id" ] && OCI_LEFT+=("state directory $ROOT/$id")
		for d in /sys/fs/cgroup/*/nswatch/"$id" /sys/fs/cgroup/nswatch/"$id"; do
			[ -e "$d" ] && OCI_LEFT+=("cgroup $d")
		done
	done
	for d in "${OCI_CGDIRS[@]}"; do
		for h in /sys/fs/cgroup/*/; do
			if [ -d "$h${d#/}" ]; then
				OCI_LEFT+=("cgroup $h${d#/}")
				rmdir "$h${d#/}" 2>/dev/null || true
			fi
		done
	done
	if grep -q "$BATS_TEST_TMPDIR" /proc/self/mountinfo; then
		OCI_LEFT+=("a mount under $BATS_TEST_TMPDIR")
	fi
}

# oci_teardown_end: rt_teardown's checks, then fail if OCI_LEFT names
# anything.
oci_teardown_end() {
	rt_teardown
	if [ "${#OCI_LEFT[@]}" -gt 0 ]; then
		fail "left on the host after the test: $(printf '\n  %s' "${OCI_LEFT[@]}")"
	fi
}

# oci_id SUFFIX: OCI_ID, a container id of this test (deleted by the
# teardown; not called in a subshell, which would lose the record).
oci_id() {
	OCI_ID="$RT_PREFIX-$1"
	OCI_IDS+=("$OCI_ID")
}

# rt_oci ARGS...: nswatch-runc --root ROOT ARGS, bounded; its output in
# NSW_OUT, its exit status in NSW_STATUS.
rt_oci() {
	NSW_STATUS=0
	timeout --kill-after=5 "$RT_TIMEOUT" "$RUNC" --root "$ROOT" "$@" \
		>"$NSW_OUT" 2>&1 </dev/null || NSW_STATUS=$?
}

# state_of ID JQ: a member of `state ID`.
state_of() {
	"$RUNC" --root "$ROOT" state "$1" | jq -r "$2"
}

# wait_status ID STATUS: until `state ID` says STATUS (bounded).
wait_status() {
	local i
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		[ "$(state_of "$1" .status 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	fail "container $1 did not become $2: $("$RUNC" --root "$ROOT" state "$1" 2>&1)"
}

# wait_output ID LINE: until the container's output (create's, in
# $BATS_TEST_TMPDIR/ID.out) has LINE (bounded).
wait_output() {
	local i
	for ((i = 0; i < OCI_WAIT_S * 10; i++)); do
		grep -qx "$2" "$BATS_TEST_TMPDIR/$1.out" && return 0
		sleep 0.1
	done
	fail "container $1 never printed '$2': $(cat "$BATS_TEST_TMPDIR/$1.out")"
}

# assert_failed_with WHAT TEXT: the last rt_oci failed, saying TEXT.
assert_failed_with() {
	[ "$NSW_STATUS" -ne 0 ] || fail "$1: exit status 0, expected a failure ($(cat "$NSW_OUT"))"
	grep -qF -- "$2" "$NSW_OUT" || fail "$1: the message does not say '$2': $(cat "$NSW_OUT")"
}
