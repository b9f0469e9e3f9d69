/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Running as a service: the extra sinks (journal, socket), systemd
 * notifications, `gotraced status`, and SIGHUP (reopen the output file,
 * reread the config). tracer.c calls these at its few points of interest.
 */
#ifndef GT_SERVICE_H
#define GT_SERVICE_H

#include <bpf/libbpf.h>
#include "cli.h"
#include "handlers.h"
#include "loader.h"

/* After the sink is open: add the configured taps, open the socket. */
int gt_service_start(const struct gt_config *cfg, struct gt_state *st);
/* Once every program is attached: READY=1, mechanisms for status. */
void gt_service_ready(struct gt_bpf *b);
/* Replaces gt_ring_poll(): also serves the socket's clients. */
struct gt_ring;
int gt_service_poll(struct gt_ring *rb, int timeout_ms);
/* Once per loop: STATUS= now and then. */
void gt_service_tick(void);
/* SIGHUP */
void gt_service_reload(void);
/* On the way out: STOPPING=1 (first call), then close the socket. */
void gt_service_stopping(void);
void gt_service_stop(void);
/* Run mode: the command ended with status (CI reports are written now). */
void gt_service_finish(int status);

#endif
