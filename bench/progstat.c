// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The cost of a BPF program's own body, which machine load blurs far less
 * than a loop's wall or CPU time: with the kernel's run-time statistics on
 * (BPF_ENABLE_STATS, held only while this runs), the nanoseconds per run of
 * each program while CMD runs. A PROG is a program's name or its id (other
 * daemons on the machine may hold programs of the same name).
 * Usage: progstat PROG[,PROG...] CMD [ARG...]
 * Prints one line per program found: NAME NS_PER_RUN RUNS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>

#define MAX_PROGS 16

struct prog {
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
	__u64 ns, cnt;
};

static int snapshot(struct prog *p, int n, const char *names, int *found)
{
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);
		char want[256];

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			close(fd);
			continue;
		}
		close(fd);
		snprintf(want, sizeof(want), ",%s,", names);
		for (int i = 0; i < *found; i++) {
			if (p[i].id == id) {
				p[i].ns = info.run_time_ns - p[i].ns;
				p[i].cnt = info.run_cnt - p[i].cnt;
				goto next;
			}
		}
		if (n && *found < MAX_PROGS) {
			char key[BPF_OBJ_NAME_LEN + 2], idkey[16];

			snprintf(key, sizeof(key), ",%s,", info.name);
			snprintf(idkey, sizeof(idkey), ",%u,", id);
			if (strstr(want, key) || strstr(want, idkey)) {
				p[*found] = (struct prog){ .id = id, .ns = info.run_time_ns,
							   .cnt = info.run_cnt };
				snprintf(p[*found].name, sizeof(p[*found].name), "%s", info.name);
				(*found)++;
			}
		}
next:;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct prog p[MAX_PROGS];
	int found = 0, stats_fd, status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: progstat PROG[,PROG...] CMD [ARG...]\n");
		return 2;
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "progstat: BPF_ENABLE_STATS: %s\n", strerror(errno));
		return 1;
	}
	snapshot(p, 1, argv[1], &found);
	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "progstat: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	snapshot(p, 0, argv[1], &found);
	close(stats_fd);
	for (int i = 0; i < found; i++)
		printf("%s %.1f %llu\n", p[i].name, p[i].cnt ? (double)p[i].ns / p[i].cnt : 0.0,
		       (unsigned long long)p[i].cnt);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
