#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every selftest suite in VM sessions and print "N passed, N failed".
# Usage: scripts/check.sh [SUITE[:TEST]]...   (default: everything)
# A suite is a kselftest collection (maia_core, maia_accel, maia_net); a
# kernel splat or a guest that does not finish counts as a failure.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
results=$repo/build/check
rm -rf "$results"
mkdir -p "$results"
filter=("$@")

# session NAME "VM-RUN OPTIONS" "ENVIRONMENT" COLLECTIONS...
session() {
	local name=$1 vmopts=$2 env=$3 args=() c
	shift 3
	for c in "$@"; do
		if [ ${#filter[@]} -eq 0 ]; then
			case $c in
			*:*) args+=(-t "$c") ;;		# one test of a collection
			*) args+=(-c "$c") ;;
			esac
		else
			local f
			for f in "${filter[@]}"; do
				if [ "$c" != "${c%%:*}" ]; then
					case $f in
					"$c"|"${c%%:*}") args+=(-t "$c") ;;
					esac
				else
					case $f in
					"$c") args+=(-c "$c") ;;
					"$c":*) args+=(-t "$f") ;;
					esac
				fi
			done
		fi
	done
	[ ${#args[@]} -gt 0 ] || return 0
	echo "=== session $name: ${args[*]}"
	printf 'export MAIA_REPO=%q\n%s\n' "$repo" "$env" > "$results/$name.env"
	# shellcheck disable=SC2086
	"$repo/scripts/vm-run" --quiet --name "check-$name" $vmopts -- \
		"$repo/scripts/guest/run-selftests" "$results/$name.env" \
		"$results/$name.ktap" "${args[@]}"
	echo $? > "$results/$name.vmrc"
	cat "$results/$name.ktap" 2>/dev/null
}

session main "--devices 2 --hbm 256M,64M --ports 2 --lanes 8" \
	"export MAIA_EXPECT_DEVICES=2 MAIA_EXPECT_HBM='268435456 67108864' MAIA_EXPECT_PORTS=2 MAIA_EXPECT_LANES=8" \
	maia_core maia_accel maia_net
# Behind the IOMMU (and with 16 lanes) the link's data path runs again; the
# PHY and fault tests, which no DMA is involved in, run in main only.
session iommu "--iommu --devices 1 --hbm 128M --ports 4 --lanes 16" \
	"export MAIA_EXPECT_DEVICES=1 MAIA_EXPECT_HBM=134217728 MAIA_EXPECT_PORTS=4 MAIA_EXPECT_LANES=16" \
	maia_core maia_accel maia_net:maia_net_test maia_net:maia_link_traffic.sh \
	maia_net:maia_link_upstream.sh
# maia_link's QOM fault properties, set from the host through QMP; the
# relay runs the commands the guest test drops in $qmpdir (shared tree).
qmpdir=$results/qmp
mkdir -p "$qmpdir"
python3 "$repo/selftests/net/maia_link_qmp_relay.py" "$qmpdir/qmp.sock" "$qmpdir" &
relay=$!
session link-qmp "--devices 1 --ports 2 --lanes 8 --qemu-arg -qmp --qemu-arg unix:$qmpdir/qmp.sock,server=on,wait=off" \
	"export MAIA_QMP_DIR=$qmpdir" maia_net:maia_link_qmp.sh
kill "$relay" 2>/dev/null
wait "$relay" 2>/dev/null
# maia_link across two QEMU processes: port 0 of each guest's device joined
# by a stream socket; the second guest runs selftests/net/maia_link_peer.sh.
# Each board needs its own serial: the PHY takes a training frame carrying
# its own serial and port number for its own signal reflected back.
twodir=$results/link-2vm
selected() {
	local f
	[ ${#filter[@]} -eq 0 ] && return 0
	for f in "${filter[@]}"; do
		case $f in "$1"|"${1%%:*}") return 0 ;; esac
	done
	return 1
}
if selected maia_net:maia_link_2vm.sh; then
	mkdir -p "$twodir"
	"$repo/scripts/vm-run" --quiet --name check-link-peer --devices 1 --link none \
		--device-opt netdev0=s0 --device-opt serial=0x4d41000000000b0b \
		--qemu-arg -netdev --qemu-arg \
		"stream,id=s0,server=off,addr.type=unix,addr.path=$twodir/sock,reconnect-ms=200" \
		-- "$repo/selftests/net/maia_link_peer.sh" "$twodir" &
	peer=$!
	session link-2vm "--devices 1 --link none --device-opt netdev0=s0 --device-opt serial=0x4d41000000000a0a --qemu-arg -netdev --qemu-arg stream,id=s0,server=on,addr.type=unix,addr.path=$twodir/sock --qemu-arg -object --qemu-arg filter-dump,id=wire0,netdev=s0,maxlen=64,file=$twodir/wire.pcap" \
		"export MAIA_2VM_DIR=$twodir" maia_net:maia_link_2vm.sh
	touch "$twodir/done"
	wait "$peer"
	echo $? > "$results/link-peer.vmrc"
fi

python3 "$repo/scripts/ktap-count.py" "$results"
