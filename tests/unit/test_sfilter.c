// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The user-space seccomp interpreter against the kernel itself: filters
 * built by libseccomp or by hand are run by gt_sf_chain_run and installed
 * in a child (no_new_privs, no root needed), and both must give the same
 * answer for the same calls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sfilter.h"

#define MAXF	4
#define ARCH	AUDIT_ARCH_X86_64

struct prog {
	struct sock_filter insns[GT_SF_MAXINSNS];
	size_t len;
};

/* libseccomp's own compilation of ctx, as the kernel would receive it */
static void export(scmp_filter_ctx ctx, struct prog *p)
{
	int fd = memfd_create("gt-sf", 0);
	off_t n;

	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	n = lseek(fd, 0, SEEK_END);
	assert_true(n > 0 && n % sizeof(struct sock_filter) == 0);
	assert_int_equal(pread(fd, p->insns, n, 0), n);
	p->len = n / sizeof(struct sock_filter);
	close(fd);
	assert_int_equal(gt_sf_check(p->insns, p->len), 0);
}

static struct seccomp_data data(int nr, __u64 a0, __u64 a1)
{
	struct seccomp_data sd = { .nr = nr, .arch = ARCH, .args = { a0, a1 } };

	return sd;
}

/* errno of syscall(nr, a0, a1) in a child under progs (installed oldest first), 0 if it succeeded */
static int kernel_errno(struct prog *progs, int n, int nr, __u64 a0, __u64 a1)
{
	int st, fds[2], err = -1;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		for (int i = 0; i < n; i++) {
			struct sock_fprog fp = { .len = progs[i].len, .filter = progs[i].insns };

			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp))
				_exit(1);
		}
		err = syscall(nr, a0, a1) < 0 ? errno : 0;
		_exit(write(fds[1], &err, sizeof(err)) != sizeof(err));
	}
	close(fds[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(read(fds[0], &err, sizeof(err)), sizeof(err));
	close(fds[0]);
	return err;	/* errnos above 255 too (an exit status would cut them) */
}

/* our verdict: the errno the chain answers with, or 0 if it lets the call run */
static int our_errno(struct prog *progs, int n, int nr, __u64 a0, __u64 a1)
{
	struct gt_sf chain[MAXF];
	struct seccomp_data sd = data(nr, a0, a1);
	long long r;

	for (int i = 0; i < n; i++) {	/* newest first, as the kernel runs them */
		chain[i].insns = progs[n - 1 - i].insns;
		chain[i].len = progs[n - 1 - i].len;
	}
	r = gt_sf_chain_run(chain, n, &sd);
	assert_true(r >= 0);
	if ((r & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
		return r & SECCOMP_RET_DATA;
	return 0;
}

static struct prog progs[MAXF];

/* a Docker-like profile: default EPERM, getpgid allowed only for pid 0 and 1 */
static void libseccomp_profile(void **state)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(getpgid), 1,
			 SCMP_A0(SCMP_CMP_GT, 1));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EROFS), SCMP_SYS(getsid), 1,
			 SCMP_A0_64(SCMP_CMP_EQ, 0x100000002ULL));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSPC), SCMP_SYS(getpriority), 0);
	export(ctx, &progs[0]);
	seccomp_release(ctx);

	struct { int nr; __u64 a0, a1; } calls[] = {
		{ SYS_getpgid, 0, 0 }, { SYS_getpgid, 1, 0 }, { SYS_getpgid, 2, 0 },
		{ SYS_getpgid, 0xffffffff, 0 }, { SYS_getsid, 0x100000002ULL, 0 },
		{ SYS_getsid, 2, 0 }, { SYS_getpriority, 0, 0 }, { SYS_getppid, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int k = kernel_errno(progs, 1, calls[i].nr, calls[i].a0, calls[i].a1);
		int o = our_errno(progs, 1, calls[i].nr, calls[i].a0, calls[i].a1);

		/* a call the filter let run may fail for its own reasons (ESRCH) */
		if (o)
			assert_int_equal(k, o);
		else
			assert_true(k != EACCES && k != EROFS && k != ENOSPC);
	}
	assert_int_equal(our_errno(progs, 1, SYS_getpgid, 2, 0), EACCES);
	assert_int_equal(our_errno(progs, 1, SYS_getsid, 0x100000002ULL, 0), EROFS);
	assert_int_equal(our_errno(progs, 1, SYS_getsid, 2, 0), 0);
	/* another architecture: libseccomp's filter kills it (not an errno) */
	struct gt_sf one = { progs[0].insns, progs[0].len };
	struct seccomp_data sd = data(SYS_getpgid, 2, 0);

	sd.arch = AUDIT_ARCH_I386;
	assert_int_not_equal(gt_sf_chain_run(&one, 1, &sd) & SECCOMP_RET_ACTION_FULL,
			     SECCOMP_RET_ERRNO);
}

/*
 * Arithmetic, scratch memory and every jump kind, by hand: for getpgid the
 * filter answers ERRNO(f(args)), so the errno the kernel returns shows what
 * its interpreter computed.
 */
#define S(c, k)		((struct sock_filter)BPF_STMT(c, k))
#define J(c, k, t, f)	((struct sock_filter)BPF_JUMP(c, k, t, f))
static void arithmetic(void **state)
{
	struct sock_filter f[] = {
		S(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		J(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 1, 0),
		S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		S(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		S(BPF_ST, 3),
		S(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		S(BPF_MISC | BPF_TAX, 0),
		S(BPF_LD | BPF_MEM, 3),
		J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 9, 0),	/* a0 "negative": -a0 / a1 */
		J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 3),			/* a0 > a1: a0 * 3 - a1 */
		S(BPF_ALU | BPF_MUL | BPF_K, 3),
		S(BPF_ALU | BPF_SUB | BPF_X, 0),
		S(BPF_JMP | BPF_JA, 7),
		J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 2),			/* a0 == a1: a0 << a1 */
		S(BPF_ALU | BPF_LSH | BPF_X, 0),
		S(BPF_JMP | BPF_JA, 4),
		S(BPF_ALU | BPF_XOR | BPF_K, 0x5a),			/* a0 < a1 */
		S(BPF_JMP | BPF_JA, 2),
		S(BPF_ALU | BPF_NEG, 0),
		S(BPF_ALU | BPF_DIV | BPF_X, 0),			/* X == 0: returns 0 */
		S(BPF_ALU | BPF_AND | BPF_K, 0x3ff),
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		S(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
		S(BPF_RET | BPF_A, 0),
	};
	static const __u64 args[][2] = {
		{ 7, 3 }, { 3, 7 }, { 2, 2 }, { 5, 5 }, { 100, 1 }, { 0x80000009, 3 },
		{ 0xfffff000, 7 }, { 40, 39 }, { 9, 40 }, { 1, 33 },
	};

	memcpy(progs[0].insns, f, sizeof(f));
	progs[0].len = sizeof(f) / sizeof(f[0]);
	assert_int_equal(gt_sf_check(progs[0].insns, progs[0].len), 0);
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		int o = our_errno(progs, 1, SYS_getpgid, args[i][0], args[i][1]);
		int k = kernel_errno(progs, 1, SYS_getpgid, args[i][0], args[i][1]);

		if (o)
			assert_int_equal(k, o);
		else
			assert_int_equal(k == 0 || k == ESRCH, 1);
	}
	/* a division by X == 0 ends the program with 0: SECCOMP_RET_KILL_THREAD */
	struct seccomp_data sd = data(SYS_getpgid, 0x80000009, 0);

	assert_int_equal(gt_sf_run(progs[0].insns, progs[0].len, &sd), 0);
	sd.args[1] = 3;
	assert_int_equal(gt_sf_run(progs[0].insns, progs[0].len, &sd),
			 SECCOMP_RET_ERRNO | ((0x7ffffff7u / 3) & 0x3ff));
}

/* Two filters: the most restrictive action wins, the newest one on a tie. */
static void chain_precedence(void **state)
{
	scmp_filter_ctx a = seccomp_init(SCMP_ACT_ALLOW), b = seccomp_init(SCMP_ACT_ALLOW);

	seccomp_rule_add(a, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(getpriority), 0);
	seccomp_rule_add(a, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(getpgid), 0);
	seccomp_rule_add(a, SCMP_ACT_TRACE(1), SCMP_SYS(getsid), 0);
	seccomp_rule_add(b, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getpriority), 0);
	seccomp_rule_add(b, SCMP_ACT_LOG, SCMP_SYS(getpgid), 0);
	seccomp_rule_add(b, SCMP_ACT_ERRNO(ENOSPC), SCMP_SYS(getsid), 0);
	export(a, &progs[0]);
	export(b, &progs[1]);
	seccomp_release(a);
	seccomp_release(b);
	/* equal ERRNO actions: the newer filter's errno */
	assert_int_equal(our_errno(progs, 2, SYS_getpriority, 0, 0), EPERM);
	assert_int_equal(kernel_errno(progs, 2, SYS_getpriority, 0, 0), EPERM);
	/* ERRNO beats LOG whichever filter is newer */
	assert_int_equal(our_errno(progs, 2, SYS_getpgid, 0, 0), EACCES);
	assert_int_equal(kernel_errno(progs, 2, SYS_getpgid, 0, 0), EACCES);
	/* ERRNO beats TRACE */
	assert_int_equal(our_errno(progs, 2, SYS_getsid, 0, 0), ENOSPC);
	assert_int_equal(kernel_errno(progs, 2, SYS_getsid, 0, 0), ENOSPC);
}

static void answered(void **state)
{
	assert_true(gt_sf_answered(SECCOMP_RET_ERRNO | EPERM, EPERM, false));
	assert_false(gt_sf_answered(SECCOMP_RET_ERRNO | EPERM, EACCES, false));
	assert_false(gt_sf_answered(SECCOMP_RET_ALLOW, EPERM, false));
	assert_false(gt_sf_answered(SECCOMP_RET_LOG, EPERM, false));
	/* errno above MAX_ERRNO is capped by the kernel */
	assert_true(gt_sf_answered(SECCOMP_RET_ERRNO | 0xffff, 4095, false));
	/* RET_TRACE with no tracer: the kernel answers ENOSYS; with one, the tracer does */
	assert_true(gt_sf_answered(SECCOMP_RET_TRACE | 1, ENOSYS, false));
	assert_false(gt_sf_answered(SECCOMP_RET_TRACE | 1, ENOSYS, true));
	assert_false(gt_sf_answered(SECCOMP_RET_USER_NOTIF, ENOSYS, false));
}

/* What the kernel refuses to install, gt_sf_check refuses to run. */
static void refused(void **state)
{
	struct sock_filter ok_ret = S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_filter bad[][2] = {
		{ S(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)), ok_ret },
		{ S(BPF_LD | BPF_W | BPF_ABS, 2), ok_ret },			/* unaligned */
		{ S(BPF_LD | BPF_B | BPF_ABS, 0), ok_ret },			/* byte loads */
		{ J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ok_ret },		/* jumps past the end */
		{ S(BPF_JMP | BPF_JA, 1), ok_ret },
		{ S(BPF_ALU | BPF_DIV | BPF_K, 0), ok_ret },
		{ S(BPF_ALU | BPF_LSH | BPF_K, 32), ok_ret },
		{ S(BPF_LD | BPF_MEM, 0), ok_ret },				/* read before write */
		{ S(BPF_ST, 16), ok_ret },
		{ ok_ret, S(BPF_LD | BPF_IMM, 0) },				/* does not end in RET */
		{ S(BPF_ALU | BPF_MOD | BPF_K, 3), ok_ret },			/* not in seccomp's list */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sock_fprog fp = { .len = 2, .filter = bad[i] };
		int st;
		pid_t pid;

		assert_int_not_equal(gt_sf_check(bad[i], 2), 0);
		/* and the kernel agrees */
		pid = fork();
		if (pid == 0) {
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			_exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) == 0 ? 1 :
			      errno == EINVAL ? 0 : 2);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_not_equal(gt_sf_check(NULL, 0), 0);
	assert_int_equal(gt_sf_check(&ok_ret, 1), 0);
	/* a read after a write on only one of two paths is refused too */
	struct sock_filter onepath[] = {
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		S(BPF_ST, 0),
		S(BPF_LD | BPF_MEM, 0),
		ok_ret,
	};
	assert_int_not_equal(gt_sf_check(onepath, 4), 0);
	onepath[0] = S(BPF_ST, 0);
	assert_int_equal(gt_sf_check(onepath, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libseccomp_profile),
		cmocka_unit_test(arithmetic),
		cmocka_unit_test(chain_precedence),
		cmocka_unit_test(answered),
		cmocka_unit_test(refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
