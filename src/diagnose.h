/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Why a finding happened and what fixes it, in words a Go user reads. */
#ifndef GT_DIAGNOSE_H
#define GT_DIAGNOSE_H

#include "findings.h"

/* Fill f->explanation and f->fix from the facts in f (and the file system as it is now). */
void gt_diagnose(struct gt_finding *f);

#endif
