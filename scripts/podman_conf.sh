#!/usr/bin/env bash
# podman_conf.sh DIR: write DIR/storage.conf and DIR/containers.conf, a private
# podman bed for this kind of machine (bench/engines.sh and
# tests/integration/engines.bats use it; point CONTAINERS_STORAGE_CONF and
# CONTAINERS_CONF at them). Storage, run and tmp directories live under DIR.
# podman's default rlimits (1048576) fail in any runtime on a machine without
# CAP_SYS_RESOURCE; with no systemd as PID 1 only the cgroupfs manager works.
set -eu
dir=${1:?usage: podman_conf.sh DIR}
[ -d "$dir" ] || {
	echo "podman_conf.sh: $dir is not a directory" >&2
	exit 1
}
cat >"$dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$dir/run"
CONF
cat >"$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$dir/libpod"
CONF
