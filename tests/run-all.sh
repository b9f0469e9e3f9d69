#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The whole suite, each part ending with its own "NAME: N passed, N failed,
# N skipped" line:
#   unit     cmocka tests of the pure logic (binaries given as arguments)
#   system   the real daemon against real Go failures (bats), Go 1.19
#   go1.NN   the Go scenarios of the system suite (GO_SCENARIOS) against the
#            newest release of tests/go-releases (make test-go-matrix: every
#            release, the whole suite)
#   asan     the same system tests against the ASan+UBSan build of the daemon
#            (GT_GO_ASAN=1.27 runs them with that Go: tests/go-releases)
#   guest    SELinux, fexit, BPF LSM in Debian's kernel under qemu (one boot)
#   systemd  the unit under a real systemd (nspawn; debootstraps its tree once)
#   fuzz     libFuzzer targets for a short fixed budget
#   sanitize the daemon under ASan/UBSan and valgrind
# Ends with one count line over all of them. A part fails as a whole, and
# make test with it, when its runner exits non-zero, prints no count line,
# or skips entirely: every part can run on the machines this project is
# built on (README.md, "Tests and benchmarks"), so a skip there is a fault.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
declare -A rc

# part NAME CMD...: run a part, its output to the terminal and the log
part() {
	local name=$1
	shift
	"$@" | tee -a "$log"
	rc[$name]=${PIPESTATUS[0]}
}

# what a Go release changes: builds and tests that must stay clean, the
# field guide's cases, the sandboxes, the release-specific scenarios
GO_SCENARIOS=${GO_SCENARIOS:-clean precision diagnose cache noexec sandbox gorelease}
newest=$(awk '$1 !~ /^#/ && NF { v = $1 } END { print v }' tests/go-releases)

part unit tests/run-unit.sh "$@"
part system tests/run-system.sh
# shellcheck disable=SC2086 # a list of file names
part "go$newest" env SUITE="go$newest" GT_GO="$newest" tests/run-system.sh $GO_SCENARIOS
part asan env SUITE=asan GT_GO="${GT_GO_ASAN:-1.19}" GOTRACED="$PWD/.output/asan/gotraced-asan" tests/run-system.sh
part guest tests/guest/run.sh
part systemd tests/systemd/run.sh
part fuzz env FUZZ_SECONDS="${FUZZ_SECONDS:-15}" tests/fuzz/run.sh .output/fuzz/fuzz_*
part sanitize tests/fuzz/sanitize.sh

num() { sed -n "s/^$1: \([0-9]* passed.*\)/\1/p" "$log" | tail -n1 | grep -o "[0-9]* $2" | cut -d' ' -f1; }
passed=0 failed=0 skipped=0 bad=()
for suite in unit system "go$newest" asan guest systemd fuzz sanitize; do
	p=$(num "$suite" passed) f=$(num "$suite" failed) s=$(num "$suite" skipped)
	p=${p:-} f=${f:-0} s=${s:-0}
	if [ -z "$p" ]; then
		echo "$suite: no count line (the runner crashed or did not run): counted as failed"
		failed=$((failed + 1)) bad+=("$suite")
		continue
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "$suite: skipped as a whole (see its reason above): counted as failed"
		failed=$((failed + 1)) bad+=("$suite")
	elif [ "${rc[$suite]}" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$suite: runner exited ${rc[$suite]} with no failed test: counted as failed"
		failed=$((failed + 1)) bad+=("$suite")
	elif [ "$f" -gt 0 ]; then
		bad+=("$suite")
	fi
done
echo "$passed passed, $failed failed, $skipped skipped${bad[*]:+ (failing: ${bad[*]})}"
[ "$failed" -eq 0 ]
