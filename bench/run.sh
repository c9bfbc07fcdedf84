#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs bench/nsbench with defaults that finish in about half a minute on a
# two-core VM: enough calls per loop for ns-level figures, enough
# repetitions for a median that ignores a stray slow one.
#
# Overrides: NSBENCH_ITERS, NSBENCH_UNSHARE, NSBENCH_REPEATS in the
# environment; any argument is passed on to nsbench (see nsbench --help).
set -euo pipefail

cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "bench/run.sh: needs root (it loads BPF programs and calls" \
		"setns/unshare): run it as root or with sudo" >&2
	exit 1
fi

bin=build/bench/nsbench
if [ ! -x "$bin" ]; then
	echo "bench/run.sh: $bin is not built: run 'make bench'" >&2
	exit 1
fi

# libbpf finds syscall tracepoints through tracefs.
if ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs tracefs /sys/kernel/tracing
fi

args=(-n "${NSBENCH_ITERS:-200000}" -u "${NSBENCH_UNSHARE:-20000}"
	-r "${NSBENCH_REPEATS:-7}")
if [ ! -x build/nswatch ]; then
	echo "bench/run.sh: build/nswatch is not built: timing the untraced" \
		"and empty BPF modes only" >&2
	args+=(--no-nswatch)
fi

exec "$bin" "${args[@]}" "$@"
