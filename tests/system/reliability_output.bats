#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Output failures: a full disk under -o, a closed stdout, a pipe whose reader
# left. The daemon says so once on stderr, keeps tracing, and writes again
# (whole lines only) when the sink works again.

load lib
load stress

setup() { stress_setup; }
teardown() { gt_teardown; }

# deny_once NAME: one refusal of a new fake go command on $LOCK/NAME
deny_once() {
	run fake_go deny 1 "$LOCK/$1"
	[ "$status" -eq 0 ]
}

# fails_reported N: stderr has exactly N "writing events failed" messages
fails_reported() {
	[ "$(grep -c 'writing events failed' "$ERR")" -eq "$1" ]
}

# said_once: at least one "writing events failed", and never two without a "works again"
# between them (a shorter line may still fit the last page of a full disk: that is an
# outage ending and a new one beginning, each said once)
said_once() {
	awk '/writing events failed/ { if (down) bad = 1; down = 1; n++ }
	     /writing events works again/ { down = 0 }
	     END { exit !(n >= 1 && !bad) }' "$ERR"
}

alive() {
	kill -0 "$DAEMON_PID" || { echo "gotraced died"; cat "$ERR"; return 1; }
}

@test "output: -o on a full disk: said once, tracing goes on, writes resume" {
	mkdir "$T/small"
	# a 64 KiB tmpfs in a private mount namespace, seen through /proc/PID/root
	unshare -m sh -c 'mount -t tmpfs -o size=64k gtsmall "$1" && exec "$2" --no-socket -o "$1/out.json"' \
		sh "$T/small" "$GOTRACED" 2>"$ERR" &
	DAEMON_PID=$!
	wait_for_line "$ERR" '^gotraced: ready' 20 "$DAEMON_PID"
	small=/proc/$DAEMON_PID/root$T/small
	OUT=$small/out.json
	deny_once f1
	wait_json '.type == "exit"' 10
	# fill the disk
	run dd if=/dev/zero of="$small/filler" bs=1k
	[[ "$output" == *"No space left on device"* ]]
	# the last page of out.json may have room for a few lines
	for i in 1 2 3 4 5 6 7 8; do
		deny_once "f2-$i"
		POLL_S=2 poll said_once && break
	done
	said_once
	grep 'writing events failed' "$ERR" | grep -q 'No space left on device'
	deny_once f3
	sleep 1	# f3's lines are flushed at once at its exit (no flush-ms wait)
	alive
	said_once
	# space again
	rm "$small/filler"
	deny_once f4
	wait_json '.type == "finding" and .path == $T + "/lock/f4"' 10
	alive
	grep -q 'writing events works again' "$ERR"
	cp "$OUT" "$T/out.copy"
	OUT=$T/out.copy
	stop_daemon
	cat "$OUT"
	assert_json_lines
	[ "$(findings '.path == $T + "/lock/f1"' | count)" -eq 1 ]
	[ "$(findings '.path == $T + "/lock/f4"' | count)" -eq 1 ]
	said_once
}

@test "output: stdout closed: said once, tracing goes on" {
	"$GOTRACED" --no-socket >&- 2>"$ERR" &
	DAEMON_PID=$!
	wait_for_line "$ERR" '^gotraced: ready' 20 "$DAEMON_PID"
	deny_once c1
	deny_once c2
	deny_once c3
	sleep 1
	alive
	cat "$ERR"
	[ "$(grep -c 'writing events failed' "$ERR")" -le 1 ]
	grep -q 'standard output is closed' "$ERR"
	# no BPF object or file the daemon opened later took fd 1 (and the lines)
	fd1=$(readlink "/proc/$DAEMON_PID/fd/1" || true)
	echo "fd 1: $fd1"
	[ -z "$fd1" ] || [ "$fd1" = /dev/null ]
	stop_daemon
}

@test "output: stdout a pipe whose reader exits: EPIPE said once, tracing goes on" {
	mkfifo "$T/fifo"
	head -n1 "$T/fifo" >"$T/first" &
	reader=$!
	"$GOTRACED" --no-socket >"$T/fifo" 2>"$ERR" &
	DAEMON_PID=$!
	GT_BG_PIDS=$reader
	wait_for_line "$ERR" '^gotraced: ready' 20 "$DAEMON_PID"
	deny_once p1
	wait "$reader"
	jq -e . "$T/first"
	deny_once p2
	POLL_S=10 poll fails_reported 1
	grep 'writing events failed' "$ERR" | grep -q 'Broken pipe'
	deny_once p3
	deny_once p4
	sleep 1
	alive
	fails_reported 1
	stop_daemon
}
