#!/usr/bin/env bash
# shared_dir.sh [CHECKOUT]: print the shared tools directory (../shared: the
# multikernel harness, the OCI suite and engine beds). NSW_SHARED wins; else
# ../shared beside the checkout; else beside the main checkout when this is a
# git worktree elsewhere. Prints the first candidate even when it is missing,
# so that the caller's message names where it looked.
src=$(realpath "${1:-$(dirname "${BASH_SOURCE[0]}")/..}")
if [ -n "${NSW_SHARED:-}" ]; then
	echo "$NSW_SHARED"
	exit 0
fi
if [ -d "$src/../shared" ]; then
	realpath "$src/../shared"
	exit 0
fi
common=$(git -C "$src" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) &&
	[ -d "$common/../../shared" ] && realpath "$common/../../shared" && exit 0
echo "$src/../shared"
