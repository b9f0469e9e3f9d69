#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run the system tests (real daemon, real Go) and print one summary line:
#   system: N passed, N failed, N skipped
# GOTRACED=BINARY tests another build (the ASan one); SUITE names the line.
# Arguments name some of the files (clean gorelease: tests/system/clean.bats
# ...); none: all of tests/system.
set -uo pipefail
suite=${SUITE:-system}

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tap=$tmp/tap

# test a snapshot, so a rebuild during the run cannot swap the binary
if [ -z "${GOTRACED:-}" ]; then
	if [ -x "$here/../gotraced" ]; then
		chmod 0755 "$tmp"
		cp "$here/../gotraced" "$tmp/gotraced"
		export GOTRACED=$tmp/gotraced
	else
		echo "# $here/../gotraced not built (make): every test would skip" >&2
	fi
fi

files=()
for f in "$@"; do
	f=$here/system/${f%.bats}.bats
	[ -e "$f" ] || { echo "# $suite: no $f"; echo "$suite: 0 passed, 1 failed, 0 skipped"; exit 1; }
	files+=("$f")
done
[ ${#files[@]} -gt 0 ] || files=("$here/system")

# serial on purpose: the tests share the kernel's BPF state and gtuser
bats --tap "${files[@]}" | tee "$tap"
bats_status=${PIPESTATUS[0]}

passed=$(grep -cE '^ok [0-9]+' "$tap")
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$tap")
failed=$(grep -cE '^not ok [0-9]+' "$tap")
# the plan (1..N) against the results: a bats that is missing, crashed or
# stopped early must not look like a short green run
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tap" | head -n1)
if [ -z "$plan" ]; then
	echo "# $suite: no plan line from bats (exit $bats_status): not run"
	failed=$((failed + 1))
elif [ "$((passed + failed))" -ne "$plan" ]; then
	echo "# $suite: plan 1..$plan but $((passed + failed)) results (exit $bats_status): the rest did not run"
	failed=$((failed + plan - passed - failed))
elif [ "$bats_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "# $suite: bats exited $bats_status with every test passing"
	failed=1
fi
passed=$((passed - skipped))
echo "$suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$bats_status" -eq 0 ]
