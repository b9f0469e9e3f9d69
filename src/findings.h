/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Findings: one failed call (or kill) with what it means. Repeats of the
 * same cause on the same directory within one go command gather into one
 * finding with a count, emitted when the go command ends or the finding
 * has waited flush_ms.
 */
#ifndef GT_FINDINGS_H
#define GT_FINDINGS_H

#include <stdbool.h>
#include <sys/types.h>
#include <gotraced/events.h>
#include "classify.h"
#include "container.h"
#include "decode.h"

#define GT_FIX_MAX_REJECTS 8

/* A candidate directory the fix checker turned down, and why (fixcheck.h). */
struct gt_fix_reject {
	char *path, *why;
};

#define GT_SAMPLES	8

struct gt_finding {
	__u64 ts_ns, last_ns;		/* boot-time ns of the first and last repeat */
	pid_t pid, ppid, tid;
	pid_t go_pid;
	char comm[GT_COMM_LEN];
	char *exe;
	enum gt_role role;
	struct gt_argv go_argv;
	char go_version[32];		/* the go command's release, "" unknown */
	char syscall[32];		/* "" for a kill */
	bool compat;			/* a 32-bit call (x86-64's ia32 table): "abi":"i386" */
	int err;			/* positive errno, 0 for a kill */
	long open_flags;		/* open/openat/creat flags, -1 when unknown */
	int signal;			/* terminating signal for a kill */
	int rlimit;			/* hard_limit: the RLIMIT_* it tried to raise, -1 none */
	pid_t rlimit_pid;		/* hard_limit: prlimit64's target (0: itself) */
	/* the hard RLIMIT_NOFILE of what started its go command, read at that exec (0 unknown) */
	unsigned long long job_nofile_max;
	char *path;
	bool path_truncated;		/* path lost its head: the kernel's walk is bounded */
	enum gt_go_dir go_dir;
	char *go_dir_path;		/* the directory go_dir stands for here */
	bool go_dir_default;		/* go_dir_path is Go's default, not the variable's value */
	char *home;			/* the process's HOME, for fixes that build on it */
	enum gt_cause cause;
	struct gt_creds creds;
	struct gt_limits limits;
	bool have_limits;
	struct gt_mount_facts mount;
	char *cgroup;			/* the pids or memory cgroup involved */
	__u64 mem_max, mem_usage;	/* oom_kill: the cgroup's limit and use, bytes */
	pid_t sender_pid;		/* killed: who sent the signal (0: the kernel) */
	char sender_comm[GT_COMM_LEN];
	bool sender_is_go;		/* the sender is this tree's go command */
	int sig_syscall;		/* seccomp SIGSYS: the syscall refused, else -1 */
	const char *action;		/* seccomp: "errno", "kill" or "trap" */
	struct gt_lsm_info lsm;		/* an LSM refusal seen in the kernel during the call */
	struct gt_nsfacts ns;		/* container, namespaces and the host's view */
	/* tool_failed: the helper's first stderr bytes, argv and exit status */
	char *tool_stderr;
	struct gt_argv tool_argv;
	int tool_exit;
	char *explanation, *fix;
	unsigned mntns;			/* the refused process's mount namespace */
	int root_fd;			/* > 0: its root, held open while it is diagnosed */
	struct gt_goenv env;		/* its Go-relevant environment (HOME, XDG_*, GOPATH...) */
	bool fix_checked;		/* the place or setting the fix names was checked to work */
	char *fix_dir;			/* the directory the fix proposes, as checked */
	bool fix_dir_create;		/* it does not exist yet: the fix says mkdir -p */
	unsigned n_fix_rejected;
	struct gt_fix_reject fix_rejected[GT_FIX_MAX_REJECTS];
	char *key;			/* what repeats share */
	char *raw_key;			/* the record's own facts, known before diagnosis */
	char *refuser;			/* what refused: the component whose owner and mode refuse */
	/* distinct syscall and path pairs gathered here, the first GT_SAMPLES */
	struct gt_sample { char syscall[32]; char *path; } samples[GT_SAMPLES];
	unsigned nsamples;
	char *search_name;		/* a PATH probe: the program searched for, else NULL */
	bool search_hit;		/* the refused PATH directory does hold that program */
	bool absorbed;			/* its process (and go command) succeeded: not a finding */
	char *aliases[8];		/* raw keys already merged here: repeats skip diagnosis */
	unsigned long count;
	struct gt_finding *next;
};

typedef void (*gt_finding_fn)(struct gt_finding *f, void *ctx);

void gt_findings_init(unsigned flush_ms, gt_finding_fn emit, void *ctx);
/* Takes ownership of f: either queued, or merged into a pending one and freed. */
void gt_findings_add(struct gt_finding *f);
/*
 * A repeat of a record already diagnosed: count it on its pending finding
 * without diagnosing again (the flood path). False when there is none.
 */
bool gt_findings_bump(pid_t go_pid, const char *raw_key, __u64 ts_ns);
/* Emit pending findings: of go command go_pid (-1: all) or those older than flush_ms. */
void gt_findings_flush(pid_t go_pid, __u64 now_ns, bool all);
unsigned gt_findings_pending(void);
void gt_finding_free(struct gt_finding *f);
/* Record syscall on path among f's samples when it is new and there is room. */
void gt_finding_sample(struct gt_finding *f, const char *syscall, const char *path);
/* Gather from's samples into into's (a merge); puts a path Go names first (see .c). */
void gt_finding_merge(struct gt_finding *into, const struct gt_finding *from);

#endif
