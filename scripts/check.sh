#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every selftest suite in VM sessions and print "N passed, N failed".
# Usage: scripts/check.sh [--tier debug] [SUITE[:TEST]]...   (default: everything)
# A suite is a kselftest collection (maia_core, maia_accel, maia_net),
# "contract" (scripts/contract-check.sh, on the host) or "qtest" (the device
# model's qtest, scripts/qtest-check.sh, on the host; "qtest:/x86_64/maia/..."
# runs one case); a kernel splat or a guest that does not finish counts as a
# failure.
#
# --tier debug runs the debug sessions instead (on the kernel in
# $MAIA_KERNEL_TREE, see scripts/debug-kernel.sh; results in
# build/check-debug): `make check-debug`.
#
# MAIA_CHECK_DRY_RUN=1 scripts/check.sh [SUITE[:TEST]]... prints the
# sessions the arguments select, with their guest environment and the host
# commands (vm-run, the QMP relay, the peer guest, ktap-count.py), without
# running anything or touching build/check.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tier=main
if [ "${1:-}" = --tier ]; then
	tier=$2
	shift 2
fi
case $tier in
main) results=$repo/build/check ;;
debug)
	results=$repo/build/check-debug
	[ -n "${MAIA_KERNEL_TREE:-}" ] || {
		echo "check.sh: --tier debug needs MAIA_KERNEL_TREE (make check-debug)" >&2
		exit 2
	}
	export MAIA_KERNEL_TREE
	;;
*) echo "check.sh: unknown tier $tier" >&2; exit 2 ;;
esac
qmpdir=$results/qmp		# QMP socket and relay requests (link-qmp)
twodir=$results/link-2vm	# stream socket and pcap (link-2vm)
dry=${MAIA_CHECK_DRY_RUN:-0}
filter=("$@")

# The sessions, six fields each:
#   NAME  VM-RUN-OPTIONS  GUEST-ENVIRONMENT  TESTS  SETUP  TEARDOWN
# VM-RUN-OPTIONS are split at blanks. GUEST-ENVIRONMENT is exported in the
# guest before the kselftest runner starts. TESTS are collections
# (maia_core) or single programs of one (maia_net:maia_net_test). SETUP and
# TEARDOWN are host-side functions run before and after the session's VM,
# "-" for none. A session runs only if the arguments select some of its
# TESTS (see select_tests).
sessions=(
	# Two devices with different HBM sizes: core, accel and link suites.
	main
	"--devices 2 --hbm 256M,64M --ports 2 --lanes 8"
	"MAIA_EXPECT_DEVICES=2 MAIA_EXPECT_HBM='268435456 67108864' MAIA_EXPECT_PORTS=2 MAIA_EXPECT_LANES=8"
	"maia_core maia_accel maia_net"
	- -

	# Behind the IOMMU (and with 16 lanes) the link's data path runs
	# again; the PHY and fault tests, which no DMA is involved in, run in
	# main only.
	iommu
	"--iommu --devices 1 --hbm 128M --ports 4 --lanes 16"
	"MAIA_EXPECT_DEVICES=1 MAIA_EXPECT_HBM=134217728 MAIA_EXPECT_PORTS=4 MAIA_EXPECT_LANES=16"
	"maia_core maia_accel maia_net:maia_net_test maia_net:maia_link_traffic.sh maia_net:maia_link_upstream.sh"
	- -

	# maia_link's QOM fault properties, set from the host through QMP;
	# the relay runs the commands the guest test drops in $qmpdir (shared
	# tree).
	link-qmp
	"--devices 1 --ports 2 --lanes 8 --qemu-arg -qmp --qemu-arg unix:$qmpdir/qmp.sock,server=on,wait=off"
	"MAIA_QMP_DIR=$qmpdir"
	"maia_net:maia_link_qmp.sh"
	qmp_relay_start qmp_relay_stop

	# maia_link across two QEMU processes: port 0 of each guest's device
	# joined by a stream socket; the second guest (peer_start) runs
	# selftests/net/maia_link_peer.sh. Each board needs its own serial:
	# the PHY takes a training frame carrying its own serial and port
	# number for its own signal reflected back.
	link-2vm
	"--devices 1 --link none --device-opt netdev0=s0 --device-opt serial=0x4d41000000000a0a --qemu-arg -netdev --qemu-arg stream,id=s0,server=on,addr.type=unix,addr.path=$twodir/sock --qemu-arg -object --qemu-arg filter-dump,id=wire0,netdev=s0,maxlen=64,file=$twodir/wire.pcap"
	"MAIA_2VM_DIR=$twodir"
	"maia_net:maia_link_2vm.sh"
	peer_start peer_stop

	# Every DMA through bounce buffers: a missing or wrong dma_sync shows
	# up as corrupt data in the link's integrity checks and the compute
	# results.
	swiotlb
	"--devices 1 --hbm 64M --ports 2 --lanes 8 --append swiotlb=force"
	"MAIA_EXPECT_DEVICES=1 MAIA_EXPECT_HBM=67108864 MAIA_EXPECT_PORTS=2 MAIA_EXPECT_LANES=8"
	"maia_accel:maia_compute_ops_test maia_net:maia_net_test maia_net:maia_link_traffic.sh"
	- -
)

# The debug tier: the suites most likely to find memory and locking bugs
# (accel uAPI, compute, recovery; link data path, flaps, ring changes;
# unbind and reload), then both suites again under fault injection.
debug_sessions=(
	debug
	"--devices 1 --hbm 128M --ports 2 --lanes 8 --mem 3G --timeout 3000"
	"MAIA_EXPECT_DEVICES=1 MAIA_EXPECT_HBM=134217728 MAIA_EXPECT_PORTS=2 MAIA_EXPECT_LANES=8"
	"maia_core maia_accel:maia_accel_test maia_accel:maia_uapi_test maia_accel:maia_compute_ops_test maia_accel:maia_compute_sync_test maia_accel:maia_compute_errors_test maia_accel:maia_compute_files_test maia_accel:maia_recovery_test maia_accel:maia_lifetime_test maia_accel:maia_vm_test maia_accel:maia_accel_faults.sh maia_net:maia_net_test maia_net:maia_link_traffic.sh maia_net:maia_link_flaps.sh maia_net:maia_link_ethtool.sh maia_net:maia_link_rings.sh maia_net:maia_link_faultinject.sh"
	- -
)
if [ "$tier" = debug ]; then
	sessions=("${debug_sessions[@]}")
fi

# Run a command; with MAIA_CHECK_DRY_RUN=1 print it instead.
run() {
	if [ "$dry" = 1 ]; then
		printf '  $'
		printf ' %q' "$@"
		printf '\n'
		return 0
	fi
	"$@"
}

# start VAR COMMAND...: run COMMAND in the background, its pid in VAR.
start() {
	local var=$1
	shift
	if [ "$dry" = 1 ]; then
		printf '  $'
		printf ' %q' "$@"
		printf ' &\n'
		return 0
	fi
	"$@" &
	printf -v "$var" '%s' "$!"
}

# Host-side hooks of the link-qmp and link-2vm sessions.
relay=
qmp_relay_start() {
	run mkdir -p "$qmpdir"
	start relay python3 "$repo/selftests/net/maia_link_qmp_relay.py" \
		"$qmpdir/qmp.sock" "$qmpdir"
}

qmp_relay_stop() {
	if [ "$dry" = 1 ]; then
		printf '  $ kill RELAY-PID\n'
		return 0
	fi
	kill "$relay" 2>/dev/null
	wait "$relay" 2>/dev/null
}

peer=
peer_start() {
	run mkdir -p "$twodir"
	start peer "$repo/scripts/vm-run" --quiet --name check-link-peer \
		--devices 1 --link none \
		--device-opt netdev0=s0 --device-opt serial=0x4d41000000000b0b \
		--qemu-arg -netdev --qemu-arg \
		"stream,id=s0,server=off,addr.type=unix,addr.path=$twodir/sock,reconnect-ms=200" \
		-- "$repo/selftests/net/maia_link_peer.sh" "$twodir"
}

peer_stop() {
	run touch "$twodir/done"
	if [ "$dry" = 1 ]; then
		printf '  $ wait PEER-PID  # its status to link-peer.vmrc\n'
		return 0
	fi
	wait "$peer"
	echo $? > "$results/link-peer.vmrc"
}

# select_tests TESTS...: in $args, the kselftest runner arguments for those
# of one session's TESTS that the arguments of check.sh select. None: all of
# them (-c COLLECTION, -t COLLECTION:PROGRAM). SUITE selects the collection
# if the session runs it whole, else the programs of it the session lists;
# SUITE:TEST selects that program in every session that runs SUITE or lists
# SUITE:TEST.
select_tests() {
	local c f
	args=()
	for c in "$@"; do
		if [ ${#filter[@]} -eq 0 ]; then
			case $c in
			*:*) args+=(-t "$c") ;;		# one test of a collection
			*) args+=(-c "$c") ;;
			esac
			continue
		fi
		for f in "${filter[@]}"; do
			case $c in
			*:*)
				case $f in
				"$c"|"${c%%:*}") args+=(-t "$c") ;;
				esac
				;;
			*)
				case $f in
				"$c") args+=(-c "$c") ;;
				"$c":*) args+=(-t "$f") ;;
				esac
				;;
			esac
		done
	done
}

if [ $((${#sessions[@]} % 6)) -ne 0 ]; then
	echo "check.sh: the sessions table needs six fields a session" >&2
	exit 2
fi
if [ "$dry" != 1 ]; then
	rm -rf "$results"
	mkdir -p "$results"
fi

# The hardware contract, compiled for the kernel and for QEMU (host side,
# no VM): selected by no arguments or by "contract".
want_contract=$([ ${#filter[@]} -eq 0 ] && [ "$tier" = main ] && echo 1)
for f in "${filter[@]}"; do
	[ "${f%%:*}" = contract ] && want_contract=1
done
if [ -n "$want_contract" ]; then
	echo "=== host: contract"
	run "$repo/scripts/contract-check.sh" "$results/contract.ktap"
	[ "$dry" = 1 ] || cat "$results/contract.ktap"
fi

# The device model's qtest (scripts/qtest-check.sh, on the host: QEMU with
# -accel qtest, hostile register and descriptor values, a seeded fuzzer):
# selected by no arguments, by "qtest" or by "qtest:TESTPATH".
want_qtest=$([ ${#filter[@]} -eq 0 ] && [ "$tier" = main ] && echo 1)
qtest_args=()
for f in "${filter[@]}"; do
	case $f in
	qtest) want_qtest=1 ;;
	qtest:*) want_qtest=1; qtest_args+=(-p "${f#qtest:}") ;;
	esac
done
if [ -n "$want_qtest" ]; then
	echo "=== host: qtest"
	run "$repo/scripts/qtest-check.sh" "$results/qtest.ktap" "${qtest_args[@]}"
	[ "$dry" = 1 ] || cat "$results/qtest.ktap"
fi

for ((i = 0; i < ${#sessions[@]}; i += 6)); do
	name=${sessions[i]} env=${sessions[i + 2]}
	setup=${sessions[i + 4]} teardown=${sessions[i + 5]}
	read -ra opts <<< "${sessions[i + 1]}"
	read -ra tests <<< "${sessions[i + 3]}"
	select_tests "${tests[@]}"
	[ ${#args[@]} -gt 0 ] || continue

	echo "=== session $name: ${args[*]}"
	[ "$setup" = - ] || "$setup"
	if [ "$dry" = 1 ]; then
		printf '  guest environment: %s\n' "$env"
	else
		printf 'export MAIA_REPO=%q\nexport %s\n' "$repo" "$env" \
			> "$results/$name.env"
	fi
	run "$repo/scripts/vm-run" --quiet --name "check-$name" "${opts[@]}" -- \
		"$repo/scripts/guest/run-selftests" "$results/$name.env" \
		"$results/$name.ktap" "${args[@]}"
	rc=$?
	if [ "$dry" != 1 ]; then
		echo $rc > "$results/$name.vmrc"
		cat "$results/$name.ktap" 2>/dev/null
	fi
	[ "$teardown" = - ] || "$teardown"
done

run python3 "$repo/scripts/ktap-count.py" "$results"
