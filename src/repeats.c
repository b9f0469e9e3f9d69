// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "repeats.h"

struct rep {
	struct gt_rep_key key;
	__u64 seen;			/* repeats handed on so far */
	struct gt_syserr_event *rec;	/* the record sent with the key */
	size_t size;
	__u32 flags;			/* its GT_SE_* flags as judged */
	struct rep *next;		/* of the same process */
	UT_hash_handle hh;		/* by key */
};

struct rep_proc {
	pid_t pid;
	__u64 start_ns;
	struct rep *reps;
	UT_hash_handle hh;		/* by pid */
};

static struct rep *by_key;
static struct rep_proc *by_pid;
static unsigned nkeys;
static gt_rep_read_fn read_fn;
static gt_rep_batch_fn batch_fn;
static void *read_ctx;
static gt_rep_replay_fn replay_fn;

void gt_repeats_init(gt_rep_replay_fn replay)
{
	replay_fn = replay;
}

void gt_repeats_source(gt_rep_read_fn read, gt_rep_batch_fn batch, void *ctx)
{
	read_fn = read;
	batch_fn = batch;
	read_ctx = ctx;
}

/* Hand on what the kernel counted beyond what was seen. */
static void apply(struct rep *r, const struct gt_rep_val *v)
{
	if (v->count <= r->seen || !replay_fn)
		return;
	r->rec->hdr.ts_ns = v->last_ns;
	replay_fn(r->rec, r->size, r->flags, v->count - r->seen);
	r->seen = v->count;
}

static void free_rep(struct rep *r)
{
	HASH_DEL(by_key, r);
	nkeys--;
	free(r->rec);
	free(r);
}

static void drain_proc(struct rep_proc *p, bool gone)
{
	for (struct rep *r = p->reps, *next; r; r = next) {
		struct gt_rep_val v;

		next = r->next;
		if (read_fn && !read_fn(&r->key, &v, gone, read_ctx))
			apply(r, &v);
		if (gone)
			free_rep(r);
	}
	if (gone) {
		HASH_DEL(by_pid, p);
		free(p);
	}
}

void gt_repeats_note(const struct gt_syserr_event *e, size_t size, __u32 flags)
{
	struct rep_proc *p;
	struct rep *r;

	if (!(e->limits.flags & GT_SE_REPEATS) || e->rep.tgid != e->hdr.pid ||
	    e->rep.start_ns != e->hdr.start_ns)
		return;
	HASH_FIND(hh, by_key, &e->rep, sizeof(e->rep), r);
	if (r)
		return;	/* two threads sent it at once: the kernel keeps one entry */
	HASH_FIND_INT(by_pid, &e->rep.tgid, p);
	if (p && p->start_ns != e->rep.start_ns) {
		drain_proc(p, true);	/* a reused pid: the earlier process has ended */
		p = NULL;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return;
		p->pid = e->rep.tgid;
		p->start_ns = e->rep.start_ns;
		HASH_ADD_INT(by_pid, pid, p);
	}
	r = calloc(1, sizeof(*r));
	if (r)
		r->rec = malloc(size);
	if (!r || !r->rec) {
		free(r);
		return;
	}
	memcpy(r->rec, e, size);
	r->key = e->rep;
	r->size = size;
	r->flags = flags;
	r->next = p->reps;
	p->reps = r;
	HASH_ADD(hh, by_key, key, sizeof(r->key), r);
	nkeys++;
}

static void batch_one(const struct gt_rep_key *k, const struct gt_rep_val *v, void *arg)
{
	struct rep *r;

	HASH_FIND(hh, by_key, k, sizeof(*k), r);
	if (r)
		apply(r, v);
}

void gt_repeats_drain(pid_t pid, bool gone)
{
	struct rep_proc *p, *tmp;

	if (pid >= 0) {
		HASH_FIND_INT(by_pid, &pid, p);
		if (p)
			drain_proc(p, gone);
		return;
	}
	if (!nkeys)
		return;
	/* one read of the whole map where the kernel allows it, else key by key */
	if (!gone && batch_fn && !batch_fn(batch_one, NULL, read_ctx))
		return;
	HASH_ITER(hh, by_pid, p, tmp)
		drain_proc(p, gone);
}

unsigned gt_repeats_sweep(void)
{
	struct rep_proc *p, *tmp;
	unsigned n = 0;

	HASH_ITER(hh, by_pid, p, tmp) {
		if (kill(p->pid, 0) && errno == ESRCH) {
			drain_proc(p, true);
			n++;
		}
	}
	return n;
}

unsigned gt_repeats_keys(void)
{
	return nkeys;
}

void gt_repeats_free_all(void)
{
	struct rep_proc *p, *tmp;
	gt_rep_read_fn r = read_fn;

	read_fn = NULL;		/* the maps may be gone: forget, do not read */
	HASH_ITER(hh, by_pid, p, tmp)
		drain_proc(p, true);
	read_fn = r;
}
