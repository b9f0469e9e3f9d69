#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Precision: a refusal the command absorbs is no finding (it is counted as absorbed);
# a PATH search that finds its program elsewhere is no finding; a failing run is explained.

load lib


setup() {
	gt_setup
	ensure_gtuser
	fixture absorb "$GT_USER"
	# the first PATH entry: in a root-owned 0700 directory the test user cannot search
	# (what `su user -c` leaves: root's own bin directories first); it holds one tool
	BADPATH=$T/locked/bin
	mkdir -p "$BADPATH"
	chmod 0700 "$T/locked"
	printf '#!/bin/sh\nexit 0\n' >"$BADPATH/gtprecision-tool"
	chmod 0755 "$BADPATH/gtprecision-tool"
	mkdir -m 0755 "$T/rootdir"
	# the user's own GOCACHE, a copy of the release's warm one it owns (from Go 1.20 std is
	# built into GOCACHE: minutes per test otherwise; hard links would stay root's, and go
	# refreshes the times of the entries it uses)
	cp -a "$GT_GOCACHES/$(gt_go_version)" "$T/usercache"
	chown -R "$GT_USER:" "$T/usercache"
	export GT_ROOTDIR=$T/rootdir GOCACHE=$T/usercache
	export PATH_USER="$BADPATH:$PATH"
}

teardown() { gt_teardown; }

# as_user_go ARGS...: go ARGS as the test user, PATH starting with the unsearchable entry
as_user_go() {
	PATH=$PATH_USER go_cmd "${AS_GT[@]}" go "$@"
}

@test "passing tests that meet refusals on purpose: no finding, the calls counted as absorbed" {
	start_daemon
	run as_user_go test -count=1 -v .
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"--- PASS: TestReadOnlyChecked"* ]]
	[[ "$output" == *"--- PASS: TestHelperFails"* ]]
	[[ "$output" == *"--- PASS: TestSigpipeChild"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	[ "$(ours '.type == "finding"' | count)" -eq 0 ]
	x=$(ours '.type == "exit"')
	# the read-only open, the helper's refused touch: at least two refused calls absorbed
	jq -e '.exit_code == 0 and .findings == 0 and .errors == 0 and .absorbed >= 2 and
		.verdict == null' <<<"$x"
}

@test "--all-errors shows absorbed refusals, marked absorbed; the exit counts them apart" {
	start_daemon --all-errors
	run as_user_go test -count=1 .
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	f=$(ours '.type == "finding" and .absorbed == true and .syscall == "openat" and
		(.path | endswith("/ro")) and .errno == "EACCES"')
	echo "$f"
	[ -n "$f" ]
	# the helper's touch of the root-owned directory: absorbed by the test that expected it
	[ -n "$(ours '.type == "finding" and .absorbed == true and .path == $T + "/rootdir/x"')" ]
	[ "$(ours '.type == "finding" and .absorbed == false and .cause != "error"' | count)" -eq 0 ]
	jq -e '.findings == 0 and .absorbed >= 2' <<<"$(ours '.type == "exit"')"
}

@test "a failing test's refusal is a finding, and the exit's verdict names it" {
	start_daemon
	GT_CASE=fail run as_user_go test -count=1 -run 'TestNeedsWrite|TestReadOnlyChecked' .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	f=$(the_finding '.cause == "permission" and .path == $T + "/rootdir/out"')
	jq -e --arg T "$T" '.role == "test" and .count == 1 and .absorbed == false and
		(.explanation | contains($T + "/rootdir is owned by uid 0"))' <<<"$f"
	# the read-only file the passing test checked on purpose goes with the failed binary:
	# it is in the same process, so it is released too, but on its own finding
	x=$(ours '.type == "exit"')
	jq -e --arg T "$T" '.verdict.cause == "permission" and .verdict.path == $T + "/rootdir/out"' <<<"$x"
}

@test "PATH search: a program found after a refused PATH entry is no finding, even in a failing test" {
	start_daemon
	GT_CASE=searchfound run as_user_go test -count=1 -run 'TestSearchFoundThenFail' .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"fails on purpose"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	[ "$(ours '.type == "finding" and ((.path // "") | startswith($T + "/locked/"))' | count)" -eq 0 ]
	[ "$(ours '.type == "finding"' | count)" -eq 0 ]
	jq -e '.verdict == null and .absorbed >= 1' <<<"$(ours '.type == "exit"')"
}

@test "PATH search that finds no directory working: one finding naming the refused directory" {
	start_daemon
	GT_CASE=lookpath run as_user_go test -count=1 -run 'TestLookPath' .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"executable file not found"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	f=$(the_finding '.path_search == "gtprecision-tool"')
	[ "$(wc -l <<<"$f")" -eq 1 ]
	jq -e --arg B "$BADPATH" --arg T "$T" '.cause == "permission" and .path == $B + "/gtprecision-tool" and
		(.explanation | contains("searched PATH for gtprecision-tool")) and
		(.explanation | contains("gtprecision-tool is in " + $B + ", refused")) and
		(.explanation | contains($T + "/locked is owned by uid 0"))' <<<"$f"
}

@test "cgo build as a user whose PATH starts unsearchable: gcc's and go's PATH searches are no finding" {
	command -v gcc >/dev/null || skip "gcc not installed: no cgo"
	fixture cgo "$GT_USER"
	start_daemon --all-errors
	run as_user_go build -o cgo.bin .
	echo "$output"
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	# the searches happened (seen with --all-errors, absorbed) ...
	[ -n "$(ours '.type == "finding" and .absorbed and ((.path // "") | startswith($T + "/locked/"))')" ]
	# ... and none is a finding
	[ "$(ours '.type == "finding" and (.absorbed | not) and .cause != "error"' | count)" -eq 0 ]
}

@test "gotraced status counts absorbed calls" {
	start_daemon --socket "$T/gt.sock"
	run as_user_go test -count=1 -run TestReadOnlyChecked .
	[ "$status" -eq 0 ]
	wait_go_exits
	run "$GOTRACED" status --socket "$T/gt.sock"
	echo "$output"
	[ "$status" -eq 0 ]
	# machine-wide: other engineers' go commands count too, so only lower bounds
	jq -e '.absorbed >= 1 and (.held_calls | type) == "number"' <<<"$output"
	stop_daemon
}

@test "created paths: symlink, link, rename, mknod show the path created and the directory refusing it" {
	start_daemon
	GT_CASE=created run as_user_go test -count=1 -run TestCreated .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"4 of 4 refused"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	for c in symlink link renamed fifo; do
		sc=$(ours '.type == "finding"' | jq -s -r --arg T "$T" --arg c "$c" \
			'[.[] | select(.path == $T + "/rootdir/a_" + $c)] | length')
		echo "a_$c: $sc finding(s)"
	done
	# one finding for the directory: the four calls gathered, each path the one created
	f=$(the_finding '.cause == "permission" and (.path | startswith($T + "/rootdir/a_"))')
	[ "$(wc -l <<<"$f")" -eq 1 ]
	jq -e --arg T "$T" '.count == 4 and .refused_by == $T + "/rootdir" and
		(.samples | map(.syscall + " " + .path) | sort) == ([
			"symlinkat " + $T + "/rootdir/a_symlink", "linkat " + $T + "/rootdir/a_link",
			"renameat " + $T + "/rootdir/a_renamed", "mknodat " + $T + "/rootdir/a_fifo"] | sort) and
		(.explanation | contains($T + "/rootdir is owned by uid 0, gid 0 with mode 0755, so uid ")) and
		(.explanation | contains("cannot create entries in it"))' <<<"$f"
	[ -z "$(ours '.type == "finding" and (.path | test("/(target|src)$"))')" ]
}

@test "evidence from the time of the refusal: a mode restored after the call blames no LSM" {
	start_daemon
	GT_CASE=changed run as_user_go test -count=1 -run TestChangedAfter .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	f=$(the_finding '.syscall == "openat" and (.path | endswith("/ro"))')
	# seen before the chmod (owner and mode refuse), after it (not conclusive), or,
	# when the daemon lags, after the test removed its temporary directory
	# (cannot be examined): never put on an LSM
	jq -e '.cause == "permission" and ((.explanation | contains("not conclusive")) or
		(.explanation | contains("cannot write it")) or
		(.explanation | contains("could not be examined")))' <<<"$f"
}

@test "root-owned GOCACHE: the path shown is the one Go names (mkdir GOCACHE/00), the README write a sample" {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootcache"
	start_daemon
	GOCACHE=$T/rootcache run as_user_go build -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mkdir $T/rootcache/00: permission denied"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	f=$(the_finding '.go_dir == "GOCACHE"')
	[ "$(wc -l <<<"$f")" -eq 1 ]
	jq -e --arg T "$T" '.syscall == "mkdirat" and .path == $T + "/rootcache/00" and
		.refused_by == $T + "/rootcache" and .count == 2 and
		(.samples | map(.syscall + " " + .path) | sort) ==
			(["mkdirat " + $T + "/rootcache/00", "openat " + $T + "/rootcache/README"] | sort)' <<<"$f"
	jq -e --arg T "$T" '.verdict.path == $T + "/rootcache/00"' <<<"$(ours '.type == "exit"')"
}

@test "a failing test that raises its hard open-files limit: a hard_limit finding, not a silent count" {
	start_daemon
	GT_CASE=rlimit run as_user_go test -count=1 -run TestRaiseHardLimit .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"raise RLIMIT_NOFILE to"*"operation not permitted"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	hard=$(ulimit -Hn)
	f=$(the_finding '.cause == "hard_limit"')
	[ "$(wc -l <<<"$f")" -eq 1 ]
	jq -e --argjson h "$hard" '.role == "test" and .errno == "EPERM" and
		(.syscall == "setrlimit" or .syscall == "prlimit64") and .rlimit == "RLIMIT_NOFILE" and
		.rlimit_nofile_max == $h and .refused_by == "RLIMIT_NOFILE" and
		(.explanation | contains("above the hard limit \($h) it was started with")) and
		(.fix | contains("LimitNOFILE="))' <<<"$f"
	# the exit's verdict is that finding
	jq -e '.exit_code == 1 and .findings == 1 and .verdict.cause == "hard_limit"' <<<"$(ours '.type == "exit" and (.go_argv | index("test"))')"
}

# seven objects a non-root test is refused on (what issue 12's user tried): env GT_OBJ_*
mk_objects() {
	local o=$T/obj
	mkdir -p "$o/rootdir" "$o/ro" "$o/full" "$o/nx"
	install -m 0600 /dev/null "$o/rootfile"
	install -m 0644 /dev/null "$o/rootdir/victim"
	install -m 0644 /dev/null "$o/others"
	install -m 0666 /dev/null "$o/ro/f"
	chmod 0777 "$o/ro"
	mount --bind "$o/ro" "$o/ro"
	mount -o remount,bind,ro "$o/ro"
	mount -t tmpfs -o size=64k,mode=0777 gt-full "$o/full"
	dd if=/dev/zero of="$o/full/fill" bs=4k 2>/dev/null || true
	chmod 0666 "$o/full/fill"
	mount -t tmpfs -o noexec,mode=0755 gt-nx "$o/nx"
	printf '#!/bin/sh\nexit 0\n' >"$o/nx/prog"
	chmod 0755 "$o/nx/prog"
	export GT_OBJ_ROOTFILE=$o/rootfile GT_OBJ_ROOTDIR=$o/rootdir GT_OBJ_RO=$o/ro \
		GT_OBJ_FULL=$o/full GT_OBJ_NOEXEC=$o/nx GT_OBJ_OTHERS=$o/others
}

@test "15 refused calls on 7 objects (issue 12's list): one finding per object, each call counted and in its samples" {
	mk_objects
	start_daemon
	GT_CASE=objects run as_user_go test -count=1 -run TestSevenObjects .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"15 refused:"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	local o=$T/obj
	fs=$(ours '.type == "finding" and .role == "test"')
	echo "$fs" | jq -c '{cause, refused_by, count, s: [.samples[] | .syscall]}'
	# what refused -> cause, count (the calls it gathered)
	check() {
		jq -se --arg rb "$1" --arg c "$2" --argjson n "$3" \
			'map(select(.refused_by == $rb)) | length == 1 and .[0].cause == $c and
			.[0].count == $n and (.[0].samples | length) == $n' <<<"$fs"
	}
	check "$o/rootfile" permission 3
	check "$o/rootdir" permission 1
	check "$o/ro" read_only 6
	check "$o/full" no_space 1
	check "$o/nx" noexec 1
	check "$o/others" permission 2
	check RLIMIT_NOFILE hard_limit 1
	[ "$(wc -l <<<"$fs")" -eq 7 ]
	# every refused call belongs to a finding: the exit's count is their sum
	jq -e '.findings == 7 and .errors == 15' <<<"$(ours '.type == "exit" and (.go_argv | index("test"))')"
}
