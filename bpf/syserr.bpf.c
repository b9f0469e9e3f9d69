// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Failed syscalls of tasks in Go trees, read at sys_exit: the return value
 * gives the errno and the saved registers still hold the arguments, so one
 * hook sees every refusal, including calls a seccomp filter failed before
 * sys_enter. What it misses: errors a syscall reports other than through
 * its return value (a short write), and arguments the call itself changed.
 */
#include "gotraced.bpf.h"

#define EAGAIN	11

const volatile __u64 errno_mask[4] = {};	/* errnos that are findings (bit = errno) */
const volatile __u32 all_errors = 0;		/* --all-errors: every syscall, every errno */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GT_NR_SYSCALLS);
	__type(key, __u32);
	__type(value, struct gt_syscall_desc);
} syscalls SEC(".maps");

static __always_inline __u64 arg(struct pt_regs *r, int i)
{
	switch (i) {
	case 0: return BPF_CORE_READ(r, di);
	case 1: return BPF_CORE_READ(r, si);
	case 2: return BPF_CORE_READ(r, dx);
	case 3: return BPF_CORE_READ(r, r10);
	case 4: return BPF_CORE_READ(r, r8);
	case 5: return BPF_CORE_READ(r, r9);
	}
	return 0;
}

/* Directory a relative path is resolved against: cwd, or the dirfd's file. */
static __noinline int dir_of(struct task_struct *t, int dfd, char *dst)
{
	struct file *f;

	if (dfd == GT_AT_FDCWD)
		return put_walked(&t->fs->pwd, dst);
	f = fd_file(t, dfd);
	if (!f)
		return 0;
	return put_walked(&f->f_path, dst);
}

/*
 * Append path argument `pi` (and, for a relative one, its directory) at
 * data offset off. Returns the new offset; lengths go to *plen and *dlen.
 */
static __always_inline __u32 put_path(struct gt_scratch *s, struct task_struct *t,
				      const struct gt_syserr_event *e, char *data, __u32 off,
				      __u8 pi, __u8 di, __u16 *plen, __u16 *dlen)
{
	char *dst = &data[off & GT_DATA_MASK];
	long n;
	int dfd;

	n = bpf_probe_read_user_str(dst, GT_PATH_MAX, (void *)e->args[pi & 7]);
	if (n <= 0)
		return off;
	*plen = n;
	off += n;
	if (dst[0] == '/')
		return off;
	dfd = di < 6 ? (int)e->args[di & 7] : GT_AT_FDCWD;
	n = dir_of(t, dfd, &data[off & GT_DATA_MASK]);
	*dlen = n;
	return off + n;
}

static __noinline int report(struct pt_regs *regs, long ret, const struct gt_proc *p)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 err = -ret, nr = regs->orig_ax, off = 0;
	struct gt_syscall_desc *d, other = { .kind = GT_SC_OTHER, .path_arg = GT_ARG_NONE,
					      .path2_arg = GT_ARG_NONE, .fd_arg = GT_ARG_NONE };
	struct gt_syserr_event *e;
	struct gt_scratch *s;
	char *data;
	int i;

	if (!all_errors && !(errno_mask[(err >> 6) & 3] & (1ULL << (err & 63))))
		return 0;
	d = bpf_map_lookup_elem(&syscalls, &nr);
	if (!d || d->kind == GT_SC_NONE) {
		if (!all_errors)
			return 0;
		d = &other;
	}
	/* EAGAIN is a finding only where a process or thread is created */
	if (err == EAGAIN && d->kind != GT_SC_PROC && !all_errors)
		return 0;

	s = get_scratch();
	if (!s)
		return 0;
	e = (void *)s->buf;
	data = e->data;
	fill_hdr(&e->hdr, GT_EV_SYSERR, t);
	fill_creds(&e->creds, t);
	e->go_pid = p->go_pid;
	e->nr = nr;
	e->ret = ret;
	for (i = 0; i < 6; i++)
		e->args[i] = arg(regs, i);
	e->path_len = e->dir_len = e->path2_len = e->dir2_len = e->fd_path = 0;

	if (d->path_arg < 6)
		off = put_path(s, t, e, data, off, d->path_arg, d->dfd_arg, &e->path_len,
			       &e->dir_len);
	if (d->path2_arg < 6)
		off = put_path(s, t, e, data, off, d->path2_arg, d->dfd2_arg, &e->path2_len,
			       &e->dir2_len);
	if (d->fd_arg < 6 && !e->path_len) {
		struct file *f = fd_file(t, (int)e->args[d->fd_arg & 7]);

		if (f) {
			e->path_len = put_walked(&f->f_path, &data[off & GT_DATA_MASK]);
			e->fd_path = 1;
			off += e->path_len;
		}
	}
	stat_inc(GT_STAT_SYSERR);
	output(s, offsetof(struct gt_syserr_event, data) + off, GT_STAT_LOST_SYSERR);
	return 0;
}

/*
 * The hot path: every syscall of every task on the machine comes here.
 * Successful calls cost one compare; failed calls of untracked processes
 * one hash lookup.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(gt_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tgid;
	struct gt_proc *p;

	if (ret >= 0 || ret < -4095)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || !(p->flags & GT_PF_GO))
		return 0;
	return report(regs, ret, p);
}
