#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run the system tests (real daemon, real Go) and print one summary line:
#   system: N passed, N failed, N skipped
# GOTRACED=BINARY tests another build (the ASan one); SUITE names the line.
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
		echo "# warning: $here/../gotraced not built: tests will skip" >&2
	fi
fi

# serial on purpose: the tests share the kernel's BPF state and gtuser
bats --tap "$here/system" | tee "$tap"
bats_status=${PIPESTATUS[0]}

passed=$(grep -cE '^ok [0-9]+' "$tap" | head -n1)
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$tap")
failed=$(grep -cE '^not ok [0-9]+' "$tap")
passed=$((passed - skipped))
echo "$suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$bats_status" -eq 0 ]
