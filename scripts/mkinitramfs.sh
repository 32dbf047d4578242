#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's initramfs: busybox plus the 9p modules needed to mount the
# host's root filesystem, which becomes the guest's root (read-only).
# Usage: mkinitramfs.sh KVER OUTPUT
set -euo pipefail
kver=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
moddir=/lib/modules/$kver

[ -x /bin/busybox ] || { echo "busybox-static is missing (make deps)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$work/bin/busybox"
for applet in sh mount umount mkdir insmod switch_root sleep echo cat poweroff; do
	ln -s busybox "$work/bin/$applet"
done

# Modules and their dependencies, in load order, decompressed for busybox insmod.
declare -A seen=()
order=()
add_module() {
	local name=$1 dep path
	[ -n "${seen[$name]:-}" ] && return
	seen[$name]=1
	for dep in $(modinfo -k "$kver" -F depends "$name" | tr ',' ' '); do
		add_module "$dep"
	done
	path=$(modinfo -k "$kver" -F filename "$name")
	case $path in
	*.ko.xz) xz -dc "$path" > "$work/lib/modules/$name.ko" ;;
	*.ko.zst) zstd -dc "$path" > "$work/lib/modules/$name.ko" ;;
	*.ko) cp "$path" "$work/lib/modules/$name.ko" ;;
	*) return ;;	# built in
	esac
	order+=("$name")
}
# A kernel not installed on the host (the debug kernel) has 9p built in.
if [ -d "$moddir" ]; then
	for m in 9pnet_virtio 9p; do
		add_module "$m"
	done
fi
printf '%s\n' "${order[@]}" > "$work/lib/modules/order"
install -m 0755 "$here/guest/initramfs-init" "$work/init"
mkdir -p "$(dirname "$out")"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
