// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* gotraced: why did go build / go test fail? */
#include "cli.h"
#include <string.h>
#include "log.h"
#include "tail.h"
#include "tracer.h"

int main(int argc, char **argv)
{
	struct gt_config cfg;
	int r;

	/* the clients of a running daemon, before the daemon's own flags */
	if (argc > 1 && !strcmp(argv[1], "tail"))
		return gt_tail_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "status"))
		return gt_status_main(argc - 1, argv + 1);
	r = parse_argv(argc, argv, &cfg);
	if (r)
		return r > 0 ? 0 : 2;
	gt_verbose = cfg.verbose;
	return gt_trace(&cfg);
}
