#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The daemon under AddressSanitizer + UndefinedBehaviorSanitizer (`make asan`)
# and under valgrind, each tracing a clean `go build` and a failing one
# (a GOCACHE the build user may not write). A sanitizer report, a valgrind
# error or a leak fails the check; so does a run that reports no finding for
# the failing build (the tracer must have traced).
# Usage: tests/fuzz/sanitize.sh [asan|valgrind]...   Prints: sanitize: N passed, N failed, N skipped
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ASAN_BIN=$root/.output/asan/gotraced-asan
GT=$root/gotraced
what=${*:-asan valgrind}
passed=0 failed=0 skipped=0

[ "$(id -u)" = 0 ] || { echo "sanitize: 0 passed, 0 failed, 1 skipped (needs root)"; exit 0; }
W=$(mktemp -d /tmp/gt-san.XXXXXX)
chmod 0755 "$W"
trap 'rm -rf "$W"' EXIT
cp -r "$root/tests/fixtures/mod" "$W/mod"
mkdir -p "$W/home" "$W/tmp" "$W/rootcache"
chmod -R a+rX "$W/mod"
chmod 1777 "$W/tmp" "$W/home"
export HOME=$W/home TMPDIR=$W/tmp GOPROXY=off GOSUMDB=off GOFLAGS= GO111MODULE=on
unset GOTOOLCHAIN GOPATH GOMODCACHE GOENV GOTMPDIR

# the builds as scripts (valgrind drops exported shell functions from the environment)
printf '#!/bin/sh\ncd "%s" && GOCACHE="%s" exec go build -o /dev/null .\n' \
	"$W/mod" "$W/cache" >"$W/clean_build"
# as nobody, into a cache dir owned by root: "mkdir .../00: permission denied"
printf '#!/bin/sh\ncd "%s" && GOCACHE="%s" exec setpriv --reuid=65534 --regid=65534 --clear-groups go build -o /dev/null .\n' \
	"$W/mod" "$W/rootcache" >"$W/failing_build"
chmod +x "$W/clean_build" "$W/failing_build"
clean_build() { "$W/clean_build"; }
failing_build() { "$W/failing_build"; }

result() {	# result NAME OK(0/1) DETAIL
	if [ "$2" = 0 ]; then
		echo "ok $1${3:+: $3}"
		passed=$((passed + 1))
	else
		echo "not ok $1${3:+: $3}"
		failed=$((failed + 1))
	fi
}

# san_reports PREFIX: the sanitizer logs written, if any
san_reports() { ls "$1".* 2>/dev/null; }

asan_checks() {
	if [ ! -x "$ASAN_BIN" ]; then
		echo "# skip asan: $ASAN_BIN not built (make asan)"
		skipped=$((skipped + 1))
		return
	fi
	export ASAN_OPTIONS="detect_leaks=1:log_path=$W/asan:halt_on_error=1"
	export UBSAN_OPTIONS="print_stacktrace=1:log_path=$W/ubsan"
	local st out
	# run mode, both builds
	for b in clean_build failing_build; do
		out=$W/asan-run-$b.json
		"$ASAN_BIN" -f json -o "$out" -- "$W/$b" >/dev/null 2>"$W/asan-run-$b.err"
		st=$?
		local want=0 n
		[ "$b" = failing_build ] && want=1
		n=$(grep -c '"type":"finding"' "$out" 2>/dev/null)
		if [ -n "$(san_reports "$W/asan")$(san_reports "$W/ubsan")" ]; then
			result "asan run mode, $b" 1 "sanitizer report:"
			cat "$W"/asan.* "$W"/ubsan.* 2>/dev/null | head -40 | sed 's/^/#   /'
			rm -f "$W"/asan.* "$W"/ubsan.*
		elif [ "$st" != "$want" ] || { [ "$want" = 1 ] && [ "${n:-0}" = 0 ]; }; then
			result "asan run mode, $b" 1 "status $st (want $want), $n findings"
			sed 's/^/#   /' "$W/asan-run-$b.err" | head -20
		else
			result "asan run mode, $b" 0 "status $st, $n findings, no sanitizer report"
		fi
	done
	# system-wide, both builds, then SIGTERM: shutdown frees everything
	"$ASAN_BIN" -f json -o "$W/asan-sys.json" 2>"$W/asan-sys.err" &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		grep -q ready "$W/asan-sys.err" 2>/dev/null && break
		sleep 0.05
	done
	clean_build >/dev/null 2>&1
	failing_build >/dev/null 2>&1
	sleep 1.5
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	n=$(grep -c '"type":"finding"' "$W/asan-sys.json" 2>/dev/null)
	if [ -n "$(san_reports "$W/asan")$(san_reports "$W/ubsan")" ]; then
		result "asan system-wide" 1 "sanitizer report:"
		cat "$W"/asan.* "$W"/ubsan.* 2>/dev/null | head -40 | sed 's/^/#   /'
	elif [ "$st" != 0 ] || [ "${n:-0}" = 0 ]; then
		result "asan system-wide" 1 "status $st, $n findings"
		sed 's/^/#   /' "$W/asan-sys.err" | head -20
	else
		result "asan system-wide" 0 "status $st, $n findings, no sanitizer report"
	fi
	unset ASAN_OPTIONS UBSAN_OPTIONS
}

valgrind_checks() {
	if ! command -v valgrind >/dev/null || [ ! -x "$GT" ]; then
		echo "# skip valgrind: valgrind or $GT missing"
		skipped=$((skipped + 1))
		return
	fi
	local b st log errs leaks n want
	for b in clean_build failing_build; do
		log=$W/vg-$b.log
		valgrind -q --suppressions="$root/tests/fuzz/valgrind.supp" --leak-check=full --show-leak-kinds=definite,indirect,possible \
			--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
			--log-file="$log" "$GT" -f json -o "$W/vg-$b.json" -- "$W/$b" \
			>/dev/null 2>"$W/vg-$b.err"
		st=$?
		want=0
		[ "$b" = failing_build ] && want=1
		n=$(grep -c '"type":"finding"' "$W/vg-$b.json" 2>/dev/null)
		if [ "$st" = 99 ] || grep -qE 'definitely lost|indirectly lost|possibly lost|Invalid|uninitialised' "$log"; then
			result "valgrind run mode, $b" 1 "valgrind reports errors or leaks:"
			sed 's/^/#   /' "$log" | head -60
		elif [ "$st" != "$want" ] || { [ "$want" = 1 ] && [ "${n:-0}" = 0 ]; }; then
			result "valgrind run mode, $b" 1 "status $st (want $want), $n findings"
			sed 's/^/#   /' "$W/vg-$b.err" "$log" | head -30
		else
			result "valgrind run mode, $b" 0 "status $st, $n findings, no error, no leak"
		fi
	done
}

for w in $what; do
	case $w in
	asan) asan_checks ;;
	valgrind) valgrind_checks ;;
	*) echo "unknown check $w" >&2; exit 2 ;;
	esac
done
echo "sanitize: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
