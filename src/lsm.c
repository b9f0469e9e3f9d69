// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include "lsm.h"

const char *gt_active_lsms(void)
{
	static char list[256];
	static int done;
	FILE *f;

	if (done)
		return list[0] ? list : NULL;
	done = 1;
	f = fopen("/sys/kernel/security/lsm", "re");
	/* systemd mounts securityfs at boot; a bare VM or container may not have */
	if (!f && errno == ENOENT &&
	    !mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL))
		f = fopen("/sys/kernel/security/lsm", "re");
	if (!f)
		return NULL;
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	return list[0] ? list : NULL;
}

bool gt_lsm_active(const char *name)
{
	const char *lsms = gt_active_lsms(), *p;
	size_t n = strlen(name);

	for (p = lsms; p && (p = strstr(p, name)); p += n)
		if ((p == lsms || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}
