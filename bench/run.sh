#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make bench`: gotraced's overhead against untraced runs and against the
# tools people would otherwise use, its cost on processes it does not trace,
# a flood of denied calls, and its footprint. Prints tables; asserts nothing.
#
# Knobs (environment):
#   BENCH_RUNS=5          rounds; each times one cold `go build -a` per tracer
#   BENCH_TEST_PER_ROUND=2  timed `go test` runs per tracer per round
#   BENCH_PKGS="..."      std packages the build compiles
#   BENCH_LOOP_CALLS=100000 BENCH_LOOP_ROUNDS=11 BENCH_LOOP_REPEAT=3  syscall loop
#   BENCH_FLOOD_N=1000000 denied calls in the big flood (a small one of 20000 runs too)
#   BENCH_ONLY="go loop flood footprint"  sections to run
#   BENCH_KEEP=1          keep the scratch directory (outputs of every tracer)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
GT=$root/gotraced
BO=$root/.output/bench
RUNS=${BENCH_RUNS:-5}
TEST_PER_ROUND=${BENCH_TEST_PER_ROUND:-2}
PKGS=${BENCH_PKGS:-"strings strconv unicode/utf8 errors"}
LOOP_CALLS=${BENCH_LOOP_CALLS:-100000}
LOOP_ROUNDS=${BENCH_LOOP_ROUNDS:-11}
LOOP_REPEAT=${BENCH_LOOP_REPEAT:-3}
FLOOD_N=${BENCH_FLOOD_N:-1000000}
ONLY=${BENCH_ONLY:-"go loop flood footprint"}
HZ=$(getconf CLK_TCK)

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (BPF)"
[ -x "$GT" ] || die "build gotraced first (make)"
for t in sysloop bin/go empty; do [ -x "$BO/$t" ] || die "missing $BO/$t (make bench-tools)"; done
command -v hyperfine >/dev/null || die "hyperfine missing (make deps)"

W=$(mktemp -d /tmp/gt-bench.XXXXXX)
chmod 0755 "$W"
BG_PID=
cleanup() {
	[ -z "$BG_PID" ] || { kill -INT "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; }
	if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: outputs kept in $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# tp_btf needs no tracefs, but the peers' tracepoints do; left mounted (harmless)
mountpoint -q /sys/kernel/tracing || mount -t tracefs none /sys/kernel/tracing 2>/dev/null

median() { sort -g | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "nan"}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.3f", a / b }'; }

# bg_start NAME READY_FILE READY_REGEX CMD...: start a tracer, wait until it says it is ready
bg_start() {
	local name=$1 rf=$2 re=$3 i
	shift 3
	"$@" >"$W/$name.out" 2>"$W/$name.err" &
	BG_PID=$!
	for ((i = 0; i < 600; i++)); do
		grep -qE "$re" "$rf" 2>/dev/null && return 0
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "bench: $name did not become ready:" >&2
	cat "$W/$name.err" >&2
	kill -KILL "$BG_PID" 2>/dev/null
	wait "$BG_PID" 2>/dev/null
	BG_PID=
	return 1
}

bg_stop() {
	[ -n "$BG_PID" ] || return 0
	kill -INT "$BG_PID" 2>/dev/null
	wait "$BG_PID" 2>/dev/null
	BG_PID=
}

start_gotraced() { bg_start "${1:-gotraced}" "$W/${1:-gotraced}.err" '^gotraced: ready' "$GT" --no-socket -f json; }

# Other tracers on the machine (other sessions' gotraced) slow every row alike.
others=$(bpftool -j prog show 2>/dev/null | jq '[.[] | select(.type == "tracing")] | length' 2>/dev/null)
echo "bench: $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"${others:-?} tracing BPF programs already loaded by others"

# ---- Go workloads ------------------------------------------------------------------------------
go_section() {
	local GOC=$W/gocache-build GOT=$W/gocache-test mod=$W/mod
	export HOME=$W/home TMPDIR=$W/tmp GOPROXY=off GOSUMDB=off GOFLAGS= GO111MODULE=on
	unset GOTOOLCHAIN GOPATH GOMODCACHE GOENV GOTMPDIR
	mkdir -p "$HOME" "$TMPDIR"
	cp -r "$root/tests/fixtures/mod" "$mod"
	local build="GOCACHE=$GOC go build -a $PKGS"
	local test="cd $mod && GOCACHE=$GOT go test -count=1 ./..."
	# page cache and the test's build cache warm, untimed
	(GOCACHE=$GOC go build -a $PKGS && cd "$mod" && GOCACHE=$GOT go test -count=1 ./...) \
		>/dev/null || die "the Go workload fails untraced"

	local strace_set='%file,%process,mmap,write,pwrite64,writev,pwritev,fallocate,ftruncate'
	strace_set+=',fsync,fdatasync,copy_file_range,fchmod,fchown'
	local rows=(untraced gotraced-system gotraced-run strace-Z)
	command -v bpftrace >/dev/null && rows+=(bpftrace) ||
		echo "bench: bpftrace not installed: row skipped" >&2
	command -v opensnoop >/dev/null && rows+=(opensnoop-x) ||
		echo "bench: opensnoop (libbpf-tools) not installed: row skipped" >&2
	# hf NAME PREFIX: one timed build and TEST_PER_ROUND timed tests, times appended
	hf() {
		local name=$1 prefix=$2
		hyperfine --style none --runs 1 --prepare "rm -rf $GOC" \
			--export-json "$W/hf.json" "$prefix sh -c '$build'" >"$W/$name-build.log" 2>&1 &&
			jq '.results[0].times[]' "$W/hf.json" >>"$W/$name-build.times" &&
		hyperfine --style none --runs "$TEST_PER_ROUND" --warmup 1 \
			--export-json "$W/hf.json" "$prefix sh -c '$test'" >"$W/$name-test.log" 2>&1 &&
			jq '.results[0].times[]' "$W/hf.json" >>"$W/$name-test.times" ||
		{ echo "bench: $name: a run failed (see $W/$name-*.log)" >&2; return 1; }
	}
	# one_round NAME: set the tracer up, time the workloads under it, take it down
	one_round() {
		case $1 in
		untraced) hf untraced "" ;;
		gotraced-system) start_gotraced gt-system && { hf "$1" ""; bg_stop; } ;;
		gotraced-run) hf "$1" "$GT -f json -o $W/gt-run.json --" ;;
		strace-Z) hf "$1" "strace -f -qq -Z -o $W/strace.out -e trace=$strace_set" ;;
		bpftrace) bg_start bpftrace "$W/bpftrace.out" '^Attaching' \
				bpftrace "$root/bench/peer-errors.bt" && { hf "$1" ""; bg_stop; } ;;
		opensnoop-x) bg_start opensnoop "$W/opensnoop.out" '^PID' opensnoop -x &&
				{ hf "$1" ""; bg_stop; } ;;
		esac
	}
	echo "bench: go workloads ($RUNS rounds of {${rows[*]}}: go build -a $PKGS;" \
		"$TEST_PER_ROUND x go test)..." >&2
	# rounds interleave the tracers (rotated each round), so drift in the machine's
	# load hits every row alike instead of whichever ran during it
	local r i n=${#rows[@]}
	for ((r = 0; r < RUNS; r++)); do
		for ((i = 0; i < n; i++)); do
			one_round "${rows[(i + r) % n]}"
		done
	done

	local b0 t0
	b0=$(median <"$W/untraced-build.times")
	t0=$(median <"$W/untraced-test.times")
	echo
	echo "Go workloads: median wall time (s) over $RUNS rounds ($((RUNS * TEST_PER_ROUND)) tests) and ratio to untraced"
	printf '%-18s %10s %8s %10s %8s\n' tracer "build(s)" ratio "test(s)" ratio
	for r in "${rows[@]}"; do
		local b t
		[ -s "$W/$r-build.times" ] || continue
		b=$(median <"$W/$r-build.times")
		t=$(median <"$W/$r-test.times")
		printf '%-18s %10.3f %8s %10.3f %8s\n' "$r" "$b" "$(ratio "$b" "$b0")" "$t" "$(ratio "$t" "$t0")"
	done
	# proof that the tracers were tracing
	spread() { sort -g "$1" | sed -n '1p;$p' | xargs printf '%.2f-%.2f' ; }
	echo "untraced spread (min-max): build $(spread "$W/untraced-build.times") s," \
		"test $(spread "$W/untraced-test.times") s; a wide spread means a busy machine"
	n=$(jq -c 'select(.type == "exit")' "$W/gt-system.out" 2>/dev/null | wc -l)
	echo "(gotraced system-wide reported $n go command exits (last round); gotraced run mode" \
		"$(jq -c 'select(.type == "exit")' "$W/gt-run.json" 2>/dev/null | wc -l);" \
		"strace $(wc -l <"$W/strace.out" 2>/dev/null || echo 0) failed calls (last run);" \
		"bpftrace $(grep -c '^[0-9]' "$W/bpftrace.out" 2>/dev/null || echo 0);" \
		"opensnoop $(grep -vc '^PID' "$W/opensnoop.out" 2>/dev/null || echo 0) lines)"
}

# ---- Untraced processes: ns per syscall --------------------------------------------------------
loop_section() {
	local rep cfg
	echo "bench: syscall loop ($LOOP_REPEAT x {none, empty, gotraced}, $LOOP_ROUNDS x $LOOP_CALLS calls each)..." >&2
	for ((rep = 0; rep < LOOP_REPEAT; rep++)); do
		for cfg in none empty gotraced; do
			case $cfg in
			empty) bg_start empty "$W/empty.err" ready "$BO/empty" || return 1 ;;
			gotraced) start_gotraced gt-loop || return 1 ;;
			esac
			"$BO/sysloop" "$LOOP_CALLS" "$LOOP_ROUNDS" | sed "s/^/$cfg /" >>"$W/loop.txt"
			bg_stop
		done
	done
	echo
	echo "Untraced process (outside any Go tree): ns per syscall, fastest of $((LOOP_REPEAT * LOOP_ROUNDS)) rounds"
	printf '%-18s %10s %10s %10s %14s %14s\n' call none empty gotraced "empty-none" "gotraced-none"
	for call in getppid_ok close_EBADF faccessat_ENOENT; do
		local n e g
		n=$(awk -v c="$call" '$1 == "none" && $2 == c {print $3}' "$W/loop.txt" | sort -g | head -1)
		e=$(awk -v c="$call" '$1 == "empty" && $2 == c {print $3}' "$W/loop.txt" | sort -g | head -1)
		g=$(awk -v c="$call" '$1 == "gotraced" && $2 == c {print $3}' "$W/loop.txt" | sort -g | head -1)
		printf '%-18s %10.1f %10.1f %10.1f %14.1f %14.1f\n' "$call" "$n" "$e" "$g" \
			"$(awk -v a="$e" -v b="$n" 'BEGIN{print a-b}')" "$(awk -v a="$g" -v b="$n" 'BEGIN{print a-b}')"
	done
}

# ---- Flood -------------------------------------------------------------------------------------
# flood_once N: one flood in run mode (only its own tree is traced, so other
# Go builds on the machine neither add findings nor share its losses); prints a row
flood_once() {
	local n=$1 calls denied secs fcpu found lost t0 t1 cpu
	t0=$(awk '{print $16 + $17}' /proc/$$/stat)	# children's ticks so far
	"$GT" -f json -o "$W/gt-flood.json" -- "$BO/bin/go" "$W/deny" "$n" >"$W/flood.txt" 2>"$W/gt-flood.err"
	t1=$(awk '{print $16 + $17}' /proc/$$/stat)
	read -r _ calls _ denied _ secs _ fcpu <"$W/flood.txt" || return 1
	found=$(jq -s '[.[] | select(.type == "finding") | .count] | add // 0' "$W/gt-flood.json")
	lost=$(jq -s '[.[] | select(.type == "lost") | .count] | add // 0' "$W/gt-flood.json")
	# the daemon's CPU: gotraced and its child, less the child's own
	cpu=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v f="$fcpu" -v b="$START_CPU" 'BEGIN {printf "%.2f", t / hz - f - b}')
	printf '%-10s %8.0f %10s %10s %10s %14s %10s\n' "$calls" "$(awk -v c="$calls" -v s="$secs" 'BEGIN{print c/s}')" \
		"$found" "$lost" "$(awk -v f="$found" -v s="$secs" 'BEGIN{printf "%.0f", f/s}')" \
		"$cpu/$secs" "$( [ "$denied" = $((found + lost)) ] && echo yes || echo "NO($((denied - found - lost)))")"
	rm -f "$W/gt-flood.json"
}

flood_section() {
	mkdir -m 0700 "$W/deny"
	# the CPU a run-mode daemon spends with nothing to trace (BPF load, verifier), subtracted
	local t0 t1
	t0=$(awk '{print $16 + $17}' /proc/$$/stat)
	"$GT" -f json -o /dev/null -- true 2>/dev/null
	t1=$(awk '{print $16 + $17}' /proc/$$/stat)
	START_CPU=$(awk -v t=$((t1 - t0)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')
	echo "bench: flood (20000 and $FLOOD_N denied calls)..." >&2
	echo
	echo "Flood: a go-named process making denied openat calls (EACCES) as fast as it can"
	echo "(daemon cpu: CPU seconds beyond the ${START_CPU}s of an idle start and stop / the flood's wall seconds)"
	printf '%-10s %8s %10s %10s %10s %14s %10s\n' calls "calls/s" "in counts" lost "counted/s" \
		"daemon cpu/s" conserved
	flood_once 20000
	flood_once "$FLOOD_N"
}

# ---- Footprint ---------------------------------------------------------------------------------
footprint_section() {
	local i t0 t1 ms=() pid rss lock=0 f
	echo "bench: footprint..." >&2
	for ((i = 0; i < 5; i++)); do
		t0=$(date +%s%N)
		start_gotraced gt-fp || return 1
		t1=$(date +%s%N)
		ms+=("$(( (t1 - t0) / 1000000 ))")
		[ "$i" -lt 4 ] && bg_stop
	done
	pid=$BG_PID
	sleep 1
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	# memlock of every BPF map and program the daemon holds open, each once
	# (the two skeletons share maps through separate fds)
	lock=$(for f in /proc/"$pid"/fdinfo/*; do
		awk '/^memlock:/ {m = $2} /^(map|prog)_id:/ {id = $1 $2} END {if (id) print id, m}' "$f" 2>/dev/null
	done | sort -u | awk '{s += $2} END {print s + 0}')
	bg_stop
	echo
	echo "Footprint of the daemon (system-wide mode, idle)"
	printf '%-28s %s\n' "start to ready (ms, median/5)" "$(printf '%s\n' "${ms[@]}" | median) (5 starts: ${ms[*]})"
	printf '%-28s %s kB\n' "resident memory" "$rss"
	printf '%-28s %s kB\n' "locked BPF memory" "$((lock / 1024))"
}

for s in $ONLY; do
	case $s in
	go) go_section ;;
	loop) loop_section ;;
	flood) flood_section ;;
	footprint) footprint_section ;;
	*) die "unknown section $s" ;;
	esac
done
