#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#   matrix.sh [NAME...]
# The kernel matrix: boot each kernel of kernels.list (default: all) under
# qemu TCG and run the same payloads on each, one boot per kernel:
#   probe, gotest, gotraced   fexit, BPF LSM, SELinux where the kernel has them
#   core.payload              the core scenarios with the mechanisms probed
#   core.payload again        with every fallback forced (GT_CORE_DISABLE=all),
#                             on the kernels marked "fallbacks" in kernels.list
# A kernel marked "core" (arm64: slow under TCG) runs core.payload alone,
# unless GT_MATRIX_ALL=1 (make test-kernels).
# Prints one line per kernel and the total, the line run-all.sh reads:
#   kernel 5.10.0-32-amd64: N passed, M failed
#   guest: N passed, N failed, N skipped
# Serial logs: .output/guest/matrix/NAME.log; the mechanisms each kernel
# used: .output/guest/matrix/NAME.probe (the README's table comes from them).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/.output/guest/matrix
build=$root/.output/guest/build
cache=${GT_KERNEL_CACHE:-/var/cache/gotraced-test/kernels}
mkdir -p "$out"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	mapfile -t names < <(awk '$1 !~ /^#/ && NF >= 4 { print $1 }' "$here/kernels.list")
fi

total_pass=0 total_fail=0 total_skip=0
for name in "${names[@]}"; do
	if ! "$here/fetch-kernels.sh" "$name" >"$out/$name.fetch" 2>&1; then
		echo "# kernel $name: cannot fetch it:" >&2
		sed 's/^/#   /' "$out/$name.fetch" >&2
		echo "kernel $name: 0 passed, 1 failed"
		total_fail=$((total_fail + 1))
		continue
	fi
	k=$cache/$name
	extra=$(awk -v n="$name" '$1 == n { print $5 }' "$here/kernels.list")
	payloads=(-p "$here/probe.payload" -p "$here/gotest.payload" -p "$here/gotraced.payload"
		-p "$here/core.payload")
	[ "$extra" = core ] && [ -z "${GT_MATRIX_ALL:-}" ] && payloads=(-p "$here/core.payload")
	[ "$extra" = fallbacks ] && payloads+=(-p "$here/core-fallback.payload")
	release=$(cat "$k/release")
	arch=$(cat "$k/arch")
	# the arm64 tools are cross-built into .output/arm64 (make arm64)
	case $arch in
	amd64) img=$k/vmlinux bin=$root/gotraced bd=$build h=$root/.output/helpers ;;
	arm64) img=$k/Image a=$root/.output/arm64 bin=$a/gotraced bd=$a/guest/build h=$a/helpers ;;
	esac
	bins=()
	b386=; [ "$arch" = amd64 ] && b386=$bd/go386
	for b in "$bin" "$bd/lsmprobe" "$bd/gtlabel" "$bd/gtguest.test" "$bd/go" "$h/gt-seccomp" $b386; do
		if [ ! -x "$b" ]; then
			echo "# kernel $name: $b not built (make guest-bins)" >&2
			continue
		fi
		bins+=(-b "$b")
	done
	start=$(date +%s.%N)
	mem=256M; [ "$arch" = arm64 ] && mem=512M
	GT_GUEST_DIR=$k GT_GUEST_ARCH=$arch "$here/boot.sh" -k "$img" -t 600 -m $mem -l "$out/$name.log" \
		"${bins[@]}" "${payloads[@]}" >"$out/$name.result" 2>&1
	wall=$(echo "$(date +%s.%N) - $start" | bc)
	sed -n 's/^GT-PROBE core: //p' "$out/$name.log" >"$out/$name.probe"
	grep -E '^GT-RESULT [^ ]+ fail' "$out/$name.log" | sed "s/^/# $name: /" >&2
	read -r pass fail skip < <(sed -n 's/^guest: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' \
		"$out/$name.result")
	if [ -z "${pass:-}" ]; then
		pass=0 fail=1 skip=0
		sed 's/^/# /' "$out/$name.result" >&2
	fi
	boot=$(sed -n 's/^GT-BOOT uptime=\([0-9.]*\).*/\1/p' "$out/$name.log" | head -n1)
	echo "# kernel $release ($arch): qemu ${wall%.*}s wall, /init at ${boot:-?}s of guest time"
	echo "kernel $release: $pass passed, $fail failed${skip:+, $skip skipped}" |
		sed 's/, 0 skipped$//'
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done
echo "guest: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
