// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "container.h"
#include "diagnose.h"
#include "gorelease.h"
#include "handlers.h"
#include "fixcheck.h"
#include "layers.h"
#include "hold.h"
#include "log.h"
#include "mounts.h"
#include "proctab.h"
#include "repeats.h"
#include "sfilter.h"
#include "syscalls.h"

static void syserr_calls(const struct gt_syserr_event *e, size_t size, __u32 flags,
			 unsigned long n);

static void emit_finding(struct gt_finding *f, void *ctx)
{
	struct gt_state *st = ctx;
	struct gt_procinfo *go = f->go_pid ? gt_proc_get(f->go_pid) : NULL;

	gt_render_finding(&st->sink, f);
	st->findings++;
	st->errors += f->count;
	st->by_cause[f->cause]++;
	if (go) {
		struct gt_verdict *v = &go->verdict;
		/* the strongest cause wins; the go command's own refusals and later ones on ties;
		 * a process that aborted itself is a consequence, not a cause */
		int w = gt_cause_weight(f->cause) * 4 + (f->pid == f->go_pid ? 2 : 0);

		if (f->cause == GC_KILLED && f->sender_pid == f->pid)
			w = 2;

		go->findings++;
		go->errors += f->count;
		if (w >= v->weight) {
			free(v->path);
			free(v->explanation);
			free(v->fix);
			v->weight = w;
			v->cause = f->cause;
			v->go_dir = f->go_dir;
			v->pid = f->pid;
			v->role = f->role;
			v->signal = f->signal;
			v->path = f->path ? strdup(f->path) : NULL;
			v->explanation = f->explanation ? strdup(f->explanation) : NULL;
			v->fix = f->fix ? strdup(f->fix) : NULL;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (st->first[i])
			continue;
		asprintf(&st->first[i], "%s: %s", gt_cause_name(f->cause),
			 f->explanation ? f->explanation : "");
		break;
	}
}

/* A held refusal whose process failed: a finding, gathered and emitted as before. */
static void release_finding(struct gt_finding *f, void *ctx)
{
	gt_findings_add(f);
}

/* A refusal its process (and go command) absorbed: counted; shown with --all-errors. */
static void absorb_finding(const struct gt_finding *f, void *ctx)
{
	struct gt_state *st = ctx;
	struct gt_procinfo *go = f->go_pid ? gt_proc_get(f->go_pid) : NULL;

	st->absorbed += f->count;
	if (go)
		go->absorbed += f->count;
	if (st->all_errors)
		gt_render_finding(&st->sink, f);
}

void gt_handlers_init(struct gt_state *st, unsigned flush_ms)
{
	struct gt_hold_sink hs = { .release = release_finding, .absorb = absorb_finding, .ctx = st };

	gt_findings_init(flush_ms, emit_finding, st);
	gt_hold_init(&hs);
	gt_repeats_init(syserr_calls);
}

void gt_handlers_fini(struct gt_state *st)
{
	gt_repeats_free_all();
	gt_hold_release_all();
	gt_findings_flush(-1, 0, true);
	for (int i = 0; i < 3; i++)
		free(st->first[i]);
	gt_proc_free_all();
	gt_mounts_free();
	gt_ns_free_all();
	gt_go_version_cache_free();
}

/* NUL-terminated copy of a length-delimited string from a record. */
static char *take(const char *p, size_t len)
{
	return len ? strndup(p, len) : NULL;
}

static void on_exec(const struct gt_exec_event *e, size_t size)
{
	const char *d = e->data;
	size_t need = sizeof(*e) + e->exe_len + e->argv_len + e->env_len;
	struct gt_procinfo *p, *old;
	unsigned long nskey;
	char *root;
	int mfd;

	if (need > size)
		return;
	/*
	 * A go command that fails at once (GOCACHE on a read-only root) can end, and its
	 * container's mount namespace with it, while this record is handled: its mounts
	 * are opened first, the open file keeps them readable
	 */
	mfd = e->go_pid == e->hdr.pid ? gt_mounts_open(e->hdr.pid) : -1;
	/* repeats before the exec are the old program's */
	gt_repeats_drain(e->hdr.pid, false);
	/* its namespaces and root while /proc shows them; gone already: what it had before */
	nskey = gt_ns_note(e->hdr.pid, e->hdr.mntns, &root);
	old = gt_proc_get(e->hdr.pid);
	if (!nskey && old && old->mntns == e->hdr.mntns) {
		nskey = old->nskey;
		root = old->root ? strdup(old->root) : NULL;
	}
	p = gt_proc_new(e->hdr.pid);
	if (!p) {
		free(root);
		if (mfd >= 0)
			close(mfd);
		return;
	}
	p->nskey = nskey;
	p->root = root;
	p->ppid = e->hdr.ppid;
	p->start_ns = e->hdr.start_ns;
	p->go_pid = e->go_pid;
	p->mntns = e->hdr.mntns;
	memcpy(p->comm, e->hdr.comm, sizeof(p->comm));
	p->comm[GT_COMM_LEN - 1] = '\0';
	p->exe = take(d, e->exe_len);
	gt_ns_own_view(&p->exe, p->root);	/* read from the namespace's root: a chroot's is below */
	gt_argv_parse(&p->argv, d + e->exe_len, e->argv_len);
	gt_goenv_parse(&p->env, d + e->exe_len + e->argv_len, e->env_len);
	p->role = gt_role_of(p->exe, p->argv.argc ? p->argv.argv[0] : NULL);
	/* a go command: the open-files limit it was given, while its starter lives
	 * (a nested go's job is its outer go command's) */
	if (p->pid == p->go_pid) {
		struct gt_procinfo *up = gt_proc_get(p->ppid);
		struct gt_procinfo *outer = up && up->go_pid ? gt_proc_get(up->go_pid) : NULL;

		p->job_nofile_max = outer && outer != p ? outer->job_nofile_max :
							   gt_nofile_hard(p->ppid);
	}
	/* a go command's namespace: remember its mounts while they can be read */
	if (p->pid == p->go_pid && !p->root) {
		gt_mounts_note_fd(p->mntns, mfd);
		gt_fix_pin_root(p->mntns, p->pid);
	} else if (mfd >= 0) {
		close(mfd);	/* a chroot's table is relative to its root: read per process */
	}
	/* its release, read now while /proc/PID/exe is the go binary */
	if (p->pid == p->go_pid && p->role == GT_ROLE_GO) {
		const char *v = gt_go_version_of(p->exe, p->pid);
		struct gt_procinfo *parent = gt_proc_get(p->ppid);

		if (v)
			snprintf(p->go_version, sizeof(p->go_version), "%s", v);
		if (parent && parent->go_pid &&
		    gt_go_is_sidecar(gt_go_minor(p->go_version), p->argv.argc, p->argv.argv)) {
			p->sidecar = true;
			p->parent_go = parent->go_pid;
			gt_debug("telemetry sidecar %d of go %d: no go command of its own", p->pid,
				 p->parent_go);
		}
	}
	gt_debug("exec %d %s role %s go %d", p->pid, p->exe ?: "?", gt_role_name(p->role),
		 p->go_pid);
	/* a PATH search that found the program (execvp here, or a child it started) */
	if (p->argv.argc) {
		const char *a0 = strrchr(p->argv.argv[0], '/');

		gt_hold_exec(p->pid, p->ppid, a0 ? a0 + 1 : p->argv.argv[0]);
	}
	if (p->exe && strrchr(p->exe, '/'))
		gt_hold_exec(p->pid, p->ppid, strrchr(p->exe, '/') + 1);
}

static void on_fork(const struct gt_fork_event *e)
{
	/* child first: gt_proc_new() frees an old entry, which a corrupt record's parent may be */
	struct gt_procinfo *c = gt_proc_new(e->hdr.pid), *parent;

	if (!c)
		return;
	gt_hold_forget(e->hdr.pid);	/* a reused pid: the old process's exit was lost */
	parent = gt_proc_get(e->hdr.ppid);
	if (parent && parent != c)
		gt_proc_inherit(c, parent);
	memcpy(c->comm, e->hdr.comm, sizeof(c->comm));
	c->comm[GT_COMM_LEN - 1] = '\0';
	c->ppid = e->hdr.ppid;
	c->start_ns = e->hdr.start_ns;
	c->go_pid = e->go_pid;
	/* a clone into new namespaces (unshare, a runtime's init) */
	if (!parent || parent->mntns != e->hdr.mntns || !c->nskey) {
		char *root;
		unsigned long key = gt_ns_note(e->hdr.pid, e->hdr.mntns, &root);

		if (key) {
			c->nskey = key;
			free(c->root);
			c->root = root;
		}
	}
	c->mntns = e->hdr.mntns;
}

/* What a finding has from the process, before the call's own facts. */
static struct gt_finding *finding_for(const struct gt_hdr *h, pid_t go_pid,
				      const struct gt_procinfo *p)
{
	struct gt_finding *f = calloc(1, sizeof(*f));
	struct gt_procinfo *go = go_pid ? gt_proc_get(go_pid) : NULL;

	if (!f)
		return NULL;
	f->ts_ns = h->ts_ns;
	f->pid = h->pid;
	f->tid = h->tid;
	f->ppid = h->ppid;
	f->go_pid = go_pid;
	memcpy(f->comm, h->comm, sizeof(f->comm));
	f->comm[GT_COMM_LEN - 1] = '\0';
	f->rlimit = -1;
	if (p) {
		f->exe = p->exe ? strdup(p->exe) : NULL;
		f->role = p->role;
		gt_ns_facts(&f->ns, p->nskey, p->root);
	}
	if (h->ns_pid != h->pid)
		f->ns.ns_pid = h->ns_pid;
	if (go) {
		gt_argv_copy(&f->go_argv, &go->argv);
		memcpy(f->go_version, go->go_version, sizeof(f->go_version));
		f->job_nofile_max = go->job_nofile_max;
	}
	return f;
}

/* Which Go directory the path is, and that directory's path, from p's environment. */
static void place(struct gt_finding *f, const struct gt_procinfo *p)
{
	struct gt_godirs g;

	if (!p || !f->path)
		return;
	gt_godirs_compute(&g, &p->env, p->exe, NULL);
	f->go_dir = gt_go_dir_placed(&g, f->path, p->role,
				     f->mount.known ? f->mount.target : NULL);
	if (f->go_dir != GD_NONE && g.dir[f->go_dir])
		f->go_dir_path = strdup(g.dir[f->go_dir]);
	f->go_dir_default = f->go_dir != GD_NONE && !g.set[f->go_dir];
	if (p->env.v[GE_HOME])
		f->home = strdup(p->env.v[GE_HOME]);
	gt_goenv_copy(&f->env, &p->env);
	gt_godirs_free(&g);
}

/* Mount facts of the path as its process saw it: a chroot's paths are below its root. */
static void mounts_of(struct gt_finding *f, unsigned mntns, const struct gt_procinfo *p)
{
	char *full = NULL;

	if (!p || !p->root || !f->path || f->path[0] != '/') {
		gt_mounts_lookup(mntns, f->pid, f->path, &f->mount);
		/* its namespace ended before its mounts were read: what its container was given */
		if (!f->mount.known && p)
			gt_ns_cfg_mount(p->nskey, f->path, &f->mount);
		return;
	}
	/*
	 * A chrooted process's mountinfo is relative to its root and hides what is
	 * outside: read it for this process alone, never into the namespace's cache;
	 * once it is gone, the namespace's table with the path below the root.
	 */
	if (asprintf(&full, "/proc/%d/mountinfo", f->pid) < 0)
		return;
	if (gt_mounts_lookup_file(full, f->path, &f->mount) == 0) {
		free(full);
		return;
	}
	free(full);
	if (asprintf(&full, "%s%s", p->root, f->path) < 0)
		return;
	gt_mounts_lookup(mntns, 0, full, &f->mount);
	free(full);
	if (f->mount.known) {
		char *t = strdup(f->mount.target);

		gt_ns_own_view(&t, p->root);
		/* the chroot's root itself is on a mount above it: "/" in its view */
		if (t && t[0] == '/' && strncmp(f->mount.target, p->root, strlen(p->root)))
			strcpy(t, "/");
		if (t)
			snprintf(f->mount.target, sizeof(f->mount.target), "%s", t);
		free(t);
	}
}

/* The refused file from the host's root, for an admin to act on (NULL: the same path). */
static void host_view(struct gt_finding *f, unsigned mntns, const struct gt_procinfo *p)
{
	if (!f->path || f->path[0] != '/' || (!f->ns.runtime && !f->ns.root))
		return;
	if (f->ns.root && p && p->mntns == gt_mounts_self_ns())
		asprintf(&f->ns.host_path, "%s%s", f->ns.root, f->path);
	else
		f->ns.host_path = gt_mounts_host_path(mntns, f->ns.root ? 0 : f->pid, f->ns.root,
						       f->path);
}

/*
 * What repeats share: the cause, and what refused (the component whose owner and
 * mode refuse, the read-only or noexec mount, the filter's syscall, the limit),
 * else the Go directory or the path's directory.
 */
static void make_key(struct gt_finding *f)
{
	const char *where = f->go_dir_path;
	char *dir = NULL;

	if (f->refuser)
		where = f->refuser;
	else if ((f->cause == GC_READ_ONLY || f->cause == GC_NOEXEC) && f->mount.known)
		where = f->mount.target;
	else if (f->cause == GC_SECCOMP && f->syscall[0])
		where = f->syscall;
	else if (f->cause == GC_PROCESS_LIMIT || f->cause == GC_FD_LIMIT ||
		 f->cause == GC_MEMORY_LIMIT)
		where = f->cgroup ? f->cgroup : "limit";

	if (!where && f->path) {
		char *s;

		dir = strdup(f->path);
		s = dir ? strrchr(dir, '/') : NULL;
		if (s && s != dir)
			*s = '\0';
		where = dir;
	}
	/* one refuser, two Go directories (HOME=/: /.cache for GOCACHE, /.config for GOENV): two fixes */
	asprintf(&f->key, "%d|%d|%d|%d|%s", f->cause, f->err, f->signal, f->go_dir,
		 where ? where : "");
	free(dir);
}

/*
 * The seccomp chains sent right before their failed call's record, by
 * thread: a thread's records arrive in order, and only a few threads can be
 * between a chain and its call at once (a slot taken over loses only the
 * judgement of that call, never a record).
 */
#define SF_SLOTS	64

static struct sf_pending {
	__u32 tid;
	__u16 count, got;
	__u32 arch;
	__u64 ip;
	struct gt_sf f[GT_SF_CHAIN_MAX];
} sf_slots[SF_SLOTS];

static void sf_reset(struct sf_pending *s)
{
	for (int i = 0; i < s->got; i++)
		free((void *)s->f[i].insns);
	memset(s, 0, sizeof(*s));
}

static void on_sfilter(const struct gt_sfilter_event *e, size_t size)
{
	struct sf_pending *s = &sf_slots[e->hdr.tid % SF_SLOTS];
	struct sock_filter *insns;

	if (!e->len || e->len > GT_SF_INSNS_MAX || sizeof(*e) + (size_t)e->len * 8 > size ||
	    !e->count || e->count > GT_SF_CHAIN_MAX || e->index >= e->count)
		return;
	if (e->index == 0) {
		sf_reset(s);
		s->tid = e->hdr.tid;
		s->count = e->count;
		s->arch = e->arch;
		s->ip = e->ip;
	} else if (s->tid != e->hdr.tid || s->got != e->index || s->count != e->count ||
		   s->ip != e->ip) {
		sf_reset(s);	/* a filter of this chain is missing */
		return;
	}
	insns = malloc((size_t)e->len * sizeof(*insns));
	if (!insns) {
		sf_reset(s);
		return;
	}
	memcpy(insns, e->insns, (size_t)e->len * sizeof(*insns));
	s->f[s->got].insns = insns;
	s->f[s->got].len = e->len;
	s->got++;
}

/*
 * The record's GT_SE_* flags with SKIPPED and PAIRED decided here: the
 * task's filters, sent before it, run on the call's seccomp_data; a filter
 * answered it when the chain's verdict is the very errno the call failed with.
 */
static __u32 judge(const struct gt_syserr_event *e)
{
	__u32 flags = e->limits.flags & ~(GT_SE_SKIPPED | GT_SE_PAIRED);
	struct sf_pending *s = &sf_slots[e->hdr.tid % SF_SLOTS];
	struct seccomp_data sd = { .nr = e->nr };
	long long r;

	if (!(flags & GT_SE_FILTERS) || s->tid != e->hdr.tid)
		return flags;
	/* 32-bit calls pass their arguments in other registers: not judged */
	if (s->count && s->got == s->count && s->arch != 0x40000003 /* AUDIT_ARCH_I386 */) {
		sd.arch = s->arch;
		sd.instruction_pointer = s->ip;
		memcpy(sd.args, e->args, sizeof(sd.args));
		r = gt_sf_chain_run(s->f, s->count, &sd);
		if (r >= 0) {
			flags |= GT_SE_PAIRED;
			if (gt_sf_answered(r, -e->ret, flags & GT_SE_PTRACED))
				flags |= GT_SE_SKIPPED;
		}
	}
	sf_reset(s);
	return flags;
}

/* Facts of the record that decide its finding: same facts, same finding. */
static void raw_key(struct gt_finding *f, const struct gt_syserr_event *e,
		    const struct gt_procinfo *p)
{
	struct gt_godirs g;
	size_t span;

	if (p)
		gt_godirs_compute(&g, &p->env, p->exe, NULL);
	span = gt_raw_key_span(f->path, p ? &g : NULL, f->syscall, p ? p->env.v[GE_PATH] : NULL);
	if (p)
		gt_godirs_free(&g);
	/* f->lsm, not e->lsm: only the copy is known to be NUL-terminated */
	asprintf(&f->raw_key, "%d%s|%d|%u|%u|%d|%s|%.*s", e->nr, f->compat ? "c" : "", f->err,
		 e->creds.fsuid,
		 f->limits.flags & GT_SE_SKIPPED, f->lsm.hook | f->lsm.have_avc << 4,
		 f->lsm.tcontext, (int)span, f->path ? f->path : "");
}

/* Go's telemetry dir as the go command computes it (os.UserConfigDir()/go/telemetry). */
static char *telemetry_dir(const struct gt_procinfo *p)
{
	char *d = NULL;

	if (p->env.v[GE_XDG_CONFIG_HOME] && p->env.v[GE_XDG_CONFIG_HOME][0] == '/')
		asprintf(&d, "%s/go/telemetry", p->env.v[GE_XDG_CONFIG_HOME]);
	else if (p->env.v[GE_HOME] && p->env.v[GE_HOME][0])
		asprintf(&d, "%s/.config/go/telemetry", p->env.v[GE_HOME]);
	/* HOME=/ gives "//.config/...": the kernel's paths are clean */
	if (d && d[0] == '/')
		gt_path_clean(d);
	return d;
}

/*
 * A refusal the go command's release handles by design (src/gorelease.c):
 * no finding. Everything the telemetry sidecar meets is, too: its errors
 * never fail a go command.
 */
static bool absorbed(const struct gt_finding *f, const struct gt_procinfo *p)
{
	struct gt_procinfo *go = f->go_pid ? gt_proc_get(f->go_pid) : NULL;
	const struct gt_go_release_row *r;
	bool go_code;
	char *tdir;

	if (!go || !p)
		return false;
	if (go->sidecar)
		return true;
	go_code = p->role != GT_ROLE_OTHER && p->role != GT_ROLE_GCC;
	tdir = telemetry_dir(p);
	r = gt_go_absorbs(gt_go_minor(go->go_version), f->syscall, f->err, go_code, f->path, tdir);
	free(tdir);
	if (r)
		gt_debug("absorbed by %s (%s): %s %s", go->go_version, r->name, f->syscall,
			 f->path ?: "");
	return r;
}

static size_t syserr_need(const struct gt_syserr_event *e)
{
	return sizeof(*e) + e->path_len + e->dir_len + e->path2_len + e->dir2_len + e->cg_len;
}

/* A failed call (n of them: repeats counted in the kernel), its filters judged (flags). */
static void syserr_calls(const struct gt_syserr_event *e, size_t size, __u32 flags,
			 unsigned long n)
{
	const char *d = e->data;
	struct gt_procinfo *p = gt_proc_of(e->hdr.pid, e->hdr.start_ns);
	struct gt_finding *f;
	char *path = NULL, *dir = NULL;

	/* sent in case a filter answered it, and none did: not a finding */
	if ((flags & GT_SE_ONLY_FILTER) && !(flags & GT_SE_SKIPPED))
		return;
	f = finding_for(&e->hdr, e->go_pid, p);
	if (!f)
		return;
	/* a 32-bit call (GOARCH=386 on x86-64): its numbers are the ia32 table's */
	f->compat = e->limits.flags & GT_SE_COMPAT;
	gt_syscall_name_abi(e->nr, f->compat, f->syscall, sizeof(f->syscall));
	f->err = -e->ret;
	f->open_flags = !strcmp(f->syscall, "open") ? (long)e->args[1] :
			!strcmp(f->syscall, "openat") ? (long)e->args[2] :
			!strcmp(f->syscall, "creat") ? O_CREAT | O_WRONLY | O_TRUNC : -1;
	if (gt_syscall_kind_abi(e->nr, f->compat) == GT_SC_LIMIT) {
		bool pr = !strcmp(f->syscall, "prlimit64");

		f->rlimit = (int)e->args[pr ? 1 : 0];
		f->rlimit_pid = pr ? (pid_t)e->args[0] : 0;
	}
	f->creds = e->creds;
	f->limits = e->limits;
	f->limits.flags = flags;
	f->have_limits = true;
	f->lsm = e->lsm;
	f->lsm.tclass[GT_TCLASS_MAX - 1] = f->lsm.scontext[GT_CTX_MAX - 1] = '\0';
	f->lsm.tcontext[GT_CTX_MAX - 1] = '\0';
	f->sig_syscall = -1;
	f->cgroup = take(d + e->path_len + e->dir_len + e->path2_len + e->dir2_len, e->cg_len);
	/* the second path is what rename/link/symlink create: it is the one refused */
	if (e->path2_len) {
		path = take(d + e->path_len + e->dir_len, e->path2_len);
		dir = take(d + e->path_len + e->dir_len + e->path2_len, e->dir2_len);
		f->path_truncated = e->trunc & GT_TRUNC_DIR2;
	} else {
		path = take(d, e->path_len);
		dir = take(d + e->path_len, e->dir_len);
		f->path_truncated = e->trunc & GT_TRUNC_DIR;
	}
	/* what the kernel side resolved (cwd, dirfd, fd) it read from the namespace's root */
	if (p && p->root) {
		gt_ns_own_view(&dir, p->root);
		if (e->fd_path)
			gt_ns_own_view(&path, p->root);
	}
	if (path)
		f->path = gt_path_join(dir, path);
	free(path);
	free(dir);
	if (absorbed(f, p)) {
		gt_finding_free(f);
		return;
	}

	/* a repeat of what was just diagnosed: count it, skip the stat and mount work */
	raw_key(f, e, p);
	if (gt_hold_bump(f->pid, f->raw_key, f->ts_ns, f->syscall, f->path, n)) {
		gt_finding_free(f);
		return;
	}
	f->count = n;

	f->mntns = e->hdr.mntns;
	gt_finding_sample(f, f->syscall, f->path);
	mounts_of(f, e->hdr.mntns, p);
	place(f, p);
	host_view(f, e->hdr.mntns, p);
	f->cause = gt_cause_of(f->err, f->syscall, gt_syscall_kind_abi(e->nr, f->compat), &f->mount);
	gt_examine_begin(f);
	gt_diagnose(f);
	gt_layer_explain(f);
	gt_examine_end(f);
	make_key(f);
	{
		char name[256];

		if (p && gt_path_probe(f->syscall, f->path, p->env.v[GE_PATH], name, sizeof(name))) {
			char buf[PATH_MAX + 32];
			struct stat sb;

			f->search_name = strdup(name);
			/* does the refused directory hold the program? If not, the refusal hid
			 * nothing: the search could not have found it there anyway */
			snprintf(buf, sizeof(buf), "/proc/%d/root/", f->pid);
			if (!stat(buf, &sb))	/* through its root while it lives */
				snprintf(buf, sizeof(buf), "/proc/%d/root%s", f->pid, f->path);
			else
				snprintf(buf, sizeof(buf), "%s", f->path);
			f->search_hit = !stat(buf, &sb);
		}
	}
	/* held until the process (and its go command) ends: it may absorb the refusal */
	gt_hold_add(f->pid, e->hdr.ppid, f->go_pid, f);
}

static void on_syserr(const struct gt_syserr_event *e, size_t size)
{
	__u32 flags;

	/* the kernel side sends only errnos (-1..-GT_ERRNO_MAX): anything else is corrupt */
	if (syserr_need(e) > size || e->ret >= 0 || e->ret < -GT_ERRNO_MAX)
		return;
	flags = judge(e);
	/* its repeats come as counts: they are this record again (flags and all) */
	gt_repeats_note(e, syserr_need(e), flags);
	syserr_calls(e, size, flags, 1);
}

static void sigsent_set(struct gt_sigsent *s, const struct gt_signal_event *e)
{
	s->sig = e->sig;
	s->code = e->code;
	s->syscall = e->syscall;
	s->sender = e->sender_pid;
	memcpy(s->sender_comm, e->sender_comm, GT_COMM_LEN);
	s->sender_comm[GT_COMM_LEN - 1] = '\0';
}

/*
 * Who sent the signal sig that p died of: the one sent while the default
 * action was in place, unless p raised it itself after catching it from
 * another process (then that sender); NULL if unknown.
 */
static const struct gt_sigsent *killer(const struct gt_procinfo *p, int sig)
{
	if (p->sig.sig == sig && p->sig.sender != p->pid)
		return &p->sig;
	if (p->caught.sig == sig)
		return &p->caught;
	return p->sig.sig == sig ? &p->sig : NULL;
}

static void on_signal(const struct gt_signal_event *e)
{
	struct gt_procinfo *p = gt_proc_of(e->hdr.pid, e->hdr.start_ns);

	if (!p)
		return;
	/* a seccomp trap's SIGSYS is caught (Go's runtime catches it) and still ends it */
	if (e->sig == SIGSYS && e->code == 1 /* SYS_SECCOMP */) {
		p->seccomp_syscall = e->syscall;
		p->seccomp_compat = e->arch == 0x40000003 /* AUDIT_ARCH_I386 */;
	}
	if (e->flags & GT_SIG_HANDLED) {
		/* caught: it kills nothing by itself; the exit says whether it mattered */
		if (e->sender_pid != e->hdr.pid)
			sigsent_set(&p->caught, e);
		return;
	}
	/* a second signal to a dying process (the OOM reaper's, go's SIGKILL after SIGQUIT)
	 * says less than the first: keep the first unless it was only a warning */
	if (!p->sig.sig || p->sig.sig == SIGQUIT || p->sig.sig == SIGINT ||
	    p->sig.sig == SIGTERM)
		sigsent_set(&p->sig, e);
}

/* A helper's stderr bytes: kept (bounded in the kernel) until it exits. */
static void on_stderr(const struct gt_stderr_event *e)
{
	struct gt_procinfo *p = gt_proc_get(e->hdr.pid);
	unsigned n = e->len > GT_STDERR_MAX ? GT_STDERR_MAX : e->len;
	char *b;

	if (!p || !n || p->stderr_len + n > GT_STDERR_MAX)
		return;
	b = realloc(p->stderr_buf, p->stderr_len + n + 1);
	if (!b)
		return;
	memcpy(b + p->stderr_len, e->data, n);
	p->stderr_len += n;
	b[p->stderr_len] = '\0';
	p->stderr_buf = b;
}

/*
 * A helper (git, gcc, pkg-config, a toolexec wrapper: not Go's own tools,
 * whose messages go prints) exited non-zero: what it wrote to stderr,
 * held on its go command, which may absorb the failure (a probe).
 */
static void tool_failed(const struct gt_exit_event *e, struct gt_procinfo *p)
{
	struct gt_procinfo *go = e->go_pid ? gt_proc_get(e->go_pid) : NULL;
	int status = (e->exit_code >> 8) & 0xff;
	struct gt_finding *f, **pp;
	unsigned n = 0;

	if (!p || !go || go == p || go->sidecar || (e->exit_code & 0x7f) || !status ||
	    (p->role != GT_ROLE_OTHER && p->role != GT_ROLE_GCC))
		return;
	for (pp = &go->held_tools; *pp; pp = &(*pp)->next)
		if (++n >= 8)
			return;	/* bounded: the first ones say it */
	f = finding_for(&e->hdr, e->go_pid, p);
	if (!f)
		return;
	f->cause = GC_TOOL_FAILED;
	f->sig_syscall = -1;
	f->tool_exit = status;
	f->tool_stderr = p->stderr_buf ? strdup(p->stderr_buf) : NULL;
	gt_argv_copy(&f->tool_argv, &p->argv);
	gt_tool_explain(f);
	asprintf(&f->key, "%d|%s|%s", f->cause, f->tool_argv.argc ? f->tool_argv.argv[0] : "",
		 f->fix ? f->fix : "");
	*pp = f;
}

/* The go command ended: its failed helpers are findings only if it failed. */
static void release_tools(struct gt_procinfo *go, bool failed)
{
	while (go->held_tools) {
		struct gt_finding *f = go->held_tools;

		go->held_tools = f->next;
		f->next = NULL;
		if (failed)
			gt_findings_add(f);
		else
			gt_finding_free(f);
	}
}

/* A number in a cgroup file ("max": the kernel's no-limit figure); 0 when unreadable. */
static unsigned long long cg_number(const char *dir, const char *name)
{
	char file[PATH_MAX], buf[64] = "";
	unsigned long long v = 0;
	FILE *fp;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	fp = fopen(file, "re");
	if (!fp)
		return 0;
	if (fgets(buf, sizeof(buf), fp))
		v = !strncmp(buf, "max", 3) ? (unsigned long long)LONG_MAX / 4096 * 4096 :
					      strtoull(buf, NULL, 10);
	fclose(fp);
	return v;
}

/*
 * Kernels whose mark_victim passes only the pid, when the victim was not the
 * task that hit the limit: its memory cgroup from /proc while it is dying
 * (cgroup v2, or v1's memory hierarchy). Left unknown once it is gone.
 */
static void oom_cgroup_from_proc(struct gt_procinfo *p, pid_t pid)
{
	char file[64], line[PATH_MAX], dir[PATH_MAX + 64];
	const char *path = NULL;
	bool v1 = false;
	FILE *fp;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	fp = fopen(file, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *c = strchr(line, ':'), *n = c ? strchr(c + 1, ':') : NULL;

		if (!n)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(c, "::", 2) && !path) {
			path = n + 1;
		} else if (strstr(c, ":memory:") == c || strstr(c, ",memory:") || strstr(c, ":memory,")) {
			path = n + 1;
			v1 = true;
			break;
		}
	}
	fclose(fp);
	if (!path)
		return;
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s%s", v1 ? "/memory" : "",
		 strcmp(path, "/") ? path : "");
	p->oom.max = cg_number(dir, v1 ? "memory.limit_in_bytes" : "memory.max");
	p->oom.usage = cg_number(dir, v1 ? "memory.usage_in_bytes" : "memory.current");
	p->oom.cgroup = strdup(path);
}

static void on_oom(const struct gt_oom_event *e, size_t size)
{
	struct gt_procinfo *p = gt_proc_of(e->hdr.pid, e->hdr.start_ns);

	if (!p || sizeof(*e) + e->cg_len > size)
		return;
	p->oom.seen = true;
	p->oom.max = e->mem_max;
	p->oom.usage = e->mem_usage;
	free(p->oom.cgroup);
	p->oom.cgroup = take(e->data, e->cg_len);
	if (!e->cg_len && !p->oom.cgroup)
		oom_cgroup_from_proc(p, e->hdr.pid);
}

/* A process of the tree ended by a signal, or after a seccomp trap: say who did it. */
static void killed_finding(const struct gt_exit_event *e, struct gt_procinfo *p, int sig)
{
	const struct gt_sigsent *k = p ? killer(p, sig) : NULL;
	struct gt_finding *f;

	struct gt_procinfo *go = e->go_pid ? gt_proc_get(e->go_pid) : NULL;

	if (!sig && (!p || p->seccomp_syscall < 0))
		return;
	/* a killed telemetry sidecar is its go command's */
	f = finding_for(&e->hdr, go && go->sidecar ? go->parent_go : (pid_t)e->go_pid, p);
	if (!f)
		return;
	f->signal = sig;
	f->sig_syscall = -1;
	f->cause = GC_KILLED;
	if (p && sig == SIGKILL && p->oom.seen) {
		f->cause = GC_OOM_KILL;
		f->mem_max = p->oom.max;
		f->mem_usage = p->oom.usage;
		f->cgroup = p->oom.cgroup ? strdup(p->oom.cgroup) : NULL;
	} else if (p && p->seccomp_syscall >= 0 && (sig == SIGSYS || !sig)) {
		f->cause = GC_SECCOMP;
		f->action = sig ? "kill" : "trap";
		f->sig_syscall = p->seccomp_syscall;
		gt_syscall_name_abi(p->seccomp_syscall, p->seccomp_compat, f->syscall,
				    sizeof(f->syscall));
		f->compat = p->seccomp_compat;
		f->signal = SIGSYS;
	} else if (k) {
		f->sender_pid = k->sender;
		memcpy(f->sender_comm, k->sender_comm, GT_COMM_LEN);
		f->sender_is_go = e->go_pid && k->sender == (pid_t)e->go_pid;
		if (k->code == 0x80)
			f->sender_pid = 0;	/* SI_KERNEL: sent by the kernel itself */
	} else {
		f->sender_pid = -1;	/* unknown */
	}
	gt_examine_begin(f);
	gt_diagnose(f);
	gt_layer_explain(f);
	gt_examine_end(f);
	make_key(f);
	/* the kill travels with the process's refusals: its parent may expect it */
	gt_hold_add(f->pid, e->hdr.ppid, f->go_pid, f);
}

static void on_exit_event(const struct gt_exit_event *e, struct gt_state *st)
{
	struct gt_procinfo *p = gt_proc_of(e->hdr.pid, e->hdr.start_ns);
	int sig = e->exit_code & 0x7f;

	bool failed = sig || ((e->exit_code >> 8) & 0xff);
	pid_t ppid = e->hdr.ppid;
	struct gt_procinfo *parent = ppid != (pid_t)e->hdr.pid ? gt_proc_get(ppid) : NULL;
	struct gt_procinfo *go = e->go_pid && e->go_pid != e->hdr.pid ?
				 gt_proc_get(e->go_pid) : NULL;

	/* its repeats counted in the kernel first: the hold decides on every call */
	gt_repeats_drain(e->hdr.pid, true);
	killed_finding(e, p, sig);
	gt_hold_exit(e->hdr.pid, ppid, failed, parent != NULL, go != NULL);
	tool_failed(e, p);
	/* the telemetry sidecar is no go command of its own: no exit event */
	if (p && p->pid == (pid_t)e->go_pid && !p->sidecar) {
		struct gt_exit_info x = {
			.ts_ns = e->hdr.ts_ns, .pid = p->pid, .go_pid = e->go_pid,
			.go_argv = &p->argv, .exit_code = sig ? -1 : (int)((e->exit_code >> 8) & 0xff),
			.signal = sig, .go_version = p->go_version[0] ? p->go_version : NULL,
		};

		struct gt_nsfacts ns = { 0 };

		gt_ns_facts(&ns, p->nskey, p->root);
		ns.userns = false;	/* an exit has no ids to map */
		if (e->hdr.ns_pid != e->hdr.pid)
			ns.ns_pid = e->hdr.ns_pid;
		x.ns = &ns;
		release_tools(p, sig || x.exit_code);
		gt_findings_flush(p->pid, 0, false);
		x.findings = p->findings;
		x.errors = p->errors;
		x.absorbed = p->absorbed;
		if (st->tree_lost)
			x.lost = st->tree_lost(st->tree_lost_ctx, p->pid, e->hdr.start_ns);
		if ((sig || x.exit_code) && p->verdict.weight) {
			x.verdict = &p->verdict;
			x.note = gt_go_note(gt_go_minor(p->go_version), p->verdict.cause,
					    p->verdict.go_dir, p->verdict.role, p->verdict.signal,
					    p->argv.argc > 1 ? p->argv.argv[1] : NULL);
		}
		gt_render_exit(&st->sink, &x);
		gt_nsfacts_free(&ns);
	}
	if (p)
		gt_proc_del(p);
}

int gt_handle_record(void *ctx, void *data, size_t size)
{
	const struct gt_hdr *h = data;
	struct gt_state *st = ctx;

	if (size < sizeof(*h) || h->size > size) {
		st->bad_records++;
		return 0;
	}
	switch (h->type) {
	case GT_EV_EXEC:
		if (size >= sizeof(struct gt_exec_event))
			on_exec(data, size);
		break;
	case GT_EV_FORK:
		if (size >= sizeof(struct gt_fork_event))
			on_fork(data);
		break;
	case GT_EV_SYSERR:
		if (size >= sizeof(struct gt_syserr_event))
			on_syserr(data, size);
		break;
	case GT_EV_EXIT:
		if (size >= sizeof(struct gt_exit_event))
			on_exit_event(data, st);
		break;
	case GT_EV_SIGNAL:
		if (size >= sizeof(struct gt_signal_event))
			on_signal(data);
		break;
	case GT_EV_OOM:
		if (size >= sizeof(struct gt_oom_event))
			on_oom(data, size);
		break;
	case GT_EV_SFILTER:
		if (size >= sizeof(struct gt_sfilter_event))
			on_sfilter(data, size);
		break;
	case GT_EV_STDERR:
		if (size >= sizeof(struct gt_stderr_event))
			on_stderr(data);
		break;
	default:
		st->bad_records++;
	}
	return 0;
}
