#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run the system tests (real daemon, real Go) and print one summary line:
#   system: N passed, N failed, N skipped
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/../gotraced" ] || echo "# warning: $here/../gotraced not built: tests will skip" >&2

tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
# serial on purpose: the tests share the kernel's BPF state and gtuser
bats --tap "$here/system" | tee "$tap"
bats_status=${PIPESTATUS[0]}

passed=$(grep -cE '^ok [0-9]+' "$tap" | head -n1)
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$tap")
failed=$(grep -cE '^not ok [0-9]+' "$tap")
passed=$((passed - skipped))
echo "system: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$bats_status" -eq 0 ]
