#!/usr/bin/env python3
"""Judge an igt_runner results.json against an expected-results file.

Expected file lines: "igt@BINARY@SUBTEST RESULT  # why", RESULT one of
pass, skip (must run and skip) or exclude (not run; counted as skipped).
Prints "PASSED FAILED SKIPPED" on stdout and one line per failure on stderr,
prefixed with the suite name.
"""
import json
import sys


def main():
    expected_path, results_path, suite = sys.argv[1:4]
    expected = {}
    for raw in open(expected_path):
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        name, want = line[0], (line[1] if len(line) > 1 else "pass")
        if want not in ("pass", "skip", "exclude"):
            sys.exit(f"{expected_path}: bad expected result '{want}' for {name}")
        expected[name] = want

    try:
        with open(results_path) as f:
            tests = json.load(f).get("tests", {})
    except (OSError, ValueError) as e:
        tests = {}
        print(f"{suite}: no usable results.json ({e})", file=sys.stderr)

    passed = failed = skipped = 0
    for name, want in expected.items():
        if want == "exclude":
            skipped += 1
            continue
        got = tests.get(name, {}).get("result", "notrun")
        if got == want:
            if got == "pass":
                passed += 1
            else:
                skipped += 1
            continue
        failed += 1
        why = ""
        out = tests.get(name, {}).get("out", "")
        for l in out.splitlines():
            if "FAIL" in l or "Test assertion failure" in l or "failed" in l.lower():
                why = ": " + l.strip()[:200]
                break
        print(f"{suite}: {name} expected {want}, got {got}{why}", file=sys.stderr)
    # Tests igt_runner ran that nobody expected are failures too.
    for name in tests:
        if name not in expected:
            failed += 1
            print(f"{suite}: {name} ran but is not in {expected_path}", file=sys.stderr)
    print(passed, failed, skipped)


if __name__ == "__main__":
    main()
