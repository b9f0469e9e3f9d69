#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Diagnosis: every case of the field guide gets the right cause, Go
# directory, path and a fix that names the variable or command to change.

load lib

setup() {
	gt_setup
	ensure_gtuser
}

teardown() {
	gt_teardown
	for cg in ${GT_CGROUPS:-}; do rmdir "$cg" 2>/dev/null || true; done
}



@test "GOCACHE owned by another user: permission, names the refusing dir, fix chown or GOCACHE" {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootcache"
	start_daemon
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "permission" and .go_dir == "GOCACHE"' | head -n1)
	[ -n "$f" ]
	jq -e --arg T "$T" '(.explanation | contains($T + "/rootcache is owned by uid 0"))
		and (.fix | contains("GOCACHE=")) and (.fix | contains("chown -R"))' <<<"$f"
	jq -e '.verdict.cause == "permission" and .verdict.go_dir == "GOCACHE"' \
		<<<"$(ours '.type == "exit"')"
}

@test "TMPDIR noexec: fix sets GOTMPDIR" {
	fixture mod
	mkdir -p "$T/nx"
	start_daemon
	run go_cmd unshare -m sh -c 'mount -t tmpfs -o noexec tmpfs "$1" && TMPDIR="$1" exec go test .' \
		sh "$T/nx"
	[[ "$output" == *"permission denied"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "noexec" and .go_dir == "TMPDIR" and .syscall == "execve"')
	jq -e --arg T "$T" '(.path | startswith($T + "/nx/go-build")) and (.path | endswith(".test"))
		and .mount_point == ($T + "/nx") and .fs_type == "tmpfs"
		and (.fix | contains("GOTMPDIR="))' <<<"$f"
}

@test "GOTMPDIR noexec, TMPDIR fine: go_dir GOTMPDIR" {
	fixture mod
	mkdir -p "$T/gnx"
	start_daemon
	run go_cmd unshare -m sh -c 'mount -t tmpfs -o noexec tmpfs "$1" && GOTMPDIR="$1" exec go test .' \
		sh "$T/gnx"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "noexec" and .go_dir == "GOTMPDIR"')
	jq -e --arg T "$T" '(.path | startswith($T + "/gnx/go-build")) and (.fix | contains("GOTMPDIR"))' <<<"$f"
}

@test "cgo build with TMPDIR full: no_space on TMPDIR although GOTMPDIR is fine" {
	command -v gcc >/dev/null || skip "gcc not installed: no cgo"
	fixture cgo
	mkdir -p "$T/full" "$T/work"
	start_daemon
	run go_cmd unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs "$1" &&
		head -c 300k /dev/zero >"$1/fill" 2>/dev/null; TMPDIR="$1" GOTMPDIR="$2" exec go build .' \
		sh "$T/full" "$T/work"
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "no_space" and .go_dir == "TMPDIR"' | head -n1)
	[ -n "$f" ]
	echo "$f"
	# the figures are the 256 KiB tmpfs's, not the file system under it
	jq -e --arg T "$T" '(.path | startswith($T + "/full/")) and .errno == "ENOSPC"
		and (.explanation | test(" 0 MiB free of 0 MiB"))
		and (.fix | contains("TMPDIR"))' <<<"$f"
}

@test "GOBIN not writable: go install refused, fix names GOBIN" {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootbin"
	# a GOCACHE of the user's own (the warm copy's links stay root's: go would fail there first)
	cp -a "$GOCACHE" "$T/ucache" && chown -R "$GT_USER:" "$T/ucache"
	start_daemon
	GOCACHE=$T/ucache GOBIN=$T/rootbin run go_cmd "${AS_GT[@]}" go install .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "permission" and .go_dir == "GOBIN"' | head -n1)
	[ -n "$f" ]
	jq -e --arg T "$T" '(.path | startswith($T + "/rootbin")) and (.fix | contains("GOBIN="))' <<<"$f"
}

@test "GOMODCACHE on a read-only mount: read_only, go_dir GOMODCACHE" {
	fixture mod
	mkdir -p "$T/romod"
	# a local file proxy with one module: downloading it needs the module cache
	mkdir -p "$T/proxy/example.com/dep/@v"
	echo '{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}' >"$T/proxy/example.com/dep/@v/v1.0.0.info"
	echo 'module example.com/dep' >"$T/proxy/example.com/dep/@v/v1.0.0.mod"
	echo v1.0.0 >"$T/proxy/example.com/dep/@v/list"
	start_daemon
	run go_cmd unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" &&
		GOPROXY="file://$2" GOMODCACHE="$1/mod" exec go mod download example.com/dep@v1.0.0' \
		sh "$T/romod" "$T/proxy"
	echo "$output"
	[[ "$output" == *"could not create module cache"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.go_dir == "GOMODCACHE"' | head -n1)
	[ -n "$f" ]
	jq -e '.cause == "read_only" and (.fix | contains("GOMODCACHE"))' <<<"$f"
}

@test "HOME=/ without GOCACHE: the .cache dir go tries to create is GOCACHE" {
	fixture mod "$GT_USER"
	start_daemon
	unset GOCACHE XDG_CACHE_HOME
	HOME=/ run go_cmd "${AS_GT[@]}" go build .
	[[ "$output" == *"/.cache"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.go_dir == "GOCACHE" and (.path | startswith("/.cache"))' | head -n1)
	[ -n "$f" ]
	jq -e '.cause == "permission" and (.fix | contains("GOCACHE="))
		and (.fix | contains("chown") | not)' <<<"$f"
}

@test "OOM kill of a test binary in a memory-limited cgroup: oom_kill with the limit" {
	fixture oom
	go test -c -o /dev/null . # compile outside the limit
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		cgroup_limit memory memory.max $((150 << 20)) || skip "no memory cgroup"
	else
		cgroup_limit memory memory.limit_in_bytes $((150 << 20)) || skip "no memory cgroup"
	fi
	start_daemon
	run go_cmd sh -c 'echo $$ >"$1/cgroup.procs" && exec go test .' sh "$CG"
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "oom_kill" and .role == "test"')
	jq -e '.signal == "SIGKILL" and .memory_max == 157286400 and (.cgroup | endswith("gt-test-'$$'") or endswith("gt-test-'$$'-memory"))
		and (.fix | contains("memory"))' <<<"$f"
	# go test prints only FAIL here: the exit event says why
	jq -e '.verdict.cause == "oom_kill" and (.verdict.note | contains("FAIL"))' \
		<<<"$(ours '.type == "exit"')"
}

@test "pids cgroup at its limit: process_limit names the cgroup and pids.max" {
	fixture mod
	cgroup_limit pids pids.max 5 || skip "no pids cgroup"
	start_daemon
	run go_cmd sh -c 'echo $$ >"$1/cgroup.procs" && exec go build .' sh "$CG"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "process_limit"' | head -n1)
	[ -n "$f" ]
	jq -e '.errno == "EAGAIN" and .pids_max == 5 and (.fix | contains("pids.max"))' <<<"$f"
}

@test "RLIMIT_NPROC for a non-root user: process_limit with the limit" {
	fixture mod "$GT_USER"
	start_daemon
	run go_cmd "${AS_GT[@]}" prlimit --nproc=4:4 go build .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "process_limit"' | head -n1)
	[ -n "$f" ]
	jq -e '.rlimit_nproc == 4 and (.explanation | contains("RLIMIT_NPROC of 4"))
		and (.fix | contains("ulimit -u"))' <<<"$f"
}

@test "low hard RLIMIT_NOFILE: fd_limit, fix raises the hard limit" {
	fixture mod
	start_daemon
	run go_cmd prlimit --nofile=12:12 go build .
	echo "$output"
	[[ "$output" == *"too many open files"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "fd_limit"' | head -n1)
	[ -n "$f" ]
	jq -e '.errno == "EMFILE" and .rlimit_nofile == 12 and .rlimit_nofile_max == 12
		and (.fix | contains("hard limit"))' <<<"$f"
}

@test "repeats gather: one finding with a count per cause and directory" {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootcache"
	# a long window: only the go command's exit may end the gathering, not a slow daemon
	start_daemon --flush-ms 30000
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build .
	wait_go_exits
	stop_daemon
	ours '.type == "finding" and .go_dir == "GOCACHE"'
	n=$(ours '.type == "finding" and .go_dir == "GOCACHE"' | count)
	[ "$n" -eq 1 ]
	jq -e '.count >= 2' <<<"$(ours '.type == "finding" and .go_dir == "GOCACHE"')"
}
