#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A docker daemon for the container tests (Debian's docker.io). Uses the
# machine's own when one answers at /var/run/docker.sock; else starts one
# with the default data root (/var/lib/docker: gotraced reads the names
# from its state files there) on a socket of its own, with no bridge and no
# iptables rules (the tests run with --network=none and must not touch the
# host's network), and stops it when its last user is done.
#   dockerd.sh up     start it if needed, count a user, print DOCKER_HOST
#   dockerd.sh down   uncount a user; the last one stops a daemon started here
# Exit 1 with the reason on stderr when docker cannot run here.
set -euo pipefail

sock=/run/gotraced-test-docker.sock
exec_root=/run/gotraced-test-docker
pidfile=/run/gotraced-test-docker.pid
users=/run/gotraced-test-docker.users
log=${GT_CACHE:-/var/cache/gotraced-test}/dockerd.log
docker=$(command -v /usr/bin/docker docker | head -n1)

answers() { DOCKER_HOST=$1 timeout 10 "$docker" info >/dev/null 2>&1; }

exec 9>/run/gotraced-test-docker.lock
flock 9
case ${1:-} in
up)
	command -v dockerd >/dev/null || { echo "dockerd not installed (docker.io, make deps)" >&2; exit 1; }
	if answers unix:///var/run/docker.sock; then
		echo unix:///var/run/docker.sock
		exit 0
	fi
	if ! answers "unix://$sock"; then
		mkdir -p "$exec_root" "$(dirname "$log")"
		# its own session, every inherited fd closed (bats waits for fd 3)
		setsid dockerd --host "unix://$sock" --exec-root "$exec_root" --pidfile "$pidfile" \
			--bridge=none --iptables=false --ip6tables=false --ip-forward=false \
			--ip-masq=false </dev/null >>"$log" 2>&1 3>&- 9>&- &
		for ((i = 0; i < 120; i++)); do
			answers "unix://$sock" && break
			kill -0 $! 2>/dev/null || { tail -5 "$log" >&2; exit 1; }
			sleep 0.5
		done
		answers "unix://$sock" || { echo "dockerd did not answer in 60 s" >&2; tail -5 "$log" >&2; exit 1; }
		echo 0 >"$users"
	fi
	echo $(($(cat "$users" 2>/dev/null || echo 0) + 1)) >"$users"
	echo "unix://$sock"
	;;
down)
	[ -f "$users" ] || exit 0
	n=$(($(cat "$users") - 1))
	echo "$n" >"$users"
	if [ "$n" -le 0 ] && [ -f "$pidfile" ]; then
		pid=$(cat "$pidfile")
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 60; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		rm -f "$users"
	fi
	;;
*)
	echo "usage: $0 up|down" >&2
	exit 2
	;;
esac
