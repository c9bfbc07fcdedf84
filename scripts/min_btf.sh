#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# min_btf.sh BPFTOOL OBJECT OUT_BTF OUT_NOTES
#
# Cuts from the build host's kernel BTF the types OBJECT's CO-RE relocations
# need (bpftool gen min_core_btf), and keeps that kernel's notes (its GNU
# build id) beside them: user/trace/kernel_btf.h uses the cut only on that
# same kernel. Where it cannot be cut both files are empty, and nswatch
# reads the running kernel's BTF at each start, as it does on any other
# kernel.
set -u
bpftool=$1 obj=$2 btf=$3 notes=$4

: >"$btf.tmp"
: >"$notes.tmp"
if [ -r /sys/kernel/btf/vmlinux ] && [ -r /sys/kernel/notes ] &&
	"$bpftool" gen min_core_btf /sys/kernel/btf/vmlinux "$btf.tmp" "$obj" >/dev/null 2>&1; then
	cat /sys/kernel/notes >"$notes.tmp"
else
	: >"$btf.tmp"
	echo "min_btf.sh: no BTF cut for $obj (no kernel BTF or bpftool cannot cut it): nswatch will read the kernel's BTF at each start" >&2
fi
mv "$btf.tmp" "$btf"
mv "$notes.tmp" "$notes"
