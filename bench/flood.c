// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The flood: make N denied calls as fast as possible and say how many.
 * Installed as .../bin/go so the kernel side takes it for a go command and
 * traces it. Each call is an open of a file under a directory only root may
 * enter, made after dropping to an unprivileged uid: EACCES every time.
 * THREADS threads (default: one per CPU) share the N calls, so the machine
 * is offered as many calls per second as it can make.
 * Usage: go DENIED_DIR N [THREADS [UID]]
 * Prints "calls N denied D seconds S cpu C parent_ticks T": C its own CPU
 * seconds, T its parent's CPU ticks (utime + stime) when the flood began,
 * so the caller can tell the daemon's CPU during the flood from its start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char path[4096];
static atomic_long next_call, denied;
static long n;

static void *flood(void *arg)
{
	long mine = 0;

	/* claim calls in batches: one atomic add per 1024 calls */
	for (;;) {
		long first = atomic_fetch_add(&next_call, 1024), last = first + 1024;

		if (first >= n)
			break;
		if (last > n)
			last = n;
		for (long i = first; i < last; i++) {
			long r = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);

			if (r < 0 && errno == EACCES)
				mine++;
			else if (r >= 0)
				close(r);
		}
	}
	atomic_fetch_add(&denied, mine);
	return NULL;
}

/* utime + stime of a process, in clock ticks (fields 14 and 15 of stat) */
static long long cpu_ticks(pid_t pid)
{
	unsigned long long ut = 0, st = 0;
	char p[64], buf[1024], *s;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	f = fopen(p, "r");
	if (!f)
		return -1;
	s = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!s || !(s = strrchr(buf, ')')))
		return -1;
	if (sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return ut + st;
}

int main(int argc, char **argv)
{
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t tid[256];
	struct timespec a, b;
	struct rusage ru;
	long long parent;
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DENIED_DIR N [THREADS [UID]]\n", argv[0]);
		return 2;
	}
	n = atol(argv[2]);
	if (argc > 3 && atol(argv[3]) > 0)
		threads = atol(argv[3]);
	if (threads < 1)
		threads = 1;
	if (threads > 256)
		threads = 256;
	uid = argc > 4 ? (uid_t)atol(argv[4]) : 65534;
	snprintf(path, sizeof(path), "%s/f", argv[1]);
	if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			       setresuid(uid, uid, uid))) {
		perror("dropping privileges");
		return 2;
	}
	parent = cpu_ticks(getppid());
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, flood, NULL)) {
			threads = i;
			break;
		}
	for (long i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	getrusage(RUSAGE_SELF, &ru);
	printf("calls %ld denied %ld seconds %.3f cpu %.3f parent_ticks %lld threads %ld\n", n,
	       (long)denied, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6, parent, threads);
	return denied == n ? 0 : 1;
}
