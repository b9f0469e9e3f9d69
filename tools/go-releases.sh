#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Fetch the Go releases listed in tests/go-releases as Debian packages into a
# cache outside the clone, without touching the machine's apt sources: a
# private sources list and state dir, `apt-get download`, `dpkg -x`.
#
#   tools/go-releases.sh            the releases marked default (make deps)
#   tools/go-releases.sh all        every release (make test-go-matrix)
#   tools/go-releases.sh 1.23 1.25  those releases
#   tools/go-releases.sh --goroot 1.NN   print that release's GOROOT (no fetch)
#
# Layout: $GT_GO_CACHE/1.NN/usr/lib/go-1.NN is the GOROOT, with its src
# symlink into ../../share/go-1.NN as Debian ships it; 1.NN/.deb-version
# names the packages it came from. A present release is never refetched.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
list=$here/tests/go-releases
cache=${GT_GO_CACHE:-/var/cache/gotraced-test/go}

# release -> "suite package" from the list
declare -A suite pkg dflt
order=()
while read -r v s p d; do
	case $v in '' | '#'*) continue ;; esac
	suite[$v]=$s pkg[$v]=$p dflt[$v]=$d
	order+=("$v")
done <"$list"

goroot() {
	if [ "${suite[$1]}" = system ]; then
		echo "/usr/lib/go-$1"
	else
		echo "$cache/$1/usr/lib/go-$1"
	fi
}

if [ "${1:-}" = --goroot ]; then
	[ -n "${2:-}" ] && [ -n "${suite[$2]:-}" ] || { echo "go-releases: unknown release '${2:-}' (see $list)" >&2; exit 2; }
	goroot "$2"
	exit 0
fi

want=()
case "${1:-}" in
'') for v in "${order[@]}"; do [ "${dflt[$v]}" = yes ] && want+=("$v"); done ;;
all) want=("${order[@]}") ;;
*) want=("$@") ;;
esac

fetch=()
for v in "${want[@]}"; do
	[ -n "${suite[$v]:-}" ] || { echo "go-releases: unknown release '$v' (see $list)" >&2; exit 2; }
	if [ "${suite[$v]}" = system ]; then
		# installed from the machine's own sources by tools/deps.sh
		[ -x "$(goroot "$v")/bin/go" ] || { echo "go-releases: $(goroot "$v")/bin/go missing: install ${pkg[$v]}" >&2; exit 1; }
		continue
	fi
	[ -x "$(goroot "$v")/bin/go" ] && [ -e "$(goroot "$v")/src/runtime/proc.go" ] || fetch+=("$v")
done
if [ ${#fetch[@]} -eq 0 ]; then
	echo "go-releases: ${want[*]} present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "go-releases: missing ${fetch[*]}; run 'make deps' as root" >&2
	exit 1
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # another make deps on this machine fetches at the same time

# the mirror the machine's own sources use (deb822 or one-line format)
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -v security | head -n1 || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
	/etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "go-releases: no Debian mirror found in /etc/apt" >&2; exit 1; }

d=$cache/apt
mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/debs"
: >"$d/sources.list"
for s in $(for v in "${fetch[@]}"; do echo "${suite[$v]}"; done | sort -u); do
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main" >>"$d/sources.list"
done
A=(-o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache"
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	-o APT::Sandbox::User=root -o Acquire::Languages=none)
t0=$(date +%s)
apt-get "${A[@]}" -qq update

for v in "${fetch[@]}"; do
	p=${pkg[$v]} src=${pkg[$v]%-go}-src
	rm -f "$d/debs/"*.deb
	(cd "$d/debs" && apt-get "${A[@]}" -qq download "$p" "$src")
	tmp=$(mktemp -d "$cache/.new-$v.XXXXXX")
	for deb in "$d/debs/"*.deb; do
		dpkg -x "$deb" "$tmp"
	done
	ver=$(dpkg-deb -f "$d/debs/${p}_"*.deb Version)
	size=$(du -cb "$d/debs/"*.deb | tail -n1 | cut -f1)
	echo "$p $ver" >"$tmp/.deb-version"
	chmod 0755 "$tmp"
	[ -x "$tmp/usr/lib/go-$v/bin/go" ] || { echo "go-releases: $p has no usr/lib/go-$v/bin/go" >&2; exit 1; }
	rm -rf "${cache:?}/$v"
	mv "$tmp" "$cache/$v"
	rm -f "$d/debs/"*.deb
	echo "go-releases: $v ($p $ver, $((size / 1048576)) MiB of .debs) in $cache/$v"
done
echo "go-releases: fetched ${fetch[*]} in $(($(date +%s) - t0)) s"
