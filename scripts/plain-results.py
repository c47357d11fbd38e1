#!/usr/bin/env python3
"""Turn scripts/guest/plain-runner.sh's output into an igt_runner results.json.

usage: plain-results.py SUITE-DIR
Reads SUITE-DIR/plain-results/NAME.{out,rc} and writes
SUITE-DIR/igt-results.plain/results.json with tests[NAME] = {result, out},
the result from the exit status as IGT defines it (0 pass, 77 skip, else
fail).
"""
import json
import os
import sys

RESULTS = {0: "pass", 77: "skip"}


def main():
    top = sys.argv[1]
    src = os.path.join(top, "plain-results")
    tests = {}
    for f in sorted(os.listdir(src)) if os.path.isdir(src) else []:
        if not f.endswith(".rc"):
            continue
        name = f[:-3]
        with open(os.path.join(src, f)) as rc_file:
            rc = int(rc_file.read().strip() or 1)
        try:
            with open(os.path.join(src, name + ".out"), errors="replace") as out:
                text = out.read()
        except OSError:
            text = ""
        tests[name] = {"result": RESULTS.get(rc, "fail"), "out": text}
    dst = os.path.join(top, "igt-results.plain")
    os.makedirs(dst, exist_ok=True)
    with open(os.path.join(dst, "results.json"), "w") as f:
        json.dump({"tests": tests}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
