// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * gt_diagnose(): the cause it settles on, the explanation and the fix, for
 * facts that need no look at the file system (limits, signals, filters);
 * causes whose fix is checked against the machine (noexec, read-only, a hard
 * RLIMIT_NOFILE: tests/unit/test_fixcheck.c) are not here. Each case: the facts, then the exact words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "diagnose.h"

#define NOLIM	((__u64)-1)

struct dcase {
	const char *name;
	struct gt_finding f;
	enum gt_cause cause;
	const char *explanation, *fix;
	const char *refused_by;		/* checked when set */
};

static const struct dcase cases[] = {
	{ "chmod of a file of another owner: the owner rule, and the file is what refused",
	  { .comm = "m.test", .pid = 0x7ffffff0, .syscall = "fchmodat", .err = EPERM,
	    .cause = GC_PERMISSION, .path = "/", .creds = { .fsuid = 1000, .fsgid = 1000 } },
	  GC_PERMISSION,
	  "m.test (uid 1000) was not permitted to fchmodat / (EPERM): it is owned by uid 0, and "
	  "only its owner or a process with CAP_FOWNER may change its mode",
	  "run the step as the owner of / (uid 0) or as root, or have the test work on a copy "
	  "it owns", "/" },
	{ "a hard limit raised without CAP_SYS_RESOURCE (no live process to read it from)",
	  { .comm = "m.test", .pid = 0x7ffffff0, .syscall = "prlimit64", .err = EPERM,
	    .cause = GC_HARD_LIMIT, .rlimit = 4 },
	  GC_HARD_LIMIT,
	  "m.test tried to raise its core file size limit (RLIMIT_CORE) above the hard limit it "
	  "was started with (prlimit64: EPERM): only a process with CAP_SYS_RESOURCE may raise "
	  "a hard limit",
	  "raise the hard limit where the job starts: LimitCORE= in its systemd unit, "
	  "docker/podman --ulimit core=N:N, prlimit --core=N:N, or ulimit -Hc N as root before "
	  "dropping privileges", "RLIMIT_CORE" },
	{ "another process's limits: a matter of user ids, not of the hard limit",
	  { .comm = "m.test", .pid = 20, .tid = 20, .syscall = "prlimit64", .err = EPERM,
	    .cause = GC_HARD_LIMIT, .rlimit = 7, .rlimit_pid = 1 },
	  GC_HARD_LIMIT,
	  "m.test could not change the RLIMIT_NOFILE limit of process 1 (prlimit64: EPERM): "
	  "another process's limits may be changed only by a process with the same user ids or "
	  "CAP_SYS_RESOURCE",
	  "run m.test as the same user as process 1, or with CAP_SYS_RESOURCE" },
	{ "a call a seccomp filter answered (no sys_enter) is put on the filter, whatever its errno",
	  { .comm = "go", .pid = 10, .syscall = "clone3", .err = EPERM, .cause = GC_PERMISSION,
	    .have_limits = true,
	    .limits = { .seccomp_mode = 2, .flags = GT_SE_SKIPPED | GT_SE_PAIRED } },
	  GC_SECCOMP,
	  "a seccomp filter refused go's clone3 with EPERM before the kernel ran it (the call "
	  "never reached sys_enter); glibc then reports 'pthread_create failed: Operation not "
	  "permitted' instead of falling back to clone",
	  "allow clone3 in the seccomp profile of the build's container or sandbox, or have "
	  "the profile answer ENOSYS for syscalls it does not know (SCMP_ACT_ERRNO(ENOSYS)) so "
	  "glibc and Go fall back; with docker: --security-opt seccomp=<profile>" },
	{ "under ptrace a skipped sys_enter proves nothing",
	  { .comm = "go", .pid = 10, .syscall = "getpid", .err = EPERM, .cause = GC_OTHER_ERROR,
	    .have_limits = true,
	    .limits = { .seccomp_mode = 2, .flags = GT_SE_SKIPPED | GT_SE_PTRACED } },
	  GC_OTHER_ERROR,
	  "go failed: getpid on (no path)",
	  "see the errno (EPERM) in man 2 getpid" },
	{ "seccomp kill of a test binary",
	  { .comm = "m.test", .pid = 11, .role = GT_ROLE_TEST, .syscall = "getpriority",
	    .cause = GC_SECCOMP, .action = "kill", .signal = SIGSYS },
	  GC_SECCOMP,
	  "a seccomp filter killed m.test (pid 11, test) when it called getpriority: SIGSYS "
	  "with SYS_SECCOMP; go reports 'signal: bad system call'",
	  "allow getpriority in the seccomp profile of the build's sandbox (or make it answer "
	  "ENOSYS/EPERM instead of killing, so the program can handle it)" },
	{ "killed by another process: it is named",
	  { .comm = "m.test", .pid = 12, .role = GT_ROLE_TEST, .signal = SIGKILL,
	    .cause = GC_KILLED, .sender_pid = 4242, .sender_comm = "bash" },
	  GC_KILLED,
	  "m.test (pid 12, test) was killed by SIGKILL sent by bash (pid 4242)",
	  "find why bash (pid 4242) sends SIGKILL to builds (a CI timeout, a watchdog, a "
	  "cleanup job) and stop it" },
	{ "killed by go itself past -timeout",
	  { .comm = "m.test", .pid = 12, .role = GT_ROLE_TEST, .signal = SIGQUIT,
	    .cause = GC_KILLED, .sender_pid = 100, .sender_is_go = true, .sender_comm = "go" },
	  GC_KILLED,
	  "m.test (pid 12) was killed by SIGQUIT from go itself: the test binary ran past go "
	  "test's -timeout",
	  "find the hanging test (go test -v -timeout 10m shows where it hangs on SIGQUIT) or "
	  "raise -timeout" },
	{ "an abort of its own",
	  { .comm = "compile", .pid = 13, .role = GT_ROLE_COMPILE, .signal = SIGABRT,
	    .cause = GC_KILLED, .sender_pid = 13 },
	  GC_KILLED,
	  "compile (pid 13, compile) ended itself with SIGABRT: a crash or abort, usually "
	  "after an earlier refusal",
	  "see the finding before this one for the refusal that made compile abort; "
	  "GOTRACEBACK=crash shows where it aborted" },
	{ "a SIGKILL from the kernel that was not the OOM killer",
	  { .comm = "go", .pid = 14, .role = GT_ROLE_GO, .signal = SIGKILL, .cause = GC_KILLED,
	    .sender_pid = 0 },
	  GC_KILLED,
	  "go (pid 14, go) was killed by SIGKILL sent by the kernel itself (not the OOM "
	  "killer, which gotraced would have seen)",
	  "check the kernel log (dmesg) around the time of the kill" },
	{ "a kill whose sender was not seen",
	  { .comm = "go", .pid = 14, .role = GT_ROLE_GO, .signal = SIGTERM, .cause = GC_KILLED,
	    .sender_pid = -1 },
	  GC_KILLED,
	  "go (pid 14, go) was killed by SIGTERM; the sender was not seen",
	  "check the kernel log (dmesg) around the time of the kill" },
	{ "the OOM killer, with the cgroup and its limit",
	  { .comm = "m.test", .pid = 15, .role = GT_ROLE_TEST, .signal = SIGKILL,
	    .cause = GC_OOM_KILL, .cgroup = "/ci/job1", .mem_max = 256 << 20,
	    .mem_usage = 255 << 20 },
	  GC_OOM_KILL,
	  "m.test (pid 15, test) was killed by the OOM killer: its memory cgroup /ci/job1 used "
	  "255 MiB of its 256 MiB limit",
	  "raise the memory limit of cgroup /ci/job1 (memory.max on cgroup v2, "
	  "memory.limit_in_bytes on v1, docker --memory, MemoryMax=) or use less memory at "
	  "once: go build -p 1, go test -p 1 -parallel 1" },
	{ "the OOM killer with no limit on the way: the machine ran out",
	  { .comm = "go", .pid = 15, .role = GT_ROLE_GO, .signal = SIGKILL,
	    .cause = GC_OOM_KILL, .cgroup = "/", .mem_max = 9223372036854771712ULL,
	    .mem_usage = 0 },
	  GC_OOM_KILL,
	  "go (pid 15, go) was killed by the OOM killer: the machine ran out of memory (its "
	  "memory cgroup / has no limit)",
	  "use less memory at once (go build -p 1, go test -p 1 -parallel 1) or give the "
	  "machine more memory or swap" },
	{ "the OOM killer, the cgroup unknown (pid-only mark_victim, victim gone)",
	  { .comm = "go", .pid = 15, .role = GT_ROLE_GO, .signal = SIGKILL,
	    .cause = GC_OOM_KILL },
	  GC_OOM_KILL,
	  "go (pid 15, go) was killed by the OOM killer; its memory cgroup and limit could "
	  "not be read",
	  "raise the job's memory limit (memory.max on cgroup v2, docker --memory, "
	  "MemoryMax=) or the machine's memory, or use less memory at once: go build -p 1, "
	  "go test -p 1 -parallel 1" },
	{ "a pids cgroup at its limit",
	  { .comm = "go", .pid = 16, .syscall = "clone", .err = EAGAIN,
	    .cause = GC_PROCESS_LIMIT, .cgroup = "/ci/job2", .have_limits = true,
	    .limits = { .pids_max = 64, .pids_cur = 64, .nproc_cur = NOLIM } },
	  GC_PROCESS_LIMIT,
	  "go could not create a process or thread (clone: EAGAIN): the pids cgroup /ci/job2 "
	  "is at its limit, 64 of 64 tasks",
	  "raise pids.max of cgroup /ci/job2 (TasksMax= in systemd, --pids-limit in docker) or "
	  "lower parallelism: go build -p 2" },
	{ "RLIMIT_NPROC of a non-root user",
	  { .comm = "go", .pid = 16, .syscall = "clone", .err = EAGAIN,
	    .cause = GC_PROCESS_LIMIT, .creds = { .uid = 1000 }, .have_limits = true,
	    .limits = { .pids_max = -1, .pids_cur = -1, .nproc_cur = 30 } },
	  GC_PROCESS_LIMIT,
	  "go could not create a process or thread (clone: EAGAIN): uid 1000 reached its "
	  "RLIMIT_NPROC of 30 processes",
	  "raise the limit where the job starts (ulimit -u, LimitNPROC= in systemd, "
	  "/etc/security/limits.conf) or lower parallelism: go build -p 2" },
	{ "EAGAIN with no limit in sight: not conclusive",
	  { .comm = "go", .pid = 16, .syscall = "clone3", .err = EAGAIN,
	    .cause = GC_PROCESS_LIMIT, .have_limits = true,
	    .limits = { .pids_max = -1, .pids_cur = -1, .nproc_cur = NOLIM } },
	  GC_PROCESS_LIMIT,
	  "go could not create a process or thread (clone3: EAGAIN); neither a pids cgroup nor "
	  "RLIMIT_NPROC is at its limit, so the evidence is not conclusive (kernel.threads-max "
	  "or memory?)",
	  "check sysctl kernel.threads-max and kernel.pid_max and the machine's free memory" },
	{ "EMFILE below the hard limit",
	  { .comm = "go", .pid = 17, .syscall = "openat", .err = EMFILE, .cause = GC_FD_LIMIT,
	    .have_limits = true, .limits = { .nofile_cur = 256, .nofile_max = 4096 } },
	  GC_FD_LIMIT,
	  "go hit its open-file limit (EMFILE on openat): RLIMIT_NOFILE is 256 (hard limit "
	  "4096)",
	  "ulimit -n 4096 before running go" },
	{ "ENFILE: the system-wide limit",
	  { .comm = "go", .pid = 17, .syscall = "openat", .err = ENFILE, .cause = GC_FD_LIMIT,
	    .have_limits = true },
	  GC_FD_LIMIT,
	  "go hit the system-wide open-file limit (ENFILE on openat)",
	  "raise sysctl fs.file-max or close what holds files open" },
	{ "ENOMEM under RLIMIT_AS",
	  { .comm = "m.test", .pid = 18, .syscall = "mmap", .err = ENOMEM,
	    .cause = GC_MEMORY_LIMIT, .have_limits = true, .limits = { .as_cur = 512 << 20 } },
	  GC_MEMORY_LIMIT,
	  "m.test could not map memory (mmap: ENOMEM): its address-space limit RLIMIT_AS is "
	  "512 MiB and Go reserves large address ranges",
	  "lift the address-space limit: ulimit -v unlimited (LimitAS= in systemd); limit "
	  "memory with a memory cgroup instead" },
	{ "ETXTBSY on exec",
	  { .comm = "go", .pid = 19, .syscall = "execve", .err = ETXTBSY, .cause = GC_TEXT_BUSY,
	    .path = "/tmp/w/b001/m.test" },
	  GC_TEXT_BUSY,
	  "go could not run /tmp/w/b001/m.test: the file was still open for writing (ETXTBSY), "
	  "a race rather than a setting",
	  "run the command again; if it recurs, look for a process that keeps "
	  "/tmp/w/b001/m.test open" },
	{ "any other error: the syscall and its man page",
	  { .comm = "go", .pid = 21, .syscall = "prctl", .err = EINVAL, .cause = GC_OTHER_ERROR },
	  GC_OTHER_ERROR,
	  "go failed: prctl on (no path)",
	  "see the errno (EINVAL) in man 2 prctl" },
};

static void diagnose_table(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_finding f = cases[i].f;

		print_message("%s\n", cases[i].name);
		gt_diagnose(&f);
		assert_int_equal(f.cause, cases[i].cause);
		assert_string_equal(f.explanation, cases[i].explanation);
		assert_string_equal(f.fix, cases[i].fix);
		if (cases[i].refused_by)
			assert_string_equal(f.refuser, cases[i].refused_by);
		free(f.explanation);
		free(f.fix);
		free(f.refuser);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diagnose_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
