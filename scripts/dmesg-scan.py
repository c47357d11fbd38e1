#!/usr/bin/env python3
"""Count kernel reports (WARN, BUG, lockdep, "Bad page", ...) in a kernel log.

usage: dmesg-scan.py LOG FAIL-PATTERNS [ALLOW]
FAIL-PATTERNS: one regex per line. ALLOW: "regex  # why" lines; a report is
allowed when a regex matches its first line or one of the 8 lines after it.
Prints the number of reports not allowed on stdout, each of them on stderr.
"""
import re
import sys

from patternfile import read_patterns

CONTEXT = 8


def main():
    log_path, fail_path = sys.argv[1:3]
    allow = read_patterns(sys.argv[3]) if len(sys.argv) > 3 else []
    fail = read_patterns(fail_path)
    try:
        lines = open(log_path, errors="replace").read().splitlines()
    except OSError as e:
        print(f"no kernel log: {e}", file=sys.stderr)
        print(1)
        return
    bad = 0
    for i, line in enumerate(lines):
        if not any(p.search(line) for p in fail):
            continue
        window = lines[i:i + 1 + CONTEXT]
        if any(a.search(w) for a in allow for w in window):
            continue
        bad += 1
        print(line.strip(), file=sys.stderr)
    print(bad)


if __name__ == "__main__":
    main()
