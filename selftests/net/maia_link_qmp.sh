#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link faults injected from the host through the device's run-time QOM
# properties (port<p>-lane-kill, -ber, -fiber-pulled, -temperature) and its
# read-only ones (port<p>-link, -fec-corrected), seen by the guest's
# driver. Needs the QMP relay (maia_link_qmp_relay.py) that scripts/check.sh
# starts for its "link-qmp" session: MAIA_QMP_DIR names the shared
# directory. Skipped without it.

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"

DEV=${MAIA_QMP_DEVICE:-/machine/peripheral/maia0}
QMP_SEQ=0
QMP_REPLY=

qmp() {	# qmp JSON: QMP_REPLY gets the reply; fails on an error reply
	local id req resp i
	id=$$-$((QMP_SEQ++))
	req=$MAIA_QMP_DIR/req-$id.json
	resp=$MAIA_QMP_DIR/resp-$id.json
	echo "$1" > "$req.tmp" && mv "$req.tmp" "$req" || return 1
	for ((i = 0; i < 400; i++)); do
		[ -f "$resp" ] && break
		sleep 0.05
	done
	QMP_REPLY=$(cat "$resp" 2>/dev/null)
	rm -f "$resp"
	echo "qmp $1 -> $QMP_REPLY"
	[ -n "$QMP_REPLY" ] && ! echo "$QMP_REPLY" | grep -q '"error"'
}

qom_set() {	# qom_set PROPERTY JSON-VALUE
	qmp "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"$DEV\", \"property\": \"$1\", \"value\": $2}}"
}

qom_get() {	# qom_get PROPERTY: prints the value
	qmp "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"$DEV\", \"property\": \"$1\"}}" >/dev/null &&
		echo "$QMP_REPLY" | python3 -c 'import json, sys; print(json.load(sys.stdin)["return"])'
}

t_link_property() {
	local v
	v=$(qom_get port0-link) || return 1
	echo "port0-link: $v"
	[ "$v" = "up $LANES $FULL_SPEED" ]
}

t_lane_kill() {
	local ok=0
	qom_set port0-lane-kill $((ALL_LANES & ~((1 << (LANES / 2)) - 1))) || return 1
	sleep 0.3
	echo "guest: A $(eth_field A Speed), B $(eth_field B Speed); host: $(qom_get port1-link)"
	[ "$(eth_field B Speed)" = "$((FULL_SPEED / 2))Mb/s" ] || ok=1
	qom_set port0-lane-kill 0 || ok=1
	sleep 0.3
	[ "$(eth_field A Speed)" = "${FULL_SPEED}Mb/s" ] || ok=1
	return $ok
}

t_ber() {
	local c0 c1 h ok=0
	c0=$(ns ethtool -I --show-fec "$B" | awk '/corrected_blocks/ {print $2; exit}')
	qom_set port1-ber '"1e-5"' || return 1
	qom_get port1-ber
	sleep 1
	c1=$(ns ethtool -I --show-fec "$B" | awk '/corrected_blocks/ {print $2; exit}')
	h=$(qom_get port1-fec-corrected)
	echo "B corrected blocks: guest $c0 -> $c1, host property $h"
	[ "$c1" -gt "$c0" ] && [ "$h" -gt 0 ] || ok=1
	qom_set port1-ber '"3:1e-3,5:0"' || ok=1
	[ "$(qom_get port1-ber)" = "0:1e-05,1:1e-05,2:1e-05,3:0.001,4:1e-05,6:1e-05,7:1e-05" ] || ok=1
	qom_set port1-ber '"0"' || ok=1
	return $ok
}

t_fiber() {
	local ok=0
	qom_set port0-fiber-pulled true || return 1
	check "carrier off at both ends" wait_both 0 5 || ok=1
	ethtool "$A" | grep "Link detected"
	ethtool "$A" | grep -q "No cable" || ok=1
	echo "host: $(qom_get port0-link) / $(qom_get port1-link)"
	qom_set port0-fiber-pulled false || ok=1
	check "carrier back" wait_both 1 5 || ok=1
	ping -c 2 -W 2 "$B_IP" >/dev/null || ok=1
	return $ok
}

t_temperature() {
	local ok=0
	qom_set port1-temperature 90000 || return 1
	check "carrier off" wait_both 0 5 || ok=1
	ns ethtool "$B" | grep "Link detected"
	ns ethtool "$B" | grep -q "Overheat" || ok=1
	qom_set port1-temperature 40000 || ok=1
	check "carrier back" wait_both 1 5 || ok=1
	return $ok
}

t_invalid() {
	! qom_set port0-ber '"abc"' && ! qom_set port0-ber "\"$LANES:1e-5\"" &&
	! qom_set port0-ber '"0.9"' && ! qom_set port9-lane-kill 1 &&
	! qom_set port0-link '"up"'
}

if [ -z "${MAIA_QMP_DIR:-}" ] || [ ! -d "$MAIA_QMP_DIR" ]; then
	ktap_print_header
	ktap_skip_all "no QMP relay (scripts/check.sh session link-qmp)"
	exit "$KSFT_SKIP"
fi
maia_setup
ktap_set_plan 6
run_test qom_link_state t_link_property
run_test qom_lane_kill t_lane_kill
run_test qom_ber_fec_counters t_ber
run_test qom_fiber_pulled t_fiber
run_test qom_over_temperature t_temperature
run_test qom_invalid_values_refused t_invalid
ktap_finished
