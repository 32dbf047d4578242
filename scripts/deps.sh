#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything maia needs on a Debian 12 host. Idempotent: a second run only
# checks. Never adds a binary trixie source (that would upgrade libc).
set -euo pipefail

stamp_dir=${MAIA_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
mkdir -p "$stamp_dir"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

need_update=0
add_source() {
	local file=$1 content=$2
	if [ ! -f "$file" ] || [ "$(cat "$file")" != "$content" ]; then
		echo "$content" | $SUDO tee "$file" >/dev/null
		need_update=1
	fi
}

add_source /etc/apt/sources.list.d/maia-bookworm-backports.list \
"deb http://deb.debian.org/debian bookworm-backports main
deb-src http://deb.debian.org/debian bookworm-backports main"
# Source only: QEMU 10.0 and ethtool 6.14 are built from trixie's source packages.
add_source /etc/apt/sources.list.d/maia-trixie-src.list \
"deb-src http://deb.debian.org/debian trixie main"

if grep -rqsE '^[[:space:]]*deb[[:space:]].*trixie' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "deps: a binary trixie apt source is configured; refusing to continue" >&2
	exit 1
fi

pkgs=(
	build-essential bc flex bison libelf-dev libssl-dev kmod xz-utils cpio rsync
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
	ninja-build libglib2.0-dev libpixman-1-dev libslirp-dev libfdt-dev libattr1-dev
	python3-venv dpkg-dev pkg-config
	libdrm-dev busybox-static seabios qemu-system-data ipxe-qemu gcc-multilib
	ethtool iproute2 iperf3 python3 socat coreutils iputils-ping curl
	libopenblas-dev libmnl-dev libjson-c-dev
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
bp_missing=()
for p in meson python3-pycotap; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || bp_missing+=("$p")
done
if [ -n "$(dpkg-query -W -f='${Version}' meson 2>/dev/null)" ] &&
   dpkg --compare-versions "$(dpkg-query -W -f='${Version}' meson)" lt 1.5; then
	bp_missing+=(meson)
fi

if [ ${#missing[@]} -gt 0 ] || [ ${#bp_missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	[ ${#missing[@]} -eq 0 ] || $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
	[ ${#bp_missing[@]} -eq 0 ] || $SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports "${bp_missing[@]}"
fi
echo "deps: ok"
