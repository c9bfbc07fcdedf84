#!/usr/bin/env bash
# Install every Debian package that building, testing and benchmarking nswatch
# needs on a fresh Debian 12 machine. Safe to run again.
set -euo pipefail

packages=(
	make gcc clang llvm pkg-config
	libbpf-dev bpftool libelf-dev zlib1g-dev
	libjson-c-dev libsmartcols-dev libmount-dev libmnl-dev libcap-dev
	uthash-dev libcmocka-dev bats jq
	busybox-static iproute2 util-linux
	runc bubblewrap hyperfine containerd podman containernetworking-plugins iptables
	libseccomp-dev libclang-rt-14-dev
	qemu-system-x86 e2fsprogs xz-utils zstd file libc6-dev
)

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: run as root (apt-get needs it): sudo $0" >&2
	exit 1
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps.sh: all ${#packages[@]} packages already installed"
	exit 0
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
