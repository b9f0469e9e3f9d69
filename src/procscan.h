/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Processes that existed before gotraced started: found in /proc, handed to the kernel side. */
#ifndef GT_PROCSCAN_H
#define GT_PROCSCAN_H

#include <sys/types.h>
#include "loader.h"

/*
 * Track roots[] (SCOPE) and their existing descendants; with nroots == 0,
 * every running Go toolchain process and its descendants. Fills the
 * process table from /proc for the Go ones. Returns how many were tracked.
 */
int gt_procscan(struct gt_bpf *b, const pid_t *roots, int nroots);

/* pid's start (boot ns, at /proc's clock tick resolution), 0 if it is gone. */
__u64 gt_proc_start_ns(pid_t pid);

#endif
