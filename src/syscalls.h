/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The syscalls gotraced reads, by name; numbers come from libseccomp. */
#ifndef GT_SYSCALLS_H
#define GT_SYSCALLS_H

#include <gotraced/events.h>

#include <stdbool.h>
#include <stddef.h>

/* Fill table[nr] for every traced syscall of the native architecture. Returns how many. */
int gt_syscalls_fill(struct gt_syscall_desc table[GT_NR_SYSCALLS]);

/*
 * The same for the 32-bit calls a 64-bit kernel also takes (x86-64: the ia32
 * table, int 0x80 / sysenter of a GOARCH=386 binary); 0 where there are none.
 */
int gt_syscalls_fill_compat(struct gt_syscall_desc table[GT_NR_SYSCALLS]);

/* Name of syscall nr on the native architecture, "syscall_<nr>" if unknown. */
const char *gt_syscall_name(int nr, char *buf, size_t size);

/* Kind of syscall nr (enum gt_sc_kind), GT_SC_NONE when not traced. */
int gt_syscall_kind(int nr);

/* Both, for a 32-bit (compat) call when compat is set. */
const char *gt_syscall_name_abi(int nr, bool compat, char *buf, size_t size);
int gt_syscall_kind_abi(int nr, bool compat);

#endif
