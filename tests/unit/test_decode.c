// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"

#define BLOCK(s) s, sizeof(s) - 1

static void argv_block(void **state)
{
	struct gt_argv a;

	assert_int_equal(gt_argv_parse(&a, BLOCK("go\0test\0-run\0X\0")), 0);
	assert_int_equal(a.argc, 4);
	assert_string_equal(a.argv[0], "go");
	assert_string_equal(a.argv[3], "X");
	assert_null(a.argv[4]);
	gt_argv_free(&a);
	/* truncated by the kernel copy: the last string has no NUL */
	assert_int_equal(gt_argv_parse(&a, BLOCK("go\0bui")), 0);
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[1], "bui");
	gt_argv_free(&a);
	/* empty strings are arguments too */
	assert_int_equal(gt_argv_parse(&a, BLOCK("sh\0\0x\0")), 0);
	assert_int_equal(a.argc, 3);
	assert_string_equal(a.argv[1], "");
	gt_argv_free(&a);
}

static void env_block(void **state)
{
	struct gt_goenv e;

	gt_goenv_parse(&e, BLOCK("GOCACHE=/a\0GOCACHEX=/no\0HOME=/h\0TMPDIR=\0GOCACHE=/b\0"
				 "XDG_CACHE_HOME=/x\0GOFLAGS=-mod=mod\0junk\0"));
	assert_string_equal(e.v[GE_GOCACHE], "/b");	/* last one wins, like getenv */
	assert_string_equal(e.v[GE_HOME], "/h");
	assert_string_equal(e.v[GE_TMPDIR], "");
	assert_string_equal(e.v[GE_XDG_CACHE_HOME], "/x");
	assert_string_equal(e.v[GE_GOFLAGS], "-mod=mod");
	assert_null(e.v[GE_GOPATH]);
	gt_goenv_free(&e);
}

static void path_clean(void **state)
{
	static const char *const cases[][2] = {
		{ "/a/b/../c", "/a/c" }, { "//a///b/", "/a/b" }, { "/a/./b/.", "/a/b" },
		{ "/..", "/" }, { "/a/b/../../..", "/" }, { "/", "/" }, { "/a/..b", "/a/..b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = strdup(cases[i][0]);

		gt_path_clean(p);
		assert_string_equal(p, cases[i][1]);
		free(p);
	}
}

static void path_join(void **state)
{
	char *p = gt_path_join("/work/mod", "../cache/x");

	assert_string_equal(p, "/work/cache/x");
	free(p);
	p = gt_path_join("/work", "/abs/y");
	assert_string_equal(p, "/abs/y");
	free(p);
	p = gt_path_join(NULL, "rel");
	assert_string_equal(p, "rel");
	free(p);
}

static void path_under(void **state)
{
	assert_true(gt_path_under("/tmp/x/y", "/tmp/x"));
	assert_true(gt_path_under("/tmp/x", "/tmp/x/"));
	assert_false(gt_path_under("/tmp/xy", "/tmp/x"));
	assert_true(gt_path_under("/anything", "/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(argv_block), cmocka_unit_test(env_block),
		cmocka_unit_test(path_clean), cmocka_unit_test(path_join),
		cmocka_unit_test(path_under),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
