#!/usr/bin/env python3
"""Side-by-side IGT results of two check runs.

usage: compare-table.py BASELINE-DIR PATCHED-DIR SUITE...
Reads DIR/SUITE/igt-results.*/results.json of each run and prints one row per
test: its result on the baseline and on the patched kernel, marking rows
that differ. Then the figures tests print ("figure NAME VALUE" lines in a
subtest's output, e.g. kvm_bo_write's emulated writes), side by side.
For rows that differ, the reason each failed or skipped side gave.
"""
import glob
import json
import re
import sys

FIGURE = re.compile(r"^figure (\S+) (\S+)$", re.M)
# The project tests' end of a subtest that did not pass (lib/igt_proto.c),
# and IGT's own.
REASON = re.compile(r"^Test (?:failed|skipped) at [^\n]*\n\s*(.+)$"
                    r"|^Subtest \S+: SKIP \((.+)\)$", re.M)


def load(d, suite):
    """{test: result}, {(test, figure): value} and {test: reason} of a run."""
    results, figures, reasons = {}, {}, {}
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
            m = REASON.search(v.get("err", "") + "\n" + v.get("out", ""))
            if m:
                reasons[k] = (m.group(1) or m.group(2)).strip()
    return results, figures, reasons


def main():
    base_dir, patched_dir, suites = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows, figs, why = [], [], []
    for s in suites:
        (b, bf, br), (p, pf, pr) = load(base_dir, s), load(patched_dir, s)
        for name in sorted(set(b) | set(p)):
            rows.append((name, b.get(name, "notrun"), p.get(name, "notrun")))
            if rows[-1][1] != rows[-1][2]:
                for kind, r in (("baseline", br), ("patched", pr)):
                    if name in r:
                        why.append(f"{name} on {kind}: {r[name]}")
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
    if why:
        print("\nwhy they differ:")
        for line in why:
            print(f"  {line}")
    if figs:
        w = max(len(r[0]) for r in figs)
        print(f"\n{'figure':<{w}}  {'baseline':>10} {'patched':>10}")
        for name, b, p in figs:
            print(f"{name:<{w}}  {b:>10} {p:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
