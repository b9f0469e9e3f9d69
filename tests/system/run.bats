#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run mode: gotraced -- CMD exits with CMD's status and reports its findings.

load lib

setup() { gt_setup; }
teardown() { gt_teardown; }

@test "run mode: exit status of the command is passed through" {
	run --separate-stderr timeout 60 "$GOTRACED" -- sh -c 'exit 7'
	echo "stderr: $stderr"
	[ "$status" -eq 7 ]
	run --separate-stderr timeout 60 "$GOTRACED" -- true
	[ "$status" -eq 0 ]
	assert_no_new_bpf_progs
}

@test "run mode: a command killed by a signal gives 128+N" {
	run --separate-stderr timeout 60 "$GOTRACED" -- sh -c 'kill -KILL $$'
	echo "stderr: $stderr"
	[ "$status" -eq 137 ]
	run --separate-stderr timeout 60 "$GOTRACED" -- sh -c 'kill -TERM $$'
	echo "stderr: $stderr"
	[ "$status" -eq 143 ]
}

@test "run mode: failing go build exits as go did, with findings and a summary" {
	ensure_gtuser
	copy_module "$GT_USER"
	cd "$MOD"
	mkdir -m 0755 "$T/rootcache"
	GOCACHE=$T/rootcache run --separate-stderr timeout 60 "$GOTRACED" -o "$OUT" -- \
		"${AS_GT[@]}" go build .
	echo "stdout: $output"
	echo "stderr: $stderr"
	dump_out
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"failed to initialize build cache"* ]]
	assert_json_lines
	[ "$(findings '.go_dir == "GOCACHE" and (.path | startswith($T + "/rootcache"))' | count)" -ge 1 ]
	[ -n "$(jsel '.type == "exit" and .exit_code == 1 and .go_argv == ["go","build","."]')" ]
	# a summary paragraph besides go's own message and the ready line
	[ -n "$(grep -v -e '^gotraced: ready' -e 'failed to initialize build cache' <<<"$stderr" | grep .)" ]
	assert_no_new_bpf_progs
}

@test "run mode: the daemon reads at nice -10, the traced go command keeps the caller's nice" {
	# the command prints its own nice and its parent's (the daemon's), then runs go
	run --separate-stderr timeout 120 "$GOTRACED" -- sh -c \
		'echo "nice $(ps -o ni= -p $$) $(ps -o ni= -p $PPID)"; exec go version'
	echo "$output"
	echo "stderr: $stderr"
	[ "$status" -eq 0 ]
	read -r _ cmd daemon <<<"$(grep '^nice ' <<<"$output")"
	[ "$cmd" -eq 0 ] && [ "$daemon" -eq -10 ]
	# a nice set by the caller (a unit's Nice=) stands, for the daemon and its command
	run --separate-stderr timeout 120 nice -n 5 "$GOTRACED" -- sh -c \
		'echo "nice $(ps -o ni= -p $$) $(ps -o ni= -p $PPID)"'
	echo "$output"
	read -r _ cmd daemon <<<"$(grep '^nice ' <<<"$output")"
	[ "$cmd" -eq 5 ] && [ "$daemon" -eq 5 ]
}
