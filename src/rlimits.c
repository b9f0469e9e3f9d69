// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rlimits.h"

/*
 * Indexed by RLIMIT_* (asm-generic/resource.h, the same on x86-64 and arm64).
 * "what" is also how /proc/PID/limits names the row ("Max open files").
 */
static const struct gt_rlimit_desc rlimits[] = {
	{ "RLIMIT_CPU", "cpu time", "cpu", "t", "LimitCPU" },
	{ "RLIMIT_FSIZE", "file size", "fsize", "f", "LimitFSIZE" },
	{ "RLIMIT_DATA", "data size", "data", "d", "LimitDATA" },
	{ "RLIMIT_STACK", "stack size", "stack", "s", "LimitSTACK" },
	{ "RLIMIT_CORE", "core file size", "core", "c", "LimitCORE" },
	{ "RLIMIT_RSS", "resident set", "rss", "m", "LimitRSS" },
	{ "RLIMIT_NPROC", "processes", "nproc", "u", "LimitNPROC" },
	{ "RLIMIT_NOFILE", "open files", "nofile", "n", "LimitNOFILE" },
	{ "RLIMIT_MEMLOCK", "locked memory", "memlock", "l", "LimitMEMLOCK" },
	{ "RLIMIT_AS", "address space", "as", "v", "LimitAS" },
	{ "RLIMIT_LOCKS", "file locks", "locks", "x", "LimitLOCKS" },
	{ "RLIMIT_SIGPENDING", "pending signals", "sigpending", "i", "LimitSIGPENDING" },
	{ "RLIMIT_MSGQUEUE", "msgqueue size", "msgqueue", "q", "LimitMSGQUEUE" },
	{ "RLIMIT_NICE", "nice priority", "nice", "e", "LimitNICE" },
	{ "RLIMIT_RTPRIO", "realtime priority", "rtprio", "r", "LimitRTPRIO" },
	{ "RLIMIT_RTTIME", "realtime timeout", "rttime", "R", "LimitRTTIME" },
};

const struct gt_rlimit_desc *gt_rlimit(int res)
{
	if (res < 0 || res >= (int)(sizeof(rlimits) / sizeof(rlimits[0])))
		return NULL;
	return &rlimits[res];
}

int gt_rlimit_hard(int pid, const struct gt_rlimit_desc *d, unsigned long long *hard,
		   int *unlimited)
{
	char path[64], line[256], want[64], soft[32], hardw[32];
	FILE *fp;
	int r = -1;

	snprintf(path, sizeof(path), "/proc/%d/limits", pid);
	snprintf(want, sizeof(want), "Max %s ", d->what);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, want, strlen(want)))
			continue;
		/* "Max open files            1024                 524288               files" */
		if (sscanf(line + strlen(want), "%31s %31s", soft, hardw) == 2) {
			*unlimited = !strcmp(hardw, "unlimited");
			*hard = *unlimited ? 0 : strtoull(hardw, NULL, 10);
			r = 0;
		}
		break;
	}
	fclose(fp);
	return r;
}
