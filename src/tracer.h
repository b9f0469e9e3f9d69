/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The daemon's life: check input, load, seed, loop over events, report, clean up. */
#ifndef GT_TRACER_H
#define GT_TRACER_H

#include "cli.h"

/* Returns the process exit status: 0, 2 on failure to trace, CMD's status in run mode. */
int gt_trace(const struct gt_config *cfg);

#endif
