#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# CI-native reports in run mode: GitHub Actions workflow commands and step
# summary, JUnit XML. A real failing go build on a GOCACHE whose path is as
# hostile as a path can be (%, CR, LF, ::, commas, XML and Markdown
# metacharacters); the expected bytes are built here from the formats' rules.

load lib

setup() {
	gt_setup
	command -v xmllint >/dev/null || skip "xmllint not installed (libxml2-utils; make deps)"
	ensure_gtuser
	copy_module "$GT_USER"
	cd "$MOD"
	HOSTILE=$T/$'c%25::x,y\r\nz<&>"\'`|*_'
	mkdir -m 0755 "$HOSTILE"
}

teardown() { gt_teardown; }

# GitHub's escaping (actions/toolkit command.ts): data % CR LF, properties also : ,
gh_data() {
	local s=${1//%/%25}
	s=${s//$'\r'/%0D}
	printf '%s' "${s//$'\n'/%0A}"
}
gh_prop() {
	local s
	s=$(gh_data "$1")
	s=${s//:/%3A}
	printf '%s' "${s//,/%2C}"
}

@test "report: GitHub Actions workflow commands and step summary, JUnit XML; the exit status is go's" {
	printf 'an earlier step wrote this\n' >"$T/summary.md"
	GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$T/summary.md GOCACHE=$HOSTILE \
		run --separate-stderr timeout 120 "$GOTRACED" -o "$OUT" -f json \
		--junit "$T/junit.xml" -- sh -c '"$@" go version >/dev/null &&
			exec "$@" go build -o /dev/null .' sh "${AS_GT[@]}"
	echo "stderr: $stderr"
	[ "$status" -eq 1 ]		# go build's own status
	dump_out
	nf=$(findings true | count)
	[ "$nf" -ge 1 ]
	# one workflow command per finding, each exactly as GitHub escapes it
	[ "$(grep -c '^::error ' <<<"$output")" -eq "$nf" ]
	f=$(findings ".cause == \"permission\" and .go_dir == \"GOCACHE\"" | head -n1)
	[ -n "$f" ]
	expl=$(jq -j .explanation <<<"$f")
	fix=$(jq -j .fix <<<"$f")
	[[ "$expl" == *"$HOSTILE"* ]]
	want="::error title=$(gh_prop "gotraced: permission (GOCACHE)")::$(gh_data "$expl
fix: $fix")"
	grep -qxF -- "$want" <<<"$output" || { echo "want: $want"; echo "got: $output"; false; }
	# the hostile bytes never start a line of their own
	run ! grep -v -e '^::error ' -e '^{' <<<"$output"

	# the step summary: appended, a table row per finding, no row broken by the path
	cat "$T/summary.md"
	[ "$(head -n1 "$T/summary.md")" = "an earlier step wrote this" ]
	grep -qxF '| go command | status | cause | Go location | path | call | why | fix |' "$T/summary.md"
	rows=$(grep -c '^| ` go build -o /dev/null \. ` | 1 | permission | ' "$T/summary.md")
	[ "$rows" -eq "$(findings '.go_argv[1] == "build"' | count)" ]
	# the path as a code span: fence longer than its backtick run, | escaped, CR LF visible
	p=${HOSTILE//|/\\|}
	p=${p//$'\r'/␍}
	p=${p//$'\n'/␊}
	grep -qF "| permission | GOCACHE | \`\` $p/" "$T/summary.md"
	# every row has its 9 cell separators, escaped pipes aside
	while IFS= read -r row; do
		n=$(sed 's/\\|//g' <<<"$row" | tr -cd '|' | wc -c)
		[ "$n" -eq 9 ] || { echo "row with $n separators: $row"; false; }
	done < <(grep '^| ' "$T/summary.md")

	# JUnit: well-formed, one suite, a testcase per go command, the failure carries the verdict
	cat "$T/junit.xml"
	xmllint --noout "$T/junit.xml"
	xmllint --noout --schema "$GT_ROOT/tests/fixtures/junit.xsd" "$T/junit.xml"
	x() { xmllint --xpath "$1" "$T/junit.xml"; }
	[ "$(x 'count(/testsuites/testsuite)')" = 1 ]
	[ "$(x 'count(//testcase)')" = 2 ]
	[ "$(x 'string(//testsuite/@tests)')" = 2 ]
	[ "$(x 'string(//testsuite/@failures)')" = 1 ]
	[ "$(x 'count(//testcase[@name="go version"]/failure)')" = 0 ]
	[ "$(x 'string(//testcase[failure]/@name)')" = "go build -o /dev/null ." ]
	[ "$(x 'string(//failure/@type)')" = permission ]
	v=$(jq -c 'select(.type == "exit" and .go_argv[1] == "build") | .verdict' "$OUT")
	# attribute and text decode to the verdict's exact bytes, CR and LF included
	[ "$(x 'string(//failure/@message)')" = "permission: $(jq -j .explanation <<<"$v")" ]
	[[ "$(x 'string(//failure)')" == *"fix: $(jq -j .fix <<<"$v")"* ]]
	[ "$(x 'string(//property[@name="exit_status"]/@value)')" = 1 ]
}

@test "report: --report github without the CI's variables, --report none with them; no findings, a clean summary" {
	GITHUB_STEP_SUMMARY=$T/s1.md run --separate-stderr timeout 60 "$GOTRACED" --report github \
		-o "$OUT" -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	grep -qxF '### gotraced: sh -c exit 3 exited with status 3' "$T/s1.md"
	grep -qxF '0 findings in 0 go commands (0 failed).' "$T/s1.md"
	GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$T/s2.md GOCACHE=$HOSTILE \
		run --separate-stderr timeout 120 "$GOTRACED" --report none -o "$OUT" -- \
		"${AS_GT[@]}" go build -o /dev/null .
	[ "$status" -eq 1 ]
	run ! grep -q '^::' <<<"$output"
	[ ! -e "$T/s2.md" ]
	# reports belong to a command
	run --separate-stderr "$GOTRACED" --junit "$T/j.xml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--junit and --report report on a command"* ]]
}
