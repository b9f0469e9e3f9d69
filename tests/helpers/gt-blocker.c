// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Block in read(2) until SIGUSR1 interrupts it (EINTR), then make one more
 * failing call and exit. For testing a thread that was inside a syscall
 * when gotraced attached. Prints "blocked" once it is about to block.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART: read fails */
	char c;
	int fds[2];

	sigaction(SIGUSR1, &sa, NULL);
	if (pipe(fds))
		return 1;
	printf("blocked\n");
	fflush(stdout);
	if (read(fds[0], &c, 1) < 0 && errno == EINTR)
		printf("interrupted\n");
	/* refused by the test's seccomp filter, if any */
	if (getpriority(PRIO_PROCESS, 0) == -1 && errno)
		printf("getpriority: %s\n", strerror(errno));
	fflush(stdout);
	return 0;
}
