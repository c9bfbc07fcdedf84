#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long tracing takes to start and stop (issue 11, item 4): the wall
# time of `nswatch trace -- true` against `true` alone, and what `--trace`
# adds to `nswatch run -- true`, in one hyperfine run, rounds alternating.
#
# Usage (root): bash bench/startstop.sh
#   RUNS=N        runs per command (default 30)
#   BASE=PATH     another nswatch binary (a baseline build) measured in the
#                 same run: its trace -- true, run -- true and run --trace
#   CONTAINERS=N  before each timed run, N containers (`run -- true` of
#                 this build) started and ended back to back: their net
#                 namespaces' teardowns queue in the kernel's shared work
#                 queue, the slow case of run --trace's end (default 0)
set -euo pipefail

cd "$(dirname "$0")/.."
die() {
	echo "bench/startstop.sh: $*" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || die "needs root (it loads BPF programs)"
command -v hyperfine >/dev/null || die "hyperfine is missing: apt-get install hyperfine"
[ -x build/nswatch ] || die "build/nswatch is not built: run 'make'"
runs=${RUNS:-30}
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 2 ] || die "RUNS=$runs: a number, 2 or more"
containers=${CONTAINERS:-0}
[[ $containers =~ ^[0-9]+$ ]] || die "CONTAINERS=$containers: a number"
base=${BASE:-}
[ -z "$base" ] || [ -x "$base" ] || die "BASE=$base: not an executable"

# The release of the tracepoints goes on for up to a second after each
# trace; --prepare waits for it, so a run never pays for the one before.
# With CONTAINERS, the containers come after that wait, just before the
# timed run.
settle='sleep 1'
if [ "$containers" -gt 0 ]; then
	settle="bash -c 'sleep 1; for i in \$(seq $containers); do build/nswatch run -- true || exit 1; done'"
fi
cmds=(
	-n true 'true'
	-n 'trace -- true' 'build/nswatch trace -- true'
	-n 'run -- true' 'build/nswatch run -- true'
	-n 'run --trace -- true' 'build/nswatch run --trace -- true'
)
if [ -n "$base" ]; then
	cmds+=(
		-n 'base: trace -- true' "$base trace -- true"
		-n 'base: run -- true' "$base run -- true"
		-n 'base: run --trace -- true' "$base run --trace -- true"
	)
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N -w 2 -r "$runs" --prepare "$settle" --export-json "$out" "${cmds[@]}" 2>&1 |
	grep -E '^Benchmark|Time \(mean|Range'
# Medians and the worst run: what --trace adds must hold at the tail too.
jq -r '.results[] | [.command, (.median * 1000), (.min * 1000), (.max * 1000)]
	| "\(.[0]): median \(.[1] | . * 10 | round / 10) ms, min \(.[2] | . * 10 | round / 10), max \(.[3] | . * 10 | round / 10)"' "$out"
