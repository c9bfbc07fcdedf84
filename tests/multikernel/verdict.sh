#!/bin/bash
# verdict.sh RESULT_DIR [EXPECT_FILE]
#
# One kernel's verdict: RESULT_DIR is one kernel's directory of a multikernel
# run (run.sh; its summary.txt holds the RESULT lines, its name is the kernel
# release, host-RELEASE for the control, RELEASE-lockdown for the locked-down
# boot). Every check checks.sh --list names (RESULT_DIR/only instead, for a
# boot that ran only those) must have run and have exactly its expected outcome (EXPECT_FILE, default
# expect.txt here; the first matching line wins, else PASS). Unlike table.sh,
# an unexpected pass (XPASS) and a skip are failures, and so is a check that
# never reported. Prints one line per check; exits 1 on any mismatch.
set -uo pipefail

here=$(dirname "$(readlink -f "$0")")
dir=${1:?usage: verdict.sh RESULT_DIR [EXPECT_FILE]}
expect=${2:-$here/expect.txt}
rel=$(basename "$dir")
rel=${rel#host-}
summary=$dir/summary.txt

if [ ! -s "$summary" ]; then
	echo "$rel: no summary.txt in $dir (the run did not reach this kernel)"
	exit 1
fi

# The checks the kernel ran: all, or those its directory's `only` names.
{
	echo boot
	if [ -s "$dir/only" ]; then
		tr ' ' '\n' <"$dir/only" | grep .
	else
		sh "$here/checks.sh" --list
	fi
} | awk -v rel="$rel" -v expect="$expect" -v summary="$summary" '
BEGIN {
	while ((getline line < expect) > 0) {
		if (line ~ /^[ \t]*(#|$)/) continue
		split(line, f, /[ \t]+/)
		ne++; ek[ne] = f[1]; ec[ne] = f[2]; eo[ne] = f[3]
		r = line; for (i = 1; i <= 3; i++) sub(/^[^ \t]+[ \t]+/, "", r); er[ne] = r
	}
	while ((getline line < summary) > 0) {
		if (line !~ /^RESULT /) continue
		split(line, f, " ")
		d = line; for (i = 1; i <= 3; i++) sub(/^[^ ]+ /, "", d)
		got[f[2]] = f[3]; det[f[2]] = d
	}
}
{
	c = $1; e = "PASS"; why = ""
	for (i = 1; i <= ne; i++)
		if (rel ~ ek[i] && c ~ ec[i]) { e = eo[i]; why = " (" er[i] ")"; break }
	g = (c in got) ? got[c] : "MISSING"
	if (g == e) printf "ok   %-24s %s%s\n", c, g, why
	else { printf "BAD  %-24s %s, expected %s%s: %s\n", c, g, e, why, det[c]; bad++ }
}
END { exit bad > 0 }'
