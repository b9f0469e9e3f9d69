// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The flood: make N denied calls as fast as possible and say how many.
 * Installed as .../bin/go so the kernel side takes it for a go command and
 * traces it. Each call is an open of a file under a directory only root may
 * enter, made after dropping to an unprivileged uid: EACCES every time.
 * Usage: go DENIED_DIR N [UID]
 * Prints "calls N denied D seconds S cpu C" (C: its own CPU seconds).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	char path[4096];
	long n, denied = 0;
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DENIED_DIR N [UID]\n", argv[0]);
		return 2;
	}
	n = atol(argv[2]);
	uid = argc > 3 ? (uid_t)atol(argv[3]) : 65534;
	snprintf(path, sizeof(path), "%s/f", argv[1]);
	if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			       setresuid(uid, uid, uid))) {
		perror("dropping privileges");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		long r = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);

		if (r < 0 && errno == EACCES)
			denied++;
		else if (r >= 0)
			close(r);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	getrusage(RUSAGE_SELF, &ru);
	printf("calls %ld denied %ld seconds %.3f cpu %.3f\n", n, denied,
	       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return denied == n ? 0 : 1;
}
