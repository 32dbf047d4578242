#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for `make demo`: show the device as userspace and the
# kernel see it.
repo=${maia_repo:-$(cd "$(dirname "$0")/.." && pwd)}
section() { printf '\n===== %s =====\n' "$1"; }

section "maia-smi"
"$repo/build/userspace/maia-smi"
section "maia-smi --json"
"$repo/build/userspace/maia-smi" --json
section "PCI functions (lspci -nn -d 1af4:10f7 -vv)"
lspci -nn -d 1af4:10f7 -vv 2>/dev/null | grep -Ev '^\s*$' ||
	ls -l /sys/bus/pci/drivers/maia_core/
section "kernel log"
dmesg | grep -iE 'maia|accel' | tail -n 20
section "auxiliary devices and drivers"
for d in /sys/bus/auxiliary/devices/maia_core.*; do
	printf '%-24s -> %s\n' "${d##*/}" "$(basename "$(readlink "$d/driver")")"
done
section "accel nodes"
ls -l /dev/accel/
section "optical ports (netdevs)"
for d in /sys/bus/auxiliary/devices/maia_core.link.*/net/*; do
	ip -br link show dev "${d##*/}"
done
section "debugfs registers (first device)"
cat /sys/kernel/debug/maia/*/regs | head -n 14

section "workload: GEMM on the accelerator, checked against the CPU"
"$repo/build/userspace/examples/gemm" || status=1
section "maia-smi after the workload"
"$repo/build/userspace/maia-smi"

# Port 0 and port 1 of the first device are joined (vm-run --link loop):
# move port 1 into a namespace and ping across the optical link.
ports=(/sys/bus/auxiliary/devices/maia_core.link.0/net/*)
p0=${ports[0]##*/} p1=${ports[1]##*/}
section "optical link: $p0 <-> $p1 (in netns peer)"
ip netns add peer
ip link set "$p1" netns peer
ip addr add 10.66.0.1/24 dev "$p0"
ip link set "$p0" up
ip -n peer addr add 10.66.0.2/24 dev "$p1"
ip -n peer link set "$p1" up
for _ in $(seq 50); do
	[ "$(cat /sys/class/net/"$p0"/carrier 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
ethtool "$p0" | grep -E 'Speed|Lanes|Link detected'
ping -c 5 -i 0.2 10.66.0.2 || status=1
section "iperf3 across the optical link, 3 s"
ip netns exec peer iperf3 -s -1 -D
sleep 0.5
iperf3 -c 10.66.0.2 -t 3 | grep -E "sender|receiver" || status=1
section "ethtool -m $p0 (module EEPROM, per-lane optical monitors)"
ethtool -m "$p0" | head -n 40
section "ethtool --show-fec $p0"
ethtool --show-fec "$p0"
section "maia-smi: optical ports after the traffic"
"$repo/build/userspace/maia-smi" | sed -n '/NETDEV/,$p'
ip netns del peer
exit ${status:-0}
