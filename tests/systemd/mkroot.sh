#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The container tree for tests/systemd: a minbase Debian bookworm with
# systemd as init, the libraries gotraced links, and a user to run Go as.
# Debootstrapped once per machine (from the mirror apt uses) into
# /var/cache/gotraced-test/systemd/root-KEY, KEY naming the package list
# below, so a fresh clone (CI) reuses it; each clone then works on its own
# copy in .output/systemd/root (run.sh installs gotraced into it). The .debs
# stay in the cache too. Go is not installed: run.sh binds the host's
# toolchain read-only.
#   mkroot.sh [-c]   -c: only say whether the cached tree is usable (exit 0/1)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/../.." && pwd)/.output/systemd
root=$out/root
include=systemd,systemd-sysv,dbus,passwd,libbpf1,libelf1,zlib1g,libmount1,libseccomp2,libselinux1,libsystemd0
stamp="bookworm minbase $include gopher=1500"
cache=${GT_TEST_CACHE:-/var/cache/gotraced-test}/systemd
base=$cache/root-$(printf '%s' "$stamp" | sha256sum | cut -c1-12)

if [ -f "$root/.gt-stamp" ] && [ "$(cat "$root/.gt-stamp")" = "$stamp" ]; then
	exit 0
fi
if [ ! -f "$base/.gt-stamp" ]; then
	[ "${1:-}" = -c ] && exit 1
	mkdir -p "$cache/debs"
	# one build per machine, however many clones ask at once
	exec 9>"$cache/.lock"
	flock 9
fi
if [ ! -f "$base/.gt-stamp" ]; then
	# the first deb822 or one-line source apt has for bookworm
	mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
	[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*debian\)\/* bookworm .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

	rm -rf "$base.tmp"
	mkdir -p "$out"
	echo "# systemd: debootstrap bookworm from $mirror into $base (once per machine)" >&2
	debootstrap --variant=minbase --cache-dir="$cache/debs" --include="$include" \
		bookworm "$base.tmp" "$mirror" >"$out/debootstrap.log" 2>&1 || {
		tail -5 "$out/debootstrap.log" >&2
		exit 1
	}
	chroot "$base.tmp" useradd -m -u 1500 -s /bin/sh gopher
	chroot "$base.tmp" systemctl set-default multi-user.target >/dev/null 2>&1
	# nspawn wants a machine id; an empty file would make it fail
	rm -f "$base.tmp/etc/machine-id"
	systemd-machine-id-setup --root="$base.tmp" >/dev/null 2>&1
	echo "$stamp" >"$base.tmp/.gt-stamp"
	mv "$base.tmp" "$base"
fi
[ "${1:-}" = -c ] && exit 0
# this clone's copy: a few seconds, against minutes of debootstrap
mkdir -p "$out"
rm -rf "$root" "$root.tmp"
cp -a "$base" "$root.tmp"
mv "$root.tmp" "$root"
