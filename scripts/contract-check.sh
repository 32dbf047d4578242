#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Compile the hardware contract (include/hw/maia_hw.h) in both environments
# that include it and fail on any difference in what they see: the kernel's
# (Kbuild for the installed 6.12 headers) and QEMU's (the exact flags meson
# uses for the device model in hw/misc). Each build also runs the header's
# own static_asserts. Prints KTAP; exits nonzero on a mismatch.
# Usage: scripts/contract-check.sh [KTAP-OUTPUT]
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-}
work=$repo/build/contract
kdir=/lib/modules/$("$repo/scripts/kver.sh")/build
qbuild=$repo/build/qemu-build
src=$repo/scripts/contract/maia_hw_layout.c
rm -rf "$work"
mkdir -p "$work/kernel" "$work/qemu"

results=()
fail=0
result() {	# result OK|FAIL NAME [DETAIL]
	results+=("$1|$2|${3:-}")
	[ "$1" = OK ] || fail=1
}

# Kernel: a one-object external module tree, built as a single target.
cp "$src" "$work/kernel/"
printf 'obj-m := maia_hw_layout.o\nccflags-y := -I%s/include/hw\n' "$repo" \
	>"$work/kernel/Kbuild"
if make -s -C "$kdir" M="$work/kernel" maia_hw_layout.o \
	>"$work/kernel.log" 2>&1; then
	result OK "kernel build"
else
	result FAIL "kernel build" "see $work/kernel.log"
fi

# QEMU: the compile command meson recorded for maia.c, pointed at our file.
python3 - "$qbuild/compile_commands.json" "$src" "$work/qemu/layout.o" \
	"$repo/include/hw" >"$work/qemu.cmd" <<'PY'
import json, shlex, sys
db, src, obj, inc = sys.argv[1:]
cmd = next(e for e in json.load(open(db))
           if e["file"].endswith("hw/misc/maia.c"))
args = shlex.split(cmd["command"])
keep, skip = [], 0
for a in args:
    if skip:
        skip -= 1
        continue
    if a in ("-o", "-MQ", "-MF", "-c"):
        skip = 1
        continue
    if a == "-MD" or a.endswith("hw/misc/maia.c"):
        continue
    keep.append(a)
keep += ["-I" + inc, "-c", src, "-o", obj]
print("cd " + shlex.quote(cmd["directory"]) + " && " + shlex.join(keep))
PY
if [ -s "$work/qemu.cmd" ] && bash "$work/qemu.cmd" >"$work/qemu.log" 2>&1; then
	result OK "qemu build"
else
	result FAIL "qemu build" "see $work/qemu.log"
fi

# Compare the two tables.
dump() {	# dump OBJ BIN: the .maia_layout section as raw bytes
	objcopy -O binary --only-section=.maia_layout "$1" "$2" 2>/dev/null &&
		[ -s "$2" ]
}
if dump "$work/kernel/maia_hw_layout.o" "$work/kernel.bin" &&
	dump "$work/qemu/layout.o" "$work/qemu.bin"; then
	n=$(($(stat -c %s "$work/kernel.bin") / 8))
	if cmp -s "$work/kernel.bin" "$work/qemu.bin"; then
		result OK "layout identical" "$n values"
	else
		diff <(od -An -v -tx8 -w8 "$work/kernel.bin" | nl) \
			<(od -An -v -tx8 -w8 "$work/qemu.bin" | nl) \
			>"$work/layout.diff"
		result FAIL "layout identical" "entries differ, see $work/layout.diff"
	fi
else
	result FAIL "layout identical" "no .maia_layout section to compare"
fi

# Nothing of the contract may be defined a second time: no macro, struct or
# union of maia_hw.h may be (re)defined in the drivers, the model or uapi.
names=$(sed -n -e 's/^#define[[:space:]]\+\(MAIA_[A-Z0-9_]\+\).*/\1/p' \
	-e 's/^\(struct\|union\) \(maia_[a-z0-9_]\+\) {.*/\2/p' \
	"$repo/include/hw/maia_hw.h" | sort -u)
pattern=$(printf '%s\n' $names | paste -sd'|')
restated=$(cd "$repo" && grep -rnE \
	"^#[[:space:]]*define[[:space:]]+($pattern)\b|^(struct|union)[[:space:]]+($pattern)[[:space:]]*\{" \
	drivers qemu-device uapi --include='*.[ch]' 2>/dev/null)
if [ -z "$restated" ]; then
	result OK "nothing restated" "$(printf '%s\n' $names | wc -l) names"
else
	printf '%s\n' "$restated" >"$work/restated.txt"
	result FAIL "nothing restated" \
		"$(wc -l <"$work/restated.txt") redefinitions, see $work/restated.txt"
fi

report() {
	echo "TAP version 13"
	echo "1..1"
	echo "# selftests: contract: maia_hw_layout"
	echo "# TAP version 13"
	echo "# 1..${#results[@]}"
	i=0
	for r in "${results[@]}"; do
		i=$((i + 1))
		IFS='|' read -r st name detail <<<"$r"
		[ -n "$detail" ] && echo "# # $name: $detail"
		if [ "$st" = OK ]; then
			echo "# ok $i $name"
		else
			echo "# not ok $i $name"
		fi
	done
	if [ $fail = 0 ]; then
		echo "ok 1 selftests: contract: maia_hw_layout"
	else
		echo "not ok 1 selftests: contract: maia_hw_layout"
	fi
}
if [ -n "$out" ]; then
	report >"$out"
else
	report
fi
exit $fail
