#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build ethtool from Debian trixie's source package (6.14) into
# build/tools/sbin/ethtool. When the mirror serves trixie's .dsc but not its
# orig tarball (seen on this project's build machines), the closest thing is
# trixie's own amd64 build of the same version, unpacked (never installed)
# from the pool: it needs only glibc 2.34 and libmnl, both in bookworm. Bookworm's ethtool 6.1 has no JSON output for
# most commands (e.g. `ethtool --json -c`), which the kernel's own
# driver-agnostic selftests (drivers/net/lib/py) need. The host's ethtool
# stays untouched: only tests that want the newer one put build/tools/sbin
# first on PATH.
#
# Re-runnable: a no-op when the binary exists.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${MAIA_BUILD:-$ROOT/build}
SRC=$BUILD/ethtool-src
OUT=$BUILD/tools/sbin/ethtool

mkdir -p "$BUILD"
exec 9>"$BUILD/.ethtool-build.lock"
flock 9

[ -x "$OUT" ] && exit 0

bash "$ROOT/scripts/deps.sh"

fetch_binary() {
	local ver pool=http://deb.debian.org/debian/pool/main/e/ethtool tmp
	ver=$(apt-cache showsrc ethtool | sed -n 's/^Version: //p' | sort -V | tail -n1)
	ver=${ver#*:}
	tmp=$(mktemp -d "$BUILD/ethtool-deb.tmp.XXXXXX")
	echo "ethtool-build: no trixie source tarball; unpacking ethtool_${ver}_amd64.deb"
	curl -fsS -o "$tmp/e.deb" "$pool/ethtool_${ver}_amd64.deb" &&
		dpkg-deb -x "$tmp/e.deb" "$tmp/root" || { rm -rf "$tmp"; return 1; }
	mkdir -p "$(dirname "$OUT")"
	install -m 0755 "$tmp/root/usr/sbin/ethtool" "$OUT.tmp"
	rm -rf "$tmp"
}

build_source() {
	local tmp tree
	if [ ! -f "$SRC/configure" ]; then
		tmp=$(mktemp -d "$BUILD/ethtool-src.tmp.XXXXXX")
		echo "ethtool-build: fetching ethtool/trixie source"
		if ! (cd "$tmp" && apt-get source -q ethtool/trixie); then
			rm -rf "$tmp"
			return 1
		fi
		tree=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'ethtool-*' | head -n1)
		[ -n "$tree" ] && [ -f "$tree/configure" ] || { rm -rf "$tmp"; return 1; }
		rm -rf "$SRC"
		mv "$tree" "$SRC"
		rm -rf "$tmp"
	fi
	(cd "$SRC" && { [ -f Makefile ] || ./configure -q --prefix=/usr; } &&
		make -s -j"$(nproc)") || return 1
	mkdir -p "$(dirname "$OUT")"
	install -m 0755 "$SRC/ethtool" "$OUT.tmp"
}

build_source || fetch_binary
"$OUT.tmp" --version
mv "$OUT.tmp" "$OUT"
