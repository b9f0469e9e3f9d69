/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Hold: a diagnosed refusal waits for the outcome of the process that met it.
 *
 * Real programs provoke refusals on purpose and carry on (a test checks the
 * error of a write to a read-only file; execvp tries each PATH directory in
 * turn). A refusal is a finding only when it may have failed something:
 *
 *  - the process that met it fails (exits non-zero) or is killed: its held
 *    refusals (and its kill) go up to its parent, which may absorb that
 *    failure in turn (a test that expects its helper to fail); they are
 *    released as findings when they reach the go command or a process with
 *    no traced parent, that is, at the latest when a direct child of the go
 *    command ends, so `go test ./...` streams findings package by package;
 *  - the go command itself fails: its own refusals are findings; so are those
 *    of its children that succeeded, but only when nothing else was released
 *    for that go command (a failure with no other explanation).
 *
 * Everything else is absorbed: counted, and shown only with --all-errors,
 * marked absorbed. A PATH search (a refused access/stat/execve of DIR/NAME
 * with DIR on the process's PATH) is absorbed as soon as NAME is executed by
 * the process or a child, and so is one whose refused directory does not
 * hold NAME (the refusal hid nothing: Go's probe of gccgo); one that never
 * runs NAME although a refused directory holds it is one finding naming
 * those directories.
 */
#ifndef GT_HOLD_H
#define GT_HOLD_H

#include <stdbool.h>
#include <sys/types.h>
#include "findings.h"

/* Where held findings go: released (a finding) or absorbed (counted only). */
struct gt_hold_sink {
	void (*release)(struct gt_finding *f, void *ctx);	/* takes ownership */
	void (*absorb)(const struct gt_finding *f, void *ctx);	/* f is freed after */
	void *ctx;
};

void gt_hold_init(const struct gt_hold_sink *sink);

/*
 * A PATH probe: syscall on DIR/NAME with DIR an entry of the PATH value
 * (access, faccessat, stat family, execve). Copies NAME into name and returns
 * true when it is one.
 */
bool gt_path_probe(const char *syscall, const char *path, const char *path_env, char *name,
		   size_t size);

/*
 * How much of a refused path its raw key (the facts known before diagnosis)
 * keeps: its directory, so the 256 mkdirs of GOCACHE/00..ff are diagnosed
 * once; the whole path when a sibling may be another finding: a Go directory
 * of g (NULL: none known) or a parent on the way to one (HOME/.cache for
 * GOCACHE, beside HOME/.config). syscall and path_env: unused (the probes of
 * one PATH directory stay one item: see gt_hold_add's bound).
 */
size_t gt_raw_key_span(const char *path, const struct gt_godirs *g, const char *syscall,
		       const char *path_env);

/* Hold f for process pid (parent ppid, go command go_pid; 0: none). Takes ownership. */
void gt_hold_add(pid_t pid, pid_t ppid, pid_t go_pid, struct gt_finding *f);
/* n repeats of a held record of pid (same raw key): counted without diagnosis. */
bool gt_hold_bump(pid_t pid, const char *raw_key, __u64 ts_ns, const char *syscall,
		  const char *path, unsigned long n);
/* pid (child of ppid) executed a program named name: settles PATH searches for it. */
void gt_hold_exec(pid_t pid, pid_t ppid, const char *name);
/*
 * pid (child of ppid) ended; failed when it exited non-zero or was killed.
 * parent_traced: ppid is a live traced process; go_alive: so is its go command.
 */
void gt_hold_exit(pid_t pid, pid_t ppid, bool failed, bool parent_traced, bool go_alive);
/* Forget processes that are gone without an exit seen; returns how many. */
unsigned gt_hold_sweep(void);
/* pid's exit was never seen (its entry was swept): outcome unknown, release. */
void gt_hold_forget(pid_t pid);
/* Release everything still held (tracing stops: outcomes unknown). */
void gt_hold_release_all(void);
/* Failed calls held now. */
unsigned long gt_hold_pending(void);

#endif
