// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "handlers.h"
#include "hold.h"
#include "loader.h"
#include "log.h"
#include "procscan.h"
#include "repeats.h"
#include "ringbuf.h"
#include "proctab.h"
#include "service.h"
#include "tracer.h"

static volatile sig_atomic_t stop_sig, child_done, reload_sig;
static bool hup_reloads;	/* daemon: SIGHUP reopens and rereads; run mode: it stops */

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		child_done = 1;
	else if (sig == SIGHUP && hup_reloads)
		reload_sig = 1;
	else
		stop_sig = sig;
}

static void set_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static __u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Fork CMD held at a pipe until the kernel side tracks it; returns its pid. */
static pid_t spawn_held(char **cmd, int *release_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char c;

		close(p[1]);
		signal(SIGPIPE, SIG_DFL);
		if (read(p[0], &c, 1) != 1)
			_exit(127);	/* gotraced failed to start: do not run untraced */
		execvp(cmd[0], cmd);
		fprintf(stderr, "gotraced: cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(p[0]);
	*release_fd = p[1];
	return pid;
}

/*
 * What names a go command's container and mounts is read from /proc while it
 * runs, and one that fails at once lives a few milliseconds: on a busy
 * machine the daemon must read its exec record before ordinary work, as
 * auditd does (priority_boost). Only from the default nice: an admin's own
 * setting (Nice= in the unit) stands. Called after the traced command is
 * forked, which keeps the default.
 */
#define GT_NICE	(-10)

static void boost_priority(void)
{
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) != 0 || errno)
		return;
	if (setpriority(PRIO_PROCESS, 0, GT_NICE))
		gt_debug("cannot raise the daemon's priority: %s", strerror(errno));
}

static void lost(struct gt_state *st, __u64 n, const char *what)
{
	gt_render_lost(&st->sink, boot_ns(), n, what);
	gt_warn("%llu events lost: %s", (unsigned long long)n, what);
}

/* Report what the kernel side lost since the last look, one `lost` event per kind. */
static void check_lost(struct gt_bpf *b, struct gt_state *st, __u64 seen[GT_STAT_MAX])
{
	__u64 s[GT_STAT_MAX], typed = 0;

	if (gt_bpf_stats(b, s))
		return;
	for (int i = 0; i < gt_nlosses; i++) {
		enum gt_stat k = gt_losses[i].stat;

		if (k != GT_STAT_PROCS_FULL)
			typed += s[k] - seen[k];
		if (s[k] != seen[k])
			lost(st, s[k] - seen[k], gt_losses[i].what);
		seen[k] = s[k];
	}
	/* every ring buffer loss has its kind; this is only in case one had none */
	if (s[GT_STAT_LOST] - seen[GT_STAT_LOST] > typed)
		lost(st, s[GT_STAT_LOST] - seen[GT_STAT_LOST] - typed, "events (ring buffer full)");
	seen[GT_STAT_LOST] = s[GT_STAT_LOST];
}

static void summary(const struct gt_config *cfg, const struct gt_state *st, int status)
{
	fprintf(stderr, "gotraced: %s %s", cfg->cmd[0],
		status >= 128 ? "was killed by a signal" : "exited");
	fprintf(stderr, " with status %d; %lu finding%s (%lu failed call%s)", status,
		st->findings, st->findings == 1 ? "" : "s", st->errors, st->errors == 1 ? "" : "s");
	if (st->absorbed)
		fprintf(stderr, ", %lu refused call%s absorbed", st->absorbed,
			st->absorbed == 1 ? "" : "s");
	for (int i = 0; i < 3 && st->first[i]; i++)
		fprintf(stderr, "%s %s", i ? ";" : ":", st->first[i]);
	fputs(".\n", stderr);
}

/*
 * The kernel side sees host pids. In a child pid namespace (a container
 * without --pid=host) /proc/PID names other processes: say so once.
 */
static void check_pidns(void)
{
	struct stat st;

	/* PROC_PID_INIT_INO: the initial pid namespace's fixed inode number */
	if (!stat("/proc/self/ns/pid", &st) && st.st_ino != 0xEFFFFFFCU)
		gt_warn("running in a child pid namespace: events carry host pids and "
			"mount facts read through /proc may be wrong; run gotraced in the "
			"host's pid namespace (docker --pid=host) or with the host's /proc");
}

static int check_pids(const struct gt_config *cfg)
{
	for (int i = 0; i < cfg->npids; i++) {
		if (kill(cfg->pids[i], 0) && errno == ESRCH) {
			gt_err("--pid %d: no such process", cfg->pids[i]);
			return -1;
		}
	}
	return 0;
}

int gt_trace(const struct gt_config *cfg)
{
	struct gt_bpf_opts o = { .targeted = cfg->npids || cfg->cmd, .all_errors = cfg->all_errors };
	struct gt_bpf b = {};
	struct gt_state st = {};
	struct gt_ring *rb = NULL;
	int ret = 2, release = -1, status = 0, err;
	pid_t child = 0;
	__u64 seen[GT_STAT_MAX] = {}, last_sweep = boot_ns(), last_drain = 0;

	if (check_pids(cfg))
		return 2;
	check_pidns();
	if (gt_sink_open(&st.sink, cfg->probe ? NULL : cfg->output,
			 cfg->format == GT_FMT_AUTO ? -1 : cfg->format == GT_FMT_TEXT))
		return 2;
	hup_reloads = !cfg->cmd;
	set_handlers();
	st.all_errors = cfg->all_errors;
	gt_handlers_init(&st, cfg->flush_ms);
	if (gt_service_start(cfg, &st))
		goto cleanup;

	if (gt_bpf_start(&b, &o))
		goto cleanup;
	if (cfg->probe) {
		gt_bpf_print_probe(&b, stdout);
		ret = 0;
		goto cleanup;
	}
	gt_repeats_source(gt_bpf_repeat, gt_bpf_repeats, &b);
	st.tree_lost = gt_bpf_tree_lost;
	st.tree_lost_ctx = &b;
	rb = gt_ring_new(b.events_fd, gt_handle_record, &st);
	if (!rb) {
		gt_err("cannot read the ring buffer: %s", strerror(errno));
		goto cleanup;
	}
	if (cfg->cmd) {
		child = spawn_held(cfg->cmd, &release);
		if (child < 0 || gt_bpf_track(&b, child, 0, GT_PF_SCOPE, gt_proc_start_ns(child))) {
			gt_err("cannot start %s: %s", cfg->cmd[0], strerror(errno));
			goto cleanup;
		}
	} else {
		gt_procscan(&b, cfg->pids, cfg->npids);
	}
	boost_priority();
	/* loading parsed the kernel's BTF (megabytes, freed since): give the heap back */
	malloc_trim(0);
	gt_info("ready: tracing %s",
		cfg->cmd ? cfg->cmd[0] : cfg->npids ? "the given processes" : "every Go command");
	gt_service_ready(&b);
	if (release >= 0) {
		if (write(release, "g", 1) != 1)
			gt_warn("could not release %s", cfg->cmd[0]);
		close(release);
		release = -1;
	}

	while (!stop_sig) {
		err = gt_service_poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			gt_err("reading events: %s", strerror(-err));
			goto cleanup;
		}
		/* what the kernel counted as repeats, before findings go out */
		if (boot_ns() - last_drain > 200ULL * 1000000) {
			last_drain = boot_ns();
			gt_repeats_drain(-1, false);
		}
		gt_findings_flush(0, boot_ns(), false);
		/* entries whose exit event was lost must not pile up */
		if (boot_ns() - last_sweep > 30ULL * 1000000000ULL) {
			last_sweep = boot_ns();
			if (gt_proc_sweep())
				gt_debug("dropped processes whose exit was not seen");
			if (gt_repeats_sweep())
				gt_debug("counted repeats of processes whose exit was not seen");
			if (gt_hold_sweep())
				gt_debug("released refusals of processes whose exit was not seen");
		}
		check_lost(&b, &st, seen);
		if (reload_sig) {
			reload_sig = 0;
			gt_service_reload();
		}
		gt_service_tick();
		if (child && child_done) {
			child_done = 0;
			if (waitpid(child, &status, WNOHANG) == child)
				break;
		}
	}
	gt_service_stopping();
	if (stop_sig && child)
		kill(child, stop_sig);
	gt_ring_consume(rb);
	gt_repeats_drain(-1, true);
	gt_hold_release_all();	/* processes still running: their outcome is unknown */
	gt_findings_flush(-1, 0, true);
	check_lost(&b, &st, seen);
	ret = 0;
	if (child) {
		if (stop_sig && waitpid(child, &status, 0) != child)
			status = 0;
		ret = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
		summary(cfg, &st, ret);
		gt_service_finish(ret);
		child = 0;
	}
cleanup:
	if (release >= 0)
		close(release);		/* the held child sees EOF and exits 127 */
	if (child > 0)
		waitpid(child, NULL, 0);
	gt_ring_free(rb);
	gt_repeats_source(NULL, NULL, NULL);
	gt_bpf_stop(&b);
	gt_handlers_fini(&st);
	gt_service_stop();
	if (st.bad_records)
		gt_warn("%lu malformed records ignored", st.bad_records);
	gt_sink_close(&st.sink);
	return ret;
}
