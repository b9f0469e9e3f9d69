#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The whole suite, each part ending with its own "NAME: N passed, N failed,
# N skipped" line:
#   unit     cmocka tests of the pure logic (binaries given as arguments)
#   system   the real daemon against real Go failures (bats)
#   asan     the same system tests against the ASan+UBSan build of the daemon
#            (GT_GO_ASAN=1.27 runs them with that Go: tests/go-releases)
#   guest    SELinux, fexit, BPF LSM in Debian's kernel under qemu (one boot)
#   systemd  the unit under a real systemd (nspawn; debootstraps its tree once)
#   fuzz     libFuzzer targets for a short fixed budget
#   sanitize the daemon under ASan/UBSan and valgrind
# Ends with one count line over all of them.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tests/run-unit.sh "$@" | tee -a "$log"
tests/run-system.sh | tee -a "$log"
SUITE=asan GT_GO=${GT_GO_ASAN:-1.19} GOTRACED=$PWD/.output/asan/gotraced-asan tests/run-system.sh | tee -a "$log"
tests/guest/run.sh | tee -a "$log"
tests/systemd/run.sh | tee -a "$log"
FUZZ_SECONDS=${FUZZ_SECONDS:-15} tests/fuzz/run.sh .output/fuzz/fuzz_* | tee -a "$log"
tests/fuzz/sanitize.sh | tee -a "$log"

num() { sed -n "s/^$1: \(.*\)/\1/p" "$log" | grep -o "[0-9]* $2" | head -1 | cut -d' ' -f1; }
passed=0 failed=0 skipped=0
for suite in unit system asan guest systemd fuzz sanitize; do
	p=$(num $suite passed) f=$(num $suite failed) s=$(num $suite skipped)
	# a runner that printed no count line failed as a whole
	if [ -z "$p" ]; then
		echo "$suite: no count line: counted as failed"
		failed=$((failed + 1))
		continue
	fi
	passed=$((passed + p)) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
