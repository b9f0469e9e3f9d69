/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Turning ring-buffer records into process-table updates, findings and exits. */
#ifndef GT_HANDLERS_H
#define GT_HANDLERS_H

#include <stdbool.h>
#include <stddef.h>
#include "render.h"

struct gt_state {
	struct gt_sink sink;
	unsigned long findings;		/* finding records emitted */
	unsigned long errors;		/* failed calls behind them */
	unsigned long absorbed;		/* refused calls their processes absorbed */
	bool all_errors;		/* --all-errors: absorbed refusals are shown too */
	unsigned long bad_records;	/* records that failed validation */
	unsigned long by_cause[GC_MAX];
	char *first[3];			/* short summaries for run mode */
	/* a go command's failed calls counted lost in the kernel (gt_bpf_tree_lost) */
	unsigned long (*tree_lost)(void *ctx, pid_t go_pid, __u64 start_ns);
	void *tree_lost_ctx;
};

void gt_handlers_init(struct gt_state *st, unsigned flush_ms);
/* libbpf ring_buffer callback; ctx is the gt_state. Validates before use. */
int gt_handle_record(void *ctx, void *data, size_t size);
void gt_handlers_fini(struct gt_state *st);

#endif
