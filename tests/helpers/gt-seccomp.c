// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Run a command under a seccomp filter that refuses some syscalls, the way
 * container runtimes do. Usage:
 *   gt-seccomp errno:EPERM|kill|trap SYSCALL[,SYSCALL...] -- CMD [ARGS...]
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
	fputs("usage: gt-seccomp errno:ERRNO|kill|trap SYSCALL[,SYSCALL...] -- CMD [ARGS]\n",
	      stderr);
	return 2;
}

static int errno_of(const char *name)
{
	static const struct { const char *n; int e; } t[] = {
		{ "EPERM", EPERM }, { "EACCES", EACCES }, { "ENOSYS", ENOSYS },
		{ "ENOSPC", ENOSPC }, { "EROFS", EROFS },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].n))
			return t[i].e;
	return -1;
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	uint32_t action;
	char *list, *name;
	int err;

	if (argc < 5 || strcmp(argv[3], "--"))
		return usage();
	if (!strncmp(argv[1], "errno:", 6) && errno_of(argv[1] + 6) > 0)
		action = SCMP_ACT_ERRNO(errno_of(argv[1] + 6));
	else if (!strcmp(argv[1], "kill"))
		action = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(argv[1], "trap"))
		action = SCMP_ACT_TRAP;
	else
		return usage();

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 1;
	list = strdup(argv[2]);
	for (name = strtok(list, ","); name; name = strtok(NULL, ",")) {
		int nr = seccomp_syscall_resolve_name(name);

		if (nr == __NR_SCMP_ERROR) {
			fprintf(stderr, "gt-seccomp: unknown syscall %s\n", name);
			return 2;
		}
		err = seccomp_rule_add(ctx, action, nr, 0);
		if (err) {
			fprintf(stderr, "gt-seccomp: %s: %s\n", name, strerror(-err));
			return 1;
		}
	}
	err = seccomp_load(ctx);
	if (err) {
		fprintf(stderr, "gt-seccomp: loading the filter: %s\n", strerror(-err));
		return 1;
	}
	execvp(argv[4], &argv[4]);
	fprintf(stderr, "gt-seccomp: %s: %s\n", argv[4], strerror(errno));
	return 127;
}
