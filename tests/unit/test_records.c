// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Ring-buffer records as gt_handle_record() decodes them: what is refused as
 * malformed, what is no failure at all, and who a kill is put on once the
 * exit decides between the signals a process was sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "handlers.h"
#include "hold.h"

static char lines[8192];

static void capture(const struct gt_event_view *v, void *ctx)
{
	if (v->json && strlen(lines) + v->json_len < sizeof(lines))
		strcat(lines, v->json);
}

static void start(struct gt_state *st)
{
	memset(st, 0, sizeof(*st));
	lines[0] = '\0';
	st->sink.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	gt_sink_add_tap(&st->sink, capture, NULL);
	gt_handlers_init(st, 0);
}

static void stop(struct gt_state *st)
{
	gt_handlers_fini(st);
	close(st->sink.fd);
}

static void hdr(struct gt_hdr *h, __u16 type, __u16 size, __u32 pid)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->pid = h->tid = pid;
	h->ppid = 1;
	h->start_ns = 5 * GT_TICK_NS;
	h->ts_ns = 1000;
	strcpy(h->comm, "go");
}

/* A go command's exec record: "/usr/bin/go", argv "go test" */
static size_t exec_record(char *buf, __u32 pid)
{
	struct gt_exec_event *e = (void *)buf;
	static const char data[] = "/usr/bin/go\0go\0test\0GOCACHE=/c\0";

	memset(e, 0, sizeof(*e));
	e->go_pid = pid;
	e->flags = GT_PF_GO;
	e->exe_len = 12;
	e->argv_len = 8;
	e->env_len = 11;
	memcpy(e->data, data, sizeof(data) - 1);
	hdr(&e->hdr, GT_EV_EXEC, sizeof(*e) + sizeof(data) - 1, pid);
	return e->hdr.size;
}

static void malformed(void **state)
{
	static const struct {
		const char *name;
		size_t size;		/* handed to the decoder */
		__u16 hsize, type;	/* in the header */
		bool bad;		/* counted as malformed */
	} cases[] = {
		{ "shorter than a header", sizeof(struct gt_hdr) - 1, 56, GT_EV_EXIT, true },
		{ "header says more than was read", sizeof(struct gt_exit_event), 200, GT_EV_EXIT,
		  true },
		{ "unknown type", sizeof(struct gt_exit_event), sizeof(struct gt_exit_event), 99,
		  true },
		{ "exit record shorter than an exit", sizeof(struct gt_hdr), sizeof(struct gt_hdr),
		  GT_EV_EXIT, false },
		{ "a well-formed exit of an unknown process", sizeof(struct gt_exit_event),
		  sizeof(struct gt_exit_event), GT_EV_EXIT, false },
	};
	char buf[512] = {};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_state st;

		print_message("%s\n", cases[i].name);
		start(&st);
		hdr((void *)buf, cases[i].type, cases[i].hsize, 77);
		gt_handle_record(&st, buf, cases[i].size);
		assert_int_equal(st.bad_records, cases[i].bad);
		assert_string_equal(lines, "");
		stop(&st);
	}
}

static void exec_decoded(void **state)
{
	struct gt_state st;
	char buf[512];
	size_t n = exec_record(buf, 300);
	struct gt_procinfo *p;

	start(&st);
	/* data lengths beyond the record: dropped, nothing half-filled */
	((struct gt_hdr *)buf)->size = n - 5;
	gt_handle_record(&st, buf, n - 5);
	assert_int_equal(st.bad_records, 0);
	assert_null(gt_proc_get(300));
	((struct gt_hdr *)buf)->size = n;
	gt_handle_record(&st, buf, n);
	p = gt_proc_get(300);
	assert_non_null(p);
	assert_string_equal(p->exe, "/usr/bin/go");
	assert_int_equal(p->argv.argc, 2);
	assert_string_equal(p->argv.argv[1], "test");
	assert_string_equal(p->env.v[GE_GOCACHE], "/c");
	assert_int_equal(p->role, GT_ROLE_GO);
	assert_int_equal(p->go_pid, 300);
	assert_int_equal(p->start_ns, 5 * GT_TICK_NS);
	stop(&st);
}

/* Return values: only -1..-133 are failed calls; the restart codes are not. */
static void errno_range(void **state)
{
	static const struct { long long ret; unsigned pending; } cases[] = {
		{ -1, 1 },	/* EPERM */
		{ -133, 1 },	/* EHWPOISON, the last errno */
		{ -134, 0 },
		{ -512, 0 },	/* ERESTARTSYS */
		{ -513, 0 },	/* ERESTARTNOINTR: once folded onto EPERM */
		{ -514, 0 },	/* ERESTARTNOHAND */
		{ -516, 0 },	/* ERESTART_RESTARTBLOCK */
		{ -4095, 0 },
		{ 0, 0 },
		{ -9223372036854775807LL - 1, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_syserr_event e = {};
		struct gt_state st;

		print_message("ret %lld\n", cases[i].ret);
		start(&st);
		hdr(&e.hdr, GT_EV_SYSERR, sizeof(e), 301);
		e.go_pid = 301;
		e.nr = 39;	/* getpid: no path, nothing to examine */
		e.ret = cases[i].ret;
		gt_handle_record(&st, &e, sizeof(e));
		/* a refusal is held until its process ends (hold.c): count it there too */
		assert_int_equal(gt_findings_pending() + gt_hold_pending(), cases[i].pending);
		stop(&st);
	}
}

/* Signals a process was sent, then its exit: who the kill is put on. */
static void killer(void **state)
{
	enum { SELF = 400, OTHER = 500, THIRD = 600 };
	static const struct {
		const char *name;
		struct { int sig; __u32 sender, flags; } sent[3];
		int died_of;
		const char *sender;	/* in the finding's JSON, NULL: none named */
	} cases[] = {
		{ "SIGKILL after a caught SIGPROF (the issue's -cpuprofile case)",
		  { { SIGPROF, SELF, GT_SIG_HANDLED }, { SIGKILL, OTHER, 0 } }, SIGKILL,
		  "\"sender_pid\":500," },
		{ "a caught SIGTERM from another process, raised again by the runtime to die of it",
		  { { SIGTERM, OTHER, GT_SIG_HANDLED }, { SIGTERM, SELF, 0 } }, SIGTERM,
		  "\"sender_pid\":500," },
		{ "two SIGKILLs (the OOM reaper's after the killer's): the first is kept",
		  { { SIGKILL, THIRD, 0 }, { SIGKILL, OTHER, 0 } }, SIGKILL,
		  "\"sender_pid\":600," },
		{ "SIGQUIT is only a warning: the SIGKILL after it is the killer",
		  { { SIGQUIT, OTHER, 0 }, { SIGKILL, THIRD, 0 } }, SIGKILL,
		  "\"sender_pid\":600," },
		{ "only caught signals were seen: nobody to name for the SIGKILL",
		  { { SIGPROF, OTHER, GT_SIG_HANDLED }, { SIGPIPE, SELF, GT_SIG_HANDLED } }, SIGKILL,
		  NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_exit_event x = {};
		struct gt_state st;
		char buf[512];

		print_message("%s\n", cases[i].name);
		start(&st);
		gt_handle_record(&st, buf, exec_record(buf, SELF));
		for (int k = 0; k < 3 && cases[i].sent[k].sig; k++) {
			struct gt_signal_event s = {};

			hdr(&s.hdr, GT_EV_SIGNAL, sizeof(s), SELF);
			s.go_pid = SELF;
			s.sig = cases[i].sent[k].sig;
			s.sender_pid = s.sender_tid = cases[i].sent[k].sender;
			s.flags = cases[i].sent[k].flags;
			strcpy(s.sender_comm, "sender");
			gt_handle_record(&st, &s, sizeof(s));
		}
		hdr(&x.hdr, GT_EV_EXIT, sizeof(x), SELF);
		x.go_pid = SELF;
		x.exit_code = cases[i].died_of;
		gt_handle_record(&st, &x, sizeof(x));
		gt_findings_flush(-1, 0, true);
		assert_non_null(strstr(lines, "\"cause\":\"killed\""));
		if (cases[i].sender)
			assert_non_null(strstr(lines, cases[i].sender));
		else
			assert_null(strstr(lines, "\"sender_pid\""));
		stop(&st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed),
		cmocka_unit_test(exec_decoded),
		cmocka_unit_test(errno_range),
		cmocka_unit_test(killer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
