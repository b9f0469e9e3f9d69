#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Seccomp filters and Landlock rulesets, as container runtimes and hardened
# CI launchers apply them: the refusal is put on the sandbox, never on file
# permissions. Launchers: tests/helpers/gt-seccomp.c and gt-landlock.c.

load lib

HELPERS=$GT_ROOT/.output/helpers

setup() {
	gt_setup
	[ -x "$HELPERS/gt-seccomp" ] && [ -x "$HELPERS/gt-landlock" ] ||
		skip "test helpers not built (make test builds them)"
}

teardown() { gt_teardown; }



landlock_or_skip() {
	"$HELPERS/gt-landlock" --handle write --allow / -- true 2>/dev/null ||
		skip "Landlock is not available on this kernel"
}

@test "seccomp ERRNO(EPERM) on clone3, cgo-linked go: pthread_create failed, cause seccomp" {
	ldd "$(readlink -f "$(command -v go)")" 2>/dev/null | grep -q libc ||
		skip "this go binary is not cgo-linked: it never calls clone3"
	fixture mod
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" errno:EPERM clone3 -- go build .
	echo "$output"
	[[ "$output" == *"pthread_create failed"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "seccomp" and .syscall == "clone3"' | head -n1)
	[ -n "$f" ]
	jq -e '.errno == "EPERM" and .seccomp_action == "errno" and .seccomp_mode == "filter"
		and (.explanation | contains("pthread_create")) and (.fix | contains("ENOSYS"))' <<<"$f"
	# the abort that followed is a consequence: the verdict is the filter
	jq -e '.verdict.cause == "seccomp"' <<<"$(ours '.type == "exit"')"
}

@test "seccomp ERRNO on mkdirat: the cache error is put on seccomp, not on permissions" {
	fixture mod
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" errno:EACCES mkdirat -- go build .
	echo "$output"
	[[ "$output" == *"permission denied"* ]]
	wait_go_exits
	stop_daemon
	the_finding '.cause == "seccomp" and .syscall == "mkdirat" and .errno == "EACCES"'
	[ -z "$(ours '.type == "finding" and .cause == "permission"')" ]
}

@test "seccomp KILL_PROCESS on a syscall only the test binary makes: named, bad system call" {
	fixture sys
	go test -c -o /dev/null . # compile unfiltered
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" kill getpriority -- go test .
	echo "$output"
	[[ "$output" == *"bad system call"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "seccomp" and .role == "test"')
	jq -e '.syscall == "getpriority" and .seccomp_action == "kill" and .signal == "SIGSYS"
		and (.fix | contains("getpriority"))' <<<"$f"
}

@test "seccomp RET_TRAP is told apart from a kill" {
	fixture sys
	go test -c -o /dev/null .
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" trap getpriority -- go test .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "seccomp" and .role == "test"')
	jq -e '.syscall == "getpriority" and .seccomp_action == "trap"' <<<"$f"
}

@test "Landlock forbidding writes to GOCACHE: cause landlock, never permission" {
	landlock_or_skip
	fixture mod
	mkdir -p "$T/llcache"
	start_daemon
	GOCACHE=$T/llcache run go_cmd "$HELPERS/gt-landlock" --handle write --allow "$TMPDIR" \
		--allow /dev -- go build .
	echo "$output"
	[[ "$output" == *"permission denied"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.go_dir == "GOCACHE"' | head -n1)
	[ -n "$f" ]
	jq -e '.cause == "landlock"' <<<"$f"
	jq -e '(.explanation | contains("although owner, mode and mount allow it"))
		and (.fix | contains("GOCACHE"))' <<<"$f"
	[ -z "$(ours '.type == "finding" and .cause == "permission"')" ]
}

@test "Landlock forbidding execution in \$WORK: the test binary's exec is put on Landlock" {
	landlock_or_skip
	fixture mod
	go test -c -o /dev/null .
	start_daemon
	run go_cmd "$HELPERS/gt-landlock" --handle exec --allow /usr --allow /bin --allow /lib \
		--allow /lib64 --allow /sbin -- go test .
	echo "$output"
	[[ "$output" == *"permission denied"* ]]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.syscall == "execve" and (.path | endswith(".test"))')
	jq -e '.cause == "landlock" and .go_dir == "TMPDIR"' <<<"$f"
}

@test "a thread blocked in a syscall when gotraced started gives no false seccomp finding" {
	# the blocker poses as a Go tool so gotraced picks it up as a running Go process
	mkdir -p "$T/goroot/pkg/tool/linux_amd64"
	cp "$HELPERS/gt-blocker" "$T/goroot/pkg/tool/linux_amd64/compile"
	"$HELPERS/gt-seccomp" errno:EPERM getpriority -- \
		"$T/goroot/pkg/tool/linux_amd64/compile" >"$T/blocker.out" &
	bpid=$!
	GT_BG_PIDS=$bpid
	wait_for_line "$T/blocker.out" '^blocked' 10 "$bpid"
	start_daemon --all-errors
	kill -USR1 "$bpid"
	wait "$bpid"
	cat "$T/blocker.out"
	grep -q '^interrupted' "$T/blocker.out"
	wait_json ".type == \"finding\" and .pid == $bpid and .syscall == \"getpriority\"" 10
	stop_daemon
	# the read that was in flight at attach: an error, not a seccomp refusal
	f=$(findings ".pid == $bpid and .errno == \"EINTR\"")
	echo "$f"
	[ -n "$f" ]
	jq -e '.cause != "seccomp"' <<<"$f"
	# once paired, the filter's refusal is seen for what it is
	jq -e '.cause == "seccomp"' <<<"$(findings ".pid == $bpid and .syscall == \"getpriority\"")"
}

@test "a call ptrace skipped (strace inject) in a filtered task is not put on seccomp" {
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	fixture mod
	cd "$T/mod"
	start_daemon
	# strace --seccomp-bpf adds a RET_TRACE filter for mkdirat, so the chain is judged;
	# the EACCES is strace's: it skips the call (nr -1) at its seccomp stop
	run "$HELPERS/gt-seccomp" errno:EPERM getpriority -- strace -f --seccomp-bpf -qq \
		-o /dev/null -e trace=mkdirat -e inject=mkdirat:error=EACCES go build -o "$T/out" .
	echo "$output"
	[[ "$output" == *"permission denied"* ]]
	wait_json ".type == \"exit\" and (.go_argv | index(\"$T/out\"))" 20
	stop_daemon
	x=$(jsel ".type == \"exit\" and (.go_argv | index(\"$T/out\"))")
	echo "$x"
	[ "$(jq -r .exit_code <<<"$x")" = 1 ]
	f=$(findings ".go_pid == $(jq .go_pid <<<"$x")")
	echo "$f"
	[ -z "$(jq -c 'select(.cause == "seccomp")' <<<"$f")" ]
}

@test "--probe tells which mechanism each capability uses here" {
	run "$GOTRACED" --probe
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tp_btf/sys_exit"* ]]
	[[ "$output" == *"tp_btf/sched_process_exec"* ]]
	# this kernel refuses fexit: the probe must say so, not claim it
	if ! grep -q 'fexit/security_file_open' <<<"$output"; then
		grep -q 'LSM verdict *elimination' <<<"$output"
	fi
	assert_no_new_bpf_progs
}
