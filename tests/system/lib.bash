#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers for the system tests: start/stop the real daemon, run real Go
# commands (recording their pids), and query the JSON lines it wrote.

GT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
GOTRACED=${GOTRACED:-$GT_ROOT/gotraced}
FIXTURE=$GT_ROOT/tests/fixtures/mod
GT_USER=gtuser

# The Go release under test, from tests/go-releases: GT_GO=1.NN (default
# 1.19, the machine's own). Its bin goes first in PATH for every test.
GT_GO=${GT_GO:-1.19}
GT_GOROOT=$("$GT_ROOT/tools/go-releases.sh" --goroot "$GT_GO") || GT_GOROOT=/nonexistent
GT_GOCACHES=${GT_GOCACHES:-/var/cache/gotraced-test/gocache}
case ":$PATH:" in *":$GT_GOROOT/bin:"*) ;; *) PATH=$GT_GOROOT/bin:$PATH ;; esac
export GT_GO GT_GOROOT PATH

bats_require_minimum_version 1.5.0

# Per test: a world-traversable scratch dir $T (bats' own tmp dirs are 0700,
# so the unprivileged test user could not reach a module copied there).
gt_setup() {
	[ "$(id -u)" = 0 ] || skip "system tests need root"
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux)"
	[ -x "$GOTRACED" ] || skip "gotraced not built ($GOTRACED); run make gotraced"
	# make deps fetches the releases the suite uses: a missing one fails
	if [ ! -x "$GT_GOROOT/bin/go" ]; then
		echo "Go $GT_GO not found ($GT_GOROOT): run make deps, or tools/go-releases.sh $GT_GO"
		return 1
	fi
	build_warm_gocache || return 1
	T=$(mktemp -d /tmp/gt-sys.XXXXXX)
	chmod 0755 "$T"
	OUT=$BATS_TEST_TMPDIR/out.json
	ERR=$BATS_TEST_TMPDIR/err.log
	GT_GOPIDS=$T/gopids
	: >"$GT_GOPIDS"
	DAEMON_PID=
	gt_go_env
	BPF_BEFORE=$(gt_bpf_prog_ids)
	export T OUT ERR GT_GOPIDS
}

gt_teardown() {
	if [ -n "${DAEMON_PID:-}" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -KILL "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	local p
	for p in ${GT_BG_PIDS:-}; do kill -KILL "$p" 2>/dev/null || true; done
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		# mounts made by tests live in private namespaces; be safe anyway
		grep -F " $T" /proc/self/mounts | awk '{print $2}' | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null || true; done
		rm -rf "$T"
	fi
	# a failed test that did not print it itself: show the daemon's stderr
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -s "${ERR:-/nonexistent}" ]; then
		sed 's/^/# err.log: /' "$ERR" >&3 2>/dev/null || true
	fi
}

# Go environment hygiene: no proxy, no toolchain switching, private dirs. GOCACHE starts as a copy of the release's warm cache
# (fresh_gocache for a test about an empty one).
gt_go_env() {
	unset GOFLAGS GOTMPDIR GOPATH GOMODCACHE GOBIN GOENV XDG_CACHE_HOME XDG_CONFIG_HOME GOROOT
	export GOPROXY=off GO111MODULE=on GOSUMDB=off GOTOOLCHAIN=local
	export HOME=$T/home GOCACHE=$T/gocache TMPDIR=$T/tmp
	mkdir -p "$HOME" "$TMPDIR"
	chmod 1777 "$TMPDIR"
	chmod 0777 "$HOME"
	warm_gocache "$GOCACHE"
}

# use_go_since MINOR: a test of a behaviour Go 1.MINOR introduced runs with
# the release under test when it has it, else with 1.MINOR itself (or the
# next release tests/go-releases lists), its own warm GOCACHE included.
use_go_since() {
	local want=$1 v
	if [ "${GT_GO#1.}" -ge "$want" ]; then
		return 0
	fi
	for v in $(awk '$1 !~ /^#/ && NF { print $1 }' "$GT_ROOT/tests/go-releases"); do
		[ "${v#1.}" -ge "$want" ] && break
	done
	GT_GO=$v
	GT_GOROOT=$("$GT_ROOT/tools/go-releases.sh" --goroot "$GT_GO")
	if [ ! -x "$GT_GOROOT/bin/go" ]; then
		echo "Go $GT_GO not found ($GT_GOROOT): run make deps, or tools/go-releases.sh $GT_GO"
		return 1
	fi
	PATH=$GT_GOROOT/bin:$PATH
	export GT_GO GT_GOROOT PATH
	build_warm_gocache && warm_gocache "$GOCACHE"
}

# fresh_gocache: an empty GOCACHE (from Go 1.20 on, std is compiled into it)
fresh_gocache() {
	rm -rf "$GOCACHE"
}

# gt_go_version: the release's full version, e.g. go1.27.4
gt_go_version() { head -n1 "$GT_GOROOT/VERSION"; }

# The release's warm GOCACHE. From Go 1.20 std is not precompiled: a fresh
# cache makes every test compile it (minutes on a busy machine). It is built
# once per release (the fixtures built, vetted, tested with -race and -cover,
# run) under $GT_GOCACHES, keyed by the full version; each test gets a
# hard-linked copy (Go writes cache files anew, never in place; trim.txt,
# rewritten in place, is copied).
build_warm_gocache() {
	local ver warm tmp
	ver=$(gt_go_version) || return 1
	warm=$GT_GOCACHES/$ver
	if [ ! -d "$warm" ]; then
		mkdir -p "$GT_GOCACHES"
		(
			flock 8
			[ -d "$warm" ] && exit 0
			echo "# building the warm GOCACHE of $ver in $warm (once)" >&3
			tmp=$(mktemp -d "$GT_GOCACHES/.new-$ver.XXXXXX")
			cp -r "$GT_ROOT/tests/fixtures/." "$tmp/src"
			mkdir -p "$tmp/home"
			(
				export GOCACHE=$tmp/cache HOME=$tmp/home TMPDIR=/tmp GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOSUMDB=off
				cd "$tmp/src/mod" && go build -o /dev/null . && go vet . && go test . >/dev/null &&
					go test -cover . >/dev/null && go test -race . >/dev/null && go run . >/dev/null &&
					cd ../cgo && go build . && go test . >/dev/null &&
					cd ../sys && go vet . && go test -c -o /dev/null . &&
					cd ../oom && go test -c -o /dev/null .
			) >&3 2>&1 || { rm -rf "$tmp"; exit 1; }
			chmod -R a+rX "$tmp/cache"
			mv "$tmp/cache" "$warm"
			rm -rf "$tmp"
		) 8>"$GT_GOCACHES/.lock" || { echo "warming the GOCACHE of $ver failed"; return 1; }
	fi
}

# warm_gocache DIR: DIR becomes a copy of the release's warm GOCACHE (hard
# links: chown or chmod of its files reaches the warm one; cp -a for that)
warm_gocache() {
	local dst=$1 warm
	warm=$GT_GOCACHES/$(gt_go_version) || return 1
	rm -rf "$dst"
	cp -al "$warm" "$dst"
	if [ -e "$warm/trim.txt" ]; then
		rm -f "$dst/trim.txt"
		cp "$warm/trim.txt" "$dst/trim.txt"
	fi
}

# root may map 100000-165535 (newuidmap checks /etc/subuid, /etc/subgid), as for gtuser
ensure_root_subids() {
	local f
	for f in /etc/subuid /etc/subgid; do
		grep -q '^root:100000:65536$' "$f" 2>/dev/null ||
			flock "$f" sh -c "grep -q '^root:100000:65536\$' $f || echo root:100000:65536 >>$f"
	done
	command -v newuidmap >/dev/null || skip "newuidmap not installed (uidmap, make deps)"
}

ensure_gtuser() {
	id "$GT_USER" >/dev/null 2>&1 || useradd -m "$GT_USER" >/dev/null 2>&1 ||
		id "$GT_USER" >/dev/null 2>&1 || skip "cannot create user $GT_USER"
}

# copy_module [OWNER]: fresh copy of the fixture module in $T/mod
copy_module() {
	MOD=$T/mod
	rm -rf "$MOD"
	cp -r "$FIXTURE" "$MOD"
	chmod -R a+rX "$MOD"
	[ -z "${1:-}" ] || chown -R "$1:" "$MOD"
	export MOD
}

# "${AS_GT[@]}" CMD...: run CMD as the unprivileged test user (same pid, same env)
# shellcheck disable=SC2034 # used by the .bats files
AS_GT=(setpriv --reuid="$GT_USER" --regid="$GT_USER" --clear-groups --)

# go_cmd CMD...: run CMD (which must exec go in the same pid, e.g. through
# setpriv, unshare without --fork, sh -c 'exec go ...') and record that pid.
go_cmd() {
	sh -c 'echo $$ >>"$GT_GOPIDS"; exec "$@"' go_cmd "$@"
}

gt_bpf_prog_ids() {
	bpftool -j prog show 2>/dev/null |
		jq -r '.[] | select((.name // "") | startswith("gt_")) | .id' 2>/dev/null | sort -n || true
}

# BPF program ids some live process holds (a prog or link fd), from fdinfo
gt_held_prog_ids() {
	grep -hs '^prog_id:' /proc/[0-9]*/fdinfo/* | awk '{print $2}' | sort -un || true
}

# assert_no_new_bpf_progs: no gt_* program loaded since the test began remains
# without a live holder (another gotraced running meanwhile keeps its own; the
# kernel frees programs asynchronously after the last fd closes: poll 3 s)
assert_no_new_bpf_progs() {
	local i new
	for ((i = 0; i < 30; i++)); do
		new=$(comm -13 <(echo "$BPF_BEFORE" | sort) <(gt_bpf_prog_ids | sort) |
			comm -23 - <(gt_held_prog_ids | sort) | grep . || true)
		[ -z "$new" ] && return 0
		sleep 0.1
	done
	echo "gt_* BPF programs left behind, held by no process: $new"
	bpftool prog show | grep -A2 ' gt_' || true
	return 1
}

# wait_for_line FILE REGEX TIMEOUT_S [PID]: poll FILE for a line
wait_for_line() {
	local file=$1 re=$2 t=$3 pid=${4:-} i
	for ((i = 0; i < t * 20; i++)); do
		grep -qE "$re" "$file" 2>/dev/null && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			echo "process $pid exited before '$re' appeared in $file"
			return 1
		fi
		sleep 0.05
	done
	echo "timeout (${t}s) waiting for '$re' in $file"
	return 1
}

# start_daemon ARGS...: JSON (or text) on stdout -> $OUT, stderr -> $ERR.
# Machine-wide as root the daemon serves /run/gotraced/events.sock by default;
# test daemons run alongside others' (and a developer's own) on this machine,
# so they take no socket unless ARGS name one (or GT_DEFAULT_SOCKET=1, for the
# tests of the default, which run in a mount namespace of their own).
start_daemon() {
	local a no_sock=--no-socket
	for a in "$@"; do
		case $a in --socket* | --no-socket | --config*) no_sock= ;; esac
	done
	[ -z "${GT_DEFAULT_SOCKET:-}" ] || no_sock=
	"$GOTRACED" $no_sock "$@" >"$OUT" 2>"$ERR" &
	DAEMON_PID=$!
	if ! wait_for_line "$ERR" '^gotraced: ready' 20 "$DAEMON_PID"; then
		cat "$ERR"
		return 1
	fi
}

# stop_daemon: SIGTERM, wait (10 s at most), assert exit status 0
stop_daemon() {
	local i st=0
	if ! kill -TERM "$DAEMON_PID" 2>/dev/null; then
		wait "$DAEMON_PID" || st=$?
		echo "gotraced (pid $DAEMON_PID) died before SIGTERM (status $st) at $(date +%T); status 0 means some other process signalled it (pkill?)"
		DAEMON_PID=
		cat "$ERR"
		return 1
	fi
	for ((i = 0; i < 200; i++)); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$DAEMON_PID" 2>/dev/null; then
		echo "gotraced did not exit within 10 s of SIGTERM"
		kill -KILL "$DAEMON_PID"
		wait "$DAEMON_PID" || true
		DAEMON_PID=
		return 1
	fi
	wait "$DAEMON_PID" || st=$?
	DAEMON_PID=
	if [ "$st" != 0 ]; then
		echo "gotraced exited $st after SIGTERM"
		cat "$ERR"
		return 1
	fi
}

# assert_json_lines [FILE]: every line of FILE is one JSON object
assert_json_lines() {
	local f=${1:-$OUT} n=0 line
	while IFS= read -r line; do
		n=$((n + 1))
		if ! jq -e 'type == "object"' >/dev/null 2>&1 <<<"$line"; then
			echo "line $n of $f is not a JSON object: $line"
			return 1
		fi
	done <"$f"
}

# jsel FILTER: the JSON lines of $OUT (compact) for which FILTER is true
jsel() {
	jq -cR --arg T "$T" "fromjson? | select($1)" "$OUT"
}

# findings [FILTER]: findings, optionally narrowed by FILTER
findings() {
	jsel ".type == \"finding\" and (${1:-true})"
}

# our_go FILTER: events whose go_pid is one of the pids go_cmd recorded
gopids_json() { jq -s -c . "$GT_GOPIDS"; }
ours() {
	jq -cR --arg T "$T" --argjson P "$(gopids_json)" \
		"fromjson? | select((.go_pid as \$g | \$P | index(\$g)) and ($1))" "$OUT"
}

count() { grep -c . || true; }

# wait_json FILTER TIMEOUT_S: poll $OUT until a line matches FILTER
wait_json() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -n "$(jsel "$1" | head -n1)" ] && return 0
		sleep 0.1
	done
	echo "timeout (${2}s) waiting for a line matching: $1"
	return 1
}

# wait_go_exits [PID...]: wait (10 s each) for the exit event of go commands
wait_go_exits() {
	local p
	# shellcheck disable=SC2048 # pids: split on purpose
	for p in ${*:-$(cat "$GT_GOPIDS")}; do
		wait_json ".type == \"exit\" and .go_pid == $p" 10 || true
	done
}

# show what the daemon wrote (printed by bats only when the test fails)
dump_out() {
	echo "--- gotraced output ($OUT):"
	cat "$OUT" 2>/dev/null || true
	echo "--- gotraced stderr:"
	cat "$ERR" 2>/dev/null || true
}

# fixture NAME [OWNER]: fresh copy of tests/fixtures/NAME in $T/NAME, and cd there
fixture() {
	rm -rf "${T:?}/$1"
	cp -r "$GT_ROOT/tests/fixtures/$1" "$T/$1"
	chmod -R a+rX "$T/$1"
	[ -z "${2:-}" ] || chown -R "$2:" "$T/$1"
	cd "$T/$1"
}

# the_finding FILTER: the findings of our go commands matching FILTER, printed; fails if none
the_finding() {
	local f
	f=$(ours ".type == \"finding\" and ($1)")
	echo "$f"
	[ -n "$f" ]
}

# cgroup_limit KIND FILE VALUE: a fresh cgroup (v2, or the v1 KIND hierarchy) with a
# limit; the caller's teardown removes $GT_CGROUPS
cgroup_limit() {
	local cg
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		cg=/sys/fs/cgroup/gt-test-$$-$1
		mkdir -p "$cg" || return 1
		[ -f "$cg/$2" ] || { rmdir "$cg"; return 1; }
	else
		[ -d "/sys/fs/cgroup/$1" ] || return 1
		cg=/sys/fs/cgroup/$1/gt-test-$$
		mkdir -p "$cg" || return 1
	fi
	echo "$3" >"$cg/$2" || return 1
	GT_CGROUPS="${GT_CGROUPS:-} $cg"
	CG=$cg
}
