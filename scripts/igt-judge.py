#!/usr/bin/env python3
"""Judge an igt_runner results.json against an expected-results file.

usage: igt-judge.py EXPECTED SUITE RESULTS.JSON...
Expected file lines: "igt@BINARY@SUBTEST RESULT  # why", RESULT one of
pass, skip (must run and skip) or exclude (not run; counted as skipped);
"@driver NAME" lines group tests by driver and are ignored here. The
results of several igt_runner runs are merged.
Prints "PASSED FAILED SKIPPED" on stdout and one line per failure on stderr,
prefixed with the suite name.
"""
import json
import sys


def main():
    expected_path, suite, results_paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    expected = {}
    for raw in open(expected_path):
        line = raw.split("#", 1)[0].split()
        if not line or line[0] == "@driver":
            continue
        name, want = line[0], (line[1] if len(line) > 1 else "pass")
        if want not in ("pass", "skip", "exclude"):
            sys.exit(f"{expected_path}: bad expected result '{want}' for {name}")
        expected[name] = want

    tests = {}
    for path in results_paths:
        try:
            with open(path) as f:
                tests.update(json.load(f).get("tests", {}))
        except (OSError, ValueError) as e:
            print(f"{suite}: no usable results ({e})", file=sys.stderr)

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
        t = tests.get(name, {})
        # The test's own account first (IGT's "Failed assertion", our
        # harness's "Test failed at" + "expected ..."), then any FAIL line.
        lines = (t.get("err", "") + "\n" + t.get("out", "")).splitlines()
        for i, l in enumerate(lines):
            if "Test failed at" in l or "Failed assertion" in l:
                why = ": " + " ".join(x.strip() for x in lines[i:i + 2])[:300]
                break
        else:
            for l in lines:
                if "FAIL" in l or "failed" in l.lower():
                    why = ": " + l.strip()[:300]
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
