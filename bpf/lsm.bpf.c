// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * LSM refusals, recorded per thread and attached by sys_exit to the failed
 * call they caused, so one denial is one finding whichever hooks saw it.
 * - tp_btf/selinux_audited: SELinux's own record (contexts, class, perms).
 * - fexit/security_{file_open,bprm_check,mmap_file}: the combined verdict of
 *   every LSM, where the kernel allows fexit. Where it does not, user space
 *   falls back to elimination (owner, mode, mounts and seccomp allow it).
 */
#include "gotraced.bpf.h"

static __always_inline struct lsm_state *pending(void)
{
	struct task_struct *t = current_task();
	struct lsm_state *s;

	if (!go_proc(t))
		return NULL;
	s = thread_state(&lsm_states, t, true);
	if (!s)
		return NULL;
	if (!s->ts) {
		/* sys_exit of this call clears it: tell it to look */
		__u64 *n = lsm_armed_count();

		__builtin_memset(&s->info, 0, sizeof(s->info));
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	s->nr = BPF_CORE_READ(task_regs(t), GT_REG_NR);
	s->ts = bpf_ktime_get_boot_ns();
	return s;
}

SEC("tp_btf/selinux_audited")
int BPF_PROG(gt_avc, struct selinux_audit_data *sad, char *scontext, char *tcontext,
	     const char *tclass)
{
	struct lsm_state *s;
	__u32 denied = BPF_CORE_READ(sad, denied);

	if (!denied)
		return 0;	/* an auditallow grant, not a refusal */
	/* a denial in permissive mode (or a permissive domain) allowed the access */
	if (bpf_core_field_exists(sad->result) && !BPF_CORE_READ(sad, result))
		return 0;
	s = pending();
	if (!s)
		return 0;
	s->info.have_avc = 1;
	s->info.denied = denied;
	s->info.requested = BPF_CORE_READ(sad, requested);
	bpf_probe_read_kernel_str(s->info.scontext, sizeof(s->info.scontext), scontext);
	bpf_probe_read_kernel_str(s->info.tcontext, sizeof(s->info.tcontext), tcontext);
	bpf_probe_read_kernel_str(s->info.tclass, sizeof(s->info.tclass), tclass);
	return 0;
}

static __always_inline int hook_ret(__u8 hook, int ret)
{
	struct lsm_state *s;

	if (!ret)
		return 0;
	s = pending();
	if (s) {
		s->info.hook = hook;
		s->info.ret = ret;
	}
	return 0;
}

SEC("fexit/security_file_open")
int BPF_PROG(gt_lsm_open, struct file *file, int ret)
{
	return hook_ret(GT_HOOK_FILE_OPEN, ret);
}

SEC("fexit/security_bprm_check")
int BPF_PROG(gt_lsm_exec, struct linux_binprm *bprm, int ret)
{
	return hook_ret(GT_HOOK_BPRM_CHECK, ret);
}

SEC("fexit/security_mmap_file")
int BPF_PROG(gt_lsm_mmap, struct file *file, unsigned long prot, unsigned long flags, int ret)
{
	return hook_ret(GT_HOOK_MMAP_FILE, ret);
}
