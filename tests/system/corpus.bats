#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The real-code corpus's subset (tests/corpus/corpus.list, runs marked subset): Go's own
# tests and Debian's Go libraries under the real daemon, as the test user whose PATH
# starts with a directory it cannot search. `make test-corpus` runs all of it.

load lib

setup() {
	gt_setup
	ensure_gtuser
}

teardown() { gt_teardown; }

@test "corpus subset: passing runs give no finding, failing runs get the machine's cause (strace agrees)" {
	[ -d /usr/share/gocode/src/github.com/spf13/afero ] ||
		skip "Debian's Go libraries are not installed (make deps)"
	GOTRACED=$GOTRACED run "$GT_ROOT/tests/corpus/run.sh" --subset
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"corpus: "*" passed, 0 failed"* ]]
	[[ "$output" == *"precision 100.0%"* ]]
}
