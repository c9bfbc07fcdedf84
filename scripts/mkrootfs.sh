#!/usr/bin/env bash
# Build the default container rootfs: Debian's static busybox and its applet
# links, an /etc with root and nobody, and empty mount points. Usage:
#   scripts/mkrootfs.sh DIR
# The tree is made in DIR.tmp and renamed into place, so DIR is whole or absent.
set -euo pipefail

dest=${1:?usage: mkrootfs.sh DIR}
busybox=/bin/busybox

if ! "$busybox" --list >/dev/null 2>&1; then
	echo "mkrootfs.sh: $busybox missing: install busybox-static (scripts/deps.sh)" >&2
	exit 1
fi
ldd_out=$(LC_ALL=C ldd "$busybox" 2>&1 || true)
if ! grep -q "not a dynamic" <<<"$ldd_out"; then
	echo "mkrootfs.sh: $busybox is not static: install busybox-static, not busybox" >&2
	exit 1
fi

tmp="$dest.tmp"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,run,var/tmp,home}
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"
cp "$busybox" "$tmp/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$tmp/$applet" ] || ln -s /bin/busybox "$tmp/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
printf 'nswatch\n' >"$tmp/etc/hostname"
: >"$tmp/etc/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$tmp/etc/hosts"

rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "mkrootfs.sh: busybox rootfs in $dest"
