/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Opens, configures, loads and attaches the BPF objects; owns their lifetime. */
#ifndef GT_LOADER_H
#define GT_LOADER_H

#include <stdbool.h>
#include <sys/types.h>
#include <gotraced/events.h>

struct proc_bpf;
struct syserr_bpf;
struct signal_bpf;

struct gt_bpf {
	struct proc_bpf *proc;
	struct syserr_bpf *syserr;
	struct signal_bpf *signal;	/* optional: NULL when it could not load */
	int events_fd;		/* the ring buffer */
};

struct gt_bpf_opts {
	bool targeted;		/* follow only roots added with gt_bpf_track() */
	bool all_errors;
};

/* Returns 0, or a negative errno with the reason already logged. */
int gt_bpf_start(struct gt_bpf *b, const struct gt_bpf_opts *o);
void gt_bpf_stop(struct gt_bpf *b);

/* Follow process pid from now on (and, through fork, its future children). */
int gt_bpf_track(struct gt_bpf *b, pid_t pid, __u32 go_pid, __u32 flags);

/* Sum of the per-CPU counters. */
int gt_bpf_stats(struct gt_bpf *b, __u64 out[GT_STAT_MAX]);

#endif
