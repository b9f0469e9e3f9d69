/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Resource limits by number: their names and where each is set. */
#ifndef GT_RLIMITS_H
#define GT_RLIMITS_H

struct gt_rlimit_desc {
	const char *name;	/* RLIMIT_NOFILE */
	const char *what;	/* "open files" */
	const char *prlimit;	/* prlimit(1) option: "nofile" */
	const char *ulimit;	/* bash's ulimit letter: "n" */
	const char *systemd;	/* unit directive: "LimitNOFILE" */
};

/* The row of resource res, NULL when unknown. */
const struct gt_rlimit_desc *gt_rlimit(int res);

/* The hard limit of resource res of a live process (/proc/PID/limits): 0 when read. */
int gt_rlimit_hard(int pid, const struct gt_rlimit_desc *d, unsigned long long *hard,
		   int *unlimited);

#endif
