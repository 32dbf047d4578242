#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the installed Debian 6.12 kernel version (the one we build for and boot).
ls /lib/modules 2>/dev/null | grep -E '^6\.12\.[0-9]+.*-amd64$' | sort -V | tail -n 1
