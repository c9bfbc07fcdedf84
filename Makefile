# SPDX-License-Identifier: GPL-2.0
# nswatch: one binary, build/nswatch, with its BPF objects embedded as
# libbpf skeletons. `make help` lists the targets.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc

VMLINUX_H := vmlinux/$(ARCH)/vmlinux.h

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Iuser -I$(BUILD)
# The rootfs `nswatch run` uses without --rootfs: the one `make rootfs` builds.
ROOTFS_DIR ?= $(abspath $(BUILD))/rootfs
CFLAGS += -DNSW_DEFAULT_ROOTFS='"$(ROOTFS_DIR)"'
LDLIBS := -lbpf -ljson-c -lelf -lz

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(dir $(VMLINUX_H)) -Iinclude

# Every user/*.c goes into a library that the binary and the unit tests link;
# main.c alone holds main().
USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
LIB := $(BUILD)/libnswatch.a

BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRCS))

BENCH_BPF_SRCS := $(wildcard bench/*.bpf.c)
BENCH_SKELS := $(patsubst bench/%.bpf.c,$(BUILD)/bench/%.skel.h,$(BENCH_BPF_SRCS))
BENCH_SRCS := $(filter-out $(BENCH_BPF_SRCS),$(wildcard bench/*.c))
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.SECONDARY:

.PHONY: all deps rootfs vmlinux test unit integration bench tests-build format clean help

all: $(BUILD)/nswatch rootfs

help:
	@echo "make            build build/nswatch"
	@echo "make deps       install every Debian package a fresh machine needs"
	@echo "make rootfs     build the default container rootfs (busybox) in $(BUILD)/rootfs"
	@echo "make test       unit and integration tests (root; ends with 'N passed, N failed')"
	@echo "make bench      run the benchmarks in bench/ (root)"
	@echo "make vmlinux    regenerate $(VMLINUX_H) from the running kernel's BTF"
	@echo "make format     clang-format the C sources"

deps:
	bash scripts/deps.sh

rootfs: $(BUILD)/rootfs/bin/busybox

$(BUILD)/rootfs/bin/busybox: scripts/mkrootfs.sh | $(BUILD)
	bash scripts/mkrootfs.sh $(BUILD)/rootfs

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_H).tmp
	mv $(VMLINUX_H).tmp $(VMLINUX_H)

$(BUILD)/%.bpf.o: bpf/%.bpf.c include/nswatch.h $(VMLINUX_H) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp
	mv $@.tmp $@

$(BUILD)/user/%.o: user/%.c $(wildcard user/*.h) include/nswatch.h $(SKELS) | $(BUILD)/user
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/nswatch: $(BUILD)/user/main.o $(LIB)
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB) | $(BUILD)/tests
	$(CC) $(CFLAGS) $< $(LIB) -lcmocka $(LDLIBS) -o $@

$(BUILD)/tests/helpers/%: tests/helpers/%.c | $(BUILD)/tests/helpers
	$(CC) $(CFLAGS) $< -o $@

$(BUILD)/bench/%.bpf.o: bench/%.bpf.c $(VMLINUX_H) | $(BUILD)/bench
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/%.skel.h: $(BUILD)/bench/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp
	mv $@.tmp $@

$(BUILD)/bench/%: bench/%.c $(BENCH_SKELS) | $(BUILD)/bench
	$(CC) $(CFLAGS) -I$(BUILD)/bench $< $(LDLIBS) -o $@

$(BUILD) $(BUILD)/user $(BUILD)/tests $(BUILD)/tests/helpers $(BUILD)/bench:
	mkdir -p $@

tests-build: $(BUILD)/nswatch $(UNIT_BINS) $(HELPER_BINS)

test: tests-build
	bash tests/run.sh

bench: $(BUILD)/nswatch $(BENCH_BINS)
	bash bench/run.sh

format:
	clang-format -i $(wildcard bpf/*.c user/*.c user/*.h include/*.h tests/unit/*.c tests/helpers/*.c bench/*.c)

clean:
	rm -rf $(BUILD)
