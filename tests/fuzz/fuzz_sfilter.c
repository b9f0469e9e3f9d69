// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The seccomp interpreter on arbitrary programs: the first bytes are the
 * call's seccomp_data, the rest is split into up to three filters (a byte
 * says where). A program gt_sf_check lets through must run to a RET
 * without reading outside itself or seccomp_data; one it refuses must
 * never be run by the chain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seccomp_data sd;
	struct gt_sf chain[3];
	struct sock_filter *insns;
	size_t n, left, at = 0;
	int k = 0;

	if (size < sizeof(sd) + 1)
		return 0;
	memcpy(&sd, data, sizeof(sd));
	data += sizeof(sd);
	size -= sizeof(sd);
	n = (size - 1) / sizeof(*insns);
	if (n > 3 * GT_SF_MAXINSNS)
		return 0;
	/* an exact-size copy: ASan sees any read past the program */
	insns = malloc(n ? n * sizeof(*insns) : 1);
	if (!insns)
		return 0;
	memcpy(insns, data + 1, n * sizeof(*insns));
	left = n;
	for (int i = 0; i < 3 && left; i++) {
		size_t len = i == 2 ? left : (data[0] >> (3 * i) & 7) + 1;

		if (len > left)
			len = left;
		chain[k].insns = insns + at;
		chain[k].len = len;
		if (gt_sf_check(chain[k].insns, len) == 0)
			(void)gt_sf_run(chain[k].insns, len, &sd);
		at += len;
		left -= len;
		k++;
	}
	if (k) {
		long long r = gt_sf_chain_run(chain, k, &sd);

		if (r >= 0)
			(void)gt_sf_answered((__u32)r, (int)(sd.args[0] & 4095), sd.nr & 1);
	}
	free(insns);
	return 0;
}
