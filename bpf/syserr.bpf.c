// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Failed syscalls of tasks in Go trees, read at sys_exit: the return value
 * gives the errno and the saved registers still hold the arguments, so one
 * hook sees every refusal, including calls a seccomp filter failed before
 * sys_enter. What it misses: errors a syscall reports other than through
 * its return value (a short write), and arguments the call itself changed.
 */
#include "gotraced.bpf.h"
#include "stderr.bpf.h"

#define EAGAIN	11
#define RLIMIT_NPROC	6
#define RLIMIT_NOFILE	7
#define RLIMIT_AS	9

const volatile __u64 errno_mask[4] = {};	/* errnos that are findings (bit = errno) */
const volatile __u32 all_errors = 0;		/* --all-errors: every syscall, every errno */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GT_NR_SYSCALLS);
	__type(key, __u32);
	__type(value, struct gt_syscall_desc);
} syscalls SEC(".maps");

/* The same for 32-bit calls (x86-64's ia32 table: other numbers, other registers). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GT_NR_SYSCALLS);
	__type(key, __u32);
	__type(value, struct gt_syscall_desc);
} syscalls32 SEC(".maps");

/* How calls outside the table are read: no path, no fd. */
const struct gt_syscall_desc other_call = {
	.kind = GT_SC_OTHER, .path_arg = GT_ARG_NONE, .dfd_arg = GT_ARG_NONE,
	.path2_arg = GT_ARG_NONE, .dfd2_arg = GT_ARG_NONE, .fd_arg = GT_ARG_NONE,
};

/*
 * Syscall argument i from the registers saved at entry. On arm64 the
 * return value has replaced x0 by sys_exit: the first argument is in
 * orig_x0, the others in x1..x5.
 */
static __always_inline __u64 arg(struct pt_regs *r, int i, bool compat)
{
#if defined(__TARGET_ARCH_x86)
	/* ia32: ebx, ecx, edx, esi, edi, ebp, 32 bits each */
	if (compat) {
		switch (i) {
		case 0: return (__u32)BPF_CORE_READ(r, bx);
		case 1: return (__u32)BPF_CORE_READ(r, cx);
		case 2: return (__u32)BPF_CORE_READ(r, dx);
		case 3: return (__u32)BPF_CORE_READ(r, si);
		case 4: return (__u32)BPF_CORE_READ(r, di);
		case 5: return (__u32)BPF_CORE_READ(r, bp);
		}
	}
#endif
#if defined(__TARGET_ARCH_arm64)
	switch (i) {
	case 0: return BPF_CORE_READ(r, orig_x0);
	case 1: return BPF_CORE_READ(r, regs[1]);
	case 2: return BPF_CORE_READ(r, regs[2]);
	case 3: return BPF_CORE_READ(r, regs[3]);
	case 4: return BPF_CORE_READ(r, regs[4]);
	case 5: return BPF_CORE_READ(r, regs[5]);
	}
#else
	switch (i) {
	case 0: return BPF_CORE_READ(r, di);
	case 1: return BPF_CORE_READ(r, si);
	case 2: return BPF_CORE_READ(r, dx);
	case 3: return BPF_CORE_READ(r, r10);
	case 4: return BPF_CORE_READ(r, r8);
	case 5: return BPF_CORE_READ(r, r9);
	}
#endif
	return 0;
}

/* Directory a relative path is resolved against: cwd, or the dirfd's file. */
static __always_inline __u32 dir_of(struct task_struct *t, int dfd, char *dst)
{
	struct file *f;

	if (dfd == GT_AT_FDCWD)
		return put_walked(&BPF_CORE_READ(t, fs)->pwd, dst);
	f = fd_file(t, dfd);
	if (!f)
		return 0;
	return put_walked(&f->f_path, dst);
}

/*
 * The record being built in scratch (report()). The functions below that
 * append to its data are global: each is verified once, and the offset it
 * returns is a plain number to report(), whose paths then prune instead of
 * multiplying by every length a path could have.
 */
static __always_inline struct gt_syserr_event *get_record(void)
{
	struct gt_scratch *s = get_scratch();

	return s ? (void *)s->buf : NULL;
}

/*
 * Append path argument pi (and, for a relative one, its directory: the
 * dirfd in argument di, or the cwd) at data offset off; second: the call's
 * second path. Returns the new offset.
 */
__noinline __u32 put_path(__u32 off, __u32 pi, __u32 di, __u32 second)
{
	struct gt_syserr_event *e = get_record();
	char *dst;
	__u32 n;
	long len;
	int dfd;

	if (!e)
		return off;
	dst = &e->data[off & GT_DATA_MASK];
	len = bpf_probe_read_user_str(dst, GT_PATH_MAX, (void *)e->args[pi & 7]);
	if (len <= 0)
		return off;
	if (second)
		e->path2_len = len;
	else
		e->path_len = len;
	off += len;
	if (dst[0] == '/')
		return off;
	dfd = di < 6 ? (int)e->args[di & 7] : GT_AT_FDCWD;
	n = dir_of(current_task(), dfd, &e->data[off & GT_DATA_MASK]);
	if (second)
		e->dir2_len = n;
	else
		e->dir_len = n;
	if (n && walk_truncated())
		e->trunc |= second ? GT_TRUNC_DIR2 : GT_TRUNC_DIR;
	return off + n;
}

/* A call on a descriptor (argument fa): its file's path, as the record's path. */
__noinline __u32 put_fd_path(__u32 off, __u32 fa)
{
	struct gt_syserr_event *e = get_record();
	struct file *f;
	__u32 n;

	if (!e)
		return off;
	f = fd_file(current_task(), (int)e->args[fa & 7]);
	if (!f)
		return off;
	n = put_walked(&f->f_path, &e->data[off & GT_DATA_MASK]);
	e->path_len = n;
	e->fd_path = 1;
	if (n && walk_truncated())
		e->trunc |= GT_TRUNC_DIR;
	return off + n;
}

/* The pids cgroup closest to its limit, walking up: the one that refuses forks. */
static __always_inline void pids_limit(struct task_struct *t, struct gt_limits *l,
				       struct cgroup_subsys_state **which)
{
	struct cgroup_subsys_state *css;
	__s64 best = -1;
	int i;

	l->pids_max = l->pids_cur = -1;
	if (!bpf_core_type_exists(struct pids_cgroup))
		return;
	css = BPF_CORE_READ(t, cgroups, subsys[bpf_core_enum_value(enum cgroup_subsys_id,
								    pids_cgrp_id)]);
	for (i = 0; i < 8 && css; i++) {
		struct pids_cgroup *pc = (void *)css;
		__s64 max = BPF_CORE_READ(pc, limit.counter), cur = BPF_CORE_READ(pc, counter.counter);

		if (max < GT_PIDS_MAX && (best < 0 || max - cur < best)) {
			best = max - cur;
			l->pids_max = max;
			l->pids_cur = cur;
			*which = css;
		}
		css = BPF_CORE_READ(css, parent);
	}
}

/* A call that creates a process: the pids limit nearest to refusing, and its cgroup's path. */
__noinline __u32 put_pids(__u32 off)
{
	struct gt_syserr_event *e = get_record();
	struct cgroup_subsys_state *css = NULL;

	if (!e)
		return off;
	pids_limit(current_task(), &e->limits, &css);
	if (!css)
		return off;
	e->cg_len = put_kn_path(BPF_CORE_READ(css, cgroup, kn), &e->data[off & GT_DATA_MASK]);
	return off + e->cg_len;
}

static __always_inline void fill_limits(struct task_struct *t, struct gt_limits *l)
{
	struct rlimit *rl = BPF_CORE_READ(t, signal)->rlim;

	l->nofile_cur = BPF_CORE_READ(&rl[RLIMIT_NOFILE], rlim_cur);
	l->nofile_max = BPF_CORE_READ(&rl[RLIMIT_NOFILE], rlim_max);
	l->nproc_cur = BPF_CORE_READ(&rl[RLIMIT_NPROC], rlim_cur);
	l->as_cur = BPF_CORE_READ(&rl[RLIMIT_AS], rlim_cur);
	l->seccomp_mode = BPF_CORE_READ(t, seccomp.mode);
	if (BPF_CORE_READ(t, atomic_flags) & 1)	/* PFA_NO_NEW_PRIVS */
		l->flags |= GT_SE_NNP;
	if (BPF_CORE_READ(t, ptrace))
		l->flags |= GT_SE_PTRACED;
}

#define SECCOMP_MODE_FILTER	2
/*
 * Could a seccomp filter have answered this call? Not when the task has
 * none, nor when its filters always allow the syscall whatever its
 * arguments: the kernel's own action cache (5.11+) says so in one bit, and
 * the kernel consults it before running any filter.
 */
static __always_inline bool maybe_filtered(struct task_struct *t, __u32 nr)
{
	struct seccomp_filter *f;
	unsigned long allow;

	if (BPF_CORE_READ(t, seccomp.mode) != SECCOMP_MODE_FILTER)
		return false;
	f = BPF_CORE_READ(t, seccomp.filter);
	if (!f || !bpf_core_field_exists(f->cache) || nr >= 8 * 64 ||
	    call_arch(t) == AUDIT_ARCH_I386)
		return true;
	if (bpf_core_read(&allow, sizeof(allow), &f->cache.allow_native[(nr >> 6) & 7]))
		return true;
	return !(allow & (1UL << (nr & 63)));
}

struct gt_sf_buf {
	char buf[sizeof(struct gt_sfilter_event) + 8 * GT_SF_INSNS_MAX];
};

_Static_assert(sizeof(struct gt_sf_buf) <= 32768, "a per-CPU value is at most 32 KiB");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gt_sf_buf);
} sf_buf SEC(".maps");

/*
 * Send the task's filter chain, newest first, one record per filter: the
 * classic BPF program the kernel kept (orig_prog) is immutable while the
 * task holds it. 0 when all were sent; -1 when the chain cannot be judged
 * (deeper than GT_SF_CHAIN_MAX, no orig_prog, a filter too long); -2 when
 * the ring buffer had no room. ip: the call's. Global: verified once, not
 * along every path of report() that reaches it.
 */
__noinline int send_chain(__u64 ip)
{
	struct task_struct *t = current_task();
	struct seccomp_filter *f = BPF_CORE_READ(t, seccomp.filter), *g = f;
	__u32 zero = 0, arch = call_arch(t), pid = bpf_get_current_pid_tgid() >> 32;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gt_sf_buf *b = bpf_map_lookup_elem(&sf_buf, &zero);
	struct gt_sfilter_event *e = (void *)b;
	__u64 now = bpf_ktime_get_boot_ns();
	int i, n = 0;

	if (!b || !f)
		return -1;
	for (i = 0; i < GT_SF_CHAIN_MAX && g; i++) {
		g = BPF_CORE_READ(g, prev);
		n++;
	}
	if (g)
		return -1;
	for (i = 0; i < GT_SF_CHAIN_MAX; i++) {
		struct sock_fprog_kern *fp;
		__u32 len, size;

		if (!f)
			break;
		fp = BPF_CORE_READ(f, prog, orig_prog);
		if (!fp)
			return -1;	/* a kernel without CONFIG_CHECKPOINT_RESTORE */
		len = BPF_CORE_READ(fp, len);
		if (len == 0 || len > GT_SF_INSNS_MAX)
			return -1;
		size = len * 8;
		if (bpf_probe_read_kernel(e->insns, size, BPF_CORE_READ(fp, filter)))
			return -1;
		__builtin_memset(e, 0, sizeof(*e));
		e->hdr.type = GT_EV_SFILTER;
		e->hdr.size = sizeof(*e) + size;
		e->hdr.pid = pid;
		e->hdr.tid = tid;
		e->hdr.ts_ns = now;
		e->ip = ip;
		e->arch = arch;
		e->index = i;
		e->count = n;
		e->len = len;
		if (bpf_ringbuf_output(&events, e, sizeof(*e) + size, 0))
			return -2;
		f = BPF_CORE_READ(f, prev);
	}
	return 0;
}

/*
 * Repeats gathered in the kernel: a failed call whose key (struct
 * gt_rep_key) is already in this map was sent before, so it is only
 * counted here. The daemon learns the key from the record it was sent
 * with, reads the count while the process runs and takes the entry away
 * when the process has ended: a flood costs it one record, every call
 * still counted. An entry is made only once its record is in the ring
 * buffer; a full map means the calls are sent, as before.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gt_rep_key);
	__type(value, struct gt_rep_val);
} repeats SEC(".maps");

/* The key being built and the path bytes it hashes. */
struct gt_rep_buf {
	char path[GT_PATH_MAX];
	struct gt_rep_key key;
	__u64 h;
	__u32 pos, len;
	__u64 raw[6], ip;	/* the call's arguments and ip, put here by its caller */
	struct gt_syscall_desc desc;	/* its row of the syscall table (call_class()) */
	__u32 keyed;		/* key holds this call's key (kept here, not live in report()) */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gt_rep_buf);
} rep_buf SEC(".maps");

static __always_inline struct gt_rep_buf *get_rep(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&rep_buf, &zero);
}

static __always_inline __u64 mix(__u64 h, __u64 v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 31);
}

/* One 8-byte word of the path into the hash (little-endian: the tail's bytes are the low ones). */
static long hash_step(__u32 i, void *unused)
{
	struct gt_rep_buf *r = get_rep();
	__u32 pos, left;
	__u64 v;

	if (!r)
		return 1;
	pos = r->pos;
	if (pos >= r->len || pos >= GT_PATH_MAX)
		return 1;
	v = *(__u64 *)&r->path[pos & (GT_PATH_MAX - 8)];
	left = r->len - pos;
	if (left < 8)
		v &= (1ULL << ((left & 7) * 8)) - 1;
	r->h = mix(r->h, v);
	r->pos = pos + 8;
	return 0;
}
GT_STEP(hash_step)

/*
 * Hash of the string at user address uptr, its length in r->len (0:
 * unreadable). Global: the verifier checks it once. Returns 0 when the
 * bounded-loop build cannot hash it whole (the call is then sent).
 */
__noinline __u64 rep_hash(__u64 uptr)
{
	struct gt_rep_buf *r = get_rep();
	long n;

	if (!r)
		return 0;
	n = bpf_probe_read_user_str(r->path, GT_PATH_MAX, (void *)uptr);
	r->len = n > 0 ? n : 0;
	r->pos = 0;
	r->h = mix(0x5bd1e995, r->len);
	if (n <= 0)
		return r->h;
	if ((n + 7) / 8 > GT_LOOP_MAX(GT_PATH_MAX / 8, 256))
		return 0;
	gt_loop(GT_LOOP_MAX((n + 7) / 8, 256), hash_step);
	r = get_rep();
	return r ? r->h | 1 : 0;
}

/* A path argument's share of the key: its bytes, and for a relative one its directory. */
static __always_inline bool key_path(struct task_struct *t, __u64 uptr, __u8 di, __u64 *args,
				     __u64 *out)
{
	struct gt_rep_buf *r;
	struct dentry *dent = NULL;
	struct vfsmount *mnt = NULL;
	__u64 h = rep_hash(uptr);
	int dfd;

	r = get_rep();
	if (!h || !r)
		return false;
	if (r->len && r->path[0] != '/') {
		dfd = di < 6 ? (int)args[di & 7] : GT_AT_FDCWD;
		if (dfd == GT_AT_FDCWD) {
			struct fs_struct *fs = BPF_CORE_READ(t, fs);

			dent = BPF_CORE_READ(fs, pwd.dentry);
			mnt = BPF_CORE_READ(fs, pwd.mnt);
		} else {
			struct file *f = fd_file(t, dfd);

			if (f) {
				dent = BPF_CORE_READ(f, f_path.dentry);
				mnt = BPF_CORE_READ(f, f_path.mnt);
			}
		}
		h = mix(mix(h, (__u64)dent), (__u64)mnt);
	}
	*out = h;
	return true;
}

/*
 * The key of this call, built in rep_buf; 0 when its repeats are not
 * gathered (a path too long for the bounded build to hash). The call's
 * arguments and ip are in rep_buf (raw, ip). Global, its arguments plain
 * numbers (desc: the struct gt_syscall_desc's 8 bytes): the verifier
 * checks it once, not along every path of report().
 */
__noinline int rep_key(__u64 desc, __s64 ret, __u32 nr, __u32 maybe)
{
	struct task_struct *t = current_task();
	struct rlimit *rl = BPF_CORE_READ(t, signal)->rlim;
	struct gt_syscall_desc d;
	__u64 args[6], ph = 0, ph2 = 0, ip;
	struct gt_rep_buf *r = get_rep();
	struct gt_rep_key *k;
	int i;

	if (!r)
		return 0;
	__builtin_memcpy(&d, &desc, sizeof(d));
	for (i = 0; i < 6; i++)
		args[i] = r->raw[i];
	ip = r->ip;
	if (d.path_arg < 6 && !key_path(t, args[d.path_arg & 7], d.dfd_arg, args, &ph))
		return 0;
	if (d.path2_arg < 6 && !key_path(t, args[d.path2_arg & 7], d.dfd2_arg, args, &ph2))
		return 0;
	r = get_rep();
	if (!r)
		return 0;
	k = &r->key;
	__builtin_memset(k, 0, sizeof(*k));
	k->tgid = BPF_CORE_READ(t, tgid);
	k->nr = nr;
	k->start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
	k->ret = ret;
	k->cred = (__u64)BPF_CORE_READ(t, cred);
	k->mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	k->flags = BPF_CORE_READ(t, seccomp.mode) | (BPF_CORE_READ(t, atomic_flags) & 1) << 8 |
		   (BPF_CORE_READ(t, ptrace) ? 1 : 0) << 9 |
		   (call_arch(t) == AUDIT_ARCH_I386) << 10;	/* nr of the ia32 table */
	k->nofile_cur = BPF_CORE_READ(&rl[RLIMIT_NOFILE], rlim_cur);
	k->path_hash = ph;
	k->path2_hash = ph2;
	if (d.fd_arg < 6)
		k->fd_file = (__u64)fd_file(t, (int)args[d.fd_arg & 7]);
	for (i = 0; i < 6; i++) {
		/* a path's address says nothing its bytes do not (Go's differ per call) */
		if (!maybe && (i == d.path_arg || i == d.path2_arg))
			continue;
		k->args[i] = args[i];
	}
	if (maybe) {
		/* what the filters run on: the same input, the same verdict */
		k->filter = (__u64)BPF_CORE_READ(t, seccomp.filter);
		k->ip = ip;
	}
	r->keyed = 1;
	return 1;
}

/*
 * Fairness between trees: while the ring buffer is more than half full (the
 * daemon is behind), each tree (go command) may add GT_TREE_BURST more
 * failed-call records until the daemon has caught up (the ring under a
 * quarter full again); past that its calls are counted lost. The other half
 * stays for the other trees: one tree's flood costs its own records only.
 * Repeats (above) never come here: a flood of one call is counted, not sent.
 */
#define GT_TREE_BURST	256

struct gt_pressure {
	__u64 epoch;		/* one more each time the ring passes half full */
	__u32 on;		/* above half full, not yet back under a quarter */
	__u32 pad;
};

struct gt_budget {
	__u64 epoch;		/* the episode sent counts for */
	__u64 sent;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gt_pressure);
} pressure SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct gt_budget);
} budgets SEC(".maps");

static __always_inline bool over_budget(__u32 go_pid)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 size = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);
	struct gt_budget *b, nb = {};
	struct gt_pressure *pr;
	__u32 zero = 0;

	pr = bpf_map_lookup_elem(&pressure, &zero);
	if (!pr)
		return false;
	if (avail < size / 4) {
		pr->on = 0;
		return false;
	}
	if (!pr->on) {
		if (avail < size / 2)
			return false;
		pr->on = 1;
		__sync_fetch_and_add(&pr->epoch, 1);
	}
	b = bpf_map_lookup_elem(&budgets, &go_pid);
	if (!b || b->epoch != pr->epoch) {
		nb.epoch = pr->epoch;
		nb.sent = 1;
		bpf_map_update_elem(&budgets, &go_pid, &nb, BPF_ANY);
		return false;
	}
	if (b->sent >= GT_TREE_BURST)
		return true;
	__sync_fetch_and_add(&b->sent, 1);
	return false;
}

/*
 * The failed calls of each tree (go command) that were counted lost, for
 * its exit event (`lost`): the daemon reads and removes the go command's
 * entry when it ends, so a tree's own accounting holds however much other
 * trees flood. The go command's start tells a reused pid's entry apart.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);			/* the go command's pid */
	__type(value, struct gt_tree_lost);
} tree_lost SEC(".maps");

/* A failed call of go_pid's tree that no record tells, on its tree's count. */
static __always_inline void tree_lose(__u32 go_pid)
{
	struct gt_tree_lost *v, nv = {};
	struct gt_proc *go;

	go = go_pid ? bpf_map_lookup_elem(&procs, &go_pid) : NULL;
	if (!go)
		return;		/* no go command (any more) whose exit could tell it */
	v = bpf_map_lookup_elem(&tree_lost, &go_pid);
	if (v && v->start_ns == go->start_ns) {
		__sync_fetch_and_add(&v->count, 1);
		return;
	}
	nv.start_ns = go->start_ns;
	nv.count = 1;
	/* two CPUs may start it at once: the second adds to the first's */
	if (!bpf_map_update_elem(&tree_lost, &go_pid, &nv, v ? BPF_ANY : BPF_NOEXIST))
		return;
	v = bpf_map_lookup_elem(&tree_lost, &go_pid);
	if (v)
		__sync_fetch_and_add(&v->count, 1);
}

/* ... and on the machine's */
static __always_inline void lose_call(__u32 go_pid)
{
	stat_inc(GT_STAT_LOST);
	stat_inc(GT_STAT_LOST_SYSERR);
	tree_lose(go_pid);
}

/* How report() treats a failed call (call_class()). */
#define GT_CALL_WANTED	(1u << 0)	/* a finding by its errno and syscall */
#define GT_CALL_MAYBE	(1u << 1)	/* a seccomp filter may have answered it */
#define GT_CALL_COMPAT	(1u << 2)	/* a 32-bit call (x86-64's ia32 table) */
#define GT_CALL_LSM	(1u << 3)	/* an LSM refusal was recorded in this very call */

/*
 * GT_CALL_* of failed call nr (errno err); its row of the syscall table
 * goes to rep_buf (desc). Global, as admit_call(): a flag set on one path
 * is a constant to the verifier, and each later branch on it keeps the
 * paths apart (86,850 instructions verified for gt_sys_exit); what a
 * global function returns is a number, and the paths merge.
 */
__noinline __u32 call_class(__u32 nr, __u32 err)
{
	struct task_struct *t = current_task();
	struct gt_rep_buf *r = get_rep();
	const struct gt_syscall_desc *row;
	__u32 how = 0;

	if (!r)
		return 0;
	/* a filter's refusal matters whatever the call and the errno */
	if (maybe_filtered(t, nr))
		how |= GT_CALL_MAYBE;
	if (call_arch(t) == AUDIT_ARCH_I386) {
		how |= GT_CALL_COMPAT;
		row = bpf_map_lookup_elem(&syscalls32, &nr);
	} else {
		row = bpf_map_lookup_elem(&syscalls, &nr);
	}
	if (!row || row->kind == GT_SC_NONE) {
		r->desc = other_call;
		return all_errors ? how | GT_CALL_WANTED : how;
	}
	r->desc = *row;
	if (all_errors)
		return how | GT_CALL_WANTED;
	if (!(errno_mask[(err >> 6) & 3] & (1ULL << (err & 63))))
		return how;
	/* EAGAIN is a finding only where a process or thread is created */
	if (err == EAGAIN && r->desc.kind != GT_SC_PROC)
		return how;
	return how | GT_CALL_WANTED;
}

/*
 * Whether the record of a call report() took goes out: not for a repeat
 * (only counted), nor for a tree over its budget; a call its filters may
 * have answered sends them first. Returns the record's GT_SE_* flags, or -1
 * when no record is sent. Global: verified once, not along every path of
 * report().
 */
__noinline int admit_call(__u32 how, __s64 ret, __u32 nr, __u32 go_pid)
{
	struct gt_rep_buf *r = get_rep();
	int flags = 0;
	__u64 desc;

	if (!r)
		return -1;
	r->keyed = 0;
	/* a process's limits and an LSM's verdict of this very call are facts of one call */
	if (r->desc.kind != GT_SC_PROC && !(how & GT_CALL_LSM)) {
		struct gt_rep_val *v = NULL;

		__builtin_memcpy(&desc, &r->desc, sizeof(desc));
		if (rep_key(desc, ret, nr, (how & GT_CALL_MAYBE) != 0)) {
			r = get_rep();
			if (r)
				v = bpf_map_lookup_elem(&repeats, &r->key);
		}
		if (v) {
			__sync_fetch_and_add(&v->count, 1);
			v->last_ns = bpf_ktime_get_boot_ns();
			stat_inc(GT_STAT_REPEATS);
			return -1;
		}
	}
	if (over_budget(go_pid)) {
		lose_call(go_pid);
		return -1;
	}
	if (how & GT_CALL_MAYBE) {
		int sent = -1;

		r = get_rep();
		if (r)
			sent = send_chain(r->ip);
		if (sent == 0) {
			flags |= GT_SE_FILTERS;
		} else if (sent == -2 || !(how & GT_CALL_WANTED)) {
			/*
			 * Its filters were lost (or it matters only if they answered):
			 * without them the call could be put on the wrong cause, so the
			 * record is counted lost instead.
			 */
			lose_call(go_pid);
			return -1;
		}
		if (!(how & GT_CALL_WANTED))
			flags |= GT_SE_ONLY_FILTER;
	}
	if (how & GT_CALL_COMPAT)
		flags |= GT_SE_COMPAT;
	return flags;
}

/*
 * Build the record of a call admit_call() let through in scratch, and send
 * it. Its arguments, row and key are in rep_buf; report() has put its LSM
 * verdict in the record. Global: verified once.
 */
__noinline int send_syserr(__s64 ret, __u32 nr, __u32 go_pid, __u32 flags)
{
	struct task_struct *t = current_task();
	struct gt_rep_buf *r = get_rep();
	struct gt_scratch *s = get_scratch();
	struct gt_syscall_desc d;
	struct gt_syserr_event *e;
	__u32 off = 0;
	int i;

	if (!r || !s)
		return 0;
	d = r->desc;
	e = (void *)s->buf;
	fill_hdr(&e->hdr, GT_EV_SYSERR, t);
	fill_creds(&e->creds, t);
	e->go_pid = go_pid;
	e->nr = nr;
	e->ret = ret;
	for (i = 0; i < 6; i++)
		e->args[i] = r->raw[i];
	if (r->keyed) {
		e->rep = r->key;
		flags |= GT_SE_REPEATS;
	} else {
		__builtin_memset(&e->rep, 0, sizeof(e->rep));
	}
	e->path_len = e->dir_len = e->path2_len = e->dir2_len = e->fd_path = e->cg_len = 0;
	e->trunc = 0;
	e->limits.flags = flags;
	fill_limits(t, &e->limits);

	if (d.path_arg < 6)
		off = put_path(off, d.path_arg, d.dfd_arg, 0);
	if (d.path2_arg < 6)
		off = put_path(off, d.path2_arg, d.dfd2_arg, 1);
	if (d.fd_arg < 6 && !e->path_len)
		off = put_fd_path(off, d.fd_arg);
	if (d.kind == GT_SC_PROC)
		off = put_pids(off);
	stat_inc(GT_STAT_SYSERR);
	if (output(s, offsetof(struct gt_syserr_event, data) + off, GT_STAT_LOST_SYSERR) == 0) {
		/* sent: from now on its repeats are counted here */
		struct gt_rep_val zero = { .last_ns = bpf_ktime_get_boot_ns() };

		r = get_rep();
		if (r && r->keyed)
			bpf_map_update_elem(&repeats, &r->key, &zero, BPF_NOEXIST);
	} else {
		tree_lose(go_pid);	/* the ring buffer was full: output() counted it */
	}
	return 0;
}

/* A failed call of a Go process: what needs its registers and LSM state is read here. */
static __noinline int report(struct pt_regs *regs, long ret, const struct gt_proc *p,
			     struct lsm_state *ls)
{
	__u32 nr = BPF_CORE_READ(regs, GT_REG_NR), how;
	struct gt_syserr_event *e;
	struct gt_rep_buf *r;
	int i, flags;

	how = call_class(nr, -ret);
	if (!(how & (GT_CALL_WANTED | GT_CALL_MAYBE)))
		return 0;
	r = get_rep();
	e = get_record();
	if (!r || !e)
		return 0;
	/* unrolled: each read is one register's, not a table of addresses on the stack */
#pragma unroll
	for (i = 0; i < 6; i++)
		r->raw[i] = arg(regs, i, how & GT_CALL_COMPAT);
	r->ip = PT_REGS_IP_CORE(regs);
	/* an LSM refusal recorded in this very call (fexit, AVC): the same denial once */
	if (ls && ls->ts && ls->nr == (__s32)nr) {
		e->lsm = ls->info;
		how |= GT_CALL_LSM;
	} else {
		__builtin_memset(&e->lsm, 0, sizeof(e->lsm));
	}
	flags = admit_call(how, ret, nr, p->go_pid);
	if (flags < 0)
		return 0;
	return send_syserr(ret, nr, p->go_pid, flags);
}

/*
 * The hot path: every syscall of every task on the machine comes here, and
 * only here (one program per call). A successful call costs a compare (and
 * two loads when it wrote: to stderr?); a failed call of an untracked task
 * a few array loads more and no helper call (tree_proc()). Whether a seccomp
 * filter answered a call is not read from the call's path through the
 * kernel (no sys_enter hook, which every syscall of the machine would pay
 * for) but from the filters themselves, run by the daemon.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(gt_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 *ls_count = lsm_armed_count();
	struct lsm_state *ls = NULL;
	struct task_struct *t;
	struct gt_proc *p;

	/*
	 * Whatever the call's outcome, an LSM refusal recorded during it belongs
	 * to it alone (a permissive-mode AVC, a check the call survived).
	 */
	if (ls_count && *ls_count)
		ls = thread_state(&lsm_states, current_task(), false);
	if (ret >= 0) {
		__u32 nr;

		if (ret > 0 && stderr_write(regs, &nr))
			capture_stderr(regs, nr, ret);
		goto out;
	}
	/* -1..-GT_ERRNO_MAX only: ERESTARTSYS and friends are restarted, not failures */
	if (ret < -GT_ERRNO_MAX)
		goto out;
	p = tree_proc(regs, &t);
	if (!p)
		goto out;
	report(regs, ret, p, ls);
out:
	lsm_disarm(ls);
	return 0;
}
