#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the second guest of scripts/check.sh's "link-2vm" session (not a
# kselftest): port 0 of its maia device is joined to port 0 of the first
# guest by a QEMU stream socket. Serves iperf3 and a socat file sink, and
# publishes its link state (carrier, speed, lanes, ethtool's "Link
# detected") and received-file checksums in DIR (shared tree) until
# DIR/done appears.
# Usage: maia_link_peer.sh DIR
dir=$1
ip_addr=10.79.0.2
port=$(ls /sys/bus/auxiliary/devices/maia_core.link.0/net | head -1)
for n in /sys/bus/auxiliary/devices/maia_core.link.0/net/*; do
	[ "$(cat "$n/dev_port")" = 0 ] && port=$(basename "$n")
done
ip addr add $ip_addr/24 dev "$port"
ip link set "$port" up
iperf3 -s -D -p 5201
(
	while [ ! -f "$dir/done" ]; do
		rm -f "$dir/peer.bin"
		socat -u TCP-LISTEN:5310,reuseaddr "OPEN:$dir/peer.bin,creat,trunc" || break
		sha256sum < "$dir/peer.bin" | cut -d' ' -f1 > "$dir/peer-sha.tmp"
		mv "$dir/peer-sha.tmp" "$dir/peer-sha"
	done
) &
echo "$port" > "$dir/peer-ready"
end=$((SECONDS + 1200))
while [ ! -f "$dir/done" ] && [ $SECONDS -lt $end ]; do
	{
		echo "carrier $(cat "/sys/class/net/$port/carrier" 2>/dev/null)"
		ethtool "$port" | sed -n 's/^\s*\(Speed\|Lanes\|Link detected\): /\1 /p'
	} > "$dir/peer-state.tmp"
	mv "$dir/peer-state.tmp" "$dir/peer-state"
	sleep 0.2
done
pkill -x iperf3
pkill -x socat
exit 0
