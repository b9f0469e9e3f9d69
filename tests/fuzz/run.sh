#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run each libFuzzer target for FUZZ_SECONDS on its corpus in
# tests/fuzz/corpus/<target> (new inputs go to a scratch copy, so the
# committed seeds stay small), after replaying the past crashes kept in
# tests/fuzz/crashes/<target>-*. Prints one line: fuzz: N passed, N failed, N skipped
# A crash leaves its reproducer in .output/fuzz/crashes/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SECONDS:-20}
crashes=$here/../../.output/fuzz/crashes
mkdir -p "$crashes"
passed=0 failed=0 skipped=0
for bin in "$@"; do
	name=$(basename "$bin")
	t=${name#fuzz_}
	if [ ! -x "$bin" ]; then
		echo "# skip $t: $bin not built"
		skipped=$((skipped + 1))
		continue
	fi
	# past crashes first: each must now run clean
	regress=("$here/crashes/$t"-*)
	if [ -e "${regress[0]}" ] && ! "$bin" "${regress[@]}" >"$crashes/$t-regress.log" 2>&1; then
		echo "not ok $t: a past crash is back: see $crashes/$t-regress.log"
		failed=$((failed + 1))
		continue
	fi
	work=$(mktemp -d)
	cp -r "$here/corpus/$t/." "$work/" 2>/dev/null
	log=$crashes/$t.log
	# leaks are checked per input; the dictionary helps with tokens in text formats
	dict=()
	[ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/$t-" "${dict[@]}" "$work" >"$log" 2>&1; then
		echo "ok $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs," \
			"$(ls "$work" | wc -l) corpus entries"
		passed=$((passed + 1))
	else
		echo "not ok $t: see $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 | sed 's/^/#   /'
		ls "$crashes/$t-"* 2>/dev/null | sed 's/^/#   reproducer: /'
		failed=$((failed + 1))
	fi
	rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
