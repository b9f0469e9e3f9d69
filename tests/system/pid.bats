#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --pid follows one process tree and nothing else.

load lib

setup() {
	gt_setup
	ensure_gtuser
	copy_module "$GT_USER"
	cd "$MOD"
}

teardown() { gt_teardown; }

# gated NAME: a shell that waits for $T/go, then runs a failing go build
# as the test user with GOCACHE=$T/cache-NAME (root-owned); pid in $T/NAME.pid
gated() {
	mkdir -m 0755 "$T/cache-$1"
	GOCACHE=$T/cache-$1 sh -c 'echo $$ >"$1"; echo $$ >>"$GT_GOPIDS"
		while [ ! -e "$2" ]; do sleep 0.05; done
		exec setpriv --reuid="$3" --regid="$3" --clear-groups -- go build .' \
		gated "$T/$1.pid" "$T/go" "$GT_USER" >"$T/$1.log" 2>&1
}

@test "--pid: only the followed tree's findings are reported" {
	gated A &
	a=$!
	gated B &
	b=$!
	GT_BG_PIDS="$a $b"
	wait_for_line "$T/A.pid" . 10
	wait_for_line "$T/B.pid" . 10
	start_daemon --pid "$a"
	touch "$T/go"
	# both builds fail (their GOCACHE is root's); not `run wait`: run's
	# subshell has no children, its wait returns 127 at once
	local sa=0 sb=0
	wait "$a" || sa=$?
	wait "$b" || sb=$?
	echo "gated A exited $sa, B $sb"
	[ "$sa" -eq 1 ] && [ "$sb" -eq 1 ]
	cat "$T/A.log" "$T/B.log"
	grep -q "cache-A" "$T/A.log"
	grep -q "cache-B" "$T/B.log"
	wait_go_exits "$(cat "$T/A.pid")"
	stop_daemon
	dump_out
	assert_json_lines
	[ "$(findings '.path | startswith($T + "/cache-A")' | count)" -ge 1 ]
	[ "$(jsel '(.path // "") | contains("cache-B")' | count)" -eq 0 ]
	[ "$(jsel ".go_pid == $(cat "$T/B.pid")" | count)" -eq 0 ]
}
