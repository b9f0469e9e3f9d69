// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "log.h"
#include "syscalls.h"
#include "proc.skel.h"
#include "syserr.skel.h"

/* Findings by default; the rest needs --all-errors. */
static const int finding_errnos[] = {
	EACCES, EPERM, EROFS, ENOSPC, EDQUOT, EMFILE, ENFILE, ENOMEM, EAGAIN, ETXTBSY,
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !gt_verbose)
		return 0;
	fputs("gotraced: libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static int fill_syscalls(struct gt_bpf *b)
{
	static struct gt_syscall_desc table[GT_NR_SYSCALLS];
	int fd = bpf_map__fd(b->syserr->maps.syscalls);

	gt_syscalls_fill(table);
	for (__u32 nr = 0; nr < GT_NR_SYSCALLS; nr++) {
		if (!table[nr].kind)
			continue;
		if (bpf_map_update_elem(fd, &nr, &table[nr], BPF_ANY))
			return -errno;
	}
	return 0;
}

static int explain(const char *what, int err)
{
	err = err < 0 ? err : -err;
	if (err == -EPERM || err == -EACCES)
		gt_err("%s: %s: run as root, or with CAP_BPF, CAP_PERFMON and "
		       "CAP_SYS_RESOURCE", what, strerror(-err));
	else
		gt_err("%s: %s", what, strerror(-err));
	return err;
}

int gt_bpf_start(struct gt_bpf *b, const struct gt_bpf_opts *o)
{
	struct syserr_bpf *se;
	struct proc_bpf *pr;
	int err;

	memset(b, 0, sizeof(*b));
	libbpf_set_print(libbpf_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		gt_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): gotraced needs a "
		       "kernel built with CONFIG_DEBUG_INFO_BTF=y");
		return -ENOENT;
	}

	pr = b->proc = proc_bpf__open();
	se = b->syserr = syserr_bpf__open();
	if (!pr || !se)
		return explain("opening the BPF objects", -errno);
	pr->rodata->targeted = o->targeted;
	se->rodata->targeted = o->targeted;
	se->rodata->all_errors = o->all_errors;
	for (size_t i = 0; i < sizeof(finding_errnos) / sizeof(finding_errnos[0]); i++) {
		int e = finding_errnos[i];

		se->rodata->errno_mask[e / 64] |= 1ULL << (e % 64);
	}

	err = proc_bpf__load(pr);
	if (err)
		return explain("loading the process tracker", err);
	/* one process table, ring buffer and set of counters for all objects */
	err = bpf_map__reuse_fd(se->maps.procs, bpf_map__fd(pr->maps.procs));
	err = err ?: bpf_map__reuse_fd(se->maps.events, bpf_map__fd(pr->maps.events));
	err = err ?: bpf_map__reuse_fd(se->maps.stats, bpf_map__fd(pr->maps.stats));
	if (err)
		return explain("sharing maps", err);
	err = syserr_bpf__load(se);
	if (err)
		return explain("loading the syscall-error tracer", err);
	err = fill_syscalls(b);
	if (err)
		return explain("filling the syscall table", err);

	err = proc_bpf__attach(pr);
	if (err)
		return explain("attaching the process tracker", err);
	err = syserr_bpf__attach(se);
	if (err)
		return explain("attaching the syscall-error tracer", err);
	b->events_fd = bpf_map__fd(pr->maps.events);
	return 0;
}

void gt_bpf_stop(struct gt_bpf *b)
{
	syserr_bpf__destroy(b->syserr);
	proc_bpf__destroy(b->proc);
	b->syserr = NULL;
	b->proc = NULL;
}

int gt_bpf_track(struct gt_bpf *b, pid_t pid, __u32 go_pid, __u32 flags)
{
	struct gt_proc p = { .go_pid = go_pid, .flags = flags };
	__u32 key = pid;

	if (bpf_map_update_elem(bpf_map__fd(b->proc->maps.procs), &key, &p, BPF_ANY))
		return -errno;
	return 0;
}

int gt_bpf_stats(struct gt_bpf *b, __u64 out[GT_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(b->proc->maps.stats);

	if (ncpu <= 0)
		return ncpu;
	__u64 vals[ncpu];

	for (__u32 k = 0; k < GT_STAT_MAX; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals))
			return -errno;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	return 0;
}
