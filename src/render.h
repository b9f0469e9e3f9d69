/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Turning findings, exits and losses into lines on the event sink. */
#ifndef GT_RENDER_H
#define GT_RENDER_H

#include <stdbool.h>
#include <sys/types.h>
#include "findings.h"
#include "proctab.h"

struct gt_finding;
struct gt_exit_info;

/*
 * One event as the extra sinks (socket, journal) see it: the struct it came
 * from and both renderings, so each sink takes what it needs.
 */
struct gt_event_view {
	const char *type;			/* "finding", "exit", "lost" */
	const struct gt_finding *f;		/* findings only */
	const struct gt_exit_info *x;		/* exits only */
	pid_t pid, go_pid;			/* 0 when not known */
	const char *json, *text;		/* one line each, '\n' included */
	size_t json_len, text_len;
};

typedef void (*gt_tap_fn)(const struct gt_event_view *ev, void *ctx);

#define GT_MAX_TAPS 8

struct gt_sink {
	int fd;
	bool text;
	bool failed;		/* a write failed: said once, tracing goes on */
	unsigned long dropped;	/* lines that could not be written */
	long long boot_to_real_ns;	/* add to boot-time ns to get wall-clock ns */
	struct { gt_tap_fn fn; void *ctx; } taps[GT_MAX_TAPS];	/* extra sinks */
	int ntaps;
};

int gt_sink_open(struct gt_sink *s, const char *path, int format_text /* -1 auto */);
void gt_sink_close(struct gt_sink *s);
/* Every event written to s is also handed to fn (after the line is written). */
int gt_sink_add_tap(struct gt_sink *s, gt_tap_fn fn, void *ctx);
/* SIGHUP: reopen PATH (logrotate moved it); keeps the old fd if that fails. */
int gt_sink_reopen(struct gt_sink *s, const char *path);
/* Wall-clock time of a boot-time stamp, as the events write it. */
void gt_sink_time(const struct gt_sink *s, __u64 ts_ns, char *buf, size_t size);

void gt_render_finding(struct gt_sink *s, const struct gt_finding *f);

struct gt_exit_info {
	__u64 ts_ns;
	pid_t pid, go_pid;
	const struct gt_argv *go_argv;
	const char *go_version;	/* NULL when unknown */
	const char *note;	/* what this release printed and whether it misleads */
	int exit_code;		/* -1 when killed */
	int signal;		/* 0 when it exited */
	unsigned findings;
	unsigned long errors;
	unsigned long absorbed;	/* refused calls its processes absorbed (no finding) */
	unsigned long lost;	/* failed calls of its tree counted lost in the kernel */
	const struct gt_verdict *verdict;	/* the finding that most likely failed it */
	const struct gt_nsfacts *ns;		/* its container and pid namespace, or NULL */
};

void gt_render_exit(struct gt_sink *s, const struct gt_exit_info *e);
void gt_render_lost(struct gt_sink *s, __u64 ts_ns, unsigned long long count, const char *what);
/* A "lost" line on its own (the socket tells a slow client); caller frees. */
char *gt_lost_line(const struct gt_sink *s, __u64 ts_ns, unsigned long long count,
		   const char *what, bool text, size_t *len);

#endif
