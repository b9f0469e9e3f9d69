// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * /proc/PID/mountinfo text as libmount and gt_mounts_lookup_file() see it.
 * Input: the path to look up on the first line, the mountinfo after it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct gt_mount_facts m;
	char file[64], *path;
	size_t plen = nl ? (size_t)(nl - data) : size;
	int fd;

	path = strndup((const char *)data, plen);
	if (!path)
		return 0;
	fd = memfd_create("mountinfo", MFD_CLOEXEC);
	if (fd < 0) {
		free(path);
		return 0;
	}
	if (nl && write(fd, nl + 1, size - plen - 1) < 0)
		goto out;
	snprintf(file, sizeof(file), "/proc/self/fd/%d", fd);
	gt_mounts_lookup_file(file, path, &m);
	if (m.known && (!memchr(m.target, 0, sizeof(m.target)) || !memchr(m.fstype, 0, sizeof(m.fstype))))
		abort();
out:
	close(fd);
	free(path);
	return 0;
}
