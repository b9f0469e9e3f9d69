// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Findings, exits and losses as the sinks write them: exact JSON and text lines. */
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
#include "render.h"

/* 2026-12-01T11:32:40.988Z is boot + 5 s 988 ms */
#define BOOT_TO_REAL	(1796124755LL * 1000000000LL)
#define TS		(5988LL * 1000000LL)

static char *json, *text;

static void capture(const struct gt_event_view *v, void *ctx)
{
	free(json);
	free(text);
	json = v->json ? strdup(v->json) : NULL;
	text = v->text ? strdup(v->text) : NULL;
}

static struct gt_sink sink(void)
{
	struct gt_sink s = { .fd = open("/dev/null", O_WRONLY | O_CLOEXEC),
			     .boot_to_real_ns = BOOT_TO_REAL };

	gt_sink_add_tap(&s, capture, NULL);
	return s;
}

static char *go_test[] = { "go", "test", "./...", NULL };

struct finding_case {
	const char *name;
	struct gt_finding f;
	const char *json, *text;
};

static void findings(void **state)
{
	static const struct finding_case cases[] = {
		{ "noexec exec of the test binary, in TMPDIR",
		  { .ts_ns = TS, .pid = 6343, .ppid = 6340, .tid = 6343, .go_pid = 6343,
		    .comm = "go", .exe = "/usr/lib/go-1.19/bin/go", .role = GT_ROLE_GO,
		    .go_argv = { 3, go_test }, .syscall = "execve", .err = 13,
		    .path = "/tmp/nx/go-build1/b001/m.test", .go_dir = GD_TMPDIR,
		    .go_dir_path = "/tmp/nx", .cause = GC_NOEXEC, .count = 1,
		    .creds = { .uid = 1000, .fsuid = 1000, .fsgid = 1000 },
		    .mount = { .known = true, .target = "/tmp/nx", .fstype = "tmpfs" },
		    .explanation = "on a noexec mount", .fix = "set GOTMPDIR" },
		  "{\"type\":\"finding\",\"time\":\"2026-12-01T11:32:40.988Z\",\"pid\":6343,\"ppi"
		  "d\":6340,\"tid\":6343,\"comm\":\"go\",\"exe\":\"/usr/lib/go-1.19/bin/go\",\"ro"
		  "le\":\"go\",\"go_pid\":6343,\"go_argv\":[\"go\",\"test\",\"./...\"],\"go_version\":null,\"syscall\""
		  ":\"execve\",\"errno\":\"EACCES\",\"signal\":null,\"path\":\"/tmp/nx/go-build1/"
		  "b001/m.test\",\"cause\":\"noexec\",\"go_dir\":\"TMPDIR\",\"go_dir_path\":\"/tm"
		  "p/nx\",\"explanation\":\"on a noexec mount\",\"fix\":\"set GOTMPDIR\",\"fix_ch"
		  "ecked\":false,\"count\":1,\"absorbed\":false,\"samples\":[],\"uid\":1000,\"fsuid\":1000,\"fsgid\":1000,\"mount_p"
		  "oint\":\"/tmp/nx\",\"fs_type\":\"tmpfs\"}" "\n",
		  "11:32:40.988Z noexec /tmp/nx/go-build1/b001/m.test [TMPDIR] | go[6343] execve "
		  "EACCES in `go test ./...` | on a noexec mount | fix: set GOTMPDIR" "\n" },
		{ "a kill by another process, its sender named",
		  { .ts_ns = TS, .pid = 7001, .ppid = 7000, .tid = 7001, .go_pid = 7000,
		    .comm = "m.test", .role = GT_ROLE_TEST, .signal = SIGKILL, .cause = GC_KILLED,
		    .count = 1, .sender_pid = 4242, .sender_comm = "bash",
		    .explanation = "killed by bash", .fix = "see who" },
		  "{\"type\":\"finding\",\"time\":\"2026-12-01T11:32:40.988Z\",\"pid\":7001,\"ppi"
		  "d\":7000,\"tid\":7001,\"comm\":\"m.test\",\"exe\":null,\"role\":\"test\",\"go_"
		  "pid\":7000,\"go_argv\":null,\"go_version\":null,\"syscall\":null,\"errno\":null,\"signal\":\"SIGKI"
		  "LL\",\"path\":null,\"cause\":\"killed\",\"go_dir\":null,\"go_dir_path\":null,\""
		  "explanation\":\"killed by bash\",\"fix\":\"see who\",\"fix_checked\":false,\"c"
		  "ount\":1,\"absorbed\":false,\"samples\":[],\"uid\":0,\"fsuid\":0,\"fsgid\":0,\"sender_pid\":4242,\"sender_comm\""
		  ":\"bash\"}" "\n",
		  "11:32:40.988Z killed SIGKILL | m.test[7001]  | killed by bash | fix: see who" "\n" },
		{ "a kill whose sender is unknown: no sender fields",
		  { .ts_ns = TS, .pid = 7001, .ppid = 7000, .tid = 7001, .go_pid = 0,
		    .comm = "m.test", .role = GT_ROLE_TEST, .signal = SIGTERM, .cause = GC_KILLED,
		    .count = 2, .sender_pid = -1 },
		  "{\"type\":\"finding\",\"time\":\"2026-12-01T11:32:40.988Z\",\"pid\":7001,\"ppi"
		  "d\":7000,\"tid\":7001,\"comm\":\"m.test\",\"exe\":null,\"role\":\"test\",\"go_"
		  "pid\":null,\"go_argv\":null,\"go_version\":null,\"syscall\":null,\"errno\":null,\"signal\":\"SIGTE"
		  "RM\",\"path\":null,\"cause\":\"killed\",\"go_dir\":null,\"go_dir_path\":null,\""
		  "explanation\":null,\"fix\":null,\"fix_checked\":false,\"count\":2,\"absorbed\":false,\"samples\":[],\"uid\":0,\""
		  "fsuid\":0,\"fsgid\":0}" "\n",
		  "11:32:40.988Z killed SIGTERM | m.test[7001]  x2 |  | fix: " "\n" },
		{ "a path cut by the kernel's walk says so",
		  { .ts_ns = TS, .pid = 9, .ppid = 1, .tid = 9, .go_pid = 9, .comm = "go",
		    .role = GT_ROLE_GO, .syscall = "mkdir", .err = 13, .path = "/ddd/x",
		    .path_truncated = true, .cause = GC_PERMISSION, .count = 1,
		    .explanation = "e", .fix = "f" },
		  "{\"type\":\"finding\",\"time\":\"2026-12-01T11:32:40.988Z\",\"pid\":9,\"ppid\""
		  ":1,\"tid\":9,\"comm\":\"go\",\"exe\":null,\"role\":\"go\",\"go_pid\":9,\"go_ar"
		  "gv\":null,\"go_version\":null,\"syscall\":\"mkdir\",\"errno\":\"EACCES\",\"signal\":null,\"path\":"
		  "\"/ddd/x\",\"path_truncated\":true,\"cause\":\"permission\",\"go_dir\":null,\""
		  "go_dir_path\":null,\"explanation\":\"e\",\"fix\":\"f\",\"fix_checked\":false,\""
		  "count\":1,\"absorbed\":false,\"samples\":[],\"uid\":0,\"fsuid\":0,\"fsgid\":0}" "\n",
		  "11:32:40.988Z permission .../ddd/x | go[9] mkdir EACCES | e | fix: f" "\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_sink s = sink();

		gt_render_finding(&s, &cases[i].f);
		print_message("%s\n", cases[i].name);
		assert_string_equal(json, cases[i].json);
		assert_string_equal(text, cases[i].text);
		close(s.fd);
	}
}

struct exit_case {
	const char *name;
	struct gt_exit_info x;
	const char *json, *text;
};

static const struct gt_argv go_test_argv = { 3, go_test };
static const struct gt_verdict cache_verdict = {
	.cause = GC_PERMISSION, .go_dir = GD_GOCACHE, .pid = 6343, .role = GT_ROLE_GO,
	.path = "/srv/gc/00", .explanation = "root's", .fix = "chown",
};
static const struct gt_verdict kill_verdict = {
	.cause = GC_KILLED, .pid = 7001, .role = GT_ROLE_TEST,
};

static void exits(void **state)
{
	static const struct exit_case cases[] = {
		{ "a clean exit",
		  { .ts_ns = TS, .pid = 6343, .go_pid = 6343, .go_argv = &go_test_argv },
		  "{\"type\":\"exit\",\"time\":\"2026-12-01T11:32:40.988Z\",\"pid\":6343,\"go_pid"
		  "\":6343,\"go_argv\":[\"go\",\"test\",\"./...\"],\"go_version\":null,\"exit_code\":0,\"signal\":nul"
		  "l,\"findings\":0,\"errors\":0,\"absorbed\":0,\"lost\":0,\"verdict\":null}" "\n",
		  "11:32:40.988Z exit go[6343] `go test ./...` exited 0, 0 findings" "\n" },
		{ "go test failed by a root-owned GOCACHE: the verdict and Go's misleading message",
		  { .ts_ns = TS, .pid = 6343, .go_pid = 6343, .go_argv = &go_test_argv,
		    .exit_code = 1, .findings = 2, .errors = 5, .lost = 3, .verdict = &cache_verdict,
		    .go_version = "go1.19.8",
		    /* the handlers take it from src/gorelease.c (Go 1.19's row) */
		    .note = "go test may report this as \"package testing is not in GOROOT\" or "
			    "[setup failed]: the real cause is the build cache" },
		  "{\"type\":\"exit\",\"time\":\"2026-12-01T11:32:40.988Z\",\"pid\":6343,\"go_pid"
		  "\":6343,\"go_argv\":[\"go\",\"test\",\"./...\"],\"go_version\":\"go1.19.8\",\"exit_code\":1,\"signal\":nul"
		  "l,\"findings\":2,\"errors\":5,\"absorbed\":0,\"lost\":3,\"verdict\":{\"cause\":\"permission\",\"path\":\""
		  "/srv/gc/00\",\"go_dir\":\"GOCACHE\",\"pid\":6343,\"role\":\"go\",\"explanation"
		  "\":\"root's\",\"fix\":\"chown\",\"note\":\"go test may report this as \\\"pack"
		  "age testing is not in GOROOT\\\" or [setup failed]: the real cause is the buil"
		  "d cache\"}}" "\n",
		  "11:32:40.988Z exit go[6343] `go test ./...` exited 1, 2 findings, 3 failed call"
		  "s lost; most likely: permission /srv/gc/00" "\n" },
		{ "killed: no exit code, the signal, a killed test binary's note",
		  { .ts_ns = TS, .pid = 6343, .go_pid = 6343, .go_argv = &go_test_argv,
		    .exit_code = -1, .signal = SIGKILL, .findings = 1, .errors = 0,
		    .verdict = &kill_verdict,
		    .note = "go test may print only FAIL for a test binary that was killed" },
		  "{\"type\":\"exit\",\"time\":\"2026-12-01T11:32:40.988Z\",\"pid\":6343,\"go_pid"
		  "\":6343,\"go_argv\":[\"go\",\"test\",\"./...\"],\"go_version\":null,\"exit_code\":null,\"signal\":"
		  "\"SIGKILL\",\"findings\":1,\"errors\":0,\"absorbed\":0,\"lost\":0,\"verdict\":{\"cause\":\"killed\",\"pa"
		  "th\":null,\"go_dir\":null,\"pid\":7001,\"role\":\"test\",\"explanation\":null,"
		  "\"fix\":null,\"note\":\"go test may print only FAIL for a test binary that was"
		  " killed\"}}" "\n",
		  "11:32:40.988Z exit go[6343] `go test ./...` killed by SIGKILL, 1 finding; most"
		  " likely: killed of test pid 7001" "\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gt_sink s = sink();

		gt_render_exit(&s, &cases[i].x);
		print_message("%s\n", cases[i].name);
		assert_string_equal(json, cases[i].json);
		assert_string_equal(text, cases[i].text);
		close(s.fd);
	}
}

/* Every kind of loss the daemon reports, as a lost line. */
static void lost(void **state)
{
	static const struct { unsigned long long n; const char *what, *json, *text; } cases[] = {
		{ 3, "failed-call records (ring buffer full)",
		  "{\"type\":\"lost\",\"time\":\"2026-12-01T11:32:40.988Z\",\"count\":3,\"what\":"
		  "\"failed-call records (ring buffer full)\"}" "\n",
		  "11:32:40.988Z lost 3 failed-call records (ring buffer full)" "\n" },
		{ 1, "processes not tracked (process table full)",
		  "{\"type\":\"lost\",\"time\":\"2026-12-01T11:32:40.988Z\",\"count\":1,\"what\":"
		  "\"processes not tracked (process table full)\"}" "\n",
		  "11:32:40.988Z lost 1 processes not tracked (process table full)" "\n" },
	};
	struct gt_sink s = sink();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *j = gt_lost_line(&s, TS, cases[i].n, cases[i].what, false, &len);
		char *t = gt_lost_line(&s, TS, cases[i].n, cases[i].what, true, &len);

		assert_string_equal(j, cases[i].json);
		assert_string_equal(t, cases[i].text);
		assert_int_equal(len, strlen(t));
		free(j);
		free(t);
	}
	close(s.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(findings),
		cmocka_unit_test(exits),
		cmocka_unit_test(lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
