#!/usr/bin/env bats
# The house rules that a compiler does not check: the rooms of user/ import
# each other in one direction only, JSON is written by the one writer, and
# the build flags a user gives add to the project's. Each check is run
# against a copy that breaks the rule too, so that it is seen to fail.

setup() {
	ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
	WORK="$(mktemp -d)"
}

teardown() {
	rm -rf "$WORK"
}

# A copy of what the checks read: scripts/ and user/.
copy_tree() {
	mkdir -p "$WORK/tree"
	cp -a "$ROOT/scripts" "$ROOT/user" "$WORK/tree/"
}

@test "rooms: no two folders of user/ include each other, directly or through others" {
	run bash "$ROOT/scripts/rooms.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rooms: no cycle"* ]]
}

@test "rooms: the check fails on a cycle (lib including runtime, which includes lib)" {
	copy_tree
	echo '#include "runtime/container.h"' >>"$WORK/tree/user/lib/util.h"
	run bash "$WORK/tree/scripts/rooms.sh"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"reaches itself"* ]]
}

# JSON syntax in a printf-family format string: a quoted key followed by a
# colon, or an opening brace or bracket right before a quoted key.
json_by_printf() {
	grep -rnE '(printf|puts)\(.*\\"[A-Za-z_]+\\":' "$1" || true
}

@test "json: no JSON assembled with printf, sprintf or fputs in user/" {
	local hits
	hits=$(json_by_printf "$ROOT/user")
	if [ -n "$hits" ]; then
		echo "JSON written by hand (use lib/json.h):"
		echo "$hits"
		return 1
	fi
}

@test "json: the check sees JSON assembled by hand" {
	copy_tree
	printf '%s\n' 'static void f(FILE *f) { fprintf(f, "{\"pid\":%d}", 1); }' \
		>>"$WORK/tree/user/lib/json.c"
	[ -n "$(json_by_printf "$WORK/tree/user")" ]
}
