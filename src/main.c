// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* gotraced: why did go build / go test fail? */
#include "cli.h"
#include "log.h"
#include "tracer.h"

int main(int argc, char **argv)
{
	struct gt_config cfg;
	int r = parse_argv(argc, argv, &cfg);

	if (r)
		return r > 0 ? 0 : 2;
	gt_verbose = cfg.verbose;
	return gt_trace(&cfg);
}
