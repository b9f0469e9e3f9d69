#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Go builds in real docker containers: Debian's docker.io (dockerd 20.10,
# runc, the cgroupfs driver on this hybrid cgroup layout) started by
# tests/containers/dockerd.sh, the image imported from the same
# debootstrapped tree as podman's (tests/containers/mkimage.sh -d), Go
# bind-mounted read-only from the host. Findings name the container from
# docker's cgroup (/docker/<id>) and state file (config.v2.json), and fix at
# docker's own options.

load lib

GO_HOST=$(dirname "$(dirname "$(readlink -f "$(command -v go)")")")
GO_SRC=$(dirname "$(readlink -f "$GO_HOST/src")")	# Debian's src/ is a link into share/

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	command -v dockerd >/dev/null || return 0
	DOCKER=$(command -v /usr/bin/docker docker | head -n1)
	if DOCKER_HOST=$("$BATS_TEST_DIRNAME/../containers/dockerd.sh" up 2>"$BATS_FILE_TMPDIR/why"); then
		export DOCKER_HOST DOCKER
		touch "$BATS_FILE_TMPDIR/up"
		IMAGE=$("$BATS_TEST_DIRNAME/../containers/mkimage.sh" -d) || IMAGE=
	else
		IMAGE=
	fi
	export IMAGE
}

teardown_file() {
	[ ! -e "$BATS_FILE_TMPDIR/up" ] || "$BATS_TEST_DIRNAME/../containers/dockerd.sh" down
}

setup() {
	gt_setup
	command -v dockerd >/dev/null || skip "docker.io not installed (make deps)"
	[ -e "$BATS_FILE_TMPDIR/up" ] ||
		skip "dockerd cannot run here: $(cat "$BATS_FILE_TMPDIR/why" 2>/dev/null)"
	[ -n "${IMAGE:-}" ] || skip "the test image could not be built (tests/containers/mkimage.sh -d)"
	copy_module
	chmod -R a+rwX "$MOD"
	CTR=ctr-docker-$$-$BATS_TEST_NUMBER
	export CTR
}

teardown() {
	"$DOCKER" rm -f "$CTR" >/dev/null 2>&1 || true
	gt_teardown
}

# The ASan run (SUITE=asan) keeps the tests whose daemon code differs from podman's
# (docker's cgroup and state file, namespace reuse); the layer rows are podman's paths.
asan_skip() {
	[ "${SUITE:-system}" != asan ] ||
		skip "same daemon code as the podman tests the ASan run keeps; run by the system suite"
}

# dk [DOCKER-OPTIONS...] -- CMD...: run CMD in the test image as container $CTR
dk() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	"$DOCKER" run --rm --network=none --name "$CTR" \
		--ulimit nofile=1024:4096 --ulimit nproc=4096:4096 \
		-v "$GO_HOST:$GO_HOST:ro" -v "$GO_SRC:$GO_SRC:ro" \
		-v "$MOD:/src" -w /src -e PATH="$GO_HOST/bin:/usr/bin:/bin" \
		-e CGO_ENABLED=0 -e GOPROXY=off -e GOFLAGS=-mod=mod -e GOTOOLCHAIN=local \
		"${opts[@]}" "$IMAGE" "$@"
}

dk_findings() {
	jq -cR --arg C "$CTR" "fromjson? | select(.type == \"finding\" and .container_name == \$C
		and (${1:-true}))" "$OUT"
}

# the exit events of go commands in $CTR, waiting for the first (20 s)
dk_exits() {
	wait_json ".type == \"exit\" and .container_name == \"$CTR\"" 20 >/dev/null || true
	sleep 0.3
	jq -cR --arg C "$CTR" 'fromjson? | select(.type == "exit" and .container_name == $C)' "$OUT"
}

@test "docker: a clean go build and go test: exit events name the container, zero findings" {
	start_daemon
	run dk --cidfile "$T/cid" -- sh -c 'go build -o /tmp/m . && go test -count=1 .'
	echo "$output"
	[ "$status" -eq 0 ]
	x=$(dk_exits)
	stop_daemon
	echo "$x"
	[ "$(count <<<"$x")" -ge 2 ]
	jq -se --arg id "$(cat "$T/cid")" 'all(.container_runtime == "docker"
		and .container_id == $id and .exit_code == 0 and (.ns_pid | type) == "number"
		and .ns_pid != .pid and has("host_path") == false)' <<<"$x"
	# docker's default profile answers clone3 with ENOSYS (glibc falls back): no finding
	[ -z "$(dk_findings)" ]
}

@test "docker: --tmpfs /tmp (noexec unless it says exec) with go test: fixed at --tmpfs" {
	asan_skip
	start_daemon
	run dk --tmpfs /tmp -- go test -count=1 .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"fork/exec /tmp/go-build"*"permission denied"* ]]
	dk_exits >/dev/null
	stop_daemon
	f=$(dk_findings '.cause == "noexec"')
	echo "$f"
	[ "$(count <<<"$f")" -eq 1 ]
	jq -e '.container_runtime == "docker" and (.container_id | length) == 64
		and .syscall == "execve" and .mount_point == "/tmp" and .fs_type == "tmpfs"
		and (.path | startswith("/tmp/go-build")) and .ns_pid < .pid
		and .fix_layer == "docker --tmpfs"
		and (.explanation | contains("docker mounted this tmpfs"))
		and (.explanation | contains("default unless its options say exec"))
		and (.fix | contains("--tmpfs /tmp:rw,exec")) and (.fix | contains("remount") | not)' <<<"$f"
	[ -z "$(dk_findings '.cause != "noexec"')" ]
	# as the fix says: the same test passes, and no finding
	: >"$OUT"
	start_daemon
	run dk --tmpfs /tmp:rw,exec -- go test -count=1 .
	echo "$output"
	[ "$status" -eq 0 ]
	dk_exits >/dev/null
	stop_daemon
	[ -z "$(dk_findings)" ]
}

@test "docker: --user a uid the image has no home for: GOCACHE under /, fixed at --user" {
	asan_skip
	start_daemon
	run dk --user 4242:4242 -- go build -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mkdir /.cache: permission denied"* ]]
	dk_exits >/dev/null
	stop_daemon
	f=$(dk_findings '.cause == "permission"')
	echo "$f"
	[ "$(count <<<"$f")" -eq 1 ]
	jq -e '.go_dir == "GOCACHE" and .go_dir_path == "/.cache/go-build" and .uid == 4242
		and .path == "/.cache" and .fix_layer == "docker --user"
		and (.explanation | contains("docker runs the container as uid 4242 (--user)"))
		and (.fix | contains("--tmpfs /gocache:rw,exec -e GOCACHE=/gocache"))' <<<"$f"
	# as the fix says
	: >"$OUT"
	start_daemon
	run dk --user 4242:4242 --tmpfs /gocache:rw,exec -e GOCACHE=/gocache -- go build -o /dev/null .
	echo "$output"
	[ "$status" -eq 0 ]
	dk_exits >/dev/null
	stop_daemon
	[ -z "$(dk_findings)" ]
}

@test "docker: containers one after another, their namespace numbers reused: each its own name" {
	start_daemon
	for i in 1 2 3; do
		CTR=ctr-docker-$$-$BATS_TEST_NUMBER-$i
		# go list std reads GOROOT for a few hundred ms: a go that exits within milliseconds
		# may be gone before its exec is handled (a limit of reading /proc, not of naming)
		run dk --cidfile "$T/cid$i" -- go list std
		[ "$status" -eq 0 ]
		dk_exits >/dev/null
	done
	stop_daemon
	for i in 1 2 3; do
		x=$(jq -cR --arg C "ctr-docker-$$-$BATS_TEST_NUMBER-$i" \
			'fromjson? | select(.type == "exit" and .container_name == $C)' "$OUT")
		echo "$i: $x"
		[ "$(count <<<"$x")" -eq 1 ]
		jq -e --arg id "$(cat "$T/cid$i")" '.container_id == $id' <<<"$x"
	done
}

# ro_step OPTIONS...: go build under --read-only with OPTIONS; the read_only finding
ro_step() {
	: >"$OUT"
	start_daemon
	run dk --read-only -e HOME=/root "$@" -- go build -o /dev/null .
	echo "$output" >&2
	[ "$status" -ne 0 ] || { echo "go build passed" >&2; return 1; }
	dk_exits >/dev/null
	stop_daemon
	dk_findings '.cause == "read_only"' | head -n1
}

@test "docker: --read-only root (/tmp with it): a tmpfs each for go's work dir and GOCACHE, as the fixes say" {
	asan_skip
	# docker mounts no tmpfs on /tmp (podman does): go's work dir is refused first
	f=$(ro_step)
	echo "$f"
	jq -e '. as $f | .go_dir == "TMPDIR" and .mount_point == "/"
		and .fix_layer == "docker --read-only"
		and (.explanation | contains("/tmp with it"))
		and (.fix | contains("docker run --tmpfs /gotmp:rw,exec -e GOTMPDIR=/gotmp"))
		and (.host_path | startswith("/var/lib/docker/overlay2/"))
		and (.host_path | endswith("/merged" + $f.path))' <<<"$f"
	# that fix, then the cache under HOME on the same root
	f=$(ro_step --tmpfs /gotmp:rw,exec -e GOTMPDIR=/gotmp)
	echo "$f"
	jq -e '.go_dir == "GOCACHE" and .mount_point == "/" and .fix_layer == "docker --read-only"
		and (.fix | contains("docker run --tmpfs /gocache:rw,exec -e GOCACHE=/gocache"))
		and (.fix | contains("$HOME") | not)' <<<"$f"
	# both: clean
	: >"$OUT"
	start_daemon
	run dk --read-only -e HOME=/root --tmpfs /gotmp:rw,exec -e GOTMPDIR=/gotmp \
		--tmpfs /gocache:rw,exec -e GOCACHE=/gocache -- sh -c 'go build -o /dev/null . && go test -count=1 .'
	echo "$output"
	[ "$status" -eq 0 ]
	dk_exits >/dev/null
	stop_daemon
	[ -z "$(dk_findings)" ]
}

# The CI race: go fails within milliseconds of its exec (GOCACHE on the --read-only root),
# the container's only process, and its mount namespace ends with it, maybe before the daemon
# reads its exec record. However late the daemon is, a finding never says a mount or layer it
# did not read: run the CI step GT_RO_RUNS times (10) and check each finding.
@test "docker: --read-only, go failing at once, again and again: the mount facts or an honest unknown" {
	asan_skip
	: >"$OUT"
	start_daemon
	for ((n = 0; n < ${GT_RO_RUNS:-10}; n++)); do
		CTR=ctr-docker-$$-$BATS_TEST_NUMBER-$n dk --read-only -e HOME=/root --tmpfs \
			/gotmp:rw,exec -e GOTMPDIR=/gotmp -- go build -o /dev/null . >/dev/null 2>&1 &&
			{ echo "go build passed"; return 1; }
	done
	wait_json '.type == "exit" and (.container_name // "" | endswith("-'$((${GT_RO_RUNS:-10} - 1))'"))' 20 >/dev/null || true
	sleep 0.3
	stop_daemon
	f=$(jq -cR 'fromjson? | select(.type == "finding" and .path == "/root/.cache")' "$OUT")
	echo "$f" | jq -c '[.container_name, .mount_point, .mount_source, .fix_layer]'
	[ "$(count <<<"$f")" -eq "${GT_RO_RUNS:-10}" ]
	# read in time: the table's facts (overlay at /) or docker's config's, and its layer
	jq -se 'all(select(.container_name) | .mount_point == "/" and .fix_layer == "docker --read-only"
		and (.fix | contains("docker run --tmpfs /gocache:rw,exec -e GOCACHE=/gocache")))' <<<"$f"
	# never a broken sentence nor a guessed layer
	jq -se 'all((.explanation | contains("( at") or contains("at ?") or contains(":ro volume") | not)
		and (.mount_point != null or (.fix_layer == null and
			(.explanation | contains("ended before its mounts could be read")))))' <<<"$f"
}

# Made certain: the daemon stopped from before go's exec until its mount namespace is gone.
# A zombie still shows its cgroup and user namespace: the container and docker's config are
# known, and say the mount; once reaped, not even the container is: the finding says so.
@test "docker: --read-only, the namespace gone before go's exec is read: docker's config, or an honest unknown" {
	asan_skip
	: >"$OUT"
	start_daemon
	rm -f "$MOD/go.now"
	dk --read-only -e HOME=/root --tmpfs /gotmp:rw,exec -e GOTMPDIR=/gotmp -- \
		sh -c 'while [ ! -e go.now ]; do sleep 0.05; done; exec go build -o /dev/null .' \
		>"$T/dk.out" 2>&1 &
	dkpid=$!
	for ((i = 0; i < 200; i++)); do
		[ "$("$DOCKER" inspect -f '{{.State.Running}}' "$CTR" 2>/dev/null)" = true ] && break
		sleep 0.05
	done
	pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$CTR")	# sh, then go: the same pid
	# stopped for as short as it can be: the ring buffer fills on a busy machine
	kill -STOP "$DAEMON_PID"
	touch "$MOD/go.now"
	for ((i = 0; i < 400; i++)); do
		[ -e "/proc/$pid/ns/mnt" ] || break	# exited: its namespaces are gone
		sleep 0.01
	done
	kill -CONT "$DAEMON_PID"
	st=0
	wait "$dkpid" || st=$?
	cat "$T/dk.out"
	[ "$st" -ne 0 ]
	wait_json '.type == "finding" and .path == "/root/.cache"' 20 >/dev/null || true
	stop_daemon
	f=$(jq -cR 'fromjson? | select(.type == "finding" and .path == "/root/.cache")' "$OUT")
	echo "$f"
	[ -n "$f" ]	# jq 1.6 -e passes on no input
	jq -e '.cause == "read_only" and .go_dir == "GOCACHE" and (.explanation | contains("( at") | not)
		and (.explanation | contains("ended before its mounts could be read"))
		and (if .container_name then .mount_source == "container config" and .mount_point == "/"
			and .fix_layer == "docker --read-only"
			and (.explanation | contains("(/, as docker configured the container"))
		else has("mount_point") == false and has("fix_layer") == false
			and (.explanation | contains("on a read-only file system (EROFS)")) end)' <<<"$f"
}

@test "docker: its default seccomp profile refuses a test's kcmp: fixed at --security-opt seccomp" {
	asan_skip
	[ "$(uname -m)" = x86_64 ] || skip "kcmp's number is written for x86_64"
	mkdir -p "$MOD/kc"
	cat >"$MOD/kc/kc_test.go" <<'EOG'
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
EOG
	chmod -R a+rwX "$MOD"
	start_daemon
	run dk -- go test -count=1 ./kc
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"kcmp: operation not permitted"* ]]
	dk_exits >/dev/null
	stop_daemon
	f=$(dk_findings '.cause == "seccomp"')
	echo "$f"
	[ "$(count <<<"$f")" -eq 1 ]
	jq -e '.syscall == "kcmp" and .errno == "EPERM" and .role == "test"
		and (.explanation | contains("docker'"'"'s default"))
		and .fix_layer == "docker --security-opt seccomp"
		and (.fix | contains("docker run --security-opt seccomp="))' <<<"$f"
}
