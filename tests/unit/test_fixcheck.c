// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The fix checker's decisions on a real directory tree (made here, examined
 * through env.root as the daemon examines /proc/PID/root) with the mount and
 * space facts supplied by the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fixcheck.h"

static char root[64];

/* mounts by path prefix: the longest match wins */
static struct { const char *target, *fstype; bool ro, noexec; } fake_mounts[4];
static unsigned long long fake_free = 1ULL << 30, fake_inodes = 100000;

static int fake_mount(const struct gt_fix_env *e, const char *path, struct gt_mount_facts *m)
{
	size_t best = 0;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 4 && fake_mounts[i].target; i++) {
		size_t n = strlen(fake_mounts[i].target);

		if (gt_path_under(path, fake_mounts[i].target) && n >= best) {
			best = n;
			m->known = true;
			snprintf(m->target, sizeof(m->target), "%s", fake_mounts[i].target);
			snprintf(m->fstype, sizeof(m->fstype), "%s", fake_mounts[i].fstype);
			m->read_only = fake_mounts[i].ro;
			m->noexec = fake_mounts[i].noexec;
		}
	}
	return m->known ? 0 : -1;
}

static int fake_space(const struct gt_fix_env *e, const char *path, unsigned long long *b,
		      unsigned long long *i, bool *unlimited)
{
	*b = fake_free;
	*i = fake_inodes;
	*unlimited = false;
	return 0;
}

static const struct gt_fix_probe fake = { fake_mount, fake_space };

static void mk(const char *rel, mode_t mode)
{
	char p[256];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	assert_int_equal(mkdir(p, mode), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static int setup(void **state)
{
	char cmd[128];

	snprintf(root, sizeof(root), "/tmp/gt-fixcheck.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	chmod(root, 0755);
	mk("/home", 0755);
	mk("/home/u", 0777);		/* the user's, in effect */
	mk("/ro", 0777);
	mk("/nx", 0777);
	mk("/locked", 0755);		/* owned by us, not by uid 12345 */
	mk("/var", 0755);
	mk("/var/tmp", 01777);
	snprintf(cmd, sizeof(cmd), "%s/home/u/file", root);
	fclose(fopen(cmd, "w"));
	memset(fake_mounts, 0, sizeof(fake_mounts));
	fake_mounts[0].target = "/";
	fake_mounts[0].fstype = "ext4";
	fake_mounts[1].target = "/ro";
	fake_mounts[1].fstype = "ext4";
	fake_mounts[1].ro = true;
	fake_mounts[2].target = "/nx";
	fake_mounts[2].fstype = "tmpfs";
	fake_mounts[2].noexec = true;
	fake_free = 1ULL << 30;
	fake_inodes = 100000;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

static struct gt_fix_env env(int need)
{
	struct gt_fix_env e = { .need = need, .probe = &fake };

	e.creds.uid = e.creds.fsuid = 12345;
	e.creds.gid = e.creds.fsgid = 12345;
	snprintf(e.root, sizeof(e.root), "%s", root);
	return e;
}

/* why == NULL: passed; else why contains want */
static void expect(const struct gt_fix_env *e, const char *dir, const char *want, bool create)
{
	bool c = !create;
	char *why = gt_fix_check_dir(e, dir, &c);

	if (!want) {
		if (why)
			fail_msg("%s rejected: %s", dir, why);
		assert_int_equal(c, create);
	} else {
		if (!why)
			fail_msg("%s passed, expected '%s'", dir, want);
		if (!strstr(why, want))
			fail_msg("%s: '%s' lacks '%s'", dir, why, want);
	}
	free(why);
}

static void writable_and_creatable(void **state)
{
	struct gt_fix_env e = env(0);

	expect(&e, "/home/u", NULL, false);
	expect(&e, "/home/u/.cache/go-build", NULL, true);	/* mkdir -p from /home/u */
	expect(&e, "/var/tmp/go-build-cache-12345", NULL, true);
	expect(&e, "/home/u/file", "not a directory", false);
	expect(&e, "relative/dir", "absolute", false);
}

static void owner_and_mode_refuse(void **state)
{
	struct gt_fix_env e = env(0);

	/* a directory that does not exist yet: its nearest existing ancestor decides */
	expect(&e, "/locked/cache/go-build", "cannot create entries in it", false);
	expect(&e, "/locked", "cannot create entries in it", false);
	expect(&e, "/home/.cache", "cannot create entries in it", false);
	/* root (CAP_DAC_OVERRIDE) may */
	e.creds.fsuid = 0;
	expect(&e, "/locked/cache", NULL, true);
}

static void mounts_refuse(void **state)
{
	struct gt_fix_env e = env(0);

	expect(&e, "/ro/cache", "read-only mount (ext4 at /ro)", false);
	expect(&e, "/nx/cache", NULL, true);			/* no exec needed */
	e.need = GT_FIX_EXEC;
	expect(&e, "/nx/work", "noexec mount (tmpfs at /nx)", false);
	expect(&e, "/home/u/work", NULL, true);
	/* never the mount that just refused */
	e.need = 0;
	e.refused_mount = "/";
	expect(&e, "/home/u/cache", "the mount that refused (ext4 at /)", false);
	expect(&e, "/nx/cache", NULL, true);
	/* nor the directory that refused */
	e.refused_mount = NULL;
	e.refused_dir = "/home/u";
	expect(&e, "/home/u/cache", "where the refusal happened", false);
}

static void space_refuses(void **state)
{
	struct gt_fix_env e = env(0);

	fake_free = 1 << 20;
	expect(&e, "/home/u/cache", "1 MiB free", false);
	fake_free = 1ULL << 30;
	fake_inodes = 3;
	expect(&e, "/home/u/cache", "3 free inodes", false);
}

static void pick_first_that_passes(void **state)
{
	struct gt_fix_env e = env(GT_FIX_EXEC);
	const char *c[] = { "/ro/gotmp", NULL, "/nx/gotmp", "/locked/gotmp", "/var/tmp/gotmp-12345",
			    "/home/u/gotmp" };
	struct gt_fix_check r;
	struct gt_finding f = {};

	assert_true(gt_fix_pick(&e, c, 6, &r));
	assert_string_equal(r.dir, "/var/tmp/gotmp-12345");
	assert_true(r.create);
	assert_int_equal(r.nrejected, 3);
	assert_string_equal(r.rejected[0].path, "/ro/gotmp");
	assert_non_null(strstr(r.rejected[1].why, "noexec"));
	assert_non_null(strstr(r.rejected[2].why, "cannot create entries"));
	gt_fix_record(&f, &r);
	assert_true(f.fix_checked);
	assert_string_equal(f.fix_dir, "/var/tmp/gotmp-12345");
	assert_int_equal(f.n_fix_rejected, 3);
	assert_null(r.dir);
	char *t = gt_fix_rejections(&f);
	assert_non_null(strstr(t, "/ro/gotmp is on a read-only mount"));
	free(t);
	free(f.fix_dir);
	for (unsigned i = 0; i < f.n_fix_rejected; i++) {
		free(f.fix_rejected[i].path);
		free(f.fix_rejected[i].why);
	}

	/* none passes: nothing proposed, every reason kept */
	assert_false(gt_fix_pick(&e, c, 4, &r));
	assert_null(r.dir);
	assert_int_equal(r.nrejected, 3);
	gt_fix_check_free(&r);
}

static void candidates_from_env(void **state)
{
	struct gt_finding f = {};
	char *c[8];
	int n;

	f.creds.fsuid = 1002;
	f.env.v[GE_HOME] = "/home/u";
	n = gt_fix_candidates(GD_GOCACHE, &f, c, 8);
	assert_int_equal(n, 4);		/* no XDG_CACHE_HOME */
	assert_string_equal(c[0], "/home/u/.cache/go-build");
	assert_string_equal(c[1], "/var/tmp/go-build-cache-1002");
	assert_string_equal(c[3], "/dev/shm/go-build-cache-1002");
	for (int i = 0; i < n; i++)
		free(c[i]);
	/* the XDG dir that is the same place is tried once */
	f.env.v[GE_XDG_CACHE_HOME] = "/home/u/.cache";
	n = gt_fix_candidates(GD_GOCACHE, &f, c, 8);
	assert_int_equal(n, 4);
	for (int i = 0; i < n; i++)
		free(c[i]);
	f.env.v[GE_XDG_CACHE_HOME] = "/xdg";
	n = gt_fix_candidates(GD_GOCACHE, &f, c, 8);
	assert_int_equal(n, 5);
	assert_string_equal(c[1], "/xdg/go-build");
	for (int i = 0; i < n; i++)
		free(c[i]);
	/* docker -u UID: HOME=/ */
	f.env.v[GE_HOME] = "/";
	f.env.v[GE_XDG_CACHE_HOME] = NULL;
	n = gt_fix_candidates(GD_GOCACHE, &f, c, 8);
	assert_string_equal(c[0], "/.cache/go-build");
	for (int i = 0; i < n; i++)
		free(c[i]);
	/* a relative HOME is no base */
	f.env.v[GE_HOME] = "home";
	n = gt_fix_candidates(GT_FW_PROGRAM, &f, c, 8);
	assert_int_equal(n, 2);
	assert_string_equal(c[0], "/var/tmp/bin-1002");
	for (int i = 0; i < n; i++)
		free(c[i]);
}

/* go_dir TMPDIR only for what Go put there */
static void go_dir_placed(void **state)
{
	struct gt_goenv env = {};
	struct gt_godirs g;

	env.v[GE_HOME] = "/home/u";
	gt_godirs_compute(&g, &env, "/usr/lib/go-1.19/bin/go", NULL);
	/* $WORK, the linker's dir, the toolchain's temporaries */
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/go-build1/b001/m.test", GT_ROLE_GO, "/"),
			 GD_TMPDIR);
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/go-link-42/go.o", GT_ROLE_LINK, "/"),
			 GD_TMPDIR);
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/ccAbc.s", GT_ROLE_GCC, "/"), GD_TMPDIR);
	/* what a test makes directly in TMPDIR, or with t.TempDir */
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/x123", GT_ROLE_TEST, "/"), GD_TMPDIR);
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/TestWrite123/001/f", GT_ROLE_TEST, "/"),
			 GD_TMPDIR);
	/* a file that merely lies under /tmp, or on a mount below it */
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/nx/plugin.so", GT_ROLE_TEST, "/"), GD_NONE);
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/nx/plugin.so", GT_ROLE_GO, "/tmp/nx"),
			 GD_NONE);
	assert_int_equal(gt_go_dir_placed(&g, "/tmp/nx/x", GT_ROLE_TEST, "/tmp/nx"), GD_NONE);
	/* other Go directories are as gt_go_dir_of says */
	assert_int_equal(gt_go_dir_placed(&g, "/home/u/.cache/go-build/00/x", GT_ROLE_TEST, "/"),
			 GD_GOCACHE);
	gt_godirs_free(&g);
}

/* A hard RLIMIT_NOFILE go cannot raise: the value proposed is one this machine can set. */
static void nofile_value(void **state)
{
	struct gt_finding f = { .pid = getpid(), .ppid = getppid(), .have_limits = true,
				.limits = { .nofile_cur = 12, .nofile_max = 12 } };
	unsigned long long n = 0;
	char *fix = gt_fix_nofile(&f), *u;

	assert_non_null(fix);
	assert_non_null(strstr(fix, "raise the hard limit where the job starts"));
	u = strstr(fix, "ulimit -Hn ");
	assert_non_null(u);
	n = strtoull(u + 11, NULL, 10);
	assert_true(n > 12);
	/* checked: 65536, or our parent's hard limit when the capability is not to be had */
	assert_true(f.fix_checked);
	assert_true(n == 65536 || strstr(fix, "CAP_SYS_RESOURCE"));
	free(fix);
}

/* The limit of the job's start, read at its go command's exec, is the one proposed. */
static void nofile_job_start(void **state)
{
	/* a parent that has ended: only the limit read at the exec is left */
	struct gt_finding f = { .pid = getpid(), .ppid = 0, .have_limits = true,
				.job_nofile_max = 4096,
				.limits = { .nofile_cur = 12, .nofile_max = 12 } };
	unsigned long long n;
	char *fix = gt_fix_nofile(&f), *u;

	assert_non_null(fix);
	u = strstr(fix, "ulimit -Hn ");
	assert_non_null(u);
	n = strtoull(u + 11, NULL, 10);
	assert_true(f.fix_checked);
	assert_true(n == 65536 || (n == 4096 && strstr(fix, "CAP_SYS_RESOURCE")));
	free(fix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(writable_and_creatable, setup, teardown),
		cmocka_unit_test_setup_teardown(owner_and_mode_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(mounts_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(space_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(pick_first_that_passes, setup, teardown),
		cmocka_unit_test(candidates_from_env),
		cmocka_unit_test(go_dir_placed),
		cmocka_unit_test(nofile_value),
		cmocka_unit_test(nofile_job_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
