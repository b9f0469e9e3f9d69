// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Repeats counted in the kernel: handed on once each, exactly, and forgotten at exit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "repeats.h"

/* a fake kernel map: a few keys and their counts */
#define NK 4
static struct { struct gt_rep_key k; struct gt_rep_val v; bool used; } map[NK];
static unsigned long replayed, replays;
static __u32 last_flags;
static __u64 last_ts;
static int reads, batches;
static bool batch_works;

static int fake_read(const struct gt_rep_key *k, struct gt_rep_val *v, bool del, void *ctx)
{
	reads++;
	for (int i = 0; i < NK; i++) {
		if (map[i].used && !memcmp(&map[i].k, k, sizeof(*k))) {
			*v = map[i].v;
			if (del)
				map[i].used = false;
			return 0;
		}
	}
	return -1;
}

static int fake_batch(void (*fn)(const struct gt_rep_key *, const struct gt_rep_val *, void *),
		      void *arg, void *ctx)
{
	if (!batch_works)
		return -1;
	batches++;
	for (int i = 0; i < NK; i++)
		if (map[i].used)
			fn(&map[i].k, &map[i].v, arg);
	return 0;
}

static void replay(const struct gt_syserr_event *e, size_t size, __u32 flags, unsigned long n)
{
	replayed += n;
	replays++;
	last_flags = flags;
	last_ts = e->hdr.ts_ns;
}

static void record(struct gt_syserr_event *e, __u32 pid, __u64 start, __u64 hash)
{
	memset(e, 0, sizeof(*e));
	e->hdr.type = GT_EV_SYSERR;
	e->hdr.size = sizeof(*e);
	e->hdr.pid = pid;
	e->hdr.start_ns = start;
	e->limits.flags = GT_SE_REPEATS;
	e->rep.tgid = pid;
	e->rep.start_ns = start;
	e->rep.path_hash = hash;
}

static int setup(void **state)
{
	memset(map, 0, sizeof(map));
	replayed = replays = 0;
	reads = batches = 0;
	batch_works = true;
	gt_repeats_init(replay);
	gt_repeats_source(fake_read, fake_batch, NULL);
	return 0;
}

static int teardown(void **state)
{
	gt_repeats_free_all();
	return 0;
}

static void counts_handed_on_once(void **state)
{
	struct gt_syserr_event e;

	record(&e, 10, 100, 1);
	gt_repeats_note(&e, sizeof(e), GT_SE_SKIPPED);
	gt_repeats_note(&e, sizeof(e), GT_SE_SKIPPED);	/* a second thread sent it too */
	assert_int_equal(gt_repeats_keys(), 1);
	map[0].k = e.rep;
	map[0].used = true;
	map[0].v.count = 5;
	map[0].v.last_ns = 77;
	gt_repeats_drain(-1, false);
	assert_int_equal(replayed, 5);
	assert_int_equal(last_flags, GT_SE_SKIPPED);	/* as the first record was judged */
	assert_int_equal(last_ts, 77);
	gt_repeats_drain(-1, false);			/* nothing new: nothing handed on */
	assert_int_equal(replays, 1);
	map[0].v.count = 8;
	gt_repeats_drain(10, true);			/* the process ended */
	assert_int_equal(replayed, 8);
	assert_false(map[0].used);			/* taken out of the kernel's map */
	assert_int_equal(gt_repeats_keys(), 0);
}

static void without_batch_reads_key_by_key(void **state)
{
	struct gt_syserr_event a, b;

	batch_works = false;
	record(&a, 10, 100, 1);
	record(&b, 11, 200, 2);
	gt_repeats_note(&a, sizeof(a), 0);
	gt_repeats_note(&b, sizeof(b), 0);
	map[0].k = a.rep;
	map[0].used = true;
	map[0].v.count = 2;
	map[1].k = b.rep;
	map[1].used = true;
	map[1].v.count = 3;
	gt_repeats_drain(-1, false);
	assert_int_equal(replayed, 5);
	assert_int_equal(reads, 2);
	gt_repeats_drain(11, true);
	assert_int_equal(gt_repeats_keys(), 1);
	assert_true(map[0].used);
	assert_false(map[1].used);
}

static void reused_pid_ends_the_earlier_process(void **state)
{
	struct gt_syserr_event a, b;

	record(&a, 10, 100, 1);
	record(&b, 10, 300, 1);		/* same pid, later start: another process */
	gt_repeats_note(&a, sizeof(a), 0);
	map[0].k = a.rep;
	map[0].used = true;
	map[0].v.count = 4;
	gt_repeats_note(&b, sizeof(b), 0);
	assert_int_equal(replayed, 4);	/* the earlier one's counts, read as it is dropped */
	assert_false(map[0].used);
	assert_int_equal(gt_repeats_keys(), 1);
}

static void records_without_a_key_are_not_followed(void **state)
{
	struct gt_syserr_event e;

	record(&e, 10, 100, 1);
	e.limits.flags = 0;
	gt_repeats_note(&e, sizeof(e), 0);
	record(&e, 10, 100, 1);
	e.rep.tgid = 11;		/* a key that is not the record's process: corrupt */
	gt_repeats_note(&e, sizeof(e), 0);
	assert_int_equal(gt_repeats_keys(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts_handed_on_once, setup, teardown),
		cmocka_unit_test_setup_teardown(without_batch_reads_key_by_key, setup, teardown),
		cmocka_unit_test_setup_teardown(reused_pid_ends_the_earlier_process, setup, teardown),
		cmocka_unit_test_setup_teardown(records_without_a_key_are_not_followed, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("repeats", tests, NULL, NULL);
}
