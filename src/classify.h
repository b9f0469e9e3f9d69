/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Pure decisions: role of a process, which Go directory a path is, why a call failed. */
#ifndef GT_CLASSIFY_H
#define GT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include "decode.h"

enum gt_role {
	GT_ROLE_OTHER, GT_ROLE_GO, GT_ROLE_COMPILE, GT_ROLE_ASM, GT_ROLE_LINK, GT_ROLE_CGO,
	GT_ROLE_VET, GT_ROLE_COVER, GT_ROLE_TEST, GT_ROLE_RUN, GT_ROLE_GCC, GT_ROLE_MAX,
};

const char *gt_role_name(enum gt_role r);
/* From the executed file's path (and argv[0] for names a symlink hides). */
enum gt_role gt_role_of(const char *exe, const char *argv0);

/* "EACCES" for 13; NULL when unknown. */
const char *gt_errno_name(int err);
const char *gt_signal_name(int sig);

/* The Go locations, worked out from a process's environment as Go does. */
enum gt_go_dir {
	GD_NONE, GD_GOCACHE, GD_GOTMPDIR, GD_TMPDIR, GD_GOMODCACHE, GD_GOBIN, GD_GOPATH,
	GD_GOROOT, GD_GOENV, GD_MODULE, GD_MAX,
};

struct gt_godirs {
	char *dir[GD_MAX];	/* absolute, NULL when Go would not know it */
	bool set[GD_MAX];	/* came from the variable itself, not a default */
};

const char *gt_go_dir_name(enum gt_go_dir d);
void gt_godirs_compute(struct gt_godirs *g, const struct gt_goenv *env, const char *exe,
		       const char *cwd);
void gt_godirs_free(struct gt_godirs *g);
/* Which Go location path belongs to (the deepest that holds it, or the one it is creating). */
enum gt_go_dir gt_go_dir_of(const struct gt_godirs *g, const char *path);

/*
 * gt_go_dir_of narrowed to what Go put there: TMPDIR only for $WORK, the
 * linker's go-link-* dir, the toolchain's own temporaries (go, compile,
 * link, cgo, gcc...) and what a program makes directly in TMPDIR
 * (os.CreateTemp, os.MkdirTemp, t.TempDir); a file that merely lies deeper
 * under it, or on a mount below it (mount_target, NULL when unknown), is not.
 */
enum gt_go_dir gt_go_dir_placed(const struct gt_godirs *g, const char *path, enum gt_role role,
				const char *mount_target);

/* The documented causes. */
enum gt_cause {
	GC_UNKNOWN, GC_PERMISSION, GC_READ_ONLY, GC_NOEXEC, GC_NO_SPACE, GC_QUOTA,
	GC_FD_LIMIT, GC_PROCESS_LIMIT, GC_MEMORY_LIMIT, GC_TEXT_BUSY, GC_KILLED,
	GC_OTHER_ERROR, GC_SECCOMP, GC_SELINUX, GC_LANDLOCK, GC_APPARMOR, GC_LSM, GC_OOM_KILL,
	GC_TOOL_FAILED,	/* a helper (git, gcc, ...) exited non-zero: tool_stderr says why */
	GC_HARD_LIMIT,	/* setrlimit/prlimit raising a hard limit without CAP_SYS_RESOURCE */
	GC_MAX,
};

/* How strongly a cause explains a failed go command (higher wins the verdict). */
int gt_cause_weight(enum gt_cause c);

const char *gt_cause_name(enum gt_cause c);

struct gt_mount_facts {
	bool known;
	bool noexec, read_only;
	bool from_config;	/* from the runtime's container config, not a mount table */
	char target[256];
	char fstype[32];
};

/* Cause of a failed call from errno, the call and the mount facts. */
enum gt_cause gt_cause_of(int err, const char *syscall, int sc_kind,
			  const struct gt_mount_facts *m);

#endif
