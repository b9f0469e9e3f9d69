# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# gotraced: build, test and install. `make V=1` shows the commands.

OUTPUT   := .output
CLANG    ?= clang
BPFTOOL  ?= bpftool
CC       ?= cc
ARCH     ?= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
GOARCH   := $(if $(filter arm64,$(ARCH)),arm64,amd64)
VMLINUX  := vmlinux/$(ARCH)/vmlinux.h
PREFIX   ?= /usr/local

# One .bpf.c per concern, compiled alone, then linked into one object
# (bpftool gen object): one skeleton, one set of maps, and libbpf parses the
# kernel's BTF and resolves CO-RE relocations once per start, not once per
# concern. The object again with bounded loops instead of bpf_loop (kernels
# < 5.17): same maps, programs and globals, so the loader opens it through
# the same skeleton; only its ELF image is used (GT_BOUNDED_LOOPS).
BPF_UNITS := proc syserr signal lsm
UNIT_OBJS := $(patsubst %,$(OUTPUT)/%.unit.o,$(BPF_UNITS))
UNIT_OBJS += $(patsubst %,$(OUTPUT)/%.bounded.unit.o,$(BPF_UNITS))
BPF_OBJS  := $(OUTPUT)/gotraced.bpf.o $(OUTPUT)/gotraced.bounded.bpf.o
SKELS     := $(OUTPUT)/gotraced.skel.h $(OUTPUT)/gotraced.bounded.skel.h

# Pure logic, linked into both the daemon and the unit tests.
LIB_SRCS  := src/classify.c src/decode.c src/output.c src/syscalls.c src/mounts.c \
             src/proctab.c src/findings.c src/hold.c src/repeats.c src/diagnose.c src/render.c src/handlers.c src/log.c \
             src/cli.c src/lsm.c src/config.c src/fixcheck.c src/metrics.c src/report.c src/sfilter.c \
             src/container.c src/layers.c \
             src/gorelease.c src/rlimits.c
APP_SRCS  := $(LIB_SRCS) src/loader.c src/ringbuf.c src/procscan.c src/tracer.c src/main.c \
             src/service.c src/socket.c src/journal.c src/notify.c src/tail.c
APP_OBJS  := $(patsubst src/%.c,$(OUTPUT)/%.o,$(APP_SRCS))
LIB_OBJS  := $(patsubst src/%.c,$(OUTPUT)/%.o,$(LIB_SRCS))

INCLUDES  := -I$(OUTPUT) -Iinclude -Isrc
CFLAGS    ?= -g -O2
CFLAGS    += -Wall -Wextra -Wno-unused-parameter -Wno-unused-result -Wno-missing-field-initializers -std=gnu11 -D_GNU_SOURCE
LDLIBS    := -lbpf -lelf -lz -lmount -lseccomp -lselinux -lsystemd

# Cross-building for arm64 (`make arm64`: the tools in .output/arm64/):
# the same sources, ARCH=arm64 (its vmlinux.h, __TARGET_ARCH_arm64), the
# libraries from an arm64 sysroot (tools/arm64-sysroot.sh).
ARM64_SYSROOT ?= /var/cache/gotraced-test/arm64-sysroot
ifdef CROSS_SYSROOT
SR        := $(CROSS_SYSROOT)
CFLAGS    += -I$(SR)/usr/include -I$(SR)/usr/include/aarch64-linux-gnu
LDFLAGS   += -L$(SR)/usr/lib/aarch64-linux-gnu -L$(SR)/lib/aarch64-linux-gnu \
             -Wl,-rpath-link,$(SR)/usr/lib/aarch64-linux-gnu:$(SR)/lib/aarch64-linux-gnu
endif
BIN       ?= gotraced
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux/$(ARCH) -Iinclude

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))
HELPERS    := $(patsubst tests/helpers/%.c,$(OUTPUT)/helpers/%,$(wildcard tests/helpers/*.c))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
# the BPF objects are intermediates of the skeletons: keep them, or every make rebuilds
.SECONDARY: $(BPF_OBJS) $(UNIT_OBJS)
.PHONY: arm64 test-kernels all deps test test-corpus test-unit test-system test-go-matrix test-guest test-systemd test-stress guest-bins clean vmlinux install bench bench-tools fuzz fuzz-seeds asan test-sanitize test-asan

all: $(BIN)

$(BIN): $(APP_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LDLIBS) -o $@

$(OUTPUT) $(OUTPUT)/tests $(OUTPUT)/helpers:
	$(Q)mkdir -p $@

# static patterns: a unit that was removed leaves .d files naming its source; they must
# not make its old object a target again
$(filter-out %.bounded.unit.o,$(UNIT_OBJS)): $(OUTPUT)/%.unit.o: bpf/%.bpf.c $(VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $@

$(filter %.bounded.unit.o,$(UNIT_OBJS)): $(OUTPUT)/%.bounded.unit.o: bpf/%.bpf.c $(VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DGT_BOUNDED_LOOPS -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $@

$(OUTPUT)/gotraced.bpf.o: $(filter-out %.bounded.unit.o,$(UNIT_OBJS))
	$(call msg,BPF-LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/gotraced.bounded.bpf.o: $(filter %.bounded.unit.o,$(UNIT_OBJS))
	$(call msg,BPF-LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/gotraced.skel.h: $(OUTPUT)/gotraced.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name gotraced_bpf > $@

$(OUTPUT)/gotraced.bounded.skel.h: $(OUTPUT)/gotraced.bounded.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name gotraced_bounded_bpf > $@

$(OUTPUT)/loader.o: $(SKELS)

$(OUTPUT)/%.o: src/%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -MMD -MP -c $< -o $@

# Regenerate the committed vmlinux.h from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

deps:
	@tools/deps.sh

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) $< $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

$(OUTPUT)/helpers/%: tests/helpers/%.c | $(OUTPUT)/helpers
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LDFLAGS) -lseccomp -o $@

test-unit: $(UNIT_TESTS)
	@tests/run-unit.sh $(UNIT_TESTS)

test-system: gotraced $(HELPERS)
	@tests/run-system.sh

# The real-code corpus (tests/corpus): Go's own tests and Debian's Go libraries under
# gotraced, with precision and recall; `make test` runs its subset.
test-corpus: gotraced
	@tests/corpus/run.sh

# The system suite against every Go release of tests/go-releases (fetched
# on demand), one count line each: GO_RELEASES="1.23 1.27" for some,
# GO_MATRIX_FILES="clean gorelease" for some files of tests/system.
test-go-matrix: gotraced $(HELPERS)
	@GO_MATRIX_FILES="$(GO_MATRIX_FILES)" tests/run-go-matrix.sh $(GO_RELEASES)

# Slow reliability tests (minutes): tests/stress/*.bats
test-stress: gotraced $(HELPERS)
	@bats --tap tests/stress

# The whole suite: unit tests, then the daemon against real Go failures.
test: gotraced $(UNIT_TESTS) $(HELPERS)
	@tests/run-all.sh $(UNIT_TESTS)

# Guest-kernel tests (tests/guest/README.md): SELinux, fexit and BPF LSM,
# which this kernel cannot show, under qemu booting Debian's stock kernel.
GUEST_OUT  := $(OUTPUT)/guest/build
GUEST_BINS := $(GUEST_OUT)/lsmprobe $(GUEST_OUT)/gtlabel $(GUEST_OUT)/gtguest.test \
              $(GUEST_OUT)/go

$(GUEST_OUT):
	$(Q)mkdir -p $@

$(GUEST_OUT)/lsmprobe.bpf.o: tests/guest/lsmprobe.bpf.c tests/guest/lsmprobe.h $(VMLINUX) | $(GUEST_OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itests/guest -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(GUEST_OUT)/lsmprobe.skel.h: $(GUEST_OUT)/lsmprobe.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name lsmprobe_bpf > $@

$(GUEST_OUT)/lsmprobe: tests/guest/lsmprobe.c tests/guest/lsmprobe.h $(GUEST_OUT)/lsmprobe.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(GUEST_OUT) -Itests/guest $< $(LDFLAGS) -lbpf -lelf -lz -o $@

$(GUEST_OUT)/gtlabel: tests/guest/gtlabel.c | $(GUEST_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# static (no cgo): runs in the guest without any library
$(GUEST_OUT)/gtguest.test: $(wildcard tests/guest/gomod/*) | $(GUEST_OUT)
	$(call msg,GO-TEST,$@)
	$(Q)cd tests/guest/gomod && CGO_ENABLED=0 GOARCH=$(GOARCH) GOPROXY=off GOFLAGS= \
		go test -c -o $(abspath $@) .

# the go command's stand-in in the kernel matrix's guests (tests/guest/gomod/gtgo)
$(GUEST_OUT)/go: $(wildcard tests/guest/gomod/gtgo/*.go) | $(GUEST_OUT)
	$(call msg,GO,$@)
	$(Q)cd tests/guest/gomod && CGO_ENABLED=0 GOARCH=$(GOARCH) GOPROXY=off GOFLAGS= \
		go build -o $(abspath $@) ./gtgo

# the same go stand-in as a 32-bit x86 binary: its calls enter through the
# ia32 table (GOARCH=386 on an x86-64 kernel with IA32 emulation)
ifeq ($(GOARCH),amd64)
GUEST_BINS += $(GUEST_OUT)/go386
endif
$(GUEST_OUT)/go386: $(wildcard tests/guest/gomod/gtgo/*.go) | $(GUEST_OUT)
	$(call msg,GO,$@)
	$(Q)cd tests/guest/gomod && CGO_ENABLED=0 GOARCH=386 GOPROXY=off GOFLAGS= \
		go build -o $(abspath $@) ./gtgo

guest-bins: $(GUEST_BINS)

# Everything the arm64 guest of the kernel matrix runs, cross-built.
ARM64_CC ?= aarch64-linux-gnu-gcc
arm64:
	@tools/arm64-sysroot.sh $(ARM64_SYSROOT)
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 CC=$(ARM64_CC) OUTPUT=$(OUTPUT)/arm64 \
		CROSS_SYSROOT=$(ARM64_SYSROOT)/root BIN=$(OUTPUT)/arm64/gotraced \
		$(OUTPUT)/arm64/gotraced guest-bins $(OUTPUT)/arm64/helpers/gt-seccomp

# (prerequisites expand when read: name them after GUEST_BINS is defined)
# (the kernel matrix's arm64 guest runs the cross-built tools: make arm64)
test: $(GUEST_BINS) arm64

test-guest: gotraced $(GUEST_BINS) $(HELPERS) arm64
	@tests/guest/run.sh

# The whole kernel matrix with every payload on each kernel, the arm64
# guest's SELinux / fexit / BPF LSM ones included (minutes under TCG).
test-kernels: gotraced $(GUEST_BINS) $(HELPERS) arm64
	@GT_MATRIX_ALL=1 tests/guest/matrix.sh

# gotraced.service under a real systemd: a bookworm tree booted by
# systemd-nspawn (tests/systemd/README.md). The first run on a machine
# debootstraps it (2-4 min) into /var/cache/gotraced-test; later ones copy it.
test-systemd: gotraced
	@tests/systemd/run.sh

bench: gotraced bench-tools
	@bench/run.sh

# DESTDIR for packaging; without it, also create the group, index the catalog
# and tell systemd about the unit (each step skipped where not possible).
SBINDIR     ?= $(PREFIX)/sbin
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
CATALOGDIR  ?= /usr/lib/systemd/catalog
MANDIR      ?= $(PREFIX)/share/man

install: gotraced
	install -D -m 0755 gotraced $(DESTDIR)$(SBINDIR)/gotraced
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|' systemd/gotraced.service > $(DESTDIR)$(UNITDIR)/gotraced.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/gotraced.service
	install -D -m 0644 systemd/gotraced.sysusers $(DESTDIR)$(SYSUSERSDIR)/gotraced.conf
	install -D -m 0644 systemd/gotraced.catalog $(DESTDIR)$(CATALOGDIR)/gotraced.catalog
	install -D -m 0644 systemd/gotraced.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/gotraced
	install -D -m 0644 man/gotraced.8 $(DESTDIR)$(MANDIR)/man8/gotraced.8
	@# never overwrite a config the admin edited
	test -e $(DESTDIR)$(SYSCONFDIR)/gotraced/gotraced.conf || \
		install -D -m 0644 systemd/gotraced.conf $(DESTDIR)$(SYSCONFDIR)/gotraced/gotraced.conf
ifeq ($(DESTDIR),)
	-systemd-sysusers $(SYSUSERSDIR)/gotraced.conf
	-journalctl --update-catalog
	-[ -d /run/systemd/system ] && systemctl daemon-reload || true
endif

clean:
	rm -rf $(OUTPUT) gotraced

include bench/bench.mk tests/fuzz/fuzz.mk

-include $(wildcard $(OUTPUT)/*.d)
