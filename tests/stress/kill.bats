#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# kill -9 of the daemon mid-build: none of its BPF programs or links remain,
# the build goes on unharmed, and a restarted daemon picks up the running
# go command and reports its finding. A generated 20,000-function file keeps
# the compiler busy for seconds: the daemon dies while it runs.

load ../system/lib
load ../system/stress

setup() { stress_setup; }
teardown() { gt_teardown; }

# bpf_ids prog|link PID: ids of BPF programs or links PID holds open, from
# its fdinfo (bpftool's pids column needs a bpftool built with bpf_iter)
bpf_ids() {
	local fd
	for fd in /proc/"$2"/fd/*; do
		case $(readlink "$fd") in
		anon_inode:bpf-prog) [ "$1" = prog ] || continue ;;
		anon_inode:bpf_link) [ "$1" = link ] || continue ;;
		*) continue ;;
		esac
		awk -v k="$1_id:" '$1 == k {print $2}' "/proc/$2/fdinfo/${fd##*/}"
	done | sort -n
}

# gone prog|link IDS...: none of these ids exists any more
gone() {
	local kind=$1 now
	shift
	now=$(bpftool -j "$kind" show 2>/dev/null | jq -r '.[].id')
	for id in "$@"; do
		grep -qx "$id" <<<"$now" && return 1
	done
	return 0
}

@test "kill -9 mid-build: nothing left in the kernel, build unharmed, restart picks up" {
	command -v bpftool >/dev/null || skip "bpftool not installed"
	mkdir "$T/km"
	cat >"$T/km/go.mod" <<<'module km'
	cat >"$T/km/km_test.go" <<GO
package km

import (
	"os"
	"testing"
	"time"
)

func TestLate(t *testing.T) {
	time.Sleep(3 * time.Second)
	if err := os.Mkdir("$LOCK/k", 0o755); err != nil {
		t.Fatal(err)
	}
}
GO
	# a private copy: chown must not reach the warm cache the copy links to
	rm -rf "$GOCACHE" && cp -a "$GT_GOCACHES/$(gt_go_version)" "$GOCACHE"
	chown -R "$GT_USER:" "$T/km" "$GOCACHE"
	{
		echo 'package km'
		for ((i = 0; i < 20000; i++)); do echo "func F$i(a, b int) int { return a*$i + b }"; done
	} >"$T/km/big.go"
	chown "$GT_USER:" "$T/km/big.go"
	start_daemon -o /dev/stdout
	d1=$DAEMON_PID
	progs=$(bpf_ids prog "$d1")
	links=$(bpf_ids link "$d1")
	echo "daemon $d1 holds programs: $progs; links: $links"
	[ -n "$progs" ] && [ -n "$links" ]
	# bats runs tests under errexit, inherited by this subshell: keep go's failure
	(cd "$T/km" && rc=0 && { go_cmd setpriv --reuid="$GT_USER" --regid="$GT_USER" \
		--clear-groups -- go test -count=1 . >"$T/gotest.log" 2>&1 || rc=$?; } &&
		echo "$rc" >"$T/gotest.rc") &
	GT_BG_PIDS=$!
	POLL_S=10 poll test -s "$GT_GOPIDS"
	g=$(head -n1 "$GT_GOPIDS")
	# mid-build: the compiler of this go command runs
	POLL_S=120 poll sh -c "ps -o comm= --ppid $g | grep -qx compile || ! kill -0 $g"
	ps -o comm= --ppid "$g" | grep -qx compile
	kill -0 "$g" || { cat "$T/gotest.log"; false; }
	kill -KILL "$d1"
	local dst=0	# not `run wait`: in run's subshell wait returns at once
	wait "$d1" || dst=$?
	[ "$dst" -eq 137 ]
	DAEMON_PID=
	POLL_S=20 poll gone prog $progs
	POLL_S=20 poll gone link $links
	[ -z "$(bpf_ids prog "$d1")" ]
	kill -0 "$g"	# the build goes on
	start_daemon -o /dev/stdout
	POLL_S=120 poll test -s "$T/gotest.rc" || { ps -u "$GT_USER" -o pid,ppid,stat,etimes,wchan:24,args; cat "$T/gotest.log"; false; }
	cat "$T/gotest.log"
	# built, ran, and failed on its own refusal: unharmed
	[ "$(cat "$T/gotest.rc")" -eq 1 ]
	grep -q "mkdir $LOCK/k: permission denied" "$T/gotest.log"
	wait_json ".type == \"exit\" and .go_pid == $g" 20
	stop_daemon
	dump_out
	assert_json_lines
	f=$(findings ".path == \$T + \"/lock/k\" and .go_pid == $g")
	[ "$(grep -c . <<<"$f")" -eq 1 ]
	[ "$(jq -r .role <<<"$f")" = test ]
	[ "$(jq -c '.go_argv[:2]' <<<"$f")" = '["go","test"]' ]
	[ "$(jsel ".type == \"exit\" and .go_pid == $g" | jq .exit_code)" -eq 1 ]
	assert_no_new_bpf_progs
}
