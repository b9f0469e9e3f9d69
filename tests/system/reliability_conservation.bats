#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Conservation: every refused call of a tracked process is accounted for,
# either in a finding's `count` or in a `lost` record.

load lib
load stress

setup() { stress_setup; }
teardown() { gt_teardown; }

# run_traced N: gotraced -- (fake go deny N) in the background, held before
# exit until $T/hold exists; stdout of the fake go in $T/fake.out
run_traced() {
	GT_STRESS_HOLD=$T/hold "$GOTRACED" -o "$OUT" -- sh -c 'echo $$ >>"$GT_GOPIDS"; exec "$@"' sh \
		setpriv --reuid="$GT_USER" --regid="$GT_USER" --clear-groups -- \
		"$FAKEGO" deny "$1" "$LOCK/x" >"$T/fake.out" 2>"$ERR" &
	DAEMON_PID=$!
	wait_for_line "$ERR" '^gotraced: ready' 20 "$DAEMON_PID"
}

# finish_traced N: release the fake go, wait for gotraced, check the balance
finish_traced() {
	local st=0 sum lost
	touch "$T/hold"
	wait "$DAEMON_PID" || st=$?
	DAEMON_PID=
	cat "$T/fake.out"
	[ "$st" -eq "$GT_STRESS_EXIT" ]	# run mode: gotraced exits with the fake go's status
	grep -qx "denied $1" "$T/fake.out"
	assert_json_lines
	sum=$(sum_counts "true")
	lost=$(lost_total)
	echo "made $1 refused calls: counted $sum, lost $lost"
	[ $((sum + lost)) -eq "$1" ]
	# the exit record agrees with the findings it closes, and says what its tree lost
	[ "$(ours '.type == "exit"' | jq '.errors')" -eq "$sum" ]
	[ "$(ours '.type == "exit"' | jq '.lost')" -eq "$lost" ]
	LOST=$lost
}

# tree_balance GO_PID N PATHFILTER: the calls go command GO_PID's tree made (N) are in its
# findings' counts or in its exit's `lost`, whatever other trees lost meanwhile
tree_balance() {
	local x sum lost
	x=$(jsel ".type == \"exit\" and .go_pid == $1")
	[ "$(count <<<"$x")" -eq 1 ]
	sum=$(jsel ".type == \"finding\" and .go_pid == $1" | jq -s 'map(.count) | add // 0')
	lost=$(jq '.lost' <<<"$x")
	echo "go $1 made $2 refused calls: counted $sum, lost $lost"
	[ $((sum + lost)) -eq "$2" ]
	[ "$(jsel ".type == \"finding\" and .go_pid == $1 and ($3)" |
		jq -s 'map(.count) | add // 0')" -eq "$sum" ]
	# the exit record agrees with the findings it closes
	[ "$(jq '.errors' <<<"$x")" -eq "$sum" ]
	TREE_LOST=$lost
}

@test "conservation: low rate, system-wide: every call of the tree counted, or lost and said so" {
	n=300
	start_daemon -o /dev/stdout --flush-ms 100
	# 300 calls 2 ms apart, held until the fake go fails: one finding with every call
	run fake_go deny "$n" "$LOCK/x" 2000
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "denied $n" ]
	wait_go_exits
	stop_daemon
	assert_json_lines
	# machine-wide, other users' floods may lose records of their own trees meanwhile
	# (lost events): this tree's calls are each in its finding or in its exit's lost
	echo "lost events machine-wide: $(jsel '.type == "lost"' | jq -s -c 'map([.what, .count])')"
	tree_balance "$(cat "$GT_GOPIDS")" "$n" '.path == $T + "/lock/x"'
	# its calls are one record and repeats counted in the kernel: only a ring buffer
	# full to the last byte can lose that record
	if [ "$TREE_LOST" -eq 0 ]; then
		[ "$(ours '.type == "finding"' | count)" -eq 1 ]
		[ "$(sum_counts 'true')" -eq "$n" ]
	else
		[ "$(jsel '.type == "lost" and (.what | startswith("failed-call"))' |
			jq -s 'map(.count) | add // 0')" -ge "$TREE_LOST" ]
	fi
}

@test "conservation: low rate beside another tree's flood, system-wide: each tree balances alone" {
	n=300 m=50000
	start_daemon -o /dev/stdout --flush-ms 100
	# the daemon stopped while another tree floods distinct calls: the ring buffer
	# passes half full, the flood loses its records past its share
	kill -STOP "$DAEMON_PID"
	GT_GOPIDS=$T/flood.pid GT_STRESS_DISTINCT=1 fake_go deny "$m" "$LOCK/y" >"$T/flood.out" &
	GT_BG_PIDS=$!
	run fake_go deny "$n" "$LOCK/x" 2000
	POLL_S=120 poll grep -qx "denied $m" "$T/flood.out" || { kill -CONT "$DAEMON_PID"; false; }
	kill -CONT "$DAEMON_PID"
	wait "$GT_BG_PIDS"
	echo "$output"
	[ "$output" = "denied $n" ]
	wait_go_exits "$(cat "$GT_GOPIDS")" "$(cat "$T/flood.pid")"
	stop_daemon
	assert_json_lines
	echo "lost events machine-wide: $(jsel '.type == "lost"' | jq -s -c 'map([.what, .count])')"
	# what the other test must not trip on: losses machine-wide
	[ "$(jsel '.type == "lost"' | count)" -gt 0 ]
	tree_balance "$(cat "$T/flood.pid")" "$m" '.path | startswith($T + "/lock/y.")'
	[ "$TREE_LOST" -gt 0 ]
	tree_balance "$(cat "$GT_GOPIDS")" "$n" '.path == $T + "/lock/x"'
}

@test "conservation: flood, run mode: counts plus losses equal the calls made" {
	n=300000
	run_traced "$n"
	finish_traced "$n"
	echo "losses in the flood: $LOST"
}

@test "conservation: flood while the daemon is stopped: losses reported, sum exact" {
	n=200000
	# a name per call: repeats of one call are counted in the kernel, never lost
	GT_STRESS_DISTINCT=1 run_traced "$n"
	# the 4 MiB ring buffer holds some 7,000 records: the rest must be lost
	kill -STOP "$DAEMON_PID"
	POLL_S=120 poll grep -qx "denied $n" "$T/fake.out" || { kill -CONT "$DAEMON_PID"; false; }
	kill -CONT "$DAEMON_PID"
	wait_json '.type == "lost"' 20
	finish_traced "$n"
	[ "$LOST" -gt 0 ]
	grep -q "events lost" "$ERR"
}
