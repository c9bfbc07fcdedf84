#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/fairness.sh: what a flood does to everybody else's events, with the
# rate limit (the default) and without it (--rate-limit 0).
#
# Scenarios, each under a host-wide `nswatch trace --json` (stdout to a file):
#   victim    root makes 200 unshare+setns pairs, 5 ms apart, alone
#   flood     two unprivileged producers (uids 6001 and 6002, each in a user
#             namespace of its own) loop unshare+setns for SECONDS, and once
#             their first second is over the root victim runs as above
# Every workload is build/tests/helpers/nsw_flood, which counts its calls.
# For each run it prints the victim's delivered events out of 400, the
# producers' calls and what became of them (delivered, throttled, lost; the
# summary's per-operation figures), and the producers' calls per second.
#
# Needs root, build/nswatch and build/tests/helpers/nsw_flood (make
# tests-build), jq, setpriv. SECONDS (default 3) in the environment.
set -euo pipefail

cd "$(dirname "$0")/.."
NSW=build/nswatch
FLOOD=build/tests/helpers/nsw_flood
SECS=${SECONDS_FLOOD:-3}

if [ "$(id -u)" -ne 0 ] || [ ! -x "$NSW" ] || [ ! -x "$FLOOD" ]; then
	echo "bench/fairness.sh: needs root, $NSW and $FLOOD (make tests-build)" >&2
	exit 1
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# run NAME FLOOD(0|1) TRACE_ARGS...
run() {
	local name=$1 flood=$2 tracer p1=0 p2=0
	shift 2
	rm -f "$tmp"/f1 "$tmp"/f2 "$tmp"/v
	"$NSW" trace --json "$@" >"$tmp/out" 2>"$tmp/err" &
	tracer=$!
	until grep -qs '^Tracing' "$tmp/err"; do sleep 0.05; done
	if [ "$flood" = 1 ]; then
		setpriv --reuid=6001 --regid=6001 --clear-groups "$FLOOD" -U -s -t "$SECS" >"$tmp/f1" &
		p1=$!
		setpriv --reuid=6002 --regid=6002 --clear-groups "$FLOOD" -U -s -t "$SECS" >"$tmp/f2" &
		p2=$!
		sleep 1
	fi
	"$FLOOD" -s -n 200 -i 5000 >"$tmp/v"
	if [ "$flood" = 1 ]; then
		wait "$p1" "$p2"
	fi
	sleep 0.2
	kill -INT "$tracer"
	wait "$tracer" || true
	local vpid victim made=0 rate=0 sum
	vpid=$(jq .pid "$tmp/v")
	victim=$(jq -s --argjson p "$vpid" '[.[] | select(.pid == $p and (.op == "unshare" or .op == "setns"))] | length' "$tmp/out")
	if [ "$flood" = 1 ]; then
		made=$(jq -s 'map(.unshare + .setns) | add' "$tmp/f1" "$tmp/f2")
		rate=$(jq -s 'map((.unshare + .setns) / .seconds) | add | floor' "$tmp/f1" "$tmp/f2")
	fi
	sum=$(grep '^Summary:' "$tmp/err" | grep -oE ' (events|lost|throttled)=[0-9]+' | tr -d ' ' | tr '\n' ' ')
	printf '%-34s victim %3d/400  producers made %8d (%7d/s)  %s\n' "$name" "$victim" "$made" "$rate" "$sum"
}

echo "bench/fairness.sh: $SECS s floods from two unprivileged producers; victim: root, 400 calls"
run "victim alone, default limit" 0
run "victim alone, --rate-limit 0" 0 --rate-limit 0
run "two producers, default limit" 1
run "two producers, --rate-limit 0" 1 --rate-limit 0
