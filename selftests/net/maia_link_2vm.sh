#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link between two QEMU processes: port 0 of this guest's device is
# joined to port 0 of a second guest's device by a QEMU "stream" socket
# backend (scripts/check.sh session link-2vm; the second guest runs
# maia_link_peer.sh and publishes its state in MAIA_2VM_DIR). Checks that
# the in-band training brings the link up across processes, that data flows
# intact (also in a pcap of the wire), and that a fiber pull or dead lanes
# here are seen over there.
# Skipped without MAIA_2VM_DIR.

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"

DIR=${MAIA_2VM_DIR:-}
PEER_IP=10.79.0.2
MY_IP=10.79.0.1

peer() {	# peer KEY: value from the peer's published state
	sed -n "s/^$1 //p" "$DIR/peer-state" 2>/dev/null
}

wait_peer() {	# wait_peer KEY VALUE [seconds]
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		[ "$(peer "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "peer $1 is '$(peer "$1")', expected '$2'"
	return 1
}

t_link_up() {
	wait_carrier "$P" root 1 30 || return 1
	wait_peer carrier 1 10 || return 1
	echo "here: $(ethtool "$P" | grep -E "Speed|Lanes" | tr -s '\t\n' '  ')"
	echo "peer: $(peer Speed) $(peer Lanes) lanes"
	[ "$(peer Speed)" = "$(ethtool "$P" | sed -n 's/^\s*Speed: //p')" ] &&
	cat "$DBG_P/link" | grep -E "^(peer|lanes_peer):"
}

t_ping() {
	local out rc
	out=$(ping -c 5 -i 0.2 -W 2 "$PEER_IP")
	rc=$?
	echo "$out" | tail -2
	return $rc
}

# QEMU's filter-dump on this guest's socket backend captured what crossed
# the wire: plain Ethernet frames, both ways, with the in-band training
# frames (EtherType 0x88b5) between them.
t_wire_capture() {
	python3 - "$DIR/wire.pcap" "$MY_IP" "$PEER_IP" <<'PY'
import socket, struct, sys
data = open(sys.argv[1], "rb").read()
magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
assert magic == 0xa1b2c3d4 and linktype == 1, "not an Ethernet pcap"
me, peer = socket.inet_aton(sys.argv[2]), socket.inet_aton(sys.argv[3])
off, frames, train, out, back = 24, 0, 0, 0, 0
while off + 16 <= len(data):
    _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    frames += 1
    etype = struct.unpack("!H", f[12:14])[0]
    if etype == 0x88b5:
        train += 1
    elif etype == 0x0800 and f[23] == 1:        # ICMP
        out += f[26:30] == me and f[30:34] == peer and f[34] == 8
        back += f[26:30] == peer and f[30:34] == me and f[34] == 0
print("%d frames captured: %d training, %d echo requests out, %d replies back"
      % (frames, train, out, back))
sys.exit(0 if train and out >= 5 and back >= 5 else 1)
PY
}

t_transfer() {
	local src=$TMPD/x.bin s d i
	dd if=/dev/urandom of="$src" bs=1M count=16 status=none
	rm -f "$DIR/peer-sha"
	socat -u "OPEN:$src" "TCP:$PEER_IP:5310,retry=30" || return 1
	for ((i = 0; i < 100; i++)); do
		[ -f "$DIR/peer-sha" ] && break
		sleep 0.1
	done
	s=$(sha256sum < "$src" | cut -d' ' -f1)
	d=$(cat "$DIR/peer-sha" 2>/dev/null)
	echo "16 MiB to the other guest: $s / $d"
	[ "$s" = "$d" ]
}

t_iperf() {
	local out
	out=$(iperf3 -c "$PEER_IP" -t 5 -J) || return 1
	echo "$out" | python3 -c '
import json, sys
e = json.load(sys.stdin)["end"]
print("iperf3 across QEMU processes: %d Mbit/s" % (e["sum_received"]["bits_per_second"] / 1e6))'
}

t_fiber_pull_seen_remotely() {
	local ok=0
	echo 1 > "$DBG_P/fiber_pulled"
	wait_carrier "$P" root 0 5 || ok=1
	wait_peer carrier 0 5 || ok=1
	echo "here: $(ethtool "$P" | sed -n 's/^\s*Link detected: //p'); peer: $(peer "Link detected")"
	peer "Link detected" | grep -q "Bad signal integrity" || ok=1
	echo 0 > "$DBG_P/fiber_pulled"
	wait_carrier "$P" root 1 10 || ok=1
	wait_peer carrier 1 10 || ok=1
	return $ok
}

t_lanes_seen_remotely() {
	local ok=0 lanes
	lanes=$(ethtool "$P" | sed -n 's/^\s*Lanes: //p')
	echo $(( ((1 << lanes) - 1) & ~((1 << (lanes / 2)) - 1) )) > "$DBG_P/lane_kill"
	wait_peer Lanes $((lanes / 2)) 5 || ok=1
	echo "peer after killing half the lanes here: $(peer Speed), $(peer Lanes) lanes"
	echo 0 > "$DBG_P/lane_kill"
	wait_peer Lanes "$lanes" 5 || ok=1
	ping -c 2 -W 2 "$PEER_IP" >/dev/null || ok=1
	return $ok
}

ktap_print_header
if [ -z "$DIR" ] || [ ! -d "$DIR" ]; then
	ktap_skip_all "no second guest (scripts/check.sh session link-2vm)"
	exit "$KSFT_SKIP"
fi
TMPD=$(mktemp -d)
P=$(maia_ports_of 0 | head -1)
DBG_P=$(maia_dbg_of "$P")
cleanup_2vm() {
	echo 0 > "$DBG_P/fiber_pulled"
	echo 0 > "$DBG_P/lane_kill"
	ip addr flush dev "$P"
	ip link set "$P" down
	rm -rf "$TMPD"
}
trap cleanup_2vm EXIT
for ((i = 0; i < 600; i++)); do		# the other guest boots too
	[ -f "$DIR/peer-ready" ] && break
	sleep 0.5
done
ip addr add "$MY_IP/24" dev "$P"
ip link set "$P" up
ktap_set_plan 7
run_test link_up_across_qemu t_link_up
run_test ping t_ping
run_test wire_capture_pcap t_wire_capture
run_test transfer_integrity t_transfer
run_test iperf3 t_iperf
run_test fiber_pull_seen_by_peer t_fiber_pull_seen_remotely
run_test lane_loss_seen_by_peer t_lanes_seen_remotely
ktap_finished
