#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run the cmocka unit tests given as arguments; print one closing count line.
set -u
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	echo "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out")
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	# a crash prints no count: count the binary as one failure
	[ -z "$p$f" ] && fail=$((fail + 1))
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
