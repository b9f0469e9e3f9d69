/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Causes and fixes at the layer that set them (container runtime options, pod specs). */
#ifndef GT_LAYERS_H
#define GT_LAYERS_H

#include <stdbool.h>
#include "findings.h"

/* After gt_diagnose: for a process in a container or user namespace, name the runtime
 * option behind the cause and replace the host fix by the runtime's (sets f->ns.layer). */
void gt_layer_explain(struct gt_finding *f);

/* What a seccomp profile's JSON does with syscall sc: its errno (0 never), the default
 * errno when no rule names it, -1 unknown; *conditional when it depends on capabilities. */
int gt_profile_errno(const char *text, const char *sc, bool *conditional);

#endif
