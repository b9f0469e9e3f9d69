/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The Linux security modules this kernel runs. */
#ifndef GT_LSM_H
#define GT_LSM_H

#include <stdbool.h>

/* "lockdown,capability,landlock,bpf", or NULL when securityfs cannot be read. */
const char *gt_active_lsms(void);
bool gt_lsm_active(const char *name);

#endif
