// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
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
	free(f);
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
	f->aliases[0] = f->raw_key;
	f->raw_key = NULL;
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
