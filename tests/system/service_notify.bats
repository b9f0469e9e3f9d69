#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Type=notify: READY=1 only once every program is attached, STATUS= with
# counts, STOPPING=1 on the way out. A python listener plays systemd.

load lib

setup() {
	gt_setup
	command -v python3 >/dev/null || skip "python3 not installed"
	NS=$T/notify.sock
	NLOG=$T/notify.log
	python3 "$BATS_TEST_DIRNAME/helpers/notify-listener.py" "$NS" "$NLOG" &
	LISTENER=$!
	GT_BG_PIDS="$LISTENER"
	wait_for_line "$NLOG" '^listening' 10 "$LISTENER"
}

teardown() { gt_teardown; }

@test "sd_notify: READY=1 after every program is attached, then STATUS and STOPPING" {
	NOTIFY_SOCKET=$NS start_daemon -o "$OUT"
	wait_for_line "$NLOG" '^at-ready' 10
	cat "$NLOG"
	# the ready line and READY=1 come from the same point: after attach
	grep -q '^msg READY=1$' "$NLOG"
	grep -qE '^msg STATUS=tracing machine-wide with [0-9]+ programs' "$NLOG"
	links=$(sed -n 's/^at-ready links=\([0-9]*\).*/\1/p' "$NLOG")
	# the daemon's own link count, now, from its status: the same programs
	mech=$(grep -oE 'with [0-9]+ programs' "$NLOG" | head -1 | grep -oE '[0-9]+')
	[ "$links" -ge 2 ]
	[ "$links" -eq "$mech" ]
	run ! grep -q '^stopping' "$NLOG"
	stop_daemon
	wait_for_line "$NLOG" '^stopping' 5
	# STOPPING=1 is the last thing said
	[ "$(grep '^msg ' "$NLOG" | grep -v '^msg $' | tail -1)" = "msg STOPPING=1" ]
	# nothing of this daemon's stays loaded (other daemons may run meanwhile)
	ids=$(sed -n 's/^prog-ids //p' "$NLOG")
	[ -n "$ids" ]
	# the kernel frees a program after its last fd closes, asynchronously: give it 3 s
	for id in $ids; do
		for ((i = 0; i < 30; i++)); do
			bpftool prog show id "$id" >/dev/null 2>&1 || break
			sleep 0.1
		done
		run ! bpftool prog show id "$id"
	done
}

@test "sd_notify: nothing is sent when NOTIFY_SOCKET is unset" {
	start_daemon -o "$OUT"
	stop_daemon
	run ! grep -q '^msg' "$NLOG"
}
