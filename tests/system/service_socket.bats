#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The live socket: a fast `gotraced tail` sees every event, a stuck client
# loses some and is told how many; only root and the gotraced group connect.

load lib

setup() {
	gt_setup
	command -v python3 >/dev/null || skip "python3 not installed"
	getent group gotraced >/dev/null ||
		systemd-sysusers "$GT_ROOT/systemd/gotraced.sysusers" >/dev/null 2>&1 ||
		groupadd -r gotraced || skip "cannot create group gotraced"
	ensure_gtuser
	SOCK=$T/run/events.sock
}

teardown() { gt_teardown; }

# N failing go builds (root-owned GOCACHE, run as gtuser) once $T/go exists,
# all below one process that the daemon follows with --pid
start_builds() {
	copy_module "$GT_USER"
	mkdir -m 0755 "$T/rootcache"
	(
		cd "$MOD"
		while [ ! -e "$T/go" ]; do sleep 0.05; done
		for ((i = 0; i < $1; i++)); do
			# go_cmd execs: the user switch must be a command, not a function
			GOCACHE=$T/rootcache go_cmd setpriv --reuid="$GT_USER" --regid="$GT_USER" \
				--clear-groups go build -o /dev/null . 2>/dev/null || true
		done
		touch "$T/builds-done"
	) &
	BUILDS=$!
	GT_BG_PIDS="${GT_BG_PIDS:-} $BUILDS"
}

# wait_builds TIMEOUT_S
wait_builds() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ -e "$T/builds-done" ] && return 0
		sleep 0.1
	done
	echo "builds not done within $1 s"
	return 1
}

@test "socket: mode 0660 root:gotraced; outside the group no connection, inside yes" {
	start_daemon -o "$OUT" --socket "$SOCK"
	run stat -c '%a %U %G' "$SOCK"
	[ "$output" = "660 root gotraced" ]
	run --separate-stderr "${AS_GT[@]}" "$GOTRACED" status --socket "$SOCK"
	echo "$stderr"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Permission denied"* ]]
	run --separate-stderr setpriv --reuid="$GT_USER" --regid="$GT_USER" \
		--groups="$(getent group gotraced | cut -d: -f3)" -- "$GOTRACED" status --socket "$SOCK"
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	jq -e '.type == "status" and (.mechanisms | length) >= 2 and .clients == 0' <<<"$output"
	stop_daemon
	[ ! -e "$SOCK" ]
}

@test "socket: a fast client sees every event, a stuck one loses some and is told" {
	start_builds 40
	start_daemon -o "$OUT" -f json --pid "$BUILDS" --socket "$SOCK" --client-queue 4 --flush-ms 50
	"$GOTRACED" tail --socket "$SOCK" -f json >"$T/fast.json" 2>"$T/fast.err" &
	FAST=$!
	GT_BG_PIDS="$GT_BG_PIDS $FAST"
	python3 "$BATS_TEST_DIRNAME/helpers/slow-client.py" "$SOCK" "$T/read-now" "$T/slow.json" \
		>"$T/slow.log" 2>&1 &
	SLOW=$!
	GT_BG_PIDS="$GT_BG_PIDS $SLOW"
	wait_for_line "$T/slow.log" connected 10 "$SLOW"
	# both clients counted before anything happens
	for ((i = 0; i < 50; i++)); do
		[ "$("$GOTRACED" status --socket "$SOCK" | jq .clients)" = 2 ] && break
		sleep 0.1
	done
	touch "$T/go"
	wait_builds 120
	wait_go_exits
	touch "$T/read-now"
	wait "$SLOW"
	st=$("$GOTRACED" status --socket "$SOCK")
	echo "status: $st"
	stop_daemon
	wait "$FAST"	# tail: 0 when the daemon ends the stream
	total=$(grep -c . "$OUT")
	echo "daemon wrote $total events; fast got $(grep -c . "$T/fast.json");" \
		"slow got $(grep -c . "$T/slow.json")"
	[ "$total" -ge 60 ]
	# the fast client: exactly what the daemon wrote to its file
	diff "$OUT" "$T/fast.json"
	# the stuck one: some events, a lost count, and together all of them
	got=$(jq -c 'select(.type != "lost")' "$T/slow.json" | count)
	lost=$(jq -s '[.[] | select(.type == "lost") | .count] | add // 0' "$T/slow.json")
	echo "slow: $got events + $lost lost"
	[ "$lost" -gt 0 ]
	[ "$got" -gt 0 ]
	[ $((got + lost)) -eq "$total" ]
	jq -e 'select(.type == "lost") | .what | test("too slowly")' "$T/slow.json" >/dev/null
	[ "$(jq .client_lost <<<"$st")" -eq "$lost" ]
}

@test "tail: filters and --since-start replay, applied by the daemon" {
	start_builds 3
	start_daemon -o "$OUT" -f json --pid "$BUILDS" --socket "$SOCK" --flush-ms 50
	touch "$T/go"
	wait_builds 60
	wait_go_exits
	first=$(head -n1 "$GT_GOPIDS")
	# replay only: the daemon holds them; tail ends when the daemon stops
	"$GOTRACED" tail --socket "$SOCK" --since-start -f json >"$T/all.json" &
	GT_BG_PIDS="$GT_BG_PIDS $!"
	"$GOTRACED" tail --socket "$SOCK" --since-start --pid "$first" -f json >"$T/pid.json" &
	GT_BG_PIDS="$GT_BG_PIDS $!"
	"$GOTRACED" tail --socket "$SOCK" --since-start --cause permission --go-dir GOCACHE \
		-f text >"$T/cause.txt" &
	GT_BG_PIDS="$GT_BG_PIDS $!"
	"$GOTRACED" tail --socket "$SOCK" --since-start --cause noexec -f json >"$T/none.json" &
	GT_BG_PIDS="$GT_BG_PIDS $!"
	sleep 1
	stop_daemon
	sleep 0.2
	diff "$OUT" "$T/all.json"
	[ "$(grep -c . "$T/pid.json")" -ge 2 ]
	[ -z "$(jq -c "select(.go_pid != $first)" "$T/pid.json")" ]
	n=$(findings '.cause == "permission" and .go_dir == "GOCACHE"' | count)
	[ "$n" -ge 3 ]
	[ "$(grep -c . "$T/cause.txt")" -eq "$n" ]
	grep -q 'permission .*\[GOCACHE\]' "$T/cause.txt"
	[ ! -s "$T/none.json" ]
}
