#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Fairness: one tree's flood of refused calls never costs another tree its
# findings. Repeats of one call are counted in the kernel (one record for the
# lot); a flood of distinct calls, while the daemon is behind, loses its own
# records once the ring buffer is half full, and leaves the rest to the others.

load lib
load stress

setup() { stress_setup; }
teardown() {
	[ -z "${DAEMON_PID:-}" ] || kill -CONT "$DAEMON_PID" 2>/dev/null || true
	gt_teardown
}

# the real go build that fails: GOCACHE owned by root, go run as the test user
failing_build() {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootcache"
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build .
	echo "$output"
	[ "$status" -ne 0 ]
	BUILD_PID=$(tail -n1 "$GT_GOPIDS")
}

# flood_pid: the fake go's pid (the first go_cmd of the test)
flood_pid() { head -n1 "$GT_GOPIDS"; }

@test "fairness: a flood of one refused call is counted in the kernel, a go build beside it gets its finding" {
	n=1000000
	start_daemon -o /dev/stdout --flush-ms 100
	fake_go deny "$n" "$LOCK/x" >"$T/fake.out" &
	flood=$!
	POLL_S=60 poll grep -q . "$GT_GOPIDS"
	failing_build
	wait "$flood"
	grep -qx "denied $n" "$T/fake.out"
	wait_go_exits
	stop_daemon
	assert_json_lines
	the_finding ".go_pid == $BUILD_PID and .cause == \"permission\" and .go_dir == \"GOCACHE\""
	# every call of the flood counted, none lost, in one finding (machine-wide, other
	# users' floods may lose records of their own trees meanwhile: the exits tell ours)
	[ "$(ours ".type == \"exit\" and .go_pid == $(flood_pid)" | jq '.lost')" -eq 0 ]
	[ "$(ours ".type == \"exit\" and .go_pid == $BUILD_PID" | jq '.lost')" -eq 0 ]
	[ "$(sum_counts ".go_pid == $(flood_pid)")" -eq "$n" ]
	[ "$(ours ".type == \"finding\" and .go_pid == $(flood_pid)" | count)" -eq 1 ]
	[ "$(ours ".type == \"exit\" and .go_pid == $(flood_pid)" | jq '.errors')" -eq "$n" ]
}

@test "fairness: while the daemon is behind, a flood of distinct calls loses its own records, not another tree's" {
	n=200000
	start_daemon -o /dev/stdout --flush-ms 100
	# the daemon stops reading: the ring buffer (4 MiB, some 7,000 records) fills
	kill -STOP "$DAEMON_PID"
	GT_STRESS_DISTINCT=1 fake_go deny "$n" "$LOCK/x" >"$T/fake.out" &
	flood=$!
	POLL_S=120 poll grep -qx "denied $n" "$T/fake.out" || { kill -CONT "$DAEMON_PID"; false; }
	# a second tree fails while the daemon is still behind
	failing_build
	kill -CONT "$DAEMON_PID"
	wait "$flood"
	wait_go_exits
	stop_daemon
	assert_json_lines
	the_finding ".go_pid == $BUILD_PID and .cause == \"permission\" and .go_dir == \"GOCACHE\""
	jq -e '.verdict.cause == "permission"' <<<"$(ours ".type == \"exit\" and .go_pid == $BUILD_PID")"
	# the flood paid: it lost calls, and none went uncounted; the build lost none
	# (machine-wide, other users' trees may lose records too: each exit tells its own)
	lost=$(ours ".type == \"exit\" and .go_pid == $(flood_pid)" | jq '.lost')
	sum=$(sum_counts ".go_pid == $(flood_pid)")
	echo "flood of $n distinct calls: counted $sum, lost $lost (machine-wide $(lost_total))"
	[ "$sum" -lt "$n" ]
	[ $((sum + lost)) -eq "$n" ]
	[ "$(ours ".type == \"exit\" and .go_pid == $BUILD_PID" | jq '.lost')" -eq 0 ]
}

@test "repeats counted in the kernel are in gotraced status while the flood's process still runs" {
	n=300000
	start_daemon -o /dev/stdout --socket "$T/gt.sock"
	GT_STRESS_HOLD=$T/hold fake_go deny "$n" "$LOCK/x" >"$T/fake.out" &
	flood=$!
	POLL_S=120 poll grep -qx "denied $n" "$T/fake.out"
	# held until the fake go ends: every call of it is a held call by now
	run "$GOTRACED" status --socket "$T/gt.sock"
	echo "$output"
	[ "$status" -eq 0 ]
	# machine-wide: other engineers' go commands may hold calls too, so a lower bound
	jq -e --argjson n "$n" '.held_calls >= $n and .kernel_repeats >= $n - 1000' <<<"$output"
	touch "$T/hold"
	wait "$flood"
	wait_go_exits
	stop_daemon
	[ "$(ours ".type == \"exit\" and .go_pid == $(flood_pid)" | jq '.errors')" -eq "$n" ]
	[ "$(sum_counts ".go_pid == $(flood_pid)")" -eq "$n" ]
}
