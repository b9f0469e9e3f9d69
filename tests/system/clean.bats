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

@test "clean vet, test -race, test -cover, cgo and go run: zero findings, go_version on every exit" {
	command -v gcc >/dev/null || skip "no gcc: cgo cannot build"
	start_daemon
	run go_cmd go vet .
	[ "$status" -eq 0 ]
	run go_cmd go test -race .
	echo "$output"
	[ "$status" -eq 0 ]
	run go_cmd go test -cover .
	[ "$status" -eq 0 ]
	run go_cmd go run .
	[ "$output" = "hello from m" ]
	fixture cgo
	run go_cmd go test .
	echo "$output"
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ "$(ours '.type == "finding"' | count)" -eq 0 ]
	# one exit per go command we ran: helpers such as the telemetry sidecar have none
	[ "$(ours '.type == "exit"' | count)" -eq 5 ]
	[ "$(ours '.type == "exit" and .exit_code == 0 and .findings == 0' | count)" -eq 5 ]
	[ "$(ours ".type == \"exit\" and .go_version == \"$(gt_go_version)\"" | count)" -eq 5 ]
}

@test "--all-errors: the same clean build reports its failed calls" {
	start_daemon --all-errors
	run go_cmd go build -o "$T/m" .
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	# an empty GOCACHE means cache misses at least: ENOENT under GOCACHE
	[ "$(ours '.type == "finding"' | count)" -ge 1 ]
	[ -n "$(ours '.type == "exit" and .exit_code == 0')" ]
}

@test "SIGINT stops the daemon with status 0" {
	DAEMON_PID=
	env --default-signal=INT "$GOTRACED" --no-socket >"$OUT" 2>"$ERR" &
	DAEMON_PID=$!
	wait_for_line "$ERR" '^gotraced: ready' 20 "$DAEMON_PID"
	kill -INT "$DAEMON_PID"
	st=0
	timeout 10 tail --pid="$DAEMON_PID" -f /dev/null || st=$?
	[ "$st" -eq 0 ] || { echo "gotraced still running 10 s after SIGINT"; false; }
	wait "$DAEMON_PID" || st=$?
	DAEMON_PID=
	cat "$ERR"
	[ "$st" -eq 0 ]
	assert_no_new_bpf_progs
}
