/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What user space knows of each traced process, filled from exec and fork events. */
#ifndef GT_PROCTAB_H
#define GT_PROCTAB_H

#include <stdbool.h>
#include <sys/types.h>
#include <uthash.h>
#include <gotraced/events.h>
#include "classify.h"
#include "decode.h"

struct gt_finding;

struct gt_procinfo {
	pid_t pid, ppid;
	__u64 start_ns;		/* with pid, tells a reused pid apart */
	pid_t go_pid;		/* the go command it belongs to, 0 if none */
	unsigned mntns;
	unsigned long nskey;	/* its namespaces (container.h), 0 when not seen */
	char *root;		/* its root as the host sees it, NULL for "/" */
	char comm[GT_COMM_LEN];
	char *exe;
	struct gt_argv argv;
	struct gt_goenv env;
	enum gt_role role;
	/* for a go command: its release (gorelease.h), e.g. "go1.27.4"; "" unknown */
	char go_version[32];
	bool sidecar;		/* the release's telemetry sidecar: not a go command of its own */
	/* a go command: the hard RLIMIT_NOFILE of the job that started it, 0 unknown */
	unsigned long long job_nofile_max;
	pid_t parent_go;	/* sidecar: the go command that started it */
	/* a helper: the first bytes it wrote to stderr (GT_EV_STDERR) */
	char *stderr_buf;
	unsigned stderr_len;
	/* a go command: its failed helpers, reported only if it fails too */
	struct gt_finding *held_tools;
	/*
	 * The fatal signal sent to it while it had the default action, and the
	 * last one it caught from another process (Go's runtime catches SIGTERM,
	 * SIGPROF, SIGPIPE... and, to die of one, raises it again itself).
	 */
	struct gt_sigsent {
		int sig, code, syscall;
		pid_t sender;
		char sender_comm[GT_COMM_LEN];
	} sig, caught;
	int seccomp_syscall;	/* a seccomp SIGSYS arrived for this syscall, else -1 */
	bool seccomp_compat;	/* ... a 32-bit one (AUDIT_ARCH_I386): the ia32 table's number */
	struct {
		bool seen;
		__u64 max, usage;
		char *cgroup;
	} oom;
	/* for a go command (pid == go_pid): what it produced */
	unsigned findings;	/* finding records emitted */
	unsigned long errors;	/* failed calls behind them */
	unsigned long absorbed;	/* refused calls of its tree that its processes absorbed */
	struct gt_verdict {
		int weight;
		enum gt_cause cause;
		enum gt_go_dir go_dir;
		pid_t pid;
		enum gt_role role;
		int signal;		/* the finding's terminating signal, 0 for a failed call */
		char *path, *explanation, *fix;
	} verdict;
	UT_hash_handle hh;
};

struct gt_procinfo *gt_proc_get(pid_t pid);
/*
 * The entry of the process pid that started at start_ns (0: unknown), or
 * NULL; an entry of an earlier process with that pid is dropped.
 */
struct gt_procinfo *gt_proc_of(pid_t pid, __u64 start_ns);
/* A fresh entry for pid, replacing any older one. */
struct gt_procinfo *gt_proc_new(pid_t pid);
/* Give child what its parent had (fork without exec keeps image and environment). */
void gt_proc_inherit(struct gt_procinfo *child, const struct gt_procinfo *parent);
void gt_proc_del(struct gt_procinfo *p);
unsigned gt_proc_count(void);
/* Drop entries of processes that are gone (their exit event was lost); returns how many. */
unsigned gt_proc_sweep(void);
void gt_proc_free_all(void);

#endif
