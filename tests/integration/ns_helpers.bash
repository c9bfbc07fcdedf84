# Namespaces of other makers for the ls and table tests: an `ip netns`
# namespace and a runc container, each removed by runc_teardown / the
# runtime teardown (NSW_NETNS).

# ls_netns: an `ip netns` namespace of this test; LS_NETNS, LS_NETNS_INO.
ls_netns() {
	LS_NETNS="ls$$_${BATS_TEST_NUMBER}"
	NSW_NETNS+=("$LS_NETNS")
	ip netns add "$LS_NETNS"
	LS_NETNS_INO=$(stat -L -c %i "/run/netns/$LS_NETNS")
}

# ls_runc: a runc container (id $RT_PREFIX-runc) on a copy of the rootfs;
# LS_RUNC_ID, LS_RUNC_PID.
ls_runc() {
	LS_RUNC_ID=$(rt_name runc)
	LS_BUNDLE=$(mktemp -d /tmp/nswatch-ls-bundle.XXXXXX)
	cp -a "$RT_ROOTFS" "$LS_BUNDLE/rootfs"
	(cd "$LS_BUNDLE" && runc spec)
	jq --arg id "$LS_RUNC_ID" '.process.terminal = false
		| .process.args = ["sh", "-c", "sleep 600; true", $id]
		| .root.path = "rootfs"' "$LS_BUNDLE/config.json" >"$LS_BUNDLE/c.json"
	mv "$LS_BUNDLE/c.json" "$LS_BUNDLE/config.json"
	(cd "$LS_BUNDLE" && timeout 30 runc run -d --pid-file "$LS_BUNDLE/pid" "$LS_RUNC_ID" \
		</dev/null >"$LS_BUNDLE/out" 2>&1 3>&-) || {
		fail "runc run failed: $(cat "$LS_BUNDLE/out")"
		return 1
	}
	LS_RUNC_PID=$(cat "$LS_BUNDLE/pid")
	RT_INITS+=("$LS_RUNC_PID:$(rt_starttime "$LS_RUNC_PID")")
}

# runc_teardown: remove the runc container and bundle of ls_runc, if any;
# fails if the container is still there.
runc_teardown() {
	local st=0
	if [ -n "${LS_RUNC_ID:-}" ]; then
		runc delete -f "$LS_RUNC_ID" >/dev/null 2>&1 || true
		if runc state "$LS_RUNC_ID" >/dev/null 2>&1; then
			echo "runc container $LS_RUNC_ID is still there" >&2
			st=1
		fi
	fi
	[ -n "${LS_BUNDLE:-}" ] && rm -rf "$LS_BUNDLE"
	LS_RUNC_ID="" LS_BUNDLE=""
	return $st
}
