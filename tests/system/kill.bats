#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A go command killed by a signal: the exit event says which signal.

load lib

setup() {
	gt_setup
	copy_module
	cd "$MOD"
	# go test -exec runs this instead of the test binary: it kills go itself
	printf '#!/bin/sh\nkill -KILL $PPID\nsleep 5\n' >"$T/killer"
	chmod +x "$T/killer"
}

teardown() { gt_teardown; }

@test "go killed by SIGKILL: exit event with signal SIGKILL and no exit code" {
	start_daemon
	run go_cmd go test -exec "$T/killer" .
	echo "$output"
	[ "$status" -eq 137 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ -n "$(ours '.type == "exit" and .exit_code == null and .signal == "SIGKILL"
		and .go_argv[1] == "test"')" ]
	[ -n "$(ours '.type == "finding" and .cause == "killed" and .signal == "SIGKILL"')" ]
}
