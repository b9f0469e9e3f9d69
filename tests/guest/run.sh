#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The guest tests of `make test` / `make test-guest`: the kernel matrix
# (matrix.sh): each kernel of kernels.list booted once under qemu TCG, with
# the SELinux / fexit / BPF LSM payloads and the core scenarios (with the
# probed mechanisms, then with every fallback forced). Ends with a line per
# kernel and the total:
#   kernel 5.10.0-32-amd64: N passed, N failed
#   guest: N passed, N failed, N skipped
# GT_KERNELS="5.10 6.18" runs only those. Logs in .output/guest/matrix/.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/.output/guest
build=$out/build
mkdir -p "$out"

skip_all() {
	echo "# guest tests skipped: $*" >&2
	echo "guest: 0 passed, 0 failed, 1 skipped"
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "need root (apt-get download, qemu)"
# what the guest runs is built here, not skipped for
for b in lsmprobe gtlabel gtguest.test go go386 gotraced gt-seccomp; do
	case $b in
	gotraced) t=$root/gotraced ;;
	gt-seccomp) t=$root/.output/helpers/$b ;;
	*) t=$build/$b ;;
	esac
	[ -x "$t" ] && continue
	make -s -C "$root" guest-bins gotraced .output/helpers/gt-seccomp >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log" >&2; echo "guest: 0 passed, 1 failed, 0 skipped"; exit 1; }
	break
done
# and the arm64 guest's tools, cross-built (make arm64)
a=$root/.output/arm64
for t in "$a/gotraced" "$a/guest/build/go" "$a/guest/build/gtguest.test" "$a/helpers/gt-seccomp"; do
	[ -x "$t" ] && continue
	make -s -C "$root" arm64 >"$out/build-arm64.log" 2>&1 ||
		{ cat "$out/build-arm64.log" >&2; echo "guest: 0 passed, 1 failed, 0 skipped"; exit 1; }
	break
done
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64 (make deps)"
# shellcheck disable=SC2086
exec "$here/matrix.sh" ${GT_KERNELS:-}
