/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Talking to systemd (Type=notify): READY once attached, STATUS, STOPPING. */
#ifndef GT_NOTIFY_H
#define GT_NOTIFY_H

/* All do nothing without $NOTIFY_SOCKET. */
void gt_notify_ready(const char *status);
void gt_notify_status(const char *status);
void gt_notify_stopping(void);
void gt_notify_reloading(void);

#endif
