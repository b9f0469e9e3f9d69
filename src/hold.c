// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "hold.h"

/* distinct held findings per process; past that a refusal is released at once */
#define HOLD_MAX	64
/* held refusals of a go command's children that succeeded; past that absorbed at once */
#define KIDS_MAX	256

struct held {
	pid_t pid;
	pid_t go_pid;
	struct gt_finding *items;	/* its own, and those of children that failed */
	unsigned nitems;
	struct gt_finding *kids;	/* a go command's: of children that succeeded */
	unsigned nkids;
	unsigned long released;		/* a go command's: failed calls released for it */
	UT_hash_handle hh;
};

static struct held *table;
static struct gt_hold_sink sink;
static unsigned long npending;

void gt_hold_init(const struct gt_hold_sink *s)
{
	sink = *s;
}

static const char *const probe_calls[] = {
	"access", "faccessat", "faccessat2", "stat", "lstat", "newfstatat", "statx", "execve",
	"execveat",
};

bool gt_path_probe(const char *syscall, const char *path, const char *path_env, char *name,
		   size_t size)
{
	const char *slash, *e;
	size_t dirlen, i;

	for (i = 0; i < sizeof(probe_calls) / sizeof(probe_calls[0]); i++)
		if (!strcmp(syscall, probe_calls[i]))
			break;
	if (i == sizeof(probe_calls) / sizeof(probe_calls[0]) || !path || path[0] != '/' ||
	    !path_env)
		return false;
	slash = strrchr(path, '/');
	if (!slash[1] || strlen(slash + 1) >= size)
		return false;
	dirlen = slash > path ? (size_t)(slash - path) : 1;
	for (const char *p = path_env; *p; p = *e ? e + 1 : e) {
		size_t n;

		e = strchrnul(p, ':');
		n = e - p;
		while (n > 1 && p[n - 1] == '/')
			n--;
		/* relative entries ("", ".") are searched from the cwd: not matched here */
		if (n && p[0] == '/' && n == dirlen && !strncmp(p, path, n)) {
			strcpy(name, slash + 1);
			return true;
		}
	}
	return false;
}

size_t gt_raw_key_span(const char *path, const struct gt_godirs *g, const char *syscall,
		       const char *path_env)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (!slash)
		return 0;
	/* a Go directory itself, or a parent on the way to one, is placed apart from its siblings */
	for (int d = GD_GOCACHE; g && path[0] == '/' && d < GD_MAX; d++)
		if (g->dir[d] && strcmp(path, "/") && gt_path_under(g->dir[d], path))
			return strlen(path);
	/*
	 * A PATH search's probes of one directory stay one (gcc, collect2 and go probe dozens
	 * of names in each PATH entry: one held item per name would overflow the hold)
	 */
	return slash - path;
}

static struct held *find(pid_t pid)
{
	struct held *h;

	HASH_FIND_INT(table, &pid, h);
	return h;
}

static struct held *get(pid_t pid, pid_t go_pid)
{
	struct held *h = find(pid);

	if (h)
		return h;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->pid = pid;
	h->go_pid = go_pid;
	HASH_ADD_INT(table, pid, h);
	return h;
}

static bool same(const struct gt_finding *a, const struct gt_finding *b)
{
	if (!a->key || !b->key || strcmp(a->key, b->key))
		return false;
	if (!a->search_name != !b->search_name)
		return false;
	/* one search per program name and directory */
	return !a->search_name || (!strcmp(a->search_name, b->search_name) &&
				   a->path && b->path && !strcmp(a->path, b->path));
}

/* Merge f into the list (same key) or append it; false when the list is full. */
static bool put(struct gt_finding **list, unsigned *n, unsigned max, struct gt_finding *f)
{
	struct gt_finding **pp;

	for (pp = list; *pp; pp = &(*pp)->next) {
		struct gt_finding *p = *pp;

		if (!same(p, f))
			continue;
		p->count += f->count;
		gt_finding_merge(p, f);
		p->last_ns = f->ts_ns > p->last_ns ? f->ts_ns : p->last_ns;
		/* its raw keys too, so repeats of either skip diagnosis */
		for (int i = 0, j = 0; i < 8 && j < 8 && f->aliases[j]; i++) {
			if (!p->aliases[i]) {
				p->aliases[i] = f->aliases[j];
				f->aliases[j++] = NULL;
			}
		}
		gt_finding_free(f);
		return true;
	}
	if (*n >= max)
		return false;
	f->next = NULL;
	*pp = f;
	(*n)++;
	return true;
}

static struct held *get(pid_t pid, pid_t go_pid);

static void count_release(const struct gt_finding *f)
{
	struct held *go = f->go_pid ? get(f->go_pid, f->go_pid) : NULL;

	if (go)
		go->released += f->count;
}

static void release(struct gt_finding *f)
{
	npending -= f->count;
	count_release(f);
	f->next = NULL;
	sink.release(f, sink.ctx);
}

static void absorb(struct gt_finding *f)
{
	npending -= f->count;
	f->absorbed = true;
	f->next = NULL;
	sink.absorb(f, sink.ctx);
	gt_finding_free(f);
}

static void absorb_all(struct gt_finding **list, unsigned *n)
{
	while (*list) {
		struct gt_finding *f = *list;

		*list = f->next;
		absorb(f);
	}
	*n = 0;
}

/*
 * The PATH searches for one program that never found it: one finding, the
 * first refused directory's, naming every directory refused.
 */
static void release_search(struct gt_finding *first, struct gt_finding **rest)
{
	const char *s = strrchr(first->path, '/');
	char *dirs = NULL, *old = first->explanation;
	size_t len = 0;
	FILE *m = open_memstream(&dirs, &len);

	if (m)
		fprintf(m, "%.*s", (int)(s > first->path ? s - first->path : 1), first->path);
	for (struct gt_finding **pp = rest; *pp;) {
		struct gt_finding *f = *pp;

		if (!f->search_name || !f->search_hit || strcmp(f->search_name, first->search_name)) {
			pp = &f->next;
			continue;
		}
		*pp = f->next;
		s = f->path ? strrchr(f->path, '/') : NULL;
		if (m && s)
			fprintf(m, ", %.*s", (int)(s > f->path ? s - f->path : 1), f->path);
		first->count += f->count;	/* its calls are counted in first now */
		gt_finding_merge(first, f);
		gt_finding_free(f);
	}
	if (m)
		fclose(m);
	asprintf(&first->explanation, "%s searched PATH for %s and ran it from no directory; "
		 "%s is in %s, refused: %s", first->comm, first->search_name, first->search_name,
		 m && dirs ? dirs : "?", old ? old : "");
	free(old);
	free(dirs);
	release(first);
}

/* Release the held findings of a list (outcome: failed, or unknown). */
static void release_all_of(struct gt_finding **list, unsigned *n)
{
	while (*list) {
		struct gt_finding *f = *list;

		*list = f->next;
		if (f->search_name && !f->search_hit)
			absorb(f);	/* the program is not there: the refusal hid nothing */
		else if (f->search_name)
			release_search(f, list);
		else
			release(f);
	}
	*n = 0;
}

static void drop(struct held *h)
{
	HASH_DEL(table, h);
	free(h);
}

void gt_hold_add(pid_t pid, pid_t ppid, pid_t go_pid, struct gt_finding *f)
{
	struct held *h = get(pid, go_pid);

	if (!f->count)
		f->count = 1;
	if (!f->aliases[0]) {
		f->aliases[0] = f->raw_key;
		f->raw_key = NULL;
	}
	f->last_ns = f->ts_ns;
	npending += f->count;
	if (!h || !put(&h->items, &h->nitems, HOLD_MAX, f))
		release(f);	/* no room to hold it: a finding, as before holding existed */
}

bool gt_hold_bump(pid_t pid, const char *raw_key, __u64 ts_ns, const char *syscall,
		  const char *path, unsigned long n)
{
	struct held *h = find(pid);

	if (!h || !raw_key)
		return false;
	for (struct gt_finding *p = h->items; p; p = p->next) {
		for (int i = 0; i < 8 && p->aliases[i]; i++) {
			if (!strcmp(p->aliases[i], raw_key)) {
				p->count += n;
				p->last_ns = ts_ns;
				npending += n;
				gt_finding_sample(p, syscall, path);
				return true;
			}
		}
	}
	return false;
}

static void settle(struct held *h, const char *name)
{
	for (struct gt_finding **pp = h ? &h->items : NULL; pp && *pp;) {
		struct gt_finding *f = *pp;

		if (f->search_name && !strcmp(f->search_name, name)) {
			*pp = f->next;
			h->nitems--;
			absorb(f);
		} else {
			pp = &f->next;
		}
	}
}

void gt_hold_exec(pid_t pid, pid_t ppid, const char *name)
{
	if (!name || !*name)
		return;
	settle(find(pid), name);	/* execvp in the process itself */
	if (ppid != pid)
		settle(find(ppid), name);	/* a child it started */
}

void gt_hold_exit(pid_t pid, pid_t ppid, bool failed, bool parent_traced, bool go_alive)
{
	struct held *h = find(pid), *up;

	if (!h)
		return;
	if (h->go_pid == pid) {
		if (failed) {
			release_all_of(&h->items, &h->nitems);
			/* children's refusals explain a failed go only when nothing else does */
			if (!h->released)
				release_all_of(&h->kids, &h->nkids);
		}
		absorb_all(&h->items, &h->nitems);
		absorb_all(&h->kids, &h->nkids);
		drop(h);
		return;
	}
	if (failed && parent_traced && ppid != h->go_pid && (up = get(ppid, h->go_pid))) {
		/* the parent decides: it may expect this child to fail */
		while (h->items) {
			struct gt_finding *f = h->items;

			h->items = f->next;
			if (!put(&up->items, &up->nitems, HOLD_MAX, f))
				release(f);
		}
	} else if (failed) {
		release_all_of(&h->items, &h->nitems);
	} else if (h->go_pid && go_alive && (up = get(h->go_pid, h->go_pid))) {
		while (h->items) {
			struct gt_finding *f = h->items;

			h->items = f->next;
			if (!put(&up->kids, &up->nkids, KIDS_MAX, f))
				absorb(f);
		}
	} else {
		absorb_all(&h->items, &h->nitems);
	}
	drop(h);
}

void gt_hold_forget(pid_t pid)
{
	struct held *h = find(pid);

	if (!h)
		return;
	release_all_of(&h->items, &h->nitems);
	absorb_all(&h->kids, &h->nkids);
	drop(h);
}

unsigned gt_hold_sweep(void)
{
	struct held *h, *tmp;
	unsigned n = 0;

	HASH_ITER(hh, table, h, tmp) {
		if (kill(h->pid, 0) && errno == ESRCH) {
			gt_hold_forget(h->pid);
			n++;
		}
	}
	return n;
}

void gt_hold_release_all(void)
{
	struct held *h, *tmp;

	/* children first, so a go command's count of released calls is complete */
	HASH_ITER(hh, table, h, tmp)
		if (h->go_pid != h->pid)
			gt_hold_forget(h->pid);
	HASH_ITER(hh, table, h, tmp)
		gt_hold_forget(h->pid);
}

unsigned long gt_hold_pending(void)
{
	return npending;
}
