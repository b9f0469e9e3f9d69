#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Process churn: a reused pid, a 64-deep tree and 10,000 short-lived
# processes are attributed to the right go command; memory stays bounded.

load lib
load stress

setup() {
	stress_setup
	start_daemon -o /dev/stdout --flush-ms 200
}

teardown() { gt_teardown; }

# exits_of PID N: N exit events of go command PID so far (for poll: evaluated each time)
exits_of() { [ "$(jsel ".type == \"exit\" and .go_pid == $1" | count)" -eq "$2" ]; }

# argv_json ARG...: the JSON go_argv of the fake go run with ARG...
argv_json() { jq -cn --args '$ARGS.positional' "$FAKEGO" "$@"; }

@test "procs: a reused pid is attributed to its new owner, an untracked one to nobody" {
	cp "$HELPERS/gt-stress" "$T/fake/plain"
	run fake_go deny 1 "$LOCK/a"
	[ "$status" -eq 0 ]
	p=$(head -n1 "$GT_GOPIDS")
	wait_go_exits "$p"
	# the same pid for a process gotraced must not follow, then for a new go command
	run "$HELPERS/gt-stress" at "$p" setpriv --reuid="$GT_USER" --regid="$GT_USER" \
		--clear-groups -- "$T/fake/plain" deny 1 "$LOCK/b"
	echo "$output"
	[ "$status" -ne 125 ] || skip "cannot choose a pid with clone3 set_tid here"
	[ "$status" -eq "$GT_STRESS_EXIT" ]
	run "$HELPERS/gt-stress" at "$p" setpriv --reuid="$GT_USER" --regid="$GT_USER" \
		--clear-groups -- "$FAKEGO" deny 2 "$LOCK/c"
	echo "$output"
	[ "$status" -eq "$GT_STRESS_EXIT" ]
	POLL_S=20 poll exits_of "$p" 2
	stop_daemon
	dump_out
	assert_json_lines
	[ "$(jsel '(.path // "") | contains("/lock/b")' | count)" -eq 0 ]
	[ "$(jsel ".pid == $p or .go_pid == $p" | jq -c .go_argv | sort | uniq | wc -l)" -eq 2 ]
	a=$(findings '.path == $T + "/lock/a"')
	c=$(findings '.path == $T + "/lock/c"')
	[ "$(jq -c .go_argv <<<"$a")" = "$(argv_json deny 1 "$LOCK/a")" ]
	[ "$(jq -c .go_argv <<<"$c")" = "$(argv_json deny 2 "$LOCK/c")" ]
	[ "$(jq .pid <<<"$c")" -eq "$p" ] && [ "$(jq .go_pid <<<"$c")" -eq "$p" ]
	[ "$(jq .count <<<"$c")" -eq 2 ] && [ "$(jq .count <<<"$a")" -eq 1 ]
	[ "$(jq -r .exe <<<"$c")" = "$FAKEGO" ]
}

@test "procs: a refusal 64 processes deep is attributed to its go command" {
	run fake_go chain 64 "$LOCK/deep"
	echo "$output"
	[ "$status" -eq 0 ]
	read -r _ dpid dppid <<<"$output"
	g=$(head -n1 "$GT_GOPIDS")
	wait_go_exits "$g"
	stop_daemon
	dump_out
	assert_json_lines
	f=$(findings '.path == $T + "/lock/deep"')
	[ "$(grep -c . <<<"$f")" -eq 1 ]
	[ "$(jq .pid <<<"$f")" -eq "$dpid" ]
	[ "$(jq .ppid <<<"$f")" -eq "$dppid" ]
	[ "$(jq .go_pid <<<"$f")" -eq "$g" ]
	[ "$(jq -c .go_argv <<<"$f")" = "$(argv_json chain 64 "$LOCK/deep")" ]
	[ "$(jq .count <<<"$f")" -eq 1 ]
}

@test "procs: 1,000 short-lived processes are attributed to their go command" {
	run fake_go burst 1000 "$LOCK/b"
	[ "$status" -eq 0 ]
	[ "$output" = "denied 1000" ]
	g=$(head -n1 "$GT_GOPIDS")
	wait_go_exits "$g"
	stop_daemon
	assert_json_lines
	[ "$(jsel '.type == "lost"' | count)" -eq 0 ]
	[ "$(sum_counts ".go_pid == $g and .path == \$T + \"/lock/b\"")" -eq 1000 ]
	[ "$(findings '.path == $T + "/lock/b"' | jq -c .go_argv | sort -u)" = \
		"$(argv_json burst 1000 "$LOCK/b")" ]
}

@test "procs: a process that failed calls outside every tree is followed once it execs go" {
	# the shell's own failed calls (stat of a missing file) are an outsider's, which each
	# CPU remembers so the next one costs no lookup; its exec of go must end that
	run go_cmd "${AS_GT[@]}" bash -c \
		'for i in $(seq 3000); do [ -e "$1/none" ]; done; exec "$2" deny 5 "$1/joined"' \
		_ "$LOCK" "$FAKEGO"
	echo "$output"
	[ "$status" -eq "$GT_STRESS_EXIT" ]
	[ "$output" = "denied 5" ]
	g=$(head -n1 "$GT_GOPIDS")
	wait_go_exits "$g"
	stop_daemon
	dump_out
	[ "$(findings '(.path // "") | endswith("/lock/none")' | count)" -eq 0 ]
	[ "$(sum_counts ".go_pid == $g and .path == \$T + \"/lock/joined\"")" -eq 5 ]
}
