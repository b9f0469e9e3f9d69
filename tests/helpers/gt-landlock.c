// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Run a command under a Landlock ruleset: the rights named with --handle are
 * refused everywhere except below the --allow paths. Usage:
 *   gt-landlock --handle write|exec [--allow PATH]... -- CMD [ARGS...]
 * "write" covers creating, writing and removing; "exec" executing files.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WRITE_RIGHTS (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
		      LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
		      LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
		      LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
		      LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

static int usage(void)
{
	fputs("usage: gt-landlock --handle write|exec [--allow PATH]... -- CMD [ARGS]\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct landlock_ruleset_attr ra = {};
	int i = 1, fd;

	if (argc < 4 || strcmp(argv[1], "--handle"))
		return usage();
	if (!strcmp(argv[2], "write"))
		ra.handled_access_fs = WRITE_RIGHTS;
	else if (!strcmp(argv[2], "exec"))
		ra.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE;
	else
		return usage();
	fd = syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (fd < 0) {
		fprintf(stderr, "gt-landlock: Landlock unavailable: %s\n", strerror(errno));
		return 3;
	}
	for (i = 3; i + 1 < argc && !strcmp(argv[i], "--allow"); i += 2) {
		struct landlock_path_beneath_attr pb = { .allowed_access = ra.handled_access_fs };

		pb.parent_fd = open(argv[i + 1], O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0) {
			fprintf(stderr, "gt-landlock: %s: %s\n", argv[i + 1], strerror(errno));
			return 1;
		}
		/* a file (not a directory) may only carry file rights */
		if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0)) {
			pb.allowed_access &= LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE;
			if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0)) {
				fprintf(stderr, "gt-landlock: rule %s: %s\n", argv[i + 1],
					strerror(errno));
				return 1;
			}
		}
		close(pb.parent_fd);
	}
	if (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc)
		return usage();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_landlock_restrict_self, fd, 0)) {
		fprintf(stderr, "gt-landlock: restricting: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	execvp(argv[i + 1], &argv[i + 1]);
	fprintf(stderr, "gt-landlock: %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}
