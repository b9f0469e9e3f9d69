// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "classify.h"
#include "metrics.h"

/*
 * One series per label set. Causes, Go locations, runtimes and releases are
 * few; the cap only guards against an event field gone wild.
 */
#define MAX_SERIES 512

struct labels {
	char cause[24], go_dir[16], runtime[32], go_version[32];
};

static struct {
	struct { struct labels l; unsigned long long n; } f[MAX_SERIES];
	int nf;
	struct { struct labels l; unsigned long long seen, failed; } g[MAX_SERIES];
	int ng;
	unsigned long long overflow;		/* events whose series did not fit */
} M;

void gt_metrics_reset(void)
{
	memset(&M, 0, sizeof(M));
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Skip a JSON string starting at s[i] == '"'; copy its decoded text to out if given. */
static size_t json_string(const char *s, size_t len, size_t i, char *out, size_t size)
{
	size_t o = 0;

	for (i++; i < len && s[i] != '"'; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < len) {
			c = s[++i];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				int v = 0, k;

				for (k = 0; k < 4 && i + 1 < len && hexval(s[i + 1]) >= 0; k++)
					v = v * 16 + hexval(s[++i]);
				c = v < 0x80 ? v : '?';
				break;
			}
			default: break;		/* \" \\ \/ */
			}
		}
		if (out && o + 1 < size)
			out[o++] = c;
	}
	if (out && size)
		out[o] = '\0';
	return i;	/* at the closing quote (or len) */
}

bool gt_json_field(const char *json, size_t len, const char *key, char *out, size_t size)
{
	int depth = 0;
	bool want_key = false;

	for (size_t i = 0; i < len; i++) {
		char c = json[i];

		if (c == '{' || c == '[') {
			depth++;
			want_key = c == '{' && depth == 1;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ',' && depth == 1) {
			want_key = true;
		} else if (c == '"') {
			char k[64];
			size_t e = json_string(json, len, i, want_key ? k : NULL, sizeof(k));
			bool match = want_key && !strcmp(k, key);

			i = e;
			if (!want_key)
				continue;
			want_key = false;
			if (!match)
				continue;
			for (i++; i < len && (json[i] == ' ' || json[i] == ':'); i++)
				;
			if (i >= len || json[i] != '"')
				return false;
			json_string(json, len, i, out, size);
			return true;
		}
	}
	return false;
}

/* A label value as the event carries it, or the word for "none". */
static void field(const struct gt_event_view *ev, const char *key, const char *none,
		  char *out, size_t size)
{
	if (!ev->json || !gt_json_field(ev->json, ev->json_len, key, out, size) || !out[0])
		snprintf(out, size, "%s", none);
}

static bool same(const struct labels *a, const struct labels *b)
{
	return !strcmp(a->cause, b->cause) && !strcmp(a->go_dir, b->go_dir) &&
	       !strcmp(a->runtime, b->runtime) && !strcmp(a->go_version, b->go_version);
}

void gt_metrics_tap(const struct gt_event_view *ev, void *ctx)
{
	struct labels l = {};
	int i;

	if (!ev->f && !ev->x)
		return;
	/* a process on the host has no container fields; a release not known yet, "unknown" */
	field(ev, "container_runtime", "host", l.runtime, sizeof(l.runtime));
	field(ev, "go_version", "unknown", l.go_version, sizeof(l.go_version));
	if (ev->f) {
		const char *d = gt_go_dir_name(ev->f->go_dir);

		snprintf(l.cause, sizeof(l.cause), "%s", gt_cause_name(ev->f->cause));
		snprintf(l.go_dir, sizeof(l.go_dir), "%s", d ? d : "");
		for (i = 0; i < M.nf && !same(&M.f[i].l, &l); i++)
			;
		if (i == MAX_SERIES) {
			M.overflow++;
			return;
		}
		if (i == M.nf)
			M.f[M.nf++].l = l;
		M.f[i].n++;
		return;
	}
	for (i = 0; i < M.ng && !same(&M.g[i].l, &l); i++)
		;
	if (i == MAX_SERIES) {
		M.overflow++;
		return;
	}
	if (i == M.ng)
		M.g[M.ng++].l = l;
	M.g[i].seen++;
	if (ev->x->exit_code != 0 || ev->x->signal)
		M.g[i].failed++;
}

/* Label values: backslash, double quote and newline escaped, as the text format says. */
static void label(FILE *f, const char *name, const char *v, bool last)
{
	fprintf(f, "%s=\"", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fprintf(f, "\"%s", last ? "" : ",");
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help,
		unsigned long long v)
{
	head(f, name, type, help);
	fprintf(f, "%s %llu\n", name, v);
}

void gt_metrics_render(FILE *f, const struct gt_metrics_gauges *g)
{
	int i;

	head(f, "gotraced_build_info", "gauge", "The running gotraced: version and mode.");
	fputs("gotraced_build_info{", f);
	label(f, "version", g->version, false);
	label(f, "mode", g->mode, true);
	fputs("} 1\n", f);
	one(f, "gotraced_start_time_seconds", "gauge",
	    "When the daemon started, seconds since the epoch.", g->start_time);
	head(f, "gotraced_findings_total", "counter",
	     "Findings reported, by cause, Go location, container runtime and Go release.");
	for (i = 0; i < M.nf; i++) {
		fputs("gotraced_findings_total{", f);
		label(f, "cause", M.f[i].l.cause, false);
		label(f, "go_dir", M.f[i].l.go_dir, false);
		label(f, "container_runtime", M.f[i].l.runtime, false);
		label(f, "go_version", M.f[i].l.go_version, true);
		fprintf(f, "} %llu\n", M.f[i].n);
	}
	one(f, "gotraced_failed_calls_total", "counter",
	    "Failed calls and kills behind the findings (a finding gathers repeats).",
	    g->failed_calls);
	head(f, "gotraced_go_commands_total", "counter",
	     "Go commands that ended, by container runtime and Go release.");
	for (i = 0; i < M.ng; i++) {
		fputs("gotraced_go_commands_total{", f);
		label(f, "container_runtime", M.g[i].l.runtime, false);
		label(f, "go_version", M.g[i].l.go_version, true);
		fprintf(f, "} %llu\n", M.g[i].seen);
	}
	head(f, "gotraced_go_commands_failed_total", "counter",
	     "Go commands that exited non-zero or were killed, by container runtime and Go release.");
	for (i = 0; i < M.ng; i++) {
		fputs("gotraced_go_commands_failed_total{", f);
		label(f, "container_runtime", M.g[i].l.runtime, false);
		label(f, "go_version", M.g[i].l.go_version, true);
		fprintf(f, "} %llu\n", M.g[i].failed);
	}
	head(f, "gotraced_lost_total", "counter",
	     "What was lost, by kind: the kernel side's (as gotraced status' kernel_losses), "
	     "lines a client (client) or the events file (output) did not take.");
	for (i = 0; i < g->nlost; i++) {
		fputs("gotraced_lost_total{", f);
		label(f, "kind", g->lost[i].kind, true);
		fprintf(f, "} %llu\n", g->lost[i].n);
	}
	one(f, "gotraced_series_dropped_total", "counter",
	    "Events not counted because their label set did not fit.", M.overflow);
	one(f, "gotraced_events_total", "counter", "Events written (findings, exits, losses).",
	    g->events);
	one(f, "gotraced_pending_findings", "gauge",
	    "Findings gathering repeats, not written yet.", g->pending_findings);
	one(f, "gotraced_clients", "gauge", "Clients connected to the live socket.", g->clients);
	one(f, "gotraced_programs_attached", "gauge", "BPF programs attached.", g->programs);
}

int gt_metrics_write(const char *path, const struct gt_metrics_gauges *g)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd, err;

	/* not *.prom: the textfile collector ignores it until the rename */
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	/* the unit's UMask=0077 would keep node_exporter's user out */
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		close(fd);
		goto fail_unlink;
	}
	gt_metrics_render(f, g);
	if (ferror(f) | fclose(f))
		goto fail_unlink;
	if (rename(tmp, path))
		goto fail_unlink;
	free(tmp);
	return 0;
fail_unlink:
	err = errno;
	unlink(tmp);
	errno = err;
fail:
	err = errno;
	free(tmp);
	errno = err;
	return -1;
}
