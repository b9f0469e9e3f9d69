/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Repeats counted in the kernel (bpf/syserr.bpf.c, "repeats" map): a failed
 * call whose key was sent once is only counted there. For each key sent, the
 * record it came with is kept here; the count read from the kernel is handed
 * back as that record arriving count more times, so the hold and the findings
 * see every call as before. A process's keys are read (and removed from the
 * kernel) before its exit is handled: its counts are exact by then.
 */
#ifndef GT_REPEATS_H
#define GT_REPEATS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <gotraced/events.h>

/* Read key's value into v (and delete it when del); 0, or -1 when there is none. */
typedef int (*gt_rep_read_fn)(const struct gt_rep_key *k, struct gt_rep_val *v, bool del,
			      void *ctx);
/* The record e (its flags already judged) arrived n more times, the last at e->hdr.ts_ns. */
typedef void (*gt_rep_replay_fn)(const struct gt_syserr_event *e, size_t size, __u32 flags,
				 unsigned long n);

/* Call fn on every entry of the map (one read of it); 0, or -1 when the kernel cannot. */
typedef int (*gt_rep_batch_fn)(void (*fn)(const struct gt_rep_key *k, const struct gt_rep_val *v,
					  void *arg), void *arg, void *ctx);

/* Where repeats go (the handlers) and where their counts come from (the map; NULL: none). */
void gt_repeats_init(gt_rep_replay_fn replay);
void gt_repeats_source(gt_rep_read_fn read, gt_rep_batch_fn batch, void *ctx);
/* A record sent with GT_SE_REPEATS (flags: as judged): its repeats will be counted. */
void gt_repeats_note(const struct gt_syserr_event *e, size_t size, __u32 flags);
/*
 * Hand on what the kernel counted for pid (-1: every process); gone: the
 * process has ended, its keys are taken away.
 */
void gt_repeats_drain(pid_t pid, bool gone);
/* Drain and forget processes that are gone without an exit seen; returns how many. */
unsigned gt_repeats_sweep(void);
/* Keys followed now. */
unsigned gt_repeats_keys(void);
void gt_repeats_free_all(void);

#endif
