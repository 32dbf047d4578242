#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# maia benchmarks (`make bench`): boot one VM with a maia device and, side by
# side, the peers it is compared with: an NVMe drive on a null-co backend, two
# virtio-net NICs on one hub and two igb NICs on another. In the guest, run
# `maia-bench accel` and `maia-bench link`; print both tables and keep them
# (text and JSON) in build/bench/. Benchmarks print ratios, they do not fail
# on numbers; the exit status is that of the VM run.
#
#   scripts/bench.sh [--quick] [--only accel|link] [--timeout SECS]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/build/bench
bench=$repo/build/userspace/maia-bench

usage() {
	cat <<USAGE
usage: scripts/bench.sh [--quick] [--only accel|link] [--timeout SECS]
  --quick         fewer iterations and shorter network runs
  --only MODE     run only "maia-bench accel" or only "maia-bench link"
  --timeout SECS  kill the VM after SECS (default 1200)
Results: build/bench/{accel,link}.{txt,json}; VM console: build/vm/bench/.
USAGE
}

# ---- in the guest ------------------------------------------------------
guest() {
	local quick=() modes=(accel link) m rc status=0 i
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) quick=(--quick); shift ;;
		--only) modes=("$2"); shift 2 ;;
		*) echo "bench: unknown guest option $1" >&2; return 2 ;;
		esac
	done
	export OPENBLAS_NUM_THREADS=1
	# No udev in the guest: load the peers' drivers by hand.
	for m in nvme virtio_net igb; do
		modprobe "$m" || echo "bench: modprobe $m failed" >&2
	done
	# NVMe namespaces are scanned asynchronously.
	for ((i = 0; i < 50; i++)); do
		compgen -G '/dev/nvme*n1' >/dev/null && break
		sleep 0.2
	done
	mkdir -p "$out"
	for m in "${modes[@]}"; do
		printf '\n===== maia-bench %s =====\n' "$m"
		set +e
		"$bench" "$m" "${quick[@]}" --json-file "$out/$m.json" |
			tee "$out/$m.txt"
		rc=${PIPESTATUS[0]}
		set -e
		# 1 means some metric could not be measured: still a result.
		[ "$rc" -le 1 ] || status=$rc
	done
	return $status
}

if [ "${1:-}" = --guest ]; then
	shift
	guest "$@"
	exit
fi

# ---- on the host -------------------------------------------------------
quick=() only=() timeout=1200
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=(--quick); shift ;;
	--only)
		case ${2:-} in accel|link) ;; *) usage >&2; exit 2 ;; esac
		only=(--only "$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done
[ -x "$bench" ] || { echo "bench: $bench missing (make userspace)" >&2; exit 2; }

# The peers. igb reserves PCI functions for its SR-IOV VFs next to itself,
# so each igb gets a root port of its own. Hubs 100 and 101 stay clear of
# the hubs vm-run uses for the maia ports (hubid = device index).
qemu=(
	-blockdev null-co,node-name=bench-nul0,size=1073741824,read-zeroes=on
	-device nvme,serial=bench,drive=bench-nul0
	-netdev hubport,id=bench-vn0,hubid=100
	-netdev hubport,id=bench-vn1,hubid=100
	-device virtio-net-pci,netdev=bench-vn0,mac=52:54:00:be:00:01
	-device virtio-net-pci,netdev=bench-vn1,mac=52:54:00:be:00:02
	-netdev hubport,id=bench-ig0,hubid=101
	-netdev hubport,id=bench-ig1,hubid=101
	-device pcie-root-port,id=bench-rp0,chassis=200,slot=0
	-device igb,bus=bench-rp0,netdev=bench-ig0,mac=52:54:00:be:01:01
	-device pcie-root-port,id=bench-rp1,chassis=201,slot=0
	-device igb,bus=bench-rp1,netdev=bench-ig1,mac=52:54:00:be:01:02
)
vm=(--name bench --devices 1 --link loop --mem 3G --timeout "$timeout")
for a in "${qemu[@]}"; do
	vm+=(--qemu-arg "$a")
done
cmd=("$repo/scripts/vm-run" "${vm[@]}" -- "$repo/scripts/bench.sh" --guest
     "${quick[@]}" "${only[@]}")

mkdir -p "$out"
rm -f "$out"/accel.txt "$out"/accel.json "$out"/link.txt "$out"/link.json
repro=$(printf '%q ' scripts/bench.sh "${quick[@]}" "${only[@]}")
full=$(printf '%q ' "${cmd[@]}")
{
	echo "# reproduce with: ${repro% }"
	echo "# which runs:"
	echo "${full% }"
} | tee "$out/command.txt"
echo

set +e
"${cmd[@]}"
rc=$?
set -e

echo
echo "===== results (build/bench/) ====="
cat "$out/command.txt"
for m in accel link; do
	if [ -f "$out/$m.txt" ]; then
		echo
		cat "$out/$m.txt"
	fi
done
[ $rc = 0 ] || echo "bench: VM run exited with status $rc (build/vm/bench/console.log)" >&2
exit $rc
