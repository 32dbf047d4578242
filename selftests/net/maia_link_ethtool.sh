#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link ethtool interface: driver info, module memory decoded by stock
# "ethtool -m" (CMIS), FEC mode and counters, standard statistics groups,
# rings, channels, coalescing, link settings (lanes), RSS, register dump,
# self-test. Every set operation is also tried with invalid values, which
# must be refused.

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"

t_drvinfo() {
	local out
	out=$(ethtool -i "$A") || return 1
	echo "$out"
	echo "$out" | grep -q "^driver: maia_link" &&
	echo "$out" | grep -q "^bus-info: 0000:" &&
	echo "$out" | grep -q "^firmware-version: 1.0"
}

t_module_eeprom() {
	local out
	out=$(ethtool -m "$A") || return 1
	echo "$out" | head -12
	echo "$out" | grep -E "Module temperature|Module voltage|Channel 1\)|Channel 8\)" | head -12
	echo "$out" | grep -q "OSFP" &&
	echo "$out" | grep -q "Vendor name.*MAIA OPTICS" &&
	echo "$out" | grep -Eq "Module temperature +: 4[0-9]\.[0-9]+ degrees C" &&
	echo "$out" | grep -Eq "Module voltage +: 3\.3000 V" &&
	echo "$out" | grep -Eq "Laser tx bias current \(Channel 8\) +: 6\.[0-9]+ mA" &&
	echo "$out" | grep -Eq "Transmit avg optical power \(Channel 1\) +: 0\.[67][0-9]+ mW" &&
	echo "$out" | grep -Eq "Rcvr signal avg optical power \(Channel 1\) +: 0\.4[0-9]+ mW" &&
	echo "$out" | grep -Eq "Module temperature high alarm threshold +: 75\.00 degrees C"
}

t_module_pages() {
	# raw page reads through the netlink interface
	ethtool -m "$A" page 0x11 offset 0x80 length 16 hex on | head -3 &&
	refused "page 0x20" ethtool -m "$A" page 0x20 offset 0x80 length 16 &&
	refused "bank 5" ethtool -m "$A" page 0x11 bank 5 offset 0x80 length 16 &&
	refused "i2c 0x51" ethtool -m "$A" page 0 offset 0 length 16 i2c 0x51
}

t_fec() {
	local out
	out=$(ethtool --show-fec "$A") || return 1
	echo "$out"
	echo "$out" | grep -q "Active FEC encoding: RS" || return 1
	refused "fec baser" ethtool --set-fec "$A" encoding baser &&
	refused "fec llrs" ethtool --set-fec "$A" encoding llrs &&
	refused "fec rs+off" ethtool --set-fec "$A" encoding rs off &&
	ethtool --set-fec "$A" encoding auto &&
	ethtool --show-fec "$A" | grep -q "Active FEC encoding: RS"
}

t_fec_mismatch_trains_down() {
	local ok=0
	ethtool --set-fec "$A" encoding off || return 1
	check "link down on FEC mismatch" wait_both 0 5 || ok=1
	ethtool "$A" | grep "Link detected"
	ethtool "$A" | grep -q "Link training failure" || ok=1
	ns ethtool --set-fec "$B" encoding off
	check "up with FEC off at both ends" wait_both 1 5 || ok=1
	ethtool --show-fec "$A" | grep "Active FEC"
	ethtool --set-fec "$A" encoding rs
	ns ethtool --set-fec "$B" encoding rs
	check "up with RS again" wait_both 1 5 || ok=1
	return $ok
}

t_fec_stats() {
	local out
	out=$(ethtool -I --show-fec "$A") || return 1
	echo "$out" | tail -6
	echo "$out" | grep -qi "corrected"
}

t_std_stats() {
	local out
	ping -c 3 -i 0.2 "$B_IP" >/dev/null || return 1
	out=$(ethtool -S "$A" --all-groups) || return 1
	echo "$out" | grep -E "FramesTransmittedOK|OctetsReceivedOK|SymbolError|Pkts64Octets|FrameCheck"
	echo "$out" | grep -Eq "FramesTransmittedOK: [1-9]" &&
	echo "$out" | grep -Eq "OctetsReceivedOK: [1-9]" &&
	echo "$out" | grep -q "SymbolErrorDuringCarrier" &&
	echo "$out" | grep -q "rx-rmon-etherStatsPkts4096to9220Octets" &&
	echo "$out" | grep -Eq "tx-rmon-etherStatsPkts65to127Octets: [1-9]"
}

# ethtool -S has what no standard interface carries: not the per-queue,
# checksum, TSO, GRO, drop, stop/wake counters (qstats), the stats64 errors
# or link_down_events (ethtool -I).
t_private_stats() {
	local n dup
	n=$(ethtool -S "$A" | grep -c ":")
	echo "$n private counters"
	ethtool -S "$A" | grep -E "tx_training|rx_training|link_ups"
	dup=$(ethtool -S "$A" | grep -E "^\s*(rx[0-9]_|tx[0-9]_|link_downs|rx_alloc_fail|tx_stops|tx_wakes|.*_driver_dropped|rx_csum|tx_csum|tx_tso|rx_rsc|rx_no_queue|rx_dma_errors|tx_link_down):")
	[ -z "$dup" ] || echo "duplicates of standard counters: $dup"
	[ -z "$dup" ] && [ "$n" -ge 10 ] && [ "$(stat_of A rx_training)" -gt 0 ]
}

t_rings() {
	ethtool -g "$A" | grep -A4 "Pre-set" | head -5
	ethtool -G "$A" rx 512 tx 256 || return 1
	ethtool -g "$A" | grep -A3 "Current" | grep -q "RX:.*512" || return 1
	wait_both 1 10 && ping -c 2 -W 2 "$B_IP" >/dev/null || return 1
	refused "rx 100 (not a power of two)" ethtool -G "$A" rx 100 &&
	refused "rx 32 (below 64)" ethtool -G "$A" rx 32 &&
	refused "tx 8192 (above 4096)" ethtool -G "$A" tx 8192 &&
	refused "rx-jumbo" ethtool -G "$A" rx-jumbo 64 &&
	ethtool -G "$A" rx 1024 tx 1024
}

t_channels() {
	ethtool -l "$A" | head -6
	ethtool -L "$A" combined 1 || return 1
	wait_both 1 10 && ping -c 2 -W 2 "$B_IP" >/dev/null || return 1
	[ "$(ls -d /sys/class/net/"$A"/queues/rx-* | wc -l)" = 1 ] || return 1
	ethtool -L "$A" combined 4 || return 1
	[ "$(ls -d /sys/class/net/"$A"/queues/rx-* | wc -l)" = 4 ] || return 1
	wait_both 1 10 && ping -c 2 -W 2 "$B_IP" >/dev/null || return 1
	refused "combined 5" ethtool -L "$A" combined 5 &&
	refused "combined 0" ethtool -L "$A" combined 0 &&
	refused "rx 1" ethtool -L "$A" rx 1
}

t_coalesce() {
	ethtool -C "$A" rx-usecs 10 rx-frames 8 tx-usecs 20 tx-frames 16 || return 1
	ethtool -c "$A" | grep -E "^(rx|tx)-(usecs|frames):"
	ethtool -c "$A" | grep -q "^rx-usecs:\s*10$" || return 1
	ping -c 2 -W 2 "$B_IP" >/dev/null || return 1
	refused "rx-usecs 20000" ethtool -C "$A" rx-usecs 20000 &&
	refused "tx-frames 5000" ethtool -C "$A" tx-frames 5000 &&
	refused "adaptive-rx (unsupported)" ethtool -C "$A" adaptive-rx on &&
	ethtool -C "$A" rx-usecs 50 rx-frames 32 tx-usecs 100 tx-frames 64
}

# Small frames are copied out of their page buffer (rx-copybreak), larger
# ones are not; 0 turns copying off; values above the limit are refused.
t_rx_copybreak() {
	local c0 c1 c2 c3 ok=0
	ns ethtool --get-tunable "$B" rx-copybreak | grep -q "rx-copybreak: 256" || return 1
	c0=$(stat_of B rx_copybreak)
	ping -c 5 -i 0.2 -s 100 -p a5 -W 2 "$B_IP" >/dev/null || ok=1
	c1=$(stat_of B rx_copybreak)
	ping -c 5 -i 0.2 -s 1000 -p 5a -W 2 "$B_IP" >/dev/null || ok=1
	c2=$(stat_of B rx_copybreak)
	ns ethtool --set-tunable "$B" rx-copybreak 0 || ok=1
	ping -c 5 -i 0.2 -s 100 -W 2 "$B_IP" >/dev/null || ok=1
	c3=$(stat_of B rx_copybreak)
	echo "B rx_copybreak: $c0 -> $c1 (small pings) -> $c2 (1000-byte) -> $c3 (off)"
	[ "$c1" -ge $((c0 + 5)) ] && [ "$c2" -lt $((c1 + 5)) ] && [ "$c3" = "$c2" ] || ok=1
	refused "rx-copybreak 4096" ns ethtool --set-tunable "$B" rx-copybreak 4096 || ok=1
	refused "tx-copybreak (unsupported)" ns ethtool --set-tunable "$B" tx-copybreak 64 || ok=1
	ns ethtool --set-tunable "$B" rx-copybreak 256 || ok=1
	return $ok
}

t_link_lanes() {
	local ok=0
	ethtool -s "$A" autoneg off lanes 4 || return 1
	check "link back" wait_both 1 5 || ok=1
	sleep 0.3
	echo "A: $(eth_field A Speed) $(eth_field A Lanes) lanes; B: $(eth_field B Speed) $(eth_field B Lanes) lanes"
	[ "$(eth_field A Speed)" = 100000Mb/s ] && [ "$(eth_field B Lanes)" = 4 ] || ok=1
	ethtool -s "$A" speed 50000 autoneg off || ok=1
	sleep 0.3
	echo "A: $(eth_field A Speed) $(eth_field A Lanes) lanes"
	[ "$(eth_field A Lanes)" = 2 ] || ok=1
	refused "lanes 3" ethtool -s "$A" lanes 3 autoneg off || ok=1
	refused "speed 30000" ethtool -s "$A" speed 30000 autoneg off || ok=1
	refused "speed for $((LANES + 4)) lanes" ethtool -s "$A" speed $(((LANES + 4) * RATE)) autoneg off || ok=1
	refused "half duplex" ethtool -s "$A" duplex half autoneg off || ok=1
	ethtool -s "$A" autoneg on || ok=1
	sleep 0.3
	[ "$(eth_field A Speed)" = "${FULL_SPEED}Mb/s" ] || ok=1
	ping -c 2 -W 2 "$B_IP" >/dev/null || ok=1
	return $ok
}

t_rss() {
	local out
	out=$(ethtool -x "$A") || return 1
	echo "$out" | head -3
	echo "$out" | grep -q "RX flow hash indirection table for .* with 4 RX ring" || return 1
	echo "$out" | grep -q "toeplitz: on" || return 1
	ethtool -X "$A" equal 2 || return 1
	ethtool -x "$A" | sed -n 3p
	refused "weight on a missing queue" ethtool -X "$A" weight 1 1 1 1 1 &&
	refused "xor hash" ethtool -X "$A" hfunc xor &&
	ethtool -X "$A" hkey "$(seq -s: 10 49 | awk -F: '{for(i=1;i<=NF;i++) printf "%s%02x", (i>1?":":""), $i}')" &&
	ethtool -X "$A" default && ping -c 2 -W 2 "$B_IP" >/dev/null
}

t_regs() {
	local n
	n=$(ethtool -d "$A" raw on | wc -c)
	ethtool -d "$A" | head -4
	echo "register dump: $n bytes"
	[ "$n" -ge 1536 ]
}

t_selftest() {
	local out
	out=$(ethtool -t "$A" offline) || { echo "$out"; return 1; }
	echo "$out"
	echo "$out" | grep -q "The test result is PASS" || return 1
	wait_both 1 10 && ping -c 2 -W 2 "$B_IP" >/dev/null
}

t_features() {
	ethtool -K "$A" rx-hashing off rx-checksumming off || return 1
	ping -c 2 -W 2 "$B_IP" >/dev/null || return 1
	ethtool -K "$A" rx-hashing on rx-checksumming on tx-checksumming off tso off || return 1
	xfer_check 4 fwd || return 1
	ethtool -K "$A" tx-checksumming on tso on
	ethtool -K "$A" loopback on && ethtool -K "$A" loopback off
}

t_carrier_final() {
	wait_both 1 10 && ping -c 2 -W 2 "$B_IP" >/dev/null
}

maia_setup
ktap_set_plan 18
run_test drvinfo t_drvinfo
run_test module_eeprom_cmis t_module_eeprom
run_test module_pages_validated t_module_pages
run_test fec_mode t_fec
run_test fec_mismatch_link_training t_fec_mismatch_trains_down
run_test fec_stats t_fec_stats
run_test standard_stats_groups t_std_stats
run_test private_stats t_private_stats
run_test rings t_rings
run_test channels t_channels
run_test coalesce t_coalesce
run_test rx_copybreak_tunable t_rx_copybreak
run_test link_lanes_speed t_link_lanes
run_test rss t_rss
run_test register_dump t_regs
run_test self_test t_selftest
run_test features t_features
run_test carrier_after_all t_carrier_final
ktap_finished
