// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "config.h"
#include "log.h"

#ifndef GT_VERSION
#define GT_VERSION "0.1.0"
#endif

static const char usage[] =
"Usage: gotraced [OPTIONS]                 follow every Go build and test on the machine\n"
"       gotraced [OPTIONS] --pid PID        follow PID and all its descendants\n"
"       gotraced [OPTIONS] -- CMD [ARGS]    run CMD traced and exit with its status\n"
"\n"
"Explains why `go build`, `go test` and `go run` fail: permission denials,\n"
"read-only and full file systems, noexec mounts, resource limits, kills.\n"
"\n"
"Options:\n"
"  -p, --pid PID          follow PID and its descendants (repeatable)\n"
"  -o, --output FILE      write events to FILE (appended) instead of stdout\n"
"  -f, --format FMT       text or json (default: text on a terminal, else json)\n"
"  -a, --all-errors       report every failed syscall of Go processes\n"
"      --flush-ms MS      gather repeats of a finding for up to MS ms (default 1000)\n"
"      --probe            show which kernel mechanism each capability uses here\n"
"  -v, --verbose          debug messages on stderr\n"
"      --report github    with a command: each finding as a GitHub Actions ::error and\n"
"                         a table in $GITHUB_STEP_SUMMARY (default when GITHUB_ACTIONS=true;\n"
"                         --report none turns it off)\n"
"      --junit FILE       with a command: a JUnit XML report, a testcase per go command\n"
"\n"
"Service options (also settable as key=value in the --config file):\n"
"      --config FILE      read settings from FILE first (command-line flags win)\n"
"      --journal          also send findings to the journal, with GOTRACED_* fields\n"
"      --socket PATH      serve live events to `gotraced tail` on a Unix socket\n"
"                         (machine-wide as root: /run/gotraced/events.sock by default)\n"
"      --no-socket        serve no socket, not even the default one\n"
"      --socket-group GRP group that may connect (default gotraced; socket mode 0660)\n"
"      --replay N         keep the last N events for `tail --since-start` (default 1000)\n"
"      --client-queue N   lines a slow client may lag before it loses some (default 4096)\n"
"      --metrics-file F   keep Prometheus metrics in F (atomically replaced), for\n"
"                         node_exporter's textfile collector\n"
"  -h, --help             this help\n"
"  -V, --version          print the version\n"
"\n"
"       gotraced tail [--pid PID] [--cause C] [--go-dir D] [--since-start] [-f text|json]\n"
"       gotraced status [--socket PATH]\n"
"\n"
"Exit status: 0 stopped normally; 2 bad usage or cannot trace;\n"
"in run mode, CMD's status (128+N when killed by signal N).\n";

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_argv(int argc, char **argv, struct gt_config *cfg)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "all-errors", no_argument, NULL, 'a' },
		{ "flush-ms", required_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "probe", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "config", required_argument, NULL, GT_OPT_CONFIG },
		{ "journal", no_argument, NULL, GT_OPT_JOURNAL },
		{ "socket", required_argument, NULL, GT_OPT_SOCKET },
		{ "no-socket", no_argument, NULL, GT_OPT_NO_SOCKET },
		{ "socket-group", required_argument, NULL, GT_OPT_SOCKET_GROUP },
		{ "replay", required_argument, NULL, GT_OPT_REPLAY },
		{ "client-queue", required_argument, NULL, GT_OPT_CLIENT_QUEUE },
		{ "metrics-file", required_argument, NULL, GT_OPT_METRICS_FILE },
		{ "report", required_argument, NULL, GT_OPT_REPORT },
		{ "junit", required_argument, NULL, GT_OPT_JUNIT },
		{},
	};
	char **orig_argv = argv;
	int orig_argc = argc;
	unsigned long v;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->flush_ms = 1000;
	cfg->socket_group = "gotraced";
	cfg->replay = 1000;
	cfg->client_queue = 4096;
	cfg->report_github = -1;
	/* the config file's settings go in front of the flags, so the flags win */
	if (gt_config_expand(&argc, &argv))
		return -1;
	optind = 1;
	opterr = 0;
	/* '+': stop at the first non-option so CMD's own flags stay CMD's */
	while ((c = getopt_long(argc, argv, "+p:o:f:avhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_uint(optarg, INT_MAX, &v) || v == 0) {
				gt_err("--pid: '%s' is not a process id", optarg);
				return -1;
			}
			if (cfg->npids == GT_MAX_PIDS) {
				gt_err("--pid: at most %d processes", GT_MAX_PIDS);
				return -1;
			}
			cfg->pids[cfg->npids++] = v;
			break;
		case 'o':
			cfg->output = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text")) {
				cfg->format = GT_FMT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				cfg->format = GT_FMT_JSON;
			} else {
				gt_err("--format: '%s' is not text or json", optarg);
				return -1;
			}
			break;
		case 'a':
			cfg->all_errors = true;
			break;
		case 'F':
			if (parse_uint(optarg, 3600 * 1000, &v)) {
				gt_err("--flush-ms: '%s' is not a number of milliseconds", optarg);
				return -1;
			}
			cfg->flush_ms = v;
			break;
		case 'v':
			cfg->verbose = true;
			break;
		case 'P':
			cfg->probe = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'V':
			printf("gotraced %s\n", GT_VERSION);
			return 1;
		case GT_OPT_CONFIG:
			cfg->config = optarg;
			break;
		case GT_OPT_JOURNAL:
			cfg->journal = true;
			break;
		case GT_OPT_SOCKET:
			/* the later of --socket and --no-socket wins; an empty path is no socket */
			cfg->socket = optarg[0] ? optarg : NULL;
			cfg->no_socket = !optarg[0];
			break;
		case GT_OPT_NO_SOCKET:
			cfg->socket = NULL;
			cfg->no_socket = true;
			break;
		case GT_OPT_SOCKET_GROUP:
			cfg->socket_group = optarg;
			break;
		case GT_OPT_REPORT:
			if (strcmp(optarg, "github") && strcmp(optarg, "none")) {
				gt_err("--report: '%s' is not github or none", optarg);
				return -1;
			}
			cfg->report_github = !strcmp(optarg, "github");
			break;
		case GT_OPT_JUNIT:
			if (!optarg[0]) {
				gt_err("--junit: needs a file name");
				return -1;
			}
			cfg->junit = optarg;
			break;
		case GT_OPT_METRICS_FILE:
			cfg->metrics_file = optarg[0] ? optarg : NULL;
			break;
		case GT_OPT_REPLAY:
		case GT_OPT_CLIENT_QUEUE:
			if (parse_uint(optarg, 1000000, &v) || (c == GT_OPT_CLIENT_QUEUE && !v)) {
				gt_err("--%s: '%s' is not a count",
				       c == GT_OPT_REPLAY ? "replay" : "client-queue", optarg);
				return -1;
			}
			*(c == GT_OPT_REPLAY ? &cfg->replay : &cfg->client_queue) = v;
			break;
		case '?':
			if (optopt)
				gt_err("option -%c: unknown or missing its value (see --help)", optopt);
			else
				gt_err("option '%s' is unknown or misses its value (see --help)",
				       argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		/* a command only after "--", so a stray word is not run by mistake */
		if (optind == 1 || strcmp(argv[optind - 1], "--")) {
			gt_err("unexpected argument '%s' (to run a command: gotraced -- CMD)",
			       argv[optind]);
			return -1;
		}
		cfg->cmd = &argv[optind];
	}
	if (!cfg->cmd && (cfg->junit || cfg->report_github == 1)) {
		gt_err("--junit and --report report on a command: gotraced --junit FILE -- CMD");
		return -1;
	}
	if (cfg->cmd && cfg->npids) {
		gt_err("--pid and a command to run cannot be combined");
		return -1;
	}
	cfg->argc = orig_argc;
	cfg->argv = orig_argv;
	return 0;
}
