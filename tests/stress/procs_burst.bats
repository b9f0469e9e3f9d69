#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Slow (make test-stress, about 4 minutes on a loaded 2-core VM): 30,000
# short-lived processes in a tracked tree; the daemon's memory must not grow.

load ../system/lib
load ../system/stress

setup() {
	stress_setup
	start_daemon -o /dev/stdout --flush-ms 200
}

teardown() { gt_teardown; }

argv_json() { jq -cn --args '$ARGS.positional' "$FAKEGO" "$@"; }

@test "procs: 3 x 10,000 short-lived processes: attributed, memory bounded" {
	local rss=()
	for i in 1 2 3; do
		run fake_go burst 10000 "$LOCK/b$i"
		[ "$status" -eq 0 ]
		[ "$output" = "denied 10000" ]
		g=$(tail -n1 "$GT_GOPIDS")
		wait_go_exits "$g"
		# every refusal of this burst, in findings of this go command only
		[ "$(sum_counts ".go_pid == $g")" -eq 10000 ]
		[ "$(sum_counts ".path == \$T + \"/lock/b$i\"")" -eq 10000 ]
		[ "$(ours ".type == \"finding\" and .go_pid == $g and
			.go_argv != $(argv_json burst 10000 "$LOCK/b$i")" | count)" -eq 0 ]
		rss+=("$(rss_kb "$DAEMON_PID")")
	done
	echo "# daemon RSS after each burst (KiB): ${rss[*]}" >&3
	stop_daemon
	assert_json_lines
	[ "$(jsel '.type == "lost"' | count)" -eq 0 ]
	# 20,000 more processes may not grow it by more than 2 MiB (100 bytes each)
	[ "${rss[2]}" -le $((rss[0] + 2048)) ]
}
