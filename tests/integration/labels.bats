#!/usr/bin/env bats
# Labels decided in the kernel's moment: the cgroup the BPF side records
# with each event names the caller's container, even for a process that
# lived a millisecond. The cgroups and runtime state here are made by the
# test (a docker-style cgroup, kubepods cgroups, containerd's task
# directory), by runc itself (under --root, wherever that is) or by a real
# containerd the test starts with everything of its own in the test's
# directory; the namespaces are checked against what the processes read of
# themselves, the containers against what runc and ctr list.

load helpers
load runtime_helpers
load ns_helpers

setup() {
	rt_setup
	require_root_runtime
	require_root_btf
	require_cmd runc stat jq unshare
	LB_CGROUPS=()   # cgroup directories to remove, innermost last
	LB_DIRS=()      # state directories to remove
	LB_RUNC=()      # "root id" of runc containers to delete
	LB_BUNDLE=""
	LB_MOVED=""     # a runc root the test moved to $LB_MOVED.away
	LB_CTRD=""      # a private containerd's directory (lb_containerd_start)
}

teardown() {
	local st=0 i r
	if [ -n "$LB_MOVED" ] && [ -d "$LB_MOVED.away" ]; then
		mv "$LB_MOVED.away" "$LB_MOVED"
	fi
	[ -n "$LB_CTRD" ] && { lb_containerd_stop || st=1; }
	for r in "${LB_RUNC[@]}"; do
		runc --root "${r% *}" delete -f "${r#* }" >/dev/null 2>&1 || true
		if runc --root "${r% *}" state "${r#* }" >/dev/null 2>&1; then
			echo "runc container ${r#* } is still there" >&2
			st=1
		fi
	done
	[ -n "$LB_BUNDLE" ] && rm -rf "$LB_BUNDLE"
	for ((i = ${#LB_CGROUPS[@]} - 1; i >= 0; i--)); do
		[ -d "${LB_CGROUPS[i]}" ] || continue
		rmdir "${LB_CGROUPS[i]}" || { echo "cannot remove ${LB_CGROUPS[i]}" >&2; st=1; }
	done
	for ((i = ${#LB_DIRS[@]} - 1; i >= 0; i--)); do
		rm -rf "${LB_DIRS[i]}"
	done
	rt_teardown || st=1
	return $st
}

# lb_script FILE PATH HIERARCHIES...: a script that runs `unshare -n true`
# outside, then inside cgroup PATH of each hierarchy, writing each caller's
# pid (unshare execs in place) to $W/out.pid and $W/in.pid.
lb_script() {
	local f=$1 path=$2 h
	shift 2
	{
		echo 'sh -c '\''echo $$ >"$0"; exec unshare -n true'\'' "$1/out.pid"'
		for h in "$@"; do
			echo "echo \$\$ >$(cgroup_hierarchy "$h")$path/cgroup.procs"
		done
		echo 'sh -c '\''echo $$ >"$0"; exec unshare -n true'\'' "$1/in.pid"'
	} >"$f"
}

# lb_check_unshares LABEL: the unshare of $W/in.pid carries LABEL, as does
# the ns_empty of the net namespace it made; the one of $W/out.pid (the
# same command outside the cgroup) carries none.
lb_check_unshares() {
	local in out ino
	in=$(wread "$W/in.pid") out=$(wread "$W/out.pid")
	find_event "the unshare inside the cgroup" '.op == "unshare" and .pid == $p and .ret == 0' --argjson p "$in"
	assert_eq "its container" "$(jq -r '.container' <<<"$EV")" "$1"
	assert_eq "its new net namespace's container" \
		"$(jq -r '.created[] | select(.type == "net") | .container' <<<"$EV")" "$1"
	ino=$(jq -r '.ns_after.net' <<<"$EV")
	assert_ne "the net namespace it made (sanity)" "$ino" "$(host_ns net)"
	NSW_LINES=all find_event "the ns_empty of that net namespace" \
		'.op == "ns_empty" and .type == "net" and .inode == $i' --argjson i "$ino"
	assert_eq "the ns_empty's container" "$(jq -r '.container' <<<"$EV")" "$1"
	find_event "the same unshare outside the cgroup (control)" \
		'.op == "unshare" and .pid == $p and .ret == 0' --argjson p "$out"
	assert_eq "its container" "$(jq -r '.container // "none"' <<<"$EV")" none
}

# lb_docker_cgroup HIERARCHIES...: a 1 ms `unshare -n true` in a
# docker-style cgroup (/docker/<64 hex>) of each hierarchy named.
lb_docker_cgroup() {
	local id h
	id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	for h in "$@"; do
		mkdir_recorded LB_CGROUPS "$(cgroup_hierarchy "$h")/docker/$id" || return 1
	done
	lb_script "$W/cg.sh" "/docker/$id" "$@"
	nsw_trace --json -- sh "$W/cg.sh" "$W"
	assert_trace_ok
	lb_check_unshares "docker:${id:0:12}"
}

@test "labels: a 1 ms unshare in a docker cgroup of the unified (v2) hierarchy only is labelled docker:ID; outside it, not" {
	lb_docker_cgroup unified
}

@test "labels: a 1 ms unshare in a docker cgroup of the v1 pids hierarchy only is labelled docker:ID; outside it, not" {
	lb_docker_cgroup pids
}

@test "labels: a ctr container (cgroup /<namespace>/<id> with containerd's task directory) is labelled containerd:ID; without the task directory, not" {
	local ns id h
	ns="nswt$$" id="ctr-$BATS_TEST_NUMBER-$$"
	for h in unified pids; do
		mkdir_recorded LB_CGROUPS "$(cgroup_hierarchy "$h")/$ns/$id" || return 1
		mkdir_recorded LB_CGROUPS "$(cgroup_hierarchy "$h")/$ns/$id-notask" || return 1
	done
	mkdir_recorded LB_DIRS "/run/containerd/io.containerd.runtime.v2.task/$ns/$id"
	lb_script "$W/cg.sh" "/$ns/$id" unified pids
	nsw_trace --json -- sh "$W/cg.sh" "$W"
	assert_trace_ok
	lb_check_unshares "containerd:$id"
	# The same cgroup form without containerd's state is nobody's.
	lb_script "$W/cg2.sh" "/$ns/$id-notask" unified pids
	nsw_trace --json -- sh "$W/cg2.sh" "$W"
	assert_trace_ok
	find_event "the unshare in /$ns/$id-notask" '.op == "unshare" and .pid == $p and .ret == 0' \
		--argjson p "$(wread "$W/in.pid")"
	assert_eq "its container" "$(jq -r '.container // "none"' <<<"$EV")" none
}

# lb_runc ROOT ID [create]: run (or create) a runc container under
# `runc --root ROOT`; LB_PID.
lb_runc() {
	if [ -z "$LB_BUNDLE" ]; then
		LB_BUNDLE=$(mktemp -d /tmp/nswatch-lb-bundle.XXXXXX)
		cp -a "$RT_ROOTFS" "$LB_BUNDLE/rootfs"
		(cd "$LB_BUNDLE" && runc spec)
		jq '.process.terminal = false | .process.args = ["sleep", "600"] | .root.path = "rootfs"' \
			"$LB_BUNDLE/config.json" >"$LB_BUNDLE/c.json"
		mv "$LB_BUNDLE/c.json" "$LB_BUNDLE/config.json"
	fi
	mkdir_recorded LB_DIRS "$1"
	LB_RUNC+=("$1 $2")
	if [ "${3:-}" = create ]; then
		set -- "$1" "$2" create
	else
		set -- "$1" "$2" run -d
	fi
	(cd "$LB_BUNDLE" && timeout 30 runc --root "$1" "${@:3}" --pid-file "$LB_BUNDLE/$2.pid" "$2" \
		</dev/null >"$LB_BUNDLE/out" 2>&1 3>&-) || {
		fail "runc --root $1 $3 failed: $(cat "$LB_BUNDLE/out")"
		return 1
	}
	LB_PID=$(cat "$LB_BUNDLE/$2.pid")
	RT_INITS+=("$LB_PID:$(rt_starttime "$LB_PID")")
}

@test "labels: runc containers under docker's and containerd's --root are labelled docker:ID and containerd:ID, each with its own id" {
	local d_id c_id d_root c_root d_net c_net
	d_id=$(rt_name rd) c_id=$(rt_name rc)
	d_root=/run/docker/runtime-runc/moby c_root="/run/containerd/runc/nswt$$"
	nsw_trace_bg --json
	nsw_wait_tracing
	lb_runc "$d_root" "$d_id"
	d_net=$(stat -L -c %i "/proc/$LB_PID/ns/net")
	lb_runc "$c_root" "$c_id"
	c_net=$(stat -L -c %i "/proc/$LB_PID/ns/net")
	sleep 0.3
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	find_event "the unshare that made $d_id's net namespace" \
		'.op == "unshare" and .ret == 0 and any(.created[]?; .type == "net" and .inode == $i)' --argjson i "$d_net"
	assert_eq "its container" "$(jq -r .container <<<"$EV")" "docker:$d_id"
	find_event "the unshare that made $c_id's net namespace" \
		'.op == "unshare" and .ret == 0 and any(.created[]?; .type == "net" and .inode == $i)' --argjson i "$c_net"
	assert_eq "its container" "$(jq -r .container <<<"$EV")" "containerd:$c_id"
}

# lb_wait_event DESCRIPTION JQ_CONDITION [JQ_ARGS...]: wait (up to 30 s)
# until the background tracer has printed a matching event, that is, until
# the reporter has handled (and labelled) its record.
lb_wait_event() {
	local desc=$1 cond=$2 i
	shift 2
	for ((i = 0; i < 300; i++)); do
		if [ -n "$(jq -R -c "$@" "fromjson? | select($cond)" "$NSW_OUT" | head -n1)" ]; then
			return 0
		fi
		if ! nsw_is_running "$NSW_TRACER_PID"; then
			fail "nswatch exited before printing $desc"
			return 1
		fi
		sleep 0.1
	done
	fail "nswatch printed no $desc within 30 s"
}

# lb_runc_create ROOT ID: `runc --root ROOT create` a container (its init
# waits for `runc start`, still runc's own code); LB_PID.
lb_runc_create() {
	lb_runc "$1" "$2" create
}

# lb_join_script FILE PID: like lb_script, joining PID's own cgroups of the
# unified and (where it is mounted) the v1 pids hierarchies, those the
# tracer resolves.
lb_join_script() {
	local f=$1 pid=$2 v1 v2
	v2=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	v1=$(sed -n 's/^[0-9]*:pids://p' "/proc/$pid/cgroup")
	[ -n "$v2" ] || { fail "no cgroup v2 line for $pid: $(cat "/proc/$pid/cgroup")"; return 1; }
	{
		echo 'sh -c '\''echo $$ >"$0"; exec unshare -n true'\'' "$1/out.pid"'
		echo "echo \$\$ >$(cgroup_hierarchy unified)$v2/cgroup.procs"
		[ -z "$v1" ] || echo "echo \$\$ >$(cgroup_hierarchy pids)$v1/cgroup.procs"
		echo 'sh -c '\''echo $$ >"$0"; exec unshare -n true'\'' "$1/in.pid"'
	} >"$f"
}

# lb_check_made PID LABEL: the unshare that made PID's namespaces (as PID
# reads them) carries LABEL, as does each namespace it made.
lb_check_made() {
	local pid=$1 want=$2 net t
	net=$(stat -L -c %i "/proc/$pid/ns/net")
	find_event "the unshare that made $pid's net namespace" \
		'.op == "unshare" and .ret == 0 and any(.created[]?; .type == "net" and .inode == $i)' --argjson i "$net"
	assert_eq "its container" "$(jq -r .container <<<"$EV")" "$want"
	for t in mnt uts ipc net pid; do
		assert_eq "the $t namespace it made is $pid's" \
			"$(jq -r --arg t "$t" '.created[] | select(.type == $t) | .inode' <<<"$EV")" \
			"$(stat -L -c %i "/proc/$pid/ns/$t")"
		assert_eq "the $t namespace's container" \
			"$(jq -r --arg t "$t" '.created[] | select(.type == $t) | .container' <<<"$EV")" "$want"
	done
}

# lb_check_joined LABEL: the 1 ms unshare of $W/in.pid (lb_join_script)
# carries LABEL; the one of $W/out.pid, outside, none.
lb_check_joined() {
	find_event "the 1 ms unshare in the container's cgroup" \
		'.op == "unshare" and .pid == $p and .ret == 0' --argjson p "$(wread "$W/in.pid")"
	assert_eq "its container" "$(jq -r '.container // "none"' <<<"$EV")" "$1"
	find_event "the same unshare outside the cgroup (control)" \
		'.op == "unshare" and .pid == $p and .ret == 0' --argjson p "$(wread "$W/out.pid")"
	assert_eq "its container" "$(jq -r '.container // "none"' <<<"$EV")" none
}

@test "labels: runc under --root in the test's own directory: the namespaces it makes and a 1 ms process in its cgroup are labelled runc:ID" {
	local id root
	id=$(rt_name rr) root="$BATS_TEST_TMPDIR/root"
	nsw_trace_bg --json
	nsw_wait_tracing
	lb_runc_create "$root" "$id"
	# The reporter learns the root while runc's init waits in the container.
	lb_wait_event "the unshare that made $id's namespaces" \
		'.op == "unshare" and .ret == 0 and any(.created[]?; .type == "net" and .inode == $i)' \
		--argjson i "$(stat -L -c %i "/proc/$LB_PID/ns/net")"
	assert_eq "the init of $id, as runc lists it" \
		"$(runc --root "$root" state "$id" | jq -r .pid)" "$LB_PID"
	runc --root "$root" start "$id"
	# Once its command runs, nothing of runc is left in the container: the id is known.
	lb_join_script "$W/cg.sh" "$LB_PID"
	sh "$W/cg.sh" "$W"
	lb_wait_event "the 1 ms unshare in $id's cgroup" '.op == "unshare" and .pid == $p' \
		--argjson p "$(wread "$W/in.pid")"
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	lb_check_made "$LB_PID" "runc:$id"
	lb_check_joined "runc:$id"
}

@test "labels: the same runc container under --root is not labelled while its root is moved away, and is once it is back" {
	local id root
	id=$(rt_name rs) root="$BATS_TEST_TMPDIR/root"
	lb_runc_create "$root" "$id"
	lb_join_script "$W/cg.sh" "$LB_PID"
	# Its init names $root/$id, where no state is now.
	mv "$root" "$root.away"
	LB_MOVED=$root
	nsw_trace --json -- sh "$W/cg.sh" "$W"
	assert_trace_ok
	lb_check_joined none
	mv "$root.away" "$root"
	LB_MOVED=""
	nsw_trace --json -- sh "$W/cg.sh" "$W"
	assert_trace_ok
	lb_check_joined "runc:$id"
}

# lb_containerd_start: containerd from Debian with everything of its own in
# LB_CTRD ($BATS_TEST_TMPDIR/ctrd: root, state, sockets, opt); LB_CTR is
# the ctr command for it. Only the shims' sockets live where containerd 1.6
# always puts them, /run/containerd/s; LB_RUN_MADE lists what of that the
# test made.
lb_containerd_start() {
	local i
	LB_CTRD="$BATS_TEST_TMPDIR/ctrd"
	LB_RUN_MADE=()
	for i in /run/containerd /run/containerd/s; do
		[ -e "$i" ] || LB_RUN_MADE+=("$i")
	done
	mkdir -p "$LB_CTRD"
	cat >"$LB_CTRD/config.toml" <<-C
		version = 2
		root = "$LB_CTRD/root"
		state = "$LB_CTRD/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$LB_CTRD/c.sock"
		[ttrpc]
		  address = "$LB_CTRD/c.sock.ttrpc"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$LB_CTRD/opt"
	C
	containerd --config "$LB_CTRD/config.toml" </dev/null >"$LB_CTRD/log" 2>&1 3>&- &
	LB_CTRD_PID=$!
	LB_CTR=(ctr -a "$LB_CTRD/c.sock")
	for ((i = 0; i < 300; i++)); do
		"${LB_CTR[@]}" version >/dev/null 2>&1 && return 0
		nsw_is_running "$LB_CTRD_PID" || break
		sleep 0.1
	done
	fail "containerd did not start: $(tail -n 5 "$LB_CTRD/log")"
}

# lb_shims: the pids of the shims of our containerd (read by builtins: a
# grep would find its own arguments).
lb_shims() {
	local p a
	for p in /proc/[0-9]*; do
		mapfile -d '' a 2>/dev/null <"$p/cmdline" || continue
		case "${a[0]:-}" in
		*containerd-shim*) ;;
		*) continue ;;
		esac
		case " ${a[*]} " in
		*" $LB_CTRD/c.sock "*) echo "${p#/proc/}" ;;
		esac
	done
}

# lb_containerd_stop: its tasks and containers removed, containerd and the
# shims gone, its cgroups and what it made under /run removed.
lb_containerd_stop() {
	local st=0 ns c i p
	for ns in $("${LB_CTR[@]}" namespaces ls -q 2>/dev/null); do
		for c in $("${LB_CTR[@]}" -n "$ns" containers ls -q 2>/dev/null); do
			"${LB_CTR[@]}" -n "$ns" task kill -s SIGKILL "$c" >/dev/null 2>&1 || true
			"${LB_CTR[@]}" -n "$ns" task rm -f "$c" >/dev/null 2>&1 || true
			"${LB_CTR[@]}" -n "$ns" containers rm "$c" >/dev/null 2>&1 || true
		done
		# Outermost first: the test may have made cgroups below.
		for i in /sys/fs/cgroup/*/"$ns"; do
			[ -d "$i" ] && LB_CGROUPS=("$i" "${LB_CGROUPS[@]}")
		done
	done
	# The shims are no children of ours: wait until none serves our containerd.
	for ((i = 0; i < 100; i++)); do
		p=$(lb_shims)
		[ -z "$p" ] && break
		sleep 0.1
	done
	kill -TERM "$LB_CTRD_PID" 2>/dev/null || true
	wait "$LB_CTRD_PID" 2>/dev/null || true
	if [ -n "$p" ]; then
		echo "containerd shims are still there: $p" >&2
		st=1
	fi
	for ((i = ${#LB_RUN_MADE[@]} - 1; i >= 0; i--)); do
		rmdir "${LB_RUN_MADE[i]}" || { echo "cannot remove ${LB_RUN_MADE[i]}" >&2; st=1; }
	done
	LB_CTRD=""
	return $st
}

@test "labels: a ctr container of a private containerd (runc's root in the test's directory) is labelled containerd:ID as ctr knows it; a 1 ms process in its cgroup too; the same cgroup form without a task, not" {
	local ns id pid net h hs
	require_cmd containerd ctr
	ns="nswt$$" id=$(rt_name ctr)
	lb_containerd_start
	cp -a "$RT_ROOTFS" "$BATS_TEST_TMPDIR/rootfs"
	nsw_trace_bg --json
	nsw_wait_tracing
	"${LB_CTR[@]}" -n "$ns" run -d --rootfs --runc-root "$BATS_TEST_TMPDIR/runc" \
		--fifo-dir "$BATS_TEST_TMPDIR/fifo" --env PATH=/bin \
		"$BATS_TEST_TMPDIR/rootfs" "$id" sleep 600 </dev/null >/dev/null 2>"$W/ctr.err" 3>&- ||
		{ fail "ctr run failed: $(cat "$W/ctr.err")"; return 1; }
	assert_eq "the container, as ctr lists it" \
		"$("${LB_CTR[@]}" -n "$ns" containers ls -q)" "$id"
	pid=$("${LB_CTR[@]}" -n "$ns" task ls | awk -v id="$id" '$1 == id && $3 == "RUNNING" { print $2 }')
	[ -n "$pid" ] || { fail "no running task $id: $("${LB_CTR[@]}" -n "$ns" task ls)"; return 1; }
	RT_INITS+=("$pid:$(rt_starttime "$pid")")
	net=$(stat -L -c %i "/proc/$pid/ns/net")
	lb_wait_event "the unshare that made $id's namespaces" \
		'.op == "unshare" and .ret == 0 and any(.created[]?; .type == "net" and .inode == $i)' \
		--argjson i "$net"
	lb_join_script "$W/cg.sh" "$pid"
	sh "$W/cg.sh" "$W"
	# The same form, /<namespace>/<other id>, with no task of that id (control).
	hs=(unified)
	awk '$3 == "cgroup" && ("," $4 ",") ~ /,pids,/ { found = 1 } END { exit !found }' /proc/self/mounts &&
		hs+=(pids)
	for h in "${hs[@]}"; do
		mkdir_recorded LB_CGROUPS "$(cgroup_hierarchy "$h")/$ns/$id-notask"
	done
	lb_script "$W/notask.sh" "/$ns/$id-notask" "${hs[@]}"
	mkdir "$W/notask"
	sh "$W/notask.sh" "$W/notask"
	lb_wait_event "the 1 ms unshares" '.op == "unshare" and (.pid == $p or .pid == $q)' \
		--argjson p "$(wread "$W/in.pid")" --argjson q "$(wread "$W/notask/in.pid")"
	sleep 0.2
	kill -INT "$NSW_TRACER_PID"
	nsw_wait_tracer 30
	assert_trace_ok
	lb_check_made "$pid" "containerd:$id"
	lb_check_joined "containerd:$id"
	find_event "the 1 ms unshare in /$ns/$id-notask" '.op == "unshare" and .pid == $p and .ret == 0' \
		--argjson p "$(wread "$W/notask/in.pid")"
	assert_eq "its container" "$(jq -r '.container // "none"' <<<"$EV")" none
}

# lb_kubepods FORM HIERARCHY: a 1 ms `unshare -n true` in a Kubernetes
# pod's container cgroup of HIERARCHY, in kubelet's cgroupfs or systemd
# form: its events carry the container and the pod's uid, in JSON and in
# text; the same command outside carries neither.
lb_kubepods() {
	local uid id path in out line
	uid=$(cat /proc/sys/kernel/random/uuid)
	id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	case $1 in
	cgroupfs) path="/kubepods/burstable/pod$uid/$id" ;;
	systemd) path="/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid//-/_}.slice/cri-containerd-$id.scope" ;;
	esac
	mkdir_recorded LB_CGROUPS "$(cgroup_hierarchy "$2")$path" || return 1
	lb_script "$W/cg.sh" "$path" "$2"
	nsw_trace --json -- sh "$W/cg.sh" "$W"
	assert_trace_ok
	lb_check_unshares "containerd:${id:0:12}"
	in=$(wread "$W/in.pid") out=$(wread "$W/out.pid")
	find_event "the unshare inside the pod" '.op == "unshare" and .pid == $p and .ret == 0' --argjson p "$in"
	assert_eq "its pod" "$(jq -r '.pod // "none"' <<<"$EV")" "$uid"
	assert_eq "its new net namespace's pod" \
		"$(jq -r '.created[] | select(.type == "net") | .pod // "none"' <<<"$EV")" "$uid"
	NSW_LINES=all find_event "the ns_empty of that net namespace" \
		'.op == "ns_empty" and .type == "net" and .inode == $i' --argjson i "$(jq -r .ns_after.net <<<"$EV")"
	assert_eq "the ns_empty's pod" "$(jq -r '.pod // "none"' <<<"$EV")" "$uid"
	find_event "the unshare outside (control)" '.op == "unshare" and .pid == $p and .ret == 0' --argjson p "$out"
	assert_eq "its pod" "$(jq -r '.pod // "none"' <<<"$EV")" none
	# The text lines say the same.
	nsw_trace -- sh "$W/cg.sh" "$W"
	assert_trace_ok
	in=$(wread "$W/in.pid") out=$(wread "$W/out.pid")
	line=$(awk -v p="$in" '$2 == p && $5 == "unshare"' "$NSW_OUT")
	assert_eq "the text line of the unshare inside the pod ends in" \
		"$(grep -o ' container=.*$' <<<"$line")" " container=containerd:${id:0:12} pod=$uid"
	line=$(awk -v p="$out" '$2 == p && $5 == "unshare"' "$NSW_OUT")
	[ -n "$line" ] || { fail "no text line of the unshare outside"; return 1; }
	assert_eq "the text line of the unshare outside (control) names a pod" \
		"$(grep -c ' pod=' <<<"$line")" 0
}

@test "labels: a 1 ms unshare in a kubepods cgroup (cgroupfs form, v1 pids hierarchy) carries containerd:ID and pod=UID; outside it, neither" {
	lb_kubepods cgroupfs pids
}

@test "labels: a 1 ms unshare in a kubepods cgroup (systemd form, unified v2 hierarchy) carries containerd:ID and pod=UID; outside it, neither" {
	lb_kubepods systemd unified
}
