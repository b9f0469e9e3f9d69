/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Prometheus metrics, as a text-format file for node_exporter's textfile
 * collector (--metrics-file): the privileged daemon opens no port. The file
 * is replaced atomically (a temporary name the collector ignores, then
 * rename), so a scrape never sees half of it. Metric and label names are a
 * public contract, like the JSON fields (docs/events.md).
 */
#ifndef GT_METRICS_H
#define GT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "render.h"

/* What the daemon knows at the time of writing; the counters of events come from the tap. */
struct gt_metrics_gauges {
	const char *version, *mode;
	long long start_time;			/* seconds since the epoch */
	unsigned long long events, failed_calls;
	unsigned long long pending_findings;
	unsigned clients, programs;
	/* losses by kind: the kernel side's (status' kernel_losses words), client, output */
	struct { const char *kind; unsigned long long n; } lost[16];
	int nlost;
};

/* The gt_sink tap: count findings and go commands by their labels. */
void gt_metrics_tap(const struct gt_event_view *ev, void *ctx);
/* The whole exposition, in the Prometheus text format. */
void gt_metrics_render(FILE *f, const struct gt_metrics_gauges *g);
/* Render to path atomically (path.XXXXXX, then rename); -1 with errno on failure. */
int gt_metrics_write(const char *path, const struct gt_metrics_gauges *g);
void gt_metrics_reset(void);

/*
 * The string value of a top-level field of a one-line JSON object, decoded
 * (\uXXXX outside ASCII becomes '?'); false when absent or not a string.
 * Fields another part of the daemon adds (container_runtime, go_version)
 * are read from the event as written, whatever struct carries them.
 */
bool gt_json_field(const char *json, size_t len, const char *key, char *out, size_t size);

#endif
