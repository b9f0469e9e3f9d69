#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A healthy build and test must produce no findings, only exit events.

load lib

setup() {
	gt_setup
	copy_module
	cd "$MOD"
}

teardown() { gt_teardown; }

@test "clean go build and go test: zero findings, exit 0 for each" {
	start_daemon
	run go_cmd go build -o "$T/m" .
	echo "$output"
	[ "$status" -eq 0 ]
	run go_cmd go test .
	echo "$output"
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ "$(ours '.type == "finding"' | count)" -eq 0 ]
	[ -n "$(ours '.type == "exit" and .exit_code == 0 and .signal == null and .findings == 0
		and .go_argv == ["go","build","-o",($T + "/m"),"."]')" ]
	[ -n "$(ours '.type == "exit" and .exit_code == 0 and .signal == null and .findings == 0
		and .go_argv == ["go","test","."]')" ]
	[ "$(ours '.type == "exit"' | count)" -eq 2 ]
}
