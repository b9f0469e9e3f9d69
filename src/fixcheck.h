/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Checked fixes: a directory is proposed only after it was examined as the
 * refused process would meet it (its credentials, mount namespace and
 * root): every component searchable, the directory writable (or creatable
 * from its nearest existing ancestor), its mount read-write, without noexec
 * when the fix is about running something, with free space and inodes, and
 * not the mount or directory that just refused. Candidates are tried in
 * order (HOME-derived default, XDG dirs, the system's usual places); the
 * first that passes is proposed, the others are recorded with the reason.
 *
 * Use: gt_fix_env_of(f, need, &env) then gt_fix_pick(&env, cands, n, &r)
 * (or gt_fix_pick_for(f, what, need, &r) with the candidate table), then
 * gt_fix_record(f, &r) to put fix_checked / fix_dir / fix_rejected on f.
 */
#ifndef GT_FIXCHECK_H
#define GT_FIXCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "findings.h"

/* What the proposed directory must allow besides creating files in it. */
#define GT_FIX_EXEC 1		/* files in it are executed or mapped executable */

/* Least free room for a proposed directory (a Go build cache grows to hundreds of MiB). */
#define GT_FIX_MIN_FREE_BYTES	(64ULL << 20)
#define GT_FIX_MIN_FREE_INODES	1000ULL

struct gt_fix_env;

/* Facts about the machine, replaceable in unit tests; 0 on success. */
struct gt_fix_probe {
	int (*mount_of)(const struct gt_fix_env *e, const char *path, struct gt_mount_facts *m);
	int (*space_of)(const struct gt_fix_env *e, const char *path,
			unsigned long long *free_bytes, unsigned long long *free_inodes,
			bool *inodes_unlimited);
};

/* Where, and as whom, candidates are examined. */
struct gt_fix_env {
	struct gt_creds creds;		/* fsuid, fsgid, groups of the refused process */
	char root[64];			/* "/proc/PID/root" while it lives, else "" */
	pid_t pid;
	unsigned mntns;			/* its mount namespace (mount facts are cached per ns) */
	int need;			/* 0 or GT_FIX_EXEC */
	const char *refused_mount;	/* mount target that refused (read-only, noexec, full) */
	const char *refused_dir;	/* the directory that was refused: never proposed again */
	const struct gt_fix_probe *probe;	/* NULL: this machine */
};

struct gt_fix_check {
	char *dir;			/* the first candidate that passed, NULL if none */
	bool create;			/* it does not exist yet: mkdir -p it */
	unsigned nrejected;
	struct gt_fix_reject rejected[GT_FIX_MAX_REJECTS];
};

/* The environment for f's refused process; refused mount/dir from f's cause and go_dir. */
/* At a go command's exec: keep a handle on its namespace's root for later checks. */
void gt_fix_pin_root(unsigned mntns, pid_t pid);
/*
 * The root to examine f's paths from: its /proc/PID/root while it lives, else
 * the pinned root of its mount namespace, else "" (ours: same namespace).
 * Findings are released when their process has ended, so this matters.
 */
void gt_examine_root(const struct gt_finding *f, char *root, size_t size);
/* Hold that root open (f->root_fd) from the diagnosis to the layer rows, then let it go. */
void gt_examine_begin(struct gt_finding *f);
void gt_examine_end(struct gt_finding *f);
void gt_fix_env_of(const struct gt_finding *f, int need, struct gt_fix_env *e);

/* Check one directory: NULL when it passes (*create: it must be made), else why not. */
char *gt_fix_check_dir(const struct gt_fix_env *e, const char *dir, bool *create);

/* Try cands[0..n) in order (NULL entries skipped); true when one passed (r->dir). */
bool gt_fix_pick(const struct gt_fix_env *e, const char *const *cands, int n,
		 struct gt_fix_check *r);

/*
 * What a fix puts somewhere: a Go directory variable (enum gt_go_dir values)
 * or one of these, each with its row of candidates in fixcheck.c.
 */
enum gt_fix_what {
	GT_FW_SHLIB = GD_MAX,	/* a shared object or plugin to load */
	GT_FW_PROGRAM,		/* a program a test runs */
	GT_FW_SRC_COPY,		/* a writable copy of a source tree */
	GT_FW_MAX,
};

/* The candidate row for what, expanded from f's HOME, XDG_* and uid; returns how many. */
int gt_fix_candidates(int what, const struct gt_finding *f, char **out, int max);

/* gt_fix_env_of + gt_fix_candidates + gt_fix_pick. */
bool gt_fix_pick_for(const struct gt_finding *f, int what, int need, struct gt_fix_check *r);

/* Move the result onto f: fix_checked, fix_dir, fix_rejected (r is emptied). */
void gt_fix_record(struct gt_finding *f, struct gt_fix_check *r);

void gt_fix_check_free(struct gt_fix_check *r);

/* "rejected: /a (why); /b (why)" for a fix that found no candidate, or NULL. */
char *gt_fix_rejections(const struct gt_finding *f);

/* What a Go directory must allow: $WORK (GOTMPDIR, or TMPDIR without it), GOBIN and (Go 1.24+) GOCACHE run code. */
int gt_fix_need_of(const struct gt_finding *f, enum gt_go_dir d);

/*
 * The fix for a Go directory variable, checked: "mkdir -p D && export VAR=D"
 * with the first candidate that passes, or what to create or mount when none
 * does. what: a Go directory; why: what it must be ("writable", "has room").
 * Records the check on f. Caller frees.
 */
char *gt_fix_setting(struct gt_finding *f, enum gt_go_dir var, int need, const char *why);

/* "mkdir -p D && " when D is to be created, else "": for composing fix texts. */
const char *gt_fix_mkdir(const struct gt_finding *f);

/* The clause for when no candidate passed: what to create or mount, and why none did. */
char *gt_fix_none(const struct gt_finding *f, const char *what, int need);

/*
 * The fix for a hard RLIMIT_NOFILE too low for go, with a value that can be
 * set here: 65536 where root holds CAP_SYS_RESOURCE (bounding set) and
 * fs.nr_open allows it, else the hard limit of the process that started
 * the job (f->job_nofile_max: its go command's starter, read at that exec;
 * else the refused process's parent, read now), the most it can hand down
 * without the capability. Sets f->fix_checked. Caller frees.
 */
char *gt_fix_nofile(struct gt_finding *f);

/* The hard RLIMIT_NOFILE of process pid, from /proc; 0 when it is gone. */
unsigned long long gt_nofile_hard(pid_t pid);

#endif
