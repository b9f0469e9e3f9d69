// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "findings.h"

static struct gt_finding *pending;
static unsigned npending;
static __u64 flush_ns;
static gt_finding_fn emit_fn;
static void *emit_ctx;

void gt_findings_init(unsigned flush_ms, gt_finding_fn emit, void *ctx)
{
	flush_ns = (__u64)flush_ms * 1000000;
	emit_fn = emit;
	emit_ctx = ctx;
}

void gt_finding_free(struct gt_finding *f)
{
	free(f->exe);
	gt_argv_free(&f->go_argv);
	free(f->path);
	free(f->go_dir_path);
	free(f->home);
	free(f->explanation);
	free(f->fix);
	free(f->key);
	free(f->raw_key);
	for (int i = 0; i < 8; i++)
		free(f->aliases[i]);
	free(f->cgroup);
	gt_nsfacts_free(&f->ns);
	gt_goenv_free(&f->env);
	free(f->fix_dir);
	for (unsigned i = 0; i < f->n_fix_rejected && i < GT_FIX_MAX_REJECTS; i++) {
		free(f->fix_rejected[i].path);
		free(f->fix_rejected[i].why);
	}
	free(f->search_name);
	free(f->refuser);
	for (unsigned i = 0; i < f->nsamples; i++)
		free(f->samples[i].path);
	free(f->tool_stderr);
	gt_argv_free(&f->tool_argv);
	free(f);
}

void gt_finding_sample(struct gt_finding *f, const char *syscall, const char *path)
{
	struct gt_sample *s;

	if (!syscall[0] && !path)
		return;
	for (unsigned i = 0; i < f->nsamples; i++)
		if (!strcmp(f->samples[i].syscall, syscall) &&
		    !strcmp(f->samples[i].path ?: "", path ?: ""))
			return;
	if (f->nsamples == GT_SAMPLES)
		return;
	s = &f->samples[f->nsamples++];
	snprintf(s->syscall, sizeof(s->syscall), "%s", syscall);
	s->path = path ? strdup(path) : NULL;
}

/*
 * Refusals Go makes on purpose and ignores, so never the one its message names
 * (cmd/go/internal/cache/default.go writes GOCACHE/README "best effort", then
 * fails on mkdir GOCACHE/00). A finding that starts with one shows the next.
 */
static const struct { enum gt_go_dir dir; const char *name; } best_effort[] = {
	{ GD_GOCACHE, "README" },
};

static bool is_best_effort(const struct gt_finding *f, const char *path)
{
	const char *b = path ? strrchr(path, '/') : NULL;

	for (size_t i = 0; b && i < sizeof(best_effort) / sizeof(best_effort[0]); i++)
		if (f->go_dir == best_effort[i].dir && !strcmp(b + 1, best_effort[i].name))
			return true;
	return false;
}

void gt_finding_merge(struct gt_finding *into, const struct gt_finding *from)
{
	for (unsigned i = 0; i < from->nsamples; i++)
		gt_finding_sample(into, from->samples[i].syscall, from->samples[i].path);
	if (is_best_effort(into, into->path) && from->path && !is_best_effort(into, from->path)) {
		/* show what Go names: the call that failed the command, not the ignored one */
		free(into->path);
		into->path = strdup(from->path);
		snprintf(into->syscall, sizeof(into->syscall), "%s", from->syscall);
		free(into->explanation);
		into->explanation = from->explanation ? strdup(from->explanation) : NULL;
	}
}

void gt_findings_add(struct gt_finding *f)
{
	struct gt_finding **pp;

	if (!f->count)
		f->count = 1;
	for (pp = &pending; *pp; pp = &(*pp)->next) {
		struct gt_finding *p = *pp;

		if (p->go_pid == f->go_pid && p->key && f->key && !strcmp(p->key, f->key)) {
			p->count += f->count;
			gt_finding_merge(p, f);
			p->last_ns = f->ts_ns;
			for (int i = 0; f->raw_key && i < 8; i++) {
				if (!p->aliases[i]) {
					p->aliases[i] = f->raw_key;
					f->raw_key = NULL;
					break;
				}
			}
			gt_finding_free(f);
			return;
		}
	}
	/* a finding released by the hold already keeps its raw key there */
	if (!f->aliases[0]) {
		f->aliases[0] = f->raw_key;
		f->raw_key = NULL;
	}
	f->last_ns = f->ts_ns;
	f->next = NULL;
	*pp = f;
	npending++;
}

bool gt_findings_bump(pid_t go_pid, const char *raw_key, __u64 ts_ns)
{
	for (struct gt_finding *p = pending; p; p = p->next) {
		if (p->go_pid != go_pid)
			continue;
		for (int i = 0; i < 8 && p->aliases[i]; i++) {
			if (!strcmp(p->aliases[i], raw_key)) {
				p->count++;
				p->last_ns = ts_ns;
				return true;
			}
		}
	}
	return false;
}

void gt_findings_flush(pid_t go_pid, __u64 now_ns, bool all)
{
	struct gt_finding **pp = &pending;

	while (*pp) {
		struct gt_finding *f = *pp;
		bool due = all || (go_pid > 0 && f->go_pid == go_pid) ||
			   now_ns >= f->ts_ns + flush_ns;

		if (!due) {
			pp = &f->next;
			continue;
		}
		*pp = f->next;
		npending--;
		emit_fn(f, emit_ctx);
		gt_finding_free(f);
	}
}

unsigned gt_findings_pending(void)
{
	return npending;
}
