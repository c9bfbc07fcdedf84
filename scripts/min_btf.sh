#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# min_btf.sh BPFTOOL OBJECT OUT_BTF OUT_NOTES OUT_IDS
#
# Cuts from the build host's kernel BTF the types OBJECT's CO-RE relocations
# need (bpftool gen min_core_btf), and keeps that kernel's notes (its GNU
# build id) beside them: user/trace/kernel_btf.h uses the cut only on that
# same kernel. Where it cannot be cut both files are empty, and nswatch
# reads the running kernel's BTF at each start, as it does on any other
# kernel.
#
# OUT_IDS records that kernel's BTF ids of the types bpf_rdonly_cast()
# casts to (user/trace/tracer.c: cast_types) and of the kfunc itself, one
# "KIND NAME ID" a line, after "btf_size N" (the size of its
# /sys/kernel/btf/vmlinux). nswatch uses them only on the kernel of these
# notes and of that size; anywhere else it reads the kernel's BTF.
set -u
bpftool=$1 obj=$2 btf=$3 notes=$4 ids=$5
vmlinux=/sys/kernel/btf/vmlinux

: >"$btf.tmp"
: >"$notes.tmp"
: >"$ids.tmp"
if [ -r $vmlinux ] && [ -r /sys/kernel/notes ] &&
	"$bpftool" gen min_core_btf $vmlinux "$btf.tmp" "$obj" >/dev/null 2>&1; then
	cat /sys/kernel/notes >"$notes.tmp"
	# The first of each name, as libbpf's btf__find_by_name_kind() finds it.
	if { echo "btf_size $(wc -c <$vmlinux)" &&
		"$bpftool" btf dump file $vmlinux | awk '
			$2 == "FUNC" && $3 == "'"'bpf_rdonly_cast'"'" ||
			$2 == "STRUCT" && ($3 == "'"'ns_common'"'" || $3 == "'"'files_struct'"'") {
				id = substr($1, 2, length($1) - 2)
				name = substr($3, 2, length($3) - 2)
				if (!seen[$2 " " name]++)
					print $2, name, id
			}'; } >"$ids.tmp"; then
		:
	else
		: >"$ids.tmp"
	fi
else
	: >"$btf.tmp"
	echo "min_btf.sh: no BTF cut for $obj (no kernel BTF or bpftool cannot cut it): nswatch will read the kernel's BTF at each start" >&2
fi
mv "$btf.tmp" "$btf"
mv "$notes.tmp" "$notes"
mv "$ids.tmp" "$ids"
