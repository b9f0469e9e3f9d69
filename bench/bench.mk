# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Benchmark tools (included by the top Makefile): the syscall loop, the
# flood, and the empty sys_exit program with its loader.

BENCH_OUT := $(OUTPUT)/bench
BENCH_BIN := $(BENCH_OUT)/sysloop $(BENCH_OUT)/bin/go $(BENCH_OUT)/empty $(BENCH_OUT)/progstat

$(BENCH_OUT) $(BENCH_OUT)/bin:
	$(Q)mkdir -p $@

$(BENCH_OUT)/sysloop: bench/sysloop.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -Wall $< -o $@

$(BENCH_OUT)/progstat: bench/progstat.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -Wall $< -o $@ -lbpf

# named go: the kernel side treats its exec as the start of a Go tree
$(BENCH_OUT)/bin/go: bench/flood.c | $(BENCH_OUT)/bin
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -Wall -D_GNU_SOURCE $< -o $@ -lpthread

$(BENCH_OUT)/empty.bpf.o: bench/empty.bpf.c $(VMLINUX) | $(BENCH_OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_OUT)/empty.skel.h: $(BENCH_OUT)/empty.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name empty_bpf > $@

$(BENCH_OUT)/empty: bench/empty.c $(BENCH_OUT)/empty.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -Wall -I$(BENCH_OUT) $< -lbpf -lelf -lz -o $@

bench-tools: $(BENCH_BIN)
