#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers for the reliability_*.bats tests, on top of lib.bash: a fake `go`
# (tests/helpers/gt-stress.c under a name gotraced tracks) that makes a number
# of refused calls the test knows exactly.

HELPERS=$GT_ROOT/.output/helpers

# stress_setup: gt_setup, the test user, $FAKEGO and $LOCK (root-owned 0555)
stress_setup() {
	gt_setup
	[ -x "$HELPERS/gt-stress" ] || skip "helpers not built; run make test"
	ensure_gtuser
	mkdir -p "$T/fake/bin"
	cp "$HELPERS/gt-stress" "$T/fake/bin/go"
	FAKEGO=$T/fake/bin/go
	mkdir -m 0555 "$T/lock"
	LOCK=$T/lock
	# the fake go fails because of its refusals, as a real go would: a refusal whose
	# process exits 0 is absorbed (no finding), so these tests would see nothing
	GT_STRESS_EXIT=3
	export FAKEGO LOCK GT_STRESS_EXIT
}

# fake_go ARGS...: the fake go as the test user, its pid recorded like go_cmd
# (status 0 when every call was refused: GT_STRESS_EXIT is what the fake go exits with then)
fake_go() {
	local st=0
	go_cmd setpriv --reuid="$GT_USER" --regid="$GT_USER" --clear-groups -- "$FAKEGO" "$@" || st=$?
	[ "$st" -ne "$GT_STRESS_EXIT" ] || st=0
	return "$st"
}

# sum_counts FILTER: sum of `count` over findings of our go commands matching FILTER
sum_counts() {
	ours ".type == \"finding\" and ($1)" | jq -s 'map(.count) | add // 0'
}

# lost_total: sum of `count` over all lost records
lost_total() {
	jsel '.type == "lost"' | jq -s 'map(.count) | add // 0'
}

# rss_kb PID: resident memory of PID in KiB
rss_kb() {
	awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# poll CMD...: retry CMD for up to $POLL_S seconds (default 20)
poll() {
	local i
	for ((i = 0; i < ${POLL_S:-20} * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "timeout (${POLL_S:-20}s): $*"
	return 1
}
