#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Go builds in real containers (podman + runc, an image imported from a
# debootstrapped tree, Go bind-mounted read-only from the host), a user
# namespace like rootless podman's, and a chroot: the findings say which
# container, both views of pids, ids and paths, and fixes at the runtime's
# layer. The image is built once (tests/containers/mkimage.sh, ~7 min on a
# fresh machine) and cached in /var/cache/gotraced-test.

load lib

GO_HOST=$(dirname "$(dirname "$(readlink -f "$(command -v go)")")")
# Debian's GOROOT/src is a link into /usr/share/go-1.NN: bound beside it
GO_SHARE=$(dirname "$(readlink -f "$GO_HOST/src")")

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	command -v podman >/dev/null || return 0
	IMAGE=$("$BATS_TEST_DIRNAME/../containers/mkimage.sh") || IMAGE=
	export IMAGE
}

setup() {
	gt_setup
	command -v podman >/dev/null || skip "podman not installed (make deps)"
	[ -n "${IMAGE:-}" ] || skip "the test image could not be built (tests/containers/mkimage.sh)"
	copy_module
	CTR=ctr-podman-$$-$BATS_TEST_NUMBER
	export CTR
}

teardown() {
	podman rm -f "$CTR" >/dev/null 2>&1 || true
	gt_teardown
}

# The ASan run of this directory (run-all.sh, SUITE=asan) repeats every test against the
# sanitized daemon; of these it keeps the ones whose code paths differ (identity, layer
# words, id maps, chroot view, RESOLVE_IN_ROOT), for make test's time budget.
asan_skip() {
	[ "${SUITE:-system}" != asan ] ||
		skip "same daemon code as the noexec/userns/chroot tests the ASan run keeps; run by the system suite"
}

# ctr [PODMAN-OPTIONS...] -- CMD...: run CMD in the test image as container $CTR,
# the module at /src, Go from the host read-only (Debian's src/ is a link into share/)
ctr() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	podman run --rm --runtime runc --network=none --name "$CTR" \
		--ulimit nofile=1024:4096 --ulimit nproc=4096:4096 \
		-v "$GO_HOST:$GO_HOST:ro" -v "$GO_SHARE:$GO_SHARE:ro" \
		-v "$MOD:/src" -w /src -e PATH="$GO_HOST/bin:/usr/bin:/bin" \
		-e CGO_ENABLED=0 -e GOPROXY=off -e GOFLAGS=-mod=mod -e GOTOOLCHAIN=local \
		"${opts[@]}" "$IMAGE" "$@"
}

warm_cache() {
	local c=/var/cache/gotraced-test/ctr-gocache-$(go env GOVERSION)
	mkdir -p "$c"
	echo "$c"
}

# ctr_warm OPTIONS... -- CMD...: ctr with a build cache kept between runs (a volume
# outside the clone): for scenarios about something else than the cache's place
ctr_warm() {
	local c
	c=$(warm_cache)
	ctr -v "$c:/gocache" -e GOCACHE=/gocache "$@"
}

# ctr_findings [FILTER]: findings of container $CTR
ctr_findings() {
	jq -cR --arg C "$CTR" "fromjson? | select(.type == \"finding\" and .container_name == \$C
		and (${1:-true}))" "$OUT"
}

# ctr_exit: the exit events of go commands in $CTR, waiting for the first (20 s)
ctr_exits() {
	wait_json ".type == \"exit\" and .container_name == \"$CTR\"" 20 >/dev/null || true
	sleep 0.3
	jq -cR --arg C "$CTR" 'fromjson? | select(.type == "exit" and .container_name == $C)' "$OUT"
}

@test "container: a clean go build and go test in podman: exit events name it, zero findings" {
	asan_skip
	start_daemon
	run ctr --cidfile "$T/cid" -- sh -c 'go build -o /tmp/m . && go test .'
	echo "$output"
	[ "$status" -eq 0 ]
	x=$(ctr_exits)
	stop_daemon
	echo "$x"
	[ "$(count <<<"$x")" -ge 2 ]
	jq -se --arg id "$(cat "$T/cid")" 'all(.container_runtime == "podman" and
		.container_id == $id and .exit_code == 0 and (.ns_pid | type) == "number"
		and .ns_pid != .pid)' <<<"$x"
	[ -z "$(ctr_findings)" ]
	# a host go command next to it carries none of the fields
	[ -z "$(jsel '.type == "exit" and .container_name == null and has("container_runtime")')" ]
}

@test "container: --tmpfs /tmp:noexec with go test: noexec at the runtime's --tmpfs, pid inside" {
	start_daemon
	run ctr_warm --tmpfs /tmp:rw,noexec -- go test -count=1 .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"permission denied"* ]]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.cause == "noexec"')
	echo "$f"
	[ "$(count <<<"$f")" -eq 1 ]
	jq -e '.container_runtime == "podman" and (.container_id | length) == 64
		and .syscall == "execve" and .mount_point == "/tmp" and .fs_type == "tmpfs"
		and (.path | startswith("/tmp/go-build")) and .ns_pid < .pid
		and .fix_layer == "podman --tmpfs"
		and (.fix | contains("--tmpfs /tmp:rw,exec")) and (.fix | contains("remount") | not)
		and (.explanation | contains("podman mounted this tmpfs"))
		and has("host_path") == false' <<<"$f"
}

@test "container: --read-only root, cache on it: a volume or tmpfs for GOCACHE, not the same root" {
	asan_skip
	start_daemon
	run ctr --read-only -e HOME=/root -- go build -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.cause == "read_only"' | head -n1)
	echo "$f"
	jq -e '. as $f | .go_dir == "GOCACHE" and .mount_point == "/"
		and .fix_layer == "podman --read-only"
		and (.fix | contains("--tmpfs /gocache")) and (.fix | contains("GOCACHE=/gocache"))
		and (.fix | contains("$HOME") | not)
		and (.explanation | contains("--read-only"))
		and (.host_path | startswith("/var/lib/containers/storage/overlay/"))
		and (.host_path | endswith("/merged" + $f.path))' <<<"$f"
	# and with the cache on a volume of its own, as the fix says: clean
	: >"$OUT"
	start_daemon
	run ctr_warm --read-only -- go build -o /dev/null .
	[ "$status" -eq 0 ]
	ctr_exits >/dev/null
	stop_daemon
	[ -z "$(ctr_findings)" ]
}

@test "container: podman's default seccomp profile refuses a test's kcmp: named as the default" {
	asan_skip
	[ "$(uname -m)" = x86_64 ] || skip "kcmp's number is written for x86_64"
	mkdir -p "$MOD/kc"
	cat >"$MOD/kc/kc_test.go" <<'EOF'
package kc

import (
	"os"
	"syscall"
	"testing"
)

func TestKcmp(t *testing.T) {
	const sysKcmp = 312 // x86_64; Go 1.19's syscall package has no SYS_KCMP
	p := uintptr(os.Getpid())
	if _, _, e := syscall.Syscall6(sysKcmp, p, p, 0, 0, 0, 0); e != 0 {
		t.Fatal("kcmp:", e)
	}
}
EOF
	start_daemon
	run ctr_warm -- go test -count=1 ./kc
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"kcmp: operation not permitted"* ]]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.cause == "seccomp"')
	echo "$f"
	[ "$(count <<<"$f")" -eq 1 ]
	jq -e '.syscall == "kcmp" and .errno == "EPERM" and .role == "test"
		and (.explanation | contains("podman'"'"'s default seccomp profile (/usr/share/containers/seccomp.json)"))
		and .fix_layer == "podman --security-opt seccomp"
		and (.fix | contains("--security-opt seccomp="))' <<<"$f"
	# the same test passes where kcmp is allowed: on the host, and no finding
	cd "$MOD" && go test ./kc
}

@test "container: --pids-limit: process_limit at the container's --pids-limit" {
	asan_skip
	start_daemon
	run ctr --pids-limit 12 -- go build -a -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.cause == "process_limit"' | head -n1)
	echo "$f"
	jq -e '.pids_max == 12 and .fix_layer == "podman --pids-limit"
		and (.fix | contains("--pids-limit")) and (.cgroup | contains("libpod-"))' <<<"$f"
}

@test "container: --memory: the OOM kill is put on the container's --memory" {
	asan_skip
	mkdir -p "$MOD/big"
	cat >"$MOD/big/big_test.go" <<'EOF'
package big

import "testing"

func TestBig(t *testing.T) {
	var keep [][]byte
	for i := 0; i < 64; i++ {
		b := make([]byte, 8<<20)
		for j := range b {
			b[j] = byte(j)
		}
		keep = append(keep, b)
	}
	t.Log(len(keep))
}
EOF
	start_daemon
	run ctr_warm --memory 128m --memory-swap 128m -- go test -count=1 ./big
	echo "$output"
	[ "$status" -ne 0 ]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.cause == "oom_kill"' | head -n1)
	echo "$f"
	jq -e '.role == "test" and .fix_layer == "podman --memory"
		and (.fix | contains("--memory")) and (.cgroup | contains("libpod-"))' <<<"$f"
}

# userns_go UID DIR CMD...: a rootless-podman-like user namespace (host 100000-165535
# is 0-65535 inside) as uid 1000 (host 101000), running CMD with GOCACHE=DIR
userns_go() {
	ensure_root_subids
	local dir=$1
	shift
	go_cmd unshare --user --map-users=100000,0,65536 --map-groups=100000,0,65536 \
		--setuid 1000 --setgid 1000 env HOME="$T/home" GOCACHE="$dir" "$@"
}

@test "user namespace: a cache owned by host root is unmapped (65534 inside), fix at the namespace" {
	mkdir -p "$T/rootcache"
	chmod 0755 "$T/rootcache"
	chmod -R a+rwX "$MOD"
	cd "$MOD"
	start_daemon
	run userns_go "$T/rootcache" go build -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "permission" and .go_dir == "GOCACHE"' | head -n1)
	jq -e '.uid == 101000 and .ns_uid == 1000 and .ns_gid == 1000
		and (.explanation | contains("host uid 0, which is not mapped into its user namespace (seen inside as 65534)"))
		and (.explanation | contains("so uid 1000 (host uid 101000) cannot"))
		and (.fix | contains("chown -R 101000") | not) and .fix_layer == "user namespace"
		and has("container_runtime") == false' <<<"$f"
}

@test "user namespace: a cache owned by the namespace's user: clean build, zero findings" {
	asan_skip
	mkdir -p "$T/owncache"
	chown 101000:101000 "$T/owncache"
	chmod -R a+rwX "$MOD"
	cd "$MOD"
	start_daemon
	run userns_go "$T/owncache" go build -o /dev/null .
	echo "$output"
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	[ -n "$(ours '.type == "exit" and .exit_code == 0')" ]
	[ -z "$(ours '.type == "finding"')" ]
}

# a chroot tree: the cached image tree under an overlay (writes stay in $T), Go bound in
mk_chroot() {
	local base=/var/cache/gotraced-test/rootfs/bookworm-minbase-1
	[ -f "$base/.gt-stamp" ] || skip "no cached tree ($base)"
	R=$T/root
	mkdir -p "$R" "$T/up" "$T/work"
	mount -t overlay overlay -o "lowerdir=$base,upperdir=$T/up,workdir=$T/work" "$R"
	mkdir -p "$R$GO_HOST" "$R$GO_SHARE" "$R/src"
	mount --bind -o ro "$GO_HOST" "$R$GO_HOST"
	mount --bind -o ro "$GO_SHARE" "$R$GO_SHARE"
	mount --bind "$MOD" "$R/src"
	mount -t proc proc "$R/proc"
	mkdir -p "$R/gocache"
	mount --bind "$(warm_cache)" "$R/gocache"
	export R
}

in_chroot() {
	go_cmd unshare --fork --pid chroot "$R" env -i PATH="$GO_HOST/bin:/usr/bin:/bin" \
		HOME=/root GOCACHE=/gocache \
		CGO_ENABLED=0 GOPROXY=off GOFLAGS=-mod=mod sh -c 'cd /src && exec "$@"' sh "$@"
}

@test "chroot: exe, path and mount_point in the chroot's view, host_path from the host's root" {
	mk_chroot
	mkdir -p "$R/tmp/nx"
	mount -t tmpfs -o noexec tmpfs "$R/tmp/nx"
	start_daemon
	# go_cmd records unshare's pid; go runs as its grandchild
	run in_chroot env TMPDIR=/tmp/nx go test -count=1 .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_json '.type == "exit" and .container_runtime == "chroot" and .go_argv[1] == "test"' 20
	stop_daemon
	f=$(findings '.cause == "noexec" and .container_runtime == "chroot"')
	echo "$f"
	[ "$(count <<<"$f")" -eq 1 ]
	jq -e --arg R "$R" --arg G "$GO_HOST" '.process_root == $R and .exe == $G + "/bin/go"
		and (.path | startswith("/tmp/nx/go-build")) and .mount_point == "/tmp/nx"
		and .go_dir_path == "/tmp/nx" and .host_path == $R + .path
		and (.explanation | contains($R) | not)' <<<"$f"
}

@test "chroot: a clean go build and go test: zero findings" {
	asan_skip
	mk_chroot
	start_daemon
	run in_chroot sh -c 'go build -o /dev/null . && go test .'
	echo "$output"
	[ "$status" -eq 0 ]
	wait_json '.type == "exit" and .container_runtime == "chroot" and .go_argv[1] == "test"' 20
	stop_daemon
	[ -z "$(findings '.container_runtime == "chroot"')" ]
	[ -n "$(jsel '.type == "exit" and .container_runtime == "chroot" and .exit_code == 0')" ]
}

# rl_podman ARGS...: podman as $GT_USER (rootless, its runtime dir as mkimage.sh -u made it;
# stdin from /dev/null and bats' fd 3 closed: nothing podman leaves behind may hold them)
rl_podman() {
	setpriv --reuid="$GT_USER" --regid="$GT_USER" --init-groups \
		env HOME="$(getent passwd "$GT_USER" | cut -d: -f6)" \
		XDG_RUNTIME_DIR="/tmp/gotraced-test-podman-$GT_USER" podman "$@" </dev/null 3>&-
}

# rl_ctr [PODMAN-OPTIONS...] -- CMD...: ctr as rootless podman of $GT_USER (its
# subordinate ids 100000-165535; the image imported into its storage once)
rl_ctr() {
	local img
	ensure_gtuser
	grep -q "^$GT_USER:" /etc/subuid || skip "$GT_USER has no /etc/subuid range"
	img=$("$BATS_TEST_DIRNAME/../containers/mkimage.sh" -u "$GT_USER") ||
		{ echo "cannot import the image for $GT_USER"; return 1; }
	chmod -R a+rwX "$MOD"
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	rl_podman run --rm --runtime runc --network=none --name "$CTR" \
		--ulimit nofile=1024:4096 --ulimit nproc=4096:4096 \
		-v "$GO_HOST:$GO_HOST:ro" -v "$GO_SHARE:$GO_SHARE:ro" \
		-v "$MOD:/src" -w /src -e PATH="$GO_HOST/bin:/usr/bin:/bin" \
		-e CGO_ENABLED=0 -e GOPROXY=off -e GOFLAGS=-mod=mod -e HOME=/tmp \
		"${opts[@]}" "$img" "$@"
}

# the host uid of uid N inside a rootless container of $GT_USER: its first subordinate id + N - 1
rl_host_uid() {
	local start
	start=$(awk -F: -v u="$GT_USER" '$1 == u { print $2; exit }' /etc/subuid)
	echo $((start + $1 - 1))
}

@test "rootless podman --userns=keep-id: a clean go build and go test as the host user, zero findings" {
	# kept in the ASan run: the namespace owner's lookup (a nested user namespace) is its own
	ensure_gtuser
	mkdir -p "$T/usercache" "$T/rl"
	chown "$GT_USER:" "$T/usercache" "$T/rl"
	start_daemon
	run rl_ctr --userns=keep-id --cidfile "$T/rl/cid" -v "$T/usercache:/gocache" -e GOCACHE=/gocache \
		-- sh -c 'id -u && go build -o /tmp/m . && go test -count=1 .'
	echo "$output"
	[ "$status" -eq 0 ]
	# keep-id: the host user is the same uid inside
	[ "${lines[0]}" = "$(id -u "$GT_USER")" ]
	x=$(ctr_exits)
	stop_daemon
	echo "$x"
	[ "$(count <<<"$x")" -ge 2 ]
	jq -se --arg id "$(cat "$T/rl/cid")" 'all(
		.container_runtime == "podman" and .container_id == $id and .exit_code == 0
		and (.ns_pid | type) == "number")' <<<"$x"
	[ -z "$(ctr_findings)" ]
	# the cache is the host user's, as the fix below promises
	[ -n "$(find "$T/usercache" -mindepth 1 -maxdepth 1 -user "$GT_USER" | head -n1)" ]
}

@test "rootless podman: the fixes it gives work: a :U volume, and podman unshare chown" {
	asan_skip
	ensure_gtuser
	mkdir -p "$T/ucache" "$T/chcache"
	chown "$GT_USER:" "$T/ucache" "$T/chcache"
	chmod 0755 "$T/ucache" "$T/chcache"
	start_daemon
	run rl_ctr --user 1000:1000 -v "$T/ucache:/gocache:U" -e GOCACHE=/gocache \
		-- go build -o /dev/null .
	echo "$output"
	[ "$status" -eq 0 ]
	ctr_exits >/dev/null
	# :U chowned the volume to uid 1000 inside: the host uid it maps to
	[ "$(stat -c %u "$T/ucache")" = "$(rl_host_uid 1000)" ]
	rl_podman unshare chown -R 1000:1000 "$T/chcache"
	[ "$(stat -c %u "$T/chcache")" = "$(rl_host_uid 1000)" ]
	CTR=$CTR-2
	run rl_ctr --user 1000:1000 -v "$T/chcache:/gocache" -e GOCACHE=/gocache \
		-- go build -o /dev/null .
	echo "$output"
	[ "$status" -eq 0 ]
	ctr_exits >/dev/null
	stop_daemon
	[ -z "$(jq -cR --arg C "${CTR%-2}" 'fromjson? | select(.type == "finding" and
		(.container_name == $C or .container_name == $C + "-2"))' "$OUT")" ]
}

@test "rootless podman: a volume owned by the host user is root's inside: --userns=keep-id or :U" {
	asan_skip
	mkdir -p "$T/usercache"
	chown "$GT_USER:" "$T/usercache"
	chmod 0755 "$T/usercache"
	start_daemon
	run rl_ctr --user 1000:1000 -v "$T/usercache:/gocache" -e GOCACHE=/gocache \
		-- go build -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.cause == "permission"' | head -n1)
	echo "$f"
	jq -e --arg T "$T" --arg u "$(id -u "$GT_USER")" --argjson h "$(rl_host_uid 1000)" '
		.container_runtime == "podman"
		and (.container_id | length) == 64 and .ns_uid == 1000 and .uid == $h
		and (.explanation | contains("owned by uid 0 (host uid " + $u + ")"))
		and .fix_layer == "podman --userns / :U" and (.fix | contains("--userns=keep-id"))
		and (.fix | contains("-v " + $T + "/usercache:/gocache:U"))
		and (.fix | contains("podman unshare chown -R 1000 " + $T + "/usercache"))
		and (.host_path | startswith($T + "/usercache/"))' <<<"$f"
}

@test "rootless podman: a volume owned by host root is unmapped inside (65534)" {
	asan_skip
	mkdir -p "$T/rootcache"
	chmod 0755 "$T/rootcache"
	start_daemon
	run rl_ctr -v "$T/rootcache:/gocache" -e GOCACHE=/gocache -- go build -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.cause == "permission"' | head -n1)
	echo "$f"
	jq -e --arg T "$T" '.container_runtime == "podman" and .ns_uid == 0 and .ns_gid == 0
		and (.explanation | contains("host uid 0, which is not mapped into its user namespace (seen inside as 65534)"))
		and (.fix | contains("--userns=keep-id"))
		and (.fix | contains("podman unshare chown -R 0 " + $T + "/rootcache"))' <<<"$f"
}

@test "safe examination: a refused path that is a symlink to a host file is judged inside the container" {
	# GOCACHE=/src/cache is an absolute link to /$CTR: inside, a root-owned 0755 tmpfs;
	# on the host, a world-writable directory. Followed from the host, owner and mode
	# would seem to allow the write and the refusal would be put on a security module.
	H=/$CTR
	mkdir -p "$H"
	chmod 0777 "$H"
	ln -s "$H" "$MOD/cache"
	start_daemon
	run ctr --user 1000:1000 --tmpfs "$H:rw,mode=0755" -e HOME=/tmp -e GOCACHE=/src/cache \
		-- go build -o /dev/null .
	echo "$output"
	rmdir "$H"
	[ "$status" -ne 0 ]
	ctr_exits >/dev/null
	stop_daemon
	f=$(ctr_findings '.go_dir == "GOCACHE"' | head -n1)
	echo "$f"
	jq -e '.cause == "permission"
		and (.explanation | contains("is owned by uid 0, gid 0 with mode 0755"))
		and (.explanation | contains("0777") | not)' <<<"$f"
}
