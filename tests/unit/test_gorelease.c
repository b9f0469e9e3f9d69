// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "findings.h"
#include "gorelease.h"

static void minors(void **state)
{
	assert_int_equal(gt_go_minor("go1.27.4"), 27);
	assert_int_equal(gt_go_minor("go1.19.8"), 19);
	assert_int_equal(gt_go_minor("go1.23rc1"), 23);
	assert_int_equal(gt_go_minor("devel go1.28-abcdef"), 28);
	assert_int_equal(gt_go_minor(""), 0);
	assert_int_equal(gt_go_minor(NULL), 0);
}

static void absorbs(void **state)
{
	const char *tdir = "/home/u/.config/go/telemetry";

	/* pidfd probes: since 1.23, any errno, Go code only */
	assert_non_null(gt_go_absorbs(23, "pidfd_open", EPERM, true, NULL, tdir));
	assert_non_null(gt_go_absorbs(27, "pidfd_send_signal", EACCES, true, NULL, tdir));
	assert_null(gt_go_absorbs(22, "pidfd_open", EPERM, true, NULL, tdir));
	assert_null(gt_go_absorbs(27, "pidfd_open", EPERM, false, NULL, tdir));
	assert_null(gt_go_absorbs(0, "pidfd_open", EPERM, true, NULL, tdir));
	/* faccessat2: since 1.20, ENOSYS and EPERM only */
	assert_non_null(gt_go_absorbs(21, "faccessat2", EPERM, true, NULL, tdir));
	assert_non_null(gt_go_absorbs(21, "faccessat2", ENOSYS, true, NULL, tdir));
	assert_null(gt_go_absorbs(21, "faccessat2", EACCES, true, NULL, tdir));
	assert_null(gt_go_absorbs(19, "faccessat2", EPERM, true, NULL, tdir));
	/* clone3 answered ENOSYS (docker's default profile): glibc falls back, any caller */
	assert_non_null(gt_go_absorbs(19, "clone3", ENOSYS, false, NULL, tdir));
	assert_non_null(gt_go_absorbs(0, "clone3", ENOSYS, true, NULL, tdir));
	assert_null(gt_go_absorbs(19, "clone3", EPERM, true, NULL, tdir));
	/* the telemetry dir, inside it, or a parent MkdirAll creates; not beside it */
	assert_non_null(gt_go_absorbs(23, "mkdirat", EACCES, true, "/home/u/.config", tdir));
	assert_non_null(gt_go_absorbs(27, "openat", EACCES, true,
				      "/home/u/.config/go/telemetry/local/x.count", tdir));
	assert_null(gt_go_absorbs(27, "mkdirat", EACCES, true, "/home/u/.cache", tdir));
	assert_null(gt_go_absorbs(27, "mkdirat", EACCES, true, "/home/u/.config/gox", tdir));
	assert_null(gt_go_absorbs(22, "mkdirat", EACCES, true, "/home/u/.config", tdir));
	/* the GOMAXPROCS cgroup probe: since 1.25, its files only, Go code only */
	assert_non_null(gt_go_absorbs(25, "openat", EACCES, true,
				      "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", tdir));
	assert_non_null(gt_go_absorbs(27, "openat", EACCES, true, "/sys/fs/cgroup/a/cpu.max",
				      tdir));
	assert_non_null(gt_go_absorbs(27, "openat", ENOENT, true, "/proc/self/mountinfo", tdir));
	assert_null(gt_go_absorbs(24, "openat", EACCES, true, "/sys/fs/cgroup/a/cpu.max", tdir));
	assert_null(gt_go_absorbs(27, "openat", EACCES, false, "/sys/fs/cgroup/a/cpu.max", tdir));
	assert_null(gt_go_absorbs(27, "openat", EACCES, true, "/sys/fs/cgroup/a/xcpu.max", tdir));
	assert_null(gt_go_absorbs(27, "openat", EACCES, true, "/sys/fs/cgroup/a/cpu.maxx", tdir));
	assert_null(gt_go_absorbs(27, "mkdirat", EACCES, true, "/sys/fs/cgroup/a/cpu.max", tdir));
	assert_null(gt_go_absorbs(27, "openat", EACCES, true, NULL, tdir));
}

static void sidecar(void **state)
{
	char *yes[] = { "/usr/lib/go-1.27/bin/go", "** telemetry **", NULL };
	char *no[] = { "go", "build", NULL };

	assert_true(gt_go_is_sidecar(23, 2, yes));
	assert_false(gt_go_is_sidecar(22, 2, yes));
	assert_false(gt_go_is_sidecar(27, 2, no));
}

static void notes(void **state)
{
	const char *n;

	n = gt_go_note(19, GC_READ_ONLY, GD_GOCACHE, GT_ROLE_GO, 0, "test");
	assert_non_null(n);
	assert_non_null(strstr(n, "package testing is not in GOROOT"));
	n = gt_go_note(27, GC_PERMISSION, GD_GOCACHE, GT_ROLE_GO, 0, "build");
	assert_non_null(n);
	assert_non_null(strstr(n, "names the cache file"));
	assert_null(gt_go_note(19, GC_PERMISSION, GD_GOCACHE, GT_ROLE_GO, 0, "build"));
	/* seccomp: only a kill prints "bad system call" */
	assert_non_null(gt_go_note(27, GC_SECCOMP, GD_NONE, GT_ROLE_GO, SIGSYS, "test"));
	assert_null(gt_go_note(27, GC_SECCOMP, GD_NONE, GT_ROLE_GO, 0, "test"));
	/* the toolchain note needs both the cause and the directory */
	assert_non_null(gt_go_note(23, GC_NOEXEC, GD_GOMODCACHE, GT_ROLE_GO, 0, "build"));
	assert_null(gt_go_note(23, GC_READ_ONLY, GD_GOMODCACHE, GT_ROLE_GO, 0, "build"));
	/* go run's cached executable (1.24+) on a noexec GOCACHE: not "open GOCACHE/xx" */
	n = gt_go_note(24, GC_NOEXEC, GD_GOCACHE, GT_ROLE_GO, 0, "run");
	assert_non_null(n);
	assert_non_null(strstr(n, "fork/exec GOCACHE"));
	n = gt_go_note(23, GC_NOEXEC, GD_GOCACHE, GT_ROLE_GO, 0, "run");
	assert_null(n == NULL ? NULL : strstr(n, "fork/exec"));
	assert_non_null(gt_go_note(27, GC_KILLED, GD_NONE, GT_ROLE_TEST, SIGKILL, "test"));
	assert_null(gt_go_note(27, GC_KILLED, GD_NONE, GT_ROLE_GO, SIGKILL, "test"));
}

static void tools(void **state)
{
	struct gt_finding f = { .pid = 42, .tool_exit = 128 };
	char *argv[] = { "git", "status", "--porcelain", NULL };

	f.tool_argv.argc = 3;
	f.tool_argv.argv = argv;
	f.tool_stderr = "fatal: detected dubious ownership in repository at '/src/m'\n";
	gt_tool_explain(&f);
	assert_non_null(strstr(f.fix, "safe.directory /src/m"));
	assert_non_null(strstr(f.fix, "-buildvcs=false"));
	assert_non_null(strstr(f.explanation, "/src/m"));
	free(f.fix);
	free(f.explanation);
	/* an unknown message: no fix, the explanation points at tool_stderr */
	f.fix = f.explanation = NULL;
	f.tool_stderr = "error: something else\n";
	gt_tool_explain(&f);
	assert_null(f.fix);
	assert_non_null(strstr(f.explanation, "status 128"));
	free(f.explanation);
}

/* every row names its source and test: the table is what a newcomer reads */
static void rows_documented(void **state)
{
	for (size_t i = 0; i < gt_go_release_nrows; i++) {
		assert_non_null(gt_go_release_rows[i].name);
		assert_non_null(gt_go_release_rows[i].text);
		assert_non_null(gt_go_release_rows[i].source);
		assert_non_null(gt_go_release_rows[i].test);
	}
	for (size_t i = 0; i < gt_tool_nmessages; i++)
		assert_non_null(gt_tool_messages[i].source);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minors), cmocka_unit_test(absorbs), cmocka_unit_test(sidecar),
		cmocka_unit_test(notes), cmocka_unit_test(tools), cmocka_unit_test(rows_documented),
	};

	return cmocka_run_group_tests_name("gorelease", tests, NULL, NULL);
}
