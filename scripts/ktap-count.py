#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count leaf results in the KTAP logs of scripts/check.sh.

The 6.12 kselftest runner exits 0 even when tests fail, so results are
counted from the output: each program's nested "ok"/"not ok" lines are the
leaves; a program that failed without a failing leaf (crash, timeout) counts
as one failure; a VM session that did not finish cleanly (kernel splat, no
exit status) counts as one failure.
"""
import pathlib
import re
import sys

results = pathlib.Path(sys.argv[1])
passed = failed = skipped = 0
failures = []
top = re.compile(r"^(not ok|ok) \d+ selftests: (\S+): (\S+)(.*)$")
leaf = re.compile(r"^# (not ok|ok) \d+ (.*)$")

for log in sorted(results.glob("*.ktap")):
    session = log.stem
    leaves = []
    for line in log.read_text(errors="replace").splitlines():
        m = leaf.match(line)
        if m:
            leaves.append((m.group(1), m.group(2)))
            continue
        m = top.match(line)
        if not m:
            continue
        prog = f"{m.group(2)}:{m.group(3)}"
        for status, name in leaves:
            if "# SKIP" in name:
                skipped += 1
            elif status == "ok":
                passed += 1
            else:
                failed += 1
                failures.append(f"{session} {prog} {name}")
        leaf_failed = any(s == "not ok" for s, _ in leaves)
        if m.group(1) == "not ok" and not leaf_failed and "# SKIP" not in m.group(4):
            failed += 1
            failures.append(f"{session} {prog}{m.group(4)}")
        elif not leaves and "# SKIP" in m.group(4):
            skipped += 1
        elif not leaves and m.group(1) == "ok":
            passed += 1
        leaves = []

for rc_file in sorted(results.glob("*.vmrc")):
    rc = rc_file.read_text().strip()
    if rc not in ("0",):
        ktap = results / (rc_file.stem + ".ktap")
        # a nonzero rc from the runner itself is not a failure (6.12 exits 0);
        # vm-run's own codes are: 124 kernel splat, 125 guest did not finish
        if rc in ("124", "125") or not ktap.exists():
            failed += 1
            failures.append(f"{rc_file.stem}: VM session failed (rc {rc}), "
                            f"see build/vm/check-{rc_file.stem}/")

for f in failures:
    print(f"FAILED: {f}")
if skipped:
    print(f"({skipped} skipped)")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
