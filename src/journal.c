// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include "classify.h"
#include "journal.h"
#include "log.h"

/* Never change an id: the catalog and people's journalctl filters use them. */
static const struct { const char *what, *id; } ids[] = {
	{ "unknown", "b93a96ce72a040fc903c552547bc7cdf" },
	{ "permission", "fbd83615193442eb8910bfda2ccf422d" },
	{ "read_only", "6c398b77da9f45e7816716a1b1fd9b63" },
	{ "noexec", "de9d7b0bc42444ccaa5a987ee519fcf5" },
	{ "no_space", "bb41602d08b941ca9d672ee5be1899d8" },
	{ "quota", "98befdfe30e1457d87fe6d50fc070923" },
	{ "fd_limit", "10af0ca9710141dfb5832a6f0d6a4c71" },
	{ "process_limit", "839eb69609e347feb2b5263fe720b9e8" },
	{ "memory_limit", "c8c9059920c14694a2ab978e91aa2e9b" },
	{ "hard_limit", "697d3dda4c1948ab84e8da47eea5b967" },
	{ "text_busy", "914f66365321466484365abb11c34cc2" },
	{ "killed", "037c0ae2a20d4390892212c651556df0" },
	{ "error", "b9886296be654aafb7c0e4599a392c0e" },
	{ "exit", "e00afcef1cc64cd8b17e1d6cfde14d00" },
	{ "lost", "e3ac8dd033014802976268bb4cd642a8" },
};

const char *gt_journal_id(const char *what)
{
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(ids[i].what, what))
			return ids[i].id;
	return ids[0].id;	/* a cause added later, not yet in the catalog */
}

static int text_len(const struct gt_event_view *ev)
{
	/* MESSAGE= is the text line without its newline */
	return ev->text_len && ev->text[ev->text_len - 1] == '\n' ? (int)ev->text_len - 1
								 : (int)ev->text_len;
}

static void finding(const struct gt_event_view *ev)
{
	const struct gt_finding *f = ev->f;
	const char *cause = gt_cause_name(f->cause), *dir = gt_go_dir_name(f->go_dir);
	char argv[1024] = "", ns_pid[16] = "", ns_uid[16] = "", ns_gid[16] = "";
	size_t n = 0;
	__u32 in;
	int r;

	if (f->ns.ns_pid)
		snprintf(ns_pid, sizeof(ns_pid), "%d", f->ns.ns_pid);
	/* as the JSON's ns_uid/ns_gid: only in a user namespace other than the host's */
	if (f->ns.userns) {
		gt_idmap_inside(&f->ns.uid, f->creds.uid, &in);
		snprintf(ns_uid, sizeof(ns_uid), "%u", in);
		gt_idmap_inside(&f->ns.gid, f->creds.gid, &in);
		snprintf(ns_gid, sizeof(ns_gid), "%u", in);
	}

	for (int i = 0; i < f->go_argv.argc && n < sizeof(argv) - 1; i++) {
		int w = snprintf(argv + n, sizeof(argv) - n, "%s%s", i ? " " : "",
				 f->go_argv.argv[i]);

		n = w < 0 ? sizeof(argv) : n + w;	/* truncated: stop */
	}
	r = sd_journal_send("MESSAGE=%.*s", text_len(ev), ev->text,
			    "MESSAGE_ID=%s", gt_journal_id(cause),
			    "PRIORITY=%d", LOG_WARNING,
			    "SYSLOG_IDENTIFIER=gotraced",
			    "GOTRACED_TYPE=finding",
			    "GOTRACED_CAUSE=%s", cause,
			    "GOTRACED_GO_DIR=%s", dir ? dir : "",
			    "GOTRACED_GO_DIR_PATH=%s", f->go_dir_path ? f->go_dir_path : "",
			    "GOTRACED_PATH=%s", f->path ? f->path : "",
			    "GOTRACED_PID=%d", f->pid,
			    "GOTRACED_GO_PID=%d", f->go_pid,
			    "GOTRACED_GO_ARGV=%s", argv,
			    "GOTRACED_COMM=%s", f->comm,
			    "GOTRACED_ROLE=%s", gt_role_name(f->role),
			    "GOTRACED_SYSCALL=%s", f->syscall,
			    "GOTRACED_ERRNO=%s", f->err ? gt_errno_name(f->err) ?: "" : "",
			    "GOTRACED_SIGNAL=%s", f->signal ? gt_signal_name(f->signal) ?: "" : "",
			    "GOTRACED_COUNT=%lu", f->count,
			    "GOTRACED_UID=%u", f->creds.uid,
			    "GOTRACED_EXPLANATION=%s", f->explanation ? f->explanation : "",
			    "GOTRACED_FIX=%s", f->fix ? f->fix : "",
			    "GOTRACED_FIX_CHECKED=%d", f->fix_checked ? 1 : 0,
			    "GOTRACED_FIX_DIR=%s", f->fix_dir ? f->fix_dir : "",
			    /* where it ran: empty for a process on the host */
			    "GOTRACED_CONTAINER_RUNTIME=%s", f->ns.runtime ? f->ns.runtime : "",
			    "GOTRACED_CONTAINER_ID=%s", f->ns.id ? f->ns.id : "",
			    "GOTRACED_CONTAINER_NAME=%s", f->ns.name ? f->ns.name : "",
			    "GOTRACED_POD=%s", f->ns.pod ? f->ns.pod : "",
			    "GOTRACED_NS_PID=%s", ns_pid,
			    "GOTRACED_HOST_PATH=%s", f->ns.host_path ? f->ns.host_path : "",
			    "GOTRACED_PROCESS_ROOT=%s", f->ns.root ? f->ns.root : "",
			    "GOTRACED_NS_UID=%s", ns_uid,
			    "GOTRACED_NS_GID=%s", ns_gid,
			    "GOTRACED_FIX_LAYER=%s", f->ns.layer ? f->ns.layer : "",
			    "GOTRACED_JSON=%.*s", (int)ev->json_len - 1, ev->json,
			    NULL);
	if (r < 0)
		gt_debug("journal: %s", strerror(-r));
}

void gt_journal_tap(const struct gt_event_view *ev, void *ctx)
{
	if (!ev->text || !ev->json)
		return;
	if (ev->f) {
		finding(ev);
		return;
	}
	sd_journal_send("MESSAGE=%.*s", text_len(ev), ev->text,
			"MESSAGE_ID=%s", gt_journal_id(ev->type),
			"PRIORITY=%d", ev->x ? LOG_INFO : LOG_WARNING,
			"SYSLOG_IDENTIFIER=gotraced",
			"GOTRACED_TYPE=%s", ev->type,
			"GOTRACED_PID=%d", ev->pid,
			"GOTRACED_GO_PID=%d", ev->go_pid,
			"GOTRACED_JSON=%.*s", (int)ev->json_len - 1, ev->json,
			NULL);
}
