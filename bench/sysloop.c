// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A syscall-bound loop for the overhead benchmark: prints the fastest
 * round's CPU nanoseconds per call (the least disturbed by other load on the
 * machine) and the median round's, of a successful call (getppid), a
 * failing one the tracer filters early (close(-1): EBADF) and a failing
 * path lookup (faccessat of a missing file: ENOENT).
 * Usage: sysloop [CALLS_PER_ROUND [ROUNDS [CALL]]] (CALL: one of the names below)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * The thread's own CPU time, not the wall clock: on a loaded machine the
 * loop is descheduled for whole time slices, which a wall clock would
 * charge to the syscalls.
 */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Raw syscall(2) so libc caches and vDSO never stand in for the kernel. */
static void call(int kind)
{
	switch (kind) {
	case 0:
		syscall(SYS_getppid);
		break;
	case 1:
		syscall(SYS_close, -1);
		break;
	case 2:
		syscall(SYS_faccessat, AT_FDCWD, "/nonexistent-gotraced-bench", F_OK, 0);
		break;
	}
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "getppid_ok", "close_EBADF", "faccessat_ENOENT" };
	long calls = argc > 1 ? atol(argv[1]) : 1000000;
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	double *r = calloc(rounds, sizeof(*r));

	if (!r || calls <= 0 || rounds <= 0)
		return 2;
	for (int k = 0; k < 3; k++) {
		if (argc > 3 && strcmp(argv[3], names[k]))
			continue;
		for (int i = 0; i < rounds; i++) {
			double t0 = now_ns();

			for (long n = 0; n < calls; n++)
				call(k);
			r[i] = (now_ns() - t0) / calls;
		}
		qsort(r, rounds, sizeof(*r), cmp);
		printf("%s %.1f %.1f\n", names[k], r[0], r[rounds / 2]);
	}
	free(r);
	return 0;
}
