#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The system suite against every Go release of tests/go-releases (or those
# named: tests/run-go-matrix.sh 1.23 1.27), fetching the missing ones first.
# One "go1.NN: N passed, N failed, N skipped" line per release, then a total.
# GO_MATRIX_FILES="clean gorelease" runs only those files of tests/system.
set -u
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	set -- $(awk '$1 !~ /^#/ && NF { print $1 }' tests/go-releases)
fi
tools/go-releases.sh "$@" || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for v in "$@"; do
	t0=$(date +%s)
	# shellcheck disable=SC2086 # a list of file names
	SUITE=go$v GT_GO=$v tests/run-system.sh ${GO_MATRIX_FILES:-} | tee -a "$log"
	echo "# go$v: $(($(date +%s) - t0)) s"
done
passed=0 failed=0 skipped=0
for v in "$@"; do
	line=$(sed -n "s/^go$v: //p" "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "go$v: no count line: counted as failed"
		failed=$((failed + 1))
		continue
	fi
	read -r p _ f _ s _ <<<"$line"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
