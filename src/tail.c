// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The clients of the live socket: `gotraced tail` and `gotraced status`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "log.h"
#include "tail.h"

static const char tail_usage[] =
"Usage: gotraced tail [OPTIONS]     print the events of the running gotraced as they come\n"
"       gotraced status [--socket PATH]\n"
"\n"
"  -p, --pid PID       only events of PID or of the go command PID (repeatable)\n"
"  -c, --cause CAUSE   only findings with this cause: permission, noexec... (repeatable)\n"
"  -d, --go-dir DIR    only findings on this Go location: GOCACHE, TMPDIR... (repeatable)\n"
"  -s, --since-start   first replay the events the daemon still holds\n"
"  -f, --format FMT    text or json (default: text on a terminal, else json)\n"
"  -S, --socket PATH   default " GT_SOCKET_DEFAULT "\n"
"\n"
"Only root and members of the socket's group may connect. A client that reads\n"
"too slowly loses events and gets a \"lost\" line with their number.\n"
"Exit status: 0 when the daemon ends the stream; 2 when it cannot connect.\n";

static int connect_to(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		gt_err("socket path too long: %s", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;

		gt_err("cannot connect to %s: %s%s", path, strerror(e),
		       e == EACCES ? " (root and the socket's group only)" :
		       e == ENOENT || e == ECONNREFUSED ? " (is gotraced running?)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= n;
	}
	return 0;
}

/* Copy the stream to stdout until the daemon closes it. */
static int copy_out(int fd)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf)), off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			gt_err("reading events: %s", strerror(errno));
			return 1;
		}
		if (n == 0)
			return 0;
		while (off < n) {
			ssize_t w = write(STDOUT_FILENO, buf + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return errno == EPIPE ? 0 : 1;
			off += w;
		}
	}
}

/* A filter word must not smuggle a space or newline into the request line. */
static int word_ok(const char *opt, const char *v)
{
	if (!*v || strpbrk(v, " \t\r\n")) {
		gt_err("--%s: '%s' is not a single word", opt, v);
		return 0;
	}
	return 1;
}

int gt_tail_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "cause", required_argument, NULL, 'c' },
		{ "go-dir", required_argument, NULL, 'd' },
		{ "since-start", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *path = GT_SOCKET_DEFAULT;
	char *req = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&req, &len);
	int c, fd, text = isatty(STDOUT_FILENO), replay = 0, ret = 2;
	char *end;
	long pid;

	if (!m)
		return 2;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:c:d:sf:S:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pid = strtol(optarg, &end, 10);
			if (*end || end == optarg || pid <= 0) {
				gt_err("--pid: '%s' is not a process id", optarg);
				goto cleanup;
			}
			fprintf(m, " pid=%ld", pid);
			break;
		case 'c':
			if (!word_ok("cause", optarg))
				goto cleanup;
			fprintf(m, " cause=%s", optarg);
			break;
		case 'd':
			if (!word_ok("go-dir", optarg))
				goto cleanup;
			fprintf(m, " go_dir=%s", optarg);
			break;
		case 's':
			replay = 1;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				gt_err("--format: '%s' is not text or json", optarg);
				goto cleanup;
			}
			text = !strcmp(optarg, "text");
			break;
		case 'S':
			path = optarg;
			break;
		case 'h':
			fputs(tail_usage, stdout);
			ret = 0;
			goto cleanup;
		default:
			gt_err("tail: option '%s' is unknown or misses its value (see tail --help)",
			       argv[optind - 1]);
			goto cleanup;
		}
	}
	if (optind < argc) {
		gt_err("tail: unexpected argument '%s'", argv[optind]);
		goto cleanup;
	}
	if (fclose(m))
		return 2;
	m = NULL;
	fd = connect_to(path);
	if (fd < 0)
		goto cleanup;
	{
		char *line = NULL;

		/* filters before replay: the daemon applies them to the replayed events too */
		if (asprintf(&line, "tail %s%s%s\n", text ? "text" : "json", req ? req : "",
			     replay ? " replay" : "") < 0 || send_all(fd, line)) {
			gt_err("cannot send the request: %s", strerror(errno));
			free(line);
			close(fd);
			goto cleanup;
		}
		free(line);
	}
	ret = copy_out(fd);
	close(fd);
cleanup:
	if (m)
		fclose(m);
	free(req);
	return ret;
}

int gt_status_main(int argc, char **argv)
{
	const char *path = GT_SOCKET_DEFAULT;
	int fd, ret;

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--socket") || !strcmp(argv[i], "-S")) && i + 1 < argc) {
			path = argv[++i];
		} else if (!strncmp(argv[i], "--socket=", 9)) {
			path = argv[i] + 9;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(tail_usage, stdout);
			return 0;
		} else {
			gt_err("status: unexpected argument '%s'", argv[i]);
			return 2;
		}
	}
	fd = connect_to(path);
	if (fd < 0)
		return 2;
	if (send_all(fd, "status\n")) {
		close(fd);
		return 2;
	}
	ret = copy_out(fd);
	close(fd);
	return ret;
}
