#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs bench/nsbench with defaults that finish in about 40 seconds on a
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

# libbpf finds syscall tracepoints through tracefs. A mount made here is
# undone on the way out, so the host is left as it was.
if ! mountpoint -q /sys/kernel/tracing && [ ! -d /sys/kernel/debug/tracing/events ]; then
	mount -t tracefs tracefs /sys/kernel/tracing
	trap 'umount /sys/kernel/tracing' EXIT
fi

args=(-n "${NSBENCH_ITERS:-200000}" -u "${NSBENCH_UNSHARE:-20000}"
	-r "${NSBENCH_REPEATS:-11}")
if [ ! -x build/nswatch ]; then
	echo "bench/run.sh: build/nswatch is not built: timing the untraced" \
		"and empty BPF modes only" >&2
	args+=(--no-nswatch)
fi

"$bin" "${args[@]}" "$@"
bash bench/containers.sh
bash bench/engines.sh
