// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof(a[0])) - 1)

static char path[64];

static void write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void file_then_flags(void **state)
{
	struct gt_config c;
	char *a[] = { "gotraced", "--config", path, "--flush-ms", "7", NULL };
	char *b[] = { "gotraced", "--config=/nonexistent/x.conf", NULL };

	write_conf("# comment\n  output = /var/log/x.json \nformat=json\nflush-ms = 250\n"
		   "journal = yes\nall-errors = no\nsocket = /run/g/s\nreplay = 5\n\n");
	assert_int_equal(parse_argv(ARGC(a), a, &c), 0);
	assert_string_equal(c.output, "/var/log/x.json");
	assert_int_equal(c.format, GT_FMT_JSON);
	assert_int_equal(c.flush_ms, 7);		/* the flag wins */
	assert_true(c.journal);
	assert_false(c.all_errors);
	assert_string_equal(c.socket, "/run/g/s");
	assert_int_equal(c.replay, 5);
	assert_int_equal(c.client_queue, 4096);	/* default kept */
	assert_string_equal(c.socket_group, "gotraced");
	assert_ptr_equal(c.argv, a);		/* the original, for SIGHUP */
	assert_int_equal(parse_argv(ARGC(b), b, &c), -1);
}

static void bad_files(void **state)
{
	struct gt_config c;
	char *a[] = { "gotraced", "--config", path, NULL };
	const char *bad[] = { "nope = 1\n", "output\n", "journal = maybe\n", "format = xml\n",
			      "replay = -3\n", "help = yes\n" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_conf(bad[i]);
		assert_int_equal(parse_argv(ARGC(a), a, &c), -1);
	}
}

static void run_mode_untouched(void **state)
{
	struct gt_config c;
	char *a[] = { "gotraced", "--config", path, "--", "go", "--config", "x", NULL };

	write_conf("verbose = yes\n");
	assert_int_equal(parse_argv(ARGC(a), a, &c), 0);
	assert_true(c.verbose);
	assert_false(c.no_socket);
	write_conf("no-socket = yes\n");
	assert_int_equal(parse_argv(ARGC(a), a, &c), 0);
	assert_true(c.no_socket);
	assert_string_equal(c.cmd[0], "go");
	assert_string_equal(c.cmd[1], "--config");	/* CMD's own flags stay CMD's */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_then_flags), cmocka_unit_test(bad_files),
		cmocka_unit_test(run_mode_untouched),
	};
	int r;

	snprintf(path, sizeof(path), "/tmp/gt-conf-test.%d", getpid());
	r = cmocka_run_group_tests_name("config", tests, NULL, NULL);
	unlink(path);
	return r;
}
