// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "findings.h"
#include "proctab.h"

static struct gt_procinfo *table;

struct gt_procinfo *gt_proc_get(pid_t pid)
{
	struct gt_procinfo *p;

	HASH_FIND_INT(table, &pid, p);
	return p;
}

struct gt_procinfo *gt_proc_of(pid_t pid, __u64 start_ns)
{
	struct gt_procinfo *p = gt_proc_get(pid);

	/* an earlier owner of the pid (its exit was lost): forget it */
	if (p && p->start_ns && start_ns && start_ns - p->start_ns >= GT_TICK_NS) {
		gt_proc_del(p);
		p = NULL;
	}
	return p;
}

struct gt_procinfo *gt_proc_new(pid_t pid)
{
	struct gt_procinfo *p = gt_proc_get(pid);

	if (p)
		gt_proc_del(p);
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->seccomp_syscall = -1;
	HASH_ADD_INT(table, pid, p);
	return p;
}

void gt_proc_inherit(struct gt_procinfo *c, const struct gt_procinfo *p)
{
	memcpy(c->comm, p->comm, sizeof(c->comm));
	c->exe = p->exe ? strdup(p->exe) : NULL;
	gt_argv_copy(&c->argv, &p->argv);
	gt_goenv_copy(&c->env, &p->env);
	c->role = p->role;
	c->mntns = p->mntns;
	c->nskey = p->nskey;
	c->root = p->root ? strdup(p->root) : NULL;
}

void gt_proc_del(struct gt_procinfo *p)
{
	HASH_DEL(table, p);
	free(p->exe);
	free(p->root);
	free(p->stderr_buf);
	while (p->held_tools) {
		struct gt_finding *f = p->held_tools;

		p->held_tools = f->next;
		gt_finding_free(f);
	}
	gt_argv_free(&p->argv);
	gt_goenv_free(&p->env);
	free(p->oom.cgroup);
	free(p->verdict.path);
	free(p->verdict.explanation);
	free(p->verdict.fix);
	free(p);
}

unsigned gt_proc_count(void)
{
	return HASH_COUNT(table);
}

unsigned gt_proc_sweep(void)
{
	struct gt_procinfo *p, *tmp;
	unsigned n = 0;

	HASH_ITER(hh, table, p, tmp) {
		if (kill(p->pid, 0) && errno == ESRCH) {
			gt_proc_del(p);
			n++;
		}
	}
	return n;
}

void gt_proc_free_all(void)
{
	struct gt_procinfo *p, *tmp;

	HASH_ITER(hh, table, p, tmp)
		gt_proc_del(p);
}
