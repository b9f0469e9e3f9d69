// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The floor for the overhead benchmark: a tp_btf/sys_exit program that does nothing. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(bench_empty_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
