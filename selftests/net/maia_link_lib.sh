#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the maia_link kselftests: find the two joined ports of
# the first maia device (port 0 and port 1, joined by the VM runner), put
# port 1 in a network namespace, address both ends, wait for the carrier,
# drive the fault-injection files in debugfs, and report KTAP.
#
# A test script sources this file, calls maia_setup, then runs its tests
# with run_test NAME FUNCTION; maia_cleanup runs on exit.

KSFT_HELPERS=$(dirname "$(readlink -f "$0")")/../kselftest/ktap_helpers.sh
# shellcheck source=/dev/null
. "$KSFT_HELPERS"

NS=${MAIA_NS:-maia_remote}
A_IP=10.77.0.1
B_IP=10.77.0.2
A_IP6=fd00:77::1
B_IP6=fd00:77::2
DBG=/sys/kernel/debug/maia_link
A= B= A_DBG= B_DBG=
LANES= RATE= FULL_SPEED= ALL_LANES=
TMPD=

ns() { ip netns exec "$NS" "$@"; }
log() { echo "# $*"; }

# The netdevs of aux device maia_core.link.$1, in dev_port order.
maia_ports_of() {
	local d=/sys/bus/auxiliary/devices/maia_core.link.$1/net n
	[ -d "$d" ] || return 1
	for n in "$d"/*; do
		echo "$(cat "$n/dev_port") $(basename "$n")"
	done | sort -n | awk '{print $2}'
}

# debugfs directory of a netdev in the root namespace
maia_dbg_of() {
	local pci
	pci=$(basename "$(dirname "$(readlink -f "/sys/class/net/$1/device")")")
	echo "$DBG/$pci-p$(cat "/sys/class/net/$1/dev_port")"
}

carrier() {	# carrier NETDEV [ns]
	if [ "${2:-}" = ns ]; then
		ns cat "/sys/class/net/$1/carrier" 2>/dev/null
	else
		cat "/sys/class/net/$1/carrier" 2>/dev/null
	fi
}

# wait_carrier NETDEV ns|root 0|1 [timeout seconds]
wait_carrier() {
	local dev=$1 where=$2 want=$3 t=${4:-10} i
	for ((i = 0; i < t * 20; i++)); do
		[ "$(carrier "$dev" "$where")" = "$want" ] && return 0
		sleep 0.05
	done
	return 1
}

wait_both() {	# wait_both 0|1 [timeout]
	wait_carrier "$A" root "$1" "${2:-10}" &&
		wait_carrier "$B" ns "$1" "${2:-10}"
}

# ethtool field of A (root) or B (ns): eth_field A|B "Speed"
eth_field() {
	local who=$1 key=$2
	if [ "$who" = A ]; then
		ethtool "$A"
	else
		ns ethtool "$B"
	fi | sed -n "s/^\s*$key: //p"
}

# link_downs A|B: link_down_events (ethtool -I, from ethtool 6.2 on; the
# device's counter in debugfs with older ones)
link_downs() {
	local n dbg=$A_DBG
	if [ "$1" = A ]; then
		n=$(ethtool -I "$A" 2>/dev/null)
	else
		n=$(ns ethtool -I "$B" 2>/dev/null)
		dbg=$B_DBG
	fi
	n=$(echo "$n" | awk '/Link Down Events:/ { print $NF }')
	[ -n "$n" ] || n=$(awk '/^link_downs:/ { print $2 }' "$dbg/link")
	echo "$n"
}

stat_of() {	# stat_of A|B NAME  (ethtool -S)
	if [ "$1" = A ]; then
		ethtool -S "$A"
	else
		ns ethtool -S "$B"
	fi | awk -v k="$2:" '$1 == k { print $2 }'
}

# The kernel's ynl CLI (linux-source) for the netdev family's qstats.
# (installed in build/kselftest/install/maia_net of the tree)
YNL=${MAIA_KSRC:-${MAIA_REPO:-$(cd "$(dirname "$(readlink -f "$0")")/../../../.." && pwd)}/build/linux-source}

have_qstats() {
	[ -f "$YNL/tools/net/ynl/cli.py" ]
}

# qstat A|B KEY [QUEUE]: a qstats-get counter (e.g. tx-stop, rx-packets)
# of the port: its total, or that of one queue of the counter's type.
qstat() {
	local who=$1 key=$2 q=${3:-} dev=$A run=() req='{}'
	if [ "$who" = B ]; then
		dev=$B
		run=(ip netns exec "$NS")
	fi
	[ -n "$q" ] && req='{"scope": ["queue"]}'
	"${run[@]}" python3 "$YNL/tools/net/ynl/cli.py" --no-schema \
		--spec "$YNL/Documentation/netlink/specs/netdev.yaml" \
		--dump qstats-get --json "$req" 2>/dev/null |
	"${run[@]}" python3 -c '
import ast, sys
rows = ast.literal_eval(sys.stdin.read() or "[]")
idx, key, q = int(sys.argv[1]), sys.argv[2], sys.argv[3]
kind = key.split("-")[0]
rows = [r for r in rows if r.get("ifindex") == idx]
if q:
    rows = [r for r in rows if r.get("queue-id") == int(q) and r.get("queue-type") == kind]
print(sum(r.get(key, 0) for r in rows))' \
		"$("${run[@]}" cat "/sys/class/net/$dev/ifindex")" "$key" "$q"
}

maia_setup() {
	local ports
	ktap_print_header
	ports=$(maia_ports_of 0) || { ktap_skip_all "no maia link device"; exit "$KSFT_SKIP"; }
	A=$(echo "$ports" | sed -n 1p)
	B=$(echo "$ports" | sed -n 2p)
	if [ -z "$B" ]; then
		ktap_skip_all "need two ports"
		exit "$KSFT_SKIP"
	fi
	A_DBG=$(maia_dbg_of "$A")
	B_DBG=$(maia_dbg_of "$B")
	TMPD=$(mktemp -d)
	trap maia_cleanup EXIT
	ip netns del "$NS" 2>/dev/null
	ip netns add "$NS"
	ip link set "$B" netns "$NS"
	ns ip link set lo up
	# tests take the ports down and up: keep the IPv6 addresses
	sysctl -qw net.ipv6.conf."$A".keep_addr_on_down=1
	ns sysctl -qw net.ipv6.conf."$B".keep_addr_on_down=1
	ip addr add "$A_IP/24" dev "$A"
	ip -6 addr add "$A_IP6/64" dev "$A" nodad
	ns ip addr add "$B_IP/24" dev "$B"
	ns ip -6 addr add "$B_IP6/64" dev "$B" nodad
	ip link set "$A" up
	ns ip link set "$B" up
	wait_both 1 15 || log "carrier did not come up"
	LANES=$(eth_field A Lanes)
	RATE=$(awk '/^lane_rate:/ {print $2}' "$A_DBG/link")
	FULL_SPEED=$((LANES * RATE))
	ALL_LANES=$(( (1 << LANES) - 1 ))
	log "ports $A and $B (in $NS): $LANES lanes x $RATE Mb/s"
}

maia_reset_faults() {
	local d
	for d in "$A_DBG" "$B_DBG"; do
		echo 0 > "$d/lane_kill"
		echo 0 > "$d/fiber_pulled"
		echo "all 0" > "$d/lane_ber"
		echo 40000 > "$d/temperature"
	done
}

maia_cleanup() {
	set +e
	pkill -x iperf3 2>/dev/null
	pkill -x socat 2>/dev/null
	[ -n "$A_DBG" ] && maia_reset_faults 2>/dev/null
	# page allocation failures a test injected (maia_link_rings.sh)
	if [ -f /sys/kernel/debug/fail_page_alloc/probability ]; then
		echo 0 > /sys/kernel/debug/fail_page_alloc/probability
		echo 0 > /sys/kernel/debug/fail_page_alloc/times
	fi
	if ip netns list | grep -qw "$NS"; then
		ns ip link set "$B" down 2>/dev/null
		ns ip link set "$B" mtu 1500 2>/dev/null
		ns ip link set "$B" netns 1 2>/dev/null
		ip netns del "$NS"
	fi
	if [ -n "$A" ]; then
		ip link set "$A" down
		ip link set "$A" mtu 1500
		ip addr flush dev "$A"
	fi
	[ -n "$B" ] && ip addr flush dev "$B" 2>/dev/null
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}

# run_test NAME FUNCTION: one KTAP leaf; the function's output is commented
run_test() {
	local name=$1 fn=$2 rc
	"$fn" > "$TMPD/out" 2>&1
	rc=$?
	sed 's/^/# /' "$TMPD/out"
	if [ $rc = 0 ]; then
		ktap_test_pass "$name"
	elif [ $rc = "$KSFT_SKIP" ]; then
		ktap_test_skip "$name"
	else
		ktap_test_fail "$name"
	fi
}

check() {	# check DESCRIPTION COMMAND...: fail the current test loudly
	local what=$1
	shift
	if ! "$@"; then
		echo "FAIL: $what"
		return 1
	fi
}

refused() {	# refused DESCRIPTION COMMAND...: the command must fail
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "FAIL: accepted: $what"
		return 1
	fi
	echo "refused as expected: $what"
}

# Send $1 MiB of random data from A to B (or B to A with "rev") over TCP
# with socat and compare SHA-256 sums.
xfer_check() {
	local mb=$1 dir=${2:-fwd} src=$TMPD/src.bin dst=$TMPD/dst.bin port=5301
	dd if=/dev/urandom of="$src" bs=1M count="$mb" status=none
	rm -f "$dst"
	if [ "$dir" = fwd ]; then
		ns socat -u TCP-LISTEN:$port,reuseaddr "OPEN:$dst,creat,trunc" &
		sleep 0.5
		socat -u "OPEN:$src" "TCP:$B_IP:$port,retry=20" || return 1
	else
		socat -u TCP-LISTEN:$port,reuseaddr "OPEN:$dst,creat,trunc" &
		sleep 0.5
		ns socat -u "OPEN:$src" "TCP:$A_IP:$port,retry=20" || return 1
	fi
	wait
	local s d
	s=$(sha256sum < "$src" | cut -d' ' -f1)
	d=$(sha256sum < "$dst" | cut -d' ' -f1)
	echo "sent $mb MiB ($dir): sha256 $s / $d"
	[ "$s" = "$d" ]
}

# iperf3 from A to B; prints and returns the receiver's Mbit/s in $IPERF_MBPS
iperf_run() {
	local out
	ns iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	sleep 0.5
	out=$(iperf3 -c "$B_IP" -p 5201 -J "$@") || { echo "$out" | tail -5; return 1; }
	read -r IPERF_MBPS IPERF_LOST < <(echo "$out" | python3 -c '
import json, sys
j = json.load(sys.stdin)
e = j["end"]
s = e.get("sum_received") or e.get("sum")
print(int(s["bits_per_second"] / 1e6), s.get("lost_percent", 0))')
	echo "iperf3 $*: $IPERF_MBPS Mbit/s (lost ${IPERF_LOST}%)"
}
