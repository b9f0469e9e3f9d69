#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run "$@" with a private systemd-journald: a new mount namespace with
# tmpfs over the journal's sockets and files, so the host's journal (if
# any) is neither read nor written. Exit 77 when journald cannot run here.
set -eu
[ -z "${GT_IN_NS:-}" ] && GT_IN_NS=1 exec unshare -m --propagation private "$0" "$@"
mkdir -p /run/systemd /run/log /var/log/journal
mount -t tmpfs tmpfs /run/systemd
mount -t tmpfs tmpfs /run/log
mount -t tmpfs tmpfs /var/log/journal
mkdir -p /run/systemd/journal
/lib/systemd/systemd-journald >/dev/null 2>&1 &
J=$!
i=0
while [ ! -S /run/systemd/journal/socket ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { kill $J 2>/dev/null; exit 77; }
	sleep 0.05
done
st=0
"$@" || st=$?
journalctl --sync 2>/dev/null || sleep 1
kill $J
wait $J 2>/dev/null || true
exit $st
