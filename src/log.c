// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

bool gt_verbose;

void gt_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	if (level)
		fprintf(stderr, "gotraced: %s: ", level);
	else
		fputs("gotraced: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
