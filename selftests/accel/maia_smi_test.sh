#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# maia-smi lists every device, as a table and as JSON, and rejects bad usage.
source "$(dirname "$0")/../kselftest/ktap_helpers.sh"
smi=${MAIA_REPO:-$maia_repo}/build/userspace/maia-smi
count=$(ls -d /sys/bus/auxiliary/drivers/maia_accel.accel/maia_core.accel.* 2>/dev/null | wc -l)

result() { if [ "$2" = 0 ]; then ktap_test_pass "$1"; else ktap_test_fail "$1"; fi; }

ktap_print_header
ktap_set_plan 4

out=$("$smi")
[ $? = 0 ] && [ "$(echo "$out" | grep -cE '^ *[0-9]+ .*0x4d414941')" = "$count" ] &&
	[ "$(echo "$out" | grep -cE '^ *[0-9]+ +[0-9.]+ [KMG]?i?B ')" = "$count" ]
result "table lists $count devices" $?

"$smi" --json > /tmp/smi.json && python3 - "$count" <<'PY'
import json, sys
devs = json.load(open("/tmp/smi.json"))
assert len(devs) == int(sys.argv[1]), devs
for d in devs:
    assert d["hbm_size_bytes"] > 0 and d["uapi_version"].startswith("1."), d
    u = d["usage"]
    assert u["temperature_mc"] > 0 and u["power_mw"] > 0, u
    assert 0 <= u["engine_utilization_pct"] <= 100 and u["hbm_used_bytes"] >= 0, u
PY
result "json is valid and complete" $?

"$smi" --device 250 >/dev/null 2>&1
[ $? = 1 ]
result "unknown device exits 1" $?

"$smi" --bogus >/dev/null 2>&1
[ $? = 2 ]
result "bad option exits 2" $?

ktap_finished
