/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Opens, configures, loads and attaches the BPF object; owns its lifetime. */
#ifndef GT_LOADER_H
#define GT_LOADER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <gotraced/events.h>

struct gotraced_bpf;

/* What gotraced can see, each on the best mechanism this kernel allows. */
enum gt_capability {
	GT_CAP_PROC, GT_CAP_SYSERR, GT_CAP_SECCOMP_ERRNO, GT_CAP_SIGNAL, GT_CAP_OOM,
	GT_CAP_LSM_VERDICT, GT_CAP_SELINUX, GT_CAP_LANDLOCK, GT_CAP_BPF_LSM,
	/* the kernel features the programs are built on (probe_features()) */
	GT_CAP_LOOPS, GT_CAP_THREAD_STATE, GT_CAP_CURRENT, GT_CAP_SYSCALL_REGS,
	GT_CAP_TOOL_STDERR, GT_CAP_MAX,
};

/*
 * What this kernel offers the programs, probed at start (never guessed
 * from the version). Each false one has a fallback; the floor (BTF,
 * tp_btf, ring buffer) has none. GOTRACED_DISABLE_FEATURES=a,b (or "all")
 * turns probed features off, so the tests run the fallbacks on a kernel
 * that has everything.
 */
struct gt_features {
	bool bpf_loop;		/* 5.17: else loops the verifier unrolls */
	bool task_storage;	/* 5.11: else a hash keyed by thread id */
	bool task_btf;		/* 5.11: bpf_get_current_task_btf(), else CO-RE reads */
	bool task_pt_regs;	/* 5.15: bpf_task_pt_regs(), else the kernel stack's top */
	char disabled[100];	/* what GOTRACED_DISABLE_FEATURES turned off */
};

struct gt_mech {
	const char *what;	/* the capability, for people */
	const char *how;	/* the mechanism in use, NULL when none */
	char why[200];		/* why this one (or none) */
};

struct gt_bpf {
	struct gotraced_bpf *obj;	/* every program and map: the BPF units linked into one */
	int events_fd;		/* the ring buffer */
	int repeats_fd;		/* repeats counted in the kernel (src/repeats.h) */
	int tree_lost_fd;	/* failed calls counted lost, per go command */
	struct gt_features feat;
	struct gt_mech mech[GT_CAP_MAX];
};

struct gt_bpf_opts {
	bool targeted;		/* follow only roots added with gt_bpf_track() */
	bool all_errors;
};

/* Returns 0, or a negative errno with the reason already logged. */
int gt_bpf_start(struct gt_bpf *b, const struct gt_bpf_opts *o);
void gt_bpf_stop(struct gt_bpf *b);

/* Follow process pid from now on (and, through fork, its future children). */
/* The kernel side's loss counters, each named as `lost` events and status name it. */
struct gt_loss {
	enum gt_stat stat;
	const char *kind;	/* status "kernel_losses" key */
	const char *what;	/* `lost` event "what" */
};
extern const struct gt_loss gt_losses[];
extern const int gt_nlosses;

/* Track pid (started at start_ns); -EEXIST when the kernel side has it already. */
int gt_bpf_track(struct gt_bpf *b, pid_t pid, __u32 go_pid, __u32 flags, __u64 start_ns);

/* Print the mechanism table (gotraced --probe). */
void gt_bpf_print_probe(const struct gt_bpf *b, FILE *f);

/* Read a repeat count (src/repeats.h gt_rep_read_fn; ctx: the gt_bpf). */
int gt_bpf_repeat(const struct gt_rep_key *k, struct gt_rep_val *v, bool del, void *ctx);
/* Every repeat count in one read (gt_rep_batch_fn); -1 where the kernel has no batch reads. */
int gt_bpf_repeats(void (*fn)(const struct gt_rep_key *k, const struct gt_rep_val *v, void *arg),
		   void *arg, void *ctx);

/*
 * The failed calls of go command go_pid's tree counted lost, its entry then
 * removed (ctx: the gt_bpf); 0 when none, or for another process of that pid.
 */
unsigned long gt_bpf_tree_lost(void *ctx, pid_t go_pid, __u64 start_ns);

/* Sum of the per-CPU counters. */
int gt_bpf_stats(struct gt_bpf *b, __u64 out[GT_STAT_MAX]);

#endif
