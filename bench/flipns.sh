#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The alternating-namespace flood (issue 11, item 2): one process switching
# with setns between two uts namespaces it holds by fd, FLIP_N times each
# way, under a host-wide `nswatch trace --json`. Prints, per binary: the
# setns events delivered and lost, events per second of the flood, the
# reporter's CPU (user + system, GNU time), and its ns_empty and ns_held
# lines (the right answer: 2 and at most 2, none while the process lives).
#
# FLIP_N (default 100000: 200,001 setns), FLIP_BASELINE=path/to/nswatch to
# put another build (main's) beside this one, FLIP_REPEATS (3).
set -euo pipefail

cd "$(dirname "$0")/.."

flip=build/tests/helpers/nsw_flipns
if [ ! -x "$flip" ] || [ ! -x build/nswatch ]; then
	echo "bench/flipns.sh: build build/nswatch and $flip first (make tests-build)" >&2
	exit 1
fi
n=${FLIP_N:-100000}
repeats=${FLIP_REPEATS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

one() { # BINARY LABEL
	local bin=$1 label=$2 tracer start end ev lost cpu empty held wall
	mkdir -p "$tmp/w"
	env --default-signal=INT "$bin" trace --json --op setns,ns_empty \
		</dev/null >"$tmp/out" 2>"$tmp/err" &
	tracer=$!
	for _ in $(seq 100); do grep -q '^Tracing' "$tmp/err" && break; sleep 0.1; done
	start=$(date +%s%N)
	"$flip" "$tmp/w" "$n" 0 hold
	end=$(date +%s%N)
	sleep 0.5
	# GNU time ignores SIGINT: the tracer is its one child.
	kill -INT "$(pgrep -P "$tracer")"
	wait "$tracer" || true
	# GNU time wrote the reporter's CPU as its last stderr line.
	cpu=$(tail -n1 "$tmp/err")
	ev=$(jq -s --argjson p "$(cat "$tmp/w/pid")" '[.[] | select(.op == "setns" and .pid == $p)] | length' "$tmp/out")
	empty=$(grep -c '"op":"ns_empty"' "$tmp/out" || true)
	held=$(grep -c '"op":"ns_held"' "$tmp/out" || true)
	lost=$(sed -nE 's/^Summary: events=[0-9]+ lost=([0-9]+).*/\1/p' "$tmp/err")
	wall=$(((end - start) / 1000000))
	printf '%-10s setns=%d/%d lost=%s flood=%d ms events/s=%d reporter_cpu_s=%s ns_empty=%d ns_held=%d\n' \
		"$label" "$ev" "$(cat "$tmp/w/setns")" "$lost" "$wall" \
		$((ev * 1000 / (wall ? wall : 1))) "$cpu" "$empty" "$held"
	rm -rf "$tmp/w"
}

# The reporter's own CPU: GNU time around nswatch alone (the flood is not its child).
wrap() {
	printf '#!/bin/sh\nexec /usr/bin/time -f "%%U+%%S" %s "$@"\n' "$1" >"$tmp/$2"
	chmod +x "$tmp/$2"
	echo "$tmp/$2"
}

for _ in $(seq "$repeats"); do
	one "$(wrap "$PWD/build/nswatch" this)" this
	if [ -n "${FLIP_BASELINE:-}" ]; then
		one "$(wrap "$FLIP_BASELINE" baseline)" baseline
	fi
done
