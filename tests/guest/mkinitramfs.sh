#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Build the guest's initramfs (a newc cpio, uncompressed: under TCG the
# kernel copies it faster than it could inflate it).
#
#   mkinitramfs.sh -o OUT.cpio [-p PAYLOAD]... [-P POLICY] [-b BIN]... [-f SRC:DST]...
#
#   -p PAYLOAD  script the guest's /init runs (repeatable: in the given order,
#               from /gt/payload.d/)
#   -P POLICY   compiled SELinux policy, loaded by /init before the payload
#   -b BIN      executable put in /gt/bin (on PATH), with the shared libraries
#               ldd lists for it at their host paths; static binaries (Go
#               built with CGO_ENABLED=0) need none
#   -L BIN      only the shared libraries of BIN (for a binary the guest
#               reaches another way, e.g. over a 9p share)
#   -f SRC:DST  any file or directory, copied to DST inside the guest
# Always contains busybox (static) and tests/guest/init as /init.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out= policy=
bins=() libsof=() files=() payloads=()
while getopts "o:p:P:b:L:f:" opt; do
	case $opt in
	o) out=$OPTARG ;;
	p) payloads+=("$OPTARG") ;;
	P) policy=$OPTARG ;;
	b) bins+=("$OPTARG") ;;
	L) libsof+=("$OPTARG") ;;
	f) files+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
[ -n "$out" ] || { echo "usage: $0 -o OUT.cpio [-p PAYLOAD]... [-P POLICY] [-b BIN]... [-f SRC:DST]..." >&2; exit 2; }

# GT_BUSYBOX, GT_SYSROOT: another architecture's busybox and libraries (arm64)
busybox=${GT_BUSYBOX:-/bin/busybox}
# busybox-static replaces /bin/busybox; refuse a dynamic one early
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked' &&
	ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: $busybox is not static (apt-get install busybox-static)" >&2
	exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,gt/bin,gt/payload.d,lib64}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$here/init" "$root/init"
# what getpwuid & co. and Go's os/user look at
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

# copy_libs BIN: the shared libraries and loader BIN needs, at host paths
copy_libs() {
	local lib
	if [ -n "${GT_SYSROOT:-}" ]; then
		return	# the whole sysroot's libraries go in below
	fi
	# static binaries: ldd fails and lists nothing
	{ ldd "$1" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
		[ -e "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

for b in "${bins[@]}"; do
	[ -x "$b" ] || { echo "mkinitramfs: $b is not an executable" >&2; exit 1; }
	cp -L "$b" "$root/gt/bin/"
	copy_libs "$b"
done
for b in "${libsof[@]}"; do
	copy_libs "$b"
done
if [ -n "${GT_SYSROOT:-}" ]; then
	# ldd cannot read another architecture's binaries: take every library
	for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
		[ -d "$GT_SYSROOT/$d" ] || continue
		mkdir -p "$root/$d"
		for f in "$GT_SYSROOT/$d"/*.so*; do
			# (-dev links to libraries the sysroot does not hold dangle)
			[ -e "$f" ] && cp -L "$f" "$root/$d/"
		done
	done
	# libc and the loader: the cross toolchain's
	cp -L /usr/aarch64-linux-gnu/lib/*.so* "$root/lib/aarch64-linux-gnu/" 2>/dev/null
	mkdir -p "$root/lib"
	cp -L /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 "$root/lib/"
fi
for f in "${files[@]}"; do
	src=${f%%:*} dst=${f#*:}
	[ -e "$src" ] || { echo "mkinitramfs: $src missing" >&2; exit 1; }
	mkdir -p "$root$(dirname "$dst")"
	cp -aL "$src" "$root$dst"
done
n=10
for p in "${payloads[@]}"; do
	install -D -m 0755 "$p" "$root/gt/payload.d/$n-$(basename "$p")"
	n=$((n + 1))
done
[ -z "$policy" ] || cp "$policy" "$root/gt/policy"

(cd "$root" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
