#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the debug kernel that `make check-debug` boots: Debian's
# linux-source-6.12 with x86_64_defconfig, kvm_guest.config and
# scripts/debug-kernel/maia-debug.config (KASAN, lockdep, kmemleak, UBSAN,
# DMA-API debug, debugobjects, fault injection). The tree is cached outside the
# clone under $MAIA_CACHE (default /var/cache/maia), keyed by the source
# tarball and the configuration, so later runs reuse it in seconds.
# Prints the tree's path on stdout; progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MAIA_CACHE:-/var/cache/maia}
tarball=$(ls /usr/src/linux-source-6.12*.tar.* 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || { echo "linux-source-6.12 is missing (make deps)" >&2; exit 1; }
key=$( { basename "$tarball"; stat -c %s "$tarball"
	cat "$here/debug-kernel/Kconfig.maia" "$here/debug-kernel/maia-debug.config" \
	    "$0"; } | sha256sum | cut -c1-12)
tree=$cache/debug-kernel-$key
if [ -f "$tree/.maia-built" ]; then
	echo "$tree"
	exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/.debug-kernel.lock"
flock 9
if [ -f "$tree/.maia-built" ]; then
	echo "$tree"
	exit 0
fi
log() { echo "debug-kernel: $*" >&2; }
rm -rf "$tree"
mkdir -p "$tree"
log "unpacking $(basename "$tarball") into $tree"
tar -xf "$tarball" -C "$tree" --strip-components=1
cp "$here/debug-kernel/Kconfig.maia" "$tree/drivers/gpu/drm/Kconfig.maia"
echo 'source "drivers/gpu/drm/Kconfig.maia"' >> "$tree/drivers/gpu/drm/Kconfig"
cd "$tree"
make -s x86_64_defconfig >&2
scripts/kconfig/merge_config.sh -m .config kernel/configs/kvm_guest.config \
	"$here/debug-kernel/maia-debug.config" >/dev/null
make -s olddefconfig >&2
# Every option of the fragment must have survived olddefconfig: a silently
# dropped KASAN would make the tier pass without checking anything.
missing=0
while IFS= read -r line; do
	case $line in CONFIG_*=n) opt=${line%%=*}
		if grep -q "^$opt=" .config; then log "$opt is set"; missing=1; fi ;;
	CONFIG_*) grep -qx -- "$line" .config || { log "not applied: $line"; missing=1; } ;;
	esac
done < "$here/debug-kernel/maia-debug.config"
[ $missing = 0 ] || { log "configuration incomplete"; exit 1; }
jobs=$(nproc)
log "building with $jobs jobs (about 15 min on 2 cores); log in $tree/build.log"
make -j"$jobs" all > build.log 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null; do
	sleep 60
	kill -0 $pid 2>/dev/null && log "$(grep -c '^  CC' build.log) files compiled"
done
wait $pid || { tail -n 40 build.log >&2; exit 1; }
# Objects are not needed for building external modules; keep the cache small.
find . -name '*.o' ! -path './scripts/*' ! -path './tools/*' -delete
touch .maia-built
log "done: $(make -s kernelrelease)"
echo "$tree"
