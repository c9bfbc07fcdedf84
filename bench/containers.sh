#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What starting a container costs: `nswatch run`, `runc run` and `bwrap`
# each start /bin/true from the same busybox rootfs, with all the
# namespaces they can make, next to /bin/true run directly as the floor.
# Timed with hyperfine in one run of this script, in two passes:
#   back-to-back  each run starts as soon as the last one ended;
#   spaced        each run after an idle pause (SPACE_MS, 100 ms), as a
#                 container started by hand would be: moving a task into a
#                 cgroup waits for an RCU grace period, unless another move
#                 happened a few ms before (docs/performance.md).
# Each pass runs in rounds that take the runtimes in a rotating order;
# ratios are taken within a round, so slow drift of the machine cancels.
#
# Usage (root): bash bench/containers.sh
# Environment:
#   QUICK=1          fewer runs (about 10 s in all instead of 90)
#   ROUNDS, RUNS     back-to-back rounds and runs per round and command
#                    (default 5 x 100; QUICK 1 x 20)
#   SPACED_ROUNDS, SPACED_RUNS   the same for the spaced pass (3 x 30;
#                    QUICK 1 x 10); SPACED_ROUNDS=0 skips it
#   SPACE_MS         the pause before each spaced run (default 100)
#   WARMUP           warm-up runs per command and round (10; QUICK 3)
#   MEM_RUNS         runs per command for the peak-RSS samples (30; QUICK 5)
#   ROOTFS           the rootfs to copy (default build/rootfs, `make rootfs`)
#   RUNC_IDBASE      first host uid/gid of runc's user namespace map
#                    (default 1342177280 = 0x50000000, 65536 ids)
#   VERBOSE=1        show hyperfine's own output
# Nothing is left behind: the temporary copies and bundle, runc's container
# and any nswatch container of this run are removed on the way out.
set -euo pipefail

cd "$(dirname "$0")/.."

prog=bench/containers.sh
die() {
	echo "$prog: $*" >&2
	exit 1
}

if [ "$(id -u)" -ne 0 ]; then
	die "needs root (all three runtimes make user namespaces with host id" \
		"ranges, cgroups and mounts): run it as root or with sudo"
fi

declare -A pkg=([hyperfine]=hyperfine [runc]=runc [bwrap]=bubblewrap [jq]=jq)
for tool in hyperfine runc bwrap jq; do
	command -v "$tool" >/dev/null ||
		die "$tool is missing: apt-get install ${pkg[$tool]}"
done

nswatch=$(realpath build/nswatch 2>/dev/null || true)
[ -x "$nswatch" ] || die "build/nswatch is not built: run 'make'"
rootfs=$(realpath "${ROOTFS:-build/rootfs}" 2>/dev/null || true)
if [ -z "$rootfs" ] || [ ! -x "$rootfs/bin/busybox" ] || [ ! -e "$rootfs/bin/true" ]; then
	die "no busybox rootfs at ${ROOTFS:-build/rootfs}: run 'make rootfs'"
fi

if [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then
	rounds=${ROUNDS:-1} runs=${RUNS:-20} warmup=${WARMUP:-3} mem_runs=${MEM_RUNS:-5}
	s_rounds=${SPACED_ROUNDS:-1} s_runs=${SPACED_RUNS:-10}
else
	rounds=${ROUNDS:-5} runs=${RUNS:-100} warmup=${WARMUP:-10} mem_runs=${MEM_RUNS:-30}
	s_rounds=${SPACED_ROUNDS:-3} s_runs=${SPACED_RUNS:-30}
fi
space_ms=${SPACE_MS:-100}
declare -A env_name=([rounds]=ROUNDS [runs]=RUNS [warmup]=WARMUP [mem_runs]=MEM_RUNS
	[s_rounds]=SPACED_ROUNDS [s_runs]=SPACED_RUNS [space_ms]=SPACE_MS)
for v in "${!env_name[@]}"; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "${env_name[$v]}=${!v}: not a number"
done
if [ "$rounds" -lt 1 ] || [ "$runs" -lt 2 ]; then
	die "needs ROUNDS >= 1 and RUNS >= 2"
fi
[ "$s_rounds" -eq 0 ] || [ "$s_runs" -ge 2 ] || die "needs SPACED_RUNS >= 2"
space=$(printf '%d.%03d' $((space_ms / 1000)) $((space_ms % 1000)))

# GNU time gives the peak RSS (ru_maxrss); without it, times only.
gnu_time=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
	gnu_time=/usr/bin/time
else
	echo "$prog: GNU time (/usr/bin/time) not found: no peak RSS column" \
		"(apt-get install time)" >&2
fi

# ---- clean-up: everything this run makes, and nothing else ----

tmp=
runc_id=nswbench-$$
list_nswatch() { # containers on our private copy of the rootfs
	"$nswatch" ps --json 2>/dev/null |
		jq -r --arg r "$tmp/rootfs" 'select(.options.rootfs == $r) | .name' || true
}
hf_pid=
# hyperfine runs in a process group of its own (set -m): stop it and what
# it is timing, and let that finish, before removing what they use.
stop_hyperfine() {
	local t
	[ -n "$hf_pid" ] || return 0
	kill -TERM -- "-$hf_pid" 2>/dev/null || true
	for ((t = 0; t < 50; t++)); do
		pgrep -g "$hf_pid" >/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$hf_pid" 2>/dev/null || true
	hf_pid=
}
cleanup() {
	local name
	stop_hyperfine
	if [ -e "/run/runc/$runc_id" ]; then
		runc delete --force "$runc_id" >/dev/null 2>&1 ||
			echo "$prog: could not delete runc container $runc_id" >&2
	fi
	# nswatch run removes its container when the command exits: a name
	# here means a run was interrupted.
	if [ -n "$tmp" ]; then
		for name in $(list_nswatch); do
			"$nswatch" rm --force "$name" >/dev/null ||
				echo "$prog: could not remove nswatch container $name" >&2
		done
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d /tmp/nswatch-containers.XXXXXX)
# runc's container root is a host id of its own: it must reach the rootfs.
chmod 755 "$tmp"
# A private copy: the same files for every runtime, whatever else uses
# build/rootfs meanwhile (the tests do), and our containers are the ones
# on it. The original only gives its name to the output.
cp -a "$rootfs" "$tmp/rootfs"
src_rootfs=$rootfs
rootfs=$tmp/rootfs
# The same for the binary: a `make` meanwhile must not swap it mid-run.
built=$(date -u -r "$nswatch" '+%F %T UTC')
cp "$nswatch" "$tmp/nswatch"
nswatch=$tmp/nswatch

# ---- runc: a bundle from `runc spec`, made as close to nswatch run as runc allows ----

idbase=${RUNC_IDBASE:-1342177280}
idsize=65536
# An id range nobody on the host uses (nor nswatch: 0x60000000-0x6fffffff).
overlaps() { # file field [count field]
	awk -F: -v f="$2" -v c="${3:-0}" -v lo="$idbase" -v hi=$((idbase + idsize - 1)) \
		'{ n = c ? $c : 1; if ($f != "" && $f + 0 <= hi && $f + n > lo) bad = 1 }
		 END { exit !bad }' "$1" 2>/dev/null
}
for f in /etc/passwd:3 /etc/group:3 /etc/subuid:2:3 /etc/subgid:2:3; do
	IFS=: read -r file field count <<<"$f"
	if [ -e "$file" ] && overlaps "$file" "$field" "$count"; then
		die "RUNC_IDBASE=$idbase: ids $idbase-$((idbase + idsize - 1)) are used in $file"
	fi
done
if [ "$idbase" -lt $((0x70000000)) ] && [ $((idbase + idsize)) -gt $((0x60000000)) ]; then
	die "RUNC_IDBASE=$idbase: overlaps nswatch's id ranges (0x60000000-0x6fffffff)"
fi

bundle=$tmp/runc-bundle
mkdir "$bundle"
# runc 1.1 has no idmapped mounts: as with any runc before 1.2, the rootfs
# is a copy owned by the mapped range, so that it is root's inside.
cp -a "$rootfs" "$bundle/rootfs"
chown -hR "$idbase:$idbase" "$bundle/rootfs"
# Files not owned by 0:0 keep their ids, shifted into the range.
(cd "$rootfs" && find . \( ! -uid 0 -o ! -gid 0 \) -printf '%U %G %p\0') |
	while IFS=' ' read -r -d '' u g path; do
		if [ "$u" -lt "$idsize" ] && [ "$g" -lt "$idsize" ]; then
			chown -h "$((idbase + u)):$((idbase + g))" "$bundle/rootfs/$path"
		fi
	done
(cd "$bundle" && runc spec)

# Namespaces: runc spec has pid, network, ipc, uts, mount; add user and
# cgroup, and time if this runc knows it (runc features, 1.2+).
extra_ns='["user","cgroup"]'
runc_time=no
if runc features 2>/dev/null | jq -e '.linux.namespaces | index("time")' >/dev/null; then
	extra_ns='["user","cgroup","time"]'
	runc_time=yes
fi
# nswatch run's default capabilities.
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL",
	"CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_NET_RAW",
	"CAP_SYS_CHROOT","CAP_MKNOD","CAP_AUDIT_WRITE","CAP_SETFCAP"]'
jq --argjson ns "$extra_ns" --argjson id "$idbase" --argjson n "$idsize" \
	--argjson caps "$caps" '
	.process.args = ["/bin/true"]
	| .process.terminal = false
	| .process.capabilities = {bounding: $caps, effective: $caps,
				   permitted: $caps, inheritable: $caps}
	| .root = {path: "rootfs", readonly: false}
	| .linux.namespaces += [$ns[] | {type: .}]
	| .linux.uidMappings = [{containerID: 0, hostID: $id, size: $n}]
	| .linux.gidMappings = [{containerID: 0, hostID: $id, size: $n}]
	# nswatch mounts no cgroupfs in the container.
	| .mounts |= map(select(.destination != "/sys/fs/cgroup"))
	' "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

# ---- the commands ----

names=(baseline bwrap runc nswatch)
declare -A cmd prep
q() { printf '%q' "$1"; }
# The floor: the very file the containers run as /bin/true (a link to
# /bin/busybox inside), started directly.
cmd[baseline]="$(q "$rootfs/bin/busybox") true"
cmd[bwrap]="bwrap --unshare-all --bind $(q "$rootfs") / --proc /proc --dev /dev /bin/true"
# runc run in the foreground deletes its container when it exits, so the
# id (unique to this run of the script) is free again for the next run;
# the prepare step only matters if a run was killed half-way.
cmd[runc]="runc run --bundle $(q "$bundle") $runc_id"
cmd[nswatch]="$(q "$nswatch") run --rootfs $(q "$rootfs") -- /bin/true"
# Shell code to run before each timed run (hyperfine --prepare).
prep[runc]="[ ! -e /run/runc/$runc_id ] || runc delete --force $runc_id"
prep[baseline]='' prep[bwrap]='' prep[nswatch]=
# prepare_cmd name pause: the --prepare command, then the pause (s) if any.
prepare_cmd() {
	local code=${prep[$1]}${2:+${prep[$1]:+; }sleep $2}
	if [ -z "$code" ]; then
		echo true
	elif [ -z "${prep[$1]}" ]; then
		echo "$code"
	else
		echo "sh -c '$code'"
	fi
}

# One run each, with its errors shown: hyperfine would only say it failed.
for n in "${names[@]}"; do
	out=$(eval "${cmd[$n]}" 2>&1) ||
		die "$n does not start: ${cmd[$n]}"$'\n'"$out"
	[ -z "$out" ] || echo "$prog: $n printed: $out" >&2
done

versions() {
	echo "kernel $(uname -r), $(nproc) CPUs; $(hyperfine --version);" \
		"$(runc --version | head -1); bubblewrap $(bwrap --version | awk '{print $2}');" \
		"nswatch $("$nswatch" --version | awk '{print $2}')" \
		"($(git describe --always --dirty 2>/dev/null || echo '?'), build/nswatch of $built)"
}
echo "Container start: /bin/true from a copy of $src_rootfs"
versions
ns_runc=$(jq -r '.linux.namespaces | map(.type) | join(",")' "$bundle/config.json")
echo "namespaces: nswatch all eight; runc $ns_runc$([ "$runc_time" = yes ] ||
	echo " (no time namespace in this runc)")"
echo "bwrap --unshare-all: user (0 -> 0, one id), ipc, pid, net, uts, cgroup"
echo

# ---- timing ----

hf_style=none
[ -z "${VERBOSE:-}" ] || hf_style=basic
# pass label, rounds, runs, pause before each run (s, or empty)
timing_pass() {
	local label=$1 nr=$2 nruns=$3 pause=$4 r i n status
	for ((r = 0; r < nr; r++)); do
		local args=() order=
		for ((i = 0; i < ${#names[@]}; i++)); do
			n=${names[$(((i + r) % ${#names[@]}))]}
			order+="$n "
			args+=(--prepare "$(prepare_cmd "$n" "$pause")"
				--command-name "$n" "${cmd[$n]}")
		done
		echo "$label round $((r + 1))/$nr: $order" >&2
		# In the background, in its own process group, so that an interrupt
		# reaches this script at once (hyperfine itself goes on through one).
		set -m
		hyperfine -N --style "$hf_style" --warmup "$warmup" --runs "$nruns" \
			--export-json "$tmp/$label-$r.json" "${args[@]}" \
			2>>"$tmp/hyperfine.log" &
		hf_pid=$!
		set +m
		status=0
		wait "$hf_pid" || status=$?
		hf_pid=
		if [ "$status" -ne 0 ]; then
			cat "$tmp/hyperfine.log" >&2
			die "hyperfine failed (exit status $status)"
		fi
		[ -z "${VERBOSE:-}" ] || cat "$tmp/hyperfine.log" >&2
		: >"$tmp/hyperfine.log"
	done
}
timing_pass back-to-back "$rounds" "$runs" ""
[ "$s_rounds" -eq 0 ] || timing_pass spaced "$s_rounds" "$s_runs" "$space"

# ---- peak RSS: the largest ru_maxrss of any one process in the tree ----

if [ -n "$gnu_time" ]; then
	echo "peak RSS: $mem_runs runs per command" >&2
	for ((i = 0; i < mem_runs; i++)); do
		for n in "${names[@]}"; do
			[ -z "${prep[$n]}" ] || eval "${prep[$n]}"
			eval "$gnu_time -a -o $(q "$tmp/rss-$n") -f %M ${cmd[$n]}" >/dev/null
		done
	done
	for n in "${names[@]}"; do
		jq -R 'tonumber' "$tmp/rss-$n" | jq -s --arg n "$n" \
			'{name: $n, rss: (sort | .[length / 2 | floor])}'
	done >"$tmp/rss.json"
else
	: >"$tmp/rss.json"
fi

# ---- the tables ----

table() { # title, RSS JSON file, JSON files of the rounds
	local title=$1 rss=$2
	shift 2
	echo "$title"
	jq -r -s --argjson names "$(printf '%s\n' "${names[@]}" | jq -R . | jq -s .)" \
		--slurpfile rss "$rss" '
	# fixed-point with $d decimals
	def f($d): pow(10; $d) as $p | (. * $p | round) as $i
		| (($i / $p | floor | tostring) + "."
		   + (($p + $i % $p) | tostring | .[1:]));
	def pad($w): tostring | (" " * ([$w - length, 0] | max)) + .;
	def lpad($w): tostring | . + (" " * ([$w - length, 0] | max));
	def median: sort | if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	# per round: name -> mean (s)
	(map(.results | map({(.command): .mean}) | add)) as $rm
	# all runs pooled: name -> times
	| (map(.results[]) | group_by(.command)
	   | map({(.[0].command): (map(.times[]))}) | add) as $t
	| ($rss | map({(.name): .rss}) | add // {}) as $mem
	| def stats($n): $t[$n] as $x | ($x | add / length) as $m
		| {mean: $m, sd: (($x | map(. - $m | . * .) | add) / ($x | length - 1) | sqrt),
		   min: ($x | min), median: ($x | median), max: ($x | max)};
	  def ratio($a; $b): $rm | map(.[$a] / .[$b]) | {med: median, lo: min, hi: max};
	  def rstr: "\(.med | f(2))x" + (if .lo == .hi then ""
		else " (rounds \(.lo | f(2))-\(.hi | f(2)))" end);
	"  \($rm | length) round(s) x \($t.baseline | length / ($rm | length)) runs per command",
	"  runtime     mean ms     ±σ    min  median     max  x baseline"
	  + (if $rss | length > 0 then "  peak RSS KiB" else "" end),
	($names[] as $n | stats($n) as $s
	 | "  " + ($n | lpad(9)) + ($s.mean * 1000 | f(2) | pad(10))
	   + ($s.sd * 1000 | f(2) | pad(7)) + ($s.min * 1000 | f(2) | pad(7))
	   + ($s.median * 1000 | f(2) | pad(8)) + ($s.max * 1000 | f(2) | pad(8))
	   + (ratio($n; "baseline") | .med | f(2) + "x" | pad(12))
	   + (if $mem[$n] then $mem[$n] | pad(14) else "" end)),
	"  nswatch / runc:  " + (ratio("nswatch"; "runc") | rstr),
	"  nswatch / bwrap: " + (ratio("nswatch"; "bwrap") | rstr),
	"  runc / bwrap:    " + (ratio("runc"; "bwrap") | rstr)
	' "$@"
	echo
}
table "Back-to-back (the next run starts as soon as the last one ends):" \
	"$tmp/rss.json" "$tmp"/back-to-back-*.json
[ "$s_rounds" -eq 0 ] ||
	table "Spaced ($space_ms ms idle before each run):" /dev/null "$tmp"/spaced-*.json
echo "Ratios: median over rounds of the ratio of the two means within a round."
if [ -n "$gnu_time" ]; then
	echo "Peak RSS: median over $mem_runs runs of GNU time's %M (ru_maxrss): the largest"
	echo "single process of the tree (monitor, init, helpers), not their sum."
fi
