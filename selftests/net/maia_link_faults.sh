#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link fault injection through the device's debug registers (debugfs
# maia_link/<pci>-p<port>/): dead lanes lower the speed while a transfer
# continues; all lanes dead, a pulled fiber, a BER storm and over-
# temperature take the link down with the matching link_ext_state at both
# ends, and traffic comes back after the repair; a BER within FEC's reach
# only grows the corrected counters, one beyond it drops frames (counted);
# ring, channel and coalescing changes under traffic (link flaps under
# traffic: maia_link_flaps.sh).

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"

link_line() {	# link_line A|B: "Link detected: ..." of one end
	if [ "$1" = A ]; then ethtool "$A"; else ns ethtool "$B"; fi |
		sed -n 's/^\s*Link detected: //p'
}

lanes_of() { eth_field "$1" Lanes; }

fec_stat() {	# fec_stat A|B corrected|uncorrectable
	local out
	if [ "$1" = A ]; then out=$(ethtool -I --show-fec "$A"); else out=$(ns ethtool -I --show-fec "$B"); fi
	echo "$out" | awk -v k="$2" 'tolower($0) ~ k && /[0-9]/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; exit } }'
}

t_lane_loss_lowers_speed() {
	local src=$TMPD/big.bin dst=$TMPD/big.out pid ok=0 s d i
	dd if=/dev/urandom of="$src" bs=1M count=48 status=none
	ns socat -u TCP-LISTEN:5302,reuseaddr "OPEN:$dst,creat,trunc" &
	pid=$!
	sleep 0.5
	# pace the sender (1 MiB every 50 ms) so the lanes change mid-transfer
	for ((i = 0; i < 48; i++)); do
		dd if="$src" bs=1M skip=$i count=1 status=none
		sleep 0.05
	done | socat -u STDIN "TCP:$B_IP:5302,retry=20" &
	sleep 0.5
	echo $((ALL_LANES & ~((1 << (LANES / 2)) - 1))) > "$A_DBG/lane_kill"
	sleep 0.3
	echo "upper half of the lanes dead: A $(eth_field A Speed) $(lanes_of A) lanes, B $(eth_field B Speed) $(lanes_of B) lanes"
	[ "$(eth_field A Speed)" = "$((FULL_SPEED / 2))Mb/s" ] &&
		[ "$(lanes_of B)" = $((LANES / 2)) ] || ok=1
	echo $((ALL_LANES & ~1)) > "$A_DBG/lane_kill"
	sleep 0.3
	echo "all lanes but one dead: A $(eth_field A Speed) $(lanes_of A) lanes"
	[ "$(eth_field A Speed)" = "${RATE}Mb/s" ] || ok=1
	[ "$(carrier "$A")" = 1 ] && [ "$(carrier "$B" ns)" = 1 ] || ok=1
	wait
	s=$(sha256sum < "$src" | cut -d' ' -f1)
	d=$(sha256sum < "$dst" | cut -d' ' -f1)
	echo "transfer during lane loss: $s / $d"
	[ "$s" = "$d" ] || ok=1
	echo 0 > "$A_DBG/lane_kill"
	sleep 0.3
	[ "$(eth_field B Speed)" = "${FULL_SPEED}Mb/s" ] || ok=1
	return $ok
}

t_module_shows_dead_lane() {
	local out ok=0
	echo 0x04 > "$A_DBG/lane_kill"
	sleep 0.3
	out=$(ns ethtool -m "$B")
	echo "$out" | grep -E "Rcvr signal avg optical power \(Channel [23]\)"
	echo "$out" | grep -Eq "Rcvr signal avg optical power \(Channel 3\) +: 0\.0000 mW" || ok=1
	echo "$out" | grep -Eq "Rcvr signal avg optical power \(Channel 2\) +: 0\.4" || ok=1
	ethtool -m "$A" | grep -Eq "Transmit avg optical power \(Channel 3\) +: 0\.0000 mW" || ok=1
	[ "$(lanes_of A)" = $((LANES - 1)) ] || ok=1
	echo 0 > "$A_DBG/lane_kill"
	return $ok
}

t_all_lanes_lost() {
	local ok=0
	echo "$ALL_LANES" > "$A_DBG/lane_kill"
	check "carrier off at both ends" wait_both 0 5 || ok=1
	echo "A: $(link_line A); B: $(link_line B)"
	link_line A | grep -q "Bad signal integrity" || ok=1
	link_line B | grep -q "Bad signal integrity" || ok=1
	! ping -c 1 -W 1 "$B_IP" >/dev/null 2>&1 || ok=1
	echo 0 > "$A_DBG/lane_kill"
	check "carrier back" wait_both 1 5 || ok=1
	ping -c 3 -i 0.2 -W 2 "$B_IP" | tail -1 || ok=1
	return $ok
}

t_fiber_pull() {
	local ok=0
	echo 1 > "$A_DBG/fiber_pulled"
	check "carrier off at both ends" wait_both 0 5 || ok=1
	echo "A: $(link_line A); B: $(link_line B)"
	link_line A | grep -q "No cable" || ok=1
	link_line B | grep -q "Bad signal integrity" || ok=1
	echo 0 > "$A_DBG/fiber_pulled"
	check "carrier back" wait_both 1 5 || ok=1
	xfer_check 4 fwd || ok=1
	return $ok
}

t_ber_corrected() {
	local c0 c1 u0 u1 ok=0
	c0=$(fec_stat B corrected)
	u0=$(fec_stat B uncorrectable)
	echo "all 100000" > "$B_DBG/lane_ber"		# 1e-5 at B's receivers
	sleep 1
	ping -c 20 -i 0.05 -W 2 "$B_IP" | tail -2 || ok=1
	c1=$(fec_stat B corrected)
	u1=$(fec_stat B uncorrectable)
	echo "BER 1e-5: corrected $c0 -> $c1, uncorrectable $u0 -> $u1"
	[ "$c1" -gt "$c0" ] && [ "$u1" = "$u0" ] || ok=1
	ns ethtool -I --show-fec "$B" | tail -4
	echo "all 0" > "$B_DBG/lane_ber"
	return $ok
}

t_ber_uncorrectable_drops() {
	local f0 f1 u0 u1 e0 e1 ok=0
	u0=$(fec_stat B uncorrectable)
	f0=$(ns ethtool -S "$B" --groups eth-mac | awk '/FrameCheckSequenceErrors/ {print $2}')
	e0=$(ns cat /sys/class/net/"$B"/statistics/rx_crc_errors)
	echo "all 15000000" > "$B_DBG/lane_ber"	# 1.5e-3: beyond RS(544,514)
	sleep 0.5
	ping -c 200 -i 0.01 -s 1400 -W 1 "$B_IP" | tail -2
	u1=$(fec_stat B uncorrectable)
	f1=$(ns ethtool -S "$B" --groups eth-mac | awk '/FrameCheckSequenceErrors/ {print $2}')
	e1=$(ns cat /sys/class/net/"$B"/statistics/rx_crc_errors)
	echo "BER 1.5e-3: uncorrectable $u0 -> $u1, FCS errors $f0 -> $f1, rx_crc_errors $e0 -> $e1"
	[ "$u1" -gt "$u0" ] && [ "$f1" -gt "$f0" ] && [ "$e1" -gt "$e0" ] || ok=1
	[ "$(carrier "$B" ns)" = 1 ] || ok=1
	echo "all 0" > "$B_DBG/lane_ber"
	return $ok
}

t_ber_storm_link_down() {
	local ok=0
	echo "all 60000000" > "$B_DBG/lane_ber"	# 6e-3 on every lane
	check "carrier off at both ends" wait_both 0 5 || ok=1
	echo "A: $(link_line A); B: $(link_line B)"
	link_line B | grep -q "Large number of physical errors" || ok=1
	echo "0 60000000" > "$B_DBG/lane_ber"
	echo "all 0" > "$B_DBG/lane_ber"
	check "carrier back" wait_both 1 5 || ok=1
	# a storm on some lanes only: they are dropped, the link stays up
	echo "3 60000000" > "$B_DBG/lane_ber"
	sleep 0.3
	echo "one bad lane: $(lanes_of A) lanes"
	[ "$(lanes_of A)" = $((LANES - 1)) ] || ok=1
	echo "all 0" > "$B_DBG/lane_ber"
	sleep 0.3
	ping -c 2 -W 2 "$B_IP" >/dev/null || ok=1
	return $ok
}

t_overtemp() {
	local ok=0
	echo 80000 > "$A_DBG/temperature"
	check "carrier off at both ends" wait_both 0 5 || ok=1
	echo "A: $(link_line A); B: $(link_line B)"
	link_line A | grep -q "Overheat" || ok=1
	ethtool -m "$A" | grep -E "Module temperature( high alarm)? +:" | head -2
	ethtool -m "$A" | grep -Eq "Module temperature high alarm +: On" || ok=1
	echo 72000 > "$A_DBG/temperature"
	sleep 0.5
	[ "$(carrier "$A")" = 0 ] || ok=1		# hysteresis: still above 70 C
	echo 40000 > "$A_DBG/temperature"
	check "carrier back" wait_both 1 5 || ok=1
	return $ok
}

# The fault file takes the documented range, -40 to 150 degrees C, in
# milli-degrees: sub-zero values included.
t_temperature_below_zero() {
	local ok=0
	check "-20000 accepted" sh -c "echo -20000 > $A_DBG/temperature" || ok=1
	echo "temperature file: $(cat "$A_DBG/temperature")"
	[ "$(cat "$A_DBG/temperature")" = -20000 ] || ok=1
	sleep 0.3	# the module temperature follows on the next tick
	ethtool -m "$A" | grep -E "^\s*Module temperature +:"
	ethtool -m "$A" | grep -Eq "Module temperature +: -1[0-9]\.[0-9]+ degrees C" || ok=1
	check "still up when cold" [ "$(carrier "$A")" = 1 ] || ok=1
	refused "-40001" sh -c "echo -40001 > $A_DBG/temperature" || ok=1
	refused "150001" sh -c "echo 150001 > $A_DBG/temperature" || ok=1
	echo 40000 > "$A_DBG/temperature"
	return $ok
}

t_reconfig_under_traffic() {
	local i ok=0
	ns iperf3 -s -1 -D -p 5202 >/dev/null 2>&1
	sleep 0.5
	iperf3 -c "$B_IP" -p 5202 -t 25 > "$TMPD/iperf.out" 2>&1 &
	sleep 2
	for i in 1 2 3; do
		ethtool -G "$A" rx 256 tx 512 || ok=1
		ns ethtool -L "$B" combined 2 || ok=1
		ethtool -C "$A" rx-usecs 5 rx-frames 4 || ok=1
		sleep 1
		ethtool -G "$A" rx 1024 tx 1024 || ok=1
		ns ethtool -L "$B" combined 4 || ok=1
		ethtool -C "$A" rx-usecs 50 rx-frames 32 || ok=1
		ns ethtool -G "$B" rx 2048 || ok=1
		sleep 1
	done
	wait
	tail -4 "$TMPD/iperf.out"
	grep -q "receiver" "$TMPD/iperf.out" || ok=1
	ping -c 2 -W 2 "$B_IP" >/dev/null || ok=1
	return $ok
}

maia_setup
ktap_set_plan 10
run_test lane_loss_lowers_speed_during_transfer t_lane_loss_lowers_speed
run_test module_shows_dead_lane t_module_shows_dead_lane
run_test all_lanes_lost_and_restored t_all_lanes_lost
run_test fiber_pulled_and_restored t_fiber_pull
run_test ber_fec_corrected t_ber_corrected
run_test ber_uncorrectable_drops_counted t_ber_uncorrectable_drops
run_test ber_storm_link_down t_ber_storm_link_down
run_test temperature_below_zero t_temperature_below_zero
run_test over_temperature t_overtemp
run_test ring_channel_coalesce_under_traffic t_reconfig_under_traffic
ktap_finished
