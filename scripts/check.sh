#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every selftest suite in VM sessions and print "N passed, N failed".
# Usage: scripts/check.sh [SUITE[:TEST]]...   (default: everything)
# A suite is a kselftest collection (maia_core, maia_accel, maia_net); a
# kernel splat or a guest that does not finish counts as a failure.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
results=$repo/build/check
rm -rf "$results"
mkdir -p "$results"
filter=("$@")

# session NAME "VM-RUN OPTIONS" "ENVIRONMENT" COLLECTIONS...
session() {
	local name=$1 vmopts=$2 env=$3 args=() c
	shift 3
	for c in "$@"; do
		if [ ${#filter[@]} -eq 0 ]; then
			args+=(-c "$c")
		else
			local f
			for f in "${filter[@]}"; do
				case $f in
				"$c") args+=(-c "$c") ;;
				"$c":*) args+=(-t "$f") ;;
				esac
			done
		fi
	done
	[ ${#args[@]} -gt 0 ] || return 0
	echo "=== session $name: ${args[*]}"
	printf 'export MAIA_REPO=%q\n%s\n' "$repo" "$env" > "$results/$name.env"
	# shellcheck disable=SC2086
	"$repo/scripts/vm-run" --quiet --name "check-$name" $vmopts -- \
		"$repo/scripts/guest/run-selftests" "$results/$name.env" \
		"$results/$name.ktap" "${args[@]}"
	echo $? > "$results/$name.vmrc"
	cat "$results/$name.ktap" 2>/dev/null
}

session main "--devices 2 --hbm 256M,64M --ports 2 --lanes 8" \
	"export MAIA_EXPECT_DEVICES=2 MAIA_EXPECT_HBM='268435456 67108864' MAIA_EXPECT_PORTS=2 MAIA_EXPECT_LANES=8" \
	maia_core maia_accel maia_net
# The link suite (about 10 minutes under TCG) runs in the main session only.
session iommu "--iommu --devices 1 --hbm 128M --ports 4 --lanes 16" \
	"export MAIA_EXPECT_DEVICES=1 MAIA_EXPECT_HBM=134217728 MAIA_EXPECT_PORTS=4 MAIA_EXPECT_LANES=16" \
	maia_core maia_accel

python3 "$repo/scripts/ktap-count.py" "$results"
