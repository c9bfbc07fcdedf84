# SPDX-License-Identifier: GPL-2.0
# nswatch: one binary, build/nswatch, with its BPF objects embedded as
# libbpf skeletons. `make help` lists the targets.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc

VMLINUX_H := vmlinux/$(ARCH)/vmlinux.h

# The project's own flags always apply; CFLAGS and CPPFLAGS given on the
# command line (make CFLAGS=-O0) add to them instead of replacing them.
CFLAGS ?= -O2 -g
# The rootfs `nswatch run` uses without --rootfs: the one `make rootfs` builds.
ROOTFS_DIR ?= $(abspath $(BUILD))/rootfs
NSW_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Iuser \
	-I$(BUILD) -DNSW_DEFAULT_ROOTFS='"$(ROOTFS_DIR)"' -MMD -MP
ALL_CFLAGS = $(NSW_CFLAGS) $(CPPFLAGS) $(CFLAGS)
# Linked statically where Debian ships the archive: each shared library
# costs every exec its mapping and symbol lookups, and `nswatch run` execs
# twice (docs/performance.md). libmount and libsmartcols come only shared:
# they are loaded with dlopen() when needed (user/lib/lazylib.h).
STATIC_LIBS := -lbpf -lelf -lz -ljson-c -lseccomp -lcap
LDLIBS := -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -lmnl -ldl

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(dir $(VMLINUX_H)) -Iinclude -MMD -MP

# Every user/<room>/*.c goes into a library that the binary and the unit
# tests link; cli/main.c alone holds main().
USER_SRCS := $(wildcard user/*/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(BUILD)/user/cli/main.o,$(USER_OBJS))
LIB := $(BUILD)/libnswatch.a
ROOMS := $(sort $(dir $(USER_OBJS)))

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

# One integration file or directory, or several: make integration T=tests/integration/ls.bats
T ?= tests/integration

.SECONDARY:

.PHONY: all deps rootfs vmlinux test unit integration bench tests-build \
	unit-build format rooms clean help

all: $(BUILD)/nswatch $(BUILD)/nswatch-runc rootfs

help:
	@echo "make                 build build/nswatch and the default rootfs"
	@echo "make deps            install every Debian package a fresh machine needs"
	@echo "make rootfs          build the default container rootfs (busybox) in $(BUILD)/rootfs"
	@echo "make test            unit and integration tests (root; ends with 'N passed, N failed')"
	@echo "make unit            the cmocka unit tests only"
	@echo "make integration     the bats tests; T=tests/integration/ls.bats runs one file"
	@echo "make rooms           check that no two folders of user/ include each other in a circle"
	@echo "make fuzz            the state file parser under libFuzzer for FUZZ_TIME seconds (30)"
	@echo "make bench           run the benchmarks in bench/ (root)"
	@echo "make vmlinux         regenerate $(VMLINUX_H) from the running kernel's BTF"
	@echo "make format          clang-format the C sources"
	@echo "CFLAGS=... adds to the project's compiler flags (make CFLAGS=-O0)"

deps:
	bash scripts/deps.sh

rootfs: $(BUILD)/rootfs/bin/busybox

$(BUILD)/rootfs/bin/busybox: scripts/mkrootfs.sh | $(BUILD)
	bash scripts/mkrootfs.sh $(BUILD)/rootfs

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_H).tmp
	mv $(VMLINUX_H).tmp $(VMLINUX_H)

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# gen object drops the DWARF the skeleton would otherwise carry (BTF
# stays): the binary shrinks by a third, and `run` copies it (selfexe.c).
$(BUILD)/%.bpf.stripped.o: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen object $@ $<

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.stripped.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp
	mv $@.tmp $@

# The CO-RE types of each BPF object cut from the build host's kernel BTF,
# with that kernel's notes and the BTF ids bpf_rdonly_cast() needs there
# (user/trace/kernel_btf.h embeds them).
$(BUILD)/%.min.btf $(BUILD)/%.kernel-notes $(BUILD)/%.btf-ids: $(BUILD)/%.bpf.stripped.o scripts/min_btf.sh
	scripts/min_btf.sh $(BPFTOOL) $< $(BUILD)/$*.min.btf $(BUILD)/$*.kernel-notes $(BUILD)/$*.btf-ids

$(BUILD)/user/trace/kernel_btf.o: $(BUILD)/nswatch.min.btf $(BUILD)/nswatch.kernel-notes $(BUILD)/nswatch.btf-ids
$(BUILD)/user/trace/kernel_btf.o: ALL_CFLAGS += -DNSW_MIN_BTF_DIR='"$(abspath $(BUILD))"'

# Header dependencies come from -MMD; the skeletons must exist before the
# first compile, which is what discovers that tracer.c includes one.
$(BUILD)/user/%.o: user/%.c | $(SKELS) $(ROOMS)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/nswatch: $(BUILD)/user/cli/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The same binary, an OCI runtime when called by this name (cli/main.c). A
# hard link: engines and the OCI suite resolve a symlink (readlink -f) and
# would call it by the name nswatch.
$(BUILD)/nswatch-runc: $(BUILD)/nswatch
	ln -f $< $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB) -lcmocka $(LDLIBS) -o $@

$(BUILD)/tests/helpers/%: tests/helpers/%.c | $(BUILD)/tests/helpers
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< -o $@

# The tracer's table against the kernel (table.bats): it links the tree's library.
$(BUILD)/tests/helpers/nsw_tablemeta: tests/helpers/nsw_tablemeta.c $(LIB) | $(BUILD)/tests/helpers
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB) $(LDLIBS) -o $@

$(BUILD)/bench/%.bpf.o: bench/%.bpf.c $(VMLINUX_H) | $(BUILD)/bench
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/%.skel.h: $(BUILD)/bench/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp
	mv $@.tmp $@

$(BUILD)/bench/%: bench/%.c $(BENCH_SKELS) | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -I$(BUILD)/bench $< $(LDLIBS) -o $@

# The reporter's per-record work without the kernel: it links the tree's library.
$(BUILD)/bench/reporter_feed: bench/reporter_feed.c $(LIB) | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB) $(LDLIBS) -o $@

$(BUILD) $(ROOMS) $(BUILD)/tests $(BUILD)/tests/helpers $(BUILD)/bench:
	mkdir -p $@

unit-build: $(UNIT_BINS)

tests-build: $(BUILD)/nswatch $(BUILD)/nswatch-runc rootfs $(UNIT_BINS) $(HELPER_BINS)

test: tests-build
	bash tests/run.sh

unit: unit-build
	bash tests/run.sh --unit

integration: tests-build
	bash tests/run.sh --integration $(T)

# nswatch's checks on Debian's 5.10, 6.1, 6.12 and newest kernels under qemu,
# and on the host's (docs/multikernel.md); make test runs them too, through
# tests/integration/multikernel.bats.
.PHONY: multikernel
multikernel: tests-build
	bash tests/multikernel/run.sh

rooms:
	bash scripts/rooms.sh

bench: $(BUILD)/nswatch $(BENCH_BINS)
	bash bench/run.sh

format:
	clang-format -i $(wildcard bpf/*.c user/*/*.c user/*/*.h include/*.h tests/unit/*.c tests/helpers/*.c bench/*.c)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- fuzzing (issue 10, item 6): the state file parser under libFuzzer ----
# make fuzz FUZZ_TIME=30: build build/fuzz/fuzz_state (clang, ASan) and run it
# for FUZZ_TIME seconds on a copy of the seed corpus; a crash fails the target.
FUZZ_TIME ?= 30
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser -I$(BUILD)
# The parser under test is compiled with the sanitizers; the rest comes from the library.
FUZZ_STATE_SRCS := tests/fuzz/fuzz_state.c user/runtime/state_parse.c

.PHONY: fuzz fuzz-build

fuzz-build: $(BUILD)/fuzz/fuzz_state

$(BUILD)/fuzz/fuzz_state: $(FUZZ_STATE_SRCS) $(LIB) | $(BUILD)
	mkdir -p $(BUILD)/fuzz
	$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_STATE_SRCS) $(LIB) $(LDLIBS) -o $@

fuzz: $(BUILD)/fuzz/fuzz_state
	rm -rf $(BUILD)/fuzz/corpus && mkdir -p $(BUILD)/fuzz/corpus
	cp tests/fuzz/corpus/state/* $(BUILD)/fuzz/corpus/
	$(BUILD)/fuzz/fuzz_state -max_total_time=$(FUZZ_TIME) -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix=$(BUILD)/fuzz/ -print_final_stats=1 \
		$(BUILD)/fuzz/corpus
