// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * argv and environment blocks as the kernel copied them at exec: any bytes,
 * any length, NULs anywhere or nowhere. Also the path helpers fed from them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so reading past the block is caught */
	char *block = malloc(size ? size : 1);
	struct gt_argv a = {}, a2 = {};
	struct gt_goenv e = {}, e2 = {};

	if (!block)
		return 0;
	memcpy(block, data, size);
	gt_argv_parse(&a, block, size);
	if (a.argc < 0 || (a.argc && !a.argv) || (a.argv && a.argv[a.argc]))
		abort();
	gt_argv_copy(&a2, &a);
	gt_goenv_parse(&e, block, size);
	gt_goenv_copy(&e2, &e);
	/* the environment's directories end up joined and cleaned */
	for (int i = 0; i < GE_MAX; i++) {
		char *p = e.v[i] ? gt_path_join(e.v[GE_PWD], e.v[i]) : NULL;

		if (p) {
			gt_path_under(p, e.v[GE_HOME] ? e.v[GE_HOME] : "/");
			free(p);
		}
	}
	if (a.argc >= 2) {
		char *p = gt_path_join(a.argv[0], a.argv[1]);

		free(p);
	}
	gt_argv_free(&a);
	gt_argv_free(&a2);
	gt_goenv_free(&e);
	gt_goenv_free(&e2);
	free(block);
	return 0;
}
