#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Checked fixes: every proposed directory or setting was examined as the
# refused process meets it, and the test APPLIES the printed fix (as the
# refused user, in the same restricted setup) and reruns the go command: it
# must then pass. Plus the cases where the old templates lied: a plugin on a
# noexec tmpfs under /tmp, HOME=/root on a read-only root, a test writing
# into its root-owned source tree.

load lib

setup() {
	gt_setup
	ensure_gtuser
}

teardown() {
	gt_teardown
	for cg in ${GT_CGROUPS:-}; do rmdir "$cg" 2>/dev/null || true; done
}

# fix_of FINDING: its fix text
fix_of() { jq -r '.fix' <<<"$1"; }

# the "mkdir -p D && export VAR=D" (or "export VAR=D") the fix prints, for VAR
setting_cmd() {
	grep -oE "(mkdir -p [^ ]+ && )?export $2=[^ )]+" <<<"$(fix_of "$1")" | head -n1
}

# assert_checked FINDING: the fix was checked and names the directory it checked
assert_checked() {
	jq -e '.fix_checked == true and (.fix_dir | type == "string")
		and (.fix_dir as $d | .fix | contains($d))' <<<"$1"
}

@test "GOCACHE owned by root: the printed own-GOCACHE works for that user" {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootcache"
	start_daemon
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build -o /dev/null .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "permission" and .go_dir == "GOCACHE"' | head -n1)
	echo "$f"
	assert_checked "$f"
	cmd=$(setting_cmd "$f" GOCACHE)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run "${AS_GT[@]}" sh -c "$cmd && go build -o /dev/null ."
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "GOCACHE on a read-only bind mount: the proposed GOCACHE is writable there" {
	fixture mod
	mkdir "$T/rocache"
	ro='mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1"'
	start_daemon
	run go_cmd unshare -m sh -c "$ro"' && GOCACHE="$1" exec go build -o /dev/null .' \
		sh "$T/rocache"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "read_only" and .go_dir == "GOCACHE"' | head -n1)
	echo "$f"
	assert_checked "$f"
	cmd=$(setting_cmd "$f" GOCACHE)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run unshare -m sh -c "$ro"' && export GOCACHE="$1" && '"$cmd"' && go build -o /dev/null .' \
		sh "$T/rocache"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "HOME=/root on a read-only root: no fix on the same file system; the one given works" {
	fixture mod
	# a private namespace: TMPDIR and /dev/shm stay writable tmpfs, / becomes read-only;
	# root's real cache (make builds with it) is hidden under an empty read-only /root,
	# or a complete cache there would let go build through without writing
	ns='mount -t tmpfs tmpfs "$TMPDIR" && mount -t tmpfs tmpfs /dev/shm &&
		mount -o remount,bind,ro / && mount -t tmpfs -o ro tmpfs /root &&
		export HOME=/root && unset GOCACHE XDG_CACHE_HOME'
	start_daemon
	run go_cmd unshare -m sh -c "$ns"' && exec go build -o "$TMPDIR/m" .'
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "read_only" and .go_dir == "GOCACHE"
		and (.path | startswith("/root/.cache"))' | head -n1)
	echo "$f"
	assert_checked "$f"
	# nothing on the read-only root: not $HOME/.cache, not /var/tmp, not /tmp
	jq -e '(.fix_dir | startswith("/root") or startswith("/var/tmp") or startswith("/tmp") | not)
		and ([.fix_rejected[].path] | index("/var/tmp/go-build-cache-0") != null)
		and ([.fix_rejected[] | select(.path == "/var/tmp/go-build-cache-0") | .why]
			| .[0] | contains("read-only"))' <<<"$f"
	cmd=$(setting_cmd "$f" GOCACHE)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run unshare -m sh -c "$ns"' && '"$cmd"' && go build -o "$TMPDIR/m" .'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "TMPDIR noexec: the proposed GOTMPDIR runs the test binary" {
	fixture mod
	mkdir -p "$T/nx"
	nx='mount -t tmpfs -o noexec tmpfs "$1" && export TMPDIR="$1"'
	start_daemon
	run go_cmd unshare -m sh -c "$nx"' && exec go test .' sh "$T/nx"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "noexec" and .go_dir == "TMPDIR"' | head -n1)
	echo "$f"
	assert_checked "$f"
	cmd=$(setting_cmd "$f" GOTMPDIR)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run unshare -m sh -c "$nx"' && '"$cmd"' && go test .' sh "$T/nx"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "cgo build with TMPDIR full: the proposed TMPDIR has room" {
	command -v gcc >/dev/null || skip "gcc not installed: no cgo"
	fixture cgo
	mkdir -p "$T/full" "$T/work"
	full='mount -t tmpfs -o size=256k tmpfs "$1" && { head -c 300k /dev/zero >"$1/fill"
		2>/dev/null; export TMPDIR="$1" GOTMPDIR="$2"; }'
	start_daemon
	run go_cmd unshare -m sh -c "$full"' && exec go build -o /dev/null .' sh "$T/full" "$T/work"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "no_space" and .go_dir == "TMPDIR"' | head -n1)
	echo "$f"
	assert_checked "$f"
	jq -e --arg T "$T" '.fix_dir | startswith($T + "/full") | not' <<<"$f"
	cmd=$(setting_cmd "$f" TMPDIR)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run unshare -m sh -c "$full"' && '"$cmd"' && go build -o /dev/null .' sh "$T/full" "$T/work"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "GOBIN not writable: the proposed GOBIN takes the install" {
	fixture mod "$GT_USER"
	mkdir -m 0755 "$T/rootbin"
	export GOCACHE=$HOME/gocache
	start_daemon
	GOBIN=$T/rootbin run go_cmd "${AS_GT[@]}" go install .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "permission" and .go_dir == "GOBIN"' | head -n1)
	echo "$f"
	assert_checked "$f"
	cmd=$(setting_cmd "$f" GOBIN)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run "${AS_GT[@]}" sh -c "$cmd"' && go install . && "$GOBIN/m" >/dev/null'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "GOMODCACHE on a read-only mount: the proposed GOMODCACHE takes the download" {
	fixture mod
	mkdir -p "$T/romod" "$T/proxy/example.com/dep/@v"
	echo '{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}' >"$T/proxy/example.com/dep/@v/v1.0.0.info"
	echo 'module example.com/dep' >"$T/proxy/example.com/dep/@v/v1.0.0.mod"
	echo v1.0.0 >"$T/proxy/example.com/dep/@v/list"
	# the module's zip, so the download can succeed once the cache is writable
	python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
	z.writestr("example.com/dep@v1.0.0/go.mod", "module example.com/dep\n")' \
		"$T/proxy/example.com/dep/@v/v1.0.0.zip"
	ro='mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" &&
		export GOPROXY="file://$2" GOMODCACHE="$1/mod"'
	start_daemon
	run go_cmd unshare -m sh -c "$ro"' && exec go mod download example.com/dep@v1.0.0' \
		sh "$T/romod" "$T/proxy"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.go_dir == "GOMODCACHE" and .cause == "read_only"' | head -n1)
	echo "$f"
	assert_checked "$f"
	cmd=$(setting_cmd "$f" GOMODCACHE)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run unshare -m sh -c "$ro"' && '"$cmd"' && go mod download example.com/dep@v1.0.0' \
		sh "$T/romod" "$T/proxy"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "HOME=/ without GOCACHE: the GOCACHE given instead works for that user" {
	fixture mod "$GT_USER"
	unset GOCACHE XDG_CACHE_HOME
	start_daemon
	HOME=/ run go_cmd "${AS_GT[@]}" go build -o /dev/null .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.go_dir == "GOCACHE" and (.path | startswith("/.cache"))' | head -n1)
	echo "$f"
	assert_checked "$f"
	jq -e '(.fix_dir | startswith("/.cache") | not) and (.fix | contains("chown") | not)' <<<"$f"
	cmd=$(setting_cmd "$f" GOCACHE)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	HOME=/ run "${AS_GT[@]}" sh -c "$cmd && go build -o /dev/null ."
	echo "$output"
	rm -rf "$(jq -r .fix_dir <<<"$f")"
	[ "$status" -eq 0 ]
}

@test "low hard RLIMIT_NOFILE: the printed hard limit, set where the job starts, lets it through" {
	fixture mod
	start_daemon
	run go_cmd prlimit --nofile=12:12 go build -o /dev/null .
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "fd_limit"' | head -n1)
	echo "$f"
	jq -e '.fix_checked == true' <<<"$f"
	n=$(grep -oE 'ulimit -Hn [0-9]+' <<<"$(fix_of "$f")" | grep -oE '[0-9]+$')
	echo "applying: prlimit --nofile=$n:$n (where the job starts, as the fix says)"
	[ -n "$n" ]
	# what go starts with: the limits applied and the descriptors it inherits
	run prlimit --nofile="$n:$n" sh -c 'grep "^Max open files" /proc/self/limits
		echo "open descriptors: $(ls /proc/self/fd | wc -l)"; exec go build -o /dev/null .'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "pids cgroup at its limit: raising the named cgroup's pids.max lets the build through" {
	fixture mod
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		cg=/sys/fs/cgroup/gt-fixes-$$-pids
	else
		[ -d /sys/fs/cgroup/pids ] || skip "no pids cgroup"
		cg=/sys/fs/cgroup/pids/gt-fixes-$$
	fi
	mkdir -p "$cg" && GT_CGROUPS="$cg"
	echo 5 >"$cg/pids.max"
	start_daemon
	run go_cmd sh -c 'echo $$ >"$1/cgroup.procs" && exec go build -o /dev/null .' sh "$cg"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "process_limit"' | head -n1)
	echo "$f"
	jq -e '.fix | contains("pids.max")' <<<"$f"
	named=$(jq -r '.cgroup' <<<"$f")
	echo "cgroup named: $named"
	# the fix names the cgroup as the kernel shows it: it is this one
	[[ "$cg" == *"$named" ]]
	echo max >"$cg/pids.max"
	run sh -c 'echo $$ >"$1/cgroup.procs" && exec go build -o /dev/null .' sh "$cg"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "plugin on a noexec tmpfs under /tmp: not TMPDIR, not GOTMPDIR; moving the .so works" {
	command -v gcc >/dev/null || skip "gcc not installed: no cgo, no plugins"
	fixture plugin
	# TMPDIR unset, as in the report: Go's default /tmp holds the noexec mount
	unset TMPDIR
	# plugins rebuild the standard library for -dynlink: keep that cache across runs
	GOCACHE=/var/cache/gotraced-test/fixes-gocache/$(go env GOVERSION)
	mkdir -p "$GOCACHE"
	export GOCACHE
	go build -buildmode=plugin -o "$T/plug.so" ./plug
	go test -c -o /dev/null . # the test binary too, before the daemon
	mkdir "$T/nx"
	nx='mount -t tmpfs -o noexec tmpfs "$1" && cp "$2" "$1/plug.so"'
	start_daemon
	run go_cmd unshare -m sh -c "$nx"' && GT_PLUGIN="$1/plug.so" exec go test .' \
		sh "$T/nx" "$T/plug.so"
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "noexec" and (.path == $T + "/nx/plug.so")' | head -n1)
	echo "$f"
	jq -e '.go_dir == null and .role == "test" and .errno == "EPERM"
		and (.syscall | test("^mmap|mprotect$"))
		and (.explanation | contains("plugin")) and (.explanation | contains("$WORK") | not)
		and (.fix | contains("GOTMPDIR") | not) and (.fix | contains("remount"))' <<<"$f"
	assert_checked "$f"
	cmd=$(grep -oE '(mkdir -p [^ ]+ && )?cp [^ ]+ [^ ]+/' <<<"$(fix_of "$f")" | head -n1)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	dir=$(jq -r .fix_dir <<<"$f")
	run unshare -m sh -c "$nx"' && '"$cmd"' && GT_PLUGIN="$3/plug.so" go test .' \
		sh "$T/nx" "$T/plug.so" "$dir"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "test writing into its root-owned GOPATH source tree: a writable copy, not a chown" {
	mkdir -p "$T/gocode/src/example.com"
	cp -r "$GT_ROOT/tests/fixtures/srctree" "$T/gocode/src/example.com/srctree"
	chmod -R a+rX,go-w "$T/gocode"
	pkg=$T/gocode/src/example.com/srctree
	export GOCACHE=$HOME/gocache GO111MODULE=off GOPATH=$T/gocode
	cd "$pkg"
	start_daemon
	run go_cmd "${AS_GT[@]}" go test .
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.role == "test" and .go_dir == "module"' | head -n1)
	echo "$f"
	jq -e --arg p "$pkg" '.cause == "permission" and .go_dir_path == $p
		and (.explanation | contains("source tree"))
		and (.fix | contains("chown") | not) and (.fix | contains("cp -r " + $p))' <<<"$f"
	assert_checked "$f"
	cmd=$(sed -nE 's/.*GOPATH of your own: (.*) \(or run them.*/\1/p' <<<"$(fix_of "$f")")
	echo "applying: $cmd"
	[ -n "$cmd" ]
	run "${AS_GT[@]}" sh -c "$cmd"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "program a test runs from a noexec mount: its own explanation; moving it works" {
	fixture runprog
	mkdir "$T/nx"
	nx='mount -t tmpfs -o noexec tmpfs "$1" && cp /bin/true "$1/prog"'
	start_daemon
	run go_cmd unshare -m sh -c "$nx"' && GT_PROG="$1/prog" exec go test .' sh "$T/nx"
	echo "$output"
	[ "$status" -ne 0 ]
	wait_go_exits
	stop_daemon
	f=$(the_finding '.cause == "noexec" and .path == $T + "/nx/prog"' | head -n1)
	echo "$f"
	jq -e '.go_dir == null and .role == "test" and .syscall == "execve"
		and (.explanation | contains("$WORK") | not)
		and (.fix | contains("GOTMPDIR") | not) and (.fix | contains("remount"))' <<<"$f"
	assert_checked "$f"
	cmd=$(grep -oE '(mkdir -p [^ ]+ && )?cp [^ ]+ [^ ]+/' <<<"$(fix_of "$f")" | head -n1)
	echo "applying: $cmd"
	[ -n "$cmd" ]
	dir=$(jq -r .fix_dir <<<"$f")
	run unshare -m sh -c "$nx"' && '"$cmd"' && GT_PROG="$2/prog" go test .' sh "$T/nx" "$dir"
	echo "$output"
	[ "$status" -eq 0 ]
}
