#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The stream works by default: machine-wide as root the daemon serves
# /run/gotraced/events.sock, `gotraced tail` and `gotraced status` find it with
# no flag, and two daemons never fight over it. Other daemons on this machine
# may hold the real /run/gotraced/events.sock: each test runs its daemons in a
# mount namespace whose /run is an empty tmpfs of its own.

load lib

DEF=/run/gotraced/events.sock

setup() {
	gt_setup
	getent group gotraced >/dev/null ||
		systemd-sysusers "$GT_ROOT/systemd/gotraced.sysusers" >/dev/null 2>&1 ||
		groupadd -r gotraced || skip "cannot create group gotraced"
	ensure_gtuser
	# the namespace lives as long as this sleeper, across daemons
	unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0755 fleet-run /run && touch /run/.ready && exec sleep 600' &
	NSP=$!
	GT_BG_PIDS=$NSP
	for ((i = 0; i < 100; i++)); do
		[ -e "/proc/$NSP/root/run/.ready" ] && break
		sleep 0.05
	done
	[ -e "/proc/$NSP/root/run/.ready" ]
	# the daemon under test, in that namespace (nsenter -m execs: same pid)
	printf '#!/bin/sh\nexec nsenter -m -t %s -- %s "$@"\n' "$NSP" "$GOTRACED" >"$T/in-ns"
	chmod 0755 "$T/in-ns"
	export GT_DEFAULT_SOCKET=1
}

teardown() { gt_teardown; }

in_ns() { nsenter -m -t "$NSP" -- "$@"; }

@test "default socket: machine-wide as root serves $DEF (0660 root:gotraced); tail and status need no flag" {
	GOTRACED=$T/in-ns start_daemon -o "$OUT" -f json
	run stat -c '%a %U %G %F' "/proc/$NSP/root$DEF"
	echo "$output"
	[ "$output" = "660 root gotraced socket" ]
	# a member of the group, no --socket: the status at once
	gid=$(getent group gotraced | cut -d: -f3)
	run --separate-stderr in_ns setpriv --reuid="$GT_USER" --regid="$GT_USER" --groups="$gid" \
		-- "$GOTRACED" status
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	jq -e --arg s "$DEF" --argjson p "$DAEMON_PID" \
		'.type == "status" and .pid == $p and (.sinks | index($s)) and .clients == 0' \
		<<<"$output"
	"$T/in-ns" tail -f json >"$T/tail.json" 2>"$T/tail.err" &
	TAIL=$!
	GT_BG_PIDS="$GT_BG_PIDS $TAIL"
	for ((i = 0; i < 50; i++)); do
		[ "$(in_ns "$GOTRACED" status | jq .clients)" = 1 ] && break
		sleep 0.1
	done
	# a real failure: a root-owned GOCACHE, go run as the test user
	copy_module "$GT_USER"
	cd "$MOD"
	mkdir -m 0755 "$T/rootcache"
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build -o /dev/null .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	wait "$TAIL"
	cat "$T/tail.err"
	gp=$(cat "$GT_GOPIDS")
	jq -s -e --argjson g "$gp" 'any(.type == "finding" and .go_pid == $g and
		.cause == "permission" and .go_dir == "GOCACHE")' "$T/tail.json"
	# tail got lines the daemon wrote, nothing else (others' go commands, machine-wide,
	# may come before tail connected)
	run grep -cvxF -f "$OUT" "$T/tail.json"
	[ "$output" = 0 ]
	# the daemon removed its socket on the way out
	[ ! -e "/proc/$NSP/root$DEF" ]
}

@test "default socket: a second daemon says one is running; a killed daemon's socket is replaced; no group: root only" {
	GOTRACED=$T/in-ns start_daemon -o "$OUT"
	first=$DAEMON_PID
	# asked for that socket explicitly: refused, naming the running one
	run --separate-stderr timeout 60 "$T/in-ns" --socket "$DEF"
	echo "$stderr"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"another gotraced (pid $first) is already running and serving $DEF"* ]]
	# by default: it says so and traces without a socket
	"$T/in-ns" -o "$T/second.json" 2>"$T/second.err" &
	second=$!
	GT_BG_PIDS="$GT_BG_PIDS $second"
	wait_for_line "$T/second.err" '^gotraced: ready' 20 "$second"
	cat "$T/second.err"
	grep -q "another gotraced (pid $first) is already running and serving $DEF; this one serves no socket" \
		"$T/second.err"
	[ "$(in_ns "$GOTRACED" status | jq .pid)" = "$first" ]
	kill -TERM "$second"
	wait "$second"
	# the first one's socket survived the second one's exit
	[ "$(in_ns "$GOTRACED" status | jq .pid)" = "$first" ]
	# killed: its socket file stays behind, nobody listens
	kill -KILL "$first"
	wait "$first" || true
	DAEMON_PID=
	[ -S "/proc/$NSP/root$DEF" ]
	run ! in_ns "$GOTRACED" status
	# its successor replaces it; without the group it serves root only, and says so
	GOTRACED=$T/in-ns start_daemon -o "$OUT" --socket-group fleet-nosuchgroup
	run ! grep -q 'already running' "$ERR"
	[ "$(in_ns "$GOTRACED" status | jq .pid)" = "$DAEMON_PID" ]
	run stat -c '%a %U %G' "/proc/$NSP/root$DEF"
	[ "$output" = "600 root root" ]
	grep -q "no group 'fleet-nosuchgroup'; only root may connect to $DEF" "$ERR"
	run --separate-stderr in_ns setpriv --reuid="$GT_USER" --regid="$GT_USER" \
		--groups="$(getent group gotraced | cut -d: -f3)" -- "$GOTRACED" status
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Permission denied"* ]]
	stop_daemon
}

@test "default socket: --no-socket serves none" {
	GOTRACED=$T/in-ns start_daemon -o "$OUT" --no-socket
	[ ! -e "/proc/$NSP/root$DEF" ]
	run --separate-stderr in_ns "$GOTRACED" status
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot connect to $DEF"* ]]
	stop_daemon
}
