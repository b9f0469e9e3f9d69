// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "classify.h"
#include "log.h"
#include "output.h"
#include "report.h"
#include "syscalls.h"

/* What a report needs of a finding, copied: the finding is freed after the tap. */
struct rfinding {
	pid_t go_pid;
	char *cause, *go_dir, *path, *explanation, *fix, *call;
	unsigned long count;
	struct rfinding *next;
};

struct rcmd {
	pid_t go_pid;
	char *argv;
	int exit_code, signal;
	char *cause, *path, *explanation, *fix;	/* the verdict, NULL: none */
	struct rcmd *next;
};

static struct {
	struct gt_report_opts o;
	bool on;
	struct rfinding *f, **f_tail;
	struct rcmd *c, **c_tail;
	unsigned nf, nc, nfailed;
} R;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/*
 * Unicode scalar at s, *len bytes long; -1 (len 1) when not valid UTF-8.
 * Hostile bytes become U+FFFD in every format, so no report is malformed.
 */
static int next_char(const unsigned char *s, int *len)
{
	int n = gt_utf8_len(s), cp;

	*len = n ? n : 1;
	if (!n)
		return -1;
	if (n == 1)
		return s[0];
	cp = s[0] & (0xff >> (n + 1));
	for (int i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

static void put_fffd(FILE *f)
{
	fputs("\xef\xbf\xbd", f);
}

/*
 * GitHub's workflow commands (actions/toolkit, command.ts): in the message
 * % CR LF become %25 %0D %0A; in a property value also : and , (%3A %2C).
 */
static void gh_escape(FILE *f, const char *s, bool prop)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': fputs("%25", f); break;
		case '\r': fputs("%0D", f); break;
		case '\n': fputs("%0A", f); break;
		case ':': fputs(prop ? "%3A" : ":", f); break;
		case ',': fputs(prop ? "%2C" : ",", f); break;
		default: fputc(*s, f);
		}
	}
}

void gt_gh_escape_data(FILE *f, const char *s)
{
	gh_escape(f, s, false);
}

void gt_gh_escape_prop(FILE *f, const char *s)
{
	gh_escape(f, s, true);
}

/*
 * A Markdown (GFM) table cell as plain text: the characters that could
 * start markup are backslash-escaped, a line break is <br> (a raw newline
 * would end the row), other control bytes and invalid UTF-8 are U+FFFD.
 */
void gt_md_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int len, c = next_char(s, &len);

		if (c == '\n' || c == '\r')
			fputs("<br>", f);
		else if (c < 0 || c < 0x20 || c == 0x7f)
			put_fffd(f);
		else if (strchr("\\`*_[]<>|~&!#", c))
			fprintf(f, "\\%c", c);
		else
			fwrite(s, 1, len, f);
		s += len;
	}
}

/*
 * A code span in a table cell: fenced by one backtick more than the longest
 * run inside, padded with a space each side (GFM strips one of each), `|`
 * escaped for the table; LF and CR, which would end the row, as the visible
 * symbols U+240A and U+240D.
 */
void gt_md_code(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int run = 0, longest = 0;

	for (const char *p = str; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (int i = 0; i <= longest; i++)
		fputc('`', f);
	fputc(' ', f);
	while (*s) {
		int len, c = next_char(s, &len);

		if (c == '\n')
			fputs("\xe2\x90\x8a", f);
		else if (c == '\r')
			fputs("\xe2\x90\x8d", f);
		else if (c < 0 || c < 0x20 || c == 0x7f)
			put_fffd(f);
		else if (c == '|')
			fputs("\\|", f);
		else
			fwrite(s, 1, len, f);
		s += len;
	}
	fputc(' ', f);
	for (int i = 0; i <= longest; i++)
		fputc('`', f);
}

/*
 * XML 1.0: & < > always escaped, quotes in attributes; tab, LF and CR as
 * character references in attributes (a parser would turn them into
 * spaces) and CR in text (it would become LF). Characters XML forbids even
 * as references (other controls, U+FFFE, U+FFFF) and invalid UTF-8: U+FFFD.
 */
void gt_xml_escape(FILE *f, const char *str, bool attr)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int len, c = next_char(s, &len);

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs(attr ? "&quot;" : "\"", f); break;
		case '\'': fputs(attr ? "&apos;" : "'", f); break;
		case '\t': fputs(attr ? "&#9;" : "\t", f); break;
		case '\n': fputs(attr ? "&#10;" : "\n", f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			if (c < 0x20 || c == 0xfffe || c == 0xffff)
				put_fffd(f);
			else
				fwrite(s, 1, len, f);
		}
		s += len;
	}
}

void gt_report_init(const struct gt_report_opts *o)
{
	memset(&R, 0, sizeof(R));
	R.o = *o;
	R.on = o->github || o->junit;
	R.f_tail = &R.f;
	R.c_tail = &R.c;
}

static char *join_argv(const struct gt_argv *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	for (int i = 0; a && i < a->argc; i++)
		fprintf(m, "%s%s", i ? " " : "", a->argv[i]);
	fclose(m);
	return buf;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static const char *finding_title_dir(const struct rfinding *f)
{
	return f->go_dir && f->go_dir[0] ? f->go_dir : NULL;
}

/* ::error title=gotraced: CAUSE (GO_DIR)::EXPLANATION%0Afix: FIX, one write */
static void gh_command(const struct rfinding *f)
{
	char *buf = NULL, *t = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	if (finding_title_dir(f))
		asprintf(&t, "gotraced: %s (%s)", f->cause, f->go_dir);
	else
		asprintf(&t, "gotraced: %s", f->cause);
	fputs("::error title=", m);
	gt_gh_escape_prop(m, t ? t : "gotraced");
	fputs("::", m);
	gt_gh_escape_data(m, f->explanation ? f->explanation : f->cause);
	if (f->fix) {
		gt_gh_escape_data(m, "\nfix: ");
		gt_gh_escape_data(m, f->fix);
	}
	fputc('\n', m);
	free(t);
	if (!fclose(m))
		write_all(R.o.out_fd, buf, len);
	free(buf);
}

void gt_report_tap(const struct gt_event_view *ev, void *ctx)
{
	if (!R.on)
		return;
	if (ev->f) {
		const struct gt_finding *g = ev->f;
		struct rfinding *f = calloc(1, sizeof(*f));
		const char *e = g->err ? gt_errno_name(g->err) : g->signal ? gt_signal_name(g->signal) : NULL;

		if (!f)
			return;
		f->go_pid = g->go_pid;
		f->cause = strdup(gt_cause_name(g->cause));
		f->go_dir = dup_or_null(gt_go_dir_name(g->go_dir));
		f->path = dup_or_null(g->path);
		f->explanation = dup_or_null(g->explanation);
		f->fix = dup_or_null(g->fix);
		asprintf(&f->call, "%s%s%s", g->syscall, g->syscall[0] && e ? " " : "", e ? e : "");
		f->count = g->count;
		*R.f_tail = f;
		R.f_tail = &f->next;
		R.nf++;
		if (R.o.github)
			gh_command(f);
	} else if (ev->x) {
		const struct gt_exit_info *x = ev->x;
		struct rcmd *c = calloc(1, sizeof(*c));

		if (!c)
			return;
		c->go_pid = x->go_pid;
		c->argv = join_argv(x->go_argv);
		c->exit_code = x->exit_code;
		c->signal = x->signal;
		if (x->verdict && x->verdict->explanation) {
			c->cause = strdup(gt_cause_name(x->verdict->cause));
			c->path = dup_or_null(x->verdict->path);
			c->explanation = dup_or_null(x->verdict->explanation);
			c->fix = dup_or_null(x->verdict->fix);
		}
		*R.c_tail = c;
		R.c_tail = &c->next;
		R.nc++;
		if (c->exit_code || c->signal)
			R.nfailed++;
	}
}

static const struct rcmd *cmd_of(pid_t go_pid)
{
	for (const struct rcmd *c = R.c; c; c = c->next)
		if (c->go_pid == go_pid)
			return c;
	return NULL;
}

static void status_words(FILE *f, int exit_code, int sig)
{
	const char *n = sig ? gt_signal_name(sig) : NULL;

	if (sig && n)
		fprintf(f, "killed by %s", n);
	else if (sig)
		fprintf(f, "killed by signal %d", sig);
	else
		fprintf(f, "%d", exit_code);
}

/* The step summary: one table row per finding, appended (other steps write there too). */
static void write_summary(int status)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int fd;

	if (!m)
		return;
	fputs("### gotraced: ", m);
	gt_md_escape(m, str(R.o.command));
	fprintf(m, " exited with status %d\n\n", status);
	fprintf(m, "%u finding%s in %u go command%s (%u failed).\n", R.nf, R.nf == 1 ? "" : "s",
		R.nc, R.nc == 1 ? "" : "s", R.nfailed);
	if (R.nf) {
		fputs("\n| go command | status | cause | Go location | path | call | why | fix |\n"
		      "| --- | --- | --- | --- | --- | --- | --- | --- |\n", m);
		for (const struct rfinding *f = R.f; f; f = f->next) {
			const struct rcmd *c = cmd_of(f->go_pid);

			fputs("| ", m);
			if (c && c->argv)
				gt_md_code(m, c->argv);
			fputs(" | ", m);
			if (c)
				status_words(m, c->exit_code, c->signal);
			fputs(" | ", m);
			gt_md_escape(m, f->cause);
			fputs(" | ", m);
			gt_md_escape(m, str(f->go_dir));
			fputs(" | ", m);
			if (f->path)
				gt_md_code(m, f->path);
			fputs(" | ", m);
			gt_md_escape(m, f->call);
			if (f->count > 1)
				fprintf(m, " x%lu", f->count);
			fputs(" | ", m);
			gt_md_escape(m, str(f->explanation));
			fputs(" | ", m);
			if (f->fix)
				gt_md_code(m, f->fix);
			fputs(" |\n", m);
		}
	}
	fputc('\n', m);
	if (fclose(m)) {
		free(buf);
		return;
	}
	fd = open(R.o.summary, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		gt_warn("cannot append to GITHUB_STEP_SUMMARY %s: %s", R.o.summary, strerror(errno));
	} else {
		write_all(fd, buf, len);
		close(fd);
	}
	free(buf);
}

static void iso_time(char *buf, size_t size, long long ns)
{
	time_t t = ns / 1000000000LL;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

static void xml_attr(FILE *f, const char *name, const char *v)
{
	fprintf(f, " %s=\"", name);
	gt_xml_escape(f, v, true);
	fputc('"', f);
}

static void junit_case(FILE *m, const struct rcmd *c)
{
	bool failed = c->exit_code || c->signal;
	unsigned n = 0;

	fputs("    <testcase", m);
	xml_attr(m, "name", c->argv && c->argv[0] ? c->argv : "go");
	xml_attr(m, "classname", "gotraced");
	fputs(">\n", m);
	if (failed) {
		char *msg = NULL;

		if (c->cause)
			asprintf(&msg, "%s: %s", c->cause, c->explanation);
		fputs("      <failure", m);
		xml_attr(m, "message", msg ? msg : "no refusal seen behind this failure");
		xml_attr(m, "type", c->cause ? c->cause : "exit");
		fputs(">", m);
		free(msg);
		fputs("exited with status ", m);
		status_words(m, c->exit_code, c->signal);
		fputc('\n', m);
		if (c->cause) {
			fputs("cause: ", m);
			gt_xml_escape(m, c->cause, false);
			fputs("\npath: ", m);
			gt_xml_escape(m, str(c->path), false);
			fputs("\nwhy: ", m);
			gt_xml_escape(m, c->explanation, false);
			fputs("\nfix: ", m);
			gt_xml_escape(m, str(c->fix), false);
			fputc('\n', m);
		}
		fputs("</failure>\n", m);
	}
	for (const struct rfinding *f = R.f; f; f = f->next) {
		if (f->go_pid != c->go_pid)
			continue;
		if (!n++)
			fputs("      <system-out>", m);
		fputs("finding: ", m);
		gt_xml_escape(m, f->cause, false);
		if (f->go_dir) {
			fputs(" [", m);
			gt_xml_escape(m, f->go_dir, false);
			fputc(']', m);
		}
		fputc(' ', m);
		gt_xml_escape(m, str(f->path), false);
		fputs(" (", m);
		gt_xml_escape(m, f->call, false);
		fprintf(m, " x%lu): ", f->count);
		gt_xml_escape(m, str(f->explanation), false);
		fputs(" | fix: ", m);
		gt_xml_escape(m, str(f->fix), false);
		fputc('\n', m);
	}
	if (n)
		fputs("</system-out>\n", m);
	fputs("    </testcase>\n", m);
}

/* One testsuite for the run, one testcase per go command; replaced atomically. */
static void write_junit(int status, long long end_ns)
{
	char host[256] = "localhost", ts[32], secs[32], *tmp = NULL;
	FILE *m;
	int fd;

	gethostname(host, sizeof(host) - 1);
	iso_time(ts, sizeof(ts), R.o.start_ns);
	snprintf(secs, sizeof(secs), "%.3f",
		 end_ns > R.o.start_ns ? (end_ns - R.o.start_ns) / 1e9 : 0.0);
	if (asprintf(&tmp, "%s.XXXXXX", R.o.junit) < 0)
		return;
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0644) || !(m = fdopen(fd, "w"))) {
		gt_warn("cannot write the JUnit report %s: %s", R.o.junit, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", m);
	fprintf(m, "<testsuites tests=\"%u\" failures=\"%u\" errors=\"0\" time=\"%s\">\n",
		R.nc, R.nfailed, secs);
	fputs("  <testsuite", m);
	{
		char *name = NULL;

		asprintf(&name, "gotraced: %s", str(R.o.command));
		xml_attr(m, "name", name ? name : "gotraced");
		free(name);
	}
	fprintf(m, " tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\"", R.nc, R.nfailed);
	xml_attr(m, "timestamp", ts);
	xml_attr(m, "time", secs);
	xml_attr(m, "hostname", host);
	fputs(">\n", m);
	fputs("    <properties>\n", m);
	fprintf(m, "      <property name=\"exit_status\" value=\"%d\"/>\n", status);
	fprintf(m, "      <property name=\"findings\" value=\"%u\"/>\n", R.nf);
	fputs("    </properties>\n", m);
	for (const struct rcmd *c = R.c; c; c = c->next)
		junit_case(m, c);
	fputs("  </testsuite>\n</testsuites>\n", m);
	if (ferror(m) | fclose(m) || rename(tmp, R.o.junit)) {
		gt_warn("cannot write the JUnit report %s: %s", R.o.junit, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
}

void gt_report_finish(int status, long long end_ns)
{
	if (R.o.github && R.o.summary && R.o.summary[0])
		write_summary(status);
	if (R.o.junit)
		write_junit(status, end_ns);
}

void gt_report_free(void)
{
	while (R.f) {
		struct rfinding *f = R.f;

		R.f = f->next;
		free(f->cause);
		free(f->go_dir);
		free(f->path);
		free(f->explanation);
		free(f->fix);
		free(f->call);
		free(f);
	}
	while (R.c) {
		struct rcmd *c = R.c;

		R.c = c->next;
		free(c->argv);
		free(c->cause);
		free(c->path);
		free(c->explanation);
		free(c->fix);
		free(c);
	}
	R.f_tail = &R.f;
	R.c_tail = &R.c;
	R.nf = R.nc = R.nfailed = 0;
}
