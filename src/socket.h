/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The live-event socket: `gotraced tail` and `gotraced status` connect to a
 * Unix stream socket (mode 0660, root and one group). A client sends one
 * request line:
 *   tail [text|json] [replay] [pid=N]... [cause=C]... [go_dir=D]...
 *   status
 * and then reads lines. Writes never block the daemon: each client has a
 * bounded queue; what does not fit is counted and the client is told with a
 * "lost" line as soon as there is room again.
 */
#ifndef GT_SOCKET_H
#define GT_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include "render.h"

struct gt_sock_opts {
	const char *path;
	const char *group;		/* who may connect; NULL or missing: root only */
	bool busy_ok;			/* another daemon serving path: warn and serve none */
	unsigned replay;		/* events kept for replay */
	unsigned client_queue;		/* lines a client may lag */
	const struct gt_sink *sink;	/* for the time stamps of "lost" lines */
	/* builds the status line (JSON, '\n' ended; caller frees) */
	char *(*status)(void *ctx, size_t *len);
	void *status_ctx;
};

struct gt_sock_stats {
	unsigned clients;
	unsigned long long accepted, client_lost;
};

/*
 * Listen on o->path. A socket file nobody listens on (a killed daemon's) is
 * replaced; one a live daemon serves is left alone: -1 (said so), or with
 * o->busy_ok 1 (warned) and no socket served. 0 when serving.
 */
int gt_sock_open(const struct gt_sock_opts *o);
void gt_sock_close(void);
/* the gt_sink tap: queue the event for every client that wants it */
void gt_sock_tap(const struct gt_event_view *ev, void *ctx);
/* an epoll fd that is readable when a client or the listener needs service */
int gt_sock_fd(void);
/* accept, read requests, write queues; never blocks */
void gt_sock_service(void);
void gt_sock_stats(struct gt_sock_stats *s);

#endif
