#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# TMPDIR on a noexec mount: go test cannot run the test binary it built.

load lib

setup() {
	gt_setup
	copy_module
	cd "$MOD"
}

teardown() { gt_teardown; }

@test "TMPDIR on a noexec tmpfs: execve finding for the .test binary" {
	mkdir "$T/gt-nx"
	start_daemon
	run go_cmd unshare -m sh -c 'mount -t tmpfs -o noexec tmpfs "$1" &&
		TMPDIR="$1" exec go test .' sh "$T/gt-nx"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"permission denied"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ -n "$(ours '.type == "finding" and .syscall == "execve" and .cause == "noexec"
		and .go_dir == "TMPDIR" and .errno == "EACCES"
		and (.path | startswith($T + "/gt-nx/") and endswith(".test"))')" ]
	[ -n "$(ours '.type == "exit" and .exit_code == 1 and .go_argv[1] == "test"')" ]
}
