// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What Go hides: the first bytes a helper of a go command (git, gcc,
 * pkg-config, a toolexec wrapper) writes to its stderr. Go often shows only
 * "exit status 128"; user space reports these bytes when the helper fails.
 * The per-syscall write tracepoints fire for write(v) calls only; a call
 * to another fd than 2 or from an untracked process returns at once.
 */
#include "gotraced.bpf.h"

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

static __always_inline int capture(const void *buf, __u64 count)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct task_struct *t = current_task();	/* 5.10: no BTF task (has_task_btf) */
	struct gt_proc *p = go_proc(t);
	struct stderr_seen *s, ns = {};
	struct gt_stderr_event *e;
	__u64 start;
	__u64 n;	/* 64 bits: 6.1's verifier loses a 32-bit length's bounds ("R2 min value is negative") */

	/* helpers only: the go command's own stderr is what the user sees */
	if (!p || !p->go_pid || p->go_pid == tgid || !count)
		return 0;
	start = BPF_CORE_READ(t, group_leader, start_boottime);
	s = bpf_map_lookup_elem(&stderr_seen, &tgid);
	if (!s || s->start_ns != start) {
		ns.start_ns = start;
		bpf_map_update_elem(&stderr_seen, &tgid, &ns, BPF_ANY);
		s = bpf_map_lookup_elem(&stderr_seen, &tgid);
		if (!s)
			return 0;
	}
	if (s->sent >= GT_STDERR_MAX)
		return 0;
	n = GT_STDERR_MAX - s->sent;
	if (count < n)
		n = count;
	e = reserve(sizeof(*e), GT_STAT_LOST_STDERR);
	if (!e)
		return 0;
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
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int gt_stderr_write(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[0] != 2)
		return 0;
	return capture((const void *)ctx->args[1], ctx->args[2]);
}

/* Only the first iovec: stdio and git write messages as one piece. */
SEC("tracepoint/syscalls/sys_enter_writev")
int gt_stderr_writev(struct trace_event_raw_sys_enter *ctx)
{
	struct iovec iov;

	if (ctx->args[0] != 2 || !ctx->args[2])
		return 0;
	if (bpf_probe_read_user(&iov, sizeof(iov), (void *)ctx->args[1]))
		return 0;
	return capture(iov.iov_base, iov.iov_len);
}
