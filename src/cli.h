/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef GT_CLI_H
#define GT_CLI_H

#include <stdbool.h>
#include <sys/types.h>

enum gt_format { GT_FMT_AUTO, GT_FMT_TEXT, GT_FMT_JSON };

#define GT_MAX_PIDS 64

struct gt_config {
	pid_t pids[GT_MAX_PIDS];	/* --pid: roots to follow with their descendants */
	int npids;
	char **cmd;			/* run mode: the command after `--` */
	const char *output;		/* --output FILE, NULL for stdout */
	enum gt_format format;
	bool all_errors;
	bool verbose;
	bool probe;			/* --probe: print the mechanisms and exit */
	unsigned flush_ms;		/* how long a finding may gather repeats */
	/* service settings (also in the --config file, see config.h) */
	const char *config;		/* --config FILE: key=value settings, flags win */
	const char *socket;		/* --socket PATH: live clients (gotraced tail) */
	bool no_socket;			/* --no-socket: not even the machine-wide default */
	const char *socket_group;	/* --socket-group NAME: who may connect */
	unsigned replay;		/* --replay N: events kept for tail --since-start */
	unsigned client_queue;		/* --client-queue N: lines a client may lag */
	bool journal;			/* --journal: findings to journald */
	const char *metrics_file;	/* --metrics-file PATH: Prometheus text, for node_exporter */
	/* run mode: CI reports (report.h) */
	int report_github;		/* --report github: 1, --report none: 0, unset: -1 */
	const char *junit;		/* --junit FILE */
	int argc;			/* the command line, to reread on SIGHUP */
	char **argv;
};

/* Returns 0 to run, 1 when it printed help or version (exit 0), -1 on bad usage (exit 2). */
int parse_argv(int argc, char **argv, struct gt_config *cfg);

#endif
