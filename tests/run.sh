#!/usr/bin/env bash
# Runs every test of nswatch and ends with one line: "N passed, N failed"
# (", N skipped" follows when tests were skipped and CI is not true).
#
#   1. every unit test binary build/tests/test_* (cmocka, TAP output: each
#      test case counts);
#   2. the integration tests: bats --tap tests/integration (or the bats files
#      or directories given as arguments).
#
#   tests/run.sh --unit                 the unit tests only (make unit)
#   tests/run.sh --integration [T...]   the integration tests only, of the
#                                       bats files or directories T (make
#                                       integration T=tests/integration/ls.bats)
#
# A suite that fails or crashes does not stop the others. With CI=true a
# skipped test counts as a failure. Exits non-zero if anything failed or if
# no test ran at all. Build first: make tests-build (make test does both).
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

ci=false
[ "${CI:-}" = true ] && ci=true

run_unit=true
run_integration=true
case "${1:-}" in
--unit)
	run_integration=false
	shift
	;;
--integration)
	run_unit=false
	shift
	;;
esac

passed=0
failed=0
skipped=0
failures=()

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A safety net against a hung integration test (bats 1.7+ honours it).
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-600}"

# count_tap LABEL FILE STATUS: add the results of one TAP stream to the
# totals. Lines are "ok N ...", "not ok N ...", skips carry "# skip" (bats:
# "ok N name # skip reason"; cmocka: "not ok N # SKIP name"). Plans
# ("1..N") that were not fulfilled count the missing tests as failed, and a
# non-zero exit with no failed test counts as one failure.
count_tap() {
	local label=$1 file=$2 status=$3
	local line name plan=0 results=0 suite_failed=0
	local re_plan='^1\.\.([0-9]+)'
	local re_skip='^(not )?ok [0-9]+ (.*)# [Ss][Kk][Ii][Pp]'
	local re_result='^(not )?ok [0-9]+ ?(- )?(.*)$'
	while IFS= read -r line; do
		line=${line%$'\r'}
		if [[ $line =~ $re_plan ]]; then
			plan=$((plan + BASH_REMATCH[1]))
		elif [[ $line =~ $re_skip ]]; then
			results=$((results + 1))
			if $ci; then
				failed=$((failed + 1))
				suite_failed=$((suite_failed + 1))
				failures+=("$label: ${line} (skipped, and CI=true)")
			else
				skipped=$((skipped + 1))
			fi
		elif [[ $line =~ $re_result ]]; then
			results=$((results + 1))
			name=${BASH_REMATCH[3]}
			if [ -z "${BASH_REMATCH[1]}" ]; then
				passed=$((passed + 1))
			else
				failed=$((failed + 1))
				suite_failed=$((suite_failed + 1))
				failures+=("$label: $name")
			fi
		fi
	done <"$file"
	if ((results < plan)); then
		failed=$((failed + plan - results))
		suite_failed=$((suite_failed + plan - results))
		failures+=("$label: $((plan - results)) of $plan planned tests never reported a result (exit status $status)")
	fi
	if [ "$status" -ne 0 ] && [ "$suite_failed" -eq 0 ]; then
		failed=$((failed + 1))
		failures+=("$label: exited with status $status")
	fi
}

# 1. Unit tests.
units=0
for bin in build/tests/test_*; do
	if ! $run_unit; then
		break
	fi
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		continue
	fi
	units=$((units + 1))
	label=${bin##*/}
	echo "# unit: $label"
	out="$tmp/$label.tap"
	CMOCKA_MESSAGE_OUTPUT=TAP timeout --kill-after=10 300 "./$bin" </dev/null | tee "$out"
	status=${PIPESTATUS[0]}
	count_tap "$label" "$out" "$status"
done
if $run_unit && [ "$units" -eq 0 ]; then
	echo "# no unit test binaries in build/tests (make tests-build builds them)"
fi

# 2. Integration tests.
if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=(tests/integration)
fi
if ! $run_integration; then
	:
elif ! command -v bats >/dev/null 2>&1; then
	echo "# bats is not installed"
	failed=$((failed + 1))
	failures+=("bats: not installed")
else
	echo "# integration: bats --tap ${targets[*]}"
	out="$tmp/bats.tap"
	bats --tap "${targets[@]}" </dev/null | tee "$out"
	status=${PIPESTATUS[0]}
	count_tap bats "$out" "$status"
fi

echo
if [ "${#failures[@]}" -gt 0 ]; then
	echo "Failed:"
	for f in "${failures[@]}"; do
		echo "  $f"
	done
fi
total=$((passed + failed + skipped))
if [ "$total" -eq 0 ]; then
	echo "No test ran."
fi
if [ "$skipped" -gt 0 ] && ! $ci; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
