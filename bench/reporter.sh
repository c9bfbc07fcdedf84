#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reporter's hot path (issue 11, item 5): what one event costs the
# reporter (`nswatch trace`, host-wide, --rate-limit 0) next to what one
# setns costs the process that makes it. One producer (nsw_flipns) switches
# between two uts namespaces REPORTER_N times each way; for each output
# (text, JSON) and sink (/dev/null, a file, a pipe to cat) it prints:
#
#   reporter ns/event   the reporter's CPU (user + system, from
#                       /proc/PID/schedstat) over the flood, divided by the
#                       events it delivered
#   events/cpu-s        the same, as events per second of reporter CPU
#   producer ns/call    the flood's wall time over its setns calls (traced)
#   load                reporter ns/event / producer ns/call: below 1, one
#                       reporter keeps up with one producer
#   lost                events lost (Summary line); with enough room, 0
#   steal               per round, the largest time taken from one of the
#                       VM's CPUs by its host during the flood (/proc/stat),
#                       in ms: a reporter stopped from outside the guest
#
# REPORTER_NICE=N starts both builds at nice N (a reporter that outranks
# the load, as auditd's priority_boost does).
#
# REPORTER_STOPPED=1 stops the reporter (SIGSTOP) for the whole flood and
# lets it go after: the longest stall there is. What it loses then is what
# the ring could not hold, so calls - lost is the ring's room in records,
# and the producer's ns/call with nobody reading says how long a stall
# that room covers.
#
# REPORTER_RINGFILL=1 runs build/bench/ringfill beside each flood: the
# ring's largest backlog (KiB) and the longest time the reporter's position
# stood still with records waiting (ms), per round: what the stalls of this
# machine cost, against the ring's room.
#
# Medians over REPORTER_REPEATS rounds. REPORTER_LOAD=N runs N busy loops
# at nice REPORTER_LOAD_NICE (19) through the whole run: at 19 a background
# load that the scheduler should keep out of the reporter's way, at 0 one
# that takes its share of both CPUs; REPORTER_RING=SIZE passes
# --ring-size SIZE to both builds (REPORTER_BASELINE_RING=SIZE, to the
# baseline instead: the same binary as baseline compares ring sizes). REPORTER_BASELINE=path/to/nswatch
# puts another build beside this one, taking turns within each round, and
# prints this/baseline for each row: ratios within one run, so the drift of
# a shared machine cancels. Root; `make tests-build` first (and
# `make build/bench/reporter_feed`, with valgrind, for the instruction counts
# at the end).
set -euo pipefail

cd "$(dirname "$0")/.."

flip=build/tests/helpers/nsw_flipns
if [ "${REPORTER_RINGFILL:-0}" = 1 ] && [ ! -x build/bench/ringfill ]; then
	echo "bench/reporter.sh: REPORTER_RINGFILL needs build/bench/ringfill (make bench)" >&2
	exit 1
fi
if [ ! -x "$flip" ] || [ ! -x build/nswatch ]; then
	echo "bench/reporter.sh: build build/nswatch and $flip first (make tests-build)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/reporter.sh: needs root" >&2
	exit 1
fi
n=${REPORTER_N:-100000}
repeats=${REPORTER_REPEATS:-3}
outputs=${REPORTER_OUTPUTS:-text json}
sinks=${REPORTER_SINKS:-null file pipe}
load=${REPORTER_LOAD:-0}
load_nice=${REPORTER_LOAD_NICE:-19}
ring=()
[ -n "${REPORTER_RING:-}" ] && ring=(--ring-size "$REPORTER_RING")
base_ring=("${ring[@]}")
[ -n "${REPORTER_BASELINE_RING:-}" ] && base_ring=(--ring-size "$REPORTER_BASELINE_RING")
tmp=$(mktemp -d)
tracer=
loaders=()
cleanup() {
	[ -n "$tracer" ] && kill -CONT "$tracer" 2>/dev/null && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	for p in "${loaders[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

cpu_ns() { # PID: time on CPU of all its threads, ns
	local a t sum=0
	for t in /proc/"$1"/task/*/schedstat; do
		read -r a _ <"$t" 2>/dev/null || continue
		sum=$((sum + a))
	done
	echo "$sum"
}

# The reporter, started on its sink; sets $tracer to nswatch's own pid.
start() { # BINARY OUTPUT SINK [baseline]
	local bin=$1 output=$2 sink=$3 flag= ring=("${ring[@]}")
	[ "$output" = json ] && flag=--json
	[ "${4:-}" = baseline ] && ring=("${base_ring[@]}")
	: >"$tmp/err"
	# REPORTER_NICE: the reporter's own priority (nice execs it: $! is nswatch).
	local cmd=("$bin")
	[ -n "${REPORTER_NICE:-}" ] && cmd=(nice -n "$REPORTER_NICE" "$bin")
	case $sink in
	null) "${cmd[@]}" trace $flag --rate-limit 0 "${ring[@]}" </dev/null >/dev/null 2>"$tmp/err" & ;;
	file) "${cmd[@]}" trace $flag --rate-limit 0 "${ring[@]}" </dev/null >"$tmp/out" 2>"$tmp/err" & ;;
	pipe) "${cmd[@]}" trace $flag --rate-limit 0 "${ring[@]}" </dev/null 2>"$tmp/err" > >(cat >/dev/null) & ;;
	esac
	tracer=$!
	for _ in $(seq 200); do grep -q '^Tracing' "$tmp/err" && return 0; sleep 0.05; done
	echo "bench/reporter.sh: $bin did not start: $(cat "$tmp/err")" >&2
	exit 1
}

# The steal column of each CPU in /proc/stat, in USER_HZ ticks.
steal_ticks() {
	awk '/^cpu[0-9]/ {printf "%s ", $9}' /proc/stat
}

# The largest per-CPU difference between two steal_ticks, in ms.
steal_ms() { # BEFORE AFTER
	awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		n = split(a, x); split(b, y); m = 0
		for (i = 1; i <= n; i++) if (y[i] - x[i] > m) m = y[i] - x[i]
		print int(m * 1000 / hz) }'
}

# One flood under one reporter: "reporter_ns producer_ns lost steal_ms
# backlog_kib still_ms" (the last two "-" without REPORTER_RINGFILL).
one() { # BINARY OUTPUT SINK [baseline]
	local c0 c1 c2 t0 t1 calls events lost s0 s1
	start "$@"
	rm -rf "$tmp/w" && mkdir "$tmp/w"
	sleep 0.2
	c0=$(cpu_ns "$tracer")
	s0=$(steal_ticks)
	local filltext= fillpid= backlog=- still=-
	if [ "${REPORTER_RINGFILL:-0}" = 1 ]; then
		build/bench/ringfill >"$tmp/fill" &
		fillpid=$!
		sleep 0.1
	fi
	[ "${REPORTER_STOPPED:-0}" = 1 ] && kill -STOP "$tracer"
	t0=$(date +%s%N)
	"$flip" "$tmp/w" "$n" 0 hold
	t1=$(date +%s%N)
	[ "${REPORTER_STOPPED:-0}" = 1 ] && kill -CONT "$tracer"
	s1=$(steal_ticks)
	calls=$(cat "$tmp/w/setns")
	# Drained once the reporter's CPU stands still across two polls.
	c1=$(cpu_ns "$tracer")
	while sleep 0.15; c2=$(cpu_ns "$tracer"); [ $((c2 - c1)) -gt 2000000 ]; do
		c1=$c2
	done
	if [ -n "$fillpid" ]; then
		kill -INT "$fillpid"
		wait "$fillpid" || true
		filltext=$(cat "$tmp/fill")
		backlog=$(($(sed -nE 's/.*max_backlog=([0-9]+).*/\1/p' <<<"$filltext") / 1024))
		still=$(sed -nE 's/.*max_still=([0-9.]+).*/\1/p' <<<"$filltext")
	fi
	kill -INT "$tracer"
	wait "$tracer" || true
	tracer=
	events=$(sed -nE 's/^Summary: events=([0-9]+) .*/\1/p' "$tmp/err")
	lost=$(sed -nE 's/^Summary: events=[0-9]+ lost=([0-9]+).*/\1/p' "$tmp/err")
	if [ -z "$events" ] || [ "$events" -eq 0 ]; then
		echo "bench/reporter.sh: no summary: $(cat "$tmp/err")" >&2
		exit 1
	fi
	echo "$(((c2 - c0) / events)) $(((t1 - t0) / calls)) $lost $(steal_ms "$s0" "$s1") $backlog $still"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

for ((i = 0; i < load; i++)); do
	nice -n "$load_nice" bash -c 'while :; do :; done' &
	loaders+=($!)
done

declare -A rep prod lost steal fill
for _ in $(seq "$repeats"); do
	for output in $outputs; do
		for sink in $sinks; do
			builds=this
			[ -n "${REPORTER_BASELINE:-}" ] && builds="this baseline"
			for b in $builds; do
				bin=$PWD/build/nswatch
				[ "$b" = baseline ] && bin=$REPORTER_BASELINE
				read -r r p l st bl sl < <(one "$bin" "$output" "$sink" "$b")
				k="$b $output $sink"
				rep[$k]+="$r "
				prod[$k]+="$p "
				lost[$k]+="$l "
				steal[$k]+="$st "
				fill[$k]+="$bl/$sl "
			done
		done
	done
done

printf 'one setns producer (nsw_flipns, %d calls), reporter host-wide, --rate-limit 0 %s (baseline: %s); medians of %d; %d busy loops at nice %d%s\n' \
	$((2 * n + 1)) "${ring[*]}" "${base_ring[*]}" "$repeats" "$load" "$load_nice" \
	"$([ "${REPORTER_STOPPED:-0}" = 1 ] && echo '; reporter stopped during the flood')$([ -n "${REPORTER_NICE:-}" ] && echo "; reporters at nice $REPORTER_NICE")"
printf '%-9s %-5s %-5s %12s %13s %13s %6s %s\n' build output sink "reporter ns/ev" \
	"events/cpu-s" "producer ns" load "lost (each round)"
for output in $outputs; do
	for sink in $sinks; do
		for b in this baseline; do
			k="$b $output $sink"
			[ -n "${rep[$k]:-}" ] || continue
			r=$(tr ' ' '\n' <<<"${rep[$k]}" | grep . | median)
			p=$(tr ' ' '\n' <<<"${prod[$k]}" | grep . | median)
			printf '%-9s %-5s %-5s %12d %13d %13d %6s %s| steal ms: %s| ns/ev: %s\n' "$b" "$output" "$sink" \
				"$r" $((1000000000 / (r ? r : 1))) "$p" \
				"$(awk -v r="$r" -v p="$p" 'BEGIN {printf "%.2f", r / p}')" "${lost[$k]}" "${steal[$k]}" \
				"${rep[$k]}"
			[ "${REPORTER_RINGFILL:-0}" = 1 ] &&
				printf '%-9s %-5s %-5s largest backlog KiB / longest stall ms, each round: %s\n' \
					"$b" "$output" "$sink" "${fill[$k]}"
		done
		if [ -n "${REPORTER_BASELINE:-}" ]; then
			r=$(tr ' ' '\n' <<<"${rep["this $output $sink"]}" | grep . | median)
			rb=$(tr ' ' '\n' <<<"${rep["baseline $output $sink"]}" | grep . | median)
			printf '%-9s %-5s %-5s %12s\n' this/base "$output" "$sink" \
				"$(awk -v a="$r" -v b="$rb" 'BEGIN {printf "%.2fx", a / b}')"
		fi
	done
done

# The same work without the kernel, in instructions, which a busy machine
# does not move: bench/reporter_feed's records through session/pipeline.c
# under callgrind (make build/bench/reporter_feed; valgrind). Callgrind
# counts each byte glibc copies with rep movsb as an instruction: the
# batched fwrite of the presenter's stage (since session 18) takes that
# path, about 700 counted a JSON line that cost a few dozen cycles.
feed=build/bench/reporter_feed
feed_n=${REPORTER_FEED_N:-20000}
if [ -x "$feed" ] && [ "$feed_n" -gt 0 ] && command -v valgrind >/dev/null 2>&1; then
	instr() { # N MODE
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$feed" "$1" "$2" 2>&1 |
			sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
	}
	printf '\ninstructions per record, no kernel (%s, %d setns records, callgrind)\n' "$feed" "$feed_n"
	for mode in json text table; do
		printf '%-6s %8d\n' "$mode" $((($(instr "$feed_n" "$mode") - $(instr 0 "$mode")) / feed_n))
	done
fi
