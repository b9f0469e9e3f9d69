#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Hostile paths: a newline and an ESC in GOCACHE must not break the output.

load lib

setup() {
	gt_setup
	ensure_gtuser
	copy_module "$GT_USER"
	cd "$MOD"
	G=$T/$'gt-x\n\e[31mred'
	mkdir -m 0755 "$G"
}

teardown() { gt_teardown; }

@test "control characters in a path: JSON lines stay valid and carry the path" {
	start_daemon -f json
	GOCACHE=$G run go_cmd "${AS_GT[@]}" go build .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ "$(jq -cR --arg G "$G" 'fromjson? | select(.type == "finding" and (.path | startswith($G)))' "$OUT" | count)" -ge 1 ]
}

@test "control characters in a path: text output has no raw ESC or newline" {
	start_daemon -f text
	GOCACHE=$G run go_cmd "${AS_GT[@]}" go build .
	[ "$status" -ne 0 ]
	# no exit event to poll in text form: wait for the path to show up
	wait_for_line "$OUT" 'gt-x' 10
	stop_daemon
	dump_out | cat -v
	run ! grep -q $'\e' "$OUT"
	grep -q 'gt-x' "$OUT"
	# the part after the newline must sit on the same line as the part before
	[ -z "$(grep '31mred' "$OUT" | grep -v 'gt-x')" ]
}
