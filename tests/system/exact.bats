#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel side reports exactly what happened: restart codes are not
# failures, a handled signal does not hide the one that killed, a stale
# process table entry is nobody's, a cut path says so, and every loss
# counter reaches the user.

load lib
load stress

setup() {
	stress_setup
	[ -x "$HELPERS/gt-edge" ] || skip "helpers not built; run make test"
	cp "$HELPERS/gt-edge" "$T/fake/bin/edge"
	mkdir -p "$T/fake/edge"
	cp "$HELPERS/gt-edge" "$T/fake/edge/go"
	EDGE=$T/fake/edge/go
}

teardown() { gt_teardown; }

# edge_go ARGS...: the edge helper as a go command of the test user
edge_go() {
	go_cmd setpriv --reuid="$GT_USER" --regid="$GT_USER" --clear-groups -- "$EDGE" "$@"
}

# procs_map_id: the id of the process table of the daemon this test started
procs_map_id() {
	local id
	for id in $(awk '/^map_id:/ {print $2}' /proc/"$DAEMON_PID"/fdinfo/* 2>/dev/null | sort -un); do
		[ "$(bpftool -j map show id "$id" | jq -r .name)" = procs ] && echo "$id" && return
	done
}

# le32 N / le64 N: N as little-endian hex bytes, for bpftool
le32() { printf '%08x' "$1" | sed -E 's/(..)(..)(..)(..)/\4 \3 \2 \1/'; }
le64() { printf '%016x' "$1" | sed -E 's/(..)(..)(..)(..)(..)(..)(..)(..)/\8 \7 \6 \5 \4 \3 \2 \1/'; }

@test "exact: restarted calls (ERESTARTSYS, ERESTARTNOINTR) are never failed calls" {
	start_daemon --all-errors -o /dev/stdout
	run edge_go restart 5 "$LOCK/x"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "interrupted 5 forks 300" ]]
	g=$(head -n1 "$GT_GOPIDS")
	wait_go_exits "$g"
	stop_daemon
	dump_out
	assert_json_lines
	# the control: the one real refusal is there
	[ "$(ours '.type == "finding" and .syscall == "mkdir" and .errno == "EACCES"' | count)" -eq 1 ]
	# the interrupted read and forks restarted: nothing, under --all-errors too
	[ "$(ours '.type == "finding" and (.syscall == "read" or .syscall == "clone" or
		.syscall == "fork" or .syscall == "clone3")' | count)" -eq 0 ]
	[ "$(ours '.type == "finding" and .errno != null and (.errno | test("^E[A-Z0-9]+$") | not)' |
		count)" -eq 0 ]
}

@test "exact: a test binary that caught SIGPROF (-cpuprofile), then SIGKILL: the sender is named" {
	mkdir -p "$T/prof"
	cat >"$T/prof/go.mod" <<-'EOF'
		module trustprof

		go 1.19
	EOF
	cat >"$T/prof/p_test.go" <<-'EOF'
		package trustprof

		import (
			"os"
			"strconv"
			"testing"
			"time"
		)

		// Spin while the profiler's SIGPROF arrives, then wait to be killed.
		func TestSpinThenWait(t *testing.T) {
			for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
			}
			os.WriteFile(os.Getenv("GT_READY")+".tmp", []byte(strconv.Itoa(os.Getpid())), 0o644)
			os.Rename(os.Getenv("GT_READY")+".tmp", os.Getenv("GT_READY"))
			time.Sleep(60 * time.Second)
		}
	EOF
	cd "$T/prof"
	start_daemon -o /dev/stdout
	GT_READY=$T/ready go_cmd go test -count=1 -cpuprofile "$T/cpu.out" . >"$T/go.log" 2>&1 &
	gopid=$!
	for ((i = 0; i < 600; i++)); do [ -s "$T/ready" ] && break; sleep 0.1; done
	[ -s "$T/ready" ]
	victim=$(cat "$T/ready")
	kill -KILL "$victim"
	st=0
	wait "$gopid" || st=$?
	cat "$T/go.log"
	[ "$st" -ne 0 ]
	grep -q 'signal: killed' "$T/go.log"
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	f=$(ours ".type == \"finding\" and .cause == \"killed\" and .pid == $victim")
	echo "finding: $f"
	[ "$(jq -r .signal <<<"$f")" = SIGKILL ]
	[ "$(jq .sender_pid <<<"$f")" -eq "$BASHPID" ]
}

@test "exact: a stale process table entry (the pid's earlier owner) is nobody's" {
	start_daemon -o /dev/stdout
	cp "$HELPERS/gt-stress" "$T/fake/plain"
	id=$(procs_map_id)
	[ -n "$id" ]
	# a free pid, then an entry for it as the start-up /proc scan leaves one
	# when the process ends between the scan and the write: a go command
	# that started at boot
	max=$(cat /proc/sys/kernel/pid_max)
	for ((try = 0; try < 20; try++)); do
		p=$((1000 + RANDOM * 32768 % (max - 1000)))
		while [ -e "/proc/$p" ] && [ "$p" -lt $((max - 1)) ]; do p=$((p + 1)); done
		bpftool map update id "$id" key hex $(le32 "$p") value hex $(le32 "$p") $(le32 2) $(le64 0)
		run "$HELPERS/gt-stress" at "$p" setpriv --reuid="$GT_USER" --regid="$GT_USER" \
			--clear-groups -- "$T/fake/plain" deny 1 "$LOCK/stale"
		echo "$output"
		# someone else's process took the pid first: the next one
		[[ "$output" == *"File exists"* ]] || break
		bpftool map delete id "$id" key hex $(le32 "$p")
	done
	# the plain fake fails because of its refusal (GT_STRESS_EXIT), as a go would
	[ "$status" -eq "$GT_STRESS_EXIT" ]
	# the control: a go command is still followed
	run fake_go deny 1 "$LOCK/live"
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ "$(findings '.path == $T + "/lock/live"' | count)" -eq 1 ]
	[ "$(jsel "(.path // \"\" | endswith(\"/lock/stale\")) or .pid == $p or .go_pid == $p" |
		count)" -eq 0 ]
}

# deep_run LEN: a refusal in a cwd whose absolute path is LEN bytes; sets $F
deep_run() {
	mkdir -p "$T/deep$1"
	chown "$GT_USER:" "$T/deep$1"
	run edge_go deep "$T/deep$1" "$1"
	echo "$output"
	[ "$status" -eq 3 ]
	[ "$output" = "deep $1 errno 13" ]
}

@test "exact: paths longer than the walk's bound are marked path_truncated, never empty" {
	start_daemon -o /dev/stdout
	deep_run 4095
	deep_run 4096
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	# a cwd of 4,095 bytes fits the walk (4,096 with its NUL): all of it, + "/x"
	f=$(ours '.type == "finding" and (.path | startswith($T + "/deep4095/"))')
	echo "whole: $f"
	[ "$(jq -r .path <<<"$f" | tr -d '\n' | wc -c)" -eq 4097 ]
	[ "$(jq .path_truncated <<<"$f")" = null ]
	# 4,096 bytes: one too many; the tail is kept, and it says so
	f=$(ours '.type == "finding" and .syscall == "mkdir" and
		(.path | startswith($T + "/deep4095/") | not)')
	echo "truncated: $f"
	[ "$(grep -c . <<<"$f")" -eq 1 ]
	[ "$(jq .path_truncated <<<"$f")" = true ]
	p=$(jq -r .path <<<"$f")
	[[ "$p" == /*/x ]]
	[ "${#p}" -gt 3800 ] && [ "${#p}" -lt 4096 ]
}

@test "exact: a full process table reaches lost events and gotraced status" {
	start_daemon -o /dev/stdout --socket "$T/gt.sock"
	id=$(procs_map_id)
	[ -n "$id" ]
	# fill it with pids no process can have (above pid_max)
	run "$HELPERS/gt-edge" fill "$id" $(($(cat /proc/sys/kernel/pid_max) + 1))
	echo "$output"
	[ "$status" -eq 0 ]
	run fake_go deny 1 "$LOCK/full"
	wait_json '.type == "lost" and (.what | test("process table full"))' 10
	st=$("$GOTRACED" status --socket "$T/gt.sock")
	echo "$st"
	stop_daemon
	dump_out
	assert_json_lines
	n=$(jsel '.type == "lost" and (.what | test("process table full"))' | jq -s 'map(.count) | add')
	[ "$n" -ge 1 ]
	[ "$(jq .kernel_losses.process_table_full <<<"$st")" -ge 1 ]
	grep -q 'processes not tracked (process table full)' "$ERR"
}
