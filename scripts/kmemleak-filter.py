#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keep the kmemleak records whose backtrace passes through a symbol starting
with PREFIX. Usage: kmemleak-filter.py PREFIX < kmemleak.txt
Prints those records; exits 0 if there was at least one, 1 otherwise."""
import sys


def records(text):
    rec = []
    for line in text.splitlines():
        if line.startswith('unreferenced object') and rec:
            yield rec
            rec = []
        rec.append(line)
    if rec:
        yield rec


def main():
    prefix = sys.argv[1]
    found = 0
    for rec in records(sys.stdin.read()):
        if not rec[0].startswith('unreferenced object'):
            continue
        backtrace = [l for l in rec if l.strip().startswith('[<')]
        if any(prefix in l for l in backtrace):
            print('\n'.join(rec))
            found += 1
    return 0 if found else 1


if __name__ == '__main__':
    sys.exit(main())
