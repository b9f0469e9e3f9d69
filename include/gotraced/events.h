/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI shared by the BPF programs and the daemon: event records sent
 * through the ring buffer and the values of the maps user space fills.
 * Fixed-width types only. Event type numbers are never renumbered.
 */
#ifndef GOTRACED_EVENTS_H
#define GOTRACED_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define GT_PATH_MAX	4096	/* one path, NUL included */
#define GT_ARGV_MAX	2048	/* argv block copied at exec */
#define GT_ENV_MAX	4096	/* the Go-relevant variables kept from environ */
#define GT_ENV_VAR_MAX	1024	/* one NAME=value considered */
#define GT_COMM_LEN	16
#define GT_NGROUPS	16	/* supplementary groups copied with the creds */
/* The highest errno (EHWPOISON). A syscall returning below -GT_ERRNO_MAX left
 * with one of the kernel's internal codes (ERESTARTSYS 512...): not a failure. */
#define GT_ERRNO_MAX	133
#define GT_TICK_NS	10000000ULL	/* USER_HZ 100: /proc/PID/stat's start time unit */

enum gt_event_type {
	GT_EV_EXEC	= 1,	/* a tracked task ran execve */
	GT_EV_EXIT	= 2,	/* a tracked process ended */
	GT_EV_SYSERR	= 3,	/* a tracked task's syscall failed */
	GT_EV_FORK	= 4,	/* a tracked process forked a new process */
	GT_EV_SIGNAL	= 5,	/* a fatal signal was sent to a tracked process */
	GT_EV_OOM	= 6,	/* the OOM killer chose a tracked process */
	GT_EV_SFILTER	= 7,	/* one seccomp filter of a task, before its GT_EV_SYSERR */
	GT_EV_STDERR	= 8,	/* a helper of a go command wrote to its stderr */
};

/* gt_proc.flags */
#define GT_PF_SCOPE	(1u << 0)	/* descendant of a --pid / run-mode root */
#define GT_PF_GO	(1u << 1)	/* inside a Go toolchain tree: its errors count */
#define GT_PF_SIGSYS	(1u << 2)	/* a seccomp SIGSYS was seen at signal_generate */

/*
 * Per-process state in the kernel, keyed by tgid. With start_ns the entry
 * names one process, not a pid: an entry whose process is gone (the start-up
 * /proc scan can race with an exit) is never taken for the pid's next owner.
 */
struct gt_proc {
	__u32 go_pid;		/* tgid of the `go` command this belongs to, 0 if none */
	__u32 flags;		/* GT_PF_* */
	__u64 start_ns;		/* group leader's start_boottime; from /proc, the start of its tick */
};

/* How the arguments of a syscall are read; one per syscall number. */
enum gt_sc_kind {
	GT_SC_NONE	= 0,	/* not traced */
	GT_SC_PATH	= 1,	/* takes one or two paths */
	GT_SC_FD	= 2,	/* acts on an fd: report the fd's path */
	GT_SC_PROC	= 3,	/* creates a process or thread: EAGAIN matters */
	GT_SC_NEWFD	= 4,	/* creates a file descriptor: EMFILE/ENFILE matter */
	GT_SC_OTHER	= 5,	/* anything else (--all-errors) */
	GT_SC_LIMIT	= 6,	/* sets a resource limit: EPERM is a raised hard limit */
};

#define GT_ARG_NONE	0xff
#define GT_AT_FDCWD	(-100)

struct gt_syscall_desc {
	__u8 kind;		/* enum gt_sc_kind */
	__u8 path_arg;		/* argument index of the path, GT_ARG_NONE if none */
	__u8 dfd_arg;		/* argument index of its dirfd, GT_ARG_NONE: relative to cwd */
	__u8 path2_arg;		/* second path (rename, link, symlink) */
	__u8 dfd2_arg;
	__u8 fd_arg;		/* fd whose path to report (GT_SC_FD, mmap) */
	__u8 pad[2];
};

#define GT_NR_SYSCALLS	512

/* Every record starts with this header. */
struct gt_hdr {
	__u16 type;		/* enum gt_event_type */
	__u16 size;		/* bytes of the whole record */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;		/* tgid of the real parent */
	__u64 ts_ns;		/* bpf_ktime_get_boot_ns() */
	__u64 start_ns;		/* process start (boot ns): pid + start is unique */
	__u32 mntns;		/* mount namespace inode: whose mount table applies */
	__u32 ns_pid;		/* tgid in the task's own pid namespace (== pid on the host) */
	char comm[GT_COMM_LEN];
};

struct gt_creds {
	__u32 uid, gid, euid, egid, fsuid, fsgid;
	__u32 ngroups;		/* total supplementary groups; at most GT_NGROUPS copied */
	__u32 groups[GT_NGROUPS];
};

/*
 * Exec of a tracked process. data holds, back to back:
 * exe path (NUL-terminated, absolute, from the file executed),
 * argv block (argv_len bytes of NUL-separated strings),
 * env block (env_len bytes: only the Go-relevant NAME=value strings).
 */
struct gt_exec_event {
	struct gt_hdr hdr;
	__u32 go_pid;
	__u32 flags;		/* GT_PF_* of the process after this exec */
	__u16 exe_len;		/* including NUL */
	__u16 argv_len;
	__u16 env_len;
	__u16 argv_truncated;	/* 1 if argv was longer than GT_ARGV_MAX */
	__u32 env_scanned;	/* environment strings looked at */
	__u32 env_dropped;	/* Go-relevant strings that did not fit */
	struct gt_creds creds;
	__u32 pad;
	char data[];
};

struct gt_fork_event {
	struct gt_hdr hdr;	/* pid/comm of the new process */
	__u32 go_pid;
	__u32 flags;
};

/*
 * End of a tracked process. exit_code is the wait status as the parent
 * sees it: (status << 8) for exit(status), or the signal number in the
 * low 7 bits (0x80 set when it dumped core).
 */
struct gt_exit_event {
	struct gt_hdr hdr;
	__u32 go_pid;
	__u32 exit_code;
};

/* gt_limits.flags */
#define GT_SE_SKIPPED	(1u << 0)	/* a seccomp filter answered the call (set by the daemon) */
#define GT_SE_NNP	(1u << 1)	/* no_new_privs is set (required by Landlock and filters) */
#define GT_SE_PTRACED	(1u << 2)	/* under ptrace: skipped calls prove nothing */
#define GT_SE_PAIRED	(1u << 3)	/* whether a filter answered is known (the daemon ran them) */
#define GT_SE_FILTERS	(1u << 4)	/* the task's filters were sent just before (GT_EV_SFILTER) */
#define GT_SE_ONLY_FILTER (1u << 5)	/* sent only in case a filter answered: drop it otherwise */
#define GT_SE_REPEATS	(1u << 6)	/* rep is valid: its repeats are counted in the kernel */
#define GT_SE_COMPAT	(1u << 7)	/* a 32-bit call (x86-64: ia32): nr and args of that table */

#define GT_SF_CHAIN_MAX	8	/* filters of a chain sent; a deeper chain is not judged */
#define GT_SF_INSNS_MAX	4080	/* of one filter (the kernel takes 4096): a record fits a per-CPU 32 KiB */

/*
 * One filter of the seccomp chain of a task whose failed call a filter may
 * have answered (a call its filters do not always allow), sent right before
 * that call's GT_EV_SYSERR record (same tid): index 0 is the newest filter,
 * the one the kernel runs first. The kernel keeps each filter's classic BPF
 * program (with CONFIG_CHECKPOINT_RESTORE); the daemon runs the chain on
 * the call's seccomp_data (nr, arch, ip, args) to tell whether it answered.
 */
struct gt_sfilter_event {
	struct gt_hdr hdr;
	__u64 ip;		/* the call's instruction pointer (seccomp_data) */
	__u32 arch;		/* its AUDIT_ARCH_* */
	__u16 index;		/* position in the chain, 0 = newest */
	__u16 count;		/* filters in the chain, all sent */
	__u32 len;		/* struct sock_filter instructions that follow, 8 bytes each */
	__u32 pad;
	__u64 insns[];
};

#define GT_PIDS_MAX	(4194304 + 1)	/* pids.max "max" */

/* Limits and sandbox state of the task at the failed call. */
struct gt_limits {
	__u64 nofile_cur, nofile_max;	/* RLIMIT_NOFILE */
	__u64 nproc_cur;		/* RLIMIT_NPROC */
	__u64 as_cur;			/* RLIMIT_AS */
	__s64 pids_max, pids_cur;	/* the pids cgroup nearest its limit, -1 if none */
	__u32 seccomp_mode;		/* 0 none, 1 strict, 2 filter */
	__u32 flags;			/* GT_SE_* */
};

/*
 * What makes a failed call a repeat of one already sent (bpf/syserr.bpf.c),
 * so that the kernel counts it instead of sending it again: the same
 * process, call, errno and credentials, the same path bytes resolved from
 * the same directory, the same fd's file, limit and sandbox flags, and,
 * when a seccomp filter may have answered, the same seccomp_data and filter
 * chain (a classic BPF filter is a function of those alone). Kernel
 * addresses stand for objects that do not change while referenced (a
 * struct cred is replaced, never changed). The key of "repeats" map.
 */
struct gt_rep_key {
	__u32 tgid;
	__s32 nr;
	__u64 start_ns;		/* the process's start: pid + start is unique */
	__s64 ret;
	__u64 cred;		/* struct cred * */
	__u32 mntns;		/* mount namespace inode */
	__u32 flags;		/* seccomp mode, no_new_privs, ptraced */
	__u64 fd_file;		/* struct file * of the fd argument, 0 if none */
	__u64 path_hash;	/* the path's bytes and its directory (dentry, mount) */
	__u64 path2_hash;
	__u64 filter;		/* newest seccomp filter when one may answer, else 0 */
	__u64 ip;		/* with filter: the call's instruction pointer */
	__u64 args[6];		/* with filter: all arguments; else all but the paths' */
	__u64 nofile_cur;	/* RLIMIT_NOFILE */
};

/* Repeats of a record counted in the kernel, read (and at its exit removed) by the daemon. */
struct gt_rep_val {
	__u64 count;		/* calls after the one sent */
	__u64 last_ns;		/* bpf_ktime_get_boot_ns() of the last one */
};

/*
 * Failed calls of a tree counted lost (no record tells them), keyed by its go
 * command's pid; read and removed by the daemon when that go command ends.
 */
struct gt_tree_lost {
	__u64 start_ns;		/* the go command's procs entry start_ns */
	__u64 count;
};

/* Which LSM check refused, seen by fexit (the combined verdict of all LSMs). */
enum gt_lsm_hook {
	GT_HOOK_NONE = 0,
	GT_HOOK_FILE_OPEN = 1,		/* security_file_open */
	GT_HOOK_BPRM_CHECK = 2,		/* security_bprm_check (exec) */
	GT_HOOK_MMAP_FILE = 3,		/* security_mmap_file */
};

#define GT_CTX_MAX	128	/* SELinux context kept per side */
#define GT_TCLASS_MAX	32

/* An LSM refusal seen during the failed call, if any. */
struct gt_lsm_info {
	__u8 hook;		/* enum gt_lsm_hook, from fexit */
	__u8 have_avc;		/* an SELinux AVC denial was audited */
	__u16 pad;
	__s32 ret;		/* the hook's return value */
	__u32 denied;		/* AVC: denied permission bits of tclass */
	__u32 requested;
	char tclass[GT_TCLASS_MAX];
	char scontext[GT_CTX_MAX];
	char tcontext[GT_CTX_MAX];
};

/*
 * A failed syscall. data holds path (path_len bytes, NUL included), then
 * the directory it is relative to (dir_len, 0 when path is absolute or
 * absent), then the second path and its directory.
 */
struct gt_syserr_event {
	struct gt_hdr hdr;
	__u32 go_pid;
	__s32 nr;		/* syscall number (orig_ax) */
	__s64 ret;		/* negative errno */
	__u64 args[6];
	struct gt_creds creds;
	__u16 path_len;
	__u16 dir_len;
	__u16 path2_len;
	__u16 dir2_len;
	__u16 fd_path;		/* 1 when path was resolved from an fd */
	__u16 cg_len;		/* pids cgroup path (after dir2), for EAGAIN on clone */
	__u16 trunc;		/* GT_TRUNC_*: which walked paths lost their head */
	__u16 pad[3];
	struct gt_limits limits;
	struct gt_lsm_info lsm;
	struct gt_rep_key rep;	/* with GT_SE_REPEATS: the key its repeats are counted under */
	char data[];
};

/* gt_walk results: a path deeper than GT_PATH_MAX keeps its tail */
#define GT_TRUNC_DIR	(1u << 0)	/* dir (or the fd's path) */
#define GT_TRUNC_DIR2	(1u << 1)

/* gt_signal_event.flags */
#define GT_SIG_HANDLED	(1u << 0)	/* the target had a handler (or SIG_IGN) when it was sent */

/* A fatal-by-default signal sent to a tracked process: who sent it and why. */
struct gt_signal_event {
	struct gt_hdr hdr;	/* the target */
	__u32 go_pid;
	__s32 sig;
	__s32 code;		/* si_code: SI_USER 0, SI_KERNEL 0x80, SYS_SECCOMP 1 for SIGSYS */
	__s32 syscall;		/* SIGSYS from seccomp: the syscall refused */
	__u32 arch;		/* its AUDIT_ARCH_* */
	__s32 result;		/* TRACE_SIGNAL_DELIVERED 0, IGNORED 1, ALREADY_PENDING 2 ... */
	__u32 sender_pid;	/* tgid of current when sent (0 for the kernel itself) */
	__u32 sender_tid;
	char sender_comm[GT_COMM_LEN];
	__u32 flags;		/* GT_SIG_* */
	__u32 pad;
};

/* The OOM killer's victim, with its memory cgroup. data: the cgroup path (cg_len). */
struct gt_oom_event {
	struct gt_hdr hdr;	/* the victim */
	__u32 go_pid;
	__u32 cg_len;
	__u64 mem_max;		/* bytes, the memory cgroup's limit (0 unknown) */
	__u64 mem_usage;	/* bytes in use at the kill */
	char data[];
};

/*
 * The first GT_STDERR_MAX bytes a helper process of a go command (git, gcc,
 * pkg-config, a toolexec wrapper: not the go command itself) writes to fd 2,
 * one record per write, what the go command hides when the helper fails.
 */
#define GT_STDERR_MAX	512

struct gt_stderr_event {
	struct gt_hdr hdr;
	__u32 go_pid;
	__u32 len;		/* bytes of data */
	char data[GT_STDERR_MAX];
};

/* Sizes the BPF and host compilers must agree on. */
_Static_assert(sizeof(struct gt_hdr) == 56, "gt_hdr layout");
_Static_assert(sizeof(struct gt_creds) == 92, "gt_creds layout");
_Static_assert(sizeof(struct gt_syscall_desc) == 8, "gt_syscall_desc layout");
_Static_assert(sizeof(struct gt_exec_event) == 176, "gt_exec_event layout");
_Static_assert(sizeof(struct gt_rep_key) == 136, "gt_rep_key layout");
_Static_assert(sizeof(struct gt_tree_lost) == 16, "gt_tree_lost layout");
_Static_assert(sizeof(struct gt_syserr_event) == 728, "gt_syserr_event layout");

/* Counters in the per-CPU "stats" array. */
enum gt_stat {
	GT_STAT_LOST = 0,	/* records the ring buffer had no room for */
	GT_STAT_LOST_SYSERR,	/* of which failed-syscall records */
	GT_STAT_LOST_EXEC,
	GT_STAT_LOST_EXIT,
	GT_STAT_PROCS_FULL,	/* processes not tracked: the table was full */
	GT_STAT_SYSERR,		/* failed syscalls of Go trees sent */
	GT_STAT_LOST_SIGNAL,
	GT_STAT_LOST_STDERR,	/* helper stderr records the ring buffer had no room for */
	GT_STAT_REPEATS,	/* failed calls counted in the kernel as repeats, not sent */
	GT_STAT_MAX,
};

#endif /* GOTRACED_EVENTS_H */
