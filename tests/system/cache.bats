#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# GOCACHE failures: not writable for the user, read-only mount, fast exits.

load lib

setup() {
	gt_setup
	ensure_gtuser
	copy_module "$GT_USER"
	cd "$MOD"
}

teardown() { gt_teardown; }

@test "GOCACHE owned by root, go build as another user: permission finding" {
	mkdir -m 0755 "$T/rootcache"
	# -o appends: a line already in the file must stay first
	echo '{"type":"marker"}' >"$T/events.json"
	start_daemon -o "$T/events.json"
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"failed to initialize build cache"* ]]
	OUT=$T/events.json
	wait_go_exits
	stop_daemon
	[ ! -s "$BATS_TEST_TMPDIR/out.json" ] || { echo "stdout not empty with -o"; false; }
	dump_out
	[ "$(head -n1 "$OUT")" = '{"type":"marker"}' ]
	assert_json_lines
	f=$(ours '.type == "finding" and .go_dir == "GOCACHE" and .errno == "EACCES"
		and .cause == "permission" and (.path | startswith($T + "/rootcache"))')
	[ -n "$f" ]
	# the go command itself hit it, and we know who it was
	[ "$(jq -r '.role' <<<"${f%%$'\n'*}")" = go ]
	jq -e '.go_argv[0:2] == ["go","build"] and (.syscall | test("^(mkdirat|mkdir|openat)$"))
		and .count >= 1 and (.time | test("Z$"))
		and (.explanation | length > 0) and (.fix | length > 0)' <<<"${f%%$'\n'*}"
}

@test "GOCACHE on a read-only bind mount: read_only finding" {
	mkdir "$T/rocache"
	start_daemon
	run go_cmd unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" &&
		GOCACHE="$1" exec go build .' sh "$T/rocache"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"read-only file system"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ -n "$(ours '.type == "finding" and .errno == "EROFS" and .cause == "read_only"
		and .go_dir == "GOCACHE" and (.path | startswith($T + "/rocache"))')" ]
}

@test "fast failure: go exits in milliseconds, finding still has go_dir and go_argv" {
	mkdir -m 0755 "$T/rootcache"
	start_daemon
	start=$(date +%s%N)
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build -v .
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "$output (go took ${ms} ms)"
	[ "$status" -eq 1 ]
	gopid=$(cat "$GT_GOPIDS")
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	# /proc/$gopid is gone by now: these fields came from the kernel side
	[ ! -e "/proc/$gopid" ] || [ "$(cat /proc/$gopid/comm 2>/dev/null)" != go ]
	f=$(findings ".go_pid == $gopid and .pid == $gopid" | head -n1)
	[ -n "$f" ]
	jq -e --arg T "$T" --arg R "$GT_GOROOT" '.go_dir == "GOCACHE" and .go_argv == ["go","build","-v","."]
		and .exe == ($R + "/bin/go") and .comm == "go"
		and (.path | startswith($T + "/rootcache"))' <<<"$f"
	e=$(jsel ".type == \"exit\" and .go_pid == $gopid")
	[ -n "$e" ]
	jq -e '.exit_code == 1 and .signal == null and .findings >= 1
		and .go_argv == ["go","build","-v","."]' <<<"$e"
}

@test "populated GOCACHE read-only, go test: go's message misleads, finding names EROFS" {
	mkdir "$T/rocache"
	GOCACHE=$T/rocache go build -o /dev/null . # fill it (before the daemon)
	start_daemon
	run go_cmd unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" &&
		GOCACHE="$1" exec go test .' sh "$T/rocache"
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ -n "$(ours '.type == "finding" and .errno == "EROFS" and .cause == "read_only"
		and .go_dir == "GOCACHE" and (.path | startswith($T + "/rocache/"))')" ]
}

@test "GOCACHE unset, HOME not writable: finding on the default cache dir" {
	mkdir -m 0755 "$T/roothome"
	start_daemon
	unset GOCACHE
	HOME=$T/roothome run go_cmd "${AS_GT[@]}" go build .
	echo "$output"
	[[ "$output" == *"$T/roothome/.cache"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ -n "$(ours '.type == "finding" and .errno == "EACCES" and .cause == "permission"
		and .go_dir == "GOCACHE" and (.path | startswith($T + "/roothome/.cache"))')" ]
}
