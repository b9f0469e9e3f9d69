// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Hold: which refusals become findings, which are absorbed, and the PATH-search rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hold.h"

/* what came out, in order: "R:<pid>:<path>:<count>" or "A:<pid>:<path>:<count>" */
static char out[4096];

static void on_release(struct gt_finding *f, void *ctx)
{
	snprintf(out + strlen(out), sizeof(out) - strlen(out), "R:%d:%s:%lu ", f->pid,
		 f->path ? f->path : "-", f->count);
	if (f->search_name)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "[%s] ", f->explanation);
	gt_finding_free(f);
}

static void on_absorb(const struct gt_finding *f, void *ctx)
{
	assert_true(f->absorbed);
	snprintf(out + strlen(out), sizeof(out) - strlen(out), "A:%d:%s:%lu ", f->pid,
		 f->path ? f->path : "-", f->count);
}

static int setup(void **state)
{
	struct gt_hold_sink s = { .release = on_release, .absorb = on_absorb };

	gt_hold_init(&s);
	out[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	gt_hold_release_all();
	assert_int_equal(gt_hold_pending(), 0);
	return 0;
}

/* a refusal of pid under go command go, with key = its path, raw key = "raw:"path */
static void refuse_miss(pid_t pid, pid_t ppid, pid_t go, const char *path, const char *search,
			bool hit)
{
	struct gt_finding *f = calloc(1, sizeof(*f));

	f->pid = pid;
	f->go_pid = go;
	strcpy(f->comm, "proc");
	f->path = strdup(path);
	f->key = strdup(path);
	asprintf(&f->raw_key, "raw:%s", path);
	f->explanation = strdup("why");
	if (search)
		f->search_name = strdup(search);
	f->search_hit = hit;
	gt_hold_add(pid, ppid, go, f);
}

static void refuse(pid_t pid, pid_t ppid, pid_t go, const char *path, const char *search)
{
	refuse_miss(pid, ppid, go, path, search, true);
}

static void passing_process_absorbs(void **state)
{
	refuse(20, 10, 10, "/a", NULL);
	assert_true(gt_hold_bump(20, "raw:/a", 2, "mkdir", "/a", 1));
	assert_false(gt_hold_bump(21, "raw:/a", 2, "mkdir", "/a", 1));	/* another process: its own */
	assert_int_equal(gt_hold_pending(), 2);
	assert_string_equal(out, "");
	gt_hold_exit(20, 10, false, true, true);	/* passed: waits for go */
	assert_string_equal(out, "");
	gt_hold_exit(10, 1, false, false, false);	/* go passed too */
	assert_string_equal(out, "A:20:/a:2 ");
	assert_int_equal(gt_hold_pending(), 0);
}

static void failing_child_of_go_releases_at_once(void **state)
{
	refuse(20, 10, 10, "/a", NULL);
	refuse(20, 10, 10, "/a", NULL);		/* same key: merged */
	gt_hold_exit(20, 10, true, true, true);
	assert_string_equal(out, "R:20:/a:2 ");
}

static void parent_absorbs_a_failed_helper(void **state)
{
	/* a test binary (30) runs a helper (40) that fails as the test expects */
	refuse(40, 30, 10, "/helper", NULL);
	gt_hold_exit(40, 30, true, true, true);
	assert_string_equal(out, "");
	gt_hold_exit(30, 10, false, true, true);
	gt_hold_exit(10, 1, false, false, false);
	assert_string_equal(out, "A:40:/helper:1 ");
}

static void failing_parent_releases_its_childs(void **state)
{
	refuse(40, 30, 10, "/helper", NULL);
	gt_hold_exit(40, 30, true, true, true);
	gt_hold_exit(30, 10, true, true, true);
	assert_string_equal(out, "R:40:/helper:1 ");
}

static void failed_go_releases_its_own(void **state)
{
	refuse(10, 1, 10, "/cache", NULL);
	refuse(20, 10, 10, "/kid", NULL);
	gt_hold_exit(20, 10, false, true, true);
	gt_hold_exit(10, 1, true, false, false);
	/* go's own refusal explains it: the child's absorbed refusal stays absorbed */
	assert_string_equal(out, "R:10:/cache:1 A:20:/kid:1 ");
}

static void failed_go_with_nothing_else_releases_childrens(void **state)
{
	refuse(20, 10, 10, "/kid", NULL);
	gt_hold_exit(20, 10, false, true, true);
	gt_hold_exit(10, 1, true, false, false);
	assert_string_equal(out, "R:20:/kid:1 ");
}

static void no_go_command(void **state)
{
	/* a test binary run on its own (go_pid 0), no traced parent */
	refuse(50, 1, 0, "/x", NULL);
	gt_hold_exit(50, 1, false, false, false);
	refuse(51, 1, 0, "/y", NULL);
	gt_hold_exit(51, 1, true, false, false);
	assert_string_equal(out, "A:50:/x:1 R:51:/y:1 ");
}

static void path_search_found(void **state)
{
	/* gcc (20) probes /root/bin/as, then runs as (21) from /usr/bin */
	refuse(20, 10, 10, "/root/bin/as", "as");
	gt_hold_exec(21, 20, "as");
	assert_string_equal(out, "A:20:/root/bin/as:1 ");
	gt_hold_exit(20, 10, true, true, true);	/* gcc failed later, for another reason */
	assert_string_equal(out, "A:20:/root/bin/as:1 ");
}

static void path_search_in_process(void **state)
{
	/* execvp: execve of the first directory refused, the process execs from the next */
	refuse(20, 10, 10, "/root/bin/git", "git");
	gt_hold_exec(20, 10, "git");
	assert_string_equal(out, "A:20:/root/bin/git:1 ");
}

static void path_search_failed_is_one_finding(void **state)
{
	refuse(20, 10, 10, "/root/bin/gcc", "gcc");
	refuse(20, 10, 10, "/opt/x/bin/gcc", "gcc");
	refuse(20, 10, 10, "/root/bin/gcc", "gcc");
	gt_hold_exec(21, 20, "ld");			/* another program: no help */
	gt_hold_exit(20, 10, true, true, true);
	assert_string_equal(out, "R:20:/root/bin/gcc:3 [proc searched PATH for gcc and ran it "
			    "from no directory; gcc is in /root/bin, /opt/x/bin, refused: why] ");
}

static void path_search_where_it_is_not(void **state)
{
	/* go probes gccgo; the refused directory does not hold it: the refusal hid nothing */
	refuse_miss(20, 10, 10, "/root/bin/gccgo", "gccgo", false);
	refuse(20, 10, 10, "/root/bin/tool", "tool");
	gt_hold_exit(20, 10, true, true, true);
	assert_string_equal(out, "A:20:/root/bin/gccgo:1 R:20:/root/bin/tool:1 [proc searched "
			    "PATH for tool and ran it from no directory; tool is in /root/bin, "
			    "refused: why] ");
}

static void go_gone_absorbs(void **state)
{
	/* a child outliving its go command: nothing to wait for */
	refuse(20, 10, 10, "/a", NULL);
	gt_hold_exit(20, 1, false, false, false);
	assert_string_equal(out, "A:20:/a:1 ");
}

static void full_hold_releases(void **state)
{
	char p[32];

	for (int i = 0; i < 65; i++) {
		snprintf(p, sizeof(p), "/d%d", i);
		refuse(20, 10, 10, p, NULL);
	}
	/* the 65th distinct one finds no room: released at once, counts stay exact */
	assert_string_equal(out, "R:20:/d64:1 ");
	assert_int_equal(gt_hold_pending(), 64);
	gt_hold_exit(20, 10, false, true, true);
	gt_hold_exit(10, 1, false, false, false);
	assert_int_equal(gt_hold_pending(), 0);
}

static void samples_are_distinct_and_bounded(void **state)
{
	struct gt_finding *f = calloc(1, sizeof(*f));
	char p[32];

	gt_finding_sample(f, "mkdirat", "/c/00");
	gt_finding_sample(f, "mkdirat", "/c/00");	/* a repeat: not a new sample */
	gt_finding_sample(f, "openat", "/c/00");	/* another call on it: one */
	assert_int_equal(f->nsamples, 2);
	for (int i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "/c/%d", i);
		gt_finding_sample(f, "openat", p);
	}
	assert_int_equal(f->nsamples, GT_SAMPLES);
	assert_string_equal(f->samples[2].path, "/c/0");
	gt_finding_sample(f, "", NULL);			/* a kill has neither */
	assert_int_equal(f->nsamples, GT_SAMPLES);
	gt_finding_free(f);
}

static void go_named_path_first(void **state)
{
	struct gt_finding *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	/* go writes GOCACHE/README best effort, then fails on mkdir GOCACHE/00 */
	a->go_dir = b->go_dir = GD_GOCACHE;
	strcpy(a->syscall, "openat");
	a->path = strdup("/c/README");
	a->explanation = strdup("readme");
	gt_finding_sample(a, a->syscall, a->path);
	strcpy(b->syscall, "mkdirat");
	b->path = strdup("/c/00");
	b->explanation = strdup("00");
	gt_finding_sample(b, b->syscall, b->path);
	gt_finding_merge(a, b);
	assert_string_equal(a->path, "/c/00");
	assert_string_equal(a->syscall, "mkdirat");
	assert_string_equal(a->explanation, "00");
	assert_int_equal(a->nsamples, 2);
	assert_string_equal(a->samples[0].path, "/c/README");
	/* elsewhere a README is an ordinary path: the first stays */
	free(a->path);
	a->path = strdup("/c/README");
	a->go_dir = GD_MODULE;
	gt_finding_merge(a, b);
	assert_string_equal(a->path, "/c/README");
	gt_finding_free(a);
	gt_finding_free(b);
}

static void probes(void **state)
{
	const char *path = "/root/.local/bin:/usr/local/bin/:/usr/bin:.";
	char n[64];

	assert_true(gt_path_probe("access", "/root/.local/bin/gcc", path, n, sizeof(n)));
	assert_string_equal(n, "gcc");
	assert_true(gt_path_probe("newfstatat", "/usr/local/bin/git", path, n, sizeof(n)));
	assert_string_equal(n, "git");
	assert_true(gt_path_probe("execve", "/usr/bin/as", path, n, sizeof(n)));
	/* not a PATH entry, not a probing call, a deeper path, no PATH */
	assert_false(gt_path_probe("access", "/root/gcc", path, n, sizeof(n)));
	assert_false(gt_path_probe("openat", "/usr/bin/gcc", path, n, sizeof(n)));
	assert_false(gt_path_probe("stat", "/usr/bin/x/gcc", path, n, sizeof(n)));
	assert_false(gt_path_probe("stat", "/usr/bin/gcc", NULL, n, sizeof(n)));
	assert_false(gt_path_probe("stat", "/usr/bin/", path, n, sizeof(n)));
	/* "/" as a PATH entry */
	assert_true(gt_path_probe("stat", "/gcc", "/:/usr/bin", n, sizeof(n)));
}

/*
 * The raw key (what repeats skip diagnosis by) must never merge two refusals
 * that diagnose to different findings: siblings keyed alike are placed alike.
 */
static void raw_key_span(void **state)
{
	static const char block[] = "HOME=/home/u\0PATH=/usr/local/bin:/usr/bin";
	const struct { const char *a, *b; bool same; } pairs[] = {
		/* Go 1.27, HOME unwritable: GOCACHE's parent beside the telemetry dir's */
		{ "/home/u/.cache", "/home/u/.config", false },
		{ "/home/u/.cache/go-build", "/home/u/.cache/other", false },
		{ "/home/u/go", "/home/u/src", false },
		/* one PATH directory's probes stay one held item (the hold is bounded) */
		{ "/usr/local/bin/gcc", "/usr/local/bin/git", true },
		{ "/tmp/go-build1", "/tmp/other", true },
		{ "/home/u/.cache/go-build/00", "/home/u/.cache/go-build/01", true },
		{ "/home/u/x/a", "/home/u/x/b", true },
	};
	struct gt_goenv env = { 0 };
	struct gt_godirs g;

	gt_goenv_parse(&env, block, sizeof(block));
	gt_godirs_compute(&g, &env, "/usr/lib/go/bin/go", NULL);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const char *a = pairs[i].a, *b = pairs[i].b;
		size_t na = gt_raw_key_span(a, &g, "mkdir", env.v[GE_PATH]);
		size_t nb = gt_raw_key_span(b, &g, "access", env.v[GE_PATH]);
		bool same = na == nb && !strncmp(a, b, na);

		if (same)
			assert_int_equal(gt_go_dir_placed(&g, a, GT_ROLE_GO, NULL),
					 gt_go_dir_placed(&g, b, GT_ROLE_GO, NULL));
		assert_int_equal(same, pairs[i].same);
	}
	/* the whole path for the way to GOCACHE, its directory otherwise */
	assert_int_equal(gt_raw_key_span("/home/u/.cache", &g, "mkdir", NULL), 14);
	assert_int_equal(gt_raw_key_span("/home/u/.config", &g, "mkdir", NULL), 15); /* GOENV */
	assert_int_equal(gt_raw_key_span("/home/u/src", &g, "mkdir", NULL), 7);
	assert_int_equal(gt_raw_key_span("/home/u/.config", NULL, "mkdir", NULL), 7);
	assert_int_equal(gt_raw_key_span("/x", NULL, "mkdir", NULL), 0);
	assert_int_equal(gt_raw_key_span("rel", NULL, "mkdir", NULL), 0);
	assert_int_equal(gt_raw_key_span(NULL, &g, "mkdir", NULL), 0);
	gt_godirs_free(&g);
	gt_goenv_free(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(passing_process_absorbs, setup, teardown),
		cmocka_unit_test_setup_teardown(failing_child_of_go_releases_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(parent_absorbs_a_failed_helper, setup, teardown),
		cmocka_unit_test_setup_teardown(failing_parent_releases_its_childs, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_go_releases_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_go_with_nothing_else_releases_childrens, setup,
						teardown),
		cmocka_unit_test_setup_teardown(no_go_command, setup, teardown),
		cmocka_unit_test_setup_teardown(path_search_found, setup, teardown),
		cmocka_unit_test_setup_teardown(path_search_in_process, setup, teardown),
		cmocka_unit_test_setup_teardown(path_search_failed_is_one_finding, setup, teardown),
		cmocka_unit_test_setup_teardown(path_search_where_it_is_not, setup, teardown),
		cmocka_unit_test_setup_teardown(go_gone_absorbs, setup, teardown),
		cmocka_unit_test_setup_teardown(full_hold_releases, setup, teardown),
		cmocka_unit_test(samples_are_distinct_and_bounded),
		cmocka_unit_test(go_named_path_first),
		cmocka_unit_test(probes),
		cmocka_unit_test(raw_key_span),
	};

	return cmocka_run_group_tests_name("hold", tests, NULL, NULL);
}
