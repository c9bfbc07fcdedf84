#!/usr/bin/env bats
# nswatch run --trace and --trace-json: the runtime's side of the timeline
# (its steps in order, the summary) checked against the kernel: the mounts
# the container's own process finds in its /proc/self/mountinfo, the
# namespaces it reads in /proc/self/ns, exit statuses, what is left on the
# host (the teardown of runtime_helpers.bash).
#
# The first tests check the runtime's items; the last ones what the tracer
# inside run --trace reported from the kernel, against the inodes the
# container's processes read themselves.

load helpers
load runtime_helpers

setup() {
	rt_setup
	require_root_runtime
	require_root_btf
}

teardown() {
	# A namespace pinned by a test (an nsfs bind mount) is let go first.
	[ -z "${PIN:-}" ] || umount "$PIN" 2>/dev/null || true
	rt_teardown
}

READ_NS='for t in mnt uts ipc net cgroup pid time user; do readlink /proc/self/ns/$t; done'

# tl_items FILE: the timeline lines of FILE (nswatch's stderr) as
# "OFFSET SOURCE WHAT DETAIL...", the offset signed and unpadded.
tl_items() {
	sed -n -E 's/^([+-]) *([0-9]+\.[0-9]{3}) ms  /\1\2 /p' "$1"
}

# tl_whats FILE [SOURCE]: the "what" of each item (of SOURCE only), in order.
tl_whats() {
	tl_items "$1" | awk -v s="${2:-}" 's == "" || $2 == s { print $3 }'
}

# tl_first_index FILE WHAT: the line number of WHAT's first item among the
# runtime items (1-based), or 0.
tl_first_index() {
	tl_whats "$1" runtime | awk -v w="$2" '$0 == w { print NR; found = 1; exit } END { if (!found) print 0 }'
}

# tl_assert_order FILE WHAT...: each WHAT appears among the runtime items, in
# this order (by first appearance).
tl_assert_order() {
	local f=$1 prev=0 prevw="(start)" w i
	shift
	for w in "$@"; do
		i=$(tl_first_index "$f" "$w")
		[ "$i" -gt 0 ] || { fail "no '$w' item in the timeline"; return 1; }
		[ "$i" -gt "$prev" ] || { fail "'$w' (item $i) comes before '$prevw' (item $prev)"; return 1; }
		prev=$i prevw=$w
	done
}

# tl_assert_offsets_increase FILE: the offsets never go back, the first is 0
# or more.
tl_assert_offsets_increase() {
	local bad
	bad=$(tl_items "$1" | awk '
		NR == 1 && $1 + 0 < 0 { print "first offset " $1 " is negative"; exit }
		NR > 1 && $1 + 0 < prev { print "offset " $1 " (" $3 ") after " prev; exit }
		{ prev = $1 + 0 }')
	[ -z "$bad" ] || fail "timeline offsets: $bad"
}

# summary_ns FILE TYPE: the inode of TYPE on the summary's Namespaces line.
summary_ns() {
	sed -n 's/^Namespaces: //p' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# summary_step FILE NAME: the ms of step NAME on the "Step times (ms):" line.
summary_step() {
	sed -n 's/^Step times (ms): //p' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# ---------------------------------------------------------------------------

@test "--trace: the runtime's steps in order, with offsets that never go back" {
	local n mi t
	n=$(rt_name order)
	rt_run --name "$n" --trace -- sh -c 'cat /proc/self/mountinfo; echo RAN' "$n"
	rt_assert_status 0
	assert_eq "last line of stdout (the command's own)" "$(tail -n 1 "$NSW_OUT")" RAN
	tl_items "$NSW_OUT" | grep -q . && fail "timeline items on stdout: it is the command's"
	tl_assert_order "$NSW_ERR" create clone3 uid_map gid_map setup mount pivot_root \
		ready start exec running exited released
	tl_assert_offsets_increase "$NSW_ERR"
	# The last mount comes before pivot_root, which comes before exec.
	local last_mount
	last_mount=$(tl_whats "$NSW_ERR" runtime | awk '$0 == "mount" { n = NR } END { print n + 0 }')
	[ "$last_mount" -lt "$(tl_first_index "$NSW_ERR" pivot_root)" ] ||
		fail "a mount item comes after pivot_root"
	# Each mount item's target is a mount point the container's process sees.
	mi=$(awk '{ print $5 }' "$NSW_OUT")
	while read -r t; do
		grep -qxF -- "$t" <<<"$mi" || fail "the timeline mounts $t, but it is no mount point in the container's mountinfo"
	done < <(tl_items "$NSW_ERR" | awk '$2 == "runtime" && $3 == "mount" { for (i = 4; i < NF; i++) if ($i == "on") { print $(i + 1); break } }')
	[ "$(tl_whats "$NSW_ERR" runtime | grep -cx mount)" -ge 6 ] ||
		fail "fewer than 6 mount items (proc, sys, dev, pts, shm, the device binds)"
	tl_items "$NSW_ERR" | awk '$2 == "runtime" && $3 == "exec" && $4 == "execvp" && $5 == "sh" && $6 == "-c" { f = 1 } END { exit !f }' ||
		fail "the exec item does not name the command"
	grep -q '^Summary: events=[0-9]* lost=[0-9]* ' "$NSW_ERR" || fail "no Summary: events= lost= line"
}

@test "--trace: the summary's namespaces are the container's own, and the steps fit in the time to exec" {
	local n t got want sum total s v
	n=$(rt_name ns)
	rt_run --name "$n" --trace -- sh -c "$READ_NS" "$n"
	rt_assert_status 0
	for t in $RT_NS_TYPES; do
		want=$(sed -n "s/^$t:\[\([0-9]*\)\]$/\1/p" "$NSW_OUT")
		[ -n "$want" ] || { fail "the workload printed no $t namespace"; return 1; }
		assert_ne "the container's $t namespace" "$want" "$(host_ns "$t")"
		got=$(summary_ns "$NSW_ERR" "$t")
		assert_eq "the summary's $t namespace" "$got" "$want"
	done
	total=$(summary_step "$NSW_ERR" total_to_exec)
	[ -n "$total" ] || { fail "no total_to_exec step"; return 1; }
	sum=0
	for s in namespaces id_maps cgroup network rootfs_idmap mounts pivot_root masks identity exec; do
		v=$(summary_step "$NSW_ERR" "$s")
		[ -n "$v" ] || { fail "no $s step in the summary"; return 1; }
		sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { print a + b }')
	done
	# The steps do not overlap: they cannot add up to more than the whole.
	awk -v s="$sum" -v t="$total" 'BEGIN { exit !(s > 0 && s <= t + 0.01) }' ||
		fail "the steps add up to $sum ms, the start took $total ms"
}

@test "--trace with --ns mnt,pid: only those two namespaces, and no id maps" {
	local n t want
	n=$(rt_name nssub)
	rt_run --name "$n" --ns mnt,pid --trace -- sh -c "$READ_NS" "$n"
	rt_assert_status 0
	assert_eq "the summary's namespace types" \
		"$(sed -n 's/^Namespaces: //p' "$NSW_ERR" | tr ' ' '\n' | sed 's/=.*//' | sort | tr '\n' ' ')" "mnt pid "
	for t in mnt pid; do
		want=$(sed -n "s/^$t:\[\([0-9]*\)\]$/\1/p" "$NSW_OUT")
		assert_eq "the summary's $t namespace" "$(summary_ns "$NSW_ERR" "$t")" "$want"
	done
	assert_eq "the container's net namespace (not created)" \
		"$(sed -n 's/^net:\[\([0-9]*\)\]$/\1/p' "$NSW_OUT")" "$(host_ns net)"
	tl_whats "$NSW_ERR" runtime | grep -qx uid_map && fail "a uid_map item without a user namespace"
	tl_assert_order "$NSW_ERR" clone3 mount pivot_root exec running
}

@test "--trace-json FILE: JSON lines, the same items as the text, ending with the summary" {
	local n f t want
	n=$(rt_name json)
	f="$BATS_TEST_TMPDIR/trace.json"
	rt_run --name "$n" --trace --trace-json "$f" -- sh -c "$READ_NS" "$n"
	rt_assert_status 0
	[ -s "$f" ] || { fail "$f is missing or empty"; return 1; }
	# Every line is one JSON object.
	while IFS= read -r line; do
		jq -e 'type == "object"' <<<"$line" >/dev/null ||
			{ fail "not a JSON object: $line"; return 1; }
	done <"$f"
	assert_eq "the last line's what" "$(tail -n 1 "$f" | jq -r .what)" summary
	assert_eq "summary objects" "$(jq -r 'select(.what == "summary") | .what' "$f" | wc -l)" 1
	# Each item has its members, the offsets never go back, ts is RFC 3339.
	jq -e -s '.[:-1] | all(has("t_ms") and has("ts") and has("source") and has("what") and has("detail"))' "$f" >/dev/null ||
		fail "an item lacks t_ms, ts, source, what or detail"
	jq -e -s '.[:-1] | [.[].t_ms] | . == sort' "$f" >/dev/null || fail "t_ms goes back"
	jq -e -s '.[:-1] | all(.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$"))' "$f" >/dev/null ||
		fail "a ts is not RFC 3339 UTC"
	# The same items as the text on stderr, in the same order.
	assert_eq "the items of the JSON file" "$(jq -r 'select(.what != "summary") | .source + " " + .what' "$f")" \
		"$(tl_items "$NSW_ERR" | awk '{ print $2 " " $3 }')"
	# The mounts carry their members; the summary its namespaces.
	jq -e -s '[.[] | select(.what == "mount")] | length > 0 and all(.mount.target | startswith("/"))' "$f" >/dev/null ||
		fail "mount items without mount.target"
	for t in $RT_NS_TYPES; do
		want=$(sed -n "s/^$t:\[\([0-9]*\)\]$/\1/p" "$NSW_OUT")
		assert_eq "the JSON summary's $t namespace" \
			"$(tail -n 1 "$f" | jq -r --arg t "$t" '.namespaces[] | select(.type == $t) | .inode')" "$want"
	done
	tail -n 1 "$f" | jq -e '(.events | type == "number") and (.lost | type == "number") and (.steps | map(.name) | index("total_to_exec") != null)' >/dev/null ||
		fail "the summary lacks events, lost or the total_to_exec step"
}

@test "--trace-json FILE alone: the file, and nothing more on stderr" {
	local n f
	n=$(rt_name jsononly)
	f="$BATS_TEST_TMPDIR/only.json"
	rt_run --name "$n" --trace-json "$f" -- sh -c 'echo RAN' "$n"
	rt_assert_status 0
	assert_eq "stdout" "$(cat "$NSW_OUT")" RAN
	assert_eq "stderr" "$(cat "$NSW_ERR")" ""
	assert_eq "the last line's what" "$(tail -n 1 "$f" | jq -r .what)" summary
	jq -e -s 'map(.what) | index("pivot_root") != null' "$f" >/dev/null || fail "no pivot_root item in $f"
}

# long_dir BASE LEN: a directory under BASE whose path is LEN characters
# (components of at most 200), made; its path on stdout.
long_dir() {
	local d=$1 len=$2 part
	while [ "${#d}" -lt "$len" ]; do
		part=$((len - ${#d} - 1))
		[ "$part" -gt 200 ] && part=200
		[ "$part" -lt 1 ] && part=1
		d="$d/$(printf 'v%.0s' $(seq "$part"))"
	done
	mkdir -p "$d"
	echo "$d"
}

@test "--trace-json: a volume with a long source path (370, 3000 characters) gives valid JSON" {
	local n f src len line
	rt_volume
	for len in 370 3000; do
		n=$(rt_name "long$len")
		f="$BATS_TEST_TMPDIR/long$len.json"
		src=$(long_dir "$VOL" "$len")
		assert_eq "the source path's length" "${#src}" "$len"
		echo hello >"$src/file"
		rt_run --name "$n" --trace-json "$f" -v "$src:/mnt/vol" -- cat /mnt/vol/file
		rt_assert_status 0
		assert_eq "stdout (the container read the volume)" "$(cat "$NSW_OUT")" hello
		while IFS= read -r line; do
			jq -e 'type == "object"' <<<"$line" >/dev/null 2>&1 ||
				{ fail "not a JSON object (source path of $len): ${line:0:200}"; return 1; }
		done <"$f"
		assert_eq "the volume's mount item: source" \
			"$(jq -r 'select(.what == "mount" and .mount.target == "/mnt/vol") | .mount.source' "$f")" "$src"
		assert_eq "the volume's mount item: fstype and flags" \
			"$(jq -c 'select(.what == "mount" and .mount.target == "/mnt/vol") | [.mount.fstype, .mount.flags]' "$f")" \
			'["bind",["nodev"]]'
		assert_eq "the last line's what" "$(tail -n 1 "$f" | jq -r .what)" summary
	done
}

# ---------------------------------------------------------------------------
# Errors: the timeline ends with the error and the summary; nothing is left
# (the teardown checks state directories, cgroups, processes, interfaces).

@test "error: --trace and --trace-json with --detach are refused" {
	local f="$BATS_TEST_TMPDIR/detached.json"
	rt_check_refused 2 "--detach" "$(rt_name det1)" --trace -d
	rt_check_refused 2 "--detach" "$(rt_name det2)" --detach --trace-json "$f"
	[ ! -e "$f" ] || fail "$f was created"
}

@test "error: --trace-json FILE that cannot be created" {
	rt_check_refused 125 "/nonexistent/$RT_PREFIX/t.json" "$(rt_name nojson)" \
		--trace-json "/nonexistent/$RT_PREFIX/t.json"
}

@test "error: a failing prestart hook ends the timeline with the error" {
	local n f
	n=$(rt_name hook)
	f="$BATS_TEST_TMPDIR/hook.json"
	rt_run --name "$n" --trace --trace-json "$f" --prestart-hook 'exit 3' -- sh -c 'echo RAN' "$n"
	rt_assert_status 125
	rt_assert_err "prestart hook failed"
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
	tl_assert_order "$NSW_ERR" clone3 pivot_root ready hook kill released error
	tl_whats "$NSW_ERR" runtime | grep -qx running && fail "a running item, but the command never ran"
	grep -q '^Summary: events=' "$NSW_ERR" || fail "no summary after the error"
	assert_eq "the JSON file's last line" "$(tail -n 1 "$f" | jq -r .what)" summary
	assert_eq "the JSON file's error" "$(jq -r 'select(.what == "error") | .detail' "$f")" \
		"the prestart hook failed (exit status 3)"
	[ ! -e "$RT_STATE/$n" ] || fail "$RT_STATE/$n was left behind"
}

@test "error: a command not found: exit 127, exec is the init's last step" {
	local n
	n=$(rt_name nocmd)
	rt_run --name "$n" --trace -- "nosuch-$RT_PREFIX"
	rt_assert_status 127
	rt_assert_err "nosuch-$RT_PREFIX" "not found"
	tl_assert_order "$NSW_ERR" pivot_root ready start exec kill released error
	tl_whats "$NSW_ERR" runtime | grep -qx running && fail "a running item, but exec failed"
	[ ! -e "$RT_STATE/$n" ] || fail "$RT_STATE/$n was left behind"
}

@test "error: --trace without root: exit 125, nothing made" {
	local n
	n=$(rt_name rootless)
	rt_rootless_setup
	rt_user_nsw run --trace --rootfs "$RT_ROOTLESS/rootfs" --name "$n" -- sh -c 'echo RAN' "$n"
	rt_assert_status 125
	rt_assert_err "need root"
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
	[ ! -e "$RT_USER_STATE/$n" ] || fail "$RT_USER_STATE/$n was created"
}

# ---------------------------------------------------------------------------
# The kernel's side: what the tracer inside run --trace saw, against what the
# container's own processes read in /proc/self/ns.

# ns_in_file FILE TYPE: the inode in "TYPE:[N]" lines of FILE (a workload's readlinks).
ns_in_file() {
	sed -n "s/^$2:\[\([0-9]*\)\]$/\1/p" "$1"
}

# kernel_created JSON TYPE: the inodes of TYPE the kernel items say were made.
kernel_created() {
	jq -r --arg t "$2" 'select(.source == "kernel" and .event != null and .event.ret >= 0)
		| .event.created // [] | .[] | select(.type == $t) | .inode' "$1"
}

# not_freed JSON TYPE INODE: 1 if the summary lists the namespace as not
# freed at the end, else 0.
not_freed() {
	tail -n 1 "$1" | jq --arg t "$2" --argjson i "$3" '[.not_freed[] | select(.type == $t and .inode == $i)] | length'
}

# kernel_items JSON WHAT TYPE INODE: how many WHAT items (ns_empty, ns_held)
# name the namespace.
kernel_items() {
	jq -r --arg w "$2" --arg t "$3" --argjson i "$4" \
		'select(.source == "kernel" and .what == $w and .type == $t and .inode == $i) | .inode' "$1" | wc -l
}

# assert_ns_end JSON TYPE INODE: the namespace's end is told once, and
# truly: either its ns_empty (the kernel freed it), or, if the kernel still
# had it when the trace ended, one ns_held item and a place in the
# summary's not_freed list, and then no ns_empty.
assert_ns_end() {
	local nf empty held
	nf=$(not_freed "$1" "$2" "$3")
	empty=$(kernel_items "$1" ns_empty "$2" "$3")
	held=$(kernel_items "$1" ns_held "$2" "$3")
	if [ "$nf" -eq 1 ]; then
		assert_eq "ns_empty items for the $2 namespace the summary says was not freed" "$empty" 0
		assert_eq "ns_held items for the $2 namespace the summary says was not freed" "$held" 1
	else
		assert_eq "the $2 namespace in the summary's not_freed" "$nf" 0
		assert_eq "ns_empty items for the container's $2 namespace" "$empty" 1
		[ "$held" -le 1 ] || fail "$held ns_held items for the $2 namespace"
	fi
}

@test "--trace: the kernel saw each namespace made, the exec of CMD, and each one's end: ns_empty, or ns_held and not freed" {
	local n f t want init ends=0
	n=$(rt_name kern)
	f="$BATS_TEST_TMPDIR/trace.json"
	rt_run --name "$n" --trace-json "$f" -- sh -c "$READ_NS" "$n"
	rt_assert_status 0
	cp "$NSW_OUT" "$BATS_TEST_TMPDIR/ns"
	# The init: the child of the monitor's clone3, as the kernel reported it.
	init=$(jq -r 'select(.source == "kernel" and .what == "clone3") | .event.child_pid' "$f")
	[ -n "$init" ] && [ "$init" -gt 0 ] || { fail "no kernel clone3 item with a child"; return 1; }
	for t in $RT_NS_TYPES; do
		want=$(ns_in_file "$BATS_TEST_TMPDIR/ns" "$t")
		[ -n "$want" ] || { fail "the workload printed no $t namespace"; return 1; }
		# Made once, by the monitor's clone3 or (cgroup) the init's unshare.
		assert_eq "kernel items that made the container's $t namespace" \
			"$(kernel_created "$f" "$t")" "$want"
		assert_ns_end "$f" "$t" "$want"
		ends=$((ends + 1))
	done
	# The not_freed list is exactly the namespaces held with no ns_empty after.
	assert_eq "the summary's not_freed" \
		"$(tail -n 1 "$f" | jq -c '[.not_freed[] | "\(.type):\(.inode)"] | sort')" \
		"$(jq -sc '[.[] | select(.source == "kernel" and (.what == "ns_held" or .what == "ns_empty"))]
			| group_by("\(.type):\(.inode)") | map(select(last.what == "ns_held") | "\(.[0].type):\(.[0].inode)") | sort' "$f")"
	assert_eq "the cgroup namespace's maker" \
		"$(jq -r 'select(.source == "kernel" and .what == "unshare") | .event | select(.created[0].type == "cgroup") | .pid' "$f")" "$init"
	assert_eq "exec items of the init" \
		"$(jq -r --argjson p "$init" 'select(.source == "kernel" and .what == "exec" and .pid == $p) | .filename' "$f")" /bin/sh
	assert_eq "namespaces whose end was told" "$ends" 8
	# Cause before effect: each ns_empty and ns_held after the init's exit.
	jq -e -s --argjson p "$init" '(map(.what == "exit" and .pid == $p) | index(true)) as $x
		| $x != null and ([.[] | select(.what == "ns_empty" or .what == "ns_held")] | length) >= 8
		and all(to_entries[] | select(.value.what == "ns_empty" or .value.what == "ns_held"); .key > $x)' "$f" >/dev/null ||
		fail "ns_empty and ns_held items do not all follow the init's exit"
	tail -n 1 "$f" | jq -e '.events >= 3 and .lost == 0' >/dev/null ||
		fail "the summary's events and lost: $(tail -n 1 "$f")"
}

@test "--trace: nswatch exec into the container shows up as joins of the container's own namespaces" {
	local n f t want pid
	n=$(rt_name join)
	f="$BATS_TEST_TMPDIR/trace.json"
	rt_run_bg --name "$n" --trace-json "$f" -- sh -c 'while :; do sleep 0.1; done' "$n"
	rt_find_init "$n"
	for t in $RT_NS_TYPES; do
		echo "$t:[$(stat -L -c %i "/proc/$INIT_PID/ns/$t")]"
	done >"$BATS_TEST_TMPDIR/init-ns"
	timeout 20 "$NSWATCH" exec "$n" sh -c 'echo $$ >/tmp/.execpid; readlink /proc/self/ns/net' \
		</dev/null >"$BATS_TEST_TMPDIR/exec-out" 3>&- || fail "nswatch exec $n failed"
	timeout 10 "$NSWATCH" kill "$n" KILL </dev/null 3>&- || fail "nswatch kill $n failed"
	nsw_wait_tracer 20
	assert_eq "exit status of the traced run" "$NSW_STATUS" 137
	# The exec's setns: one item, from outside the container's tree, that
	# joined the init's namespaces by their inodes.
	pid=$(jq -r 'select(.source == "kernel" and .what == "setns" and .event.ret == 0) | .event.pid' "$f" | sort -u)
	[ -n "$pid" ] || { fail "no successful kernel setns item"; return 1; }
	for t in $RT_NS_TYPES; do
		want=$(ns_in_file "$BATS_TEST_TMPDIR/init-ns" "$t")
		assert_eq "the setns joined the container's $t namespace" \
			"$(jq -r --arg t "$t" 'select(.source == "kernel" and .what == "setns" and .event.ret == 0)
				| .event.joined[] | select(.type == $t) | .inode' "$f" | sort -u)" "$want"
		assert_ns_end "$f" "$t" "$want"
	done
	# What the exec'd command itself read is the container's net namespace.
	assert_eq "the exec'd command's net namespace" "$(cat "$BATS_TEST_TMPDIR/exec-out")" \
		"$(grep '^net:' "$BATS_TEST_TMPDIR/init-ns")"
}

# held_run NAME JSON [PIN]: a traced container that loops until killed;
# with PIN, its uts namespace is bind-mounted on PIN (an nsfs mount, as
# `ip netns add` makes) while it runs, and stays so after. The inodes of
# its uts and ipc namespaces in UTS_INO, IPC_INO.
held_run() {
	rt_run_bg --name "$1" --trace --trace-json "$2" -- sh -c 'while :; do sleep 0.1; done' "$1"
	rt_find_init "$1" || return 1
	UTS_INO=$(stat -L -c %i "/proc/$INIT_PID/ns/uts")
	IPC_INO=$(stat -L -c %i "/proc/$INIT_PID/ns/ipc")
	if [ -n "${3:-}" ]; then
		touch "$3"
		mount --bind "/proc/$INIT_PID/ns/uts" "$3" || { fail "cannot pin the uts namespace on $3"; return 1; }
		PIN=$3
	fi
	timeout 10 "$NSWATCH" kill "$1" KILL </dev/null 3>&- || fail "nswatch kill $1 failed"
	nsw_wait_tracer 20
	assert_eq "exit status of the traced run" "$NSW_STATUS" 137
}

@test "--trace: a namespace the kernel still has at the end (an nsfs mount holds it) is ns_held by that mount and not freed, never ns_empty" {
	local n f pin
	# Control: with nothing holding it, the uts namespace is freed with
	# its last process, and the end says so.
	n=$(rt_name free)
	f="$BATS_TEST_TMPDIR/free.json"
	held_run "$n" "$f"
	assert_eq "ns_empty items for the unpinned uts namespace" "$(kernel_items "$f" ns_empty uts "$UTS_INO")" 1
	assert_eq "the unpinned uts namespace in not_freed" "$(not_freed "$f" uts "$UTS_INO")" 0
	assert_eq "ns_held items for the unpinned uts namespace" "$(kernel_items "$f" ns_held uts "$UTS_INO")" 0

	n=$(rt_name pin)
	f="$BATS_TEST_TMPDIR/pin.json"
	pin="$BATS_TEST_TMPDIR/uts-pin"
	held_run "$n" "$f" "$pin"
	# The kernel's word: the mount still names the namespace after the run.
	assert_eq "the inode the pin names after the run" "$(stat -c %i "$pin")" "$UTS_INO"
	assert_eq "ns_empty items for the pinned uts namespace" "$(kernel_items "$f" ns_empty uts "$UTS_INO")" 0
	assert_eq "the pinned uts namespace in the summary's not_freed" "$(not_freed "$f" uts "$UTS_INO")" 1
	assert_eq "what holds the pinned uts namespace" \
		"$(jq -c --argjson i "$UTS_INO" 'select(.what == "ns_held" and .type == "uts" and .inode == $i) | .held_by' "$f")" \
		"$(jq -cn --arg p "$pin" '{kind: "mount", path: $p}')"
	grep -q "^Not freed at the end: .*uts=$UTS_INO" "$NSW_ERR" ||
		fail "the text summary does not list uts=$UTS_INO as not freed: $(grep '^Not freed' "$NSW_ERR")"
	# The same run's unpinned ipc namespace is still told freed.
	assert_ns_end "$f" ipc "$IPC_INO"
	umount "$pin"
	PIN=
}

# ---------------------------------------------------------------------------
# --trace-out FILE --trace-format text|json|perfetto

@test "--trace-out perfetto: the runtime's track and one per process; the init's namespaces are the workload's" {
	local n f t pid want got
	n=$(rt_name pf)
	f="$BATS_TEST_TMPDIR/start.trace.json"
	rt_run --name "$n" --trace-out "$f" --trace-format perfetto -- sh -c "$READ_NS" "$n"
	rt_assert_status 0
	assert_eq "stderr (no --trace)" "$(cat "$NSW_ERR")" ""
	jq -e . "$f" >/dev/null || fail "the file is not JSON"
	assert_eq "displayTimeUnit" "$(jq -r .displayTimeUnit "$f")" ms
	assert_eq "the runtime's track" \
		"$(jq -r '[.traceEvents[] | select(.ph == "M" and .name == "process_name" and .pid == 4194305)][0].args.name' "$f")" \
		"nswatch runtime"
	for t in namespaces id_maps mounts pivot_root exec total_to_exec; do
		got=$(jq "[.traceEvents[] | select(.ph == \"X\" and .pid == 4194305 and .name == \"$t\" and .dur >= 0)] | length" "$f")
		[ "$got" -ge 1 ] || fail "no complete event for the runtime's step $t"
	done
	# The step spans nest in total_to_exec (one track needs them nested).
	jq -e '[.traceEvents[] | select(.ph == "X" and .pid == 4194305)] as $x |
		($x[] | select(.name == "total_to_exec")) as $t |
		all($x[]; .ts >= $t.ts and .ts + .dur <= $t.ts + $t.dur + 0.001)' "$f" >/dev/null ||
		fail "a step span lies outside total_to_exec"
	# The init: the child of the monitor's clone3, a track named by what it ran.
	pid=$(jq -r '[.traceEvents[] | select(.cat == "kernel" and .name == "clone3" and .args.event.child_pid > 0 and (.args.event.flags | index("CLONE_NEWPID")))][0].args.event.child_pid' "$f")
	[ "$pid" != null ] || fail "no clone3 of the init"
	assert_eq "the init's track" \
		"$(jq -r "[.traceEvents[] | select(.ph == \"M\" and .name == \"process_name\" and .pid == $pid)][0].args.name" "$f")" \
		"nswatch, sh"
	assert_eq "processes without a track" \
		"$(jq '[.traceEvents[] | select(.cat == "kernel" and .pid < 4194304) | .pid] - [.traceEvents[] | select(.ph == "M" and .name == "process_name") | .pid] | length' "$f")" 0
	for t in mnt uts ipc net pid user; do
		want=$(sed -n "s/^$t:\[\([0-9]*\)\]$/\1/p" "$NSW_OUT")
		[ -n "$want" ] || fail "the workload printed no $t namespace"
		assert_ne "the container's $t namespace" "$want" "$(host_ns "$t")"
		assert_eq "clone3's ns_after.$t" \
			"$(jq -r "[.traceEvents[] | select(.name == \"clone3\" and .args.event.child_pid == $pid)][0].args.event.ns_after.$t" "$f")" "$want"
	done
	want=$(sed -n 's/^cgroup:\[\([0-9]*\)\]$/\1/p' "$NSW_OUT")
	assert_ne "the container's cgroup namespace" "$want" "$(host_ns cgroup)"
	assert_eq "the init's own unshare(CLONE_NEWCGROUP), on its track" \
		"$(jq -r "[.traceEvents[] | select(.pid == $pid and .name == \"unshare\")][0].args.event.ns_after.cgroup" "$f")" "$want"
	assert_eq "the init's exec, on its track" \
		"$(jq -r "[.traceEvents[] | select(.pid == $pid and .name == \"exec\")][0].args.filename" "$f")" /bin/sh
	assert_eq "the init's exit, on its track" \
		"$(jq -r "[.traceEvents[] | select(.pid == $pid and .name == \"exit\")][0].args.wait_status" "$f")" 0
	assert_eq "events lost" "$(jq -r .otherData.lost "$f")" 0
}

@test "--trace-out text and json: the lines of --trace and of --trace-json, in a file" {
	local n f j
	n=$(rt_name tx)
	f="$BATS_TEST_TMPDIR/start.txt"
	j="$BATS_TEST_TMPDIR/start.jsonl"
	rt_run --name "$n" --trace-out "$f" --trace-format text --trace-json "$j" -- sh -c "$READ_NS" "$n"
	rt_assert_status 0
	assert_eq "stderr (no --trace)" "$(cat "$NSW_ERR")" ""
	tl_assert_order "$f" create clone3 setup pivot_root ready start exec running exited released
	grep -q '^Summary: events=[0-9]* lost=0 ' "$f" || fail "no summary line in $f"
	assert_eq "the summary's net namespace" "$(summary_ns "$f" net)" \
		"$(sed -n 's/^net:\[\([0-9]*\)\]$/\1/p' "$NSW_OUT")"
	assert_eq "the JSON lines' last" "$(tail -n 1 "$j" | jq -r .what)" summary
	# json is --trace-out's default format.
	n=$(rt_name js)
	rt_run --name "$n" --trace-out "$j" -- true
	rt_assert_status 0
	assert_eq "--trace-out's default format: JSON lines" "$(tail -n 1 "$j" | jq -r .what)" summary
}

@test "error: --trace-format without --trace-out, an unknown format, two outputs of one format" {
	local f="$BATS_TEST_TMPDIR/t.json"
	rt_check_refused 2 "--trace-out FILE, which is not given" "$(rt_name f1)" --trace-format perfetto
	rt_check_refused 2 "bad --trace-format 'xml'" "$(rt_name f2)" --trace-out "$f" --trace-format xml
	rt_check_refused 2 "choose one" "$(rt_name f3)" --trace --trace-out "$f" --trace-format text
	rt_check_refused 2 "choose one" "$(rt_name f4)" --trace-json "$f.2" --trace-out "$f"
	[ ! -e "$f" ] && [ ! -e "$f.2" ] || fail "a refused run created a file"
	rt_check_refused 125 "/nonexistent/$RT_PREFIX/t.json" "$(rt_name f5)" \
		--trace-out "/nonexistent/$RT_PREFIX/t.json" --trace-format perfetto
}
