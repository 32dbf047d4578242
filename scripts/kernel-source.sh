#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unpack the parts of Debian's linux-source-6.12 that we use at build time
# (kselftest harness and runner, driver-agnostic net tests, checkpatch) into
# DEST. They are never copied into the repository.
set -euo pipefail
dest=$1
tarball=$(ls /usr/src/linux-source-6.12*.tar.* 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || { echo "linux-source-6.12 is missing (make deps)" >&2; exit 1; }
stamp=$dest/.unpacked-$(basename "$tarball")
[ -f "$stamp" ] && exit 0
rm -rf "$dest"
mkdir -p "$dest"
top=$(basename "$tarball"); top=${top%%.tar.*}
tar -xf "$tarball" -C "$dest" --strip-components=1 --wildcards \
	"$top/tools/testing/selftests/kselftest*" \
	"$top/tools/testing/selftests/lib.mk" \
	"$top/tools/testing/selftests/run_kselftest.sh" \
	"$top/tools/testing/selftests/drivers/net" \
	"$top/tools/testing/selftests/net/lib*" \
	"$top/tools/net/ynl" \
	"$top/Documentation/netlink/specs" \
	"$top/tools/include" \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"
touch "$stamp"
