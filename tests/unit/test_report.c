// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The CI report escapes and the metrics text, byte for byte against the formats' rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings.h"
#include "metrics.h"
#include "report.h"

static char *escaped(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, s);
	fclose(f);
	return buf;
}

static void xml_text(FILE *f, const char *s) { gt_xml_escape(f, s, false); }
static void xml_attr(FILE *f, const char *s) { gt_xml_escape(f, s, true); }

#define HOSTILE "/t/a%25b:c,d::e\r\nf"

static void github(void **state)
{
	char *s = escaped(gt_gh_escape_data, HOSTILE);

	/* data: % CR LF only */
	assert_string_equal(s, "/t/a%2525b:c,d::e%0D%0Af");
	free(s);
	/* properties: also : and , */
	s = escaped(gt_gh_escape_prop, HOSTILE);
	assert_string_equal(s, "/t/a%2525b%3Ac%2Cd%3A%3Ae%0D%0Af");
	free(s);
}

static void markdown(void **state)
{
	char *s = escaped(gt_md_escape, "a|b*c_d`e<f>&[g]\nh\x01i\xff");

	assert_string_equal(s, "a\\|b\\*c\\_d\\`e\\<f\\>\\&\\[g\\]<br>h\xef\xbf\xbdi\xef\xbf\xbd");
	free(s);
	/* a code span: one backtick more than inside, spaces, | escaped, LF visible */
	s = escaped(gt_md_code, "x``y|z\nw");
	assert_string_equal(s, "``` x``y\\|z\xe2\x90\x8aw ```");
	free(s);
	s = escaped(gt_md_code, "/plain");
	assert_string_equal(s, "` /plain `");
	free(s);
}

static void xml(void **state)
{
	char *s = escaped(xml_text, "<a href=\"x\">&'\r\n\t\x1b\xef\xbf\xbe\xc3(");

	/* text: CR as a reference, forbidden characters and invalid UTF-8 as U+FFFD */
	assert_string_equal(s, "&lt;a href=\"x\"&gt;&amp;'&#13;\n\t\xef\xbf\xbd\xef\xbf\xbd"
			       "\xef\xbf\xbd(");
	free(s);
	s = escaped(xml_attr, "\"'\n\t]]>");
	assert_string_equal(s, "&quot;&apos;&#10;&#9;]]&gt;");
	free(s);
}

static void json_field(void **state)
{
	const char *j = "{\"type\":\"finding\",\"verdict\":{\"go_version\":\"nested\"},"
			"\"path\":\"a\\\"go_version\\\":\\\"fake\",\"go_version\":\"go1.27.4\","
			"\"container_runtime\":null,\"esc\":\"a\\u0041\\n\"}";
	char v[32];

	assert_true(gt_json_field(j, strlen(j), "go_version", v, sizeof(v)));
	assert_string_equal(v, "go1.27.4");	/* not the nested one, not inside a string */
	assert_false(gt_json_field(j, strlen(j), "container_runtime", v, sizeof(v)));
	assert_false(gt_json_field(j, strlen(j), "absent", v, sizeof(v)));
	assert_true(gt_json_field(j, strlen(j), "esc", v, sizeof(v)));
	assert_string_equal(v, "aA\n");
}

static void metrics_text(void **state)
{
	struct gt_finding f = { .cause = GC_NOEXEC, .go_dir = GD_TMPDIR, .count = 3 };
	const char *json = "{\"type\":\"finding\",\"container_runtime\":\"po\\\"d\\nman\","
			   "\"go_version\":\"1.27.4\"}\n";
	struct gt_event_view ev = { .type = "finding", .f = &f, .json = json,
				    .json_len = strlen(json) };
	struct gt_metrics_gauges g = { .version = "0.1.0", .mode = "run",
				       .lost = { { "syserr", 2 }, { "client", 0 } }, .nlost = 2 };
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	gt_metrics_reset();
	gt_metrics_tap(&ev, NULL);
	gt_metrics_tap(&ev, NULL);
	f.go_dir = GD_NONE;
	ev.json = "{\"type\":\"finding\"}\n";
	ev.json_len = strlen(ev.json);
	gt_metrics_tap(&ev, NULL);
	m = open_memstream(&buf, &len);
	gt_metrics_render(m, &g);
	fclose(m);
	/* label values escaped as the text format says: \" \n \\ */
	assert_non_null(strstr(buf, "\ngotraced_findings_total{cause=\"noexec\",go_dir=\"TMPDIR\","
				    "container_runtime=\"po\\\"d\\nman\",go_version=\"1.27.4\"} 2\n"));
	/* what the events do not carry yet: host, unknown */
	assert_non_null(strstr(buf, "\ngotraced_findings_total{cause=\"noexec\",go_dir=\"\","
				    "container_runtime=\"host\",go_version=\"unknown\"} 1\n"));
	assert_non_null(strstr(buf, "\ngotraced_lost_total{kind=\"syserr\"} 2\n"));
	assert_non_null(strstr(buf, "\ngotraced_lost_total{kind=\"client\"} 0\n"));
	assert_non_null(strstr(buf, "# TYPE gotraced_findings_total counter\n"));
	assert_non_null(strstr(buf, "\ngotraced_build_info{version=\"0.1.0\",mode=\"run\"} 1\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(github), cmocka_unit_test(markdown), cmocka_unit_test(xml),
		cmocka_unit_test(json_field), cmocka_unit_test(metrics_text),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
