#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# 32-bit programs on x86-64: a GOARCH=386 go's calls enter through the ia32
# table (other numbers, other registers) and must be named from it. The
# guest suite runs the same on each Debian kernel (core-ia32); here it runs
# where this machine's kernel runs 32-bit programs at all.

load lib

setup() {
	gt_setup
	ensure_gtuser
}

teardown() {
	gt_teardown
}

@test "a GOARCH=386 go on a root-owned GOCACHE: mkdirat named from the ia32 table, abi i386" {
	[ "$(uname -m)" = x86_64 ] || skip "32-bit x86 calls exist only on an x86-64 kernel"
	bin=$GT_ROOT/.output/guest/build/go386
	[ -x "$bin" ] || make -s -C "$GT_ROOT" .output/guest/build/go386
	mkdir -p "$T/ia32"
	cp "$bin" "$T/ia32/go"
	chmod 0755 "$T/ia32/go"
	# the kernel decides: built without IA32 emulation, booted with
	# ia32_emulation=0, or a hypervisor without 32-bit code segments
	run "$T/ia32/go" probe
	if [ "$status" -eq 126 ] && [[ $output == *"Exec format error"* ]]; then
		skip "this kernel runs no 32-bit x86 programs (exec: Exec format error)"
	fi
	mkdir -m 0755 "$T/rootcache32"
	start_daemon
	GOCACHE=$T/rootcache32 run go_cmd "${AS_GT[@]}" "$T/ia32/go" mkdir "$T/rootcache32/00"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "permission" and .go_dir == "GOCACHE"')
	jq -e --arg p "$T/rootcache32/00" '.syscall == "mkdirat" and .abi == "i386"
		and .errno == "EACCES" and .path == $p' <<<"$f"
}
