#!/usr/bin/env python3
"""Count the objects in a /sys/kernel/debug/kmemleak dump that are not allowed.

usage: kmemleak-scan.py KMEMLEAK-LOG [ALLOW]
ALLOW: "regex  # why" lines; an object is allowed when a regex matches a line
of its record (comm, backtrace). Prints the number of objects not allowed on
stdout; on stderr, one line per distinct backtrace of those (first frames
that are not allocator internals) with its count, and the allowed total.
"""
import re
import sys

from patternfile import read_patterns
from collections import Counter

ALLOC = re.compile(r"^(kmem_cache_alloc|__kmalloc|kmalloc|krealloc|kvmalloc|"
                   r"__kvmalloc|alloc_pages|__alloc|kzalloc|kmemdup)")


def main():
    text = open(sys.argv[1], errors="replace").read()
    allow = read_patterns(sys.argv[2]) if len(sys.argv) > 2 else []
    records = [r for r in text.split("unreferenced object")[1:]]
    bad, allowed = Counter(), 0
    for rec in records:
        if any(p.search(rec) for p in allow):
            allowed += 1
            continue
        frames = [l.strip() for l in rec.split("backtrace", 1)[-1].splitlines()[1:]
                  if l.strip()]
        frames = [f for f in frames if not ALLOC.match(f)][:3]
        bad[" <- ".join(frames) or "(no backtrace)"] += 1
    for where, n in bad.most_common():
        print(f"kmemleak: {n} object(s) from {where}", file=sys.stderr)
    if allowed:
        print(f"kmemleak: {allowed} allowed object(s)", file=sys.stderr)
    print(sum(bad.values()))


if __name__ == "__main__":
    main()
