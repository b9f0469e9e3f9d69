/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The journald sink: each finding as one journal entry with GOTRACED_*
 * fields and a MESSAGE_ID per cause, so `journalctl -x` shows the catalog
 * text (systemd/gotraced.catalog) and `journalctl GOTRACED_CAUSE=noexec`
 * selects. Exits and losses go in too, with their own ids.
 */
#ifndef GT_JOURNAL_H
#define GT_JOURNAL_H

#include "render.h"

/* the gt_sink tap */
void gt_journal_tap(const struct gt_event_view *ev, void *ctx);
/* MESSAGE_ID (32 hex digits) of a cause word, of "exit" or of "lost" */
const char *gt_journal_id(const char *what);

#endif
