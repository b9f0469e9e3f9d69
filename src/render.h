/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Turning findings, exits and losses into lines on the event sink. */
#ifndef GT_RENDER_H
#define GT_RENDER_H

#include <stdbool.h>
#include <sys/types.h>
#include "findings.h"
#include "proctab.h"

struct gt_sink {
	int fd;
	bool text;
	bool failed;		/* a write failed: said once, tracing goes on */
	unsigned long dropped;	/* lines that could not be written */
	long long boot_to_real_ns;	/* add to boot-time ns to get wall-clock ns */
};

int gt_sink_open(struct gt_sink *s, const char *path, int format_text /* -1 auto */);
void gt_sink_close(struct gt_sink *s);

void gt_render_finding(struct gt_sink *s, const struct gt_finding *f);

struct gt_exit_info {
	__u64 ts_ns;
	pid_t pid, go_pid;
	const struct gt_argv *go_argv;
	int exit_code;		/* -1 when killed */
	int signal;		/* 0 when it exited */
	unsigned findings;
	unsigned long errors;
	const struct gt_verdict *verdict;	/* the finding that most likely failed it */
};

void gt_render_exit(struct gt_sink *s, const struct gt_exit_info *e);
void gt_render_lost(struct gt_sink *s, __u64 ts_ns, unsigned long long count, const char *what);

#endif
