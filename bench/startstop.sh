#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long tracing takes to start and stop (issue 11, item 4): the wall
# time of `nswatch trace -- true` against `true` alone, and what `--trace`
# adds to `nswatch run -- true`. Rounds rotate: each round times every
# command once (hyperfine, one run each), in an order shifted by one from
# the round before, so that a slow stretch of a shared machine falls on
# all of them; what --trace adds is taken within each round.
#
# Usage (root): bash bench/startstop.sh
#   RUNS=N        rounds (default 30)
#   BASE=PATH     another nswatch binary (a baseline build), timed in the
#                 same rounds: its trace -- true, run -- true, run --trace
#   CONTAINERS=N  before each timed command, N containers (`run -- true` of
#                 this build) started and ended back to back: their net
#                 namespaces' teardowns queue in the kernel's shared work
#                 queue, the slow case of run --trace's end (default 0)
#   HOSTWIDE=1    also a host-wide trace that ends at once (`trace
#                 --duration 0.001`): its start (the btf set, the cast's
#                 ids) plus at most one 50 ms poll, the same for both builds
set -euo pipefail

cd "$(dirname "$0")/.."
die() {
	echo "bench/startstop.sh: $*" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || die "needs root (it loads BPF programs)"
command -v hyperfine >/dev/null || die "hyperfine is missing: apt-get install hyperfine"
command -v jq >/dev/null || die "jq is missing: apt-get install jq"
[ -x build/nswatch ] || die "build/nswatch is not built: run 'make'"
runs=${RUNS:-30}
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 2 ] || die "RUNS=$runs: a number, 2 or more"
containers=${CONTAINERS:-0}
[[ $containers =~ ^[0-9]+$ ]] || die "CONTAINERS=$containers: a number"
base=${BASE:-}
hostwide=${HOSTWIDE:-0}
[ -z "$base" ] || [ -x "$base" ] || die "BASE=$base: not an executable"

# The release of the tracepoints goes on for up to a second after each
# trace; --prepare waits for it, so a run never pays for the one before.
# With CONTAINERS, the containers come after that wait, just before the
# timed run.
settle='sleep 1'
if [ "$containers" -gt 0 ]; then
	settle="bash -c 'sleep 1; for i in \$(seq $containers); do build/nswatch run -- true || exit 1; done'"
fi
names=(true 'trace -- true' 'run -- true' 'run --trace -- true')
cmds=('true' 'build/nswatch trace -- true' 'build/nswatch run -- true' 'build/nswatch run --trace -- true')
if [ -n "$base" ]; then
	names+=('base: trace -- true' 'base: run -- true' 'base: run --trace -- true')
	cmds+=("$base trace -- true" "$base run -- true" "$base run --trace -- true")
fi
if [ "$hostwide" = 1 ]; then
	names+=('host-wide trace')
	cmds+=('build/nswatch trace --duration 0.001')
	if [ -n "$base" ]; then
		names+=('base: host-wide trace')
		cmds+=("$base trace --duration 0.001")
	fi
fi
n=${#names[@]}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# One untimed round: the binaries and the rootfs in the page cache.
for ((i = 0; i < n; i++)); do
	${cmds[i]} >/dev/null 2>&1 || die "'${cmds[i]}' failed"
done
for ((r = 0; r < runs; r++)); do
	args=()
	for ((k = 0; k < n; k++)); do
		i=$(((k + r) % n))
		args+=(-n "${names[i]}" "${cmds[i]}")
	done
	hyperfine -N -r 1 --prepare "$settle" --export-json "$dir/$r.json" "${args[@]}" \
		>/dev/null 2>&1 || die "hyperfine failed in round $r"
done

# Per command: median, min, max (ms); then what --trace adds, paired
# within each round (run --trace minus run -- true of the same round).
jq -rs --argjson base "$([ -n "$base" ] && echo true || echo false)" '
	def med: sort | if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def ms: . * 10000 | round / 10;
	[.[].results[] | {command, t: .times[0]}] as $all
	| ($all | map(.command) | unique) as $names
	| ($names[] as $c | [$all[] | select(.command == $c) | .t]
		| "\($c): median \(med | ms) ms, min \(min | ms), max \(max | ms)"),
	  ((if $base then ["", "base: "] else [""] end)[] as $p
		| [.[] | .results | (map(select(.command == $p + "run --trace -- true"))[0].times[0]
			- map(select(.command == $p + "run -- true"))[0].times[0])]
		| "\($p)--trace adds (paired within rounds): median \(med | ms) ms, min \(min | ms), max \(max | ms)")
' "$dir"/*.json
