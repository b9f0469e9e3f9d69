#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Install every build and test dependency from Debian packages, then the Go
# releases the tests use (tools/go-releases.sh, tests/go-releases). Idempotent:
# does nothing when all are present.
set -euo pipefail

pkgs=(
	# build
	make gcc clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libmount-dev
	libseccomp-dev libselinux1-dev libcap-dev uthash-dev pkg-config libsystemd-dev
	# tests
	golang-go libcmocka-dev bats jq util-linux iproute2 procps passwd systemd python3
	# guest-kernel tests (tests/guest): SELinux, fexit, BPF LSM under qemu
	qemu-system-x86 busybox-static cpio checkpolicy zstd xz-utils
	# the kernel matrix's arm64 guest (make arm64, make test-kernels)
	qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	# gotraced.service under a real systemd (tests/systemd)
	debootstrap systemd-container
	# builds in containers and user namespaces (tests/system/container.bats)
	podman runc uidmap fuse-overlayfs slirp4netns
	# docker builds (tests/system/docker.bats; dockerd is started by the test, not by the package)
	docker.io
	# fleet engines the tests feed (metrics, shipped journals, JUnit): on localhost ports
	prometheus prometheus-node-exporter systemd-journal-remote libxml2-utils curl
	# benchmarks, fuzzing, sanitizer runs (bpftrace and libbpf-tools are the peers)
	hyperfine strace bpftrace libbpf-tools libclang-rt-14-dev valgrind linux-perf
	# the real-code corpus (tests/corpus): Debian's packaged Go libraries and their tests
	golang-github-spf13-afero-dev golang-github-fsnotify-fsnotify-dev
	golang-github-stretchr-testify-dev golang-github-pkg-errors-dev
	golang-github-google-go-cmp-dev golang-github-spf13-pflag-dev
	golang-github-hashicorp-golang-lru-dev golang-github-mattn-go-sqlite3-dev
	golang-github-kr-fs-dev golang-github-davecgh-go-spew-dev
	golang-github-pmezard-go-difflib-dev golang-github-stretchr-objx-dev golang-gopkg-yaml.v3-dev
	golang-gopkg-check.v1-dev
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
else
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing ${missing[*]}; run 'make deps' as root" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# the Go releases make test uses, from their Debian suites (never /etc/apt)
"$(dirname "$0")/go-releases.sh"
