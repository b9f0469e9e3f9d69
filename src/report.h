/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * CI-native reports of a run (`gotraced -- go test ./...`), in the CI's own
 * formats, so a refusal shows where the CI shows failures:
 *   - GitHub Actions (--report github, or GITHUB_ACTIONS=true): each finding
 *     as an `::error title=...::...` workflow command on stdout as it is
 *     found, and a Markdown table appended to $GITHUB_STEP_SUMMARY at the end;
 *   - JUnit XML (--junit FILE): one testsuite for the run, one testcase per
 *     go command, a failure element with the verdict and its fix.
 * Strings from the traced programs are hostile: every format escapes them by
 * its own rules (see the escape functions, unit-tested byte for byte).
 */
#ifndef GT_REPORT_H
#define GT_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "render.h"

struct gt_report_opts {
	bool github;			/* workflow commands + step summary */
	const char *summary;		/* $GITHUB_STEP_SUMMARY, NULL: none */
	const char *junit;		/* --junit FILE, NULL: none */
	int out_fd;			/* where workflow commands go (stdout) */
	const char *command;		/* the command run, for titles */
	long long start_ns;		/* wall clock, for the suite's timestamp and time */
};

void gt_report_init(const struct gt_report_opts *o);
/* The gt_sink tap: keep findings and go commands, print workflow commands. */
void gt_report_tap(const struct gt_event_view *ev, void *ctx);
/* The run is over with this exit status: write the summary and the JUnit file. */
void gt_report_finish(int status, long long end_ns);
void gt_report_free(void);

/* The escapes, as the formats define them (exposed for the unit tests). */
void gt_gh_escape_data(FILE *f, const char *s);	/* % CR LF */
void gt_gh_escape_prop(FILE *f, const char *s);	/* % CR LF : , */
void gt_md_escape(FILE *f, const char *s);	/* table cell text */
void gt_md_code(FILE *f, const char *s);	/* table cell code span */
void gt_xml_escape(FILE *f, const char *s, bool attr);

#endif
