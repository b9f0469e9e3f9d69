#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The fallbacks for older kernels (issue 13), exercised on this one: with
# GOTRACED_DISABLE_FEATURES=all the daemon runs the programs a 5.10 kernel
# gets (bounded loops, a thread-id hash instead of task storage, CO-RE
# reads of bpf_get_current_task(), registers from the kernel stack), and
# the core scenarios must come out exactly as with the best mechanisms.
# tests/guest/matrix.sh runs the same scenarios on real old kernels.

load lib

HELPERS=$GT_ROOT/.output/helpers

setup() {
	gt_setup
	ensure_gtuser
	[ -x "$HELPERS/gt-seccomp" ] || skip "test helpers not built (make test builds them)"
	export GOTRACED_DISABLE_FEATURES=all
}

teardown() {
	gt_teardown
	for cg in ${GT_CGROUPS:-}; do rmdir "$cg" 2>/dev/null || true; done
}

@test "fallbacks: --probe names each fallback and why" {
	run "$GOTRACED" --probe
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^path and environment walks *bounded loops .*GOTRACED_DISABLE_FEATURES' <<<"$output"
	grep -q '^per-thread state *hash by thread id' <<<"$output"
	grep -q '^current task *bpf_get_current_task + CO-RE reads' <<<"$output"
	grep -q '^syscall of an LSM hook *top of the kernel stack' <<<"$output"
	grep -q '^helper stderr (tool_failed) *tp_btf/sys_exit of write(v) to fd 2' <<<"$output"
	# and without the variable, this kernel's best
	GOTRACED_DISABLE_FEATURES= run "$GOTRACED" --probe
	grep -q '^path and environment walks *bpf_loop' <<<"$output"
	grep -q '^per-thread state *task storage' <<<"$output"
	assert_no_new_bpf_progs
}

@test "fallbacks: an unknown feature name is refused with a warning, the rest still probed" {
	GOTRACED_DISABLE_FEATURES=bpf_loop,nosuch run "$GOTRACED" --probe
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"unknown feature 'nosuch'"* ]]
	grep -q '^path and environment walks *bounded loops' <<<"$output"
	grep -q '^per-thread state *task storage' <<<"$output"
}

@test "fallbacks: TMPDIR on a noexec tmpfs: execve finding for the .test binary, go_dir TMPDIR" {
	copy_module
	cd "$MOD"
	mkdir "$T/gt-nx"
	start_daemon
	run go_cmd unshare -m sh -c 'mount -t tmpfs -o noexec tmpfs "$1" &&
		TMPDIR="$1" exec go test .' sh "$T/gt-nx"
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	[ -n "$(ours '.type == "finding" and .syscall == "execve" and .cause == "noexec"
		and .go_dir == "TMPDIR" and (.path | startswith($T + "/gt-nx/") and endswith(".test"))')" ]
}

@test "fallbacks: GOCACHE owned by another user: permission, go_dir GOCACHE, the refusing dir" {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootcache"
	start_daemon
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "permission" and .go_dir == "GOCACHE"' | head -n1)
	[ -n "$f" ]
	jq -e --arg T "$T" '.explanation | contains($T + "/rootcache is owned by uid 0")' <<<"$f"
}

@test "fallbacks: git's dubious ownership: the helper's stderr still captured (tool_failed)" {
	command -v git >/dev/null || skip "git not installed"
	fixture mod "$GT_USER"
	"${AS_GT[@]}" git init -q .
	"${AS_GT[@]}" git add .
	"${AS_GT[@]}" git -c user.email=gt@example.com -c user.name=gt commit -qm init
	start_daemon
	run go_cmd go build -o "$T/m" .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "tool_failed"' | head -n1)
	[ -n "$f" ]
	jq -e '.exit_status == 128 and .tool_argv[0] == "git"
		and (.tool_stderr | contains("detected dubious ownership"))' <<<"$f"
}

@test "fallbacks: seccomp ERRNO on mkdirat is put on seccomp (the filters run by the daemon)" {
	fixture mod
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" errno:EACCES mkdirat -- go build .
	[[ "$output" == *"permission denied"* ]]
	wait_go_exits
	stop_daemon
	the_finding '.cause == "seccomp" and .syscall == "mkdirat" and .errno == "EACCES"'
	[ -z "$(ours '.type == "finding" and .cause == "permission"')" ]
}

@test "fallbacks: seccomp KILL_PROCESS: the test binary named, bad system call" {
	fixture sys
	go test -c -o /dev/null .
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" kill getpriority -- go test .
	[[ "$output" == *"bad system call"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "seccomp" and .role == "test"')
	jq -e '.syscall == "getpriority" and .seccomp_action == "kill" and .signal == "SIGSYS"' <<<"$f"
}

@test "fallbacks: OOM kill in a memory cgroup: oom_kill with the limit and the cgroup" {
	fixture oom
	go test -c -o /dev/null .
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		cgroup_limit memory memory.max $((150 << 20)) || skip "no memory cgroup"
	else
		cgroup_limit memory memory.limit_in_bytes $((150 << 20)) || skip "no memory cgroup"
	fi
	start_daemon
	run go_cmd sh -c 'echo $$ >"$1/cgroup.procs" && exec go test .' sh "$CG"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "oom_kill" and .role == "test"')
	jq -e '.signal == "SIGKILL" and .memory_max == 157286400 and (.cgroup | length > 1)' <<<"$f"
}
