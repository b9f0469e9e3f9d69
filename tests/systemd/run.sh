#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make test-systemd: gotraced.service under a real systemd. Boots a Debian
# bookworm tree (tests/systemd/mkroot.sh) with systemd-nspawn, systemd as the
# container's PID 1 on the host's kernel, the unit installed by
# `make install DESTDIR=... PREFIX=/usr` and enabled; then checks from the
# host that it reports ready only once attached, that it explains a failing
# `go test` run inside, and that `systemctl stop` leaves nothing attached.
# Ends with
#   systemd: N passed, N failed, N skipped
# Keeps the container's journal and gotraced's JSON in .output/systemd/.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/.output/systemd
root=$out/root
unit=gotraced.service
mkdir -p "$out"

pass=0 fail=0
skip_all() {
	echo "# systemd tests skipped: $*" >&2
	echo "systemd: 0 passed, 0 failed, 1 skipped"
	exit 0
}
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) $1"; }
ko() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) $1"
	shift
	for l in "$@"; do echo "#   $l"; done
}

[ "$(id -u)" = 0 ] || skip_all "need root (debootstrap, systemd-nspawn, BPF)"
for c in systemd-nspawn debootstrap nsenter bpftool jq go; do
	command -v "$c" >/dev/null || skip_all "$c not installed (make deps)"
done
[ -r /sys/kernel/btf/vmlinux ] || skip_all "no kernel BTF"
[ -x "$top/gotraced" ] || skip_all "gotraced not built (make)"
"$here/mkroot.sh" || skip_all "debootstrap failed (no Debian mirror?): $out/debootstrap.log"

# the host's Go, read-only at the same paths (its src/ is a symlink into share/)
goroot=$(go env GOROOT)
goshare=$(dirname "$(readlink -f "$goroot/src")")

# this checkout's daemon, unit and config, as a package would install them
rm -f "$root/etc/gotraced/gotraced.conf"
if ! make -s -C "$top" install DESTDIR="$root" PREFIX=/usr >"$out/install.log" 2>&1; then
	# a broken install is a failure of ours, not a missing tool
	cat "$out/install.log" >&2
	echo "systemd: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
systemctl --root="$root" enable "$unit" >/dev/null 2>&1

# Without a systemd on the host, nspawn keeps to the cgroup it is started in:
# give it its own, in each hierarchy, so it never touches the host's root.
cgdirs=()
scope=()
if [ -d /run/systemd/system ]; then
	scope=(systemd-run --scope -q --)
else
	cg=gotraced-systemd-test.$$
	for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
		[ -f "$h/cgroup.procs" ] && cgdirs+=("$h/$cg")
	done
	[ ${#cgdirs[@]} -eq 0 ] && [ -f /sys/fs/cgroup/cgroup.procs ] && cgdirs+=("/sys/fs/cgroup/$cg")
fi

npid=
cleanup() {
	if [ -n "$npid" ] && kill -0 "$npid" 2>/dev/null; then
		kill -TERM "$npid"	# nspawn: halt the container
		for _ in $(seq 30); do kill -0 "$npid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$npid" 2>/dev/null
		wait "$npid" 2>/dev/null
	fi
	for d in "${cgdirs[@]}"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
}
trap cleanup EXIT

# --volatile=overlay: every boot starts from the cached tree, changes vanish.
# --system-call-filter: nspawn's own filter refuses bpf() otherwise.
# /run/host-proc: the host's /proc, for the drop-in of the noexec case below.
start=$(date +%s%N)
(
	for d in "${cgdirs[@]}"; do
		mkdir -p "$d" && echo "$BASHPID" >"$d/cgroup.procs"
	done
	exec "${scope[@]}" systemd-nspawn -D "$root" --register=no --keep-unit \
		--volatile=overlay --capability=all \
		--system-call-filter='bpf perf_event_open' \
		--bind-ro="$goroot" --bind-ro="$goshare" --bind-ro=/proc:/run/host-proc \
		-b --console=pipe </dev/null >"$out/nspawn.log" 2>&1
) &
npid=$!

# the container's PID 1, as the host sees it
leader=
for _ in $(seq 100); do
	for p in $(pgrep -P "$npid"); do
		[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$p/status" 2>/dev/null)" = 1 ] && leader=$p
	done
	[ -n "$leader" ] && break
	kill -0 "$npid" 2>/dev/null || break
	sleep 0.2
done
[ -n "$leader" ] || { cat "$out/nspawn.log" >&2; skip_all "systemd-nspawn did not start a container here"; }

ct() { nsenter -t "$leader" -a -- "$@"; }
prop() { ct systemctl show -p "$1" --value "$unit"; }

# host pid of a pid of the container
host_pid() {
	local ns p
	ns=$(readlink "/proc/$leader/ns/pid")
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
		if [ "$(awk '/^NSpid:/ {print $NF}' "$p/status" 2>/dev/null)" = "$1" ]; then
			echo "${p#/proc/}"
			return 0
		fi
	done
	return 1
}

# pids of the container's processes named $1
ct_pgrep() {
	local ns p
	ns=$(readlink "/proc/$leader/ns/pid")
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] &&
			[ "$(cat "$p/comm" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}

# BPF objects a host pid holds: "prog ID", "link ID", "map ID" lines
held=
bpf_held() {
	local fd t
	for fd in /proc/"$1"/fd/*; do
		t=$(readlink "$fd" 2>/dev/null) || continue
		case $t in
		anon_inode:bpf-prog) sed -n 's/^prog_id:[[:space:]]*/prog /p' "/proc/$1/fdinfo/${fd##*/}" ;;
		anon_inode:bpf_link) sed -n 's/^link_id:[[:space:]]*/link /p' "/proc/$1/fdinfo/${fd##*/}" ;;
		anon_inode:bpf-map) sed -n 's/^map_id:[[:space:]]*/map /p' "/proc/$1/fdinfo/${fd##*/}" ;;
		esac
	done | sort -u
}
# the ones of "held" still in the kernel (maps are freed a little later)
bpf_left() {
	local kind id left
	for _ in $(seq 20); do
		left=
		while read -r kind id; do
			[ -n "$id" ] && bpftool "$kind" show id "$id" >/dev/null 2>&1 && left+="$kind $id "
		done <<<"$held"
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	echo "$left"
}

# 1. the container boots to a running system with the unit enabled
# (until its bus is up systemctl answers nothing)
state=
for _ in $(seq 300); do
	state=$(ct timeout 90 systemctl is-system-running --wait 2>/dev/null) && break
	[ -n "$state" ] && break
	sleep 0.3
done
echo "# booted in $(( ($(date +%s%N) - start) / 1000000 )) ms: $state"
if [ "$state" = running ]; then
	ok "container systemd reaches 'running'"
else
	ko "container systemd reaches 'running'" "state: $state" \
		"$(ct systemctl --failed --no-legend --plain 2>&1 | tr '\n' ';')"
fi

# 2. sysusers made the group; the unit came up at boot as Type=notify
if ct getent group gotraced >/dev/null && [ "$(prop Type)" = notify ] &&
	[ "$(ct systemctl is-enabled "$unit")" = enabled ] &&
	ct systemctl is-active -q "$unit"; then
	ok "enabled unit started at boot (Type=notify, group gotraced from sysusers)"
else
	ko "enabled unit started at boot" "$(ct systemctl status --no-pager "$unit" 2>&1 | tail -8 | tr '\n' ';')"
fi

# 3. Type=notify: the unit turns active at READY=1, which must come after
#    every program is attached. Sampled inside the container while it
#    starts: state, then the daemon's BPF links (links only ever grow).
ct systemctl stop "$unit"
samples=$(ct bash -c '
	systemctl start --no-block '"$unit"'
	seen=0
	for i in $(seq 1000); do
		eval "$(systemctl show -p ActiveState -p MainPID '"$unit"')"
		n=0
		for f in /proc/$MainPID/fd/*; do
			[ "$MainPID" -gt 0 ] && [ "$(readlink $f 2>/dev/null)" = anon_inode:bpf_link ] && n=$((n + 1))
		done
		echo "$ActiveState $n"
		[ "$ActiveState" = active ] && seen=$((seen + 1))
		[ "$ActiveState" = failed ] || [ $seen -ge 3 ] && break
	done')
st=$(prop ActiveState)
mpid=$(prop MainPID)
hpid=$(host_pid "$mpid")
held=$(bpf_held "$hpid")
nlinks=$(grep -c '^link ' <<<"$held")
text=$(prop StatusText)
nprogs=$(grep -oE 'with [0-9]+ programs' <<<"$text" | grep -oE '[0-9]+')
early=$(awk -v n="$nlinks" '$1 == "active" && $2 != n' <<<"$samples" | head -1)
nact=$(grep -c '^activating' <<<"$samples")
if [ "$st" = active ] && [ -n "$hpid" ] && [ "${nprogs:-0}" -ge 2 ] && [ "$nlinks" = "$nprogs" ] &&
	grep -q '^active ' <<<"$samples" && [ -z "$early" ]; then
	ok "active only once attached: $nlinks links at every 'active' sample ($nact 'activating' before), status '$text'"
else
	ko "active only once attached" "state=$st MainPID=$mpid host pid=$hpid links=$nlinks" \
		"status: $text" "'active' with too few links: ${early:-none}" "samples: $(uniq -c <<<"$samples" | tr '\n' ';')"
fi

# 4. the daemon's socket answers `gotraced status`, as the same process
js=$(ct /usr/sbin/gotraced status 2>&1)
if [ "$(jq -r .pid <<<"$js" 2>/dev/null)" = "$mpid" ] &&
	[ "$(jq -r '.mechanisms | length' <<<"$js")" = "$nprogs" ] &&
	[ "$(jq -r .mode <<<"$js")" = machine-wide ]; then
	ok "gotraced status over /run/gotraced/events.sock"
else
	ko "gotraced status over /run/gotraced/events.sock" "$js"
fi

# Go runs as user gopher in a unit of its own, like any job on the machine
ct sh -c 'd=/home/gopher/gtsysd; mkdir -p $d && cd $d &&
	printf "module gtsysd\n\ngo 1.19\n" >go.mod &&
	printf "package gtsysd\n\nimport \"testing\"\n\nfunc TestOK(t *testing.T) {}\n" >m_test.go &&
	chown -R gopher: $d'
gotest() {
	ct systemd-run --wait --pipe -q -p User=gopher -p WorkingDirectory=/home/gopher/gtsysd \
		-E HOME=/home/gopher -E PATH="$goroot/bin:/usr/bin:/bin" -E GOPROXY=off \
		-E GOFLAGS= -E CGO_ENABLED=0 "$@" "$goroot/bin/go" test -count=1 ./... 2>&1
}
# wait for the JSON line matching jq filter $1
events() { ct cat /var/log/gotraced/events.json 2>/dev/null; }
wait_event() {
	local l
	for _ in $(seq 40); do
		l=$(events | jq -ce "select($1)" 2>/dev/null)
		[ -n "$l" ] && { head -1 <<<"$l"; return 0; }
		sleep 0.25
	done
	return 1
}

# 5. a go test whose GOCACHE is root's: the finding and the verdict
ct sh -c 'mkdir -p /var/tmp/gt-rootcache && chmod 0755 /var/tmp/gt-rootcache'
res=$(gotest -E GOCACHE=/var/tmp/gt-rootcache)
rc=$?
f=$(wait_event '.type == "finding" and .go_dir == "GOCACHE" and (.path | startswith("/var/tmp/gt-rootcache"))')
x=$(wait_event '.type == "exit" and .verdict.go_dir == "GOCACHE" and (.go_argv | index("test"))')
if [ "$rc" -ne 0 ] && [ "$(jq -r '"\(.cause) \(.uid) \(.comm)"' <<<"$f")" = "permission 1500 go" ] &&
	[ "$(jq -r .exit_code <<<"$x")" = "$rc" ] && [ "$(jq -r .verdict.cause <<<"$x")" = permission ]; then
	ok "failing go test (root's GOCACHE): finding and verdict in /var/log/gotraced/events.json"
else
	ko "failing go test (root's GOCACHE) explained" "go test rc=$rc: $(tr '\n' ' ' <<<"$res")" \
		"finding: $f" "exit: $x"
fi

# 6. the same finding in the container's journal, with its fields
j=
for _ in $(seq 20); do
	j=$(ct journalctl -q -o json -t gotraced GOTRACED_CAUSE=permission GOTRACED_GO_DIR=GOCACHE 2>/dev/null | tail -1)
	[ -n "$j" ] && break
	sleep 0.25
done
if [ "$(jq -r '"\(.GOTRACED_TYPE) \(.GOTRACED_UID)"' <<<"$j" 2>/dev/null)" = "finding 1500" ] &&
	[ -n "$(jq -r '.MESSAGE_ID // empty' <<<"$j")" ]; then
	ok "finding in the journal (GOTRACED_* fields, MESSAGE_ID)"
else
	ko "finding in the journal" "$j"
fi

# `systemctl stop`: SIGTERM, exit 0, and every program, link and map the
# daemon held gone from the kernel
stop_checks() {
	ct systemctl stop "$unit"
	local res code status left
	res=$(prop Result) code=$(prop ExecMainCode) status=$(prop ExecMainStatus)
	left=$(bpf_left)
	if [ "$res" = success ] && [ "$code" = 1 ] && [ "$status" = 0 ] &&
		[ "$(prop ActiveState)" = inactive ] && ! kill -0 "$hpid" 2>/dev/null &&
		[ -z "$(ct_pgrep gotraced)" ] && ! ct test -e /run/gotraced/events.sock &&
		[ -z "$left" ] && [ "$(grep -c . <<<"$held")" -gt 0 ]; then
		ok "$1: exit 0, process and socket gone, $(grep -c . <<<"$held") BPF objects released"
	else
		ko "$1" "Result=$res ExecMainCode=$code ExecMainStatus=$status" \
			"host pid $hpid: $(cat "/proc/$hpid/comm" 2>/dev/null || echo gone)" "still loaded: $left"
	fi
}
# 7.
stop_checks "systemctl stop"

# 8. noexec TMPDIR: the unit as shipped, plus one drop-in that gives the
#    daemon the host's /proc. The container is a pid namespace of its own
#    and the kernel reports host pids, so /proc/PID inside would be some
#    other process; on a host there is one pid namespace and no drop-in.
ct sh -c 'mkdir -p /etc/systemd/system/gotraced.service.d &&
	printf "[Service]\nBindReadOnlyPaths=/run/host-proc:/proc\n" \
		>/etc/systemd/system/gotraced.service.d/host-proc.conf &&
	systemctl daemon-reload &&
	mkdir -p /var/tmp/gt-nx && mount -t tmpfs -o noexec,mode=1777 gtnx /var/tmp/gt-nx'
ct systemctl start "$unit"
mpid=$(prop MainPID)
hpid=$(host_pid "$mpid")
held=$(bpf_held "$hpid")
res=$(gotest -E TMPDIR=/var/tmp/gt-nx)
rc=$?
f=$(wait_event '.type == "finding" and .go_dir == "TMPDIR" and (.path | startswith("/var/tmp/gt-nx/"))')
x=$(wait_event '.type == "exit" and .verdict.go_dir == "TMPDIR" and (.go_argv | index("test"))')
if [ "$rc" -ne 0 ] && [ "$(jq -r '"\(.cause) \(.syscall)"' <<<"$f")" = "noexec execve" ] &&
	[ "$(jq -r .verdict.cause <<<"$x")" = noexec ]; then
	ok "failing go test (TMPDIR on noexec tmpfs): cause noexec"
else
	ko "failing go test (TMPDIR on noexec tmpfs): cause noexec" \
		"go test rc=$rc: $(tr '\n' ' ' <<<"$res")" "finding: $f" "exit: $x"
fi
# 9.
stop_checks "systemctl stop (with the drop-in)"

ct journalctl -b --no-pager >"$out/journal.log" 2>&1
events >"$out/events.json"

# 10. the whole container shuts down cleanly
ct systemctl poweroff --no-block
for _ in $(seq 120); do kill -0 "$npid" 2>/dev/null || break; sleep 0.25; done
if kill -0 "$npid" 2>/dev/null; then
	ko "container powers off" "systemd-nspawn still running after 30 s"
else
	wait "$npid"
	rc=$?
	[ "$rc" = 0 ] && ok "container powers off (nspawn exit 0)" ||
		ko "container powers off" "nspawn exit $rc: $(tail -3 "$out/nspawn.log" | tr '\n' ';')"
fi
npid=

echo "# took $(( ($(date +%s%N) - start) / 1000000000 )) s after the tree was ready; journal: $out/journal.log"
echo "systemd: $pass passed, $fail failed, 0 skipped"
