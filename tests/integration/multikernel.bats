#!/usr/bin/env bats
# nswatch on five kernels: Debian's 5.10, 6.1, 6.12 and newest (sid) booted
# under qemu (TCG), and the host's kernel as the control, each running
# tests/multikernel/checks.sh (trace of unshare, setns, clone3, EPERM and
# host-wide; ls; ns_id; run with and without idmapped mounts, overlay and
# --trace). setup_file runs tests/multikernel/run.sh once (3 to 5 minutes);
# each test is one kernel, which passes when every check has exactly the
# outcome tests/multikernel/expect.txt gives for that kernel (PASS unless a
# reason is written there). The table of the run goes to the TAP output as
# comments. docs/multikernel.md.
#
# Needs root, qemu-system-x86, busybox-static, e2fsprogs, xz-utils, zstd,
# file (scripts/deps.sh) and the shared harness (../shared/multikernel beside
# the checkout, or NSW_SHARED). Without them the tests are skipped with the
# reason, and with CI=true they fail.

MK_DIR="$BATS_TEST_DIRNAME/../multikernel"

setup_file() {
	export MK_RES="$BATS_FILE_TMPDIR/multikernel"
	export MK_LOG="$BATS_FILE_TMPDIR/multikernel.log"
	local st=0
	# A kernel not as expected fails its own test below, not the file.
	bash "$MK_DIR/run.sh" "$MK_RES" >"$MK_LOG" 2>&1 || st=$?
	echo "$st" >"$BATS_FILE_TMPDIR/multikernel.status"
	if [ -s "$MK_RES/table.md" ]; then
		sed 's/^/# /' "$MK_RES/table.md" >&3
		echo "# multikernel: the run took $(cat "$MK_RES/seconds" 2>/dev/null || echo '?') s" >&3
	fi
}

# mk_kernel LABEL: the verdict of one kernel (a label of kernels.txt).
mk_kernel() {
	local st dir why
	st=$(cat "$BATS_FILE_TMPDIR/multikernel.status")
	if [ "$st" = 3 ]; then
		why=$(grep -m1 'cannot run here' "$MK_LOG")
		if [ "${CI:-}" = true ]; then
			printf 'FAIL: %s; CI=true, so this is a failure, not a skip\n' "$why" >&2
			return 1
		fi
		skip "$why"
	fi
	dir=$(awk -v l="$1" '$1 == l { print $2 }' "$MK_RES/kernels.txt" 2>/dev/null)
	if [ -z "$dir" ]; then
		printf 'FAIL: the run gave no kernel for %s (exit %s); its log ends:\n' "$1" "$st" >&2
		tail -n 30 "$MK_LOG" >&2
		return 1
	fi
	if ! bash "$MK_DIR/verdict.sh" "$MK_RES/$dir" "$MK_DIR/expect.txt" >"$BATS_TEST_TMPDIR/verdict" 2>&1; then
		{
			printf 'FAIL: %s (%s): checks not as tests/multikernel/expect.txt says:\n' "$1" "$dir"
			cat "$BATS_TEST_TMPDIR/verdict"
			echo
			cat "$MK_RES/table.md" 2>/dev/null
		} >&2
		return 1
	fi
}

@test "multikernel: Debian 5.10 (bullseye) under qemu" {
	mk_kernel 5.10
}

@test "multikernel: Debian 6.1 (bookworm) under qemu" {
	mk_kernel 6.1
}

@test "multikernel: Debian 6.12 (bookworm-security) under qemu" {
	mk_kernel 6.12
}

@test "multikernel: Debian's newest (sid) under qemu" {
	mk_kernel newest
}

@test "multikernel: Debian's newest with lockdown=confidentiality" {
	mk_kernel lockdown
}

@test "multikernel: the host's kernel (control), nothing left mounted" {
	mk_kernel host
	if grep -q "nswatch-multikernel/host-mnt" /proc/self/mountinfo; then
		printf 'FAIL: the host control left mounts behind:\n' >&2
		grep "nswatch-multikernel/host-mnt" /proc/self/mountinfo >&2
		return 1
	fi
}
