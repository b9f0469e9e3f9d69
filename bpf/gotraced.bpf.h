/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Maps and helpers every gotraced BPF unit includes. The units are linked
 * into one object (bpftool gen object): what this header defines is
 * __weak, and the linker keeps one of each, so the units share its maps,
 * globals and global functions.
 */
#ifndef GOTRACED_BPF_H
#define GOTRACED_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <gotraced/events.h>

/* Set by the loader before load. */
const volatile __u32 targeted __weak = 0;	/* --pid / run mode: only descendants of the roots */

/*
 * Kernel features the loader probed (src/loader.c, probe_features()), frozen
 * in .rodata before load: the verifier follows only the branch this kernel
 * can run and drops the other, so one object loads on 5.10 and on 6.18.
 * Code that needs one of them reads it through the helpers below, never
 * directly. bpf_loop (5.17) is not among them: a bpf_loop callback is an
 * instruction older kernels reject even in dead code, so the object is
 * built twice (GT_BOUNDED_LOOPS below) and the loader picks the image.
 */
const volatile __u32 has_task_btf __weak = 0;		/* bpf_get_current_task_btf(), 5.11 */
const volatile __u32 has_task_storage __weak = 0;	/* BPF_MAP_TYPE_TASK_STORAGE, 5.11 */
const volatile __u32 has_task_pt_regs __weak = 0;	/* bpf_task_pt_regs(), 5.15 */

/*
 * gt_loop(n, fn): call fn(i, NULL) for i = 0..n-1 until it returns
 * non-zero. A step keeps its state in a map, never in a context on the
 * stack: bpf_loop() where the kernel has it; otherwise a loop calling the
 * step through a global function (GT_STEP(fn)), which the verifier checks
 * once rather than at every iteration with every value it could hold.
 */
#ifdef GT_BOUNDED_LOOPS
#define GT_STEP_(fn, linkage)						\
	linkage __noinline long fn##_g(__u32 i)				\
	{								\
		return fn(i, NULL);					\
	}
#define GT_STEP(fn)		GT_STEP_(fn, )
/* a step of this header: every unit has it, the linker keeps one */
#define GT_STEP_SHARED(fn)	GT_STEP_(fn, __weak)
#define gt_loop(n, fn)							\
	({								\
		__u32 __i;						\
		_Pragma("clang loop unroll(disable)")			\
		for (__i = 0; __i < (n); __i++)				\
			if (fn##_g(__i))				\
				break;					\
	})
#define GT_LOOP_MAX(full, bounded)	(bounded)
#else
#define GT_STEP(fn)
#define GT_STEP_SHARED(fn)
#define gt_loop(n, fn)	bpf_loop(n, fn, NULL, 0)
#define GT_LOOP_MAX(full, bounded)	(full)
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct gt_proc);
} procs SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	/* 4 MiB, some 7,000 failed-call records: floods of one call are counted in
	 * the kernel (syserr.bpf.c), a tree past its budget loses its own records */
	__uint(max_entries, 4 << 20);
} events SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GT_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps") __weak;

/* An LSM refusal seen inside the current syscall, waiting for its sys_exit. */
struct lsm_state {
	__u64 ts;		/* 0: nothing pending */
	__s32 nr;		/* the syscall it happened in */
	__u32 pad;
	struct gt_lsm_info info;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lsm_state);
} lsm_states SEC(".maps") __weak;

/*
 * How many threads have an LSM refusal pending: while none has, sys_exit
 * pays one load for this, not a task storage lookup per call.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lsm_armed SEC(".maps") __weak;

static __always_inline __u64 *lsm_armed_count(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&lsm_armed, &zero);
}

/* The call that state s belongs to has ended (or s is stale): nothing pending. */
static __always_inline void lsm_disarm(struct lsm_state *s)
{
	__u64 *n;

	if (!s || !s->ts)
		return;
	s->ts = 0;
	n = lsm_armed_count();
	if (n)
		__sync_fetch_and_add(n, -1);
}

/*
 * Which processes have an entry in procs, kept on the group leader: where
 * task storage exists, a task that has none answers at once, without a
 * hash of its pid. Set at exec and fork below and by the /proc scan,
 * through a pidfd; it goes with the task. 5.10 looks procs up instead.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} members SEC(".maps") __weak;

/*
 * How many times a task joined a tree: [0] counted here (exec into a tree,
 * fork or a new thread in one), [1] by the daemon (the /proc scan, --pid,
 * run mode), each by its only writer. A change invalidates outsiders.
 * [2]: processes the daemon tracks but could not mark in members (no
 * pidfd_open: valgrind, an old seccomp profile); while there are any,
 * a task without the mark is looked up in procs too.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} joins SEC(".maps") __weak;

/*
 * Per CPU, the last task found outside every tree, by the address of its
 * syscall registers (a live task's own, at the top of its stack): while no
 * task has joined a tree since, that task's next failed call on this CPU
 * is known to be none of ours without a helper call. Servers fail EAGAIN
 * all day; on CPUs where a helper call's return is costly (Safe RET) this
 * is most of gotraced's price for an untraced process.
 */
struct gt_outsider {
	__u64 regs;
	__u64 joins[2];		/* joins[] when it was found outside */
	__u64 pad[5];		/* a cache line each: CPUs write their own */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);	/* the loader makes it one per possible CPU */
	__type(key, __u32);
	__type(value, struct gt_outsider);
} outsiders SEC(".maps") __weak;

/* All zeroes, as big as the largest per-thread state: what the hash fallback starts from. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lsm_state);
} zero_state SEC(".maps") __weak;

/*
 * The current task. The BTF variant lets programs read its fields
 * directly; the older one returns a plain address, so every read of it
 * goes through BPF_CORE_READ (which works on both).
 */
static __always_inline struct task_struct *current_task(void)
{
	if (has_task_btf)
		return bpf_get_current_task_btf();
	return (struct task_struct *)bpf_get_current_task();
}

/*
 * Per-thread state: task storage where the kernel has it, else the same
 * map turned by the loader into a hash keyed by thread id, which
 * sched_process_exit cleans (forget_thread()). t must be a BTF task
 * pointer (a tp_btf argument or current_task()) when has_task_storage.
 */
static __always_inline void *thread_state(void *map, struct task_struct *t, bool create)
{
	__u32 tid;
	void *s;

	if (has_task_storage)
		return bpf_task_storage_get(map, t, 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	tid = BPF_CORE_READ(t, pid);
	s = bpf_map_lookup_elem(map, &tid);
	if (s || !create)
		return s;
	/* a zeroed value, as task storage creates it */
	{
		__u32 zero = 0;
		void *z = bpf_map_lookup_elem(&zero_state, &zero);

		if (!z || bpf_map_update_elem(map, &tid, z, BPF_NOEXIST))
			return NULL;
	}
	return bpf_map_lookup_elem(map, &tid);
}

/* A thread ends: drop its fallback state (task storage frees itself). */
static __always_inline void forget_thread(struct task_struct *t)
{
	__u32 tid;

	if (has_task_storage)
		return;
	tid = BPF_CORE_READ(t, pid);
	bpf_map_delete_elem(&lsm_states, &tid);
}

/* A task joined a tree (a process or a new thread in one): outsiders are stale. */
static __always_inline void count_join(void)
{
	__u32 k = 0;
	__u64 *n = bpf_map_lookup_elem(&joins, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* t's process is tracked from now on (t is its group leader). */
static __always_inline void joined(struct task_struct *t)
{
	if (has_task_storage)
		bpf_task_storage_get(&members, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	count_join();
}

/* The syscall number in a task's saved registers, and the audit arch of its calls. */
#if defined(__TARGET_ARCH_arm64)
#define GT_REG_NR	syscallno
#define GT_REG_ARG1	regs[1]
#define GT_AUDIT_ARCH	0xc00000b7	/* AUDIT_ARCH_AARCH64 */
/* after syscall_rollback(): the return register holds the first argument again */
#define GT_REGS_ROLLED_BACK(r)	(BPF_CORE_READ(r, regs[0]) == BPF_CORE_READ(r, orig_x0))
#else
#define GT_REG_NR	orig_ax
#define GT_REG_ARG1	si
#define GT_AUDIT_ARCH	0xc000003e	/* AUDIT_ARCH_X86_64 */
/* after syscall_rollback(): ax holds the syscall number again */
#define GT_REGS_ROLLED_BACK(r)	(BPF_CORE_READ(r, ax) == BPF_CORE_READ(r, orig_ax))
#endif

#define AUDIT_ARCH_X86_64	0xc000003eu
#define AUDIT_ARCH_I386		0x40000003u
#define AUDIT_ARCH_AARCH64	0xc00000b7u
#define TS_COMPAT		0x0002	/* x86 thread_info.status: a 32-bit syscall */

/* The AUDIT_ARCH_* seccomp_data carries for the current call. */
static __always_inline __u32 call_arch(struct task_struct *t)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(t, thread_info.status) & TS_COMPAT ? AUDIT_ARCH_I386 :
								 AUDIT_ARCH_X86_64;
#elif defined(__TARGET_ARCH_arm64)
	return AUDIT_ARCH_AARCH64;
#else
	return 0;
#endif
}

/*
 * The registers a task entered its syscall with. Without bpf_task_pt_regs()
 * they are where task_pt_regs() finds them: the top of the kernel stack
 * (THREAD_SIZE 16 KiB on x86-64 and arm64 without KASAN, as Debian builds).
 */
#define GT_THREAD_SIZE	16384

static __always_inline struct pt_regs *task_regs(struct task_struct *t)
{
	if (has_task_pt_regs)
		return (struct pt_regs *)bpf_task_pt_regs(t);
	return (struct pt_regs *)((char *)BPF_CORE_READ(t, stack) + GT_THREAD_SIZE) - 1;
}

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		*v += 1;
}

/*
 * Is entry p about t's process, not an earlier owner of the pid? Entries made
 * here hold the exact start; those from the /proc scan the start of its tick.
 */
static __always_inline bool same_proc(const struct gt_proc *p, struct task_struct *t)
{
	return BPF_CORE_READ(t, group_leader, start_boottime) - p->start_ns < GT_TICK_NS;
}

/* t's process's entry, or NULL (also for a stale entry of the pid's earlier owner). */
static __always_inline struct gt_proc *proc_of(struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	struct gt_proc *p = bpf_map_lookup_elem(&procs, &tgid);

	return p && same_proc(p, t) ? p : NULL;
}

/* The process's entry if it belongs to a Go tree (its failures count), else NULL. */
static __always_inline struct gt_proc *go_proc(struct task_struct *t)
{
	struct gt_proc *p = proc_of(t);

	return p && (p->flags & GT_PF_GO) ? p : NULL;
}

/*
 * The Go tree process of the current task, whose syscall registers are
 * regs, or NULL; *tp gets the task when it was looked at. Every failed call
 * of the machine asks; see outsiders: a task remembered outside costs no
 * helper call. joins[] is read before procs, so a join that lands between
 * the two makes what is remembered stale at once.
 */
static __always_inline struct gt_proc *tree_proc(struct pt_regs *regs, struct task_struct **tp)
{
	__u32 cpu = bpf_get_smp_processor_id(), k0 = 0, k1 = 1, k2 = 2;
	struct gt_outsider *o = bpf_map_lookup_elem(&outsiders, &cpu);
	__u64 *j0 = bpf_map_lookup_elem(&joins, &k0);
	__u64 *j1 = bpf_map_lookup_elem(&joins, &k1);
	__u64 *unmarked, n0, n1;
	struct task_struct *t;
	struct gt_proc *p;

	if (!o || !j0 || !j1)
		return NULL;
	n0 = *j0;
	n1 = *j1;
	if (o->regs == (__u64)regs && o->joins[0] == n0 && o->joins[1] == n1)
		return NULL;
	t = *tp = current_task();
	p = NULL;
	/* without the mark, procs is asked only while some process could not be marked */
	unmarked = has_task_storage ? bpf_map_lookup_elem(&joins, &k2) : NULL;
	if (!has_task_storage || bpf_task_storage_get(&members, t->group_leader, 0, 0) ||
	    !unmarked || *unmarked)
		p = proc_of(t);
	if (!p) {
		o->regs = (__u64)regs;
		o->joins[0] = n0;
		o->joins[1] = n1;
		return NULL;
	}
	return p->flags & GT_PF_GO ? p : NULL;
}

/* Room for a fixed-size record, or NULL with the loss counted. */
static __always_inline void *reserve(__u32 size, __u32 lost_stat)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);

	if (!e) {
		stat_inc(GT_STAT_LOST);
		stat_inc(lost_stat);
	}
	return e;
}

/* Records are built in a per-CPU buffer, then copied out at their real size. */
#define GT_DATA_SLOT	GT_PATH_MAX
#define GT_DATA_MASK	(4 * GT_DATA_SLOT - 1)
#define GT_DATA_SIZE	(5 * GT_DATA_SLOT)

#define GT_SCRATCH_SIZE	32768	/* a power of two: sizes are masked with it */

struct gt_scratch {
	char buf[GT_SCRATCH_SIZE];	/* the record being built */
};

_Static_assert(sizeof(struct gt_syserr_event) + GT_DATA_SIZE <= GT_SCRATCH_SIZE, "scratch");

/* Path components, written back to front. */
struct gt_walk {
	char buf[2 * GT_PATH_MAX];
	/* the walk's state: kept here, not on the stack (gt_loop) */
	__u32 pos;
	__u32 done;		/* the walk reached the root: nothing was cut */
	__u64 d, mnt;		/* walk_path: struct dentry *, struct mount * */
	__u64 kn;		/* walk_kn: struct kernfs_node * */
};



struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gt_walk);
} walk_buf SEC(".maps") __weak;

static __always_inline struct gt_walk *get_walk(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&walk_buf, &zero);
}

/* Copy a record built in scratch to the ring buffer; count it lost if full (-1). */
static __always_inline int output(struct gt_scratch *s, __u32 size, __u32 lost_stat)
{
	size &= GT_SCRATCH_SIZE - 1;
	((struct gt_hdr *)s->buf)->size = size;
	if (bpf_ringbuf_output(&events, s->buf, size, 0)) {
		stat_inc(GT_STAT_LOST);
		stat_inc(lost_stat);
		return -1;
	}
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gt_scratch);
} scratch SEC(".maps") __weak;

static __always_inline struct gt_scratch *get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

/*
 * The tgid as the task's own pid namespace numbers it: read here because
 * /proc/PID/status (NSpid) is gone by the time user space looks at a short
 * process. The leader's struct pid is numbered at every level up to its own.
 */
static __always_inline __u32 ns_tgid(struct task_struct *t)
{
	struct pid *p = BPF_CORE_READ(t, group_leader, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	int nr = 0;

	if (level > 32)		/* MAX_PID_NS_LEVEL */
		return 0;
	bpf_core_read(&nr, sizeof(nr), &p->numbers[level].nr);
	return nr;
}

static __always_inline void fill_hdr(struct gt_hdr *h, __u16 type, struct task_struct *t)
{
	h->type = type;
	h->pid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
	h->mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	h->ns_pid = ns_tgid(t);
	bpf_probe_read_kernel_str(h->comm, sizeof(h->comm), t->comm);
}

/* The subjective credentials: the ones the kernel checks accesses against. */
static __always_inline void fill_creds(struct gt_creds *c, struct task_struct *t)
{
	const struct cred *cred = BPF_CORE_READ(t, cred);
	struct group_info *gi = BPF_CORE_READ(cred, group_info);
	__u32 n;

	c->uid = BPF_CORE_READ(cred, uid.val);
	c->gid = BPF_CORE_READ(cred, gid.val);
	c->euid = BPF_CORE_READ(cred, euid.val);
	c->egid = BPF_CORE_READ(cred, egid.val);
	c->fsuid = BPF_CORE_READ(cred, fsuid.val);
	c->fsgid = BPF_CORE_READ(cred, fsgid.val);
	n = BPF_CORE_READ(gi, ngroups);
	c->ngroups = n;
	if (n > GT_NGROUPS)
		n = GT_NGROUPS;
	if (n)
		bpf_probe_read_kernel(c->groups, (n * sizeof(__u32)) & (sizeof(c->groups) * 2 - 1),
				      &gi->gid);
}

#define GT_WALK_DEPTH	128

/* One step towards the root: prepend a component or cross a mount. */
static long walk_step(__u32 i, void *unused)
{
	struct gt_walk *w = get_walk();
	struct mount *mnt;
	struct dentry *d, *parent, *root;
	__u32 len, pos;

	if (!w)
		return 1;
	mnt = (void *)w->mnt;
	d = (void *)w->d;
	parent = BPF_CORE_READ(d, d_parent);
	root = BPF_CORE_READ(mnt, mnt.mnt_root);
	if (d == root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt || !up) {
			w->done = 1;	/* the namespace's root */
			return 1;
		}
		w->d = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = (__u64)up;
		return 0;
	}
	len = BPF_CORE_READ(d, d_name.len) & 255;
	pos = w->pos;
	if (pos < len + 2)
		return 1;	/* longer than GT_PATH_MAX with its NUL: keep the tail */
	/*
	 * 6.12's verifier links len to the len + 2 compared above and loses
	 * its bound there ("R2 unbounded memory access" at the read below):
	 * bound it again, in a register of its own.
	 */
	barrier_var(len);
	len &= 255;
	pos -= len;
	bpf_probe_read_kernel(&w->buf[pos & (GT_PATH_MAX - 1)], len,
			      BPF_CORE_READ(d, d_name.name));
	pos -= 1;
	w->buf[pos & (GT_PATH_MAX - 1)] = '/';
	w->pos = pos;
	w->d = (__u64)parent;
	return 0;
}
GT_STEP_SHARED(walk_step)

/*
 * Absolute path of a (vfsmount, dentry) pair, as seen from the root of the
 * mount namespace, without bpf_d_path (not allowed from tracepoints). The
 * result is left at the end of walk_buf's first half; returns its length.
 * A global function taking a plain address: the verifier checks it once,
 * not at each of its callers.
 */
__weak __noinline __u32 walk_path(__u64 path_addr)
{
	const struct path *path = (const void *)path_addr;
	struct vfsmount *vmnt = BPF_CORE_READ(path, mnt);
	struct dentry *d = BPF_CORE_READ(path, dentry);
	struct gt_walk *w = get_walk();

	if (!d || !vmnt || !w)
		return 0;
	w->d = (__u64)d;
	w->mnt = (__u64)container_of(vmnt, struct mount, mnt);
	w->pos = GT_PATH_MAX;
	w->done = 0;
	gt_loop(GT_WALK_DEPTH, walk_step);
	w = get_walk();
	if (!w)
		return 0;
	if (w->pos >= GT_PATH_MAX) {
		w->pos = GT_PATH_MAX - 1;
		w->buf[GT_PATH_MAX - 1] = '/';
	}
	return GT_PATH_MAX - (w->pos & (GT_PATH_MAX - 1));
}

/* Did the last walk_path() stop before the root (too long or too deep)? */
static __always_inline bool walk_truncated(void)
{
	__u32 zero = 0;
	struct gt_walk *w = bpf_map_lookup_elem(&walk_buf, &zero);

	return w && !w->done;
}

/* Copy what a walk left in walk_buf to dst (room for GT_PATH_MAX); returns its size with NUL. */
static __always_inline __u32 put_walk_result(__u32 len, char *dst)
{
	__u32 zero = 0;
	struct gt_walk *w = bpf_map_lookup_elem(&walk_buf, &zero);

	if (!len || !w)
		return 0;
	len &= GT_PATH_MAX - 1;
	bpf_probe_read_kernel(dst, len, &w->buf[(GT_PATH_MAX - len) & (GT_PATH_MAX - 1)]);
	dst[len] = '\0';
	return len + 1;
}

#define put_walked(path, dst)	put_walk_result(walk_path((__u64)(path)), dst)
#define put_kn_path(kn, dst)	put_walk_result(walk_kn((__u64)(kn)), dst)

/*
 * kernfs_node::parent became __parent in 6.15; both spelled here, so the
 * code builds against either vmlinux.h (the arm64 one is 6.12's).
 */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___old, parent))
		return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
	return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
}

static long kn_step(__u32 i, void *unused)
{
	struct gt_walk *w = get_walk();
	struct kernfs_node *kn, *parent;
	const char *name;
	__u32 len, pos;
	long n;

	if (!w)
		return 1;
	kn = (void *)w->kn;
	parent = kn_parent(kn);
	name = BPF_CORE_READ(kn, name);
	pos = w->pos;
	if (!parent)
		return 1;	/* the hierarchy's root has no name of its own */
	/* names are short: read into the 256 bytes before pos, then slide */
	if (pos < 257 || pos > GT_PATH_MAX)
		return 1;
	n = bpf_probe_read_kernel_str(&w->buf[(pos - 256) & (GT_PATH_MAX - 1)], 256, name);
	if (n <= 1)
		return 1;
	len = (n - 1) & 255;
	/* move the name so it ends right before pos */
	bpf_probe_read_kernel(&w->buf[(pos - len) & (GT_PATH_MAX - 1)], len,
			      &w->buf[(pos - 256) & (GT_PATH_MAX - 1)]);
	pos -= len + 1;
	w->buf[pos & (GT_PATH_MAX - 1)] = '/';
	w->pos = pos;
	w->kn = (__u64)parent;
	return 0;
}
GT_STEP_SHARED(kn_step)

/* Path of a cgroup's kernfs node within its hierarchy ("/" for the root); global, as walk_path. */
__weak __noinline __u32 walk_kn(__u64 kn_addr)
{
	struct gt_walk *w = get_walk();

	if (!w || !kn_addr)
		return 0;
	w->kn = kn_addr;
	w->pos = GT_PATH_MAX;
	gt_loop(32, kn_step);
	w = get_walk();
	if (!w)
		return 0;
	if (w->pos >= GT_PATH_MAX) {
		w->pos = GT_PATH_MAX - 1;
		w->buf[GT_PATH_MAX - 1] = '/';
	}
	return GT_PATH_MAX - (w->pos & (GT_PATH_MAX - 1));
}

/* The file behind descriptor fd of the current task, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *t, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

char LICENSE[] SEC("license") __weak = "Dual BSD/GPL";

#endif /* GOTRACED_BPF_H */
