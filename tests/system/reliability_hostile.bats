#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Hostile input: paths and arguments with newlines, escape sequences,
# invalid UTF-8, C1 controls and 4,095-byte paths. JSON lines parse and keep
# the bytes (as escapes or U+FFFD); text lines carry no raw control byte.

load lib
load stress

setup() { stress_setup; }
teardown() { gt_teardown; }

NAMES=($'nl\nx' $'cr\rx' $'esc\e[31mred\e]0;title\a' $'bad\xff\xfe\xc0\xaf' $'c1\xc2\x9b2J\xc2\x85'
	$'del\x7fq\ttab"q\\b' $'\x01\x02\x1f')
ARG=$'arg\e[2J\n\xff\x9b'

# hostile_runs: one refusal under each hostile directory name, with a hostile
# extra argument, then one 4,095-byte path (deep directories). Sets $LONG.
hostile_runs() {
	local n comp len last
	for n in "${NAMES[@]}"; do
		mkdir -m 0555 "$T/$n"
		run fake_go deny 1 "$T/$n/x" "$ARG"
		[ "$status" -eq 0 ]
	done
	comp=$(printf 'd%.0s' {1..200})
	mkdir "$T/long"
	cd "$T/long"
	len=${#T}+5
	while ((len + 201 + 60 < 4095)); do
		mkdir "$comp"
		cd "$comp"
		len=$((len + 201))
	done
	last=$(printf 'L%.0s' $(seq $((4095 - len - 3))))
	mkdir -m 0555 "$last"
	run fake_go deny 1 "$last/x"
	[ "$status" -eq 0 ]
	LONG=$T/long
	for ((i = 0; i < (len - ${#T} - 5) / 201; i++)); do LONG+=/$comp; done
	LONG+=/$last/x
	cd "$T"
	[ "${#LONG}" -eq 4095 ]
}

# exits_seen N: N exit lines (JSON or text) in $OUT
exits_seen() {
	[ "$(grep -cE '"type":"exit"| exit go\[' "$OUT")" -ge "$1" ]
}

@test "hostile: JSON lines parse and keep hostile paths and arguments" {
	start_daemon -o /dev/stdout
	hostile_runs
	poll exits_seen $((${#NAMES[@]} + 1))
	stop_daemon
	dump_out
	assert_json_lines
	# no raw control byte inside a JSON line (jq would accept none anyway): grep finds none
	run -1 env LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f]' "$OUT"
	# the path as the kernel saw it, escaped as the argument that named it
	[ "$(ours '.type == "finding" and .go_argv[3] == .path' | count)" -eq "${#NAMES[@]}" ]
	for n in "${NAMES[@]}"; do
		p=$T/$n/x
		iconv -f UTF-8 -t UTF-8 <<<"$p" >/dev/null 2>&1 || continue
		# valid UTF-8 (controls included) round-trips exactly
		[ "$(jq -c --arg p "$p" 'select(.type == "finding" and .path == $p)' "$OUT" |
			count)" -eq 1 ]
	done
	[ "$(findings '.path | test("\ufffd")' | count)" -ge 1 ]
	[ "$(ours '.type == "finding" and (.go_argv[4] // "" | startswith("arg\u001b[2J\n"))' |
		count)" -eq "${#NAMES[@]}" ]
	long=$(findings '.path | startswith($T + "/long/")')
	echo "long path reported: $(jq -r .path <<<"$long" | wc -c) bytes"
	[ "$(jq -r .path <<<"$long")" = "$LONG" ]
}

@test "hostile: text output has no raw control characters" {
	start_daemon -f text -o /dev/stdout
	hostile_runs
	poll exits_seen $((${#NAMES[@]} + 1))
	stop_daemon
	cat -v "$OUT"
	[ "$(grep -c . "$OUT")" -ge $((2 * ${#NAMES[@]} + 2)) ]
	# C0 (but the final newline), DEL, and C1 as UTF-8 (c2 80..c2 9f): grep finds none
	run -1 env LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$OUT"
	# every line ends with a newline
	[ "$(tail -c1 "$OUT" | od -An -c | tr -d ' ')" = '\n' ]
	# the escapes are there, readable
	grep -qF 'nl\nx' "$OUT"
	grep -qF 'esc\x1b[31mred' "$OUT"
	grep -qF 'LLLL' "$OUT"
}
