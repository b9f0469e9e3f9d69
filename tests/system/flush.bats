#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --flush-ms: a finding is written while its go command still runs (once the process that
# met the refusal has failed).

load lib

setup() {
	gt_setup
	ensure_gtuser
	copy_module "$GT_USER"
	cd "$MOD"
	mkdir -m 0755 "$T/rootdir"
	mkdir -m 0777 "$T/usercache"
	# a second package, so go test runs two test binaries
	mkdir "$MOD/b"
	printf 'package b\n\nimport "testing"\n\nfunc TestB(t *testing.T) {}\n' >"$MOD/b/b_test.go"
	chown -R "$GT_USER:" "$MOD/b"
	# go test -exec runs this for each package: the root package's fails at once after a
	# refused write (a refusal is held until its process ends); package b's waits
	cat >"$T/waiter" <<-'EOS'
		#!/bin/sh
		if [ "${PWD##*/}" = b ]; then
			while [ ! -e "$GT_T/release" ]; do sleep 0.05; done
			exit 0
		fi
		touch "$GT_T/rootdir/x" 2>/dev/null || exit 1
	EOS
	chmod 0755 "$T/waiter"
}

teardown() { gt_teardown; }

@test "--flush-ms 200: a failed test binary's finding appears before the go command exits" {
	start_daemon --flush-ms 200
	GT_T=$T GOCACHE=$T/usercache go_cmd "${AS_GT[@]}" go test -exec "$T/waiter" ./... >"$T/go.log" 2>&1 &
	gopid=$!
	GT_BG_PIDS=$gopid
	st=0
	wait_json '.type == "finding" and (.path // "") == ($T + "/rootdir/x")' 15 || st=$?
	# go must still be running: the finding came from the timer, not the exit
	kill -0 "$gopid"
	touch "$T/release"
	local gst=0	# not `run wait`: in run's subshell wait returns at once
	wait "$gopid" || gst=$?
	[ "$gst" -eq 1 ]	# the root package failed
	wait_go_exits
	stop_daemon
	dump_out
	[ "$st" -eq 0 ]
	assert_json_lines
	jq -e '.cause == "permission" and .errno == "EACCES"' <<<"$(findings '.path == ($T + "/rootdir/x")' | head -n1)"
}
