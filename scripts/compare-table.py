#!/usr/bin/env python3
"""Side-by-side IGT results of two check runs.

usage: compare-table.py BASELINE-DIR PATCHED-DIR SUITE...
Reads DIR/SUITE/igt-results.*/results.json of each run and prints one row per
test: its result on the baseline and on the patched kernel, marking rows
that differ.
"""
import glob
import json
import sys


def load(d, suite):
    out = {}
    for path in glob.glob(f"{d}/{suite}/igt-results.*/results.json"):
        try:
            with open(path) as f:
                tests = json.load(f)["tests"]
        except (OSError, ValueError, KeyError):
            continue
        out.update({k: v.get("result", "?") for k, v in tests.items()})
    return out


def main():
    base_dir, patched_dir, suites = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows = []
    for s in suites:
        b, p = load(base_dir, s), load(patched_dir, s)
        for name in sorted(set(b) | set(p)):
            rows.append((name, b.get(name, "notrun"), p.get(name, "notrun")))
    if not rows:
        print("compare: no IGT results found")
        return 1
    w = max(len(r[0]) for r in rows)
    print(f"{'test':<{w}}  {'baseline':<10} {'patched':<10}")
    for name, b, p in rows:
        mark = "  <- differs" if b != p else ""
        print(f"{name:<{w}}  {b:<10} {p:<10}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
