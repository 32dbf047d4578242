#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# maia_link under allocation failures (failslab, fail_page_alloc aimed at
# the module's code): ring and channel changes and down/up cycles from a task
# whose allocations fail, then traffic while the RX refill in NAPI fails too.
# Commands may fail; the kernel must not crash, warn, hang or leak (the VM
# runner checks dmesg and kmemleak), and once the failures stop the ports
# carry intact data again. Skips without fault injection (Debian's kernel);
# runs under `make check-debug`.

. "$(dirname "$(readlink -f "$0")")/maia_link_lib.sh"
# shellcheck source=/dev/null
. "${MAIA_REPO:-$maia_repo}/selftests/lib/fault_inject.sh"

if ! fi_available; then
	ktap_print_header
	ktap_skip_all "kernel without fault injection (make check-debug has it)"
	exit "$KSFT_SKIP"
fi
maia_setup
ktap_set_plan 4

# Configuration changes from a task whose allocations fail.
t_config_under_failures() {
	local before i ok=0 failed=0
	before=$(fi_count)
	fi_on maia_link 20 1 || return 1
	for i in 1 2 3 4 5 6; do
		fi_exec ethtool -G "$A" rx 256 tx 128 || failed=$((failed + 1))
		fi_exec ethtool -L "$A" combined 2 || failed=$((failed + 1))
		fi_exec ethtool -G "$A" rx 1024 tx 1024 || failed=$((failed + 1))
		fi_exec ethtool -L "$A" combined 4 || failed=$((failed + 1))
		fi_exec ip link set "$A" down
		fi_exec ip link set "$A" up || failed=$((failed + 1))
	done
	fi_off
	echo "$failed of 30 commands failed; $(( $(fi_count) - before )) failures injected"
	# Back to the defaults with no failures: each must succeed now.
	ethtool -G "$A" rx 1024 tx 1024 && ethtool -L "$A" combined 4 &&
		ip link set "$A" down && ip link set "$A" up || ok=1
	wait_both 1 15 || ok=1
	return $ok
}

# Traffic while a share of the module's page allocations fail, including
# the GFP_ATOMIC refill in NAPI.
t_traffic_under_failures() {
	local before
	before=$(fi_count)
	fi_on maia_link 20 0 || return 1
	timeout 120 iperf_run -t 5 > /dev/null 2>&1
	timeout 60 ping -c 20 -i 0.1 -W 1 "$B_IP" | tail -2
	fi_off
	echo "$(( $(fi_count) - before )) failures injected during traffic"
	[ $(( $(fi_count) - before )) -gt 0 ]
}

t_traffic_recovers() {
	wait_both 1 15 &&
	ping -c 3 -i 0.2 -W 2 "$B_IP" | tail -2 &&
	xfer_check 8 fwd && xfer_check 8 rev
}

t_rx_ring_recovers_small() {
	local ok=0
	ethtool -G "$A" rx 64 tx 64 && ns ethtool -G "$B" rx 64 tx 64 || return 1
	fi_on maia_link 10 0 || ok=1
	timeout 120 iperf_run -t 5 > /dev/null 2>&1
	fi_off
	wait_both 1 15 && xfer_check 4 fwd || ok=1
	ethtool -G "$A" rx 1024 tx 1024
	ns ethtool -G "$B" rx 1024 tx 1024
	return $ok
}

run_test config_changes_under_alloc_failures t_config_under_failures
run_test traffic_under_alloc_failures t_traffic_under_failures
run_test traffic_recovers_after_failures t_traffic_recovers
run_test small_rings_recover_after_failures t_rx_ring_recovers_small
fi_off
ktap_finished
