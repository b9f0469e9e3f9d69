# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers for guest payloads (busybox sh): `. /gt/lib.sh`.

GT_DENIED_CONTEXT=system_u:object_r:gt_denied_t
GT_TEST_DOMAIN=system_u:system_r:gt_test_t
GT_PERMISSIVE_DOMAIN=system_u:system_r:gt_perm_t

# gt_result NAME pass|fail|skip DETAIL...: one line boot.sh counts
gt_result() { echo "GT-RESULT $*"; }

# gt_check NAME CMD...: pass when CMD succeeds, fail otherwise (with its output)
gt_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		gt_result "$name" pass "$(echo "$out" | tail -n1)"
	else
		gt_result "$name" fail "rc=$? $(echo "$out" | tail -n3 | tr '\n' ' ')"
	fi
}

# gt_runcon CONTEXT CMD...: run CMD in SELinux domain CONTEXT (as runcon)
gt_runcon() {
	(
		ctx=$1
		shift
		printf '%s' "$ctx" >/proc/self/attr/exec && exec "$@"
	)
}

# gt_uptime: seconds since the guest booted
gt_uptime() { cut -d' ' -f1 /proc/uptime; }

# gt_wait_ready NAME PID ERRFILE: wait for the daemon's "gotraced: ready"
# line in ERRFILE and say how it went: pass, or fail telling a daemon that
# exited (a program the verifier refused, say) from one still loading after
# GT_READY_SECS (default 120: TCG on a busy host). Returns 1 when not ready.
gt_wait_ready() {
	local name=$1 pid=$2 err=$3 t0 i=0 max=$((${GT_READY_SECS:-120} * 10)) rc
	t0=$(gt_uptime)
	while ! grep -q 'gotraced: ready' "$err" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -q 'gotraced: ready' "$err" 2>/dev/null && break
			wait "$pid"
			rc=$?
			sed 's/^/GT-ERR /' "$err"
			gt_result "$name" fail "gotraced exited (status $rc) before its ready line," \
				"after $(echo "$(gt_uptime) - $t0" | bc)s: $(grep -m1 'error:' "$err")"
			return 1
		fi
		if [ $i -ge $max ]; then
			sed 's/^/GT-ERR /' "$err"
			gt_result "$name" fail "no ready line after $(echo "$(gt_uptime) - $t0" | bc)s" \
				"(still loading; GT_READY_SECS=${GT_READY_SECS:-120})"
			kill "$pid" 2>/dev/null
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	gt_result "$name" pass "ready after $(echo "$(gt_uptime) - $t0" | bc)s"
}
