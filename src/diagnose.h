/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Why a finding happened and what fixes it, in words a Go user reads. */
#ifndef GT_DIAGNOSE_H
#define GT_DIAGNOSE_H

#include <sys/stat.h>
#include "findings.h"

enum gt_dac { GT_DAC_REFUSES, GT_DAC_ALLOWS, GT_DAC_UNKNOWN };

/*
 * Owner and mode of each component of path (examined below root: "" or
 * "/proc/PID/root") against cr, as the kernel walks it: search on every
 * directory, then need (4 read, 2 write, 1 exec, 3 create entries) on the
 * last one; create: a missing last component is judged by its parent.
 * GT_DAC_REFUSES sets *why (malloc'd) to the component and its owner/mode.
 */
enum gt_dac gt_dac_walk(const char *path, const struct gt_creds *cr, int need, bool create,
			const char *root, char **why);
/* The root to examine pid's paths from: "/proc/PID/root" while it lives, else "". */
void gt_root_of(pid_t pid, char *root, size_t size);
/* stat path below root ("" = ours) without following links out of it */
int gt_stat_in(const char *root, const char *path, struct stat *st);

/* Fill f->explanation and f->fix from the facts in f (and the file system as it is now). */
void gt_diagnose(struct gt_finding *f);

#endif
