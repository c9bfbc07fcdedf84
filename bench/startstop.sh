#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long tracing takes to start and stop (issue 11, item 4): the wall
# time of `nswatch trace -- true` against `true` alone, and what `--trace`
# adds to `nswatch run -- true`, in one hyperfine run, rounds alternating.
#
# Usage (root): bash bench/startstop.sh     RUNS (default 30) per command.
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

# The release of the tracepoints goes on for up to a second after each
# trace; --prepare waits for it, so a run never pays for the one before.
settle='sleep 1'
hyperfine -N -w 2 -r "$runs" --prepare "$settle" \
	-n true 'true' \
	-n 'trace -- true' 'build/nswatch trace -- true' \
	-n 'run -- true' 'build/nswatch run -- true' \
	-n 'run --trace -- true' 'build/nswatch run --trace -- true' 2>&1 |
	grep -E '^Benchmark|Time \(mean'
