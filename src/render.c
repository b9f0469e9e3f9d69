// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "output.h"
#include "render.h"
#include "rlimits.h"

/*
 * Started with stdin, stdout or stderr closed (`gotraced >&-`), the next file
 * or BPF object opened would take that number and receive the event lines:
 * hold each closed one with a read-only /dev/null, so writes fail (EBADF).
 */
static bool reserve_std_fds(void)
{
	bool out_closed = false;

	for (int fd = 0; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == STDOUT_FILENO)
			out_closed = true;
		if (open("/dev/null", O_RDONLY) != fd)
			break;
	}
	return out_closed;
}

int gt_sink_open(struct gt_sink *s, const char *path, int format_text)
{
	struct timespec rt, bt;
	bool out_closed = reserve_std_fds();

	memset(s, 0, sizeof(*s));
	if (out_closed && !path)
		gt_warn("standard output is closed: events are dropped (use -o FILE)");
	s->fd = STDOUT_FILENO;
	if (path) {
		s->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
		if (s->fd < 0) {
			gt_err("cannot write events to %s: %s", path, strerror(errno));
			return -errno;
		}
	}
	s->text = format_text < 0 ? isatty(s->fd) : format_text;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	s->boot_to_real_ns = (rt.tv_sec - bt.tv_sec) * 1000000000LL + (rt.tv_nsec - bt.tv_nsec);
	return 0;
}

void gt_sink_close(struct gt_sink *s)
{
	if (s->fd > STDERR_FILENO)
		close(s->fd);
	s->fd = -1;
}

int gt_sink_add_tap(struct gt_sink *s, gt_tap_fn fn, void *ctx)
{
	if (s->ntaps == GT_MAX_TAPS)
		return -1;
	s->taps[s->ntaps].fn = fn;
	s->taps[s->ntaps++].ctx = ctx;
	return 0;
}

int gt_sink_reopen(struct gt_sink *s, const char *path)
{
	int fd;

	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0) {
		gt_err("cannot reopen %s: %s; writing on to the old file", path, strerror(errno));
		return -errno;
	}
	if (s->fd > STDERR_FILENO)
		close(s->fd);
	s->fd = fd;
	return 0;
}

static void sink_write(struct gt_sink *s, const char *buf, size_t len)
{
	off_t start = lseek(s->fd, 0, SEEK_END);	/* -1 on a pipe */
	bool some = false;

	while (len) {
		ssize_t n = write(s->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = errno;

			/* no half line in a file (disk full): the next would be glued to it */
			if (some && start >= 0 && ftruncate(s->fd, start))
				gt_debug("cannot drop half a line: %s", strerror(errno));
			errno = err;
			if (!s->failed)
				gt_err("writing events failed: %s; tracing goes on, lines are "
				       "counted as dropped", strerror(errno));
			s->failed = true;
			s->dropped++;
			return;
		}
		buf += n;
		len -= n;
		some = true;
	}
	if (s->failed) {
		gt_info("writing events works again after %lu dropped lines", s->dropped);
		s->failed = false;
	}
}

static void fmt_time(const struct gt_sink *s, __u64 ts_ns, char *buf, size_t size, bool date)
{
	/* unsigned: a corrupt timestamp wraps instead of overflowing */
	long long ns = (long long)(ts_ns + (__u64)s->boot_to_real_ns);
	time_t sec = ns / 1000000000LL;
	struct tm tm;

	if (!gmtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(buf, size, date ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), size - strlen(buf), ".%03lldZ", (ns / 1000000) % 1000);
}

void gt_sink_time(const struct gt_sink *s, __u64 ts_ns, char *buf, size_t size)
{
	fmt_time(s, ts_ns, buf, size, true);
}

/* Write the line the sink's format wants, hand the event to the taps, free both lines. */
static void deliver(struct gt_sink *s, struct gt_event_view *v)
{
	const char *line = s->text ? v->text : v->json;

	if (line)
		sink_write(s, line, s->text ? v->text_len : v->json_len);
	for (int i = 0; i < s->ntaps; i++)
		s->taps[i].fn(v, s->taps[i].ctx);
	free((char *)v->text);
	free((char *)v->json);
}

static char *close_mem(FILE *m, char **buf, size_t *len)
{
	if (fclose(m) == 0)
		return *buf;
	free(*buf);
	return NULL;
}

static char *json_finding(struct gt_sink *s, const struct gt_finding *f, size_t *len)
{
	struct gt_json j;
	char t[64];

	if (gt_json_begin(&j))
		return NULL;
	fmt_time(s, f->ts_ns, t, sizeof(t), true);
	gt_json_str(&j, "type", "finding");
	gt_json_str(&j, "time", t);
	gt_json_int(&j, "pid", f->pid);
	gt_json_int(&j, "ppid", f->ppid);
	gt_json_int(&j, "tid", f->tid);
	gt_json_str(&j, "comm", f->comm);
	gt_json_str(&j, "exe", f->exe);
	gt_json_str(&j, "role", gt_role_name(f->role));
	if (f->go_pid)
		gt_json_int(&j, "go_pid", f->go_pid);
	else
		gt_json_null(&j, "go_pid");
	gt_json_strv(&j, "go_argv", f->go_argv.argv, f->go_argv.argc);
	gt_json_str(&j, "go_version", f->go_version[0] ? f->go_version : NULL);
	gt_json_str(&j, "syscall", f->syscall[0] ? f->syscall : NULL);
	if (f->compat)
		gt_json_str(&j, "abi", "i386");
	gt_json_str(&j, "errno", f->err ? gt_errno_name(f->err) : NULL);
	gt_json_str(&j, "signal", f->signal ? gt_signal_name(f->signal) : NULL);
	gt_json_str(&j, "path", f->path);
	if (f->path_truncated)
		gt_json_bool(&j, "path_truncated", true);
	gt_json_str(&j, "cause", gt_cause_name(f->cause));
	gt_json_str(&j, "go_dir", gt_go_dir_name(f->go_dir));
	gt_json_str(&j, "go_dir_path", f->go_dir_path);
	gt_json_str(&j, "explanation", f->explanation);
	gt_json_str(&j, "fix", f->fix);
	gt_json_bool(&j, "fix_checked", f->fix_checked);
	if (f->fix_dir)
		gt_json_str(&j, "fix_dir", f->fix_dir);
	if (f->n_fix_rejected) {
		gt_json_arr(&j, "fix_rejected");
		for (unsigned i = 0; i < f->n_fix_rejected && i < GT_FIX_MAX_REJECTS; i++) {
			gt_json_arr_obj(&j);
			gt_json_str(&j, "path", f->fix_rejected[i].path);
			gt_json_str(&j, "why", f->fix_rejected[i].why);
			gt_json_obj_end(&j);
		}
		gt_json_arr_end(&j);
	}
	gt_json_int(&j, "count", f->count);
	gt_json_bool(&j, "absorbed", f->absorbed);
	{
		const char *sc[GT_SAMPLES], *pa[GT_SAMPLES];

		for (unsigned i = 0; i < f->nsamples; i++) {
			sc[i] = f->samples[i].syscall;
			pa[i] = f->samples[i].path;
		}
		gt_json_pairs(&j, "samples", "syscall", sc, "path", pa, f->nsamples);
	}
	if (f->refuser)
		gt_json_str(&j, "refused_by", f->refuser);
	if (f->search_name)
		gt_json_str(&j, "path_search", f->search_name);
	gt_json_int(&j, "uid", f->creds.uid);
	gt_json_int(&j, "fsuid", f->creds.fsuid);
	gt_json_int(&j, "fsgid", f->creds.fsgid);
	if (f->mount.known) {
		gt_json_str(&j, "mount_point", f->mount.target);
		gt_json_str(&j, "fs_type", f->mount.fstype[0] ? f->mount.fstype : NULL);
		if (f->mount.from_config)
			gt_json_str(&j, "mount_source", "container config");
	}
	switch (f->cause) {
	case GC_SECCOMP:
		gt_json_str(&j, "seccomp_action", f->action);
		break;
	case GC_KILLED:
		if (f->sender_pid >= 0) {
			gt_json_int(&j, "sender_pid", f->sender_pid);
			gt_json_str(&j, "sender_comm", f->sender_pid ? f->sender_comm : "kernel");
		}
		break;
	case GC_TOOL_FAILED:
		gt_json_strv(&j, "tool_argv", f->tool_argv.argv, f->tool_argv.argc);
		gt_json_int(&j, "exit_status", f->tool_exit);
		gt_json_str(&j, "tool_stderr", f->tool_stderr);
		break;
	case GC_OOM_KILL:
		gt_json_str(&j, "cgroup", f->cgroup);
		gt_json_int(&j, "memory_max", f->mem_max);
		gt_json_int(&j, "memory_usage", f->mem_usage);
		break;
	case GC_PROCESS_LIMIT:
		gt_json_int(&j, "pids_max", f->limits.pids_max);
		gt_json_int(&j, "pids_current", f->limits.pids_cur);
		gt_json_str(&j, "cgroup", f->cgroup);
		gt_json_int(&j, "rlimit_nproc", (long long)f->limits.nproc_cur);
		break;
	case GC_FD_LIMIT:
		gt_json_int(&j, "rlimit_nofile", (long long)f->limits.nofile_cur);
		gt_json_int(&j, "rlimit_nofile_max", (long long)f->limits.nofile_max);
		break;
	case GC_MEMORY_LIMIT:
		gt_json_int(&j, "rlimit_as", (long long)f->limits.as_cur);
		break;
	case GC_HARD_LIMIT:
		gt_json_str(&j, "rlimit", gt_rlimit(f->rlimit) ? gt_rlimit(f->rlimit)->name : NULL);
		if (f->rlimit_pid && f->rlimit_pid != f->pid)
			gt_json_int(&j, "rlimit_pid", f->rlimit_pid);
		if (f->rlimit == 7)
			gt_json_int(&j, "rlimit_nofile_max", (long long)f->limits.nofile_max);
		break;
	default:
		break;
	}
	if (f->lsm.hook)
		gt_json_str(&j, "lsm_hook", f->lsm.hook == GT_HOOK_FILE_OPEN ? "security_file_open" :
			    f->lsm.hook == GT_HOOK_BPRM_CHECK ? "security_bprm_check" :
			    "security_mmap_file");
	if (f->lsm.have_avc) {
		gt_json_str(&j, "scontext", f->lsm.scontext);
		gt_json_str(&j, "tcontext", f->lsm.tcontext);
		gt_json_str(&j, "tclass", f->lsm.tclass);
		gt_json_int(&j, "denied", f->lsm.denied);
	}
	if (f->have_limits && f->limits.seccomp_mode)
		gt_json_str(&j, "seccomp_mode", f->limits.seccomp_mode == 2 ? "filter" : "strict");
	gt_ns_json(&j, &f->ns, f->creds.uid, f->creds.gid);
	return gt_json_end(&j, len);
}

static char *text_finding(struct gt_sink *s, const struct gt_finding *f, size_t *len)
{
	char *buf = NULL, t[64];
	FILE *m = open_memstream(&buf, len);

	if (!m)
		return NULL;
	fmt_time(s, f->ts_ns, t, sizeof(t), false);
	fprintf(m, "%s %s%s ", t, f->absorbed ? "absorbed " : "", gt_cause_name(f->cause));
	if (f->path && f->path_truncated)
		fputs("...", m);	/* only the tail of a longer path */
	gt_text_escape(m, f->path ? f->path : f->signal ? gt_signal_name(f->signal) ?: "-" : "-");
	if (f->go_dir != GD_NONE)
		fprintf(m, " [%s]", gt_go_dir_name(f->go_dir));
	fputs(" | ", m);
	gt_text_escape(m, f->comm);
	fprintf(m, "[%d] %s", f->pid, f->syscall[0] ? f->syscall : "");
	if (f->err)
		fprintf(m, " %s", gt_errno_name(f->err) ?: "?");
	if (f->count > 1)
		fprintf(m, " x%lu", f->count);
	if (f->go_argv.argc) {
		fputs(" in `", m);
		for (int i = 0; i < f->go_argv.argc; i++) {
			if (i)
				fputc(' ', m);
			gt_text_escape(m, f->go_argv.argv[i]);
		}
		fputc('`', m);
	}
	gt_ns_text(m, &f->ns);
	fputs(" | ", m);
	gt_text_escape(m, f->explanation ? f->explanation : "");
	fputs(" | fix: ", m);
	gt_text_escape(m, f->fix ? f->fix : "");
	fputc('\n', m);
	return close_mem(m, &buf, len);
}

void gt_render_finding(struct gt_sink *s, const struct gt_finding *f)
{
	struct gt_event_view v = { .type = "finding", .f = f, .pid = f->pid, .go_pid = f->go_pid };

	if (s->text || s->ntaps)
		v.text = text_finding(s, f, &v.text_len);
	if (!s->text || s->ntaps)
		v.json = json_finding(s, f, &v.json_len);
	deliver(s, &v);
}

static char *exit_line(struct gt_sink *s, const struct gt_exit_info *e, bool text, size_t *len)
{
	struct gt_json j;
	char t[64];

	if (text) {
		char *buf = NULL;
		FILE *m = open_memstream(&buf, len);

		if (!m)
			return NULL;
		fmt_time(s, e->ts_ns, t, sizeof(t), false);
		fprintf(m, "%s exit go[%d] `", t, e->pid);
		for (int i = 0; e->go_argv && i < e->go_argv->argc; i++) {
			if (i)
				fputc(' ', m);
			gt_text_escape(m, e->go_argv->argv[i]);
		}
		fputc('`', m);
		if (e->ns)
			gt_ns_text(m, e->ns);
		if (e->signal)
			fprintf(m, " killed by %s", gt_signal_name(e->signal) ?: "signal");
		else
			fprintf(m, " exited %d", e->exit_code);
		fprintf(m, ", %u finding%s", e->findings, e->findings == 1 ? "" : "s");
		if (e->absorbed)
			fprintf(m, ", %lu refused call%s absorbed", e->absorbed,
				e->absorbed == 1 ? "" : "s");
		if (e->lost)
			fprintf(m, ", %lu failed call%s lost", e->lost, e->lost == 1 ? "" : "s");
		if (e->verdict) {
			fprintf(m, "; most likely: %s ", gt_cause_name(e->verdict->cause));
			if (e->verdict->path)
				gt_text_escape(m, e->verdict->path);
			else
				fprintf(m, "of %s pid %d", gt_role_name(e->verdict->role), e->verdict->pid);
		}
		fputc('\n', m);
		return close_mem(m, &buf, len);
	}
	if (gt_json_begin(&j))
		return NULL;
	fmt_time(s, e->ts_ns, t, sizeof(t), true);
	gt_json_str(&j, "type", "exit");
	gt_json_str(&j, "time", t);
	gt_json_int(&j, "pid", e->pid);
	gt_json_int(&j, "go_pid", e->go_pid);
	gt_json_strv(&j, "go_argv", e->go_argv ? e->go_argv->argv : NULL,
		     e->go_argv ? e->go_argv->argc : 0);
	gt_json_str(&j, "go_version", e->go_version);
	if (e->signal) {
		gt_json_null(&j, "exit_code");
		gt_json_str(&j, "signal", gt_signal_name(e->signal));
	} else {
		gt_json_int(&j, "exit_code", e->exit_code);
		gt_json_null(&j, "signal");
	}
	gt_json_int(&j, "findings", e->findings);
	gt_json_int(&j, "errors", e->errors);
	gt_json_int(&j, "absorbed", e->absorbed);
	gt_json_int(&j, "lost", e->lost);
	if (e->verdict) {
		const struct gt_verdict *v = e->verdict;

		gt_json_obj(&j, "verdict");
		gt_json_str(&j, "cause", gt_cause_name(v->cause));
		gt_json_str(&j, "path", v->path);
		gt_json_str(&j, "go_dir", gt_go_dir_name(v->go_dir));
		gt_json_int(&j, "pid", v->pid);
		gt_json_str(&j, "role", gt_role_name(v->role));
		gt_json_str(&j, "explanation", v->explanation);
		gt_json_str(&j, "fix", v->fix);
		/* what this release printed for it (src/gorelease.c) */
		if (e->note)
			gt_json_str(&j, "note", e->note);
		gt_json_obj_end(&j);
	} else {
		gt_json_null(&j, "verdict");
	}
	if (e->ns)
		gt_ns_json(&j, e->ns, 0, 0);
	return gt_json_end(&j, len);
}

void gt_render_exit(struct gt_sink *s, const struct gt_exit_info *e)
{
	struct gt_event_view v = { .type = "exit", .x = e, .pid = e->pid, .go_pid = e->go_pid };

	if (s->text || s->ntaps)
		v.text = exit_line(s, e, true, &v.text_len);
	if (!s->text || s->ntaps)
		v.json = exit_line(s, e, false, &v.json_len);
	deliver(s, &v);
}

char *gt_lost_line(const struct gt_sink *s, __u64 ts_ns, unsigned long long count,
		   const char *what, bool text, size_t *len)
{
	struct gt_json j;
	char t[64];

	fmt_time(s, ts_ns, t, sizeof(t), !text);
	if (text) {
		char *line = NULL;
		int n = asprintf(&line, "%s lost %llu %s\n", t, count, what);

		if (n < 0)
			return NULL;
		*len = n;
		return line;
	}
	if (gt_json_begin(&j))
		return NULL;
	gt_json_str(&j, "type", "lost");
	gt_json_str(&j, "time", t);
	gt_json_int(&j, "count", count);
	gt_json_str(&j, "what", what);
	return gt_json_end(&j, len);
}

void gt_render_lost(struct gt_sink *s, __u64 ts_ns, unsigned long long count, const char *what)
{
	struct gt_event_view v = { .type = "lost" };

	if (s->text || s->ntaps)
		v.text = gt_lost_line(s, ts_ns, count, what, true, &v.text_len);
	if (!s->text || s->ntaps)
		v.json = gt_lost_line(s, ts_ns, count, what, false, &v.json_len);
	deliver(s, &v);
}
