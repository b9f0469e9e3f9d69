// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <bpf/bpf.h>
#include "findings.h"
#include "hold.h"
#include "journal.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "output.h"
#include "repeats.h"
#include "ringbuf.h"
#include "report.h"
#include "service.h"
#include "socket.h"
#include "tail.h"

#ifndef GT_VERSION
#define GT_VERSION "0.1.0"
#endif

static struct {
	const struct gt_config *cfg;
	struct gt_state *st;
	struct gt_bpf *b;
	const char *output;		/* the events file now, NULL: stdout */
	const char *sock_path;		/* the socket served, NULL: none */
	const char *metrics;		/* --metrics-file, NULL: none */
	bool metrics_failed;		/* said once, until a write works again */
	struct timespec metrics_last;
	bool journal, socket, stopping;
	int epfd;			/* ring buffer + socket */
	time_t start, last_status;
	char *mechanisms[32];
	int nmech;
	unsigned long long events;
	char status[256];
} V = { .epfd = -1 };

static void count_tap(const struct gt_event_view *ev, void *ctx)
{
	V.events++;
}

static void journal_tap(const struct gt_event_view *ev, void *ctx)
{
	if (V.journal)		/* may be switched by SIGHUP */
		gt_journal_tap(ev, ctx);
}

static __u64 kernel_stat(enum gt_stat k)
{
	__u64 s[GT_STAT_MAX] = {};

	if (!V.b || gt_bpf_stats(V.b, s))
		return 0;
	return s[k];
}

static __u64 kernel_lost(void)
{
	return kernel_stat(GT_STAT_LOST);
}

static const char *mode(void)
{
	return V.cfg->cmd ? "run" : V.cfg->npids ? "pids" : "machine-wide";
}

static void write_metrics(void)
{
	struct gt_metrics_gauges g = {
		.version = GT_VERSION, .mode = mode(), .start_time = V.start,
		.events = V.events, .failed_calls = V.st->errors,
		.pending_findings = gt_findings_pending(), .programs = V.nmech,
	};
	struct gt_sock_stats ss = {};
	static __u64 s[GT_STAT_MAX];	/* the last read: the maps are gone at the final write */

	if (!V.metrics)
		return;
	gt_sock_stats(&ss);
	g.clients = ss.clients;

	if (V.b && V.b->obj) {
		__u64 now[GT_STAT_MAX];

		if (!gt_bpf_stats(V.b, now))
			memcpy(s, now, sizeof(s));
	}
	/* the kinds from the loader's table, so a new kind shows without a change here */
	for (int i = 0; i < gt_nlosses && g.nlost < 14; i++) {
		g.lost[g.nlost].kind = gt_losses[i].kind;
		g.lost[g.nlost++].n = s[gt_losses[i].stat];
	}
	g.lost[g.nlost].kind = "client";
	g.lost[g.nlost++].n = ss.client_lost;
	g.lost[g.nlost].kind = "output";
	g.lost[g.nlost++].n = V.st->sink.dropped;
	clock_gettime(CLOCK_MONOTONIC, &V.metrics_last);
	if (gt_metrics_write(V.metrics, &g)) {
		if (!V.metrics_failed)
			gt_warn("cannot write metrics to %s: %s (tracing goes on)", V.metrics,
				strerror(errno));
		V.metrics_failed = true;
	} else if (V.metrics_failed) {
		gt_info("metrics written to %s again", V.metrics);
		V.metrics_failed = false;
	}
}

static char *status_json(void *ctx, size_t *len)
{
	struct gt_sock_stats ss = {};
	struct gt_json j;
	char *sinks[4];
	int ns = 0;

	gt_sock_stats(&ss);
	/* what the kernel counted as repeats so far: held_calls and failed_calls exact now */
	gt_repeats_drain(-1, false);
	if (gt_json_begin(&j))
		return NULL;
	sinks[ns++] = V.output ? (char *)V.output : "stdout";
	if (V.journal)
		sinks[ns++] = "journal";
	if (V.socket)
		sinks[ns++] = (char *)V.sock_path;
	if (V.metrics)
		sinks[ns++] = (char *)V.metrics;
	gt_json_str(&j, "type", "status");
	gt_json_str(&j, "version", GT_VERSION);
	gt_json_int(&j, "pid", getpid());
	gt_json_str(&j, "mode", mode());
	gt_json_int(&j, "uptime_s", time(NULL) - V.start);
	gt_json_strv(&j, "mechanisms", V.mechanisms, V.nmech);
	gt_json_strv(&j, "sinks", sinks, ns);
	gt_json_int(&j, "events", V.events);
	gt_json_int(&j, "findings", V.st->findings);
	gt_json_int(&j, "failed_calls", V.st->errors);
	gt_json_int(&j, "pending_findings", gt_findings_pending());
	gt_json_int(&j, "absorbed", V.st->absorbed);
	gt_json_int(&j, "held_calls", gt_hold_pending());
	gt_json_int(&j, "kernel_lost", kernel_lost());
	gt_json_int(&j, "kernel_repeats", kernel_stat(GT_STAT_REPEATS));
	gt_json_obj(&j, "kernel_losses");
	for (int i = 0; i < gt_nlosses; i++)
		gt_json_int(&j, gt_losses[i].kind, kernel_stat(gt_losses[i].stat));
	gt_json_obj_end(&j);
	gt_json_int(&j, "client_lost", ss.client_lost);
	gt_json_int(&j, "clients", ss.clients ? ss.clients - 1 : 0);	/* not the asker */
	gt_json_int(&j, "replay", V.cfg->replay);
	return gt_json_end(&j, len);
}

static long long real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Run mode on a CI: its own report formats (GITHUB_ACTIONS is set by every Actions runner). */
static void report_start(const struct gt_config *cfg, struct gt_state *st)
{
	const char *gha = getenv("GITHUB_ACTIONS");
	static char command[512];
	struct gt_report_opts o = {
		.github = cfg->report_github == 1 ||
			  (cfg->report_github == -1 && gha && !strcmp(gha, "true")),
		.summary = getenv("GITHUB_STEP_SUMMARY"), .junit = cfg->junit,
		.out_fd = STDOUT_FILENO, .command = command, .start_ns = real_ns(),
	};
	size_t n = 0;

	for (int i = 0; cfg->cmd[i] && n < sizeof(command) - 1; i++) {
		int w = snprintf(command + n, sizeof(command) - n, "%s%s", i ? " " : "", cfg->cmd[i]);

		n = w < 0 ? sizeof(command) : n + w;
	}
	gt_report_init(&o);
	if (o.github || o.junit)
		gt_sink_add_tap(&st->sink, gt_report_tap, NULL);
}

void gt_service_finish(int status)
{
	gt_report_finish(status, real_ns());
}

int gt_service_start(const struct gt_config *cfg, struct gt_state *st)
{
	V.cfg = cfg;
	V.st = st;
	V.start = time(NULL);
	V.journal = cfg->journal;
	V.output = cfg->output;
	gt_sink_add_tap(&st->sink, count_tap, NULL);
	gt_sink_add_tap(&st->sink, journal_tap, NULL);
	V.metrics = cfg->metrics_file;
	gt_metrics_reset();
	gt_sink_add_tap(&st->sink, gt_metrics_tap, NULL);
	if (cfg->cmd)
		report_start(cfg, st);
	V.sock_path = cfg->socket;
	/*
	 * Machine-wide as root the stream is there without being asked for, so
	 * `gotraced tail` just works; if another daemon already serves it, this
	 * one says so and goes on without (an explicit --socket is an error).
	 */
	if (!V.sock_path && !cfg->no_socket && !cfg->cmd && !cfg->npids && !cfg->probe &&
	    geteuid() == 0)
		V.sock_path = GT_SOCKET_DEFAULT;
	if (V.sock_path) {
		struct gt_sock_opts o = {
			.path = V.sock_path, .group = cfg->socket_group, .replay = cfg->replay,
			.client_queue = cfg->client_queue, .sink = &st->sink,
			.status = status_json, .busy_ok = !cfg->socket,
		};
		int r = gt_sock_open(&o);

		if (r < 0)
			return -1;
		if (r > 0) {
			V.sock_path = NULL;
			return 0;
		}
		gt_sink_add_tap(&st->sink, gt_sock_tap, NULL);
		V.socket = true;
	}
	return 0;
}

static const char *attach_name(const struct bpf_link_info *l)
{
	if (l->type == BPF_LINK_TYPE_TRACING) {
		switch (l->tracing.attach_type) {
		case BPF_TRACE_RAW_TP: return "tp_btf";
		case BPF_TRACE_FENTRY: return "fentry";
		case BPF_TRACE_FEXIT: return "fexit";
		case BPF_LSM_MAC: return "lsm";
		default: return "tracing";
		}
	}
	if (l->type == BPF_LINK_TYPE_RAW_TRACEPOINT)
		return "raw_tp";
	if (l->type == BPF_LINK_TYPE_PERF_EVENT)
		return "tracepoint";
	return "link";
}

/*
 * Which programs are attached, and how: read from our own link fds, so it
 * says what really runs whatever the loader chose (and needs no
 * CAP_SYS_ADMIN, unlike looking programs up by id).
 */
static void find_mechanisms(void)
{
	struct { __u32 id, type; char name[BPF_OBJ_NAME_LEN]; } progs[64];
	int np = 0, pass;
	DIR *d;
	struct dirent *e;

	for (pass = 0; pass < 2; pass++) {
		d = opendir("/proc/self/fd");
		if (!d)
			return;
		while ((e = readdir(d))) {
			char target[64];
			int fd = atoi(e->d_name);
			ssize_t n = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);

			if (n <= 0)
				continue;
			target[n] = '\0';
			if (pass == 0 && !strcmp(target, "anon_inode:bpf-prog") && np < 64) {
				struct bpf_prog_info pi = {};
				__u32 len = sizeof(pi);

				if (!bpf_obj_get_info_by_fd(fd, &pi, &len)) {
					progs[np].id = pi.id;
					progs[np].type = pi.type;
					memcpy(progs[np++].name, pi.name, BPF_OBJ_NAME_LEN);
				}
			} else if (pass == 1 && !strcmp(target, "anon_inode:bpf_link") &&
				   V.nmech < 32) {
				struct bpf_link_info li = {};
				__u32 len = sizeof(li);
				const char *name = "?", *how;
				__u32 type = 0;

				if (bpf_obj_get_info_by_fd(fd, &li, &len))
					continue;
				for (int i = 0; i < np; i++)
					if (progs[i].id == li.prog_id)
						name = progs[i].name, type = progs[i].type;
				how = attach_name(&li);
				/* tp_btf links are raw tracepoint links of a tracing program */
				if (type == BPF_PROG_TYPE_TRACING && li.type == BPF_LINK_TYPE_RAW_TRACEPOINT)
					how = "tp_btf";
				asprintf(&V.mechanisms[V.nmech++], "%s:%s", how, name);
			}
		}
		closedir(d);
	}
}

static void make_status(char *buf, size_t size)
{
	struct gt_sock_stats ss = {};

	gt_sock_stats(&ss);
	snprintf(buf, size, "tracing %s with %d programs; %lu findings (%lu failed calls), "
		 "%llu lost, %llu processes untracked, %u clients", mode(), V.nmech,
		 V.st->findings, V.st->errors, (unsigned long long)kernel_lost() + ss.client_lost,
		 (unsigned long long)kernel_stat(GT_STAT_PROCS_FULL), ss.clients);
}

void gt_service_ready(struct gt_bpf *b)
{
	V.b = b;
	find_mechanisms();
	make_status(V.status, sizeof(V.status));
	V.last_status = time(NULL);
	write_metrics();
	gt_notify_ready(V.status);
}

int gt_service_poll(struct gt_ring *rb, int timeout_ms)
{
	struct epoll_event ev[4];
	int n;

	if (!V.socket)
		return gt_ring_poll(rb, timeout_ms);
	if (V.epfd < 0) {
		struct epoll_event a = { .events = EPOLLIN, .data.u32 = 0 };
		struct epoll_event s = { .events = EPOLLIN, .data.u32 = 1 };

		V.epfd = epoll_create1(EPOLL_CLOEXEC);
		if (V.epfd < 0 ||
		    epoll_ctl(V.epfd, EPOLL_CTL_ADD, gt_ring_epoll_fd(rb), &a) ||
		    epoll_ctl(V.epfd, EPOLL_CTL_ADD, gt_sock_fd(), &s))
			return -errno;
	}
	n = epoll_wait(V.epfd, ev, 4, timeout_ms);
	if (n < 0)
		return -errno;
	n = gt_ring_consume(rb);
	gt_sock_service();
	return n;
}

void gt_service_tick(void)
{
	char s[sizeof(V.status)];
	time_t now = time(NULL);
	struct timespec mono;

	/* once a second: a scrape sees a finding soon, the disk sees little */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	if (V.metrics && (mono.tv_sec - V.metrics_last.tv_sec) * 1000 +
			 (mono.tv_nsec - V.metrics_last.tv_nsec) / 1000000 >= 1000)
		write_metrics();

	if (now - V.last_status < 2)
		return;
	V.last_status = now;
	make_status(s, sizeof(s));
	if (strcmp(s, V.status)) {
		strcpy(V.status, s);
		gt_notify_status(s);
	}
}

void gt_service_reload(void)
{
	const struct gt_config *o = V.cfg;
	static struct gt_config n;	/* its strings live on, see config.h */
	const char *path = V.output;

	gt_notify_reloading();
	if (o->config && parse_argv(o->argc, o->argv, &n)) {
		gt_warn("config %s not applied: keeping the running settings", o->config);
	} else if (o->config) {
		gt_verbose = n.verbose;
		V.journal = n.journal;
		if (n.format != GT_FMT_AUTO)
			V.st->sink.text = n.format == GT_FMT_TEXT;
		gt_handlers_init(V.st, n.flush_ms);
		if (n.output)
			path = n.output;
		V.metrics = n.metrics_file;
		if (n.all_errors != o->all_errors || n.npids != o->npids ||
		    n.no_socket != o->no_socket || (!n.socket) != (!o->socket) ||
		    (n.socket && strcmp(n.socket, o->socket)))
			gt_warn("config %s: pid, all-errors and socket settings take effect on "
				"restart", o->config);
		gt_info("reread %s", o->config);
	}
	/* logrotate moved the file away: write to a fresh one at the path */
	if (path && gt_sink_reopen(&V.st->sink, path) == 0) {
		V.output = path;
		gt_info("reopened %s", path);
	}
	gt_notify_ready(V.status);
}

void gt_service_stopping(void)
{
	if (V.stopping)
		return;
	V.stopping = true;
	gt_notify_stopping();
}

void gt_service_stop(void)
{
	gt_service_stopping();
	write_metrics();	/* the final counts, pending findings flushed */
	gt_report_free();
	if (V.epfd >= 0)
		close(V.epfd);
	V.epfd = -1;
	gt_sock_close();
	V.socket = false;
	for (int i = 0; i < V.nmech; i++)
		free(V.mechanisms[i]);
	V.nmech = 0;
}
