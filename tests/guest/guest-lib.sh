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
