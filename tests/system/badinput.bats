#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Bad input: exit status 2, a "gotraced:" message, no BPF program left behind.

load lib

setup() { gt_setup; }
teardown() { gt_teardown; }

# expect_usage_error CMD...: status 2 and a gotraced: message on stderr
expect_usage_error() {
	run --separate-stderr timeout 30 "$@"
	echo "status: $status"
	echo "stdout: $output"
	echo "stderr: $stderr"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"gotraced:"* ]]
	assert_no_new_bpf_progs
}

@test "bad input: unknown pid" {
	[ ! -e /proc/999999 ] || skip "pid 999999 exists"
	expect_usage_error "$GOTRACED" --pid 999999
}

@test "bad input: output file in a nonexistent directory" {
	expect_usage_error "$GOTRACED" -o /proc/nonexistent/x
}

@test "bad input: output file in a read-only directory" {
	mkdir "$T/ro"
	expect_usage_error unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" &&
		exec "$2" -o "$1/x"' sh "$T/ro" "$GOTRACED"
}

@test "bad input: unknown flag" {
	expect_usage_error "$GOTRACED" --bogus
}

@test "bad input: unknown format" {
	expect_usage_error "$GOTRACED" --format xml
}

@test "bad input: --flush-ms not a number" {
	expect_usage_error "$GOTRACED" --flush-ms soon
}

@test "bad input: not privileged" {
	ensure_gtuser
	"${AS_GT[@]}" test -x "$GOTRACED" ||
		skip "$GOTRACED is not executable by $GT_USER"
	expect_usage_error "${AS_GT[@]}" "$GOTRACED"
}

@test "bad input: missing kernel BTF" {
	# hide the kernel's BTF behind an empty tmpfs, in a private mount namespace
	expect_usage_error unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$1" --no-socket' \
		sh "$GOTRACED"
	[[ "$stderr" == *"BTF"* ]]
}
