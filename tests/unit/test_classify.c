// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <gotraced/events.h>
#include "classify.h"

static void roles(void **state)
{
	assert_int_equal(gt_role_of("/usr/lib/go-1.19/bin/go", "go"), GT_ROLE_GO);
	assert_int_equal(gt_role_of("/home/u/sdk/go1.21.0/bin/go", "go1.21.0"), GT_ROLE_GO);
	assert_int_equal(gt_role_of("/usr/lib/go-1.19/pkg/tool/linux_amd64/compile", NULL),
			 GT_ROLE_COMPILE);
	assert_int_equal(gt_role_of("/usr/lib/go-1.19/pkg/tool/linux_amd64/link", NULL),
			 GT_ROLE_LINK);
	assert_int_equal(gt_role_of("/tmp/go-build123/b001/m.test", NULL), GT_ROLE_TEST);
	assert_int_equal(gt_role_of("/tmp/go-build123/b001/exe/m", NULL), GT_ROLE_RUN);
	assert_int_equal(gt_role_of("/usr/bin/x86_64-linux-gnu-gcc-12", "gcc"), GT_ROLE_GCC);
	assert_int_equal(gt_role_of("/usr/bin/git", "git"), GT_ROLE_OTHER);
	assert_string_equal(gt_role_name(GT_ROLE_VET), "vet");
}

static void names(void **state)
{
	assert_string_equal(gt_errno_name(EACCES), "EACCES");
	assert_string_equal(gt_errno_name(EROFS), "EROFS");
	assert_null(gt_errno_name(4000));
	assert_string_equal(gt_signal_name(9), "SIGKILL");
	assert_string_equal(gt_signal_name(31), "SIGSYS");
}

static struct gt_goenv env_of(const char *const *kv)
{
	struct gt_goenv e = {};

	for (; kv[0]; kv += 2)
		for (int k = 0; k < GE_MAX; k++)
			if (!strcmp(gt_env_names[k], kv[0]))
				e.v[k] = strdup(kv[1]);
	return e;
}

static void go_dirs_defaults(void **state)
{
	const char *kv[] = { "HOME", "/home/u", NULL };
	struct gt_goenv e = env_of(kv);
	struct gt_godirs g;

	gt_godirs_compute(&g, &e, "/usr/lib/go-1.19/bin/go", NULL);
	assert_string_equal(g.dir[GD_GOCACHE], "/home/u/.cache/go-build");
	assert_string_equal(g.dir[GD_GOMODCACHE], "/home/u/go/pkg/mod");
	assert_string_equal(g.dir[GD_GOBIN], "/home/u/go/bin");
	assert_string_equal(g.dir[GD_GOROOT], "/usr/lib/go-1.19");
	assert_string_equal(g.dir[GD_TMPDIR], "/tmp");
	assert_false(g.set[GD_GOCACHE]);
	assert_int_equal(gt_go_dir_of(&g, "/home/u/.cache/go-build/00/x"), GD_GOCACHE);
	assert_int_equal(gt_go_dir_of(&g, "/home/u/go/pkg/mod/cache"), GD_GOMODCACHE);
	assert_int_equal(gt_go_dir_of(&g, "/tmp/go-build42/b001/m.test"), GD_TMPDIR);
	/* a parent created on the way to GOCACHE, as with HOME=/ */
	assert_int_equal(gt_go_dir_of(&g, "/home/u/.cache"), GD_GOCACHE);
	assert_int_equal(gt_go_dir_of(&g, "/etc/passwd"), GD_NONE);
	gt_godirs_free(&g);
	gt_goenv_free(&e);
}

static void go_dirs_home_under_tmp(void **state)
{
	const char *kv[] = { "HOME", "/tmp/h", NULL };
	struct gt_goenv e = env_of(kv);
	struct gt_godirs g;

	gt_godirs_compute(&g, &e, "/usr/lib/go-1.19/bin/go", NULL);
	/* creating $HOME/.cache on the way to GOCACHE is GOCACHE's, not /tmp's */
	assert_int_equal(gt_go_dir_of(&g, "/tmp/h/.cache"), GD_GOCACHE);
	assert_int_equal(gt_go_dir_of(&g, "/tmp/other"), GD_TMPDIR);
	gt_godirs_free(&g);
	gt_goenv_free(&e);
}

static void go_dirs_set(void **state)
{
	const char *kv[] = { "HOME", "/", "GOCACHE", "/c", "GOTMPDIR", "/w", "TMPDIR", "/t",
			     "XDG_CACHE_HOME", "/x", "GOPATH", "/gp1:/gp2", "GOROOT", "/r", NULL };
	struct gt_goenv e = env_of(kv);
	struct gt_godirs g;

	gt_godirs_compute(&g, &e, "/usr/lib/go-1.19/bin/go", NULL);
	assert_string_equal(g.dir[GD_GOCACHE], "/c");	/* GOCACHE beats XDG_CACHE_HOME */
	assert_string_equal(g.dir[GD_GOPATH], "/gp1");
	assert_string_equal(g.dir[GD_GOMODCACHE], "/gp1/pkg/mod");
	assert_string_equal(g.dir[GD_GOROOT], "/r");
	/* $WORK is in GOTMPDIR; cgo and linker temporaries stay in TMPDIR */
	assert_int_equal(gt_go_dir_of(&g, "/w/go-build1/b001/m.test"), GD_GOTMPDIR);
	assert_int_equal(gt_go_dir_of(&g, "/t/go-link-123/go.o"), GD_TMPDIR);
	assert_int_equal(gt_go_dir_of(&g, "/r/pkg/tool/linux_amd64/compile"), GD_GOROOT);
	gt_godirs_free(&g);
	gt_goenv_free(&e);
}

static void causes(void **state)
{
	struct gt_mount_facts noexec = { .known = true, .noexec = true };
	struct gt_mount_facts plain = { .known = true };

	assert_int_equal(gt_cause_of(EROFS, "mkdirat", GT_SC_PATH, NULL), GC_READ_ONLY);
	assert_int_equal(gt_cause_of(EACCES, "execve", GT_SC_PATH, &noexec), GC_NOEXEC);
	assert_int_equal(gt_cause_of(EPERM, "mmap", GT_SC_FD, &noexec), GC_NOEXEC);
	assert_int_equal(gt_cause_of(EACCES, "execve", GT_SC_PATH, &plain), GC_PERMISSION);
	assert_int_equal(gt_cause_of(EACCES, "openat", GT_SC_PATH, &noexec), GC_PERMISSION);
	assert_int_equal(gt_cause_of(EAGAIN, "clone", GT_SC_PROC, NULL), GC_PROCESS_LIMIT);
	assert_int_equal(gt_cause_of(EMFILE, "pipe2", GT_SC_NEWFD, NULL), GC_FD_LIMIT);
	assert_int_equal(gt_cause_of(ENOSPC, "write", GT_SC_FD, NULL), GC_NO_SPACE);
	assert_int_equal(gt_cause_of(EDQUOT, "write", GT_SC_FD, NULL), GC_QUOTA);
	assert_int_equal(gt_cause_of(EPERM, "prlimit64", GT_SC_LIMIT, NULL), GC_HARD_LIMIT);
	assert_int_equal(gt_cause_of(EINVAL, "prlimit64", GT_SC_LIMIT, NULL), GC_OTHER_ERROR);
	assert_string_equal(gt_cause_name(GC_HARD_LIMIT), "hard_limit");
	assert_string_equal(gt_cause_name(GC_NOEXEC), "noexec");
	assert_string_equal(gt_cause_name(GC_READ_ONLY), "read_only");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles), cmocka_unit_test(names),
		cmocka_unit_test(go_dirs_defaults), cmocka_unit_test(go_dirs_set),
		cmocka_unit_test(go_dirs_home_under_tmp),
		cmocka_unit_test(causes),
	};

	return cmocka_run_group_tests_name("classify", tests, NULL, NULL);
}
