# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# gotraced: build, test and install. `make V=1` shows the commands.

OUTPUT   := .output
CLANG    ?= clang
BPFTOOL  ?= bpftool
CC       ?= cc
ARCH     := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX  := vmlinux/$(ARCH)/vmlinux.h
PREFIX   ?= /usr/local

BPF_UNITS := proc syserr
BPF_OBJS  := $(patsubst %,$(OUTPUT)/%.bpf.o,$(BPF_UNITS))
SKELS     := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_UNITS))

# Pure logic, linked into both the daemon and the unit tests.
LIB_SRCS  := src/classify.c src/decode.c src/output.c src/syscalls.c src/mounts.c \
             src/proctab.c src/findings.c src/diagnose.c src/render.c src/handlers.c src/log.c \
             src/cli.c
APP_SRCS  := $(LIB_SRCS) src/loader.c src/procscan.c src/tracer.c src/main.c
APP_OBJS  := $(patsubst src/%.c,$(OUTPUT)/%.o,$(APP_SRCS))
LIB_OBJS  := $(patsubst src/%.c,$(OUTPUT)/%.o,$(LIB_SRCS))

INCLUDES  := -I$(OUTPUT) -Iinclude -Isrc
CFLAGS    ?= -g -O2
CFLAGS    += -Wall -Wextra -Wno-unused-parameter -Wno-unused-result -std=gnu11 -D_GNU_SOURCE
LDLIBS    := -lbpf -lelf -lz -lmount -lseccomp
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
.PHONY: all deps test test-unit test-system clean vmlinux install bench bench-tools fuzz fuzz-seeds asan test-sanitize test-asan

all: gotraced

gotraced: $(APP_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT) $(OUTPUT)/tests $(OUTPUT)/helpers:
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

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
	$(Q)$(CC) $(CFLAGS) $< -lseccomp -o $@

test-unit: $(UNIT_TESTS)
	@tests/run-unit.sh $(UNIT_TESTS)

test-system: gotraced $(HELPERS)
	@tests/run-system.sh

# The whole suite: unit tests, then the daemon against real Go failures.
test: gotraced $(UNIT_TESTS) $(HELPERS)
	@tests/run-all.sh $(UNIT_TESTS)

bench: gotraced bench-tools
	@bench/run.sh

install: gotraced
	install -D -m 0755 gotraced $(DESTDIR)$(PREFIX)/sbin/gotraced
	install -D -m 0644 systemd/gotraced.service $(DESTDIR)/lib/systemd/system/gotraced.service

clean:
	rm -rf $(OUTPUT) gotraced

include bench/bench.mk tests/fuzz/fuzz.mk

-include $(wildcard $(OUTPUT)/*.d)
