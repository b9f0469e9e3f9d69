#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make bench`: gotraced's overhead against untraced runs and against the
# tools people would otherwise use, its cost on processes it does not trace,
# a flood of denied calls, and its footprint. Prints tables; asserts nothing.
#
# Knobs (environment):
#   BENCH_RUNS=7          pairs (untraced, traced) of a cold `go build -a` per tracer
#   BENCH_TEST_PER_ROUND=3  `go test` pairs per build pair
#   BENCH_GO_ROWS="gotraced-system gotraced-run strace-Z bpftrace opensnoop-x"
#   BENCH_PKGS="..."      std packages the build compiles
#   BENCH_LOOP_CALLS=100000 BENCH_LOOP_ROUNDS=11 BENCH_LOOP_REPEAT=3  syscall loop
#   BENCH_FLOOD_N=1000000 denied calls in the big flood (a small one of 20000 runs too)
#   BENCH_FLOOD_THREADS=$(nproc) threads making them
#   BENCH_ONLY="go loop flood footprint"  sections to run
#   BENCH_KEEP=1          keep the scratch directory (outputs of every tracer)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
GT=${BENCH_GOTRACED:-$root/gotraced}	# another build (a "before") may be named
BO=$root/.output/bench
RUNS=${BENCH_RUNS:-7}
TEST_PER_ROUND=${BENCH_TEST_PER_ROUND:-3}
PKGS=${BENCH_PKGS:-"strings strconv unicode/utf8 errors"}
LOOP_CALLS=${BENCH_LOOP_CALLS:-100000}
LOOP_ROUNDS=${BENCH_LOOP_ROUNDS:-11}
LOOP_REPEAT=${BENCH_LOOP_REPEAT:-3}
FLOOD_N=${BENCH_FLOOD_N:-1000000}
FLOOD_THREADS=${BENCH_FLOOD_THREADS:-$(nproc)}
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
	# the last start's ready line must not count: the child truncates its files only later
	rm -f "$rf"
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
commit=${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null)}
[ -n "${BENCH_COMMIT:-}" ] || git -C "$root" diff --quiet HEAD -- 2>/dev/null || commit+="+dirty"
echo "bench: commit ${commit:-?}, $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r)," \
	"load $(cut -d' ' -f1-3 /proc/loadavg), ${others:-?} tracing BPF programs already loaded by others"

# ---- Go workloads ------------------------------------------------------------------------------
# Each tracer is measured in pairs: one untraced run and one traced run back to back, the
# order alternating from pair to pair, so the machine's drift (other engineers' builds)
# hits both halves of a pair alike. The figure is the traced/untraced ratio of each pair:
# their median and spread. A median below 1 is noise (a tracer cannot make go faster).

# stats: ratios on stdin -> "median p25 p75 min max n"
stats() {
	sort -g | awk '{v[NR] = $1} END {
		if (!NR) { print "nan nan nan nan nan 0"; exit }
		q1 = v[int((NR - 1) / 4) + 1]; q3 = v[NR - int((NR - 1) / 4)]
		printf "%.3f %.3f %.3f %.3f %.3f %d\n", v[int((NR + 1) / 2)], q1, q3, v[1], v[NR], NR }'
}

# verdict MEDIAN P25 P75: what a reader may conclude from the pair ratios
verdict() {
	awk -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN {
		if (m < 1) print "noise (median below 1, not a speed-up)"
		else if (lo <= 1) printf "+%.1f%%, within noise (quartiles span 1)\n", (m - 1) * 100
		else printf "+%.1f%%\n", (m - 1) * 100 }'
}

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
	local rows=() r
	for r in ${BENCH_GO_ROWS:-gotraced-system gotraced-run strace-Z bpftrace opensnoop-x}; do
		case $r in
		bpftrace|opensnoop-x) command -v "${r%-x}" >/dev/null ||
			{ echo "bench: $r not installed: row skipped" >&2; continue; } ;;
		esac
		rows+=("$r")
	done
	# timed NAME WORK PREFIX: run WORK once under PREFIX, append its seconds to NAME.times
	timed() {
		local t0 t1
		[ "$2" = build ] && rm -rf "$GOC"
		t0=$(date +%s%N)
		if [ "$2" = build ]; then $3 sh -c "$build"; else $3 sh -c "$test"; fi \
			>>"$W/$1-$2.log" 2>&1 || { echo "bench: $1 $2 failed (see $W/$1-$2.log)" >&2; return 1; }
		t1=$(date +%s%N)
		echo "$(( (t1 - t0) / 1000 ))" | awk '{printf "%.6f\n", $1 / 1e6}'
	}
	# traced ROW WORK: one run under the tracer (set up and torn down untimed)
	traced() {
		case $1 in
		gotraced-system) start_gotraced gt-system && { timed "$1" "$2" ""; bg_stop; } ;;
		gotraced-run) timed "$1" "$2" "$GT -f json -o $W/gt-run.json --" ;;
		strace-Z) timed "$1" "$2" "strace -f -qq -Z -o $W/strace.out -e trace=$strace_set" ;;
		bpftrace) bg_start bpftrace "$W/bpftrace.out" '^Attaching' \
				bpftrace "$root/bench/peer-errors.bt" && { timed "$1" "$2" ""; bg_stop; } ;;
		opensnoop-x) bg_start opensnoop "$W/opensnoop.out" '^PID' opensnoop -x &&
				{ timed "$1" "$2" ""; bg_stop; } ;;
		esac
	}
	# pair ROW WORK I: one untraced and one traced run, in the order I's parity says
	pair() {
		local u t
		if (($3 % 2)); then
			t=$(traced "$1" "$2") && u=$(timed untraced "$2" "")
		else
			u=$(timed untraced "$2" "") && t=$(traced "$1" "$2")
		fi || return 1
		echo "$u" >>"$W/untraced-$2.times"
		awk -v t="$t" -v u="$u" 'BEGIN {printf "%.4f\n", t / u}' >>"$W/$1-$2.ratios"
	}
	local tests=$((RUNS * TEST_PER_ROUND)) i
	echo "bench: go workloads ({${rows[*]}} x ($RUNS build pairs: go build -a $PKGS;" \
		"$tests test pairs: go test))..." >&2
	for ((i = 0; i < RUNS; i++)); do
		for r in "${rows[@]}"; do pair "$r" build "$i"; done
	done
	for ((i = 0; i < tests; i++)); do
		for r in "${rows[@]}"; do pair "$r" test "$i"; done
	done

	echo
	echo "Go workloads: traced/untraced wall-time ratio of interleaved pairs (untraced and traced"
	echo "back to back, order alternating): median [p25-p75] (min-max) of the pair ratios"
	printf '%-16s %-5s %3s %7s %15s %15s  %s\n' tracer work n median "p25-p75" "min-max" verdict
	local w m q1 q3 lo hi n
	for r in "${rows[@]}"; do
		for w in build test; do
			[ -s "$W/$r-$w.ratios" ] || continue
			read -r m q1 q3 lo hi n < <(stats <"$W/$r-$w.ratios")
			printf '%-16s %-5s %3d %7.3f %15s %15s  %s\n' "$r" "$w" "$n" "$m" "$q1-$q3" \
				"$lo-$hi" "$(verdict "$m" "$q1" "$q3")"
		done
	done
	spread() { sort -g "$1" | sed -n '1p;$p' | xargs printf '%.2f-%.2f' ; }
	echo "untraced alone: build median $(median <"$W/untraced-build.times" | xargs printf '%.2f') s" \
		"(min-max $(spread "$W/untraced-build.times")), test median" \
		"$(median <"$W/untraced-test.times" | xargs printf '%.2f') s (min-max $(spread "$W/untraced-test.times"))"
	# proof that the tracers were tracing
	n=$(jq -c 'select(.type == "exit")' "$W/gt-system.out" 2>/dev/null | wc -l)
	echo "(last run: gotraced system-wide reported $n go command exits; run mode" \
		"$(jq -c 'select(.type == "exit")' "$W/gt-run.json" 2>/dev/null | wc -l);" \
		"strace $(cat "$W/strace.out" 2>/dev/null | wc -l) failed calls;" \
		"bpftrace $(grep -c '^[0-9]' "$W/bpftrace.out" 2>/dev/null || echo 0);" \
		"opensnoop $(grep -vc '^PID' "$W/opensnoop.out" 2>/dev/null || echo 0) lines)"
}

# ---- Untraced processes: ns per syscall --------------------------------------------------------
# held_prog_ids PID...: ids of the BPF programs these processes hold
held_prog_ids() {
	local p
	for p in "$@"; do
		for f in /proc/"$p"/fdinfo/*; do awk '/^prog_id:/ {print $2}' "$f" 2>/dev/null; done
	done | sort -un
}

# syscall_hooks PID: the programs of process PID on the syscall tracepoints (every
# syscall of the machine runs each of them): a count the machine's load cannot blur
syscall_hooks() {
	local ids
	ids=$(held_prog_ids "$1")
	bpftool -j prog show 2>/dev/null | jq -r --argjson ids "[$(echo $ids | tr ' ' ',')]" \
		'.[] | select(.id as $i | $ids | index($i)) | .name' |
		grep -E '^gt_sys_(enter|exit)$' | sort | paste -sd' '
}

# The figure that matters is gotraced's added cost over one empty tp_btf program's added
# cost (both over nothing loaded), for a successful call and for failed ones: 1.0 means
# gotraced costs an untraced process what any single tp_btf hook costs.
loop_section() {
	local rep cfg i cfgs=(none empty gotraced)
	echo "bench: syscall loop ($LOOP_REPEAT x {none, empty, gotraced}, $LOOP_ROUNDS x $LOOP_CALLS calls each)..." >&2
	for ((rep = 0; rep < LOOP_REPEAT; rep++)); do
		for ((i = 0; i < 3; i++)); do
			cfg=${cfgs[(i + rep) % 3]}	# rotated, so drift does not favour one
			case $cfg in
			empty) bg_start empty "$W/empty.err" ready "$BO/empty" || return 1 ;;
			gotraced) start_gotraced gt-loop || return 1
				[ -s "$W/hooks.txt" ] || syscall_hooks "$BG_PID" >"$W/hooks.txt" ;;
			esac
			"$BO/sysloop" "$LOOP_CALLS" "$LOOP_ROUNDS" | sed "s/^/$cfg $rep /" >>"$W/loop.txt"
			bg_stop
		done
	done
	echo
	echo "Untraced process (outside any Go tree): CPU ns per syscall (the loop's own CPU time), fastest of $((LOOP_REPEAT * LOOP_ROUNDS)) rounds;"
	echo "ratio = gotraced's added ns / the empty program's added ns (fastest rounds; and the"
	echo "median over the $LOOP_REPEAT repeats of each repeat's own ratio); '-': the empty program's delta was lost in noise;"
	echo "'~': below 1, which is noise (a hook cannot make a call cheaper), read as 1"
	echo "programs gotraced runs on every syscall of the machine: $(wc -w <"$W/hooks.txt") ($(cat "$W/hooks.txt"))"
	printf '%-18s %9s %9s %9s %10s %13s %7s %12s\n' call none empty gotraced "empty-none" \
		"gotraced-none" ratio "ratio(med)"
	for call in getppid_ok close_EBADF faccessat_ENOENT; do
		local n e g rr
		n=$(awk -v c="$call" '$1 == "none" && $3 == c {print $4}' "$W/loop.txt" | sort -g | head -1)
		e=$(awk -v c="$call" '$1 == "empty" && $3 == c {print $4}' "$W/loop.txt" | sort -g | head -1)
		g=$(awk -v c="$call" '$1 == "gotraced" && $3 == c {print $4}' "$W/loop.txt" | sort -g | head -1)
		rr=$(awk -v c="$call" '$3 == c {v[$2, $1] = $4; r[$2] = 1}
			END {for (k in r) { d = v[k, "empty"] - v[k, "none"]
				if (d > 0) print (v[k, "gotraced"] - v[k, "none"]) / d }}' "$W/loop.txt" |
			median)
		printf '%-18s %9.1f %9.1f %9.1f %10.1f %13.1f %7s %12s\n' "$call" "$n" "$e" "$g" \
			"$(awk -v a="$e" -v b="$n" 'BEGIN{print a-b}')" "$(awk -v a="$g" -v b="$n" 'BEGIN{print a-b}')" \
			"$(awk -v g="$g" -v e="$e" -v n="$n" 'BEGIN{ if (e - n > 0) { r = (g - n) / (e - n)
				printf "%.2f%s", r, r < 1 ? "~" : "" } else print "-"}')" \
			"$(awk -v r="$rr" 'BEGIN{ if (r == "nan") print "-"; else printf "%.2f%s", r, r < 1 ? "~" : ""}')"
	done
	body_table
}

# The programs' own bodies, which load blurs far less than the loop: ns per run of
# gt_sys_exit and of the empty program, both loaded, while the loop makes one kind of
# call (bench/progstat.c: the kernel's run-time statistics, on only while it runs; they
# add their own clock reads to both figures alike). ratio(body) puts gotraced's extra
# body time on top of the dispatch cost the loop measured (empty - none, fastest rounds).
body_table() {
	local call n e out be bg
	local empty_pid
	bg_start empty "$W/empty.err" ready "$BO/empty" || return 1
	empty_pid=$BG_PID
	start_gotraced gt-body || { kill -INT "$empty_pid"; wait "$empty_pid"; return 1; }
	echo
	echo "Program bodies while the loop runs (ns per run, BPF run-time statistics):"
	printf '%-18s %9s %9s %9s %11s\n' call empty gotraced extra "ratio(body)"
	local ids
	ids=$(held_prog_ids "$BG_PID" "$empty_pid" | paste -sd,)
	for call in getppid_ok close_EBADF faccessat_ENOENT; do
		out=$("$BO/progstat" "$ids" "$BO/sysloop" "$LOOP_CALLS" 3 "$call")
		be=$(awk '$1 == "bench_empty_exi" {print $2}' <<<"$out")
		bg=$(awk '$1 == "gt_sys_exit" {print $2}' <<<"$out")
		n=$(awk -v c="$call" '$1 == "none" && $3 == c {print $4}' "$W/loop.txt" | sort -g | head -1)
		e=$(awk -v c="$call" '$1 == "empty" && $3 == c {print $4}' "$W/loop.txt" | sort -g | head -1)
		printf '%-18s %9.1f %9.1f %9.1f %11s\n' "$call" "$be" "$bg" \
			"$(awk -v a="$bg" -v b="$be" 'BEGIN{print a-b}')" \
			"$(awk -v g="$bg" -v b="$be" -v e="$e" -v n="$n" \
				'BEGIN{ if (e - n > 0) printf "%.2f", (e - n + g - b) / (e - n); else print "-"}')"
	done
	bg_stop
	kill -INT "$empty_pid"
	wait "$empty_pid" 2>/dev/null
}

# ---- Flood -------------------------------------------------------------------------------------
# flood_once N: one flood in run mode (only its own tree is traced, so other
# Go builds on the machine neither add findings nor share its losses); prints a row.
# The daemon's CPU during the flood: its total (children's ticks of this shell, less
# the flood's own) less what it had used when the flood began (the flood reads it
# from its parent, the daemon), so BPF loading is not counted.
flood_once() {
	local n=$1 calls denied secs fcpu pticks found lost t0 t1 cpu
	t0=$(awk '{print $16 + $17}' /proc/$$/stat)	# children's ticks so far
	"$GT" -f json -o "$W/gt-flood.json" -- "$BO/bin/go" "$W/deny" "$n" "$FLOOD_THREADS" \
		>"$W/flood.txt" 2>"$W/gt-flood.err"
	t1=$(awk '{print $16 + $17}' /proc/$$/stat)
	read -r _ calls _ denied _ secs _ fcpu _ pticks _ <"$W/flood.txt" || return 1
	# a call is counted in a finding's count or, when its process succeeded (the
	# hold absorbed it), in the exit's absorbed
	found=$(jq -s '[.[] | select(.type == "finding") | .count] + [.[] | select(.type == "exit") | .absorbed // 0] | add // 0' "$W/gt-flood.json")
	lost=$(jq -s '[.[] | select(.type == "lost") | .count] | add // 0' "$W/gt-flood.json")
	cpu=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v f="$fcpu" -v p="$pticks" \
		'BEGIN {printf "%.2f", (t - p) / hz - f}')
	printf '%-9s %8.0f %9s %9s %9s %7s %8s %10s %8s %10s\n' "$calls" \
		"$(awk -v c="$calls" -v s="$secs" 'BEGIN{print c/s}')" \
		"$found" "$lost" "$(awk -v f="$found" -v s="$secs" 'BEGIN{printf "%.0f", f/s}')" \
		"$secs" "$cpu" "$(awk -v c="$cpu" -v s="$secs" 'BEGIN{printf "%.3f", c/s}')" \
		"$(awk -v c="$cpu" -v n="$calls" 'BEGIN{printf "%.2f", c * 1e6 / n}')" \
		"$( [ "$denied" = $((found + lost)) ] && echo yes || echo "NO($((denied - found - lost)))")"
	rm -f "$W/gt-flood.json"
}

flood_section() {
	mkdir -m 0700 "$W/deny"
	echo "bench: flood (20000 and $FLOOD_N denied calls, $FLOOD_THREADS threads)..." >&2
	echo
	echo "Flood: a go-named process, $FLOOD_THREADS threads, making denied openat calls (EACCES)"
	echo "as fast as they can; daemon cpu: its CPU seconds from the flood's start to its own exit"
	echo "(cpu us/call: the daemon's CPU per denied call, which the machine's load changes least)"
	printf '%-9s %8s %9s %9s %9s %7s %8s %10s %8s %10s\n' calls "calls/s" "in counts" lost \
		"counted/s" "wall s" "cpu s" "cpu s/s" "us/call" conserved
	flood_once 20000
	flood_once "$FLOOD_N"
}

# ---- Footprint ---------------------------------------------------------------------------------
footprint_section() {
	local i t0 t1 ms=() cms=() pid rss lock=0 f
	echo "bench: footprint..." >&2
	for ((i = 0; i < 5; i++)); do
		t0=$(date +%s%N)
		start_gotraced gt-fp || return 1
		t1=$(date +%s%N)
		ms+=("$(( (t1 - t0) / 1000000 ))")
		# its CPU to ready: what load on the machine stretches least
		cms+=("$(awk -v hz="$HZ" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$BG_PID/stat")")
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
	printf '%-28s %s (5 starts: %s)\n' "CPU to ready (ms, median/5)" "$(printf '%s\n' "${cms[@]}" | median)" "${cms[*]}"
	printf '%-28s %s kB\n' "resident memory" "$rss"
	printf '%-28s %s kB\n' "locked BPF memory" "$((lock / 1024))"
}

for s in $ONLY; do
	echo; echo "[$s: load $(cut -d' ' -f1-3 /proc/loadavg) at the start]"
	case $s in
	go) go_section ;;
	loop) loop_section ;;
	flood) flood_section ;;
	footprint) footprint_section ;;
	*) die "unknown section $s" ;;
	esac
done
