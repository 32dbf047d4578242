#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the device model's qtest (qemu-device/tests/maia-test.c, built by
# scripts/qemu-build.sh) on the host: every test case in a process and a
# QEMU of its own, so that a QEMU crash or hang fails that case only.
# Writes KTAP in the format scripts/ktap-count.py counts.
#
# Usage: scripts/qtest-check.sh OUTPUT.ktap [-p TESTPATH]...
# Environment: MAIA_QTEST_TIMEOUT (seconds a case may take, default 180: a
# case that takes longer is stuck, e.g. QEMU does not answer), MAIA_FUZZ_SEED
# and MAIA_FUZZ_ITERS (passed to the fuzzer, see maia-test.c).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${MAIA_BUILD:-$repo/build}
out=${1:?usage: qtest-check.sh OUTPUT.ktap [-p TESTPATH]...}
shift
test=$build/qemu-build/tests/qtest/maia-test
timeout=${MAIA_QTEST_TIMEOUT:-180}
export QTEST_QEMU_BINARY=$build/qemu-build/qemu-system-x86_64
log=${out%.ktap}.log

paths=()
while [ $# -gt 0 ]; do
	case $1 in
	-p) paths+=("$2"); shift 2 ;;
	*) echo "qtest-check: unknown argument $1" >&2; exit 2 ;;
	esac
done

results=()
if [ ! -x "$test" ] || [ ! -x "$QTEST_QEMU_BINARY" ]; then
	results+=("not ok 1 maia-test # build it with scripts/qemu-build.sh")
else
	if [ ${#paths[@]} -eq 0 ]; then
		mapfile -t paths < <("$test" -l | grep '^/')
	fi
	: >"$log"
	i=0
	for p in "${paths[@]}"; do
		i=$((i + 1))
		echo "=== $p" >>"$log"
		timeout -k 10 "$timeout" "$test" --tap -p "$p" >>"$log" 2>&1
		rc=$?
		case $rc in
		0) results+=("ok $i $p") ;;
		124) results+=("not ok $i $p # timed out after ${timeout}s") ;;
		*) results+=("not ok $i $p # exit status $rc") ;;
		esac
	done
fi

{
	echo "TAP version 13"
	echo "1..1"
	echo "# selftests: qtest: maia-test"
	echo "# TAP version 13"
	echo "# 1..${#results[@]}"
	failed=0
	for r in "${results[@]}"; do
		echo "# $r"
		case $r in not*) failed=1 ;; esac
	done
	if [ $failed = 0 ]; then
		echo "ok 1 selftests: qtest: maia-test"
	else
		echo "not ok 1 selftests: qtest: maia-test"
	fi
} >"$out"
[ $failed = 0 ]
