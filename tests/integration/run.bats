#!/usr/bin/env bats
# nswatch run, exec, ps, kill, rm: isolation, the container's process, its
# errors, and its management, each checked against the kernel: what the
# container's processes read inside, /proc/PID/* of its init read on the
# host, files and interfaces on the host, exit statuses. Every test's
# teardown removes its containers and fails if anything of them is left.
#
# Volumes are bound at directories that the busybox rootfs already has
# (/home, /run): a missing target would be created in the rootfs itself.

load helpers
load runtime_helpers

setup() {
	rt_setup
	require_root_runtime
}

teardown() {
	rt_teardown
}

# ns_lines TYPES: for each type, the inode of the bats shell's namespace, one
# per line (the host's, as the readings inside print them: TYPE:[INODE]).
host_ns_lines() {
	local t
	for t in $RT_NS_TYPES; do
		echo "$t:[$(host_ns "$t")]"
	done
}

# The script that prints the eight namespaces of the shell running it.
READ_NS='for t in mnt uts ipc net cgroup pid time user; do readlink /proc/self/ns/$t; done'

# ---------------------------------------------------------------------------
# Isolation

@test "hostname: a uts namespace of its own, named after the container, or --hostname" {
	local n1 n2 hosthost
	n1=$(rt_name a)
	n2=$(rt_name b)
	hosthost=$(hostname)
	rt_run --name "$n1" -- sh -c 'hostname; readlink /proc/self/ns/uts' "$n1"
	rt_assert_status 0
	assert_eq "hostname inside (default: the name)" "$(sed -n 1p "$NSW_OUT")" "$n1"
	assert_ne "uts namespace inside" "$(sed -n 2p "$NSW_OUT")" "uts:[$(host_ns uts)]"
	rt_run --name "$n2" --hostname "web-$n2" -- sh -c 'hostname; cat /proc/sys/kernel/hostname' "$n2"
	rt_assert_status 0
	assert_eq "hostname inside (--hostname)" "$(sed -n 1p "$NSW_OUT")" "web-$n2"
	assert_eq "kernel.hostname inside (--hostname)" "$(sed -n 2p "$NSW_OUT")" "web-$n2"
	assert_eq "the host's hostname afterwards" "$(hostname)" "$hosthost"
}

@test "the command is PID 1 and /proc shows only the container's processes" {
	local n sleeper want got
	n=$(rt_name p)
	# Nothing forks between the sleep and the listing: /proc must hold the
	# shell (pid 1) and the sleep, and nothing else.
	rt_run --name "$n" -- sh -c '
		echo "self $$"
		sleep 30 &
		echo "sleep $!"
		for p in /proc/[0-9]*; do echo "proc ${p#/proc/}"; done
		echo "last1 $(tr "\0" "\n" </proc/1/cmdline | tail -n 1)"
		kill $!' "$n"
	rt_assert_status 0
	assert_eq "\$\$ of the command" "$(awk '$1 == "self" {print $2}' "$NSW_OUT")" 1
	sleeper=$(awk '$1 == "sleep" {print $2}' "$NSW_OUT")
	want=$(printf '%s\n' 1 "$sleeper" | sort -n | tr '\n' ' ')
	got=$(awk '$1 == "proc" {print $2}' "$NSW_OUT" | sort -n | tr '\n' ' ')
	assert_eq "the pids in the container's /proc" "$got" "$want"
	# pid 1 there is the container's command, whose last argument is $n
	assert_eq "last argument of /proc/1/cmdline inside" "$(awk '$1 == "last1" {print $2}' "$NSW_OUT")" "$n"
}

@test "--net none (the default): only lo, in a network namespace of its own" {
	local n mode
	for mode in none default; do
		n=$(rt_name "$mode")
		if [ "$mode" = none ]; then
			rt_run --name "$n" --net none -- sh -c 'ls /sys/class/net; readlink /proc/self/ns/net; cat /sys/class/net/lo/operstate' "$n"
		else
			rt_run --name "$n" -- sh -c 'ls /sys/class/net; readlink /proc/self/ns/net; cat /sys/class/net/lo/operstate' "$n"
		fi
		rt_assert_status 0
		assert_eq "interfaces inside (--net $mode)" "$(sed -n 1p "$NSW_OUT")" lo
		assert_ne "net namespace inside (--net $mode)" "$(sed -n 2p "$NSW_OUT")" "net:[$(host_ns net)]"
		# lo is up: its operstate is "unknown" (a loopback has no carrier), not "down"
		assert_eq "operstate of lo inside (--net $mode)" "$(sed -n 3p "$NSW_OUT")" unknown
		assert_eq "lines printed (--net $mode)" "$(wc -l <"$NSW_OUT")" 3
	done
}

@test "--net bridge: eth0 with a 10.89.0.x address the host reaches; veth and bridge go with it" {
	local n addr ip4 iflink veth got end
	n=$(rt_name br)
	rt_volume
	rt_run -d --name "$n" --net bridge -v "$VOL:/home" -- sh -c '
		ip -4 -o addr show dev eth0 >/home/addr.tmp && mv /home/addr.tmp /home/addr
		cat /sys/class/net/eth0/iflink >/home/iflink
		while :; do nc -l -p 8080 -e echo "hi from $0"; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/addr"
	rt_wait_file "$VOL/iflink"
	addr=$(awk '{for (i = 1; i < NF; i++) if ($i == "inet") print $(i + 1)}' "$VOL/addr")
	if ! [[ $addr =~ ^10\.89\.0\.([0-9]+)/24$ ]] || [ "${BASH_REMATCH[1]}" -lt 2 ] || [ "${BASH_REMATCH[1]}" -gt 254 ]; then
		fail "eth0's address inside is '$addr', not 10.89.0.x/24 (x in 2..254): $(cat "$VOL/addr")"
	fi
	ip4=${addr%/24}
	assert_ne "net namespace of the container" "$(ns_of "$INIT_PID" net)" "$(host_ns net)"
	# The host end of the pair: a veth nswv*, a port of nswatch0.
	iflink=$(cat "$VOL/iflink")
	veth=$(rt_ifname "$iflink") || fail "no host interface with index $iflink (eth0's peer)"
	RT_VETHS+=("$veth")
	[[ $veth == nswv* ]] || fail "eth0's host peer is '$veth', not nswv*"
	assert_eq "master of $veth" "$(basename "$(readlink "/sys/class/net/$veth/master")")" nswatch0
	ip -4 -o addr show dev nswatch0 | grep -q ' inet 10\.89\.0\.1/24 ' ||
		fail "nswatch0 does not hold 10.89.0.1/24: $(ip -4 -o addr show dev nswatch0)"
	# The host reaches the container's server.
	[ -x /bin/busybox ] || fail "the host has no /bin/busybox (busybox-static) for nc"
	end=$((SECONDS + 10))
	while [ "$SECONDS" -lt "$end" ]; do
		got=$(timeout 2 /bin/busybox nc "$ip4" 8080 </dev/null 2>/dev/null) || true
		[ -n "$got" ] && break
		sleep 0.1
	done
	assert_eq "what the host read from $ip4:8080" "$got" "hi from $n"
	rt_nsw rm -f "$n"
	rt_assert_status 0
	rt_wait_gone "$INIT_PID" "$INIT_START"
	[ ! -e "/sys/class/net/$veth" ] || fail "the host veth $veth is still there after rm -f"
	local left
	left=$(rt_net_leftovers)
	[ -z "$left" ] || fail "after rm -f: $left"
}

@test "--net bridge, twice: distinct addresses, reachable from each other; the bridge stays until the last goes" {
	local a b n va vb ia ib pa pb ea eb got end
	a=$(rt_name bra)
	b=$(rt_name brb)
	rt_volume
	va=$VOL
	rt_volume
	vb=$VOL
	for n in "$a" "$b"; do
		[ "$n" = "$a" ] && VOL=$va || VOL=$vb
		rt_run -d --name "$n" --net bridge -v "$VOL:/home" -- sh -c '
			ip -4 -o addr show dev eth0 >/home/addr.tmp && mv /home/addr.tmp /home/addr
			cat /sys/class/net/eth0/iflink >/home/iflink
			while :; do nc -l -p 8080 -e echo "hi from $0"; done' "$n"
		rt_assert_status 0
	done
	rt_find_init "$a"
	pa=$INIT_PID
	rt_find_init "$b"
	pb=$INIT_PID
	rt_wait_file "$va/iflink"
	rt_wait_file "$vb/iflink"
	ia=$(awk '{for (i = 1; i < NF; i++) if ($i == "inet") print $(i + 1)}' "$va/addr")
	ib=$(awk '{for (i = 1; i < NF; i++) if ($i == "inet") print $(i + 1)}' "$vb/addr")
	[[ $ia == 10.89.0.*/24 && $ib == 10.89.0.*/24 ]] || fail "addresses inside: '$ia' and '$ib'"
	assert_ne "the second container's address" "$ib" "$ia"
	assert_ne "the second container's net namespace" "$(ns_of "$pb" net)" "$(ns_of "$pa" net)"
	ea=$(rt_ifname "$(cat "$va/iflink")") || fail "no host peer of $a's eth0"
	eb=$(rt_ifname "$(cat "$vb/iflink")") || fail "no host peer of $b's eth0"
	RT_VETHS+=("$ea" "$eb")
	assert_ne "host veth of the second container" "$eb" "$ea"
	# b reaches a's server through the bridge.
	end=$((SECONDS + 10))
	while [ "$SECONDS" -lt "$end" ]; do
		rt_nsw exec "$b" sh -c "nc ${ia%/24} 8080 </dev/null"
		got=$(cat "$NSW_OUT")
		[ -n "$got" ] && break
		sleep 0.1
	done
	assert_eq "what $b read from ${ia%/24}:8080" "$got" "hi from $a"
	# a goes: the bridge stays for b, with b's veth on it.
	rt_nsw rm -f "$a"
	rt_assert_status 0
	[ ! -e "/sys/class/net/$ea" ] || fail "$a's veth $ea is still there after rm -f"
	[ -e /sys/class/net/nswatch0 ] || fail "nswatch0 went away while $b still runs on it"
	assert_eq "master of $b's veth" "$(basename "$(readlink "/sys/class/net/$eb/master")")" nswatch0
	# b goes: so does the bridge (unless another container uses it).
	rt_nsw rm -f "$b"
	rt_assert_status 0
	[ ! -e "/sys/class/net/$eb" ] || fail "$b's veth $eb is still there after rm -f"
	local left
	left=$(rt_net_leftovers)
	[ -z "$left" ] || fail "after the last rm -f: $left"
}

@test "all eight namespaces are new, and they are the init's /proc/PID/ns seen from the host" {
	local n t inside host
	n=$(rt_name ns)
	rt_volume
	rt_run -d --name "$n" -v "$VOL:/home" -- sh -c "$READ_NS >/home/ns.tmp; mv /home/ns.tmp /home/ns; while :; do sleep 1; done" "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/ns"
	assert_eq "lines read inside" "$(wc -l <"$VOL/ns")" 8
	for t in $RT_NS_TYPES; do
		inside=$(grep "^$t:" "$VOL/ns")
		host=$(host_ns "$t")
		assert_ne "$t namespace inside" "$inside" "$t:[$host]"
		assert_eq "$t namespace inside vs /proc/$INIT_PID/ns/$t on the host" "$inside" "$t:[$(ns_of "$INIT_PID" "$t")]"
	done
}

@test "--ns mnt,pid: those two are new, the other six are the host's" {
	local n t got
	n=$(rt_name ns2)
	rt_run --name "$n" --ns mnt,pid -- sh -c "echo \$\$; $READ_NS" "$n"
	rt_assert_status 0
	assert_eq "\$\$ inside" "$(sed -n 1p "$NSW_OUT")" 1
	for t in $RT_NS_TYPES; do
		got=$(grep "^$t:" "$NSW_OUT")
		case $t in
		mnt | pid) assert_ne "$t namespace inside" "$got" "$t:[$(host_ns "$t")]" ;;
		*) assert_eq "$t namespace inside" "$got" "$t:[$(host_ns "$t")]" ;;
		esac
	done
}

@test "as root: uid 0 inside is an unprivileged uid of its own on the host" {
	local n base uid gid inside
	n=$(rt_name uid)
	rt_volume
	rt_run -d --name "$n" -v "$VOL:/home" -- sh -c '
		{ id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; } >/home/id.tmp
		mv /home/id.tmp /home/id
		while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/id"
	# The map as the host reads it: 0 BASE COUNT.
	read -r inside base count <"/proc/$INIT_PID/uid_map"
	assert_eq "first id of the init's uid map (host view)" "$inside" 0
	if [ "$base" -lt "$RT_IDBASE" ] || [ "$count" -lt 1 ]; then
		fail "the init's uid map is '$(cat "/proc/$INIT_PID/uid_map")': expected 0 -> a range at or above $RT_IDBASE"
	fi
	uid=$(rt_status_line "$INIT_PID" Uid)
	gid=$(rt_status_line "$INIT_PID" Gid)
	assert_eq "Uid line of the init on the host (real effective saved fs)" "$uid" "$base $base $base $base"
	assert_eq "Gid line of the init on the host" "$gid" "$(awk '{print $2" "$2" "$2" "$2}' "/proc/$INIT_PID/gid_map")"
	if [ "$(awk '{print $2}' "/proc/$INIT_PID/gid_map")" -lt "$RT_IDBASE" ]; then
		fail "the init's gid map is '$(cat "/proc/$INIT_PID/gid_map")'"
	fi
	assert_eq "id -u inside" "$(sed -n 1p "$VOL/id")" 0
	assert_eq "id -g inside" "$(sed -n 2p "$VOL/id")" 0
	assert_eq "uid_map inside" "$(sed -n 3p "$VOL/id" | tr -s ' ' | sed 's/^ //')" "0 $base $count"
}

@test "as root: the rootfs is idmapped: root-owned inside; what root writes lands in its own layer, owned by its host uid, not in the rootfs" {
	local n f up base gbase
	n=$(rt_name idm)
	f=$RT_ROOTFS/tmp/$n
	RT_TMP+=("$f")
	rt_volume
	rt_run -d --name "$n" --rootfs "$RT_ROOTFS" -v "$VOL:/home" -- sh -c '
		{ stat -c "%u %g %n" / /bin /bin/busybox /etc/passwd /root; touch /tmp/$0
		  stat -c "%u %g %n" /tmp/$0; id -u; } >/home/out.tmp
		mv /home/out.tmp /home/out
		while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/out"
	assert_eq "owners inside" "$(head -n 5 "$VOL/out" | tr '\n' ' ')" "0 0 / 0 0 /bin 0 0 /bin/busybox 0 0 /etc/passwd 0 0 /root "
	assert_eq "owner inside of the file root created" "$(sed -n 6p "$VOL/out")" "0 0 /tmp/$n"
	assert_eq "id -u inside" "$(sed -n 7p "$VOL/out")" 0
	# On disk the file is in the container's own layer, owned by the
	# container's host uid (its root), and the rootfs has no such file.
	read -r _ base _ <"/proc/$INIT_PID/uid_map"
	read -r _ gbase _ <"/proc/$INIT_PID/gid_map"
	up=$RT_STATE/$n/layer/upper/tmp/$n
	assert_eq "owner on the host of the file the container's root created (in its layer)" \
		"$(stat -c '%u %g' "$up" 2>&1)" "$base $gbase"
	[ ! -e "$f" ] || fail "the container's write reached the rootfs: $f exists"
	rt_nsw rm -f "$n"
	rt_assert_status 0
	[ ! -e "$RT_STATE/$n" ] || fail "$RT_STATE/$n (and its layer) is left after rm -f: $(find "$RT_STATE/$n" | head)"
}

@test "rootless: uid 0 inside is the user's own uid outside; state in /tmp/nswatch-UID" {
	local n
	n=$(rt_name rl)
	rt_rootless_setup
	rt_volume
	rt_user_nsw run -d --rootfs "$RT_ROOTLESS/rootfs" --name "$n" -v "$VOL:/home" -- sh -c '
		{ id -u; cat /proc/self/uid_map /proc/self/gid_map; } >/home/id.tmp
		mv /home/id.tmp /home/id
		while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/id"
	assert_eq "id -u inside" "$(sed -n 1p "$VOL/id")" 0
	assert_eq "uid_map inside" "$(sed -n 2p "$VOL/id" | tr -s ' ' | sed 's/^ //')" "0 $RT_USER 1"
	assert_eq "gid_map inside" "$(sed -n 3p "$VOL/id" | tr -s ' ' | sed 's/^ //')" "0 $RT_USER 1"
	assert_eq "Uid line of the init on the host" "$(rt_status_line "$INIT_PID" Uid)" "$RT_USER $RT_USER $RT_USER $RT_USER"
	assert_eq "Gid line of the init on the host" "$(rt_status_line "$INIT_PID" Gid)" "$RT_USER $RT_USER $RT_USER $RT_USER"
	assert_ne "user namespace of the init" "$(ns_of "$INIT_PID" user)" "$(host_ns user)"
	[ -d "$RT_USER_STATE/$n" ] || fail "no state directory $RT_USER_STATE/$n while the rootless container runs"
	assert_eq "owner of $RT_USER_STATE/$n" "$(stat -c %u "$RT_USER_STATE/$n")" "$RT_USER"
	[ ! -e "$RT_STATE/$n" ] || fail "the rootless container has state in $RT_STATE"
	rt_user_nsw rm -f "$n"
	rt_assert_status 0
	rt_wait_gone "$INIT_PID" "$INIT_START"
	[ ! -e "$RT_USER_STATE/$n" ] || fail "$RT_USER_STATE/$n is still there after rm -f"
}

# run_many RUNNER N: N runs of `sh -c 'exit 5'`, four at a time, through
# RUNNER (rt_as_user or root's nswatch): every one must start and give 5.
run_many() {
	local runner=$1 per=$(($2 / 4)) j i n st pids=() bad
	for j in 1 2 3 4; do
		(
			for i in $(seq "$per"); do
				n=$(rt_name "m$j-$i")
				st=0
				if [ "$runner" = user ]; then
					rt_as_user run --rootfs "$RT_ROOTLESS/rootfs" --name "$n" -- sh -c 'exit 5' "$n" \
						</dev/null >/dev/null 2>>"$BATS_TEST_TMPDIR/err$j" || st=$?
				else
					timeout "$RT_TIMEOUT" "$NSWATCH" run --name "$n" --pids-limit 16 -- sh -c 'exit 5' "$n" \
						</dev/null >/dev/null 2>>"$BATS_TEST_TMPDIR/err$j" || st=$?
				fi
				echo "$st"
			done >"$BATS_TEST_TMPDIR/st$j"
		) 3>&- &
		pids+=($!)
	done
	wait "${pids[@]}"
	bad=$(cat "$BATS_TEST_TMPDIR"/st? | grep -cvx 5) || true
	if [ "$bad" != 0 ]; then
		fail "$bad of $2 runs did not give the command's status 5; their errors:
$(cat "$BATS_TEST_TMPDIR"/err? | grep -v 'note: rootless' | sort | uniq -c)"
	fi
	assert_eq "runs that reported a status" "$(cat "$BATS_TEST_TMPDIR"/st? | wc -l)" "$2"
}

@test "rootless: 100 runs, four at a time, all start" {
	rt_rootless_setup
	run_many user 100
}

@test "as root: 100 runs with a cgroup limit, four at a time, all start" {
	run_many root 100
}

@test "rootless: ps shows the init's namespace inodes" {
	local n t got
	n=$(rt_name rlps)
	rt_rootless_setup
	rt_user_nsw run -d --rootfs "$RT_ROOTLESS/rootfs" --name "$n" -- sh -c 'while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_user_nsw ps --json
	rt_assert_status 0
	for t in $RT_NS_TYPES; do
		got=$(jq -r --arg n "$n" --arg t "$t" 'select(.name == $n) | .namespaces[$t]' "$NSW_OUT")
		assert_eq "ps --json .namespaces.$t (as uid $RT_USER)" "$got" "$(ns_of "$INIT_PID" "$t")"
	done
}

# ---------------------------------------------------------------------------
# The container's process

@test "exit status: exit 3 gives 3" {
	rt_run --name "$(rt_name e3)" -- sh -c 'exit 3'
	rt_assert_status 3
}

@test "a command that is not in the rootfs gives 127, naming it" {
	rt_run --name "$(rt_name e127)" -- nsw-no-such-command arg
	rt_assert_status 127
	rt_assert_err nsw-no-such-command
}

@test "a file that is not executable gives 126, naming it" {
	[ -f "$RT_ROOTFS/etc/passwd" ] || fail "the rootfs has no /etc/passwd"
	[ ! -x "$RT_ROOTFS/etc/passwd" ] || fail "/etc/passwd of the rootfs is executable"
	rt_run --name "$(rt_name e126)" --rootfs "$RT_ROOTFS" -- /etc/passwd
	rt_assert_status 126
	rt_assert_err /etc/passwd
}

@test "killed by SIGKILL (nswatch kill NAME KILL) gives 137" {
	local n
	n=$(rt_name k9)
	rt_run_bg --name "$n" -- sh -c 'while :; do sleep 0.1; done' "$n"
	rt_find_init "$n"
	timeout 10 "$NSWATCH" kill "$n" KILL </dev/null 3>&- || fail "nswatch kill $n KILL failed"
	nsw_wait_tracer 15
	rt_assert_status 137
	rt_wait_gone "$INIT_PID" "$INIT_START"
}

@test "SIGTERM to the nswatch run process is forwarded to the container's init" {
	local n mon
	n=$(rt_name term)
	rt_run_bg --name "$n" -- sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' "$n"
	rt_find_init "$n"
	rt_wait_sigcgt "$INIT_PID" 15
	# nswatch run is timeout's child, and the init's parent.
	mon=$(rt_child_of "$NSW_TRACER_PID")
	assert_eq "parent of the init" "$(rt_status_field "$INIT_PID" PPid)" "$mon"
	kill -TERM "$mon"
	nsw_wait_tracer 15
	rt_assert_status 7
	rt_wait_gone "$INIT_PID" "$INIT_START"
}

@test "stdin, stdout and stderr pass through" {
	local in="$BATS_TEST_TMPDIR/in"
	printf 'hi\nthere\n' >"$in"
	RT_STDIN=$in rt_run --name "$(rt_name io)" -- sh -c 'cat; echo to-stderr >&2'
	rt_assert_status 0
	assert_eq "stdout" "$(cat "$NSW_OUT")" "hi
there"
	assert_eq "stderr" "$(cat "$NSW_ERR")" "to-stderr"
	# and through a pipe
	local out
	out=$(echo piped | timeout "$RT_TIMEOUT" "$NSWATCH" run --name "$(rt_name io2)" -- cat 3>&-)
	assert_eq "echo piped | nswatch run -- cat" "$out" piped
}

@test "--detach prints the name and returns 0 while the container runs on" {
	local n
	n=$(rt_name det)
	rt_run -d --name "$n" -- sh -c 'while :; do sleep 0.2; done' "$n"
	rt_assert_status 0
	assert_eq "stdout of run -d" "$(cat "$NSW_OUT")" "$n"
	rt_find_init "$n" 2
	assert_eq "comm of the running init" "$(cat "/proc/$INIT_PID/comm")" sh
	sleep 0.5
	rt_alive "$INIT_PID" "$INIT_START" || fail "the detached container's init exited"
}

@test "--detach: the container's stdio is /dev/null and output.log, not the caller's" {
	local n fd
	n=$(rt_name detlog)
	rt_run -d --name "$n" -- sh -c 'echo "out $0"; echo "err $0" >&2; while :; do sleep 0.2; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	# The kernel's word on where the init's descriptors lead.
	assert_eq "stdin of the init" "$(readlink "/proc/$INIT_PID/fd/0")" /dev/null
	for fd in 1 2; do
		assert_eq "fd $fd of the init" "$(readlink "/proc/$INIT_PID/fd/$fd")" "$RT_STATE/$n/output.log"
	done
	rt_wait_file "$RT_STATE/$n/output.log"
	sleep 0.2
	assert_eq "output.log" "$(sort "$RT_STATE/$n/output.log")" "err $n
out $n"
	assert_eq "stdout of run -d" "$(cat "$NSW_OUT")" "$n"
	assert_eq "stderr of run -d" "$(cat "$NSW_ERR")" ""
}

@test "--detach in a command substitution returns at once" {
	local n out t0 t1
	n=$(rt_name detsub)
	t0=$(date +%s%N)
	# The container ends by itself after 3 s: if it holds the pipe, the
	# substitution returns only then.
	out=$(timeout 20 "$NSWATCH" run -d --name "$n" -- sh -c 'sleep 3' "$n" 2>/dev/null 3>&-)
	t1=$(date +%s%N)
	assert_eq "output of \$(nswatch run -d ...)" "$out" "$n"
	if [ $(((t1 - t0) / 1000000)) -ge 2000 ]; then
		fail "\$(nswatch run -d ...) took $(((t1 - t0) / 1000000)) ms: it waited for the container, which holds the caller's stdout"
	fi
}

# ---------------------------------------------------------------------------
# Management

# start_sleeper NAME [RUN_OPTIONS...]: a detached container that waits;
# INIT_PID is its init.
start_sleeper() {
	local n=$1
	shift
	rt_run -d --name "$n" "$@" -- sh -c 'trap "exit 7" TERM; while :; do sleep 0.2; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
}

@test "ps lists a running container with its init pid and namespace inodes" {
	local n hdr row i t
	declare -A col
	n=$(rt_name ps)
	start_sleeper "$n"
	rt_nsw ps
	rt_assert_status 0
	hdr=$(head -n1 "$NSW_OUT")
	row=$(awk -v n="$n" '$1 == n' "$NSW_OUT")
	[ -n "$row" ] || fail "ps has no row for $n"
	read -ra H <<<"$hdr"
	read -ra R <<<"$row"
	assert_eq "columns in the row (as in the header)" "${#R[@]}" "${#H[@]}"
	for i in "${!H[@]}"; do
		col[${H[$i]}]=${R[$i]}
	done
	assert_eq "PID column" "${col[PID]}" "$INIT_PID"
	assert_eq "STATUS column" "${col[STATUS]}" running
	for t in $RT_NS_TYPES; do
		assert_eq "$t column" "${col[$t]}" "$(ns_of "$INIT_PID" "$t")"
	done
}

@test "ps --json: the same facts, one object per line" {
	local n t obj
	n=$(rt_name psj)
	start_sleeper "$n"
	rt_nsw ps --json
	rt_assert_status 0
	jq -e . "$NSW_OUT" >/dev/null || fail "ps --json is not JSON"
	obj=$(jq -c --arg n "$n" 'select(.name == $n)' "$NSW_OUT")
	assert_eq "objects named $n" "$(grep -c . <<<"$obj")" 1
	assert_eq ".pid" "$(jq -r .pid <<<"$obj")" "$INIT_PID"
	assert_eq ".status" "$(jq -r .status <<<"$obj")" running
	for t in $RT_NS_TYPES; do
		assert_eq ".namespaces.$t" "$(jq -r --arg t "$t" '.namespaces[$t]' <<<"$obj")" "$(ns_of "$INIT_PID" "$t")"
	done
}

@test "exec NAME lands in exactly the container's eight namespaces" {
	local n t got
	n=$(rt_name ex)
	start_sleeper "$n"
	rt_nsw exec "$n" sh -c "$READ_NS"
	rt_assert_status 0
	for t in $RT_NS_TYPES; do
		got=$(grep "^$t:" "$NSW_OUT")
		assert_eq "$t namespace of the exec'd command" "$got" "$t:[$(ns_of "$INIT_PID" "$t")]"
	done
}

@test "exec: the exit status is the command's; a missing command gives 127" {
	local n
	n=$(rt_name ex2)
	start_sleeper "$n"
	rt_nsw exec "$n" sh -c 'exit 42'
	rt_assert_status 42
	rt_nsw exec "$n" sh -c 'echo $(id -u) $PPID'
	rt_assert_status 0
	# pid 0 as the parent: the command's parent is outside the pid namespace
	assert_eq "uid and ppid of the exec'd command" "$(cat "$NSW_OUT")" "0 0"
	rt_nsw exec "$n" nsw-no-such-command
	rt_assert_status 127
	rt_assert_err nsw-no-such-command
	rt_alive "$INIT_PID" "$INIT_START" || fail "the container died during exec"
}

@test "exec -u -w -e: the command runs as that user, there, with that variable" {
	local n
	n=$(rt_name ex3)
	start_sleeper "$n"
	rt_nsw exec -u 1000:1001 -w /etc -e NSW_X=hello "$n" sh -c 'id -u; id -g; readlink /proc/self/cwd; echo "$NSW_X"'
	rt_assert_status 0
	assert_eq "id -u, id -g, cwd, NSW_X of the exec'd command" "$(tr '\n' ' ' <"$NSW_OUT")" "1000 1001 /etc hello "
}

@test "exec and kill refuse a container that does not exist, or whose init is gone" {
	local n mon
	n=$(rt_name gone)
	rt_nsw exec "$n" true
	assert_ne "exit status of exec into a missing container" "$NSW_STATUS" 0
	rt_assert_err "$n"
	rt_nsw kill "$n"
	assert_ne "exit status of kill of a missing container" "$NSW_STATUS" 0
	rt_assert_err "$n"
	start_sleeper "$n"
	mon=$(rt_status_field "$INIT_PID" PPid)
	kill -KILL "$mon"
	rt_wait_gone "$INIT_PID" "$INIT_START"
	rt_nsw exec "$n" sh -c 'echo RAN'
	assert_ne "exit status of exec into a stopped container" "$NSW_STATUS" 0
	assert_eq "stdout of exec into a stopped container" "$(cat "$NSW_OUT")" ""
	rt_assert_err "$n" "not running"
	rt_nsw kill "$n" KILL
	assert_ne "exit status of kill of a stopped container" "$NSW_STATUS" 0
	rt_assert_err "$n" "not running"
}

@test "kill NAME sends TERM to the init, whose trap runs" {
	local n
	n=$(rt_name kt)
	rt_run_bg --name "$n" -- sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' "$n"
	rt_find_init "$n"
	rt_wait_sigcgt "$INIT_PID" 15
	timeout 10 "$NSWATCH" kill "$n" </dev/null 3>&- || fail "nswatch kill $n failed"
	nsw_wait_tracer 15
	rt_assert_status 7
	rt_wait_gone "$INIT_PID" "$INIT_START"
}

@test "rm refuses a running container; rm -f removes it and everything it held" {
	local n held=() d iflink veth
	n=$(rt_name rm)
	rt_volume
	rt_run -d --name "$n" --net bridge --memory 64m --pids-limit 64 --cpus 1 -v "$VOL:/home" -- \
		sh -c 'cat /sys/class/net/eth0/iflink >/home/iflink; while :; do sleep 0.2; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/iflink"
	veth=$(rt_ifname "$(cat "$VOL/iflink")") || fail "no host peer of eth0"
	RT_VETHS+=("$veth")
	for d in /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/cpu /sys/fs/cgroup/unified; do
		# the init is in <hierarchy>/nswatch/NAME wherever it is
		if [ -d "$d/nswatch/$n" ]; then
			grep -qx "$INIT_PID" "$d/nswatch/$n/cgroup.procs" || fail "the init is not in $d/nswatch/$n"
			held+=("$d/nswatch/$n")
		fi
	done
	[ "${#held[@]}" -ge 3 ] || fail "the container holds only these cgroups: ${held[*]} (memory, pids and cpu limits were asked for)"
	[ -d "$RT_STATE/$n" ] || fail "no state directory $RT_STATE/$n"

	rt_nsw rm "$n"
	assert_ne "exit status of rm (no -f) of a running container" "$NSW_STATUS" 0
	rt_assert_err "$n" running
	rt_alive "$INIT_PID" "$INIT_START" || fail "rm without -f stopped the container"
	for d in "${held[@]}"; do
		[ -d "$d" ] || fail "rm without -f removed $d"
	done

	rt_nsw rm -f "$n"
	rt_assert_status 0
	rt_wait_gone "$INIT_PID" "$INIT_START"
	for d in "${held[@]}" "$RT_STATE/$n"; do
		[ ! -e "$d" ] || fail "$d is still there after rm -f"
	done
	[ ! -e "/sys/class/net/$veth" ] || fail "veth $veth is still there after rm -f"
}

@test "rm cleans up after a container whose monitor died" {
	local n mon d held=()
	n=$(rt_name orphan)
	start_sleeper "$n" --pids-limit 32
	mon=$(rt_status_field "$INIT_PID" PPid)
	assert_eq "comm of the init's parent (the monitor)" "$(cat "/proc/$mon/comm")" nswatch
	kill -KILL "$mon"
	# The init dies with its monitor (parent-death signal).
	rt_wait_gone "$INIT_PID" "$INIT_START"
	for d in /sys/fs/cgroup/*/nswatch/"$n"; do
		[ -d "$d" ] && held+=("$d")
	done
	[ "${#held[@]}" -gt 0 ] || fail "the killed monitor left no cgroup behind: the test proves nothing"
	[ -d "$RT_STATE/$n" ] || fail "the killed monitor left no state behind: the test proves nothing"
	rt_nsw rm "$n"
	rt_assert_status 0
	for d in "${held[@]}" "$RT_STATE/$n"; do
		[ ! -e "$d" ] || fail "$d is still there after rm"
	done
}

# ---------------------------------------------------------------------------
# Volumes, read-only root, workdir, env, user

@test "-v SRC:DST: a file written inside is on the host, owned by the container's root" {
	local n
	n=$(rt_name vol)
	rt_volume
	echo from-host >"$VOL/in"
	rt_run -d --name "$n" -v "$VOL:/home" -- sh -c 'cat /home/in >/home/out.tmp && mv /home/out.tmp /home/out; while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/out"
	assert_eq "the file written inside, read on the host" "$(cat "$VOL/out")" from-host
	assert_eq "its owner on the host (the init's uid)" "$(stat -c %u "$VOL/out")" "$(rt_status_field "$INIT_PID" Uid)"
}

@test "-v SRC:DST:ro: readable, not writable" {
	local n
	n=$(rt_name volro)
	rt_volume
	echo from-host >"$VOL/in"
	rt_run --name "$n" -v "$VOL:/home:ro" -- sh -c 'cat /home/in; echo x >/home/new && echo WROTE; echo x >>/home/in && echo APPENDED; exit 0'
	rt_assert_status 0
	assert_eq "stdout" "$(cat "$NSW_OUT")" from-host
	rt_assert_err "Read-only file system"
	[ ! -e "$VOL/new" ] || fail "a file appeared in the read-only volume"
	assert_eq "the host file" "$(cat "$VOL/in")" from-host
}

@test "--read-only: the root cannot be written, a volume still can" {
	local n rootfs
	n=$(rt_name rofs)
	rootfs=$RT_ROOTFS
	RT_TMP+=("$rootfs/$n" "$rootfs/tmp/$n")
	rt_volume
	rt_run --name "$n" --rootfs "$rootfs" --read-only -v "$VOL:/home" -- sh -c '
		touch /$0; echo "root $?"
		touch /tmp/$0; echo "tmp $?"
		echo hi >/home/$0; echo "vol $?"' "$n"
	rt_assert_status 0
	assert_eq "status of touch /$n" "$(awk '$1 == "root" {print $2}' "$NSW_OUT")" 1
	assert_eq "status of touch /tmp/$n" "$(awk '$1 == "tmp" {print $2}' "$NSW_OUT")" 1
	assert_eq "status of the write to the volume" "$(awk '$1 == "vol" {print $2}' "$NSW_OUT")" 0
	rt_assert_err "Read-only file system"
	[ ! -e "$rootfs/$n" ] || fail "$rootfs/$n was created"
	[ ! -e "$rootfs/tmp/$n" ] || fail "$rootfs/tmp/$n was created"
	assert_eq "the file in the volume, on the host" "$(cat "$VOL/$n")" hi
}

@test "--workdir and --env" {
	local n
	n=$(rt_name wd)
	rt_run --name "$n" --workdir /etc -e NSW_A=one -e "NSW_B=two words" -- \
		sh -c 'readlink /proc/self/cwd; echo "$NSW_A"; echo "$NSW_B"; ls passwd'
	rt_assert_status 0
	assert_eq "cwd of the command" "$(sed -n 1p "$NSW_OUT")" /etc
	assert_eq "NSW_A" "$(sed -n 2p "$NSW_OUT")" one
	assert_eq "NSW_B" "$(sed -n 3p "$NSW_OUT")" "two words"
	assert_eq "a relative path from the workdir" "$(sed -n 4p "$NSW_OUT")" passwd
}

@test "--user 1000:1000: uid 1000 inside, the container's base + 1000 on the host" {
	local n base
	n=$(rt_name usr)
	rt_volume
	rt_run -d --name "$n" --user 1000:1000 -v "$VOL:/home" -- sh -c '{ id -u; id -g; } >/home/id.tmp; mv /home/id.tmp /home/id; while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/id"
	assert_eq "id -u inside" "$(sed -n 1p "$VOL/id")" 1000
	assert_eq "id -g inside" "$(sed -n 2p "$VOL/id")" 1000
	read -r _ base _ <"/proc/$INIT_PID/uid_map"
	[ "$base" -ge "$RT_IDBASE" ] || fail "the container's uid base $base is below $RT_IDBASE"
	assert_eq "Uid line of the init on the host" "$(rt_status_line "$INIT_PID" Uid)" \
		"$((base + 1000)) $((base + 1000)) $((base + 1000)) $((base + 1000))"
	read -r _ base _ <"/proc/$INIT_PID/gid_map"
	assert_eq "Gid line of the init on the host" "$(rt_status_line "$INIT_PID" Gid)" \
		"$((base + 1000)) $((base + 1000)) $((base + 1000)) $((base + 1000))"
}

# ---------------------------------------------------------------------------
# Errors: a non-zero exit, a message naming the problem, nothing left
# (rt_check_refused, and the teardown checks the state directories, cgroups,
# processes and interfaces).

@test "error: the rootfs does not exist" {
	rt_check_refused 125 "/nonexistent/$RT_PREFIX" "$(rt_name nofs)" --rootfs "/nonexistent/$RT_PREFIX"
}

@test "error: the rootfs is not a directory" {
	local f="$BATS_TEST_TMPDIR/plainfile"
	echo x >"$f"
	rt_check_refused 125 "not a directory" "$(rt_name filefs)" --rootfs "$f"
	rt_assert_err "$f"
}

@test "error: the name is taken by a running container, which is left alone" {
	local n t
	n=$(rt_name dup)
	start_sleeper "$n"
	rt_run --name "$n" -- sh -c 'echo RAN'
	assert_ne "exit status of the second run" "$NSW_STATUS" 0
	rt_assert_err "$n" taken
	assert_eq "stdout of the second run" "$(cat "$NSW_OUT")" ""
	rt_alive "$INIT_PID" "$INIT_START" || fail "the first container died"
	[ -f "$RT_STATE/$n/state.json" ] || fail "the first container's state is gone"
	[ -d "/sys/fs/cgroup/unified/nswatch/$n" ] || fail "the first container's cgroup is gone"
	grep -qx "$INIT_PID" "/sys/fs/cgroup/unified/nswatch/$n/cgroup.procs" ||
		fail "the first container's init left its cgroup"
	# and it still works
	rt_nsw exec "$n" sh -c "$READ_NS"
	rt_assert_status 0
	for t in $RT_NS_TYPES; do
		assert_eq "exec into the first container ($t)" "$(grep "^$t:" "$NSW_OUT")" "$t:[$(ns_of "$INIT_PID" "$t")]"
	done
}

@test "error: invalid names" {
	local bad
	for bad in ".$RT_PREFIX-x" "$RT_PREFIX/x" "$RT_PREFIX x" "-$RT_PREFIX" "$RT_PREFIX-$(printf 'x%.0s' $(seq 128))"; do
		rt_run --name "$bad" -- sh -c 'echo RAN'
		rt_assert_status 2
		rt_assert_err "$bad" "--name"
		assert_eq "stdout" "$(cat "$NSW_OUT")" ""
		[ ! -e "$RT_STATE/$bad" ] || fail "$RT_STATE/$bad was created"
	done
}

@test "error: bad --uid-map" {
	rt_check_refused 2 "0:1" "$(rt_name map1)" --uid-map 0:1
	rt_check_refused 2 "x:0:1" "$(rt_name map2)" --uid-map x:0:1
	rt_check_refused 2 "0:100000:0" "$(rt_name map3)" --uid-map 0:100000:0
	# well-formed, but the container's root would not be mapped
	rt_check_refused 125 "map" "$(rt_name map4)" --uid-map 1:100000:65536
}

@test "error: bad --memory" {
	rt_check_refused 2 "12q" "$(rt_name mem1)" --memory 12q
	rt_check_refused 2 "100" "$(rt_name mem2)" --memory 100
	rt_check_refused 2 "-1m" "$(rt_name mem3)" --memory -1m
}

@test "error: --net bridge as an ordinary user" {
	local n
	n=$(rt_name rlbr)
	rt_rootless_setup
	rt_user_nsw run --rootfs "$RT_ROOTLESS/rootfs" --name "$n" --net bridge -- sh -c 'echo RAN'
	assert_ne "exit status" "$NSW_STATUS" 0
	rt_assert_err "bridge" "root"
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
	[ ! -e "$RT_USER_STATE/$n" ] || fail "$RT_USER_STATE/$n was left behind"
}

@test "error: an unknown --ns type" {
	rt_check_refused 2 "nsw-bogus" "$(rt_name ns)" --ns mnt,nsw-bogus
}

# A mount the init cannot make: the error names that mount once, then why
# (the kernel's errno), and nothing is left behind. (Issue 10, item 3
# changed this test: it used a rootfs whose /dev is a file, which is now
# refused before anything is made; that refusal is checked here too.)
@test "error: a mount that fails in the init names the mount once" {
	local n fs msg
	n=$(rt_name mntfail)
	rt_volume
	# A directory onto a file: the kernel refuses to move a directory
	# mount onto a file, with EINVAL (do_move_mount()).
	rt_run --name "$n" -v "$VOL:/bin/busybox" -- sh -c 'echo RAN' "$n"
	rt_assert_status 125
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
	msg=$(cat "$NSW_ERR")
	assert_eq "times the error names the mount" "$(grep -o "cannot bind $VOL on /bin/busybox" <<<"$msg" | wc -l)" 1
	assert_eq "the error" "$msg" "nswatch: cannot bind $VOL on /bin/busybox: move_mount: Invalid argument"
	[ ! -e "$RT_STATE/$n" ] || fail "$RT_STATE/$n was left behind"

	# A rootfs whose /dev is a file is refused up front, naming it.
	n=$(rt_name devfile)
	fs="$BATS_TEST_TMPDIR/devfile-rootfs"
	cp -a "$RT_ROOTFS/." "$fs"
	rmdir "$fs/dev"
	echo x >"$fs/dev"
	rt_run --name "$n" --rootfs "$fs" -- sh -c 'echo RAN' "$n"
	rt_assert_status 125
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
	assert_eq "the error" "$(cat "$NSW_ERR")" \
		"nswatch: rootfs: $fs/dev is not a directory: /proc, /sys and /dev must be directories of the rootfs"
	[ ! -e "$RT_STATE/$n" ] || fail "$RT_STATE/$n was left behind"
}

@test "error: a --volume whose target cannot be made names the bind once" {
	local n msg
	n=$(rt_name volfail)
	rt_volume
	# /bin/busybox is a file: nothing can be made under it.
	rt_run --name "$n" -v "$VOL:/bin/busybox/sub" -- sh -c 'echo RAN' "$n"
	rt_assert_status 125
	assert_eq "stdout" "$(cat "$NSW_OUT")" ""
	msg=$(cat "$NSW_ERR")
	assert_eq "times the error names the bind" "$(grep -o "on /bin/busybox/sub" <<<"$msg" | wc -l)" 1
	assert_eq "the error" "$msg" \
		"nswatch: cannot bind $VOL on /bin/busybox/sub: no mount target in the rootfs: Not a directory"
	[ ! -e "$RT_STATE/$n" ] || fail "$RT_STATE/$n was left behind"
}

# ---- issue 10, item 4: a container never writes the rootfs it was given ----

# layer_tree_sum DIR: one sum of DIR's tree (every entry's metadata and
# every file's contents).
layer_tree_sum() {
	{
		find "$1" -printf '%p %m %u %g %s %T@ %y %l\n' | sort
		find "$1" -type f -print0 | sort -z | xargs -0 sha256sum
	} | sha256sum
}

@test "rootless: the container writes to its own layer (an overlay it makes in its user namespace), never to the rootfs; rm -f removes the layer" {
	local n sum up
	n=$(rt_name rllayer)
	rt_rootless_setup
	# The user's own rootfs: the container's root owns all of it.
	chown -R "$RT_USER:$RT_USER" "$RT_ROOTLESS/rootfs"
	sum=$(layer_tree_sum "$RT_ROOTLESS/rootfs")
	rt_volume
	rt_user_nsw run -d --rootfs "$RT_ROOTLESS/rootfs" --name "$n" -v "$VOL:/home" -- sh -c '
		{ awk '\''$5 == "/" { for (i = 7; $i != "-"; i++); print $(i + 1) }'\'' /proc/self/mountinfo
		  echo x >/planted && echo planted
		  rm /bin/sh && echo removed
		  rm -r /etc && mkdir /etc && ls -A /etc | wc -l
		  mkdir -p /a/b/c && chmod 0 /a/b/c /a/b && echo modes; } >/home/out.tmp 2>&1
		mv /home/out.tmp /home/out
		while :; do sleep 1; done' "$n"
	rt_assert_status 0
	rt_find_init "$n"
	rt_wait_file "$VOL/out"
	assert_eq "what the rootless container did" "$(cat "$VOL/out")" "overlay
planted
removed
0
modes"
	up=$RT_USER_STATE/$n/layer/upper
	assert_eq "the planted file, in the container's layer" "$(cat "$up/planted")" x
	assert_eq "its owner on disk" "$(stat -c %u "$up/planted")" "$RT_USER"
	assert_eq "sum of the rootfs tree while the container runs" "$(layer_tree_sum "$RT_ROOTLESS/rootfs")" "$sum"
	rt_user_nsw rm -f "$n"
	rt_assert_status 0
	rt_wait_gone "$INIT_PID" "$INIT_START"
	[ ! -e "$RT_USER_STATE/$n" ] || fail "$RT_USER_STATE/$n is left after rm -f: $(find "$RT_USER_STATE/$n" | head)"
	assert_eq "sum of the rootfs tree after" "$(layer_tree_sum "$RT_ROOTLESS/rootfs")" "$sum"
}
