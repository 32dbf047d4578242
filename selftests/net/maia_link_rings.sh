#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link at the smallest rings (64 descriptors) under load: jumbo frames
# spanning three RX buffers and hardware GRO frames spanning up to sixteen
# fill a 64-entry RX ring within one NAPI poll; a 64-entry TX ring holds
# less than two worst-case packets. Traffic must keep flowing, no transmit
# timeout may fire, the RX path must never take a consumed or unposted
# descriptor for a completed one, and RX must recover from buffer
# allocation failures; a ring change that cannot allocate keeps the old
# rings running (failures injected with fail_page_alloc on a kernel that
# has it, aimed at the driver's RX refill or queue pair allocation).

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"

FPA=/sys/kernel/debug/fail_page_alloc

bad_descs() { dmesg | grep -c "bad descriptor"; }

# set_rings RX TX: both ends
set_rings() {
	ethtool -G "$A" rx "$1" tx "$2" && ns ethtool -G "$B" rx "$1" tx "$2"
}

set_mtu() {
	ip link set "$A" mtu "$1" && ns ip link set "$B" mtu "$1"
}

restore() {
	set_mtu 1500
	set_rings 1024 1024
	ethtool -K "$A" rx-gro-hw on
	ns ethtool -K "$B" rx-gro-hw on
	wait_both 1 10
}

# iperf3 from A to B (or B to A with -R) on port 5203, in the background;
# its output in $TMPD/iperf.out.
iperf_bg() {
	ns iperf3 -s -1 -D -p 5203 >/dev/null 2>&1
	sleep 0.5
	iperf3 -c "$B_IP" -p 5203 "$@" > "$TMPD/iperf.out" 2>&1 &
	IPERF_PID=$!
}

iperf_wait() {
	wait "$IPERF_PID"
	local rc=$?
	grep -E "sender|receiver" "$TMPD/iperf.out"
	[ $rc = 0 ] && grep -q receiver "$TMPD/iperf.out"
}

# Both ends at 64/64, MTU 9000, hardware GRO on: TCP both ways and
# several flows; then the data still arrives intact and nothing was taken
# for a bad descriptor or timed out.
t_smallest_rings_jumbo_rsc() {
	local ok=0 bad0 to0 to1
	bad0=$(bad_descs)
	to0=$(stat_of A tx_timeouts)
	set_rings 64 64 || return 1
	set_mtu 9000 || ok=1
	ethtool -K "$A" rx-gro-hw on && ns ethtool -K "$B" rx-gro-hw on || ok=1
	check "carrier" wait_both 1 10 || ok=1
	ethtool -g "$A" | sed -n '/Current/,$p' | grep -E "^(RX|TX):"
	iperf_run -t 4 || ok=1
	iperf_run -t 4 -R || ok=1
	iperf_run -t 4 -P 4 || ok=1
	xfer_check 8 fwd || ok=1
	xfer_check 8 rev || ok=1
	to1=$(stat_of A tx_timeouts)
	echo "bad descriptors logged: $(($(bad_descs) - bad0)), tx timeouts: $to0 -> $to1"
	check "no bad descriptor" [ "$(bad_descs)" = "$bad0" ] || ok=1
	check "no transmit timeout" [ "$to1" = "$to0" ] || ok=1
	restore || ok=1
	return $ok
}

# TX ring of 64 at MTU 1500 under TSO traffic: the queue stops when the
# ring is nearly full and must be woken by completions, not by the
# watchdog.
t_tx_ring_64_keeps_flowing() {
	local ok=0 s0 s1 w0 w1 to0 to1 q
	set_rings 1024 64 || return 1
	check "carrier" wait_both 1 10 || ok=1
	s0=0 w0=0 s1=0 w1=0
	if have_qstats; then
		s0=$(qstat A tx-stop)
		w0=$(qstat A tx-wake)
	fi
	to0=$(stat_of A tx_timeouts)
	iperf_run -t 5 -P 2 || ok=1
	xfer_check 16 fwd || ok=1
	to1=$(stat_of A tx_timeouts)
	if have_qstats; then
		s1=$(qstat A tx-stop)
		w1=$(qstat A tx-wake)
		echo "A: queue stops $s0 -> $s1, wakes $w0 -> $w1"
		check "the ring filled up (queue stopped)" [ "$s1" -gt "$s0" ] || ok=1
		check "completions woke the queue" [ "$w1" -gt "$w0" ] || ok=1
	else
		echo "no ynl in $YNL: queue stop/wake counters not checked"
	fi
	echo "A: tx timeouts $to0 -> $to1"
	check "no transmit timeout" [ "$to1" = "$to0" ] || ok=1
	for q in /sys/class/net/"$A"/queues/tx-*/byte_queue_limits/inflight; do
		check "$q drained" [ "$(cat "$q")" = 0 ] || ok=1
	done
	restore || ok=1
	return $ok
}

# The [start, end) addresses of a text symbol of maia_link: the symbol and
# the next one of the module.
sym_range() {
	awk -v s="$1" '$4 == "[maia_link]" && ($2 == "t" || $2 == "T") {
		print $1, $3 }' /proc/kallsyms | sort |
	awk -v s="$1" 'found { print start, "0x" $1; exit }
		$2 == s { start = "0x" $1; found = 1 }'
}

fpa_set() {	# fpa_set FILE VALUE
	echo "$2" > "$FPA/$1"
}

fpa_off() {
	fpa_set probability 0
	fpa_set times 0
	[ -f "$FPA/require-start" ] && fpa_set require-start 0 && fpa_set require-end 0
}

# Page allocations of the RX refill fail (all of them, then one in two)
# while traffic runs at 64-entry rings with jumbo frames: the ring empties;
# once allocations succeed again it refills and traffic flows.
t_rx_alloc_failures_recover() {
	local ok=0 rc f0 f1 bad0
	fpa_aim maia_rx_refill
	rc=$?
	[ $rc = 0 ] || return $rc
	bad0=$(bad_descs)
	set_rings 64 64 || return 1
	set_mtu 9000 || ok=1
	check "carrier" wait_both 1 10 || ok=1
	have_qstats || { echo "no ynl in $YNL"; return "$KSFT_SKIP"; }
	f0=$(qstat B rx-alloc-fail)
	fpa_set ignore-gfp-wait Y
	iperf_bg -t 8
	sleep 1
	fpa_set probability 100
	sleep 2
	fpa_set probability 50
	sleep 2
	fpa_off
	iperf_wait || echo "(iperf3 during the failures: $(tail -1 "$TMPD/iperf.out"))"
	f1=$(qstat B rx-alloc-fail)
	echo "B rx_alloc_fail: $f0 -> $f1"
	check "allocations failed" [ "$f1" -gt "$f0" ] || ok=1
	check "ping after the failures" ping -c 3 -i 0.2 -W 2 "$B_IP" || ok=1
	iperf_run -t 3 || ok=1
	xfer_check 8 fwd || ok=1
	check "no bad descriptor" [ "$(bad_descs)" = "$bad0" ] || ok=1
	restore || ok=1
	return $ok
}

# fpa_aim SYMBOL: fail_page_alloc set up for allocations under SYMBOL of
# maia_link (not yet failing: set probability); returns KSFT_SKIP when the
# kernel cannot do that.
fpa_aim() {
	local range start end
	if [ ! -d "$FPA" ]; then
		echo "no $FPA (kernel without CONFIG_FAIL_PAGE_ALLOC)"
		return "$KSFT_SKIP"
	fi
	if [ ! -f "$FPA/require-start" ]; then
		echo "no stack trace filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER): cannot aim at maia_link"
		return "$KSFT_SKIP"
	fi
	range=$(sym_range "$1")
	if [ -z "$range" ]; then
		echo "$1 not in /proc/kallsyms"
		return "$KSFT_SKIP"
	fi
	read -r start end <<< "$range"
	echo "failing page allocations under $1 [$start, $end)"
	fpa_set verbose 0
	fpa_set task-filter N
	fpa_set interval 1
	fpa_set space 0
	fpa_set times -1
	fpa_set require-start "$(printf %#x "$((start))")"
	fpa_set require-end "$(printf %#x "$((end))")"
	fpa_set stacktrace-depth 32
}

# A ring or channel change whose allocations fail is refused and leaves
# the port running with its old rings (they are allocated before the old
# ones are stopped).
t_ring_change_alloc_failure() {
	local ok=0 rc
	fpa_aim maia_port_alloc_qps
	rc=$?
	[ $rc = 0 ] || return $rc
	fpa_set ignore-gfp-wait N
	set_rings 1024 1024 || return 1
	check "carrier" wait_both 1 10 || ok=1
	fpa_set probability 100
	refused "ethtool -G rx 4096 tx 4096 without memory" ethtool -G "$A" rx 4096 tx 4096 || ok=1
	refused "ethtool -L combined 1 without memory" ethtool -L "$A" combined 1 || ok=1
	fpa_off
	fpa_set ignore-gfp-wait Y
	ethtool -g "$A" | sed -n '/Current/,$p' | grep -E "^(RX|TX):"
	check "RX ring kept" sh -c "ethtool -g $A | sed -n '/Current/,\$p' | grep -Eq '^RX:\s+1024$'" || ok=1
	check "channels kept" sh -c "ethtool -l $A | sed -n '/Current/,\$p' | grep -Eq '^Combined:\s+4$'" || ok=1
	check "still up" [ "$(carrier "$A")" = 1 ] || ok=1
	check "ping" ping -c 3 -i 0.2 -W 2 "$B_IP" || ok=1
	check "ethtool -G works again" ethtool -G "$A" rx 512 tx 512 || ok=1
	check "ping at 512" ping -c 2 -i 0.2 -W 2 "$B_IP" || ok=1
	restore || ok=1
	return $ok
}

maia_setup
ktap_set_plan 4
run_test smallest_rings_jumbo_rsc t_smallest_rings_jumbo_rsc
run_test tx_ring_64_keeps_flowing t_tx_ring_64_keeps_flowing
run_test rx_alloc_failures_recover t_rx_alloc_failures_recover
run_test ring_change_alloc_failure_keeps_old t_ring_change_alloc_failure
ktap_finished
