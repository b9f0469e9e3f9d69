// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof(a[0])) - 1)

static void modes(void **state)
{
	struct gt_config c;
	char *a1[] = { "gotraced", "--pid", "42", "-p", "7", "-f", "json", NULL };
	char *a2[] = { "gotraced", "-o", "/x", "--", "go", "test", "-v", NULL };
	char *a3[] = { "gotraced", "--all-errors", "--flush-ms", "250", NULL };

	assert_int_equal(parse_argv(ARGC(a1), a1, &c), 0);
	assert_int_equal(c.npids, 2);
	assert_int_equal(c.pids[1], 7);
	assert_int_equal(c.format, GT_FMT_JSON);
	assert_null(c.cmd);

	assert_int_equal(parse_argv(ARGC(a2), a2, &c), 0);
	assert_string_equal(c.output, "/x");
	assert_string_equal(c.cmd[0], "go");
	assert_string_equal(c.cmd[2], "-v");	/* CMD's flags stay CMD's */

	assert_int_equal(parse_argv(ARGC(a3), a3, &c), 0);
	assert_true(c.all_errors);
	assert_int_equal(c.flush_ms, 250);
}

/* the later of --socket and --no-socket wins, as with any repeated flag */
static void socket_flags(void **state)
{
	struct gt_config c;
	char *a1[] = { "gotraced", NULL };
	char *a2[] = { "gotraced", "--socket", "/s", "--no-socket", NULL };
	char *a3[] = { "gotraced", "--no-socket", "--socket=/s", NULL };
	char *a4[] = { "gotraced", "--socket=", NULL };

	assert_int_equal(parse_argv(ARGC(a1), a1, &c), 0);
	assert_null(c.socket);		/* the default is the daemon's to pick */
	assert_false(c.no_socket);
	assert_int_equal(parse_argv(ARGC(a2), a2, &c), 0);
	assert_null(c.socket);
	assert_true(c.no_socket);
	assert_int_equal(parse_argv(ARGC(a3), a3, &c), 0);
	assert_string_equal(c.socket, "/s");
	assert_false(c.no_socket);
	assert_int_equal(parse_argv(ARGC(a4), a4, &c), 0);
	assert_true(c.no_socket);
}

static void bad_usage(void **state)
{
	struct gt_config c;
	char *bad[][5] = {
		{ "gotraced", "--pid", "abc", NULL }, { "gotraced", "--pid", "-1", NULL },
		{ "gotraced", "--pid", "0", NULL }, { "gotraced", "--format", "xml", NULL },
		{ "gotraced", "--bogus", NULL }, { "gotraced", "stray", NULL },
		{ "gotraced", "-p", "1", "--", "ls" }, { "gotraced", "--pid", NULL },
	};
	int argc[] = { 3, 3, 3, 3, 2, 2, 5, 2 };

	for (size_t i = 0; i < sizeof(argc) / sizeof(argc[0]); i++)
		assert_int_equal(parse_argv(argc[i], bad[i], &c), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes), cmocka_unit_test(socket_flags),
		cmocka_unit_test(bad_usage),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
