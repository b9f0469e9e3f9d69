#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The whole suite: unit tests (given as arguments), then the system tests
# that run the real daemon against real Go, then the guest-kernel tests
# (tests/guest: one qemu boot), then the unit under a real systemd
# (tests/systemd: debootstraps its tree once, 2-4 min, then reuses it).
# Ends with one count line.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tests/run-unit.sh "$@" | tee -a "$log"
tests/run-system.sh | tee -a "$log"
tests/guest/run.sh | tee -a "$log"
tests/systemd/run.sh | tee -a "$log"

num() { sed -n "s/^$1: \(.*\)/\1/p" "$log" | grep -o "[0-9]* $2" | head -1 | cut -d' ' -f1; }
up=$(num unit passed) uf=$(num unit failed)
sp=$(num system passed) sf=$(num system failed) ss=$(num system skipped)
gp=$(num guest passed) gf=$(num guest failed) gs=$(num guest skipped)
dp=$(num systemd passed) df=$(num systemd failed) ds=$(num systemd skipped)
passed=$(( ${up:-0} + ${sp:-0} + ${gp:-0} + ${dp:-0} ))
failed=$(( ${uf:-0} + ${sf:-0} + ${gf:-0} + ${df:-0} ))
# a runner that printed no count line failed as a whole
[ -z "$up" ] && failed=$((failed + 1))
[ -z "$sp" ] && failed=$((failed + 1))
[ -z "$gp" ] && failed=$((failed + 1))
[ -z "$dp" ] && failed=$((failed + 1))
echo "$passed passed, $failed failed, $(( ${ss:-0} + ${gs:-0} + ${ds:-0} )) skipped"
[ "$failed" -eq 0 ]
