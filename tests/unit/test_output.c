// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

static char *escaped(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, s);
	fclose(f);
	return buf;
}

static void json_escapes(void **state)
{
	char *s = escaped(gt_json_escape, "a\"b\\c\nd\x1b[31m\x7f");

	assert_string_equal(s, "\"a\\\"b\\\\c\\nd\\u001b[31m\\u007f\"");
	free(s);
	/* valid UTF-8 passes, invalid bytes become U+FFFD */
	s = escaped(gt_json_escape, "caf\xc3\xa9 \xff\xc3(");
	assert_string_equal(s, "\"caf\xc3\xa9 \\ufffd\\ufffd(\"");
	free(s);
	/* overlong encoding of '/' is invalid */
	s = escaped(gt_json_escape, "\xc0\xaf");
	assert_string_equal(s, "\"\\ufffd\\ufffd\"");
	free(s);
}

static void text_escapes(void **state)
{
	char *s = escaped(gt_text_escape, "x\ny\x1b[2J\\ \xc2\x9b ok \xe2\x9c\x93");

	assert_string_equal(s, "x\\ny\\x1b[2J\\\\ \\xc2\\x9b ok \xe2\x9c\x93");
	for (char *p = s; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
	free(s);
}

static void json_object(void **state)
{
	struct gt_json j;
	char *argv[] = { "go", "test", NULL };
	size_t len;
	char *line;

	assert_int_equal(gt_json_begin(&j), 0);
	gt_json_str(&j, "type", "finding");
	gt_json_int(&j, "pid", -3);
	gt_json_str(&j, "go_dir", NULL);
	gt_json_strv(&j, "go_argv", argv, 2);
	line = gt_json_end(&j, &len);
	assert_string_equal(line,
		"{\"type\":\"finding\",\"pid\":-3,\"go_dir\":null,\"go_argv\":[\"go\",\"test\"]}\n");
	assert_int_equal(len, strlen(line));
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_escapes), cmocka_unit_test(text_escapes),
		cmocka_unit_test(json_object),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
