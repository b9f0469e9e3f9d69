// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Who killed a Go process, and why: fatal signals sent to tracked processes
 * (signal_generate names the sender and, for SIGSYS from seccomp, the
 * syscall) and the OOM killer's choice (mark_victim, with the memory
 * cgroup and its limit). What it misses: a seccomp KILL_THREAD of one
 * thread, which exits without a signal.
 */
#include "gotraced.bpf.h"

#define SI_KERNEL	0x80
#define SIGSYS		31

/* Signals whose default action ends the process. */
static __always_inline bool fatal_by_default(int sig)
{
	switch (sig) {
	case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9:
	case 10: case 11: case 12: case 13: case 14: case 15: case 24: case 25:
	case 26: case 27: case 31:
		return true;
	}
	return false;
}

/* Does t's process catch or ignore sig (SIGKILL and SIGSTOP never are)? */
static __always_inline bool handled(struct task_struct *t, int sig)
{
	struct sighand_struct *sh = BPF_CORE_READ(t, sighand);
	void *h = NULL;

	if (!sh || sig < 1 || sig > 64)
		return false;
	bpf_core_read(&h, sizeof(h), &sh->action[(sig - 1) & 63].sa.sa_handler);
	return h != NULL;	/* SIG_DFL is 0 */
}

SEC("tp_btf/signal_generate")
int BPF_PROG(gt_signal, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur = current_task();
	struct gt_signal_event *e;
	struct gt_proc *p;

	if (!fatal_by_default(sig))
		return 0;
	p = go_proc(task);
	if (!p)
		return 0;
	e = reserve(sizeof(*e), GT_STAT_LOST_SIGNAL);
	if (!e)
		return 0;
	fill_hdr(&e->hdr, GT_EV_SIGNAL, task);
	e->hdr.size = sizeof(*e);
	e->go_pid = p->go_pid;
	e->sig = sig;
	e->result = result;
	e->syscall = -1;
	e->arch = 0;
	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are not pointers */
	if ((unsigned long)info <= 1) {
		e->code = info ? SI_KERNEL : 0;
	} else {
		e->code = BPF_CORE_READ(info, si_code);
		if (sig == SIGSYS) {
			e->syscall = BPF_CORE_READ(info, _sifields._sigsys._syscall);
			e->arch = BPF_CORE_READ(info, _sifields._sigsys._arch);
			/* told: the exit need not stand in for it (proc.bpf.c) */
			p->flags |= GT_PF_SIGSYS;
		}
	}
	/* caught or ignored (Go's runtime catches SIGPROF, SIGPIPE, SIGTERM...): not a
	 * kill by itself; user space lets the exit decide */
	e->flags = handled(task, sig) ? GT_SIG_HANDLED : 0;
	e->pad = 0;
		e->sender_pid = BPF_CORE_READ(cur, tgid);
	e->sender_tid = BPF_CORE_READ(cur, pid);
	bpf_probe_read_kernel_str(e->sender_comm, sizeof(e->sender_comm), cur->comm);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * mark_victim's arguments changed: (int pid) up to 6.7, (struct task_struct *,
 * uid_t) since. The loader keeps the program whose prototype matches.
 */
/* The memory cgroup of t, its limit and usage (CO-RE reads: any task pointer). */
static __always_inline void oom_memcg(struct gt_oom_event *e, struct task_struct *t)
{
	struct cgroup_subsys_state *css;

	e->mem_max = e->mem_usage = 0;
	e->cg_len = 0;
	css = BPF_CORE_READ(t, cgroups, subsys[bpf_core_enum_value(enum cgroup_subsys_id,
								    memory_cgrp_id)]);
	if (css) {
		struct mem_cgroup *mc = (void *)css;

		e->mem_max = BPF_CORE_READ(mc, memory.max) * 4096;
		e->mem_usage = BPF_CORE_READ(mc, memory.usage.counter) * 4096;
		e->cg_len = put_kn_path(BPF_CORE_READ(css, cgroup, kn), e->data);
	}
}

static __always_inline int oom_victim(struct task_struct *t)
{
	struct gt_oom_event *e;
	struct gt_scratch *s;
	struct gt_proc *p;
	__u32 off;

	p = go_proc(t);
	if (!p)
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	e = (void *)s->buf;
	fill_hdr(&e->hdr, GT_EV_OOM, t);
	e->go_pid = p->go_pid;
	oom_memcg(e, t);
	off = e->cg_len;
	output(s, sizeof(*e) + off, GT_STAT_LOST_SIGNAL);
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(gt_oom_task, struct task_struct *t)
{
	return oom_victim(t);
}

/*
 * Older kernels pass only the pid. The victim is most often the task whose
 * allocation hit the limit (a lone go, a compiler): its memory cgroup is
 * then the current task's. Otherwise user space looks the cgroup up.
 */
SEC("tp_btf/mark_victim")
int BPF_PROG(gt_oom_pid, int pid)
{
	struct gt_proc *p = bpf_map_lookup_elem(&procs, &pid);
	struct gt_oom_event *e;
	struct gt_scratch *s;
	struct task_struct *t;
	__u32 off;

	/* no task to check the start time against: the pid's entry it is */
	if (!p || !(p->flags & GT_PF_GO))
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	e = (void *)s->buf;
	__builtin_memset(e, 0, sizeof(*e));
	e->go_pid = p->go_pid;
	if ((bpf_get_current_pid_tgid() >> 32) == (__u32)pid) {
		t = (void *)bpf_get_current_task();
		fill_hdr(&e->hdr, GT_EV_OOM, t);
		oom_memcg(e, t);
	} else {
		e->hdr.type = GT_EV_OOM;
		e->hdr.pid = e->hdr.tid = pid;
		e->hdr.ts_ns = bpf_ktime_get_boot_ns();
	}
	off = e->cg_len;
	output(s, sizeof(*e) + off, GT_STAT_LOST_SIGNAL);
	return 0;
}
