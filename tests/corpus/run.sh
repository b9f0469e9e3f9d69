#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The real-code corpus (tests/corpus/corpus.list): each `go test` under gotraced in run
# mode, as the unprivileged test user whose PATH starts with a directory it cannot search
# (what `su user -c` leaves behind). A passing run must give zero findings; a run the
# machine fails must give the verdict the list names, and strace -f of the same run (the
# oracle) must show that failed call. Prints one line per run, then precision and recall,
# and a closing "N passed, N failed" line.
#
#   tests/corpus/run.sh [--subset] [--keep] [NAME...]
#     --subset   only the runs marked subset (what `make test` runs)
#     --keep     keep the work dir (events, logs, strace output) and say where
# GOTRACED=path picks the binary (default: the one built in this tree).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GOTRACED=${GOTRACED:-$ROOT/gotraced}
LIST=$ROOT/tests/corpus/corpus.list
USER_NAME=gtuser
# one warm build cache for every corpus run (one per run of this script would rebuild the
# same dependencies each time); it belongs to the test user
CACHE=${GT_CORPUS_CACHE:-/var/cache/gotraced-test/corpus-gocache}
# the first PATH entry: under /root (0700), so the user cannot search it
BAD_PATH_DIR=/root/.local/bin
subset=0 keep=0 only=()

while [ $# -gt 0 ]; do
	case $1 in
	--subset) subset=1 ;;
	--keep) keep=1 ;;
	-*) echo "usage: $0 [--subset] [--keep] [NAME...]" >&2; exit 2 ;;
	*) only+=("$1") ;;
	esac
	shift
done

die() { echo "corpus: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (gotraced, setpriv)"
[ -x "$GOTRACED" ] || die "no gotraced at $GOTRACED (make gotraced)"
for t in go jq strace setpriv; do command -v $t >/dev/null || die "$t missing (make deps)"; done
id "$USER_NAME" >/dev/null 2>&1 || useradd -m "$USER_NAME" >/dev/null 2>&1 ||
	die "cannot create user $USER_NAME"
[ "$(stat -c %a /root)" = 700 ] || die "/root is not 0700: the unsearchable PATH entry needs it"

mkdir -p "$CACHE" && chown "$USER_NAME:" "$CACHE" || die "cannot make $CACHE"
W=$(mktemp -d /tmp/gt-corpus.XXXXXX)
chmod 0755 "$W"
mkdir -p "$W/home" "$W/tmp" && chown "$USER_NAME:" "$W/home" "$W/tmp"
[ "$keep" = 1 ] || trap 'rm -rf "$W"' EXIT

# as_user MODE WRAPPER... :: CMD...: WRAPPER (run as root: gotraced, strace) runs CMD as
# the test user with the corpus environment, from the user's scratch dir
as_user() {
	local mode=$1 wrap=()
	shift
	while [ "$1" != :: ]; do wrap+=("$1"); shift; done
	shift
	local env=(HOME="$W/home" TMPDIR="$W/tmp" GOCACHE="$CACHE" GOPROXY=off GOSUMDB=off
		GOFLAGS= GOTOOLCHAIN=local PATH="$BAD_PATH_DIR:/usr/local/bin:/usr/bin:/bin"
		LANG=C.UTF-8)
	if [ "$mode" = gopath ]; then
		env+=(GO111MODULE=off GOPATH=/usr/share/gocode)
	else
		env+=(GO111MODULE=on)
	fi
	(cd "$W/tmp" && "${wrap[@]}" setpriv --reuid="$USER_NAME" --regid="$USER_NAME" \
		--init-groups -- env -i "${env[@]}" "$@")
}

runs=0 ok=0 bad=0 findings_total=0 findings_true=0 fail_runs=0 fail_found=0
report=()

while read -r name set mode expect pkgs; do
	case $name in ''|'#'*) continue ;; esac
	[ "$subset" = 0 ] || [ "$set" = subset ] || continue
	if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$name"; then
		continue
	fi
	runs=$((runs + 1))
	ev=$W/$name.json log=$W/$name.log
	t0=$(date +%s)
	# shellcheck disable=SC2086 # PACKAGES is a list
	as_user "$mode" "$GOTRACED" -f json -o "$ev" -- :: go test -count=1 $pkgs >"$log" 2>&1
	st=$?
	t1=$(date +%s)
	nf=$(jq -c 'select(.type == "finding")' "$ev" 2>/dev/null | grep -c . || true)
	na=$(jq -s '[.[] | select(.type == "exit") | .absorbed // 0] | add // 0' "$ev" 2>/dev/null)
	verdict=$(jq -c 'select(.type == "exit" and .verdict != null) | .verdict' "$ev" 2>/dev/null |
		tail -n1)
	findings_total=$((findings_total + nf))
	line="$name: go test exit $st, $nf findings, $na absorbed calls, $((t1 - t0)) s"
	if [ "$expect" = pass ] || [ "$expect" = fail-code ] || [ "$expect" = nofinding ]; then
		# pass: the run passes; fail-code: it fails for its own reasons (a vet error),
		# not the machine's; nofinding: either. In every case no finding may be reported.
		outcome_ok=0
		case $expect in
		pass) [ "$st" -eq 0 ] && outcome_ok=1 ;;
		fail-code) [ "$st" -ne 0 ] && outcome_ok=1 ;;
		nofinding) outcome_ok=1 ;;
		esac
		if [ "$outcome_ok" = 1 ] && [ "$nf" -eq 0 ]; then
			ok=$((ok + 1))
			report+=("ok   $line")
		else
			bad=$((bad + 1))
			report+=("FAIL $line (want $expect with no finding)")
			jq -c --arg n "$name" 'select(.type == "finding") | [$n, .cause, .syscall, .errno,
				.path, .comm, .count]' "$ev" 2>/dev/null | head -n 20 >>"$W/details"
		fi
		continue
	fi
	# fail:CAUSE:SYSCALL:PATH_REGEX
	IFS=: read -r _ cause sc pathre <<<"$expect"
	fail_runs=$((fail_runs + 1))
	vc=$(jq -r '.cause // ""' <<<"${verdict:-null}")
	vp=$(jq -r '.path // ""' <<<"${verdict:-null}")
	verrno=$(jq -r --arg p "$vp" 'select(.type == "finding" and .path == $p) | .errno // ""' \
		"$ev" 2>/dev/null | head -n1)
	ntrue=$(jq -c --arg c "$cause" --arg re "$pathre" 'select(.type == "finding" and
		.cause == $c and ((.path // "") | test($re)))' "$ev" 2>/dev/null | grep -c . || true)
	findings_true=$((findings_true + ntrue))
	# the oracle: the same run under strace -f must show the refused call the verdict names
	# (strace prints the path as the program passed it, often relative: match its name)
	as_user "$mode" strace -f -qq -o "$W/$name.strace" -e trace="$sc" :: \
		go test -count=1 $pkgs >/dev/null 2>&1
	base=${vp##*/}
	oracle=
	if [ -n "$base" ] && [ -n "$verrno" ]; then
		oracle=$(grep -E "^[0-9]+ +$sc\(.*\"([^\"]*/)?${base//./\\.}\".* = -1 $verrno " \
			"$W/$name.strace" | head -n1)
	fi
	if [ "$st" -ne 0 ] && [ -n "$oracle" ] && [ "$vc" = "$cause" ] &&
		jq -e --arg re "$pathre" 'test($re)' <<<"\"$vp\"" >/dev/null; then
		ok=$((ok + 1))
		fail_found=$((fail_found + 1))
		report+=("ok   $line; verdict $vc $vp; strace: ${oracle:0:120}")
	else
		bad=$((bad + 1))
		report+=("FAIL $line; verdict '${vc:-none}' '$vp' (want $cause matching $pathre); strace: ${oracle:-no such refused call}")
		jq -c --arg n "$name" 'select(.type == "finding") | [$n, .cause, .syscall, .errno,
			.path, .comm, .count]' "$ev" 2>/dev/null | head -n 20 >>"$W/details"
	fi
done <"$LIST"

printf '%s\n' "${report[@]}"
[ ! -s "$W/details" ] || { echo "findings of runs that failed the check:"; sed 's/^/  /' "$W/details"; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.1f%%", 100 * a / b }'; }
echo "corpus: $runs runs, $findings_total findings, $findings_true of them naming the machine's cause of a failed run"
echo "corpus: precision $(pct "$findings_true" "$findings_total") (findings that name a real cause)," \
	"recall $(pct "$fail_found" "$fail_runs") ($fail_found of $fail_runs machine-caused failures explained, checked against strace)"
[ "$keep" = 0 ] || echo "corpus: events, logs and strace output kept in $W"
echo "corpus: $ok passed, $bad failed"
[ "$bad" -eq 0 ]
