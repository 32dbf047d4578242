#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# maia_accel under allocation failures: the uAPI, compute and file-lifetime
# programs run while failslab and fail_page_alloc fail a share of every
# allocation made with maia_accel's code on the stack. The programs' own
# results do not matter (their ioctls are meant to fail); the kernel must
# not crash, warn or leak (the VM runner checks dmesg and kmemleak), and
# afterwards the device must work as before. Skips without fault injection
# (Debian's kernel); runs under `make check-debug`.
dir=$(dirname "$(readlink -f "$0")")
source "$dir/../kselftest/ktap_helpers.sh"
source "${MAIA_REPO:-$maia_repo}/selftests/lib/fault_inject.sh"

result() { if [ "$2" = 0 ]; then ktap_test_pass "$1"; else ktap_test_fail "$1"; fi; }

ktap_print_header
if ! fi_available; then
	ktap_skip_all "kernel without fault injection (make check-debug has it)"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 4

before=$(fi_count)
hung=0
for pct in 2 10 30; do
	fi_on maia_accel "$pct" 1 || break
	for prog in maia_uapi_test maia_compute_ops_test maia_compute_files_test; do
		echo "# $prog with $pct % of maia_accel's allocations failing"
		fi_exec timeout 600 "$dir/$prog" > /tmp/fi-$prog.log 2>&1
		rc=$?
		echo "# $prog: exit $rc, $(grep -c '^ok' /tmp/fi-$prog.log) ok," \
			"$(grep -c '^not ok' /tmp/fi-$prog.log) not ok"
		if [ $rc = 124 ]; then
			echo "# $prog hung under fault injection"
			hung=1
		fi
	done
	fi_off
done
fi_off
injected=$(( $(fi_count) - before ))
echo "# $injected allocation failures injected (lower bound)"
[ "$injected" -gt 0 ]
result "failures reached maia_accel's allocations" $?

[ $hung = 0 ]
result "every program finished" $?

"$dir/maia_compute_ops_test" > /tmp/fi-after.log 2>&1
rc=$?
tail -n 3 /tmp/fi-after.log | sed 's/^/# /'
result "compute works after the failures" $rc

[ "$(ls /dev/accel/ | wc -l)" -ge 1 ]
result "device nodes still present" $?
ktap_finished
