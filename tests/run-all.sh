#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The whole suite: unit tests (given as arguments), then the system tests
# that run the real daemon against real Go. Ends with one count line.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tests/run-unit.sh "$@" | tee -a "$log"
tests/run-system.sh | tee -a "$log"
# fuzzers for a short fixed budget, then the daemon under ASan/UBSan and valgrind
FUZZ_SECONDS=${FUZZ_SECONDS:-15} tests/fuzz/run.sh .output/fuzz/fuzz_* | tee -a "$log"
tests/fuzz/sanitize.sh | tee -a "$log"

num() { sed -n "s/^$1: \(.*\)/\1/p" "$log" | grep -o "[0-9]* $2" | head -1 | cut -d' ' -f1; }
up=$(num unit passed) uf=$(num unit failed)
sp=$(num system passed) sf=$(num system failed) ss=$(num system skipped)
zp=$(num fuzz passed) zf=$(num fuzz failed) zs=$(num fuzz skipped)
ap=$(num sanitize passed) af=$(num sanitize failed) as=$(num sanitize skipped)
passed=$(( ${up:-0} + ${sp:-0} + ${zp:-0} + ${ap:-0} ))
failed=$(( ${uf:-0} + ${sf:-0} + ${zf:-0} + ${af:-0} ))
ss=$(( ${ss:-0} + ${zs:-0} + ${as:-0} ))
# a runner that printed no count line failed as a whole
[ -z "$up" ] && failed=$((failed + 1))
[ -z "$sp" ] && failed=$((failed + 1))
[ -z "$zp" ] && failed=$((failed + 1))
[ -z "$ap" ] && failed=$((failed + 1))
echo "$passed passed, $failed failed, ${ss:-0} skipped"
[ "$failed" -eq 0 ]
