#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The rooms of user/ may import each other in one direction only. This
# lists which folder includes which (from the #include "room/x.h" lines) and
# fails if two folders reach each other, directly or through others.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A edges=()
for dir in user/*/; do
	from=$(basename "$dir")
	for to in $(grep -ho '#include "[a-z_]*/' "$dir"*.[ch] 2>/dev/null |
		sed 's/#include "//; s|/$||' | sort -u); do
		[ "$to" = "$from" ] && continue
		[ -d "user/$to" ] || continue
		edges[$from]+=" $to"
	done
done

status=0
for from in "${!edges[@]}"; do
	echo "$from ->${edges[$from]}"
done | sort
# Rooms whose imports are fixed (docs/architecture.md): anything else is an error.
declare -A allowed=([oci]="lib runtime")
for from in "${!allowed[@]}"; do
	for to in ${edges[$from]:-}; do
		case " ${allowed[$from]} " in
		*" $to "*) ;;
		*)
			echo "rooms: $from may include only ${allowed[$from]}, not $to" >&2
			status=1
			;;
		esac
	done
done
# Depth-first search for a cycle from every room.
reach() { # reach FROM TARGET SEEN
	local n
	for n in ${edges[$1]:-}; do
		[ "$n" = "$2" ] && return 0
		case " $3 " in *" $n "*) continue ;; esac
		reach "$n" "$2" "$3 $n" && return 0
	done
	return 1
}
for from in "${!edges[@]}"; do
	if reach "$from" "$from" "$from"; then
		echo "rooms: $from reaches itself through the includes above" >&2
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "rooms: no cycle"
exit "$status"
