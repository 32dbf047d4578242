#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link link flaps under traffic: pull and restore the fiber of port 0
# MAIA_FLAPS times (default 100) while iperf3 runs, waiting each time for
# both ends to lose and regain the carrier; then data integrity, the link
# down counter of the far end and the devlink "link" health reporter.

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"

FLAPS=${MAIA_FLAPS:-100}

t_flaps_under_traffic() {
	local i ok=0 downs0 downs1 start=$SECONDS
	downs0=$(link_downs B)
	ns iperf3 -s -D -p 5203 >/dev/null 2>&1
	sleep 0.5
	iperf3 -c "$B_IP" -p 5203 -t 3600 > "$TMPD/iperf2.out" 2>&1 &
	sleep 1
	for ((i = 0; i < FLAPS; i++)); do
		echo 1 > "$A_DBG/fiber_pulled"
		wait_both 0 5 || { echo "flap $i: no carrier loss"; ok=1; break; }
		echo 0 > "$A_DBG/fiber_pulled"
		wait_both 1 5 || { echo "flap $i: no carrier"; ok=1; break; }
	done
	downs1=$(link_downs B)
	echo "$i flaps in $((SECONDS - start)) s; B link_downs $downs0 -> $downs1"
	sleep 2
	pkill -x iperf3
	wait
	[ $((downs1 - downs0)) -ge "$FLAPS" ] || ok=1
	xfer_check 8 fwd || ok=1
	return $ok
}

t_health_reported() {
	local out
	out=$(devlink health show 2>&1)
	echo "$out" | grep -A1 "reporter link" | head -8
	echo "$out" | grep -A1 "reporter link" | grep -Eq "error [1-9]"
}

maia_setup
ktap_set_plan 2
run_test link_flaps_under_traffic t_flaps_under_traffic
run_test health_reporter_counts_link_loss t_health_reported
ktap_finished
