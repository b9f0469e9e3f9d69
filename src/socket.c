// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "classify.h"
#include "log.h"
#include "socket.h"

#define MAX_CLIENTS	64
#define MAX_FILTERS	8
#define REQ_MAX		512

/* One event, shared by the replay ring and every client queue holding it. */
struct line {
	unsigned refs;
	char *json, *text;
	size_t json_len, text_len;
	pid_t pid, go_pid;
	char type;			/* 'f'inding, 'e'xit, 'l'ost */
	char cause[24], go_dir[16];
};

struct client {
	int fd;
	bool tailing, text, closing;	/* closing: status sent, close once written */
	char req[REQ_MAX];
	size_t req_len;
	pid_t pids[MAX_FILTERS];
	char causes[MAX_FILTERS][24], dirs[MAX_FILTERS][16];
	int npids, ncauses, ndirs;
	struct line **q;		/* ring of cap + 1: one slot kept for a "lost" line */
	unsigned head, len, cap;
	size_t off;			/* bytes of the head line already sent */
	unsigned long long lost;	/* not yet told */
	bool want_out;			/* EPOLLOUT registered */
};

static struct {
	int lfd, epfd;
	char *path;
	dev_t dev;			/* the socket file we bound: unlink only that one */
	ino_t ino;
	struct gt_sock_opts o;
	struct line **ring;		/* the last o.replay events */
	unsigned ring_head, ring_len;
	struct client *c[MAX_CLIENTS];
	struct gt_sock_stats st;
} S = { .lfd = -1, .epfd = -1 };

static void line_put(struct line *l)
{
	if (l && --l->refs == 0) {
		free(l->json);
		free(l->text);
		free(l);
	}
}

static void client_free(int i)
{
	struct client *c = S.c[i];

	for (unsigned k = 0; k < c->len; k++)
		line_put(c->q[(c->head + k) % (c->cap + 1)]);
	epoll_ctl(S.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->q);
	free(c);
	S.c[i] = NULL;
	S.st.clients--;
}

static void set_out(struct client *c, bool on)
{
	struct epoll_event e = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };

	if (c->want_out == on)
		return;
	c->want_out = on;
	epoll_ctl(S.epfd, EPOLL_CTL_MOD, c->fd, &e);
}

/* Send what the socket takes now; returns -1 when the client is gone. */
static int client_flush(struct client *c)
{
	while (c->len) {
		struct line *l = c->q[c->head];
		const char *buf = c->text ? l->text : l->json;
		size_t len = c->text ? l->text_len : l->json_len;
		ssize_t n;

		if (!buf || c->off >= len) {
			n = 0;
		} else {
			n = send(c->fd, buf + c->off, len - c->off, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				set_out(c, true);
				return 0;
			}
			if (n < 0)
				return -1;
		}
		c->off += n;
		if (buf && c->off < len)
			continue;
		line_put(l);
		c->head = (c->head + 1) % (c->cap + 1);
		c->len--;
		c->off = 0;
	}
	set_out(c, false);
	return c->closing ? -1 : 0;
}

static struct line *lost_line(unsigned long long n)
{
	struct timespec ts;
	struct line *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	l->refs = 1;
	l->type = 'l';
	l->json = gt_lost_line(S.o.sink, ts.tv_sec * 1000000000ULL + ts.tv_nsec, n,
			       "events (this client read too slowly)", false, &l->json_len);
	l->text = gt_lost_line(S.o.sink, ts.tv_sec * 1000000000ULL + ts.tv_nsec, n,
			       "events (this client read too slowly)", true, &l->text_len);
	return l;
}

static void push(struct client *c, struct line *l)
{
	c->q[(c->head + c->len) % (c->cap + 1)] = l;
	c->len++;
}

/* Tell the client what it lost, if there is room; the spare slot guarantees some. */
static void tell_lost(struct client *c)
{
	struct line *l;

	if (!c->lost || c->len > c->cap)
		return;
	l = lost_line(c->lost);
	if (!l)
		return;
	push(c, l);
	c->lost = 0;
}

static void enqueue(struct client *c, struct line *l)
{
	tell_lost(c);
	if (c->lost || c->len >= c->cap) {
		c->lost++;
		S.st.client_lost++;
		return;
	}
	l->refs++;
	push(c, l);
}

static bool wanted(const struct client *c, const struct line *l)
{
	int i;

	if (l->type == 'l')
		return true;	/* losses concern every client */
	if (c->npids) {
		for (i = 0; i < c->npids; i++)
			if (c->pids[i] == l->pid || (l->go_pid && c->pids[i] == l->go_pid))
				break;
		if (i == c->npids)
			return false;
	}
	if (c->ncauses) {
		for (i = 0; i < c->ncauses; i++)
			if (!strcmp(c->causes[i], l->cause))
				break;
		if (i == c->ncauses)
			return false;
	}
	if (c->ndirs) {
		for (i = 0; i < c->ndirs; i++)
			if (!strcmp(c->dirs[i], l->go_dir))
				break;
		if (i == c->ndirs)
			return false;
	}
	return true;
}

void gt_sock_tap(const struct gt_event_view *ev, void *ctx)
{
	struct line *l;

	if (S.lfd < 0 || !ev->json || !ev->text)
		return;
	l = calloc(1, sizeof(*l));
	if (!l)
		return;
	l->refs = 1;
	l->json = strndup(ev->json, ev->json_len);
	l->text = strndup(ev->text, ev->text_len);
	l->json_len = ev->json_len;
	l->text_len = ev->text_len;
	l->pid = ev->pid;
	l->go_pid = ev->go_pid;
	l->type = ev->type[0];
	if (ev->f) {
		const char *d = gt_go_dir_name(ev->f->go_dir);

		snprintf(l->cause, sizeof(l->cause), "%s", gt_cause_name(ev->f->cause));
		snprintf(l->go_dir, sizeof(l->go_dir), "%s", d ? d : "");
	}
	if (!l->json || !l->text) {
		line_put(l);
		return;
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = S.c[i];

		if (!c || !c->tailing || !wanted(c, l))
			continue;
		enqueue(c, l);
		if (client_flush(c))
			client_free(i);
	}
	if (S.o.replay) {
		unsigned slot = (S.ring_head + S.ring_len) % S.o.replay;

		if (S.ring_len == S.o.replay) {
			line_put(S.ring[S.ring_head]);
			S.ring_head = (S.ring_head + 1) % S.o.replay;
			slot = (S.ring_head + S.ring_len - 1) % S.o.replay;
		} else {
			S.ring_len++;
		}
		S.ring[slot] = l;
	} else {
		line_put(l);
	}
}

static void add_filter(struct client *c, const char *w)
{
	if (!strncmp(w, "pid=", 4) && c->npids < MAX_FILTERS)
		c->pids[c->npids++] = atoi(w + 4);
	else if (!strncmp(w, "cause=", 6) && c->ncauses < MAX_FILTERS)
		snprintf(c->causes[c->ncauses++], sizeof(c->causes[0]), "%s", w + 6);
	else if (!strncmp(w, "go_dir=", 7) && c->ndirs < MAX_FILTERS)
		snprintf(c->dirs[c->ndirs++], sizeof(c->dirs[0]), "%s", w + 7);
}

/* A full request line: start tailing, or answer status and close. */
static int handle_request(struct client *c)
{
	char *save = NULL, *w = strtok_r(c->req, " \t\r", &save);

	if (w && !strcmp(w, "status")) {
		struct line *l = calloc(1, sizeof(*l));

		if (!l)
			return -1;
		l->refs = 1;
		l->json = S.o.status(S.o.status_ctx, &l->json_len);
		push(c, l);
		c->closing = true;
		return client_flush(c);
	}
	if (!w || strcmp(w, "tail"))
		return -1;
	while ((w = strtok_r(NULL, " \t\r", &save))) {
		if (!strcmp(w, "text")) {
			c->text = true;
		} else if (!strcmp(w, "json")) {
			c->text = false;
		} else if (!strcmp(w, "replay")) {
			for (unsigned k = 0; k < S.ring_len; k++) {
				struct line *l = S.ring[(S.ring_head + k) % S.o.replay];

				if (wanted(c, l))
					enqueue(c, l);
			}
		} else {
			add_filter(c, w);
		}
	}
	c->tailing = true;
	return client_flush(c);
}

static int client_read(struct client *c)
{
	char buf[256];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	if (c->tailing || c->closing)
		return 0;	/* requests are one line; ignore the rest */
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			c->req[c->req_len] = '\0';
			return handle_request(c);
		}
		if (c->req_len == REQ_MAX - 1)
			return -1;
		c->req[c->req_len++] = buf[i];
	}
	return 0;
}

static void accept_clients(void)
{
	for (;;) {
		int fd = accept4(S.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), i;
		struct epoll_event e = { .events = EPOLLIN };
		struct client *c;

		if (fd < 0)
			return;
		for (i = 0; i < MAX_CLIENTS && S.c[i]; i++)
			;
		c = i < MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (c) {
			c->cap = S.o.client_queue;
			c->q = calloc(c->cap + 1, sizeof(*c->q));
		}
		if (!c || !c->q) {
			if (i == MAX_CLIENTS)
				gt_warn("socket: %d clients already; refusing one", MAX_CLIENTS);
			if (c)
				free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		/* lag is counted in our queue, not hidden in a large kernel buffer */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ 32768 }, sizeof(int));
		e.data.ptr = c;
		if (epoll_ctl(S.epfd, EPOLL_CTL_ADD, fd, &e)) {
			free(c->q);
			free(c);
			close(fd);
			continue;
		}
		S.c[i] = c;
		S.st.clients++;
		S.st.accepted++;
	}
}

void gt_sock_service(void)
{
	struct epoll_event ev[16];
	int n;

	if (S.epfd < 0)
		return;
	while ((n = epoll_wait(S.epfd, ev, 16, 0)) > 0) {
		for (int k = 0; k < n; k++) {
			struct client *c = ev[k].data.ptr;
			int i, bad = 0;

			if (!c) {
				accept_clients();
				continue;
			}
			for (i = 0; i < MAX_CLIENTS && S.c[i] != c; i++)
				;
			if (i == MAX_CLIENTS)
				continue;	/* freed earlier in this batch */
			if (ev[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				bad = client_read(c);
			if (!bad && (ev[k].events & EPOLLOUT))
				bad = client_flush(c);
			if (bad)
				client_free(i);
		}
		if (n < 16)
			break;
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (!S.c[i] || !S.c[i]->lost)
			continue;
		tell_lost(S.c[i]);
		if (client_flush(S.c[i]))
			client_free(i);
	}
}

int gt_sock_fd(void)
{
	return S.epfd;
}

void gt_sock_stats(struct gt_sock_stats *s)
{
	*s = S.st;
}

/* Mode 0660, root and the group; without the group, root only (events name others' paths). */
static int secure_socket(const char *path, const char *group)
{
	struct group *g = group && group[0] ? getgrnam(group) : NULL;

	if (!g && group && group[0])
		gt_warn("socket: no group '%s'; only root may connect to %s", group, path);
	if (chown(path, 0, g ? g->gr_gid : 0) || chmod(path, g ? 0660 : 0600)) {
		gt_err("socket: securing %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Is a daemon listening on path? Only connecting tells a live socket from a
 * killed daemon's leftover file. Non-blocking: a full backlog (EAGAIN) is a
 * live daemon too. *pid: the listener's, from its credentials, 0 unknown.
 */
static bool listening(const struct sockaddr_un *a, pid_t *pid)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct ucred cr = {};
	socklen_t len = sizeof(cr);
	bool live;

	*pid = 0;
	if (fd < 0)
		return false;
	live = !connect(fd, (const struct sockaddr *)a, sizeof(*a)) || errno == EAGAIN;
	if (live && !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		*pid = cr.pid;
	close(fd);
	return live;
}

int gt_sock_open(const struct gt_sock_opts *o)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = NULL };
	struct stat sb;
	char *dir = NULL, *slash;
	mode_t old;
	pid_t pid;
	int err, dfd = -1;

	S.o = *o;
	if (strlen(o->path) >= sizeof(a.sun_path)) {
		gt_err("socket: path too long: %s", o->path);
		return -1;
	}
	strcpy(a.sun_path, o->path);
	/* outside systemd (no RuntimeDirectory=) make the directory ourselves */
	dir = strdup(o->path);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			gt_warn("socket: cannot create %s: %s", dir, strerror(errno));
	}
	/*
	 * Two daemons starting at once: the directory's lock orders their
	 * check-unlink-bind, so the second sees the first one listening.
	 */
	dfd = open(slash && slash != dir ? dir : slash ? "/" : ".",
		   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd >= 0)
		flock(dfd, LOCK_EX);
	if (!lstat(o->path, &sb) && S_ISSOCK(sb.st_mode)) {
		if (listening(&a, &pid)) {
			char who[32] = "";

			if (pid)
				snprintf(who, sizeof(who), " (pid %d)", pid);
			if (o->busy_ok)
				gt_warn("socket: another gotraced%s is already running and serving "
					"%s; this one serves no socket (gotraced tail reads the "
					"other's)", who, o->path);
			else
				gt_err("socket: another gotraced%s is already running and serving "
				       "%s; stop it first, or give this one another --socket "
				       "PATH or --no-socket", who, o->path);
			close(dfd);
			S.lfd = -1;
			return o->busy_ok ? 1 : -1;
		}
		/* a stale socket from a killed daemon; never remove anything else */
		unlink(o->path);
	}
	S.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (S.lfd < 0)
		goto fail;
	old = umask(0177);	/* no window in which others could connect */
	err = bind(S.lfd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (err || listen(S.lfd, 16))
		goto fail;
	S.path = strdup(o->path);
	if (!lstat(o->path, &sb)) {
		S.dev = sb.st_dev;
		S.ino = sb.st_ino;
	}
	if (dfd >= 0)
		close(dfd);	/* listening now: a newcomer's connect sees us */
	dfd = -1;
	if (secure_socket(o->path, o->group))
		goto fail_quiet;
	S.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (S.epfd < 0 || epoll_ctl(S.epfd, EPOLL_CTL_ADD, S.lfd, &e))
		goto fail;
	if (o->replay) {
		S.ring = calloc(o->replay, sizeof(*S.ring));
		if (!S.ring)
			goto fail;
	}
	return 0;
fail:
	gt_err("socket %s: %s", o->path, strerror(errno));
fail_quiet:
	if (dfd >= 0)
		close(dfd);
	gt_sock_close();
	return -1;
}

void gt_sock_close(void)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (!S.c[i])
			continue;
		tell_lost(S.c[i]);
		client_flush(S.c[i]);	/* last lines, as far as the socket takes them */
		client_free(i);
	}
	for (unsigned k = 0; k < S.ring_len; k++)
		line_put(S.ring[(S.ring_head + k) % S.o.replay]);
	free(S.ring);
	S.ring = NULL;
	S.ring_len = 0;
	if (S.lfd >= 0) {
		struct stat sb;

		close(S.lfd);
		/* not a newer daemon's socket that replaced ours at the path */
		if (S.path && !lstat(S.path, &sb) && sb.st_dev == S.dev && sb.st_ino == S.ino)
			unlink(S.path);
	}
	if (S.epfd >= 0)
		close(S.epfd);
	free(S.path);
	S.path = NULL;
	S.lfd = S.epfd = -1;
}
