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
