#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The journald sink: a real systemd-journald in a private mount namespace
# receives the structured fields, and journalctl reads them back.

load lib

setup() {
	gt_setup
	[ -x /lib/systemd/systemd-journald ] || skip "systemd-journald not installed"
	command -v journalctl >/dev/null || skip "journalctl not installed"
	command -v unshare >/dev/null || skip "unshare not installed"
	ensure_gtuser
}

teardown() { gt_teardown; }

@test "journal: a finding arrives with GOTRACED_* fields and its cause's MESSAGE_ID" {
	copy_module "$GT_USER"
	cd "$MOD"
	mkdir -m 0755 "$T/rootcache"
	cat >"$T/inside.sh" <<-EOS
		cd "$MOD"
		GOCACHE=$T/rootcache "$GOTRACED" --journal -o "$OUT" -- \
			setpriv --reuid=$GT_USER --regid=$GT_USER --clear-groups -- go build . 2>"$ERR"
		journalctl --sync
		journalctl -o json --no-pager SYSLOG_IDENTIFIER=gotraced >"$T/journal.json"
	EOS
	run "$BATS_TEST_DIRNAME/helpers/journal-ns.sh" sh "$T/inside.sh"
	[ "$status" -ne 77 ] || skip "systemd-journald cannot run in a private namespace here"
	echo "$output"
	dump_out
	f=$(jq -c 'select(.GOTRACED_TYPE == "finding" and .GOTRACED_GO_DIR == "GOCACHE")' \
		"$T/journal.json" | head -n1)
	echo "journal entry: $f"
	[ -n "$f" ]
	jq -e --arg T "$T" '.GOTRACED_CAUSE == "permission" and
		(.GOTRACED_PATH | startswith($T + "/rootcache")) and
		(.GOTRACED_GO_PID | tonumber) > 0 and .GOTRACED_GO_ARGV == "go build ." and
		.GOTRACED_ERRNO != "" and .GOTRACED_FIX != "" and .PRIORITY == "4" and
		.MESSAGE_ID == "fbd83615193442eb8910bfda2ccf422d" and
		(.MESSAGE | test("permission .*\\[GOCACHE\\]"))' <<<"$f"
	# the same finding as the JSON line, in full
	jq -e '.GOTRACED_JSON | fromjson | .type == "finding"' <<<"$f"
	# the exit, with its own id
	jq -e 'select(.GOTRACED_TYPE == "exit") | .MESSAGE_ID == "e00afcef1cc64cd8b17e1d6cfde14d00"' \
		"$T/journal.json"
	# every MESSAGE_ID the daemon uses has a catalog entry
	grep -q '^-- fbd83615193442eb8910bfda2ccf422d$' "$GT_ROOT/systemd/gotraced.catalog"
}

@test "journal: a finding in a user namespace carries GOTRACED_NS_UID, NS_GID and FIX_LAYER" {
	ensure_root_subids
	copy_module
	chmod -R a+rwX "$MOD"
	mkdir -m 0755 "$T/rootcache"
	cat >"$T/inside.sh" <<-EOS
		cd "$MOD"
		"$GOTRACED" --journal -o "$OUT" -- unshare --user --map-users=100000,0,65536 \
			--map-groups=100000,0,65536 --setuid 1000 --setgid 1000 \
			env HOME=$T GOCACHE=$T/rootcache go build -o /dev/null . 2>"$ERR"
		journalctl --sync
		journalctl -o json --no-pager SYSLOG_IDENTIFIER=gotraced >"$T/journal.json"
	EOS
	run "$BATS_TEST_DIRNAME/helpers/journal-ns.sh" sh "$T/inside.sh"
	[ "$status" -ne 77 ] || skip "systemd-journald cannot run in a private namespace here"
	echo "$output"
	dump_out
	f=$(jq -c 'select(.GOTRACED_TYPE == "finding" and .GOTRACED_GO_DIR == "GOCACHE")' \
		"$T/journal.json" | head -n1)
	echo "journal entry: $f"
	[ -n "$f" ]
	jq -e '.GOTRACED_CAUSE == "permission" and .GOTRACED_UID == "101000"
		and .GOTRACED_NS_UID == "1000" and .GOTRACED_NS_GID == "1000"
		and .GOTRACED_FIX_LAYER == "user namespace" and .GOTRACED_CONTAINER_RUNTIME == ""
		and .GOTRACED_PROCESS_ROOT == ""
		and (.GOTRACED_JSON | fromjson | .ns_uid == 1000 and .fix_layer == "user namespace")' <<<"$f"
}

@test "journal upload: findings travel through systemd-journal-upload to a systemd-journal-remote on localhost" {
	[ -x /lib/systemd/systemd-journal-remote ] && [ -x /lib/systemd/systemd-journal-upload ] ||
		skip "systemd-journal-remote not installed (make deps)"
	command -v curl >/dev/null || skip "curl not installed (make deps)"
	copy_module "$GT_USER"
	cd "$MOD"
	mkdir -m 0755 "$T/rootcache"
	mkdir "$T/remote"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$T/inside.sh" <<-EOS
		set -e
		cd "$MOD"
		GOCACHE=$T/rootcache "$GOTRACED" --journal -o "$OUT" -- \
			setpriv --reuid=$GT_USER --regid=$GT_USER --clear-groups -- go build . 2>"$ERR" ||
			echo "go build: \$?"
		journalctl --sync
		# the collector: journal-remote over plain HTTP on a free localhost port
		/lib/systemd/systemd-journal-remote --listen-http=127.0.0.1:$port \
			--split-mode=none --output="$T/remote/received.journal" 2>"$T/remote.log" &
		R=\$!
		i=0
		until curl -s -o /dev/null http://127.0.0.1:$port/; do
			i=\$((i + 1)); [ \$i -lt 100 ] || { cat "$T/remote.log"; exit 1; }; sleep 0.1
		done
		# the sender: everything in this (private) journal, then exit
		/lib/systemd/systemd-journal-upload --url=http://127.0.0.1:$port --follow=no \
			--save-state="$T/upload.state" 2>"$T/upload.log" || { cat "$T/upload.log"; exit 1; }
		kill -TERM \$R
		wait \$R || true
		journalctl -o json --no-pager --file="$T/remote/received.journal" \
			SYSLOG_IDENTIFIER=gotraced >"$T/received.json"
	EOS
	run "$BATS_TEST_DIRNAME/helpers/journal-ns.sh" sh "$T/inside.sh"
	[ "$status" -ne 77 ] || skip "systemd-journald cannot run in a private namespace here"
	echo "$output"
	[ "$status" -eq 0 ]
	dump_out
	# read back on the receiving side, with the fields the daemon gave them
	f=$(jq -c 'select(.GOTRACED_TYPE == "finding" and .GOTRACED_GO_DIR == "GOCACHE")' \
		"$T/received.json" | head -n1)
	echo "received: $f"
	[ -n "$f" ]
	jq -e --arg T "$T" '.GOTRACED_CAUSE == "permission" and
		(.GOTRACED_PATH | startswith($T + "/rootcache")) and .GOTRACED_GO_ARGV == "go build ." and
		.MESSAGE_ID == "fbd83615193442eb8910bfda2ccf422d" and .GOTRACED_FIX != "" and
		(.GOTRACED_JSON | fromjson | .type == "finding")' <<<"$f"
	# as many findings arrived as the daemon wrote
	[ "$(jq -c 'select(.GOTRACED_TYPE == "finding")' "$T/received.json" | count)" -eq \
		"$(findings true | count)" ]
}
