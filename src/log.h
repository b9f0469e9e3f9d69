/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Diagnostics go to stderr (journald keeps them); events go to their own sink. */
#ifndef GT_LOG_H
#define GT_LOG_H

#include <stdbool.h>

extern bool gt_verbose;

void gt_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define gt_err(...)	gt_log("error", __VA_ARGS__)
#define gt_warn(...)	gt_log("warning", __VA_ARGS__)
#define gt_info(...)	gt_log(NULL, __VA_ARGS__)
#define gt_debug(...)	do { if (gt_verbose) gt_log("debug", __VA_ARGS__); } while (0)

#endif
