// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Load and attach the empty sys_exit program the way gotraced loads its own
 * (skeleton, tp_btf), say "ready" on stderr, and hold it until a signal.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "empty.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(void)
{
	struct empty_bpf *skel = empty_bpf__open_and_load();
	int ret = 1;

	if (!skel) {
		perror("loading empty.bpf.o");
		return 1;
	}
	if (empty_bpf__attach(skel)) {
		perror("attaching");
		goto cleanup;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "empty: ready\n");
	while (!stop)
		pause();
	ret = 0;
cleanup:
	empty_bpf__destroy(skel);
	return ret;
}
