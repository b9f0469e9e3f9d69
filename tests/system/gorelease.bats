#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Behaviours of one Go release (src/gorelease.c), each on the release that
# introduced it (use_go_since) or the release under test if newer (GT_GO).

load lib

HELPERS=$GT_ROOT/.output/helpers

setup() {
	gt_setup
	[ -x "$HELPERS/gt-seccomp" ] || skip "helpers not built (make)"
}

teardown() { gt_teardown; }

@test "pidfd_open refused with EPERM (Go 1.23+): go test passes, zero findings" {
	use_go_since 23
	fixture mod
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" errno:EPERM pidfd_open -- go test .
	echo "$output"
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	[ "$(ours '.type == "finding"' | count)" -eq 0 ]
	jq -e --arg v "$(gt_go_version)" '.exit_code == 0 and .findings == 0 and .go_version == $v' \
		<<<"$(ours '.type == "exit"')"
}

@test "pidfd_open killed by the filter: SIGSYS, a seccomp finding naming pidfd_open" {
	use_go_since 23
	fixture mod
	start_daemon
	run go_cmd "$HELPERS/gt-seccomp" kill pidfd_open -- go test .
	echo "$output"
	# the go command's own probe is the first call: go itself dies of SIGSYS
	[ "$status" -eq $((128 + 31)) ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	f=$(the_finding '.cause == "seccomp" and .syscall == "pidfd_open"' | head -n1)
	[ -n "$f" ]
	jq -e --arg v "$(gt_go_version)" '.seccomp_action == "kill" and .go_version == $v' <<<"$f"
	jq -e '.signal == "SIGSYS" and .verdict.cause == "seccomp"
		and (.verdict.note | contains("bad system call"))' <<<"$(ours '.type == "exit"')"
}

@test "faccessat2 refused with EPERM (Go 1.20+): the go command's LookPath falls back, zero findings" {
	use_go_since 21
	fixture mod
	start_daemon
	# go build looks up gcc/git with exec.LookPath: faccessat2 under the filter
	run go_cmd "$HELPERS/gt-seccomp" errno:EPERM faccessat2 -- go build -o "$T/m" .
	echo "$output"
	[ "$status" -eq 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	[ "$(ours '.type == "finding"' | count)" -eq 0 ]
	[ -n "$(ours '.type == "exit" and .exit_code == 0')" ]
}

@test "telemetry sidecar (Go 1.23+): not a go command of its own, no exit event" {
	use_go_since 23
	fixture mod
	# run mode: everything in $OUT is this go build's tree
	run timeout 120 "$GOTRACED" -v -o "$OUT" -- go build -o "$T/m" .
	echo "$output"
	[ "$status" -eq 0 ]
	assert_json_lines
	cat "$OUT"
	# the sidecar did run: gotraced saw its exec
	[[ "$output" == *"telemetry sidecar"* ]]
	[ "$(jq -c 'select(.type == "exit")' "$OUT" | count)" -eq 1 ]
	jq -e --arg v "$(gt_go_version)" 'select(.type == "exit") |
		.go_argv == ["go","build","-o",($T + "/m"),"."] and .go_version == $v' --arg T "$T" "$OUT"
	[ "$(jq -c 'select(.go_argv != null and (.go_argv | index("** telemetry **")))' "$OUT" | count)" -eq 0 ]
	[ "$(jq -c 'select(.type == "finding")' "$OUT" | count)" -eq 0 ]
}

@test "unwritable HOME (Go 1.23+): the telemetry dir is absorbed, the GOCACHE refusal named" {
	use_go_since 23
	fixture mod
	mkdir -m 0755 "$T/roothome"
	start_daemon
	unset GOCACHE
	HOME=$T/roothome run go_cmd "${AS_GT[@]}" go build .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	the_finding '.go_dir == "GOCACHE" and (.path | startswith($T + "/roothome/.cache"))'
	# go goes on without its telemetry counters: ~/.config is no finding
	[ "$(ours '.type == "finding" and (.path | startswith($T + "/roothome/.config"))' | count)" -eq 0 ]
}

@test "unwritable GOCACHE (Go 1.20+): even hello world fails, std is built there; the note quotes go" {
	use_go_since 21
	fixture mod
	mkdir -m 0755 "$T/rootcache"
	start_daemon
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build -o /dev/null .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	f=$(the_finding '.cause == "permission" and .go_dir == "GOCACHE"' | head -n1)
	[ -n "$f" ]
	jq -e --arg v "$(gt_go_version)" '.go_version == $v' <<<"$f"
	jq -e '.verdict.go_dir == "GOCACHE" and (.verdict.note | contains("names the cache file"))' \
		<<<"$(ours '.type == "exit"')"
}

@test "go run's cached executable (Go 1.24+) on a noexec GOCACHE: the second run fails, noexec on GOCACHE, the fix works" {
	use_go_since 24
	fixture mod
	# the first run builds the executable (run from $WORK) and caches it
	run go run .
	echo "$output"
	[ "$status" -eq 0 ]
	nx='mount --bind "$GOCACHE" "$GOCACHE" && mount -o remount,bind,noexec "$GOCACHE"'
	start_daemon
	run go_cmd unshare -m sh -c "$nx"' && exec go run .'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"fork/exec $GOCACHE/"*"-d/"*": permission denied"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	f=$(the_finding '.syscall == "execve" and .cause == "noexec" and .go_dir == "GOCACHE"' | head -n1)
	[ -n "$f" ]
	jq -e --arg C "$GOCACHE" --arg v "$(gt_go_version)" '(.path | startswith($C + "/"))
		and (.path | test("-d/[^/]+$")) and .go_version == $v and .fix_checked
		and (.explanation | contains("go run or go tool cached")) and (.fix | contains("GOCACHE="))' <<<"$f"
	jq -e '.verdict.cause == "noexec" and (.verdict.note | contains("fork/exec GOCACHE"))' \
		<<<"$(ours '.type == "exit"')"
	# the printed GOCACHE, in the same noexec setup, lets go run through
	cmd=$(jq -r .fix <<<"$f" | grep -oE "(mkdir -p [^ ]+ && )?export GOCACHE=[^ )]+" | head -n1)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	# seeded with the warm cache (std is built into it): the second go run executes from there
	d=$(jq -r .fix_dir <<<"$f")
	mkdir -p "$(dirname "$d")" && warm_gocache "$d"
	run unshare -m sh -c "$nx"' && '"$cmd"' && go run . && go run .'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "GOMAXPROCS probe of an unreadable cgroup (Go 1.25+): absorbed; a failing build's one finding is GOCACHE" {
	use_go_since 25
	ensure_gtuser
	fixture mod
	mkdir -m 0755 "$T/rootcache"
	start_daemon
	# every Go program reads its cgroup's CPU limit at start: here it cannot search /sys/fs/cgroup
	run go_cmd unshare -m sh -c 'mount -t tmpfs -o mode=0700 tmpfs /sys/fs/cgroup &&
		GOCACHE="$1" exec setpriv --reuid="$2" --regid="$2" --clear-groups -- go build -o /dev/null .' \
		sh "$T/rootcache" "$GT_USER"
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	the_finding '.cause == "permission" and .go_dir == "GOCACHE"'
	[ "$(ours '.type == "finding" and (.go_dir != "GOCACHE")' | count)" -eq 0 ]
	# the probe was made and refused: counted as absorbed
	jq -e '.absorbed > 0 and .findings == 1' <<<"$(ours '.type == "exit"')"
}

@test "git's dubious ownership: go says exit status 128, the finding has git's own message and the fix" {
	command -v git >/dev/null || skip "git not installed"
	ensure_gtuser
	fixture mod "$GT_USER"
	"${AS_GT[@]}" git init -q .
	"${AS_GT[@]}" git add .
	"${AS_GT[@]}" git -c user.email=gt@example.com -c user.name=gt commit -qm init
	start_daemon
	# root builds a checkout gtuser owns: git refuses it, go hides why
	run go_cmd go build -o "$T/m" .
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"error obtaining VCS status: exit status 128"* ]]
	[[ "$output" != *"dubious ownership"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	f=$(the_finding '.cause == "tool_failed"' | head -n1)
	[ -n "$f" ]
	jq -e --arg T "$T" --arg v "$(gt_go_version)" '.exit_status == 128 and .tool_argv[0] == "git"
		and (.tool_stderr | contains("detected dubious ownership"))
		and (.fix | contains("safe.directory " + $T + "/mod")) and (.fix | contains("-buildvcs=false"))
		and .go_version == $v' <<<"$f"
	jq -e '.verdict.cause == "tool_failed" and (.verdict.note | contains("exit status 128"))' \
		<<<"$(ours '.type == "exit"')"
}

@test "a helper failing under a passing go command is no finding (go absorbed it)" {
	command -v git >/dev/null || skip "git not installed"
	fixture mod
	git init -q .
	start_daemon
	# a repository without commits: git log fails, go builds anyway without VCS stamps
	run go_cmd go build -buildvcs=auto -o "$T/m" .
	echo "$output"
	wait_go_exits
	stop_daemon
	dump_out
	[ "$status" -eq 0 ] || skip "this go fails in a repository without commits"
	[ "$(ours '.type == "finding"' | count)" -eq 0 ]
}

# toolchain_proxy DIR VERSION: a GOPROXY=file:// tree serving golang.org/toolchain
# VERSION for this machine, its zip holding another installed release's go
toolchain_proxy() {
	local dir=$1 ver=$2 src
	src=$("$GT_ROOT/tools/go-releases.sh" --goroot "$3")
	python3 - "$dir" "v0.0.1-$ver.$(go env GOOS)-$(go env GOARCH)" "$src" <<'PY'
import json, os, sys, zipfile
d, ver, root = sys.argv[1] + "/golang.org/toolchain/@v", sys.argv[2], sys.argv[3]
os.makedirs(d, exist_ok=True)
pre = "golang.org/toolchain@" + ver + "/"
tool = os.path.join("pkg/tool", os.listdir(os.path.join(root, "pkg/tool"))[0])
with zipfile.ZipFile(os.path.join(d, ver + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
    # what go checks after unpacking: bin/go, bin/gofmt, pkg/tool, lib
    for f in ["bin/go", "bin/gofmt", "VERSION", os.path.join(tool, "cover")]:
        z.write(os.path.join(root, f), pre + f)
    # a lib dir, as real toolchain zips have (lib/wasm): Go 1.27 walks it after unpacking
    z.writestr(pre + "lib/README", "gotraced test toolchain\n")
    z.writestr(pre + "go.mod", "module golang.org/toolchain\n")
open(os.path.join(d, ver + ".mod"), "w").write("module golang.org/toolchain\n")
open(os.path.join(d, ver + ".info"), "w").write(json.dumps({"Version": ver, "Time": "2026-01-01T00:00:00Z"}))
open(os.path.join(d, "list"), "w").write(ver + "\n")
PY
}

@test "toolchain switch (Go 1.21+) from a local GOPROXY into a noexec GOMODCACHE: noexec finding, go names no file" {
	command -v python3 >/dev/null || skip "python3 not installed (builds the module zip)"
	use_go_since 21
	fixture mod
	# switch to the newest listed release, or from it to 1.23
	local to=1.27
	[ "$GT_GO" != 1.27 ] || to=1.23
	want=$(head -n1 "$("$GT_ROOT/tools/go-releases.sh" --goroot "$to")/VERSION")
	toolchain_proxy "$T/proxy" "$want" "$to"
	mkdir "$T/nxmc"
	start_daemon
	# offline: GOSUMDB=off lets go take the toolchain zip without the checksum database
	run go_cmd unshare -m sh -c 'mount -t tmpfs -o noexec tmpfs "$1" &&
		GOMODCACHE="$1" GOPROXY="file://$2" GOSUMDB=off GOTOOLCHAIN="$3" exec go build -o /dev/null .' \
		sh "$T/nxmc" "$T/proxy" "$want"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"exec $want: permission denied"* ]]
	wait_go_exits
	stop_daemon
	dump_out
	assert_json_lines
	f=$(the_finding '.syscall == "execve" and .cause == "noexec" and .go_dir == "GOMODCACHE"' | head -n1)
	[ -n "$f" ]
	jq -e --arg T "$T" '.path | startswith($T + "/nxmc/golang.org/toolchain@")' <<<"$f"
	jq -e '.verdict.cause == "noexec" and (.verdict.note | contains("names neither the file"))' \
		<<<"$(ours '.type == "exit"')"
}
