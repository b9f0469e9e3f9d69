// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "syscalls.h"

/* The same number, two tables: a 32-bit call must be named from its own. */
static const struct {
	int nr;
	bool compat;
	const char *name;
	int kind;
} rows[] = {
#if defined(__x86_64__)
	{ 296, false, "pwritev", GT_SC_FD },
	{ 296, true, "mkdirat", GT_SC_PATH },
	{ 39, false, "getpid", GT_SC_NONE },
	{ 39, true, "mkdir", GT_SC_PATH },
	{ 5, true, "open", GT_SC_PATH },
	{ 195, true, "stat64", GT_SC_PATH },	/* a 32-bit spelling of stat */
	{ 11, true, "execve", GT_SC_PATH },
	{ 258, false, "mkdirat", GT_SC_PATH },
#endif
	{ 100000, false, "syscall_100000", GT_SC_NONE },
};

static void names_and_kinds(void **state)
{
	char buf[32];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("%d %s\n", rows[i].nr, rows[i].compat ? "ia32" : "native");
		assert_string_equal(gt_syscall_name_abi(rows[i].nr, rows[i].compat, buf, sizeof(buf)),
				    rows[i].name);
		assert_int_equal(gt_syscall_kind_abi(rows[i].nr, rows[i].compat), rows[i].kind);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_kinds),
	};

	return cmocka_run_group_tests_name("syscalls", tests, NULL, NULL);
}
