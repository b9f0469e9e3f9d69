// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The user-space process table: a process is its pid and its start time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "proctab.h"

#define S	(1000ULL * GT_TICK_NS)	/* a start time, on a tick boundary */

/* gt_proc_of(pid, start) against an entry that started at `have`. */
static void same_process(void **state)
{
	static const struct {
		const char *name;
		__u64 have, asked;
		bool found;
	} cases[] = {
		{ "the exact start (an entry made from a kernel record)", S + 123, S + 123, true },
		{ "within the tick /proc gave (an entry from the start-up scan)", S, S + 9999999,
		  true },
		{ "the next tick: the pid's next owner", S, S + GT_TICK_NS, false },
		{ "earlier than the entry: not the same process either", S + GT_TICK_NS, S, false },
		{ "start unknown in the record (old kernels' OOM record)", S, 0, true },
		{ "start unknown in the entry", 0, S, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_procinfo *p = gt_proc_new(4242);

		print_message("%s\n", cases[i].name);
		assert_non_null(p);
		p->start_ns = cases[i].have;
		p->go_pid = 4242;
		if (cases[i].found) {
			assert_ptr_equal(gt_proc_of(4242, cases[i].asked), p);
		} else {
			/* and the stale entry is gone, its go_pid with it */
			assert_null(gt_proc_of(4242, cases[i].asked));
			assert_null(gt_proc_get(4242));
		}
		gt_proc_free_all();
		assert_int_equal(gt_proc_count(), 0);
	}
}

static void new_replaces_and_inherit_copies(void **state)
{
	struct gt_procinfo *a = gt_proc_new(10), *b, *c;
	char block[] = "go\0build\0";

	assert_non_null(a);
	a->go_pid = 10;
	a->exe = strdup("/usr/bin/go");
	assert_int_equal(gt_argv_parse(&a->argv, block, sizeof(block) - 1), 0);
	a->role = GT_ROLE_GO;
	strcpy(a->comm, "go");
	/* a fork: the child has the parent's image, not its identity */
	c = gt_proc_new(11);
	gt_proc_inherit(c, a);
	assert_string_equal(c->exe, "/usr/bin/go");
	assert_int_equal(c->argv.argc, 2);
	assert_string_equal(c->argv.argv[1], "build");
	assert_string_equal(c->comm, "go");
	assert_int_equal(c->role, GT_ROLE_GO);
	assert_int_equal(c->go_pid, 0);
	assert_ptr_not_equal(c->exe, a->exe);
	/* a new entry for a pid replaces the old one entirely */
	b = gt_proc_new(10);
	assert_ptr_equal(gt_proc_get(10), b);
	assert_null(b->exe);
	assert_int_equal(b->go_pid, 0);
	assert_int_equal(b->seccomp_syscall, -1);
	assert_int_equal(gt_proc_count(), 2);
	gt_proc_del(b);
	assert_null(gt_proc_get(10));
	assert_int_equal(gt_proc_count(), 1);
	gt_proc_free_all();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_process),
		cmocka_unit_test(new_replaces_and_inherit_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
