// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Load generator for the reliability tests: makes a number of refused calls
 * the test knows exactly. Copied to a name gotraced tracks (.../go, *.test).
 *
 *   gt-stress deny N PATH [GAP_US]  N x mkdir(PATH); prints "denied D"
 *   gt-stress chain DEPTH PATH      fork a chain DEPTH deep; the deepest makes
 *                                   one mkdir(PATH), prints "deep PID PPID"
 *   gt-stress burst K PATH          K children one after another, each makes
 *                                   one mkdir(PATH) and exits; "denied D"
 *   gt-stress at PID PROG ARG...    run PROG with exactly this pid (clone3
 *                                   set_tid; needs CAP_CHECKPOINT_RESTORE)
 *
 * GT_STRESS_DISTINCT=1: deny makes mkdir(PATH.i), a name per call, so no two
 * calls are repeats (the kernel counts repeats of one call without sending them).
 * GT_STRESS_HOLD=FILE: before exiting, wait until FILE exists (so the exit
 * record is queued only when the test says so). Exit status 0 when every
 * call was refused; GT_STRESS_EXIT=N makes it N instead: a go that fails
 * because of its refusals (gotraced holds a refusal until its process ends,
 * and one whose process exits 0 is absorbed, no finding).
 */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int refused(const char *path)
{
	return mkdir(path, 0755) < 0 && (errno == EACCES || errno == EPERM);
}

static void hold(void)
{
	const char *f = getenv("GT_STRESS_HOLD");
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	while (f && access(f, F_OK))
		nanosleep(&ts, NULL);
}

/* the status when every call was refused as intended */
static int refused_status(void)
{
	const char *s = getenv("GT_STRESS_EXIT");

	return s ? atoi(s) : 0;
}

static int done(long want, long got)
{
	printf("denied %ld\n", got);
	fflush(stdout);
	hold();
	return got == want ? refused_status() : 1;
}

static int deny(long n, const char *path, long gap_us)
{
	struct timespec ts = { gap_us / 1000000, gap_us % 1000000 * 1000 };
	long got = 0;

	const char *distinct = getenv("GT_STRESS_DISTINCT");
	char p[4096];

	for (long i = 0; i < n; i++) {
		/* distinct names: no two calls are repeats the kernel could count as one */
		if (distinct && *distinct == '1')
			snprintf(p, sizeof(p), "%s.%ld", path, i);
		else
			snprintf(p, sizeof(p), "%s", path);
		got += refused(p);
		if (gap_us)
			nanosleep(&ts, NULL);
	}
	return done(n, got);
}

static int chain(int depth, const char *path)
{
	int st;
	pid_t c;

	if (depth <= 1) {
		int ok = refused(path);

		printf("deep %d %d\n", getpid(), getppid());
		fflush(stdout);
		return ok ? refused_status() : 1;
	}
	c = fork();
	if (c < 0)
		return 1;
	if (c == 0)
		_exit(chain(depth - 1, path));
	if (waitpid(c, &st, 0) != c)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int burst(long k, const char *path)
{
	long got = 0;

	for (long i = 0; i < k; i++) {
		int st;
		pid_t c = fork();

		if (c < 0) {
			perror("fork");
			break;
		}
		if (c == 0)
			_exit(refused(path) ? 0 : 1);
		if (waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			got++;
	}
	return done(k, got);
}

static int at(pid_t pid, char **cmd)
{
	struct clone_args ca = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	pid_t tid = pid, c;
	int st;

	ca.set_tid = (unsigned long)&tid;
	c = syscall(SYS_clone3, &ca, sizeof(ca));
	if (c < 0) {
		fprintf(stderr, "gt-stress: clone3 with pid %d: %s\n", pid, strerror(errno));
		return 125;
	}
	if (c == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (waitpid(c, &st, 0) != c)
		return 126;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "deny"))
		return deny(atol(argv[2]), argv[3], argc > 4 ? atol(argv[4]) : 0);
	if (argc == 4 && !strcmp(argv[1], "chain"))
		return chain(atoi(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "burst"))
		return burst(atol(argv[2]), argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "at"))
		return at(atoi(argv[2]), argv + 3);
	fprintf(stderr, "usage: gt-stress deny N PATH [GAP_US] | chain DEPTH PATH | "
		"burst K PATH | at PID PROG ARG...\n");
	return 2;
}
