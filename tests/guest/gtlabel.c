// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * gtlabel CONTEXT FILE...: set FILEs' SELinux label (security.selinux), as
 * chcon would; busybox has no setfattr. gtlabel -g FILE prints the label.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

#define XATTR "security.selinux"

int main(int argc, char **argv)
{
	char buf[256];
	ssize_t n;
	int i, rc = 0;

	if (argc == 3 && !strcmp(argv[1], "-g")) {
		n = getxattr(argv[2], XATTR, buf, sizeof(buf) - 1);
		if (n < 0) {
			fprintf(stderr, "gtlabel: %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: gtlabel CONTEXT FILE... | gtlabel -g FILE\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (setxattr(argv[i], XATTR, argv[1], strlen(argv[1]) + 1, 0)) {
			fprintf(stderr, "gtlabel: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
		}
	}
	return rc;
}
