#!/usr/bin/env python3
"""Side-by-side IGT results of two check runs.

usage: compare-table.py BASELINE-DIR PATCHED-DIR SUITE...
Reads DIR/SUITE/igt-results.*/results.json of each run and prints one row per
test: its result on the baseline and on the patched kernel, marking rows
that differ. Then the figures tests print ("figure NAME VALUE" lines in a
subtest's output, e.g. kvm_bo_write's emulated writes), side by side.
"""
import glob
import json
import re
import sys

FIGURE = re.compile(r"^figure (\S+) (\S+)$", re.M)


def load(d, suite):
    """{test: result} and {(test, figure): value} of one run."""
    results, figures = {}, {}
    for path in glob.glob(f"{d}/{suite}/igt-results.*/results.json"):
        try:
            with open(path) as f:
                tests = json.load(f)["tests"]
        except (OSError, ValueError, KeyError):
            continue
        for k, v in tests.items():
            results[k] = v.get("result", "?")
            for name, value in FIGURE.findall(v.get("out", "")):
                figures[(k, name)] = value
    return results, figures


def main():
    base_dir, patched_dir, suites = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows, figs = [], []
    for s in suites:
        (b, bf), (p, pf) = load(base_dir, s), load(patched_dir, s)
        for name in sorted(set(b) | set(p)):
            rows.append((name, b.get(name, "notrun"), p.get(name, "notrun")))
        for key in sorted(set(bf) | set(pf)):
            figs.append((f"{key[0]} {key[1]}", bf.get(key, "-"), pf.get(key, "-")))
    if not rows:
        print("compare: no IGT results found")
        return 1
    w = max(len(r[0]) for r in rows)
    print(f"{'test':<{w}}  {'baseline':<10} {'patched':<10}")
    for name, b, p in rows:
        mark = "  <- differs" if b != p else ""
        print(f"{name:<{w}}  {b:<10} {p:<10}{mark}")
    if figs:
        w = max(len(r[0]) for r in figs)
        print(f"\n{'figure':<{w}}  {'baseline':>10} {'patched':>10}")
        for name, b, p in figs:
            print(f"{name:<{w}}  {b:>10} {p:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
