#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Prometheus: --metrics-file for node_exporter's textfile collector, read by
# Debian's real prometheus-node-exporter and scraped by a real Prometheus,
# both on localhost ports of their own, started and stopped here.

load lib

setup() {
	gt_setup
	for t in prometheus-node-exporter prometheus promtool curl python3; do
		command -v "$t" >/dev/null || skip "$t not installed (make deps)"
	done
	mkdir -p "$T/textfile"
	PROM=$T/textfile/gotraced.prom
}

teardown() { gt_teardown; }

# free_port: a localhost TCP port nobody listens on now
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL TIMEOUT_S PID: until URL answers
wait_http() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		curl -sf -o /dev/null "$1" && return 0
		kill -0 "$3" 2>/dev/null || { echo "pid $3 exited before $1 answered"; return 1; }
		sleep 0.1
	done
	echo "timeout (${2}s) waiting for $1"
	return 1
}

# promql QUERY: the query's first value through Prometheus' HTTP API ("" when none)
promql() {
	curl -sf "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // ""'
}

@test "metrics: a failing go test's findings reach Prometheus through node_exporter's textfile collector" {
	copy_module
	cd "$MOD"
	mkdir "$T/gt-nx"
	# a real failure: go test cannot run its binary from a noexec TMPDIR
	run --separate-stderr timeout 120 "$GOTRACED" -o "$OUT" -f json --metrics-file "$PROM" -- \
		unshare -m sh -c 'mount -t tmpfs -o noexec tmpfs "$1" &&
		TMPDIR="$1" exec go test .' sh "$T/gt-nx"
	echo "$stderr"
	[ "$status" -ne 0 ]		# go test's own status, not gotraced's
	[[ "$output" == *"permission denied"* ]]	# go test says it on stdout
	dump_out
	n=$(findings '.cause == "noexec" and .go_dir == "TMPDIR"' | count)
	all=$(findings 'true' | count)
	calls=$(jq -s '[.[] | select(.type == "finding") | .count] | add' "$OUT")
	echo "findings: $n noexec on TMPDIR, $all in all, $calls failed calls"
	[ "$n" -ge 1 ]
	# the file: valid text format, readable by node_exporter's user, no temporary left
	cat "$PROM"
	promtool check metrics <"$PROM"
	[ "$(stat -c %a "$PROM")" = 644 ]
	[ "$(ls "$T/textfile")" = gotraced.prom ]
	grep -qx "gotraced_findings_total{cause=\"noexec\",go_dir=\"TMPDIR\",container_runtime=\"host\",go_version=\"[^\"]*\"} $n" "$PROM"
	grep -qx "gotraced_failed_calls_total $calls" "$PROM"
	grep -qE '^gotraced_go_commands_failed_total\{container_runtime="host",go_version="[^"]*"\} 1$' "$PROM"
	grep -qE '^gotraced_build_info\{version="[^"]+",mode="run"\} 1$' "$PROM"

	# node_exporter serves it (textfile collector only, on a free localhost port)
	NP=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$NP" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$T/textfile" \
		>"$T/node.log" 2>&1 &
	NODE=$!
	GT_BG_PIDS="$NODE"
	wait_http "http://127.0.0.1:$NP/metrics" 30 "$NODE" || { cat "$T/node.log"; false; }
	curl -sf "http://127.0.0.1:$NP/metrics" >"$T/node.metrics"
	grep -q "^gotraced_findings_total{.*cause=\"noexec\".*} $n$" "$T/node.metrics"
	# the collector read the file without error
	grep -qx 'node_textfile_scrape_error 0' "$T/node.metrics"

	# Prometheus scrapes the exporter; PromQL through its HTTP API gives the counts
	PP=$(free_port)
	cat >"$T/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	scrape_configs:
	  - job_name: gotraced
	    static_configs:
	      - targets: ['127.0.0.1:$NP']
	EOF
	promtool check config "$T/prometheus.yml"
	prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/promdata" \
		--web.listen-address="127.0.0.1:$PP" >"$T/prom.log" 2>&1 &
	PROMD=$!
	GT_BG_PIDS="$NODE $PROMD"
	wait_http "http://127.0.0.1:$PP/-/ready" 60 "$PROMD" || { tail -20 "$T/prom.log"; false; }
	q='sum(gotraced_findings_total{job="gotraced",cause="noexec",go_dir="TMPDIR"})'
	got=
	for ((i = 0; i < 300; i++)); do
		got=$(promql "$q")
		[ -n "$got" ] && break
		sleep 0.1
	done
	echo "PromQL $q = $got"
	[ "$got" = "$n" ]
	[ "$(promql 'sum(gotraced_findings_total{job="gotraced"})')" = "$all" ]
	[ "$(promql 'gotraced_failed_calls_total{job="gotraced"}')" = "$calls" ]
	[ "$(promql 'sum(gotraced_go_commands_failed_total{job="gotraced"})')" = 1 ]
	kill -TERM "$PROMD" "$NODE"
	wait "$PROMD" "$NODE" || true
	GT_BG_PIDS=
}

@test "metrics: machine-wide, the file follows the daemon's counts; an unwritable one is said once" {
	ensure_gtuser
	copy_module "$GT_USER"
	cd "$MOD"
	mkdir -m 0755 "$T/rootcache"
	start_daemon -o "$OUT" -f json --metrics-file "$PROM" --flush-ms 100 --socket "$T/sock"
	# written at start (just after the ready line), before any event
	for ((i = 0; i < 50; i++)); do [ -s "$PROM" ] && break; sleep 0.1; done
	[ -s "$PROM" ]
	grep -qE '^gotraced_build_info\{version="[^"]+",mode="machine-wide"\} 1$' "$PROM"
	progs=$(sed -n 's/^gotraced_programs_attached //p' "$PROM")
	[ "$progs" -ge 2 ]
	# gotraced status names it among the sinks
	"$GOTRACED" status --socket "$T/sock" | jq -e --arg p "$PROM" '.sinks | index($p)'
	grep -qx 'gotraced_clients 0' "$PROM"
	GOCACHE=$T/rootcache run go_cmd "${AS_GT[@]}" go build -o /dev/null .
	[ "$status" -ne 0 ]
	wait_go_exits
	# within a couple of seconds the file has our finding, without the daemon stopping
	for ((i = 0; i < 50; i++)); do
		grep -q '^gotraced_findings_total{cause="permission",go_dir="GOCACHE"' "$PROM" && break
		sleep 0.1
	done
	grep '^gotraced_findings_total{cause="permission",go_dir="GOCACHE"' "$PROM"
	promtool check metrics <"$PROM"
	# the directory vanishes: a warning once, tracing goes on; back: written again
	rm -rf "$T/textfile"
	sleep 2.5
	[ "$(grep -c "cannot write metrics to $PROM" "$ERR")" -eq 1 ]
	mkdir "$T/textfile"
	wait_for_line "$ERR" "metrics written to $PROM again" 10 "$DAEMON_PID"
	[ -s "$PROM" ]
	stop_daemon
	# the final write has every event the daemon wrote
	ev=$(grep -c . "$OUT")
	grep -qx "gotraced_events_total $ev" "$PROM"
	[ "$(awk '/^gotraced_findings_total\{/ { n += $NF } END { print n + 0 }' "$PROM")" = \
		"$(findings true | count)" ]
}
