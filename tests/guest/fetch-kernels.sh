#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#   fetch-kernels.sh [-u] [NAME...]
# Fetch the kernels of the matrix (kernels.list; default: all of them) into
# the cache $GT_KERNEL_CACHE (default /var/cache/gotraced-test/kernels),
# outside the clone, so every clone and CI run on this machine shares them.
# For each, $GT_KERNEL_CACHE/RELEASE/ holds:
#   vmlinux      x86-64: the decompressed kernel (boots fast through PVH)
#   Image        arm64: the kernel image qemu boots
#   vmlinux.btf  the kernel's BTF (vmlinux.h for that kernel comes from it)
#   config       its .config
#   release      the release string, e.g. 5.10.0-32-amd64
#   arch         amd64 or arm64
#   modules/     9p over virtio, for boot.sh -s, and modules/order
# and $GT_KERNEL_CACHE/NAME links to it. apt runs with a private sources
# list and state directory ($GT_KERNEL_CACHE/apt): /etc/apt is never
# touched. Idempotent and quiet when everything is there (no apt call);
# -u asks apt for newer packages first.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${GT_KERNEL_CACHE:-/var/cache/gotraced-test/kernels}
update=
[ "${1:-}" = -u ] && { update=1; shift; }
mkdir -p "$cache"

entries() {	# name suite arch pattern, for the names asked (all when none)
	local name suite arch pat want
	while read -r name suite arch pat _; do
		[ -n "$name" ] && [ "${name:0:1}" != '#' ] || continue
		if [ $# -gt 0 ]; then
			for want in "$@"; do [ "$want" = "$name" ] && echo "$name $suite $arch $pat"; done
		else
			echo "$name $suite $arch $pat"
		fi
	done <"$here/kernels.list"
}

have() {
	local d=$cache/$1
	[ -s "$d/release" ] && [ -s "$d/vmlinux.btf" ] && [ -s "$d/modules/order" ] &&
		{ [ -s "$d/vmlinux" ] || [ -s "$d/Image" ]; }
}

todo=()
while read -r name suite arch pat; do
	if [ -n "$update" ] || ! have "$name"; then
		todo+=("$name $suite $arch $pat")
	else
		echo "fetch-kernels: $name: $(cat "$cache/$name/release")"
	fi
done < <(entries "$@")
[ ${#todo[@]} -gt 0 ] || exit 0

# The machine's own Debian mirror, reached with a private configuration.
apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$cache/debs"
uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -v security | head -n1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' \
	/etc/apt/sources.list 2>/dev/null | grep -v security | head -n1)
[ -n "$uri" ] || uri=http://deb.debian.org/debian
entries | awk '{print $2}' | sort -u |
	sed "s|^|deb [arch=amd64,arm64] $uri |; s|\$| main|" >"$apt_dir/sources.list.new"
cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list" 2>/dev/null && update_lists=$update ||
	update_lists=1
mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
A=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
if [ -n "$update_lists" ] || ! ls "$apt_dir"/lists/*Packages* >/dev/null 2>&1; then
	echo "fetch-kernels: apt-get update (private lists in $apt_dir)"
	apt-get "${A[@]}" update -qq
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"

# Module names to load, dependencies first (from each .ko's modinfo).
modules() {	# root release
	local root=$1 release=$2 m
	local kdir=$root/lib/modules/$release/kernel
	[ -d "$kdir" ] || kdir=$root/usr/lib/modules/$release/kernel
	local builtin=$kdir/../modules.builtin
	order=()
	add_module() {
		local m=$1 ko dep
		for dep in "${order[@]}"; do [ "$dep" = "$m" ] && return; done
		# built into this kernel (virtio_pci in trixie's): nothing to load
		grep -q "/$m.ko\$" "$builtin" 2>/dev/null && return
		ko=$(find "$kdir" -name "$m.ko" -o -name "$m.ko.xz" | head -n1)
		[ -n "$ko" ] || { echo "fetch-kernels: module $m missing" >&2; exit 1; }
		case $ko in *.xz) xz -dc "$ko" >"$root/mods/$m.ko" ;; *) cp "$ko" "$root/mods/$m.ko" ;; esac
		# .modinfo's NUL-separated "depends=" (read raw: any architecture's ELF)
		for dep in $(tr '\0' '\n' <"$root/mods/$m.ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
			add_module "$dep"
		done
		order+=("$m")
	}
	mkdir -p "$root/mods"
	for m in virtio_pci 9pnet_virtio 9p; do add_module "$m"; done
	printf '%s\n' "${order[@]}" >"$root/mods/order"
}

# The BTF blob inside a raw arm64 Image (no ELF sections there): its header
# says how long it is. The kernel's is the first and by far the largest.
btf_from_image() {	# image out
	python3 - "$1" "$2" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
best = None
i = data.find(b'\x9f\xeb\x01\x00\x18\x00\x00\x00')
while i >= 0:
    hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from('<5I', data, i + 4)
    if type_off == 0 and str_off == type_len:
        size = hdr_len + str_off + str_len
        if best is None or size > best[1]:
            best = (i, size)
    i = data.find(b'\x9f\xeb\x01\x00\x18\x00\x00\x00', i + 1)
if not best:
    sys.exit('no BTF in ' + sys.argv[1])
open(sys.argv[2], 'wb').write(data[best[0]:best[0] + best[1]])
EOF
}

for e in "${todo[@]}"; do
	read -r name suite arch pat <<<"$e"
	# the newest flavour-less package of the series (no -cloud-, -rt-)
	pkg=$(apt-cache "${A[@]}" pkgnames linux-image- | grep -v -e -cloud- -e -rt- -e -dbg |
		while read -r p; do if [[ $p == $pat ]]; then echo "$p"; fi; done | sort -V | tail -n1)
	[ -n "$pkg" ] || { echo "fetch-kernels: $name: no package matches $pat" >&2; exit 1; }
	release=${pkg#linux-image-}
	dest=$cache/$release
	if have "$release"; then
		ln -sfn "$release" "$cache/$name"
		echo "fetch-kernels: $name: $release"
		continue
	fi
	echo "fetch-kernels: $name: $pkg ($suite, $arch)"
	rm -rf "${tmp:?}"/*
	# the .deb stays in $cache/debs: unpacking again costs no download
	debs=("$cache/debs/${pkg}_"*"_$arch.deb")
	deb=${debs[-1]}
	if [ ! -s "$deb" ]; then
		(cd "$tmp" && apt-get "${A[@]}" download -q "$pkg:$arch" >/dev/null 2>&1) ||
			(cd "$tmp" && apt-get "${A[@]}" download "$pkg:$arch")
		mv "$tmp"/*.deb "$cache/debs/"
		debs=("$cache/debs/${pkg}_"*"_$arch.deb")
		deb=${debs[-1]}
	fi
	# only what is needed: the package's modules take most of its size
	want=("./boot/*-$release")
	for l in ./lib ./usr/lib; do
		want+=("$l/modules/$release/modules.builtin")
		for k in fs/9p fs/netfs fs/fscache net/9p drivers/virtio; do
			want+=("$l/modules/$release/kernel/$k/*")
		done
	done
	# (tar complains about the patterns this package does not have)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards "${want[@]}" 2>/dev/null || true
	[ -s "$tmp/boot/vmlinuz-$release" ] || { echo "fetch-kernels: no vmlinuz in $deb" >&2; exit 1; }
	modules "$tmp" "$release"
	mkdir -p "$tmp/out"
	img=$tmp/boot/vmlinuz-$release
	if [ "$arch" = amd64 ]; then
		# bzImage: an xz (bullseye, bookworm) or zstd (trixie) stream after the setup code
		off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$img" | head -n1 | cut -d: -f1 || true)
		if [ -n "$off" ]; then
			tail -c +"$((off + 1))" "$img" | xz -dc 2>/dev/null >"$tmp/out/vmlinux" || true
		else
			off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$img" | head -n1 | cut -d: -f1 || true)
			[ -n "$off" ] || { echo "fetch-kernels: $img: no xz or zstd stream" >&2; exit 1; }
			tail -c +"$((off + 1))" "$img" | zstd -dcq 2>/dev/null >"$tmp/out/vmlinux" || true
		fi
		readelf -h "$tmp/out/vmlinux" >/dev/null 2>&1 ||
			{ echo "fetch-kernels: decompressed $img is not ELF" >&2; exit 1; }
		objcopy --dump-section .BTF="$tmp/out/vmlinux.btf" "$tmp/out/vmlinux" "$tmp/discard"
	else
		# arm64: a raw Image (or a gzipped one)
		if [ "$(head -c2 "$img" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
			gzip -dc <"$img" >"$tmp/out/Image"
		else
			cp "$img" "$tmp/out/Image"
		fi
		btf_from_image "$tmp/out/Image" "$tmp/out/vmlinux.btf"
	fi
	[ -s "$tmp/out/vmlinux.btf" ] || { echo "fetch-kernels: no BTF in $img" >&2; exit 1; }
	cp "$tmp/boot/config-$release" "$tmp/out/config"
	mv "$tmp/mods" "$tmp/out/modules"
	echo "$release" >"$tmp/out/release"
	echo "$arch" >"$tmp/out/arch"
	rm -rf "$dest"
	mv "$tmp/out" "$dest"
	ln -sfn "$release" "$cache/$name"
	echo "fetch-kernels: $name: $release ready in $dest"
done
