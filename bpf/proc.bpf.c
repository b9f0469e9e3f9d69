// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process tracking: which processes belong to a Go toolchain tree.
 * A tree starts at the exec of a Go toolchain binary (or, in --pid and run
 * mode, at a root the daemon names); children inherit membership at fork;
 * the entry goes away when the last thread exits.
 */
#include "gotraced.bpf.h"

#define GT_FNAME_MAX	256

enum go_exec { EXEC_OTHER, EXEC_GO, EXEC_TOOL, EXEC_TEST };

struct gt_fname {
	char s[GT_FNAME_MAX];
	int len;		/* without NUL */
	int slash[4];		/* last four '/' positions, newest first, -1 if none */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gt_fname);
} fname_buf SEC(".maps");

static __always_inline char at(struct gt_fname *f, int i)
{
	return f->s[i & (GT_FNAME_MAX - 1)];
}

/* Does the path segment after slash position `from` start with lit? */
static __always_inline bool seg_starts(struct gt_fname *f, int from, const char *lit, int n)
{
	int i;

	if (from < 0)
		return false;
	for (i = 0; i < n; i++)
		if (at(f, from + 1 + i) != lit[i])
			return false;
	return true;
}

/* Is the segment between slash positions from and to exactly lit? */
static __always_inline bool seg_is(struct gt_fname *f, int from, int to, const char *lit, int n)
{
	return to - from - 1 == n && seg_starts(f, from, lit, n);
}

/*
 * Recognise the binaries that start a Go tree from the name they were
 * executed by: `go`, `gotip` and `go1.N.M` wrappers, the tools in a GOROOT's
 * pkg/tool/<os_arch>/, and `*.test` binaries in a go-build work dir.
 */
static long slash_step(__u32 i, void *unused)
{
	__u32 zero = 0;
	struct gt_fname *f = bpf_map_lookup_elem(&fname_buf, &zero);

	if (!f || i >= f->len)
		return 1;
	if (at(f, i) == '/') {
		f->slash[3] = f->slash[2];
		f->slash[2] = f->slash[1];
		f->slash[1] = f->slash[0];
		f->slash[0] = i;
	}
	return 0;
}
GT_STEP(slash_step)

static __noinline int classify_exec(struct gt_fname *f)
{
	int n = f->len, base;

	f->slash[0] = f->slash[1] = f->slash[2] = f->slash[3] = -1;
	gt_loop(GT_FNAME_MAX, slash_step);
	base = f->slash[0];
	if (seg_is(f, base, n, "go", 2) || seg_is(f, base, n, "gotip", 5) ||
	    seg_starts(f, base, "go1.", 4))
		return EXEC_GO;
	if (seg_is(f, f->slash[2], f->slash[1], "tool", 4) &&
	    seg_is(f, f->slash[3], f->slash[2], "pkg", 3))
		return EXEC_TOOL;
	/* machine-wide, a test binary counts in a go-build dir; under a root the
	 * user named (--pid, run mode), any *.test (go test -c output) does */
	if (n > 5 && at(f, n - 5) == '.' && at(f, n - 4) == 't' && at(f, n - 3) == 'e' &&
	    at(f, n - 2) == 's' && at(f, n - 1) == 't' &&
	    (targeted || seg_starts(f, f->slash[2], "go-build", 8)))
		return EXEC_TEST;
	return EXEC_OTHER;
}

/* Environment strings the bounded build scans (the bpf_loop one: 4096). */
#define GT_ENV_STRINGS_BOUNDED	1024

struct env_vars {
	__u64 p, end;
	__u32 base;		/* offset of the env block in s->data */
	__u32 used;
	__u32 scanned, dropped;
	__u32 skipping;		/* inside a string longer than GT_ENV_VAR_MAX */
};

/*
 * The walk's counters live in a map, not on the stack: the verifier then
 * sees them as unknown at each step, so the bounded build's steps look
 * alike to it and it does not follow every possible value of them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct env_vars);
} env_buf SEC(".maps");


/* Only these reach user space: the Go settings, what Go derives them from, PATH. */
static __always_inline bool env_wanted(const char *v)
{
	switch (v[0]) {
	case 'G':
		return v[1] == 'O';
	case 'C':
		return v[1] == 'G' && v[2] == 'O' && v[3] == '_';
	case 'T':
		return v[1] == 'M' && v[2] == 'P' && v[3] == 'D' && v[4] == 'I' && v[5] == 'R' &&
		       v[6] == '=';
	case 'H':
		return v[1] == 'O' && v[2] == 'M' && v[3] == 'E' && v[4] == '=';
	case 'P':	/* PATH: user space tells execvp's search of it from a refusal */
		return (v[1] == 'W' && v[2] == 'D' && v[3] == '=') ||
		       (v[1] == 'A' && v[2] == 'T' && v[3] == 'H' && v[4] == '=');
	case 'X':
		return v[1] == 'D' && v[2] == 'G' && v[3] == '_' && v[4] == 'C';
	}
	return false;
}

static long env_step(__u32 i, void *unused)
{
	__u32 zero = 0, off;
	struct env_vars *c = bpf_map_lookup_elem(&env_buf, &zero);
	struct gt_scratch *s = get_scratch();
	struct gt_exec_event *e;
	char *dst;
	long n;

	if (!c || !s)
		return 1;
	e = (void *)s->buf;
	off = (c->base + c->used) & (2 * GT_DATA_SLOT - 1);
	dst = &e->data[off];

	if (c->p >= c->end)
		return 1;
	n = bpf_probe_read_user_str(dst, GT_ENV_VAR_MAX, (void *)c->p);
	if (n <= 0)
		return 1;
	if (c->skipping || n == GT_ENV_VAR_MAX) {
		/* the string goes on: step over it in GT_ENV_VAR_MAX - 1 chunks */
		c->skipping = n == GT_ENV_VAR_MAX;
		c->p += n == GT_ENV_VAR_MAX ? n - 1 : n;
		if (!c->skipping)
			c->scanned++;
		else if (env_wanted(dst))
			c->dropped++;
		return 0;
	}
	c->p += n;
	c->scanned++;
	if (!env_wanted(dst))
		return 0;
	if (c->used + n > GT_ENV_MAX) {
		c->dropped++;
		return 0;
	}
	c->used += n;
	return 0;
}
GT_STEP(env_step)

static __always_inline void emit_exec(struct task_struct *t, struct linux_binprm *bprm,
				      const struct gt_proc *p)
{
	struct gt_scratch *s = get_scratch();
	struct gt_exec_event *e;
	struct env_vars *v;
	struct mm_struct *mm;
	__u64 a0, a1;
	__u32 off, n, zero = 0;
	struct file *file;

	if (!s)
		return;
	e = (void *)s->buf;
	fill_hdr(&e->hdr, GT_EV_EXEC, t);
	fill_creds(&e->creds, t);
	e->go_pid = p->go_pid;
	e->flags = p->flags;

	file = BPF_CORE_READ(bprm, file);
	off = put_walked(&file->f_path, e->data);
	e->exe_len = off;

	mm = BPF_CORE_READ(t, mm);
	a0 = BPF_CORE_READ(mm, arg_start);
	a1 = BPF_CORE_READ(mm, arg_end);
	n = a1 > a0 ? a1 - a0 : 0;
	e->argv_truncated = n > GT_ARGV_MAX;
	if (n > GT_ARGV_MAX)
		n = GT_ARGV_MAX;
	off &= GT_PATH_MAX * 2 - 1;
	barrier_var(n);
	if (bpf_probe_read_user(&e->data[off], n & (GT_ARGV_MAX * 2 - 1), (void *)a0))
		n = 0;
	e->argv_len = n;
	off += n;

	v = bpf_map_lookup_elem(&env_buf, &zero);
	if (!v)
		return;
	__builtin_memset(v, 0, sizeof(*v));
	v->p = BPF_CORE_READ(mm, env_start);
	v->end = BPF_CORE_READ(mm, env_end);
	v->base = off;
	/* the bounded build verifies each step: fewer of them */
	gt_loop(GT_LOOP_MAX(4096, GT_ENV_STRINGS_BOUNDED), env_step);
	v = bpf_map_lookup_elem(&env_buf, &zero);
	if (!v)
		return;
	e->env_len = v->used;
	e->env_scanned = v->scanned;
	e->env_dropped = v->dropped;
	off += v->used & (GT_ENV_MAX * 2 - 1);

	output(s, offsetof(struct gt_exec_event, data) + off, GT_STAT_LOST_EXEC);
}

static __always_inline void read_fname(struct gt_fname *f, struct linux_binprm *bprm)
{
	long n = bpf_probe_read_kernel_str(f->s, sizeof(f->s), BPF_CORE_READ(bprm, filename));

	f->len = n > 0 ? n - 1 : 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(gt_exec, struct task_struct *t, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = t->tgid, zero = 0;
	struct gt_proc *p = proc_of(t);
	struct gt_proc np = {};
	struct gt_fname *f;
	int kind;

	if (!p && targeted)
		return 0;	/* outside the roots the daemon was given */
	f = bpf_map_lookup_elem(&fname_buf, &zero);
	if (!f)
		return 0;
	read_fname(f, bprm);
	kind = classify_exec(f);

	if (p) {
		joined(t);	/* a thread's exec made t the leader */
		if (kind == EXEC_GO) {
			/* a nested `go` is a go command of its own */
			p->go_pid = tgid;
			p->flags |= GT_PF_GO;
		} else if (kind != EXEC_OTHER && !(p->flags & GT_PF_GO)) {
			p->flags |= GT_PF_GO;
		}
		if (p->flags & GT_PF_GO)
			emit_exec(t, bprm, p);
		return 0;
	}
	if (kind == EXEC_OTHER)
		return 0;
	np.go_pid = kind == EXEC_GO ? tgid : 0;
	np.flags = GT_PF_GO;
	np.start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
	/* BPF_ANY: an entry left here is an earlier owner's (proc_of() found none) */
	if (bpf_map_update_elem(&procs, &tgid, &np, BPF_ANY)) {
		stat_inc(GT_STAT_PROCS_FULL);
		return 0;
	}
	joined(t);
	emit_exec(t, bprm, &np);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(gt_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct gt_proc *p, np;
	struct gt_fork_event *e;

	p = proc_of(parent);
	if (!p)
		return 0;
	if (ptgid == ctgid) {
		count_join();	/* a new thread: the process is tracked by tgid already */
		return 0;
	}
	np = *p;
	np.start_ns = BPF_CORE_READ(child, group_leader, start_boottime);
	if (bpf_map_update_elem(&procs, &ctgid, &np, BPF_ANY)) {
		stat_inc(GT_STAT_PROCS_FULL);
		return 0;
	}
	joined(child);
	if (!(np.flags & GT_PF_GO))
		return 0;
	e = reserve(sizeof(*e), GT_STAT_LOST_EXEC);
	if (!e)
		return 0;
	fill_hdr(&e->hdr, GT_EV_FORK, child);
	e->hdr.size = sizeof(*e);
	e->hdr.ppid = ptgid;
	e->go_pid = np.go_pid;
	e->flags = np.flags;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

#define SIGSYS		31
#define SYS_SECCOMP	1

/*
 * Kernels before 5.11 kill for a seccomp filter with do_group_exit(SIGSYS)
 * and no signal at all: signal_generate never sees it. Every thread exits
 * with SIGSYS; the one the filter stopped is the one the kernel marked
 * SECCOMP_MODE_DEAD (5.10.y stable has that) or, without the mark, the one
 * whose registers it rolled back (syscall_rollback(): the return register
 * holds its entry value again, where the others hold a return value).
 * Its call is reported as the signal newer kernels send, once per process,
 * before the process's exit event (user space pairs the two there): by the
 * thread that ends the process. That thread is often not the stopped one,
 * whose own sched_process_exit may run before or after it, so the stopped
 * one leaves its call in a note (sigsys_notes) when it goes first, and the
 * last one looks among the threads still linked when it goes last.
 */
struct sigsys_note {
	__u64 start_ns;		/* the group leader's start_boottime */
	__s64 nr;		/* -1: none */
	__u32 tid;
	__u32 strong;		/* from the kernel's mark, not the registers */
	char comm[GT_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);	/* tgid */
	__type(value, struct sigsys_note);
} sigsys_notes SEC(".maps");

/* The threads of a dying process, walked from its last thread's exit. */
#define GT_THREADS_MAX	256

struct thread_walk {
	__u64 head, pos;	/* &signal->thread_head, the thread_node looked at */
	struct sigsys_note found;	/* the first marked thread, else the first unmarked match */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct thread_walk);
} thread_walk_buf SEC(".maps");

/*
 * The call the filter stopped thread t in (*strong: the kernel marked it),
 * or -1 if it stopped another. Without the mark the rolled-back registers
 * say it, and can lie: a read() that returned 0 looks rolled back too.
 * The registers are where task_pt_regs() finds them for any task, also one
 * reached through a list (bpf_task_pt_regs() takes only a BTF pointer).
 */
static __always_inline long killed_call(struct task_struct *t, __u32 *strong)
{
	struct pt_regs *regs;
	int mode = BPF_CORE_READ(t, seccomp.mode);
	void *stack = BPF_CORE_READ(t, stack);
	long nr;

	if (mode != 2 /* SECCOMP_MODE_FILTER */ && mode != 3 /* SECCOMP_MODE_DEAD */)
		return -1;
	/* a thread past exit_notify (a zombie leader still linked) may have lost its
	 * stack: its call is in its note by then */
	if (!stack || BPF_CORE_READ(t, exit_state))
		return -1;
	regs = (struct pt_regs *)((char *)stack + GT_THREAD_SIZE) - 1;
	if (bpf_probe_read_kernel(&nr, sizeof(nr), regs))
		return -1;	/* the stack went since */
	nr = BPF_CORE_READ(regs, GT_REG_NR);	/* arm64's syscallno is 32 bits */
	if (nr < 0 || (mode == 2 && !GT_REGS_ROLLED_BACK(regs)))
		return -1;
	*strong = mode == 3;
	return nr;
}

static long thread_step(__u32 i, void *unused)
{
	__u32 zero = 0, strong = 0;
	struct thread_walk *w = bpf_map_lookup_elem(&thread_walk_buf, &zero);
	struct task_struct *t;
	long nr;

	if (!w || !w->pos || w->pos == w->head)
		return 1;
	t = (void *)(w->pos - bpf_core_field_offset(struct task_struct, thread_node));
	nr = killed_call(t, &strong);
	if (nr >= 0 && (strong || w->found.nr < 0)) {
		w->found.nr = nr;
		w->found.strong = strong;
		w->found.tid = BPF_CORE_READ(t, pid);
		bpf_probe_read_kernel_str(w->found.comm, sizeof(w->found.comm), t->comm);
		if (strong)
			return 1;
	}
	w->pos = (__u64)BPF_CORE_READ(t, thread_node.next);
	return 0;
}
GT_STEP(thread_step)

/* The stopped thread among those of t's process still linked, into *n (nr -1: none). */
static __always_inline void find_killed_thread(struct task_struct *t, struct sigsys_note *n)
{
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	__u32 zero = 0;
	struct thread_walk *w = bpf_map_lookup_elem(&thread_walk_buf, &zero);

	n->nr = -1;
	if (!w)
		return;
	__builtin_memset(w, 0, sizeof(*w));
	w->found.nr = -1;
	w->head = (__u64)&sig->thread_head;
	w->pos = (__u64)BPF_CORE_READ(sig, thread_head.next);
	gt_loop(GT_THREADS_MAX, thread_step);
	w = bpf_map_lookup_elem(&thread_walk_buf, &zero);
	if (w)
		*n = w->found;
}

static __always_inline void report_sigsys(struct task_struct *t, __u32 go_pid,
					  const struct sigsys_note *n)
{
	struct gt_signal_event *e = reserve(sizeof(*e), GT_STAT_LOST_SIGNAL);

	if (!e)
		return;
	fill_hdr(&e->hdr, GT_EV_SIGNAL, t);
	e->hdr.size = sizeof(*e);
	e->hdr.tid = n->tid;	/* the thread the filter stopped */
	e->go_pid = go_pid;
	e->sig = SIGSYS;
	e->code = SYS_SECCOMP;
	e->result = 0;
	e->syscall = n->nr;
	e->arch = GT_AUDIT_ARCH;
	e->sender_pid = BPF_CORE_READ(t, tgid);
	e->sender_tid = n->tid;
	__builtin_memcpy(e->sender_comm, n->comm, sizeof(e->sender_comm));
	e->flags = 0;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
}

/* t's own call, if the filter stopped t, into *n (nr -1: it did not). */
static __always_inline void own_killed_call(struct task_struct *t, struct sigsys_note *n)
{
	n->nr = -1;
	if ((BPF_CORE_READ(t, exit_code) & 0x7f) != SIGSYS)
		return;
	n->nr = killed_call(t, &n->strong);
	if (n->nr < 0)
		return;
	n->tid = BPF_CORE_READ(t, pid);
	bpf_probe_read_kernel_str(n->comm, sizeof(n->comm), t->comm);
}

/* the better of two answers: a marked thread's, else the first found */
static __always_inline void prefer(struct sigsys_note *best, const struct sigsys_note *n)
{
	if (n->nr >= 0 && (best->nr < 0 || (n->strong && !best->strong)))
		*best = *n;
}

/*
 * A thread that does not end the process. The stopped one of a group exit
 * leaves its call for the one that does (an unmarked match does not
 * replace a marked one's note); one that a KILL_THREAD ended alone (the
 * process lives on) is reported now. p: NULL when the entry is gone.
 */
static __always_inline void sigsys_thread_exit(struct task_struct *t, struct gt_proc *p)
{
	struct sigsys_note n = {};
	__u32 tgid = BPF_CORE_READ(t, tgid);

	if (p && (p->flags & GT_PF_SIGSYS))
		return;
	own_killed_call(t, &n);
	if (n.nr < 0)
		return;
	if ((BPF_CORE_READ(t, signal, group_exit_code) & 0x7f) == SIGSYS) {
		n.start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
		bpf_map_update_elem(&sigsys_notes, &tgid, &n, n.strong ? BPF_ANY : BPF_NOEXIST);
		return;
	}
	if (!p)
		return;
	p->flags |= GT_PF_SIGSYS;
	report_sigsys(t, p->go_pid, &n);
}

/*
 * The thread that ends the process (p: its entry, already taken out of
 * procs), before the exit event: the stopped thread's call, from itself,
 * the threads still linked, or its note, a marked thread's first. The list
 * before the note: a stopped thread missing from it has finished its exit,
 * so its note is there by then.
 */
static __always_inline void sigsys_process_exit(struct task_struct *t, const struct gt_proc *p)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	struct sigsys_note best = {}, n = { .nr = -1 }, *note;

	if ((BPF_CORE_READ(t, exit_code) & 0x7f) != SIGSYS || (p->flags & GT_PF_SIGSYS)) {
		bpf_map_delete_elem(&sigsys_notes, &tgid);
		return;
	}
	own_killed_call(t, &best);
	if (!best.strong) {
		find_killed_thread(t, &n);
		prefer(&best, &n);
	}
	note = bpf_map_lookup_elem(&sigsys_notes, &tgid);
	if (note) {
		if (note->start_ns == BPF_CORE_READ(t, group_leader, start_boottime))
			prefer(&best, note);
		bpf_map_delete_elem(&sigsys_notes, &tgid);
	}
	if (best.nr >= 0)
		report_sigsys(t, p->go_pid, &best);
}

/* Fires once per thread; the process has ended when its last thread goes. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(gt_exit, struct task_struct *t)
{
	__u32 tgid = t->tgid;
	struct gt_exit_event *e;
	struct gt_proc *p, np;
	__u64 *armed = lsm_armed_count();

	/* a thread that ends inside a syscall never reaches its sys_exit */
	if (armed && *armed)
		lsm_disarm(thread_state(&lsm_states, t, false));
	forget_thread(t);
	/*
	 * live is read here, after the count went down: two threads can both
	 * see 0. The one that takes the entry out of procs ends the process.
	 */
	if (BPF_CORE_READ(t, signal, live.counter) != 0) {
		p = go_proc(t);
		if (p)
			sigsys_thread_exit(t, p);
		return 0;
	}
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		goto other;
	np = *p;
	if (bpf_map_delete_elem(&procs, &tgid))
		goto other;
	/* an earlier owner's entry (left by the /proc scan) goes without an exit event */
	if (!(np.flags & GT_PF_GO) || !same_proc(&np, t))
		return 0;
	sigsys_process_exit(t, &np);
	e = reserve(sizeof(*e), GT_STAT_LOST_EXIT);
	if (e) {
		fill_hdr(&e->hdr, GT_EV_EXIT, t);
		e->hdr.size = sizeof(*e);
		e->go_pid = np.go_pid;
		e->exit_code = BPF_CORE_READ(t, exit_code);
		bpf_ringbuf_submit(e, 0);
	}
	return 0;
other:
	/* another thread that also saw 0 ends the process, and may look at the
	 * threads after this one's stack is gone: leave the note all the same */
	sigsys_thread_exit(t, NULL);
	return 0;
}
