#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The guest tests of `make test` / `make test-guest`: one boot of Debian's
# kernel (SELinux enforcing, BPF LSM) running every payload, so the whole
# costs one boot (a few seconds under TCG). Ends with
#   guest: N passed, N failed, N skipped
# Keeps the serial log in .output/guest/serial.log and gotraced's JSON
# lines in .output/guest/gotraced.json.
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
for b in lsmprobe gtlabel gtguest.test; do
	[ -x "$build/$b" ] || skip_all "$build/$b not built (make guest-bins)"
done
bins=(-b "$build/lsmprobe" -b "$build/gtlabel" -b "$build/gtguest.test")
# without the daemon its payload reports a skip
[ -x "$root/gotraced" ] && bins+=(-b "$root/gotraced")

"$here/boot.sh" -l "$out/serial.log" "${bins[@]}" \
	-p "$here/probe.payload" -p "$here/gotest.payload" -p "$here/gotraced.payload"
rc=$?
sed -n 's/^GT-JSON //p' "$out/serial.log" >"$out/gotraced.json" 2>/dev/null
[ "$rc" = 77 ] && skip_all "qemu or the guest kernel unavailable (make deps)"
exit "$rc"
