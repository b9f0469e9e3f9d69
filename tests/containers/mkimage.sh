#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The image the container tests run: a minbase Debian bookworm tree
# (debootstrap, from the mirror apt uses), built once into
# $GT_CACHE/rootfs/<stamp> outside the clone and imported into podman as
# gotraced-test-bookworm:<stamp>. Go is not installed in it: the tests
# bind-mount the host's toolchain read-only. A fresh CI clone on this
# machine reuses both; a fresh machine builds them in about 3 minutes.
#   mkimage.sh        build what is missing, print the image name
#   mkimage.sh -c     only say whether the image is there (exit 0/1)
#   mkimage.sh -u USER  the same image in USER's rootless storage (after the tree exists)
#   mkimage.sh -d       the same image in docker ($DOCKER, at $DOCKER_HOST), by docker import
set -euo pipefail

cache=${GT_CACHE:-/var/cache/gotraced-test}/rootfs
include=passwd
stamp=bookworm-minbase-1
root=$cache/$stamp
image=localhost/gotraced-test-bookworm:$stamp

as_user=
if [ "${1:-}" = -u ]; then
	as_user=$2
	shift 2
fi
if [ "${1:-}" = -d ]; then
	shift
	docker=${DOCKER:-docker}
	image=gotraced-test-bookworm:$stamp	# docker import would take "localhost/" for a registry
	have_image() { "$docker" image inspect "$image" >/dev/null 2>&1; }
	import_image() { "$docker" import - "$image" >/dev/null; }
else
podman() {
	if [ -n "$as_user" ]; then
		# rootless podman of USER, with a runtime dir of its own (no logind here)
		local rt=/tmp/gotraced-test-podman-$as_user
		mkdir -p "$rt" && chown "$as_user:" "$rt" && chmod 0700 "$rt"
		setpriv --reuid="$as_user" --regid="$as_user" --init-groups \
			env HOME="$(getent passwd "$as_user" | cut -d: -f6)" XDG_RUNTIME_DIR="$rt" \
			podman "$@"
	else
		command podman "$@"
	fi
}
have_image() { podman image exists "$image" 2>/dev/null; }
import_image() { podman import -q - "$image" >/dev/null; }
fi

# Rootless storage on the kernel's own overlayfs in the user namespace (Linux 5.11+).
# Left to itself podman 4.3 picks vfs here (/dev/fuse is root's only: no fuse-overlayfs),
# which copies the whole image for every container (15 s a run idle, minutes under load).
rootless_storage() {
	local home conf
	home=$(getent passwd "$as_user" | cut -d: -f6)
	conf=$home/.config/containers/storage.conf
	[ -f "$conf" ] && return 0
	if [ -d "$home/.local/share/containers/storage/vfs" ]; then
		# podman refuses another driver on storage vfs made: reset it while it is idle
		[ -z "$(podman ps -aq 2>/dev/null)" ] || return 0
		podman system reset -f >/dev/null 2>&1 || return 0
	fi
	mkdir -p "$home/.config/containers"
	printf '[storage]\ndriver = "overlay"\n' >"$conf"
	chown -R "$as_user:" "$home/.config"
}
if [ -n "$as_user" ]; then
	mkdir -p "$cache"
	exec 8>"$cache/.lock-$as_user"
	flock 8
	rootless_storage
fi

if have_image; then
	echo "$image"
	exit 0
fi
[ "${1:-}" = -c ] && exit 1
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$root/.gt-stamp" ]; then
	mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
	[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*debian\)\/* bookworm .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	rm -rf "$root.tmp"
	mkdir -p "$cache/debs"
	echo "# containers: debootstrap bookworm from $mirror into $root (once)" >&2
	debootstrap --variant=minbase --cache-dir="$cache/debs" --include="$include" \
		bookworm "$root.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
		tail -5 "$cache/debootstrap.log" >&2
		exit 1
	}
	# the user the tests build as, and a home with a cache it owns
	chroot "$root.tmp" useradd -m -u 1000 -s /bin/sh gopher
	rm -rf "$root.tmp/var/cache/apt/archives/"*.deb
	echo "$stamp" >"$root.tmp/.gt-stamp"
	rm -rf "$root"
	mv "$root.tmp" "$root"
fi
have_image || tar -C "$root" -c . | import_image
echo "$image"
