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
	# the exit record agrees with the findings it closes
	[ "$(ours '.type == "exit"' | jq '.errors')" -eq "$sum" ]
	LOST=$lost
}

@test "conservation: low rate, system-wide: every call counted, nothing lost" {
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
	[ "$(jsel '.type == "lost"' | count)" -eq 0 ]
	[ "$(sum_counts '.path == $T + "/lock/x"')" -eq "$n" ]
	[ "$(sum_counts 'true')" -eq "$n" ]
	[ "$(ours '.type == "finding"' | count)" -eq 1 ]
	[ "$(ours '.type == "exit"' | jq '.errors')" -eq "$n" ]
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
