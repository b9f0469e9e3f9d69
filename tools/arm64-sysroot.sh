#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#   tools/arm64-sysroot.sh [DIR]
# An arm64 sysroot for cross-building gotraced (make gotraced.arm64): the
# arm64 builds of the libraries it links, from Debian bookworm, downloaded
# with a private apt configuration (APT::Architecture=arm64, its own lists
# and cache) and unpacked with dpkg -x. The machine's dpkg never learns of
# arm64 (no dpkg --add-architecture) and /etc/apt is not touched. Default
# DIR: /var/cache/gotraced-test/arm64-sysroot (shared by every clone).
# Idempotent: does nothing when DIR/.complete lists the same packages.
set -euo pipefail

dir=${1:-${GT_ARM64_SYSROOT:-/var/cache/gotraced-test/arm64-sysroot}}
pkgs=(
	libbpf-dev libbpf1 libelf-dev libelf1 zlib1g-dev zlib1g libmount-dev libmount1
	libblkid-dev libblkid1 libseccomp-dev libseccomp2 libselinux1-dev libselinux1
	libpcre2-dev libpcre2-8-0 libsepol-dev libsepol2 libsystemd-dev libsystemd0
	libcap2 libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1 libc6 libgcc-s1
	busybox-static
)
if [ "$(cat "$dir/.complete" 2>/dev/null)" = "${pkgs[*]}" ]; then
	echo "arm64-sysroot: $dir"
	exit 0
fi
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -v security | head -n1)
echo "deb [arch=arm64] ${uri:-http://deb.debian.org/debian} bookworm main" >"$dir/apt/sources.list"
A=(-o "Dir::Etc::SourceList=$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache"
	-o APT::Architecture=arm64 -o APT::Architectures::=arm64)
apt-get "${A[@]}" update -qq
chmod 0755 "$dir/debs"
(cd "$dir/debs" && apt-get "${A[@]}" download -q "${pkgs[@]/%/:arm64}" >/dev/null)
for d in "$dir"/debs/*.deb; do dpkg -x "$d" "$dir/root"; done
# the -dev symlinks point at /lib/...: make them relative to the sysroot
find "$dir/root" -type l -lname '/*' | while read -r l; do
	ln -sfn "$dir/root$(readlink "$l")" "$l"
done
echo "${pkgs[*]}" >"$dir/.complete"
echo "arm64-sysroot: ready in $dir/root"
