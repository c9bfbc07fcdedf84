#!/bin/bash
# run.sh [RESULTS_DIR]: nswatch's checks on five kernels (docs/multikernel.md).
#
# Drives the shared harness (../shared/multikernel beside the checkout: Debian
# kernel images booted under qemu, TCG) with the project's own guest checks
# (checks.sh here) and expected outcomes (expect.txt here), then the same
# checks on the host's kernel as the control:
#   1. fetch-kernels.sh   Debian's 5.10, 6.1, 6.12 and newest (sid) images
#   2. mkinitrd.sh        one initramfs with build/nswatch, its libraries
#                         (those it dlopen()s too: user/lib/lazylib.h),
#                         util-linux, nsw_clone3, the rootfs and checks.sh
#   3. boot.sh            each kernel; its RESULT lines in RESULTS_DIR/RELEASE
#   3b. boot.sh           the newest again with lockdown=confidentiality and
#                         only the checks in RESULTS_DIR/RELEASE-lockdown/only
#   4. host-control.sh    the host's kernel, in RESULTS_DIR/host-RELEASE
#   5. table.sh           the kernel x check table (RESULTS_DIR/table.md)
#   6. verdict.sh         each kernel against expect.txt, exactly
# RESULTS_DIR/kernels.txt maps the labels (5.10 6.1 6.12 newest host lockdown) to the
# result directories. Needs root, `make tests-build` (build/nswatch,
# build/rootfs) and the packages scripts/deps.sh installs; fetches about
# 120 MB of kernel packages once (cached in $WORK).
#
# Environment: NSW_SHARED (the shared directory; default ../shared beside the
# checkout, or beside the main checkout of this git worktree), WORK (default
# ${TMPDIR:-/tmp}/nswatch-multikernel, the kernel cache, shared with the
# harness's own run-all.sh), BOOT_TIMEOUT (seconds per boot, default 300),
# and the harness's ACCEL, SMP, MEM, APPEND.
#
# Exit status: 0 every kernel as expected; 1 a kernel was not; 2 the harness
# failed (fetch, initramfs); 3 it cannot run here (what is missing is said
# on stderr: no harness, no qemu, not root).
set -uo pipefail

here=$(dirname "$(readlink -f "$0")")
src=$(cd "$here/../.." && pwd)
t0=$(date +%s)
stamp() { echo "[$(($(date +%s) - t0))s] $*"; }
cannot() { echo "multikernel: cannot run here: $*" >&2; exit 3; }

# The shared directory (scripts/shared_dir.sh: NSW_SHARED, else ../shared).
shared=$(bash "$src/scripts/shared_dir.sh" "$src")
mk=$shared/multikernel
{ [ -x "$mk/boot.sh" ] && [ -x "$mk/fetch-kernels.sh" ]; } ||
	cannot "no harness in $mk (the shared directory beside the checkout; set NSW_SHARED)"
[ "$(id -u)" -eq 0 ] || cannot "needs root (the host control, mknod in the initramfs)"
for c in qemu-system-x86_64 busybox gcc mke2fs xz zstd file apt-get dpkg-deb; do
	command -v $c >/dev/null || cannot "no $c (bash scripts/deps.sh installs it)"
done
file -L "$(command -v busybox)" | grep -q 'statically linked' ||
	cannot "busybox is not static (bash scripts/deps.sh installs busybox-static)"
{ [ -x "$src/build/nswatch" ] && [ -d "$src/build/rootfs" ]; } ||
	{ echo "multikernel: no build/nswatch or build/rootfs (make tests-build)" >&2; exit 2; }

export NSWATCH_SRC=$src NSWATCH_BUILD=$src/build
export WORK=${WORK:-${TMPDIR:-/tmp}/nswatch-multikernel}
export BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
# The checks' per-command timeout is the harness's T, but `make integration
# T=FILE` puts the bats target in the environment under that name.
unset T
export CHECKS=$here/checks.sh
res=$(realpath -m "${1:-$WORK/results-project}")
rm -rf "$res"
mkdir -p "$res" "$WORK"

# label suite:package; the order is fetch-kernels.sh's output order.
specs=("5.10 bullseye:linux-image-cloud-amd64"
	"6.1 bookworm:linux-image-cloud-amd64"
	"6.12 bookworm:linux-image-6.12-cloud-amd64"
	"newest sid:linux-image-cloud-amd64")

stamp "fetching kernels"
# shellcheck disable=SC2046
rels=$(bash "$mk/fetch-kernels.sh" $(printf '%s\n' "${specs[@]}" | cut -d' ' -f2)) ||
	{ echo "multikernel: fetch-kernels.sh failed" >&2; exit 2; }
mapfile -t rel <<<"$rels"
[ "${#rel[@]}" -eq "${#specs[@]}" ] ||
	{ echo "multikernel: fetch-kernels.sh gave ${#rel[@]} kernels for ${#specs[@]}" >&2; exit 2; }
: >"$res/kernels.txt"
for i in "${!specs[@]}"; do
	echo "${specs[$i]%% *} ${rel[$i]}" >>"$res/kernels.txt"
done
echo "host host-$(uname -r)" >>"$res/kernels.txt"

# nswatch dlopen()s libmount and libsmartcols when first needed, so ldd does
# not name them and mkinitrd.sh (which copies what ldd names) would leave them
# out: an ldd that preloads them names them and what they pull in.
stamp "building the initramfs"
lazy=$(grep -o '_SONAME "[^"]*"' "$src/user/lib/lazylib.h" | cut -d'"' -f2 | tr '\n' ' ')
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
printf '#!/bin/sh\nLD_PRELOAD="%s" exec %s "$@"\n' "$lazy" "$(command -v ldd)" >"$shim/ldd"
chmod +x "$shim/ldd"
PATH=$shim:$PATH bash "$mk/mkinitrd.sh" "$WORK/initrd.gz" || exit 2

for r in "${rel[@]}"; do
	stamp "booting $r"
	bash "$mk/boot.sh" "$WORK/kernels/$r" "$WORK/initrd.gz" "$res/$r" | sed 's/^/    /'
done
# The newest kernel once more, locked down: BPF may not read kernel memory,
# and trace must say that this is why it cannot run (the lockdown check).
lk=${rel[$((${#rel[@]} - 1))]}
stamp "booting $lk with lockdown=confidentiality"
lock_only="btf lockdown core_relos trace_unshare ls"
APPEND="lockdown=confidentiality nsw.only=${lock_only// /,} ${APPEND:-}" \
	bash "$mk/boot.sh" "$WORK/kernels/$lk" "$WORK/initrd.gz" "$res/$lk-lockdown" | sed 's/^/    /'
echo "$lock_only" >"$res/$lk-lockdown/only"
echo "lockdown $lk-lockdown" >>"$res/kernels.txt"
stamp "control: the host's kernel $(uname -r)"
bash "$mk/host-control.sh" "$res/host-$(uname -r)" | sed 's/^/    /'
stamp "done"
echo $(($(date +%s) - t0)) >"$res/seconds"

echo
bash "$mk/table.sh" "$res" "$here/expect.txt" >"$res/table.md"
cat "$res/table.md"
status=0
while read -r label dir; do
	if ! bash "$here/verdict.sh" "$res/$dir" "$here/expect.txt" >"$res/$dir.verdict" 2>&1; then
		echo "multikernel: $label ($dir) not as expected:"
		grep -v '^ok ' "$res/$dir.verdict" | sed 's/^/    /'
		status=1
	fi
done <"$res/kernels.txt"
echo "multikernel: $(($(date +%s) - t0))s; results in $res"
exit $status
