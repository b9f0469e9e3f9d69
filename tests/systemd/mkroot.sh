#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The container tree for tests/systemd: a minbase Debian bookworm with
# systemd as init, the libraries gotraced links, and a user to run Go as.
# Built once into .output/systemd/root (debootstrap, from the mirror apt
# uses); kept while the package list below is unchanged. The .debs stay in
# .output/systemd/debs so a rebuild downloads nothing. Go is not installed:
# run.sh binds the host's toolchain read-only.
#   mkroot.sh [-c]   -c: only say whether the cached tree is usable (exit 0/1)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/../.." && pwd)/.output/systemd
root=$out/root
include=systemd,systemd-sysv,dbus,passwd,libbpf1,libelf1,zlib1g,libmount1,libseccomp2,libselinux1,libsystemd0
stamp="bookworm minbase $include gopher=1500"

if [ -f "$root/.gt-stamp" ] && [ "$(cat "$root/.gt-stamp")" = "$stamp" ]; then
	exit 0
fi
[ "${1:-}" = -c ] && exit 1

# the first deb822 or one-line source apt has for bookworm
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*debian\)\/* bookworm .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

mkdir -p "$out/debs"
rm -rf "$root" "$root.tmp"
echo "# systemd: debootstrap bookworm from $mirror into $root (once)" >&2
debootstrap --variant=minbase --cache-dir="$out/debs" --include="$include" \
	bookworm "$root.tmp" "$mirror" >"$out/debootstrap.log" 2>&1 || {
	tail -5 "$out/debootstrap.log" >&2
	exit 1
}
chroot "$root.tmp" useradd -m -u 1500 -s /bin/sh gopher
chroot "$root.tmp" systemctl set-default multi-user.target >/dev/null 2>&1
# nspawn wants a machine id; an empty file would make it fail
rm -f "$root.tmp/etc/machine-id"
systemd-machine-id-setup --root="$root.tmp" >/dev/null 2>&1
echo "$stamp" >"$root.tmp/.gt-stamp"
mv "$root.tmp" "$root"
