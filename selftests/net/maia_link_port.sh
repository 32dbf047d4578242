#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link ports as stock tools expect them: the address derived from the
# board serial, changed while the port is up; MAC loopback (ethtool -K
# loopback, ethtool -t) without a partner; link modes from lanes x lane
# rate, forced speeds, a speed the partner cannot run, and autoneg picking
# the highest common speed.

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"

addr_of() {	# addr_of A|B
	if [ "$1" = A ]; then
		cat "/sys/class/net/$A/address"
	else
		ns cat "/sys/class/net/$B/address"
	fi
}

# The address of port $2 of a board with serial $1 (hex), as link.rst
# documents it.
expected_mac() {
	python3 - "$1" "$2" <<'PY'
import sys
serial, port = int(sys.argv[1], 16), int(sys.argv[2])
fold = (serial ^ (serial >> 44)) & ((1 << 44) - 1)
m = (fold >> 38) << 42 | 2 << 40 | (fold & ((1 << 38) - 1)) << 2 | port
print(":".join("%02x" % ((m >> (8 * i)) & 0xff) for i in range(5, -1, -1)))
PY
}

t_mac_from_serial() {
	local aux serial a b ea eb
	aux=$(basename "$(readlink -f "/sys/class/net/$A/device")")
	serial=$(devlink dev info "auxiliary/$aux" | awk '/serial_number/ {print $2}')
	a=$(addr_of A)
	b=$(addr_of B)
	ea=$(expected_mac "$serial" 0)
	eb=$(expected_mac "$serial" 1)
	echo "serial $serial: port 0 $a (expected $ea), port 1 $b (expected $eb)"
	check "port 0 address" [ "$a" = "$ea" ] &&
	check "port 1 address" [ "$b" = "$eb" ] &&
	check "locally administered unicast" [ $((0x${a%%:*} & 3)) = 2 ]
}

# The address changes while the port is up and traffic uses it at once.
t_live_mac_change() {
	local ok=0 orig new=02:12:34:56:78:9a seen
	orig=$(addr_of A)
	check "set while up" ip link set "$A" address "$new" || return 1
	check "still up" [ "$(carrier "$A")" = 1 ] || ok=1
	ns ip neigh flush dev "$B"
	check "ping from the partner" ns ping -c 3 -i 0.2 -W 2 "$A_IP" || ok=1
	seen=$(ns ip neigh show "$A_IP" dev "$B" | awk '{print $3}')
	echo "partner's neighbour entry for A: $seen"
	[ "$seen" = "$new" ] || ok=1
	ip link set "$A" address "$orig" || ok=1
	ns ip neigh flush dev "$B"
	check "ping with the old address" ns ping -c 2 -i 0.2 -W 2 "$A_IP" || ok=1
	return $ok
}

# Send N frames from A to itself on a packet socket and count those that
# come back in (not the outgoing copies).
self_frames() {
	python3 - "$A" "$1" <<'PY'
import socket, sys, time
dev, n = sys.argv[1], int(sys.argv[2])
proto = 0x88b6
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(proto))
s.bind((dev, proto))
mac = bytes.fromhex(open("/sys/class/net/%s/address" % dev).read().strip().replace(":", ""))
for i in range(n):
    s.send(mac + mac + proto.to_bytes(2, "big") + b"maia-loop-%03d" % i + bytes(40))
got = 0
s.settimeout(0.5)
end = time.monotonic() + 5
while got < n and time.monotonic() < end:
    try:
        data, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    if addr[2] != socket.PACKET_OUTGOING and b"maia-loop-" in data:
        got += 1
print(got)
PY
}

t_mac_loopback_no_partner() {
	local ok=0 got
	ns ip link set "$B" down
	check "no carrier without the partner" wait_carrier "$A" root 0 5 || ok=1
	ethtool -K "$A" loopback on || return 1
	check "carrier in MAC loopback" wait_carrier "$A" root 1 5 || ok=1
	ethtool "$A" | grep -E "Speed|Lanes|Link detected"
	got=$(self_frames 20)
	echo "frames sent to itself: 20, received: $got"
	[ "$got" = 20 ] || ok=1
	ethtool -K "$A" loopback off
	check "carrier gone with loopback off" wait_carrier "$A" root 0 5 || ok=1
	ns ip link set "$B" up
	check "link back" wait_both 1 10 || ok=1
	return $ok
}

t_selftest_loopback_partner_down() {
	local ok=0 out
	ns ip link set "$B" down
	wait_carrier "$A" root 0 5
	out=$(ethtool -t "$A" offline)
	echo "$out"
	echo "$out" | grep -Eq "^loopback \(offline\)\s+0$" || ok=1
	# the link check fails: there is no link
	echo "$out" | grep -Eq "^link \(online\)\s+1$" || ok=1
	check "no carrier after the test" [ "$(carrier "$A")" = 0 ] || ok=1
	ns ip link set "$B" up
	check "link back" wait_both 1 10 || ok=1
	return $ok
}

# "N lanes" as the mode name of N x RATE (link.rst, Link modes)
mode_name() {
	case $((RATE * $1)):$1 in
	25000:1) echo 25000baseSR/Full ;;
	50000:2) echo 50000baseSR2/Full ;;
	100000:4) echo 100000baseSR4/Full ;;
	200000:8) echo 200000baseSR4/Full ;;
	400000:16) echo 400000baseSR8/Full ;;
	800000:32) echo 800000baseSR8/Full ;;
	esac
}

# the modes of 1, 2, 4 ... up to $1 lanes, one per line, sorted
modes_upto() {
	local n
	for ((n = 1; n <= $1; n *= 2)); do
		mode_name $n
	done | sort
}

# ethtool's list after "$2 link modes:" of A or B ($1), one per line, sorted
modes_of() {
	if [ "$1" = A ]; then ethtool "$A"; else ns ethtool "$B"; fi |
	awk -v k="$2 link modes:" '
		index($0, k) { on = 1; sub(".*" k, ""); }
		on && /^\t[A-Z][a-z]/ && !index($0, k) { on = 0 }
		on { for (i = 1; i <= NF; i++) if ($i ~ /base/) print $i }' | sort
}

t_link_modes() {
	local ok=0
	if [ "$RATE" != 25000 ]; then
		echo "lane rate $RATE: the expected modes are listed for 25000"
		return "$KSFT_SKIP"
	fi
	ethtool "$A" | sed -n '/Supported ports/,/Speed/p'
	check "supported" [ "$(modes_of A Supported)" = "$(modes_upto "$LANES")" ] || ok=1
	check "advertised" [ "$(modes_of A Advertised)" = "$(modes_upto "$LANES")" ] || ok=1
	check "partner advertised" [ "$(modes_of A "Link partner advertised")" = "$(modes_upto "$LANES")" ] || ok=1
	check "autoneg on" sh -c "ethtool $A | grep -q 'Auto-negotiation: on'" || ok=1
	check "FEC modes" sh -c "ethtool $A | grep -Eq 'Supported FEC modes: None.*RS'" || ok=1
	check "advertised FEC" sh -c "ethtool $A | grep -Eq 'Advertised FEC modes: RS'" || ok=1
	return $ok
}

t_forced_speed() {
	local ok=0 out
	ethtool -s "$A" speed $((4 * RATE)) lanes 4 autoneg off || return 1
	check "link at the forced speed" wait_both 1 5 || ok=1
	sleep 0.3
	echo "A: $(eth_field A Speed) $(eth_field A Lanes) lanes, B: $(eth_field B Speed) $(eth_field B Lanes) lanes"
	[ "$(eth_field A Speed)" = "$((4 * RATE))Mb/s" ] || ok=1
	[ "$(eth_field B Speed)" = "$((4 * RATE))Mb/s" ] || ok=1
	ethtool "$A" | grep -q "Auto-negotiation: off" || ok=1
	# the partner can run only 2 lanes: no link at 4 here
	ns ethtool -s "$B" speed $((2 * RATE)) lanes 2 autoneg off || ok=1
	check "A down: partner cannot run 4 lanes" wait_carrier "$A" root 0 5 || ok=1
	out=$(ethtool "$A" | grep "Link detected")
	echo "A: $out"
	echo "$out" | grep -q "no" || ok=1
	echo "$out" | grep -qi "autoneg.*force mode" || ok=1
	ethtool "$A" | grep -q "Speed: Unknown" || ok=1
	# both ends back to autoneg: highest common speed
	ns ethtool -s "$B" autoneg on || ok=1
	ethtool -s "$A" autoneg on || ok=1
	check "link back" wait_both 1 5 || ok=1
	sleep 0.3
	[ "$(eth_field A Speed)" = "${FULL_SPEED}Mb/s" ] || ok=1
	[ "$(eth_field B Speed)" = "${FULL_SPEED}Mb/s" ] || ok=1
	ping -c 2 -W 2 "$B_IP" >/dev/null || ok=1
	return $ok
}

# autoneg runs at the highest speed both ends offer: the partner losing
# lanes lowers it; advertising less lowers it at both ends.
t_autoneg_highest_common() {
	local ok=0 half=$((LANES / 2))
	echo $(( ((1 << LANES) - 1) & ~((1 << half) - 1) )) > "$B_DBG/lane_kill"
	sleep 0.5
	check "link" wait_both 1 5 || ok=1
	echo "partner with $half lanes: A $(eth_field A Speed), B $(eth_field B Speed)"
	[ "$(eth_field A Speed)" = "$((half * RATE))Mb/s" ] || ok=1
	if [ "$RATE" = 25000 ]; then
		check "partner advertises up to $half lanes" \
			[ "$(modes_of A "Link partner advertised")" = "$(modes_upto "$half")" ] || ok=1
	fi
	echo 0 > "$B_DBG/lane_kill"
	sleep 0.5
	check "full speed again" sh -c "[ \"\$(ethtool $A | sed -n 's/^\s*Speed: //p')\" = ${FULL_SPEED}Mb/s ]" || ok=1
	ethtool -s "$A" autoneg on speed $((2 * RATE)) || ok=1
	sleep 0.5
	echo "A advertises $((2 * RATE)) only: A $(eth_field A Speed), B $(eth_field B Speed)"
	[ "$(eth_field A Speed)" = "$((2 * RATE))Mb/s" ] || ok=1
	[ "$(eth_field B Speed)" = "$((2 * RATE))Mb/s" ] || ok=1
	ethtool "$A" | grep -q "Auto-negotiation: on" || ok=1
	ethtool -s "$A" autoneg on speed "$FULL_SPEED" || ok=1
	sleep 0.5
	[ "$(eth_field A Speed)" = "${FULL_SPEED}Mb/s" ] || ok=1
	refused "autoneg on with a speed of no mode" ethtool -s "$A" autoneg on speed $((3 * RATE)) || ok=1
	return $ok
}

maia_setup
ktap_set_plan 7
run_test mac_from_serial t_mac_from_serial
run_test live_mac_change t_live_mac_change
run_test mac_loopback_no_partner t_mac_loopback_no_partner
run_test selftest_loopback_partner_down t_selftest_loopback_partner_down
run_test link_modes t_link_modes
run_test forced_speed t_forced_speed
run_test autoneg_highest_common t_autoneg_highest_common
ktap_finished
