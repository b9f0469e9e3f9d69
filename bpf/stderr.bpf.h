/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What Go hides: the first bytes a helper of a go command (git, gcc,
 * pkg-config, a toolexec wrapper) writes to its stderr. Go often shows only
 * "exit status 128"; user space reports these bytes when the helper fails.
 * Read at sys_exit of a write(v) to fd 2 (gt_sys_exit, syserr.bpf.c): the
 * buffer is still in place and the return value says how much was written.
 * Not a tracepoint of its own: any syscall tracepoint makes every syscall
 * of the machine run the kernel's syscall-tracepoint probe.
 */
#ifndef GOTRACED_STDERR_BPF_H
#define GOTRACED_STDERR_BPF_H

#include "gotraced.bpf.h"

#if defined(__TARGET_ARCH_arm64)
#define GT_NR_WRITE	64
#define GT_NR_WRITEV	66
#define GT_REG_ARG0	orig_x0		/* x0 holds the return value by now */
#else
#define GT_NR_WRITE	1
#define GT_NR_WRITEV	20
#define GT_REG_ARG0	di
#endif

/* Bytes already sent per helper process; LRU: an entry outlives no one for long. */
struct stderr_seen {
	__u64 start_ns;		/* tells a reused pid apart */
	__u32 sent;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct stderr_seen);
} stderr_seen SEC(".maps");

/*
 * Was this successful call a write(v) to fd 2? Direct loads from the
 * tracepoint's registers: every successful syscall of the machine asks.
 */
static __always_inline bool stderr_write(struct pt_regs *regs, __u32 *nr)
{
	*nr = regs->GT_REG_NR;
	return (*nr == GT_NR_WRITE || *nr == GT_NR_WRITEV) && regs->GT_REG_ARG0 == 2;
}

static __always_inline void send_stderr(struct task_struct *t, const struct gt_proc *p,
					const void *buf, __u64 count)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	struct stderr_seen *s, ns = {};
	struct gt_stderr_event *e;
	__u64 start;
	__u64 n;	/* 64 bits: 6.1's verifier loses a 32-bit length's bounds ("R2 min value is negative") */

	/* helpers only: the go command's own stderr is what the user sees */
	if (!p->go_pid || p->go_pid == tgid || !count)
		return;
	start = BPF_CORE_READ(t, group_leader, start_boottime);
	s = bpf_map_lookup_elem(&stderr_seen, &tgid);
	if (!s || s->start_ns != start) {
		ns.start_ns = start;
		bpf_map_update_elem(&stderr_seen, &tgid, &ns, BPF_ANY);
		s = bpf_map_lookup_elem(&stderr_seen, &tgid);
		if (!s)
			return;
	}
	if (s->sent >= GT_STDERR_MAX)
		return;
	n = GT_STDERR_MAX - s->sent;
	if (count < n)
		n = count;
	e = reserve(sizeof(*e), GT_STAT_LOST_STDERR);
	if (!e)
		return;
	fill_hdr(&e->hdr, GT_EV_STDERR, t);
	e->hdr.size = sizeof(*e);
	e->go_pid = p->go_pid;
	barrier_var(n);
	if (n > GT_STDERR_MAX)
		n = GT_STDERR_MAX;
	if (bpf_probe_read_user(e->data, n, buf))
		n = 0;
	e->len = n;
	s->sent += n;
	bpf_ringbuf_submit(e, 0);
}

/* A helper's write(v) to fd 2 returned written > 0 bytes: keep the first of them. */
static __noinline void capture_stderr(struct pt_regs *regs, __u32 nr, long written)
{
	struct task_struct *t;
	struct gt_proc *p;
	struct iovec iov;

	p = tree_proc(regs, &t);
	if (!p)
		return;
	if (call_arch(t) == AUDIT_ARCH_I386)
		return;	/* a 32-bit call: other numbers, other registers */
	if (nr == GT_NR_WRITE) {
		send_stderr(t, p, (const void *)BPF_CORE_READ(regs, GT_REG_ARG1), written);
		return;
	}
	/* writev: the first iovec only; stdio and git write messages as one piece */
	if (bpf_probe_read_user(&iov, sizeof(iov), (void *)BPF_CORE_READ(regs, GT_REG_ARG1)))
		return;
	send_stderr(t, p, iov.iov_base, iov.iov_len < (__u64)written ? iov.iov_len : written);
}

#endif /* GOTRACED_STDERR_BPF_H */
