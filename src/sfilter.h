/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Seccomp filters run in user space: the classic BPF programs the kernel
 * kept for a task (orig_prog, copied by the BPF side at the failed call)
 * are run on the call's seccomp_data, the way the kernel ran them, to tell
 * whether a filter answered the call.
 */
#ifndef GT_SFILTER_H
#define GT_SFILTER_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>

#define GT_SF_MAXINSNS	4096	/* BPF_MAXINSNS: the kernel refuses longer filters */

/* 0 when the kernel would have accepted the filter (seccomp_check_filter + bpf_check_classic) */
int gt_sf_check(const struct sock_filter *f, size_t len);

/* The filter's return value for sd; f must have passed gt_sf_check */
__u32 gt_sf_run(const struct sock_filter *f, size_t len, const struct seccomp_data *sd);

/* One filter of a task's chain; chain[0] is the newest (the kernel runs it first). */
struct gt_sf {
	const struct sock_filter *insns;
	size_t len;
};

/*
 * The action the kernel took for sd: every filter runs, the most restrictive
 * action wins (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE >
 * LOG > ALLOW), the newest filter on a tie. -1 if a filter does not check.
 */
long long gt_sf_chain_run(const struct gt_sf *chain, int n, const struct seccomp_data *sd);

/* Did the chain's verdict `ret` answer the call with errno err (1..4095) itself? */
bool gt_sf_answered(__u32 ret, int err, bool ptraced);

#endif
