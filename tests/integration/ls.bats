#!/usr/bin/env bats
# nswatch ls against the kernel and util-linux: the namespaces lsns lists
# (same NS, TYPE, NPROCS, PID, USER, COMMAND), the container labels against
# the real /proc/PID/ns inodes of an nswatch container and a runc
# container, the `ip netns` name against stat of the nsfs mount, --type,
# --tree and bad input. Every test removes what it made (rt_teardown checks
# the nswatch containers; ls_teardown the runc container and its bundle).

load helpers
load runtime_helpers
load ns_helpers

setup() {
	rt_setup
	require_root_runtime
	require_cmd lsns runc stat
	LS_RUNC_ID=""
	LS_BUNDLE=""
	LS_PIDS=()
	LS_CGROUPS=()
}

teardown() {
	local st=0 p i
	for p in "${LS_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for ((i = ${#LS_CGROUPS[@]} - 1; i >= 0; i--)); do
		rmdir "${LS_CGROUPS[i]}" || st=1
	done
	runc_teardown || st=1
	rt_teardown || st=1
	return $st
}

# ls_container: a detached nswatch container whose init (sh, pid 1 inside)
# waits on one sleep; INIT_PID, LS_NAME, LS_MONITOR (the init's parent).
ls_container() {
	LS_NAME=$(rt_name c)
	rt_run -d --name "$LS_NAME" -- sh -c 'sleep 600; true' "$LS_NAME"
	rt_assert_status 0
	rt_find_init "$LS_NAME"
	LS_MONITOR=$(rt_status_field "$INIT_PID" PPid)
	assert_eq "comm of the init's parent (the monitor)" "$(cat "/proc/$LS_MONITOR/comm")" nswatch
}

# lowest_pid_in TYPE INODE: the lowest pid whose /proc/PID/ns/TYPE is INODE
# (pids wrap: the init's child may have the lower one).
lowest_pid_in() {
	local p
	for p in $(ls /proc | grep -E '^[0-9]+$' | sort -n); do
		if [ "$(ns_of "$p" "$1" 2>/dev/null)" = "$2" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# ls_json [ARGS...]: nswatch ls --json ARGS into $NSW_OUT (must exit 0 and
# parse).
ls_json() {
	rt_nsw ls --json "$@"
	rt_assert_status 0
	jq -e '.namespaces | type == "array"' "$NSW_OUT" >/dev/null ||
		fail "nswatch ls --json is not {\"namespaces\": [...]}"
}

# ls_entry TYPE INODE: the JSON entry of that namespace in $NSW_OUT.
ls_entry() {
	local e
	e=$(jq -c --arg t "$1" --argjson i "$2" \
		'[.namespaces[] | select(.type == $t and .ns == $i)]' "$NSW_OUT")
	if [ "$(jq length <<<"$e")" != 1 ]; then
		fail "nswatch ls lists $1:[$2] $(jq length <<<"$e") times (want once)"
		return 1
	fi
	jq -c '.[0]' <<<"$e"
}

# The comparison of one attempt: lsns, nswatch ls, lsns again. The entries
# both lsns runs agree on are the stable ones; nswatch must show each of them
# with the very same fields. Prints {stable: [keys], bad: [...]}.
LS_COMPARE='
def key: "\(.type):\(.ns)";
def pick: {ns, type, nprocs, pid, user, command};
($l1[0].namespaces | map({key: key, value: pick}) | from_entries) as $a
| ($l2[0].namespaces | map({key: key, value: pick}) | from_entries) as $b
| (.namespaces | map({key: key, value: pick}) | from_entries) as $c
| [$a | to_entries[] | select($b[.key] == .value)] as $stable
| {stable: [$stable[].key],
   bad: [$stable[] | select($c[.key] != .value) | {lsns: .value, nswatch: $c[.key]}]}'

@test "ls: every namespace lsns lists, with the same NS TYPE NPROCS PID USER COMMAND" {
	local t attempt res want=() missing d="$BATS_TEST_TMPDIR"
	ls_container
	ls_netns
	for t in $RT_NS_TYPES; do
		want+=("$t:$(ns_of "$INIT_PID" "$t")" "$t:$(host_ns "$t")")
	done
	for attempt in $(seq 30); do
		lsns -J -o NS,TYPE,NPROCS,PID,USER,COMMAND >"$d/l1.json"
		"$NSWATCH" ls --json >"$d/ours.json" 2>"$d/ours.err"
		lsns -J -o NS,TYPE,NPROCS,PID,USER,COMMAND >"$d/l2.json"
		res=$(jq -c --slurpfile l1 "$d/l1.json" --slurpfile l2 "$d/l2.json" \
			"$LS_COMPARE" "$d/ours.json")
		missing=$(jq -r --args '[$ARGS.positional[] as $k | select(.stable | index($k) | not) | $k] | join(" ")' \
			"${want[@]}" <<<"$res")
		if [ "$(jq '.bad | length' <<<"$res")" = 0 ] && [ -z "$missing" ]; then
			break
		fi
		sleep 0.2
	done
	if [ "$(jq '.bad | length' <<<"$res")" != 0 ]; then
		fail "nswatch ls differs from lsns on namespaces both lsns runs agree on:
$(jq -c '.bad[] | map_values(.command |= (. // "" | .[:60]))' <<<"$res" | head -n 10)"
	fi
	[ -z "$missing" ] || fail "after 30 attempts, these namespaces were never stable between two lsns runs: $missing"
	# How many namespaces were compared: at least the 16 required ones.
	[ "$(jq '.stable | length' <<<"$res")" -ge 16 ]
	# The netns only a mount holds: lsns 2.38 leaves it out; nswatch lists it.
	run jq -e --argjson i "$LS_NETNS_INO" \
		'.namespaces | any(.type == "net" and .ns == $i)' "$d/l1.json"
	[ "$status" -ne 0 ] || [ "$(lsns --version | grep -oE '[0-9]+\.[0-9]+' | head -n1)" != 2.38 ] ||
		fail "lsns 2.38 listed the nsfs-only netns $LS_NETNS_INO (docs/ls.md says it does not)"
}

@test "ls: the nswatch container's namespaces carry its name and monitor; the host's none" {
	local t ino e
	ls_container
	ls_json
	for t in $RT_NS_TYPES; do
		ino=$(ns_of "$INIT_PID" "$t")
		e=$(ls_entry "$t" "$ino")
		assert_eq "$t:[$ino] container" "$(jq -c .container <<<"$e")" \
			"{\"engine\":\"nswatch\",\"id\":\"$LS_NAME\"}"
		assert_eq "$t:[$ino] created_by" "$(jq -r .created_by <<<"$e")" \
			"nswatch run $LS_NAME (pid $LS_MONITOR)"
		assert_eq "$t:[$ino] pid (the lowest pid in it)" "$(jq -r .pid <<<"$e")" "$(lowest_pid_in "$t" "$ino")"
		ino=$(host_ns "$t")
		e=$(ls_entry "$t" "$ino")
		assert_eq "host $t:[$ino] container" "$(jq -c .container <<<"$e")" null
		assert_eq "host $t:[$ino] created_by" "$(jq -c .created_by <<<"$e")" null
	done
	# Owner and parent, as the kernel's nsfs ioctls give them (lsns -o
	# NS,... cannot, so read the container's user namespace from /proc):
	# the container's namespaces are owned by its user namespace.
	e=$(ls_entry net "$(ns_of "$INIT_PID" net)")
	assert_eq "owner of the container's net namespace" "$(jq .owner <<<"$e")" "$(ns_of "$INIT_PID" user)"
	e=$(ls_entry user "$(ns_of "$INIT_PID" user)")
	assert_eq "parent of the container's user namespace" "$(jq .parent <<<"$e")" "$(host_ns user)"
	e=$(ls_entry pid "$(ns_of "$INIT_PID" pid)")
	assert_eq "parent of the container's pid namespace" "$(jq .parent <<<"$e")" "$(host_ns pid)"
	# The text table says the same.
	rt_nsw ls
	rt_assert_status 0
	awk -v i="$(ns_of "$INIT_PID" uts)" '$1 == i' "$NSW_OUT" | grep -qF "nswatch:$LS_NAME nswatch run $LS_NAME (pid $LS_MONITOR)" ||
		fail "the text row of uts:[$(ns_of "$INIT_PID" uts)] lacks the label and monitor"
}

@test "ls: an ip netns namespace is listed by name, with no process" {
	local e
	ls_netns
	ls_json
	e=$(ls_entry net "$LS_NETNS_INO")
	assert_eq "netns" "$(jq -r .netns <<<"$e")" "$LS_NETNS"
	assert_eq "nsfs" "$(jq -r .nsfs <<<"$e")" "/run/netns/$LS_NETNS"
	assert_eq "nprocs" "$(jq -r .nprocs <<<"$e")" 0
	assert_eq "pid" "$(jq -r .pid <<<"$e")" null
	assert_eq "owner" "$(jq -r .owner <<<"$e")" "$(host_ns user)"
	rt_nsw ls --type net
	rt_assert_status 0
	awk -v i="$LS_NETNS_INO" '$1 == i' "$NSW_OUT" | grep -qF "(netns $LS_NETNS)" ||
		fail "the text row of net:[$LS_NETNS_INO] does not name netns $LS_NETNS"
}

@test "ls: a runc container's namespaces are labelled runc:ID" {
	local t ino e
	ls_runc
	ls_json
	for t in mnt uts ipc net pid; do
		ino=$(ns_of "$LS_RUNC_PID" "$t")
		assert_ne "runc container's $t namespace (runc spec unshares it)" "$ino" "$(host_ns "$t")"
		e=$(ls_entry "$t" "$ino")
		assert_eq "$t:[$ino] container" "$(jq -c .container <<<"$e")" \
			"{\"engine\":\"runc\",\"id\":\"$LS_RUNC_ID\"}"
		assert_eq "$t:[$ino] created_by" "$(jq -c .created_by <<<"$e")" null
	done
	# runc spec keeps the host's user namespace: not the container's.
	e=$(ls_entry user "$(ns_of "$LS_RUNC_PID" user)")
	assert_eq "user namespace of the runc container (the host's)" "$(jq -c .container <<<"$e")" null
}

@test "ls --type: only those types, the container's and the host's among them" {
	ls_container
	ls_json --type net,user
	[ "$(jq '[.namespaces[] | select(.type != "net" and .type != "user")] | length' "$NSW_OUT")" = 0 ] ||
		fail "ls --type net,user printed other types"
	ls_entry net "$(ns_of "$INIT_PID" net)" >/dev/null
	ls_entry user "$(ns_of "$INIT_PID" user)" >/dev/null
	ls_entry net "$(host_ns net)" >/dev/null
	ls_entry user "$(host_ns user)" >/dev/null
	rt_nsw ls --type pid
	rt_assert_status 0
	[ "$(awk 'NR > 1 && $2 != "pid"' "$NSW_OUT" | wc -l)" = 0 ] || fail "ls --type pid printed other types"
	awk -v i="$(ns_of "$INIT_PID" pid)" 'NR > 1 && $1 == i && $2 == "pid"' "$NSW_OUT" | grep -q . ||
		fail "ls --type pid lacks the container's pid namespace"
}

# tree_line INODE_TEXT: "DEPTH PARENT" of the line naming INODE_TEXT in the
# ASCII tree in $NSW_OUT (depth: 2 columns of prefix per level; parent: the
# namespace of the nearest line above with one level less).
tree_line() {
	awk -v want="$1" '
		NR == 1 { next }
		{
			match($0, /[a-z]+:\[[0-9]+\]/)
			d = (RSTART - 1) / 2
			name = substr($0, RSTART, RLENGTH)
			at[d] = name
			if (name == want) { print d, (d ? at[d - 1] : "-"); exit }
		}' "$NSW_OUT"
}

@test "ls --tree: the container's user namespace under the initial one, its pid namespace in it" {
	local u p hu line
	ls_container
	ls_runc
	u=$(ns_of "$INIT_PID" user) p=$(ns_of "$INIT_PID" pid) hu=$(host_ns user)
	LC_ALL=C rt_nsw ls --tree
	rt_assert_status 0
	assert_eq "the host's user namespace (a root)" "$(tree_line "user:[$hu]")" "0 -"
	assert_eq "the container's user namespace" "$(tree_line "user:[$u]")" "1 user:[$hu]"
	assert_eq "the container's pid namespace" "$(tree_line "pid:[$p]")" "2 user:[$u]"
	assert_eq "the container's net namespace" "$(tree_line "net:[$(ns_of "$INIT_PID" net)]")" "2 user:[$u]"
	# runc's pid namespace has the host's owner: nested in the host's pid one.
	assert_eq "the runc container's pid namespace" \
		"$(tree_line "pid:[$(ns_of "$LS_RUNC_PID" pid)]")" "2 pid:[$(host_ns pid)]"
	line=$(grep -F "user:[$u]" "$NSW_OUT")
	grep -qF "nswatch:$LS_NAME" <<<"$line" || fail "the tree line of user:[$u] lacks nswatch:$LS_NAME: $line"
	line=$(grep -F "pid:[$(ns_of "$LS_RUNC_PID" pid)]" "$NSW_OUT")
	grep -qF "runc:$LS_RUNC_ID" <<<"$line" || fail "the tree line of the runc pid namespace lacks runc:$LS_RUNC_ID: $line"
	# The JSON tree nests the same way.
	rt_nsw ls --tree --json
	rt_assert_status 0
	jq -e --argjson hu "$hu" --argjson u "$u" --argjson p "$p" '
		.namespaces[] | select(.type == "user" and .ns == $hu)
		| .children[] | select(.type == "user" and .ns == $u)
		| .children[] | select(.type == "pid" and .ns == $p)' "$NSW_OUT" >/dev/null ||
		fail "ls --tree --json does not nest pid:[$p] in user:[$u] in user:[$hu]"
}

@test "ls: bad input exits 2 and names it" {
	rt_nsw ls --type foo
	rt_assert_status 2
	rt_assert_err foo
	rt_nsw ls --type net,bogus
	rt_assert_status 2
	rt_assert_err bogus
	rt_nsw ls --type ''
	rt_assert_status 2
	rt_nsw ls extra
	rt_assert_status 2
	rt_assert_err extra
	rt_nsw ls --bogus-option
	rt_assert_status 2
	rt_nsw ls --help
	rt_assert_status 0
	grep -q -- --tree "$NSW_OUT" || fail "ls --help does not mention --tree"
}

@test "ls as an unprivileged user: says how many processes it could not read" {
	require_cmd setpriv
	NSW_STATUS=0
	setpriv --reuid "$RT_USER" --regid "$RT_USER" --clear-groups "$NSWATCH" ls --json \
		</dev/null >"$NSW_OUT" 2>"$NSW_ERR" 3>&- || NSW_STATUS=$?
	rt_assert_status 0
	grep -qE 'the namespaces of [0-9]+ of [0-9]+ processes could not be read' "$NSW_ERR" ||
		fail "no word on stderr about the processes it could not read: $(cat "$NSW_ERR")"
	grep -qF 'run as root' "$NSW_ERR" || fail "stderr does not say to run as root"
	# What it does show is true: its own namespaces are there.
	ls_entry user "$(host_ns user)" >/dev/null
}

# count_pids_in TYPE INODE: how many processes have /proc/PID/ns/TYPE INODE.
count_pids_in() {
	local p n=0
	for p in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(ns_of "$p" "$1" 2>/dev/null)" = "$2" ] && n=$((n + 1))
	done
	echo "$n"
}

# user_of_proc PID: the owner of /proc/PID by name, else by number (as lsns).
user_of_proc() {
	getent passwd "$(stat -c %u "/proc/$1")" | cut -d: -f1 | grep . || stat -c %u "/proc/$1"
}

# cmdline_of PID: /proc/PID/cmdline with NULs as spaces, as lsns shows it.
cmdline_of() {
	tr '\0' ' ' <"/proc/$1/cmdline" | sed 's/ $//'
}

@test "ls -o: the columns named, in that order, any case; +LIST adds to the defaults" {
	local ino pid row
	ls_container
	ls_netns
	ino=$(ns_of "$INIT_PID" uts)
	rt_nsw ls -o ns,Type,PID,nprocs --type uts
	rt_assert_status 0
	assert_eq "header" "$(head -n1 "$NSW_OUT" | tr -s ' ' | sed 's/^ //')" "NS TYPE PID NPROCS"
	[ "$(awk 'NF != 4' "$NSW_OUT" | wc -l)" = 0 ] || fail "ls -o with 4 columns printed other lines: $(awk 'NF != 4' "$NSW_OUT")"
	pid=$(lowest_pid_in uts "$ino")
	row=$(awk -v i="$ino" '$1 == i { print $1, $2, $3, $4 }' "$NSW_OUT")
	assert_eq "the container's uts row, against /proc" "$row" "$ino uts $pid $(count_pids_in uts "$ino")"
	# +LIST: the default columns, then NETNS.
	rt_nsw ls -o +netns --type net
	rt_assert_status 0
	assert_eq "header with +netns" "$(head -n1 "$NSW_OUT" | tr -s ' ' | sed 's/^ //')" \
		"NS TYPE NPROCS PID USER COMMAND CONTAINER CREATED-BY NETNS"
	assert_eq "the netns column of net:[$LS_NETNS_INO]" \
		"$(awk -v i="$LS_NETNS_INO" '$1 == i { print $NF }' "$NSW_OUT")" "$LS_NETNS"
	# In JSON, the members are those columns.
	ls_json -o NS,netns,Nsfs --type net
	assert_eq "JSON members with -o" "$(jq -c '[.namespaces[] | keys] | unique' "$NSW_OUT")" \
		'[["netns","ns","nsfs"]]'
	assert_eq "netns of net:[$LS_NETNS_INO]" \
		"$(jq -c --argjson i "$LS_NETNS_INO" '.namespaces[] | select(.ns == $i)' "$NSW_OUT")" \
		"{\"ns\":$LS_NETNS_INO,\"netns\":\"$LS_NETNS\",\"nsfs\":\"/run/netns/$LS_NETNS\"}"
}

@test "ls --raw: the same row as lsns --raw, one space apart, spaces as \\x20" {
	local ino ours theirs
	ls_container
	ino=$(ns_of "$INIT_PID" uts)
	rt_nsw ls --raw -o NS,TYPE,NPROCS,PID,USER,COMMAND --type uts
	rt_assert_status 0
	assert_eq "raw header" "$(head -n1 "$NSW_OUT")" "NS TYPE NPROCS PID USER COMMAND"
	[ "$(grep -c '  ' "$NSW_OUT")" = 0 ] || fail "ls --raw aligned something: $(grep '  ' "$NSW_OUT" | head -n3)"
	[ "$(awk 'NF != 6' "$NSW_OUT" | wc -l)" = 0 ] || fail "ls --raw left a blank in a field: $(awk 'NF != 6' "$NSW_OUT")"
	ours=$(awk -v i="$ino" '$1 == i' "$NSW_OUT")
	assert_eq "the container's raw row, against the kernel" "$ours" \
		"$ino uts $(count_pids_in uts "$ino") $(lowest_pid_in uts "$ino") $(user_of_proc "$(lowest_pid_in uts "$ino")") $(cmdline_of "$(lowest_pid_in uts "$ino")" | sed 's/ /\\x20/g')"
	theirs=$(lsns --raw -n -o NS,TYPE,NPROCS,PID,USER,COMMAND -t uts | awk -v i="$ino" '$1 == i')
	assert_eq "the container's raw row, against lsns --raw" "$ours" "$theirs"
	# The default columns, raw: eight fields per line, the label as it is.
	rt_nsw ls --raw --type uts
	rt_assert_status 0
	[ "$(awk 'NF != 8' "$NSW_OUT" | wc -l)" = 0 ] || fail "ls --raw printed a line without 8 fields: $(awk 'NF != 8' "$NSW_OUT")"
	assert_eq "label and creator, raw" "$(awk -v i="$ino" '$1 == i { print $7, $8 }' "$NSW_OUT")" \
		"nswatch:$LS_NAME nswatch\\x20run\\x20$LS_NAME\\x20(pid\\x20$LS_MONITOR)"
}

@test "ls -n: no header line, every namespace still there" {
	local ino
	ls_container
	ino=$(ns_of "$INIT_PID" uts)
	rt_nsw ls -n --type uts
	rt_assert_status 0
	! grep -qE '^ *NS ' "$NSW_OUT" || fail "ls -n printed the header"
	awk -v i="$ino" '$1 == i && $2 == "uts"' "$NSW_OUT" | grep -q . || fail "ls -n lacks the container's uts:[$ino]"
	awk -v i="$(host_ns uts)" '$1 == i && $2 == "uts"' "$NSW_OUT" | grep -q . || fail "ls -n lacks the host's uts namespace"
	[ "$(awk '$2 != "uts"' "$NSW_OUT" | wc -l)" = 0 ] || fail "ls -n --type uts printed another line: $(awk '$2 != "uts"' "$NSW_OUT")"
	rt_nsw ls -n --raw -o ns,type --type uts
	rt_assert_status 0
	grep -qx "$ino uts" "$NSW_OUT" || fail "ls -n --raw -o ns,type lacks the line '$ino uts'"
	! grep -q '^NS' "$NSW_OUT" || fail "ls -n --raw printed the header"
	rt_nsw ls --tree -n
	rt_assert_status 0
	assert_eq "the first tree line without header: the host's user namespace" \
		"$(head -n1 "$NSW_OUT" | awk '{ print $1 }')" "user:[$(host_ns user)]"
}

@test "ls: an unknown column, an empty list, --json with --raw exit 2 and name it" {
	rt_nsw ls -o ns,bogus
	rt_assert_status 2
	rt_assert_err "unknown column 'bogus'"
	rt_nsw ls --output=+NS,nope --json
	rt_assert_status 2
	rt_assert_err "'nope'"
	rt_nsw ls -o ''
	rt_assert_status 2
	rt_assert_err "unknown column ''"
	rt_nsw ls --json --raw
	rt_assert_status 2
	rt_assert_err --raw
	[ ! -s "$NSW_OUT" ] || fail "ls printed a table despite bad options: $(head -n3 "$NSW_OUT")"
	rt_nsw ls --help
	rt_assert_status 0
	grep -q -- --output "$NSW_OUT" && grep -q -- --raw "$NSW_OUT" && grep -q -- --noheadings "$NSW_OUT" ||
		fail "ls --help does not mention --output, --raw and --noheadings"
	grep -qE '^ +CREATED-BY ' "$NSW_OUT" || fail "ls --help does not list the columns"
}

# ls_pod_sleeper CGROUP FILE: a process that moves itself into CGROUP (a
# directory of a cgroup hierarchy; "" for none), makes its own net
# namespace and sleeps; its pid in FILE once its net namespace is its own.
ls_pod_sleeper() {
	local pid host
	host=$(ns_of $$ net)
	sh -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs" || exit 1; exec unshare -n sleep 600' \
		sh "$1" &
	pid=$!
	LS_PIDS+=("$pid")
	for _ in $(seq 100); do
		if [ "$(ns_of "$pid" net 2>/dev/null)" != "$host" ] &&
			[ -n "$(ns_of "$pid" net 2>/dev/null)" ]; then
			echo "$pid" >"$2"
			return 0
		fi
		sleep 0.05
	done
	fail "pid $pid did not come into its own net namespace"
}

@test "ls: POD (pod) is the Kubernetes pod's uid for a namespace whose process is in its kubepods cgroup; null for the same process outside" {
	local uid id hier in out e
	uid=$(cat /proc/sys/kernel/random/uuid)
	id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	hier=$(cgroup_hierarchy pids 2>/dev/null) || hier=$(cgroup_hierarchy unified) || return 1
	# Made where missing; teardown removes them, deepest first.
	mkdir_recorded LS_CGROUPS "$hier/kubepods/burstable/pod$uid/$id" ||
		{ fail "cannot make the kubepods cgroups under $hier"; return 1; }
	ls_pod_sleeper "$hier/kubepods/burstable/pod$uid/$id" "$BATS_TEST_TMPDIR/in" || return 1
	ls_pod_sleeper "" "$BATS_TEST_TMPDIR/out" || return 1
	in=$(cat "$BATS_TEST_TMPDIR/in") out=$(cat "$BATS_TEST_TMPDIR/out")
	ls_json -t net
	e=$(jq -c --argjson i "$(ns_of "$in" net)" '.namespaces[] | select(.ns == $i)' "$NSW_OUT")
	[ -n "$e" ] || { fail "the pod process's net namespace $(ns_of "$in" net) is not listed"; return 1; }
	assert_eq "the pod process's net namespace: its pid" "$(jq -r .pid <<<"$e")" "$in"
	assert_eq "its pod" "$(jq -r .pod <<<"$e")" "$uid"
	assert_eq "its container" "$(jq -c .container <<<"$e")" "{\"engine\":\"containerd\",\"id\":\"$id\"}"
	e=$(jq -c --argjson i "$(ns_of "$out" net)" '.namespaces[] | select(.ns == $i)' "$NSW_OUT")
	assert_eq "the same process outside the pod (control): its pod" "$(jq -c .pod <<<"$e")" null
	# The table says the same.
	rt_nsw ls -n -t net -o NS,POD
	rt_assert_status 0
	assert_eq "POD of the pod process's net namespace" \
		"$(awk -v i="$(ns_of "$in" net)" '$1 == i { print $2 }' "$NSW_OUT")" "$uid"
	assert_eq "POD outside the pod (control)" \
		"$(awk -v i="$(ns_of "$out" net)" '$1 == i { print $2 }' "$NSW_OUT")" -
}
