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
"$repo/build/userspace/maia-smi" | tail -n 3
exit ${status:-0}
