/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What each Go release does differently, as data (src/gorelease.c): the
 * refusals it absorbs by design, what it prints for a failure, the failure
 * modes it brought. Releases are told apart by their minor number
 * (go1.27.4 -> 27).
 */
#ifndef GT_GORELEASE_H
#define GT_GORELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include "classify.h"

enum gt_gr_kind {
	GR_ABSORBS,	/* a refusal of `syscall` the release handles by design: no finding */
	GR_SIDECAR,	/* a process of the go command that is no go command of its own */
	GR_MESSAGE,	/* what the release prints for a failure: the exit event's note */
	GR_MODE,	/* a failure mode the release brought (documentation, tests) */
};

/* Who makes the call: Go code (the go command, its tools, test binaries) or anyone. */
enum gt_gr_who { GR_GO_CODE, GR_ANY };

struct gt_go_release_row {
	enum gt_gr_kind kind;
	int since, until;		/* minor releases it holds for; until 0: still */
	const char *name;		/* short handle, used by the tests and docs */
	/* GR_ABSORBS: the syscall (a prefix when it ends in '*') and its errnos (0: any) */
	const char *syscall;
	int errnos[3];
	enum gt_gr_who who;
	bool telemetry_dir;		/* only for the telemetry dir, inside it or a parent it creates */
	const char *paths[6];		/* only these paths (exact, or "*" + "/NAME" in any dir) */
	/* GR_MESSAGE: which failure (cause, go dir, go subcommand or NULL for any) */
	enum gt_cause cause;
	enum gt_go_dir go_dir;
	const char *subcommand;
	const char *text;		/* the note, or what the row means */
	const char *source;		/* release note, Go source file, or "reproduced here" */
	const char *test;		/* the test that shows it */
};

extern const struct gt_go_release_row gt_go_release_rows[];
extern const size_t gt_go_release_nrows;

/* 27 for "go1.27.4" (or "go1.27rc1", "devel go1.27-..."); 0 when unknown. */
int gt_go_minor(const char *version);

/* The row under which release `minor` absorbs err from syscall by design, else NULL. */
const struct gt_go_release_row *gt_go_absorbs(int minor, const char *syscall, int err,
					      bool go_code, const char *path,
					      const char *telemetry_dir);

/* Is argv the release's telemetry sidecar (`go '** telemetry **'`, one argument)? */
bool gt_go_is_sidecar(int minor, int argc, char *const argv[]);

/* The note for a failed go command's verdict on this release, or NULL. */
const char *gt_go_note(int minor, enum gt_cause cause, enum gt_go_dir go_dir,
		       enum gt_role role, int signal, const char *subcommand);

struct gt_finding;

/* What Go hides: a failed helper's stderr the go command did not show, and its fix. */
struct gt_tool_message {
	const char *tool;		/* argv[0]'s base name, NULL: any */
	const char *match;		/* a substring of its stderr */
	const char *explanation;	/* %s: the quoted path of the message, if any */
	const char *fix;		/* %s: the same */
	const char *source;
	const char *test;
};

extern const struct gt_tool_message gt_tool_messages[];
extern const size_t gt_tool_nmessages;

/* Explanation and fix of a tool_failed finding (f->tool_argv, tool_stderr, tool_exit). */
void gt_tool_explain(struct gt_finding *f);

/* The Go version of an executable: its build info, else GOROOT/VERSION; cached per path. */
const char *gt_go_version_of(const char *exe, int pid);
void gt_go_version_cache_free(void);

#endif
