// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "syscalls.h"

#define N GT_ARG_NONE

/* name, kind, path, dirfd, path2, dirfd2, fd */
static const struct {
	const char *name;
	struct gt_syscall_desc d;
} traced[] = {
	{ "open",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "openat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "openat2",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "creat",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "mkdir",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "mkdirat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "mknod",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "mknodat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "execve",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "execveat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "unlink",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "unlinkat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "rmdir",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "rename",	{ GT_SC_PATH, 0, N, 1, N, N } },
	{ "renameat",	{ GT_SC_PATH, 1, 0, 3, 2, N } },
	{ "renameat2",	{ GT_SC_PATH, 1, 0, 3, 2, N } },
	{ "link",	{ GT_SC_PATH, 0, N, 1, N, N } },
	{ "linkat",	{ GT_SC_PATH, 1, 0, 3, 2, N } },
	/* the link (the second path) is what is created: the one refused */
	{ "symlink",	{ GT_SC_PATH, 0, N, 1, N, N } },
	{ "symlinkat",	{ GT_SC_PATH, 0, N, 2, 1, N } },
	{ "chmod",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "fchmodat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "fchmodat2",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "chown",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "lchown",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "fchownat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "truncate",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "access",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "faccessat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "faccessat2",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "statx",	{ GT_SC_PATH, 1, 0, N, N, N } },
	/* how execvp-style searches (Go's exec.LookPath) probe each PATH directory */
	{ "stat",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "lstat",	{ GT_SC_PATH, 0, N, N, N, N } },
	{ "newfstatat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	{ "utimensat",	{ GT_SC_PATH, 1, 0, N, N, N } },
	/* calls on an open file: the file's path is reported */
	{ "mmap",	{ GT_SC_FD, N, N, N, N, 4 } },
	{ "write",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "pwrite64",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "writev",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "pwritev",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "fallocate",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "ftruncate",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "fsync",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "fdatasync",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "copy_file_range", { GT_SC_FD, N, N, N, N, 2 } },
	{ "fchmod",	{ GT_SC_FD, N, N, N, N, 0 } },
	{ "fchown",	{ GT_SC_FD, N, N, N, N, 0 } },
	/* process and thread creation: EAGAIN is a pids or RLIMIT_NPROC limit */
	{ "clone",	{ GT_SC_PROC, N, N, N, N, N } },
	{ "clone3",	{ GT_SC_PROC, N, N, N, N, N } },
	{ "fork",	{ GT_SC_PROC, N, N, N, N, N } },
	{ "vfork",	{ GT_SC_PROC, N, N, N, N, N } },
	/* descriptor creators: EMFILE and ENFILE */
	{ "pipe",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "pipe2",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "dup",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "dup2",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "dup3",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "fcntl",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "socket",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "socketpair",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "accept",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "accept4",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "epoll_create", { GT_SC_NEWFD, N, N, N, N, N } },
	{ "epoll_create1", { GT_SC_NEWFD, N, N, N, N, N } },
	{ "eventfd",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "eventfd2",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "inotify_init", { GT_SC_NEWFD, N, N, N, N, N } },
	{ "inotify_init1", { GT_SC_NEWFD, N, N, N, N, N } },
	{ "memfd_create", { GT_SC_NEWFD, N, N, N, N, N } },
	{ "timerfd_create", { GT_SC_NEWFD, N, N, N, N, N } },
	{ "signalfd4",	{ GT_SC_NEWFD, N, N, N, N, N } },
	{ "pidfd_open",	{ GT_SC_NEWFD, N, N, N, N, N } },
	/* EPERM: a hard limit raised without CAP_SYS_RESOURCE (args read in handlers.c) */
	{ "setrlimit",	{ GT_SC_LIMIT, N, N, N, N, N } },
	{ "prlimit64",	{ GT_SC_LIMIT, N, N, N, N, N } },
};

/* The 32-bit names of traced calls (ia32): same arguments, other spellings. */
static const struct {
	const char *name, *as;
} compat_names[] = {
	{ "stat64", "stat" }, { "lstat64", "lstat" }, { "fstatat64", "newfstatat" },
	{ "truncate64", "truncate" }, { "ftruncate64", "ftruncate" }, { "chown32", "chown" },
	{ "lchown32", "lchown" }, { "fchown32", "fchown" }, { "fcntl64", "fcntl" },
	{ "mmap2", "mmap" },
};

static int fill_arch(struct gt_syscall_desc table[GT_NR_SYSCALLS], uint32_t arch, bool compat)
{
	int n = 0;

	memset(table, 0, sizeof(*table) * GT_NR_SYSCALLS);
	for (size_t i = 0; i < sizeof(traced) / sizeof(traced[0]); i++) {
		int nr = seccomp_syscall_resolve_name_arch(arch, traced[i].name);

		/* absent on this architecture (open, fork... on arm64) */
		if (nr < 0 || nr >= GT_NR_SYSCALLS)
			continue;
		table[nr] = traced[i].d;
		n++;
	}
	for (size_t i = 0; compat && i < sizeof(compat_names) / sizeof(compat_names[0]); i++) {
		int nr = seccomp_syscall_resolve_name_arch(arch, compat_names[i].name);

		if (nr < 0 || nr >= GT_NR_SYSCALLS)
			continue;
		for (size_t j = 0; j < sizeof(traced) / sizeof(traced[0]); j++)
			if (!strcmp(traced[j].name, compat_names[i].as)) {
				table[nr] = traced[j].d;
				n++;
			}
	}
	return n;
}

int gt_syscalls_fill(struct gt_syscall_desc table[GT_NR_SYSCALLS])
{
	return fill_arch(table, SCMP_ARCH_NATIVE, false);
}

int gt_syscalls_fill_compat(struct gt_syscall_desc table[GT_NR_SYSCALLS])
{
#if defined(__x86_64__)
	return fill_arch(table, SCMP_ARCH_X86, true);
#else
	memset(table, 0, sizeof(*table) * GT_NR_SYSCALLS);
	return 0;
#endif
}

const char *gt_syscall_name_abi(int nr, bool compat, char *buf, size_t size)
{
	char *name;

#if defined(__x86_64__)
	name = seccomp_syscall_resolve_num_arch(compat ? SCMP_ARCH_X86 : SCMP_ARCH_NATIVE, nr);
#else
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
#endif
	if (name) {
		snprintf(buf, size, "%s", name);
		free(name);
	} else {
		snprintf(buf, size, "syscall_%d", nr);
	}
	return buf;
}

const char *gt_syscall_name(int nr, char *buf, size_t size)
{
	return gt_syscall_name_abi(nr, false, buf, size);
}

int gt_syscall_kind_abi(int nr, bool compat)
{
	static struct gt_syscall_desc table[2][GT_NR_SYSCALLS];
	static int filled[2];

	if (!filled[compat]) {
		if (compat)
			gt_syscalls_fill_compat(table[1]);
		else
			gt_syscalls_fill(table[0]);
		filled[compat] = 1;
	}
	if (nr < 0 || nr >= GT_NR_SYSCALLS)
		return GT_SC_NONE;
	return table[compat][nr].kind;
}

int gt_syscall_kind(int nr)
{
	return gt_syscall_kind_abi(nr, false);
}
