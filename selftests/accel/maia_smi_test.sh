#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# maia-smi lists every device, as a table and as JSON, and rejects bad usage.
source "$(dirname "$0")/../kselftest/ktap_helpers.sh"
smi=${MAIA_REPO:-$maia_repo}/build/userspace/maia-smi
count=$(ls -d /sys/bus/auxiliary/drivers/maia_accel.accel/maia_core.accel.* 2>/dev/null | wc -l)

ktap_print_header
ktap_set_plan 4

out=$("$smi")
[ $? = 0 ] && [ "$(echo "$out" | grep -c 0x4d414941)" -ge 0 ] &&
	[ "$(echo "$out" | grep -cE '^ *[0-9]+ ')" = "$count" ]
ktap_test_result "table lists $count devices" $?

"$smi" --json > /tmp/smi.json && python3 - "$count" <<'PY'
import json, sys
devs = json.load(open("/tmp/smi.json"))
assert len(devs) == int(sys.argv[1]), devs
for d in devs:
    assert d["hbm_size"] > 0 and d["uapi_version"].startswith("1."), d
PY
ktap_test_result "json is valid and complete" $?

"$smi" --device 250 >/dev/null 2>&1
[ $? = 1 ]
ktap_test_result "unknown device exits 1" $?

"$smi" --bogus >/dev/null 2>&1
[ $? = 2 ]
ktap_test_result "bad option exits 2" $?

ktap_finished
