#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What nswatch costs under an engine: `podman run --rm IMAGE /bin/true`
# with nswatch as podman's OCI runtime (--runtime build/nswatch-runc)
# against the same with runc, from the same local image (build/rootfs
# imported), timed with hyperfine in rounds that take the two in a
# rotating order. The ratio is taken within each round (so slow drift of
# the machine cancels); the median over rounds is printed, with the range.
#
# Both runs get the same podman options: --network none (podman's CNI
# bridge would add the same tens of milliseconds to both, which is not the
# runtime's) and an empty tmpfs at /sys/fs/cgroup in place of podman's
# cgroup mount, which nswatch does not make yet (docs/oci.md, "Engines").
#
# Usage (root): bash bench/engines.sh
# Environment:
#   QUICK=1          1 round x 5 runs (about 10 s) instead of 5 x 20
#   ROUNDS, RUNS     rounds, and runs per round and runtime
#   WARMUP           warm-up runs per runtime and round (3; QUICK 1)
#   ROOTFS           the rootfs to import (default build/rootfs)
#   VERBOSE=1        show hyperfine's own output
# Everything lives in a private directory (podman's storage, run and tmp
# directories, its containers.conf), removed on the way out with podman's
# conmon cgroups if they were not there before.
set -euo pipefail

cd "$(dirname "$0")/.."

prog=bench/engines.sh
die() {
	echo "$prog: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (podman as root, runc, nswatch)"
declare -A pkg=([hyperfine]=hyperfine [runc]=runc [podman]=podman [jq]=jq)
for tool in hyperfine runc podman jq; do
	command -v "$tool" >/dev/null || die "$tool is missing: apt-get install ${pkg[$tool]}"
done
nswatch=$(realpath build/nswatch 2>/dev/null || true)
[ -x "$nswatch" ] || die "build/nswatch is not built: run 'make'"
rootfs=$(realpath "${ROOTFS:-build/rootfs}" 2>/dev/null || true)
if [ -z "$rootfs" ] || [ ! -x "$rootfs/bin/busybox" ]; then
	die "no busybox rootfs at ${ROOTFS:-build/rootfs}: run 'make rootfs'"
fi

if [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then
	rounds=${ROUNDS:-1} runs=${RUNS:-5} warmup=${WARMUP:-1}
else
	rounds=${ROUNDS:-5} runs=${RUNS:-20} warmup=${WARMUP:-3}
fi
for v in rounds runs warmup; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v=${!v}: not a number"
done
if [ "$rounds" -lt 1 ] || [ "$runs" -lt 2 ]; then
	die "needs ROUNDS >= 1 and RUNS >= 2"
fi

image=localhost/nswatch-bench-engines:latest
tmp=
had_libpod_parent=
for h in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
	[ -d "$h" ] && had_libpod_parent+=" $h "
done
hf_pid=
cleanup() {
	local h
	if [ -n "$hf_pid" ]; then
		kill -TERM -- "-$hf_pid" 2>/dev/null || true
		wait "$hf_pid" 2>/dev/null || true
	fi
	[ -n "$tmp" ] || return 0
	podman rm -af -t0 >/dev/null 2>&1 || true
	podman rmi -af >/dev/null 2>&1 || true
	grep -F " $tmp/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$tmp"
	for h in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		[ -d "$h" ] || continue
		case $had_libpod_parent in *" $h "*) continue ;; esac
		find "$h" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d /tmp/nswatch-engines.XXXXXX)
# A copy named nswatch-runc (the name makes it the OCI runtime): a `make`
# meanwhile must not swap it mid-run.
built=$(date -u -r "$nswatch" '+%F %T UTC')
cp "$nswatch" "$tmp/nswatch-runc"
export CONTAINERS_STORAGE_CONF=$tmp/storage.conf CONTAINERS_CONF=$tmp/containers.conf
# The tests' bed (tests/integration/engines.bats), from the same writer.
scripts/podman_conf.sh "$tmp"
tar -C "$rootfs" -cf "$tmp/rootfs.tar" .
podman import -q "$tmp/rootfs.tar" "$image" >/dev/null

names=(runc nswatch)
declare -A runtime=([runc]="$(command -v runc)" [nswatch]="$tmp/nswatch-runc")
opts="--network none"
declare -A cmd
for n in "${names[@]}"; do
	cmd[$n]="podman --runtime ${runtime[$n]} run --rm $opts $image /bin/true"
	out=$(${cmd[$n]} 2>&1) || die "$n does not run under podman: ${cmd[$n]}"$'\n'"$out"
done

echo "podman run --rm of /bin/true: nswatch against runc as podman's runtime"
echo "kernel $(uname -r), $(nproc) CPUs; $(hyperfine --version); $(podman --version);" \
	"$(runc --version | head -1); nswatch $("$nswatch" --version | awk '{print $2}')" \
	"($(git describe --always --dirty 2>/dev/null || echo '?'), build/nswatch of $built)"
echo "podman options for both: $opts"
echo

hf_style=none
[ -z "${VERBOSE:-}" ] || hf_style=basic
for ((r = 0; r < rounds; r++)); do
	args=() order=
	for ((i = 0; i < ${#names[@]}; i++)); do
		n=${names[$(((i + r) % ${#names[@]}))]}
		order+="$n "
		args+=(--command-name "$n" "${cmd[$n]}")
	done
	echo "round $((r + 1))/$rounds: $order" >&2
	set -m
	hyperfine -N --style "$hf_style" --warmup "$warmup" --runs "$runs" \
		--export-json "$tmp/round-$r.json" "${args[@]}" 2>>"$tmp/hyperfine.log" &
	hf_pid=$!
	set +m
	status=0
	wait "$hf_pid" || status=$?
	hf_pid=
	[ "$status" -eq 0 ] || {
		cat "$tmp/hyperfine.log" >&2
		die "hyperfine failed (exit status $status)"
	}
done

jq -r -s '
	def f($d): pow(10; $d) as $p | (. * $p | round) as $i
		| (($i / $p | floor | tostring) + "." + (($p + $i % $p) | tostring | .[1:]));
	def median: sort | if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	(map(.results | map({(.command): .mean}) | add)) as $rm
	| (map(.results[]) | group_by(.command) | map({(.[0].command): (map(.times[]))}) | add) as $t
	| "  \($rm | length) round(s) x \($t.runc | length / ($rm | length)) runs per runtime",
	  "  runtime   mean ms  median ms   min ms   max ms",
	  (["runc", "nswatch"][] as $n | $t[$n] as $x
	   | "  \($n)\(" " * (8 - ($n | length)))"
	     + "\(($x | add / length) * 1000 | f(1))" + "    " + "\(($x | median) * 1000 | f(1))"
	     + "    " + "\(($x | min) * 1000 | f(1))" + "    " + "\(($x | max) * 1000 | f(1))"),
	  ($rm | map(.nswatch / .runc)) as $q
	  | "  nswatch / runc: \($q | median | f(2))x"
	    + (if ($q | min) == ($q | max) then ""
	       else " (rounds \($q | min | f(2))-\($q | max | f(2)))" end)
' "$tmp"/round-*.json
echo "Ratio: median over rounds of the ratio of the two means within a round."
