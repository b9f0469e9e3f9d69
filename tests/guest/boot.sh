#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Boot Debian's stock kernel under qemu (TCG: no KVM needed) with SELinux
# enforcing and BPF LSM on, run a payload script in it, and judge the run
# from the result lines the guest prints on its serial console.
#
#   boot.sh -p PAYLOAD... [-b BIN]... [-L BIN]... [-f SRC:DST]... [-e NAME=VALUE]...
#           [-s HOSTDIR:GUESTDIR]... [-l LOG] [-t SECS] [-m MEM] [-a ARGS] [-k KERNEL] [-n] [-v]
#
#   -p PAYLOAD  script run in the guest by /init once proc, sys, devtmpfs,
#               tmpfs /tmp, securityfs, tracefs, bpffs and selinuxfs are
#               mounted and the test policy is loaded; it prints
#               "GT-RESULT name pass|fail|skip detail" lines (see guest-lib.sh);
#               repeatable: several payloads share one boot, run in order
#   -b BIN      executable put on the guest's PATH (/gt/bin) with its libraries
#   -L BIN      only BIN's shared libraries (BIN itself comes over a share)
#   -f SRC:DST  extra file or directory for the guest
#   -e N=V      environment variable exported to the payloads
#   -s H:G      share host directory H read-only at G in the guest (9p over
#               virtio), e.g. -s /usr/lib/go-1.19:/usr/lib/go-1.19 for a Go
#               toolchain too big for the initramfs
#   -l LOG      keep the serial log there (default: a temporary file)
#   -t SECS     qemu's time limit (default 120)
#   -m MEM      guest memory (default 256M)
#   -a ARGS     more kernel command line
#   -k KERNEL   kernel image (default: the decompressed vmlinux that
#               fetch-kernel.sh caches in $GT_GUEST_DIR, .output/guest)
#   -n          no SELinux policy (SELinux stays enabled but unloaded)
#   -v          verbose kernel console (no "quiet"): shows AVC records
# Ends with "guest: N passed, N failed, N skipped" (GT-RESULT lines; a guest
# that never reaches GT-DONE counts one more failure). Exit status: 0 when
# nothing failed, 1 otherwise, 77 when the guest cannot be run here.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
gdir=${GT_GUEST_DIR:-$root/.output/guest}
payloads=() log= timeout_s=120 mem=256M extra= kernel= policy=1 quiet=quiet
mkargs=() envs=() shares=()
while getopts "p:b:L:f:e:s:l:t:m:a:k:nv" opt; do
	case $opt in
	p) payloads+=(-p "$OPTARG") ;;
	b) mkargs+=(-b "$OPTARG") ;;
	L) mkargs+=(-L "$OPTARG") ;;
	f) mkargs+=(-f "$OPTARG") ;;
	e) envs+=("$OPTARG") ;;
	s) shares+=("$OPTARG") ;;
	l) log=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	a) extra=$OPTARG ;;
	k) kernel=$OPTARG ;;
	n) policy= ;;
	v) quiet= ;;
	*) exit 2 ;;
	esac
done
[ ${#payloads[@]} -gt 0 ] || { sed -n '3,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

unavailable() { echo "guest: cannot run: $*" >&2; exit 77; }
# GT_GUEST_ARCH=arm64: an arm64 kernel under qemu-system-aarch64 (TCG), its
# tools cross-built (make arm64), busybox and libraries from the arm64 sysroot
arch=${GT_GUEST_ARCH:-amd64}
case $arch in
amd64)	qemu=(qemu-system-x86_64 -accel tcg -cpu max) console=ttyS0 ;;
arm64)	qemu=(qemu-system-aarch64 -accel tcg -M virt -cpu max) console=ttyAMA0
	sysroot=${GT_ARM64_SYSROOT:-/var/cache/gotraced-test/arm64-sysroot}/root
	[ -x "$sysroot/bin/busybox" ] || unavailable "no arm64 sysroot (make arm64)"
	export GT_BUSYBOX=$sysroot/bin/busybox GT_SYSROOT=$sysroot ;;
*)	unavailable "GT_GUEST_ARCH=$arch: amd64 or arm64" ;;
esac
command -v "${qemu[0]}" >/dev/null || unavailable "no ${qemu[0]} (make deps)"
command -v cpio >/dev/null || unavailable "no cpio (make deps)"
[ "$(uname -m)" = x86_64 ] || unavailable "guest tests are x86_64 only"

if [ -z "$kernel" ]; then
	"$here/fetch-kernel.sh" "$gdir" >&2 || unavailable "no guest kernel (fetch-kernel.sh failed)"
	kernel=$gdir/vmlinux
fi
[ -r "$kernel" ] || unavailable "no kernel image $kernel"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$log" ] || log=$work/serial.log

if [ -n "$policy" ]; then
	command -v checkpolicy >/dev/null || unavailable "no checkpolicy (make deps)"
	checkpolicy -U allow -c 33 -o "$work/policy.bin" "$here/policy/gt.te" >/dev/null ||
		{ echo "guest: policy does not compile" >&2; exit 1; }
	mkargs+=(-P "$work/policy.bin")
fi
mkargs+=(-f "$here/guest-lib.sh:/gt/lib.sh")
: >"$work/env"
for e in "${envs[@]}"; do
	[[ $e == [A-Za-z_]*=* ]] || { echo "guest: -e $e: not NAME=VALUE" >&2; exit 2; }
	printf 'export %s=%q\n' "${e%%=*}" "${e#*=}" >>"$work/env"
done
mkargs+=(-f "$work/env:/gt/env")

# 9p shares: qemu exports each directory under a tag, /init loads the
# modules (Debian builds 9p and virtio-pci as modules) and mounts them.
qshares=()
if [ ${#shares[@]} -gt 0 ]; then
	[ -s "$gdir/modules/order" ] || unavailable "no 9p modules in $gdir/modules (fetch-kernel.sh -u)"
	: >"$work/shares"
	n=0
	for sh in "${shares[@]}"; do
		h=${sh%%:*} g=${sh#*:}
		[ -d "$h" ] && [ "${g:0:1}" = / ] || { echo "guest: -s $sh: want HOSTDIR:/GUESTDIR" >&2; exit 2; }
		qshares+=(-virtfs "local,path=$h,mount_tag=gt$n,security_model=none,readonly=on")
		echo "gt$n $g" >>"$work/shares"
		n=$((n + 1))
	done
	mkargs+=(-f "$work/shares:/gt/shares" -f "$gdir/modules:/gt/modules")
fi
"$here/mkinitramfs.sh" -o "$work/initramfs.cpio" "${payloads[@]}" "${mkargs[@]}" ||
	{ echo "guest: initramfs build failed" >&2; exit 1; }

# lsm= must name selinux (and bpf, for BPF LSM programs) and not apparmor,
# which Debian would otherwise pick first. panic=-1 + -no-reboot: a guest
# panic ends qemu at once instead of hanging until the timeout.
# no_timer_check: on a busy host TCG can miss 5.10's IO-APIC timer check,
# which then panics.
cmdline="console=$console panic=-1 no_timer_check lsm=landlock,lockdown,yama,selinux,bpf enforcing=1 $quiet $extra"
start=$(date +%s.%N)
timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" -smp 1 -m "$mem" \
	-nodefaults -no-user-config -nographic -no-reboot -serial stdio \
	-kernel "$kernel" -initrd "$work/initramfs.cpio" -append "$cmdline" "${qshares[@]}" \
	</dev/null 2>&1 | tr -d '\r' >"$log"
qrc=${PIPESTATUS[0]}

grep '^GT-RESULT ' "$log"
pass=$(grep -cE '^GT-RESULT [^ ]+ pass' "$log")
fail=$(grep -cE '^GT-RESULT [^ ]+ fail' "$log")
skip=$(grep -cE '^GT-RESULT [^ ]+ skip' "$log")
boot=$(sed -n 's/^GT-BOOT uptime=\([0-9.]*\).*/\1/p' "$log" | head -n1)
done_line=$(grep -m1 '^GT-DONE ' "$log")
wall=$(echo "$(date +%s.%N) - $start" | bc)
echo "guest: qemu ${wall}s wall; guest uptime at /init ${boot:-?}s," \
	"${done_line:-no GT-DONE} (qemu status $qrc)"
if [ -z "$done_line" ]; then
	# a guest that never finished failed as a whole, whatever it printed
	fail=$((fail + 1))
	[ "$qrc" = 124 ] && echo "guest: timed out after ${timeout_s}s" >&2
	echo "guest: the payloads did not finish; last serial lines:" >&2
	tail -n 20 "$log" | sed 's/^/guest|   /' >&2
elif [ "$((pass + fail + skip))" -eq 0 ]; then
	fail=1
	echo "guest: no GT-RESULT line at all" >&2
fi
echo "guest: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
