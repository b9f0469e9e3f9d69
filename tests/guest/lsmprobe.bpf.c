// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Guest-test probe: can each mechanism gotraced might use for LSM denials
 * load, attach and see a real SELinux denial on this kernel? User space
 * loads every program on its own (one skeleton instance each, the others'
 * autoload off), so one refusal does not hide the others' results.
 *
 * All programs only count events of the probing process itself (target_tgid)
 * on the files it made for the test (inode numbers set before load).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lsmprobe.h"

#define EACCES 13
#define EPERM 1

const volatile __u32 target_tgid;
const volatile __u64 denied_ino;	/* SELinux label gt_denied_t */
const volatile __u64 lsmdeny_ino;	/* lsm/file_open refuses it itself */

struct result res;

static __always_inline bool ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/*
 * (a1) The AVC tracepoint through BTF: fires from the audit path of every
 * audited AVC decision (denials, auditallow), with the contexts as strings.
 * Silent under audit=0 and for dontaudit rules.
 */
SEC("tp_btf/selinux_audited")
int BPF_PROG(avc_btf, struct selinux_audit_data *sad, char *scontext, char *tcontext,
	     const char *tclass)
{
	if (!ours())
		return 0;
	res.hits++;
	if (!BPF_CORE_READ(sad, denied))
		return 0;
	res.denials++;
	res.denied = BPF_CORE_READ(sad, denied);
	res.ret = BPF_CORE_READ(sad, result);
	bpf_probe_read_kernel_str(res.scontext, sizeof(res.scontext), scontext);
	bpf_probe_read_kernel_str(res.tcontext, sizeof(res.tcontext), tcontext);
	bpf_probe_read_kernel_str(res.tclass, sizeof(res.tclass), tclass);
	return 0;
}

/* (a2) The same tracepoint, classic flavour (needs tracefs for its id). */
SEC("tracepoint/avc/selinux_audited")
int avc_tp(struct trace_event_raw_selinux_audited *ctx)
{
	__u32 loc;

	if (!ours())
		return 0;
	res.hits++;
	if (!BPF_CORE_READ(ctx, denied))
		return 0;
	res.denials++;
	res.denied = BPF_CORE_READ(ctx, denied);
	res.ret = BPF_CORE_READ(ctx, result);
	/* __data_loc: low 16 bits are the offset from the record's start */
	loc = BPF_CORE_READ(ctx, __data_loc_scontext);
	bpf_probe_read_kernel_str(res.scontext, sizeof(res.scontext), (void *)ctx + (loc & 0xffff));
	loc = BPF_CORE_READ(ctx, __data_loc_tcontext);
	bpf_probe_read_kernel_str(res.tcontext, sizeof(res.tcontext), (void *)ctx + (loc & 0xffff));
	loc = BPF_CORE_READ(ctx, __data_loc_tclass);
	bpf_probe_read_kernel_str(res.tclass, sizeof(res.tclass), (void *)ctx + (loc & 0xffff));
	return 0;
}

/*
 * (b) fexit on the LSM entry point: the combined verdict of every LSM for
 * an open, whichever module refused. Needs fentry/fexit (BPF trampolines).
 */
SEC("fexit/security_file_open")
int BPF_PROG(file_open_exit, struct file *file, int ret)
{
	__u64 ino;

	if (!ours())
		return 0;
	ino = BPF_CORE_READ(file, f_inode, i_ino);
	if (ino != denied_ino)
		return 0;
	res.hits++;
	res.ret = ret;
	if (ret == -EACCES)
		res.denials++;
	return 0;
}

/*
 * (c) BPF LSM hook. It runs in lsm= order; with selinux before bpf, a
 * SELinux denial stops the chain and this program never sees that open.
 * It refuses lsmdeny_ino itself to show that a BPF LSM can deny here.
 */
SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file, int ret)
{
	__u64 ino;

	if (!ours())
		return ret;
	ino = BPF_CORE_READ(file, f_inode, i_ino);
	if (ino == denied_ino) {
		res.hits++;
		res.denials++;
		return ret;
	}
	if (ino == lsmdeny_ino) {
		res.hits++;
		res.ret = ret;
		return ret ? ret : -EPERM;
	}
	return ret;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
