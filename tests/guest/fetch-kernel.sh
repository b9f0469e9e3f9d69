#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#   fetch-kernel.sh [-u] [DIR]
# Fetch Debian's stock kernel for the guest tests, once. Writes into DIR
# (default .output/guest):
#   vmlinuz      the compressed kernel as Debian ships it (bzImage)
#   vmlinux      the same kernel decompressed: boots faster (PVH entry) and
#                carries the kernel's BTF
#   vmlinux.btf  that BTF alone (the guest also exposes it at
#                /sys/kernel/btf/vmlinux, so CO-RE works inside)
#   config       the kernel's .config, to check what it was built with
#   release      the kernel release string, e.g. 6.1.0-56-amd64
#   modules/     the modules for sharing host directories over 9p (virtio),
#                and modules/order, the order to insmod them in
# Idempotent: does nothing when the files exist (without asking apt, which
# takes seconds); -u checks apt for a newer kernel package first.
set -euo pipefail

update=
[ "${1:-}" = -u ] && { update=1; shift; }
dir=${1:-.output/guest}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

have() {
	[ -s "$dir/vmlinux" ] && [ -s "$dir/vmlinuz" ] && [ -s "$dir/vmlinux.btf" ] &&
		[ -s "$dir/release" ] && [ -s "$dir/modules/order" ]
}
if [ -z "$update" ] && have; then
	echo "fetch-kernel: $(cat "$dir/release") in $dir"
	exit 0
fi

# linux-image-amd64 is a metapackage; the real one carries the ABI number.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
if [ -z "$pkg" ]; then
	echo "fetch-kernel: cannot resolve linux-image-amd64 (apt-get update?)" >&2
	exit 1
fi
release=${pkg#linux-image-}

if have && [ "$(cat "$dir/release")" = "$release" ]; then
	echo "fetch-kernel: $release already in $dir"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# _apt cannot write into a 0700 mktemp dir; make it reachable
chmod 0755 "$tmp"
echo "fetch-kernel: downloading $pkg"
(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
	(cd "$tmp" && apt-get download "$pkg")
deb=$(ls "$tmp"/*.deb)

# The kernel, its config, and the few modules 9p sharing needs (the package
# has no modules.dep: depmod makes it at install time, so read each module's
# .modinfo "depends=" (kmod's modinfo may not be installed).
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./boot/vmlinuz-$release" \
	"./boot/config-$release" "./lib/modules/$release/kernel"
mkdir -p "$tmp/modules"
order=()
add_module() {	# depth first: dependencies before the module
	local m=$1 ko dep
	for dep in "${order[@]}"; do [ "$dep" = "$m" ] && return; done
	ko=$(find "$tmp/lib/modules/$release/kernel" -name "$m.ko" | head -n1)
	[ -n "$ko" ] || { echo "fetch-kernel: module $m not in $pkg" >&2; exit 1; }
	objcopy -O binary --only-section=.modinfo "$ko" "$tmp/modinfo"
	for dep in $(tr '\0' '\n' <"$tmp/modinfo" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "$dep"
	done
	cp "$ko" "$tmp/modules/"
	order+=("$m")
}
for m in virtio_pci 9pnet_virtio 9p; do add_module "$m"; done
printf '%s\n' "${order[@]}" >"$tmp/modules/order"

# bzImage holds an xz (Debian's CONFIG_KERNEL_XZ) stream after the setup
# code; extract-vmlinux's approach: find the magic, decompress from there.
vmlinuz=$tmp/boot/vmlinuz-$release
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n1 | cut -d: -f1)
if [ -z "$off" ]; then
	echo "fetch-kernel: no xz stream in $vmlinuz" >&2
	exit 1
fi
tail -c +"$((off + 1))" "$vmlinuz" | xz -dc 2>/dev/null >"$tmp/vmlinux" || true
if ! readelf -h "$tmp/vmlinux" >/dev/null 2>&1; then
	echo "fetch-kernel: decompressed kernel is not ELF" >&2
	exit 1
fi
objcopy --dump-section .BTF="$tmp/vmlinux.btf" "$tmp/vmlinux" "$tmp/discard"
[ -s "$tmp/vmlinux.btf" ] || { echo "fetch-kernel: no .BTF section" >&2; exit 1; }

mv "$vmlinuz" "$dir/vmlinuz"
mv "$tmp/boot/config-$release" "$dir/config"
mv "$tmp/vmlinux" "$dir/vmlinux"
mv "$tmp/vmlinux.btf" "$dir/vmlinux.btf"
rm -rf "$dir/modules"
mv "$tmp/modules" "$dir/modules"
echo "$release" >"$dir/release"
echo "fetch-kernel: $release ready in $dir"
