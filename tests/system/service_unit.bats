#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The unit file, its capability set, and make install.

load lib

setup() { gt_setup; }
teardown() { gt_teardown; }

# the unit as make install writes it, pointing at the binary under test
unit() {
	mkdir -p "$T/unit/sbin"
	# the unit runs SBINDIR/gotraced: a link lets any build (gotraced-asan) stand there
	ln -sf "$GOTRACED" "$T/unit/sbin/gotraced"
	sed "s|@SBINDIR@|$T/unit/sbin|" "$GT_ROOT/systemd/gotraced.service" \
		>"$T/unit/gotraced.service"
	echo "$T/unit/gotraced.service"
}

@test "unit: systemd-analyze verify passes, security exposure is the one the README records" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed"
	u=$(unit)
	run systemd-analyze verify --man=no "$u"
	echo "$output"
	[ "$status" -eq 0 ]
	run systemd-analyze security --offline=true "$u"
	score=$(grep -o 'Overall exposure level for gotraced.service: [0-9.]*' <<<"$output" | awk '{print $NF}')
	echo "exposure: $score"
	# the score the README records: a change to the sandbox shows here, and in the README
	recorded=$(grep -o 'rates it \*\*[0-9.]*' "$GT_ROOT/README.md" | grep -o '[0-9.]*$')
	echo "README records: $recorded"
	[ -n "$score" ] && [ "$score" = "$recorded" ]
	# the tracer must keep seeing processes
	run ! grep -E '^ProtectProc=invisible|^PrivateTmp=yes|^ProtectHome=yes' "$u"
}

# the unit's CapabilityBoundingSet as setpriv's --bounding-set list
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$(unit)" | tr ' ' '\n' |
		sed 's/^CAP_//' | tr 'A-Z' 'a-z' | sed 's/^/+/' | paste -sd, -
}

@test "unit: the daemon works with exactly the unit's capabilities, not with fewer" {
	ensure_gtuser
	caps=$(unit_caps)
	echo "caps: $caps"
	[[ "$caps" == *+bpf* ]]
	copy_module "$GT_USER"
	cd "$MOD"
	mkdir -m 0755 "$T/rootcache"
	# the build runs outside the bounded daemon, below a holder it follows
	(
		while [ ! -e "$T/go" ]; do sleep 0.05; done
		GOCACHE=$T/rootcache go_cmd setpriv --reuid="$GT_USER" --regid="$GT_USER" \
			--clear-groups go build . 2>/dev/null || true
		touch "$T/done"
	) &
	HOLDER=$!
	GT_BG_PIDS=$HOLDER
	# as root but bounded to the unit's set, as systemd runs it
	printf '#!/bin/sh\nexec setpriv --bounding-set=-all,%s -- %s "$@"\n' "$caps" "$GOTRACED" \
		>"$T/bounded"
	chmod +x "$T/bounded"
	GOTRACED=$T/bounded start_daemon -o "$OUT" --pid "$HOLDER"
	touch "$T/go"
	for ((i = 0; i < 600; i++)); do [ -e "$T/done" ] && break; sleep 0.1; done
	wait_go_exits
	stop_daemon
	dump_out
	[ "$(findings '.go_dir == "GOCACHE"' | count)" -ge 1 ]
	# the explanation could read the 0755 root dir's owner and mode
	[ -n "$(findings '.explanation | test("owned by uid 0")')" ]
	# without CAP_PERFMON, or without CAP_BPF, it cannot start
	for drop in perfmon bpf; do
		run --separate-stderr timeout 60 setpriv --bounding-set="-all,${caps/+$drop,/}" \
			-- "$GOTRACED" -o "$T/x.json" --pid $$
		echo "without $drop: $status $stderr"
		[ "$status" -eq 2 ]
	done
}

@test "make install: DESTDIR and PREFIX honoured, config not overwritten" {
	command -v make >/dev/null || skip "make not installed"
	D=$T/dest
	run make -s -C "$GT_ROOT" install DESTDIR="$D" PREFIX=/usr
	echo "$output"
	[ "$status" -eq 0 ]
	for f in usr/sbin/gotraced usr/lib/systemd/system/gotraced.service \
		usr/lib/sysusers.d/gotraced.conf usr/lib/systemd/catalog/gotraced.catalog \
		etc/gotraced/gotraced.conf etc/logrotate.d/gotraced usr/share/man/man8/gotraced.8; do
		[ -f "$D/$f" ] || { echo "missing $f"; return 1; }
	done
	grep -q '^ExecStart=/usr/sbin/gotraced --config /etc/gotraced/gotraced.conf$' \
		"$D/usr/lib/systemd/system/gotraced.service"
	echo "output = /edited" >>"$D/etc/gotraced/gotraced.conf"
	make -s -C "$GT_ROOT" install DESTDIR="$D" PREFIX=/usr
	grep -q '^output = /edited' "$D/etc/gotraced/gotraced.conf"
	# the shipped config parses: flags after it still win
	run "$D/usr/sbin/gotraced" --config "$GT_ROOT/systemd/gotraced.conf" --format xml
	[[ "$output" == *"--format: 'xml'"* ]]
	if command -v journalctl >/dev/null; then
		journalctl --root="$D" --update-catalog
		[ "$(journalctl --root="$D" --list-catalog | grep -c .)" -ge 12 ]
	fi
}
