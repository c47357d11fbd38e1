#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the IGT-style doc comments of a test source into C (see igt_doc.h).

usage: igt_doc.py NAME.c >NAME.doc.c

Fields, in any /* */ comment, one per line after the comment's " * ":
  TEST: NAME                 the binary
  SUBTEST: NAME              a subtest; consecutive ones share a description
  Description: TEXT          of the TEST or of the SUBTEST(s) before it
  arg[N]:                    then "@value: TEXT" lines: %arg[N] in SUBTEST
                             names becomes each value, in descriptions the
                             value's TEXT; the values serve every SUBTEST
                             of the same comment that lists none
A field's text goes on over the following lines up to a blank line or the
next field. Everything else in comments is ignored.
"""
import itertools
import re
import sys

FIELD = re.compile(r"^(TEST|SUBTEST|Description|arg\[(\d+)\]):\s*(.*)$")
VALUE = re.compile(r"^@([A-Za-z0-9_.-]+):\s*(.*)$")


def comment_lines(src):
    """The text of each comment line, without its leading ' * '."""
    inside = False
    for line in src.splitlines():
        if not inside:
            m = re.match(r"^\s*/\*+(.*)$", line)
            if not m:
                continue
            inside, text = True, m.group(1)
            end = text.find("*/")
            if end >= 0:
                text, inside = text[:end], False
        else:
            end = line.find("*/")
            if end >= 0:
                line, inside = line[:end], False
            text = re.sub(r"^\s*\*?", "", line, count=1)
        yield text[1:] if text.startswith(" ") else text
        if not inside:
            yield None  # end of a comment


class Group:
    """SUBTEST names that share a description and their args."""

    def __init__(self):
        self.names, self.description, self.args = [], None, {}

    def expand(self, fail, comment_args):
        out = []
        for name in self.names:
            used = sorted({int(n) for n in re.findall(r"%arg\[(\d+)\]", name)})
            args = {n: self.args.get(n) or comment_args.get(n) for n in used}
            for n in used:
                if not args[n]:
                    fail(f"SUBTEST: {name} uses %arg[{n}], which lists no values")
            combos = itertools.product(*(args[n] for n in used)) if used else [()]
            for combo in combos:
                sub, desc = name, self.description or ""
                for n, (value, text) in zip(used, combo):
                    sub = sub.replace(f"%arg[{n}]", value)
                    desc = desc.replace(f"%arg[{n}]", text)
                out.append((sub, desc))
        return out


def parse(path):
    test = test_desc = None
    subtests, group, field, arg = [], None, None, None
    pending = []  # groups of the current comment, expanded at its end

    def fail(msg):
        sys.exit(f"{path}: {msg}")

    def flush():
        nonlocal group
        if group:
            if group.description is None:
                fail(f"SUBTEST: {group.names[0]} has no Description:")
            pending.append(group)
        group = None

    def end_comment():
        # A group without values for an %arg[N] it uses takes those listed
        # elsewhere in the same comment.
        flush()
        comment_args = {}
        for g in pending:
            for n, values in g.args.items():
                comment_args.setdefault(n, values)
        for g in pending:
            subtests.extend(g.expand(fail, comment_args))
        pending.clear()

    with open(path) as f:
        src = f.read()
    for text in comment_lines(src):
        if text is None or not text.strip():
            field = None  # a blank line ends a field
            if text is None:
                arg = None
                end_comment()
            continue
        m = FIELD.match(text.strip()) if not text[0].isspace() else None
        v = VALUE.match(text.strip()) if arg is not None else None
        if m:
            key, n, value = m.group(1), m.group(2), m.group(3).strip()
            if key == "TEST":
                flush()
                test, field, arg = value, None, None
            elif key == "SUBTEST":
                if group is None or group.description is not None:
                    flush()
                    group = Group()
                group.names.append(value)
                field, arg = None, None
            elif key == "Description":
                if group is not None and group.description is None:
                    group.description, field = value, "sub"
                elif test is not None and test_desc is None and group is None:
                    test_desc, field = value, "test"
                else:
                    fail(f"Description: without a TEST: or SUBTEST: before it: {value}")
            else:  # arg[N]
                if group is None:
                    fail(f"arg[{n}]: outside a SUBTEST: block")
                arg, field = int(n), None
                group.args.setdefault(arg, [])
        elif v:
            group.args[arg].append((v.group(1), v.group(2).strip()))
            field = ("arg", len(group.args[arg]) - 1)
        elif field == "sub":
            group.description += " " + text.strip()
        elif field == "test":
            test_desc += " " + text.strip()
        elif isinstance(field, tuple):
            i = field[1]
            name, t = group.args[arg][i]
            group.args[arg][i] = (name, t + " " + text.strip())
    end_comment()
    seen = set()
    for name, _ in subtests:
        if name in seen:
            fail(f"SUBTEST: {name} is described twice")
        seen.add(name)
    return test, test_desc, subtests


def cstr(s):
    if s is None:
        return "NULL"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    path = sys.argv[1]
    test, desc, subtests = parse(path)
    print(f"/* Generated from {path} by igt_doc.py: do not edit. */")
    print('#include <stddef.h>')
    print()
    print('#include "igt_doc.h"')
    print()
    if subtests:
        print("static const struct igt_subtest_doc subtests[] = {")
        for name, d in subtests:
            print(f"\t{{ {cstr(name)}, {cstr(d)} }},")
        print("};")
        print()
    print("const struct igt_doc igt_doc = {")
    print(f"\t.test = {cstr(test)},")
    print(f"\t.description = {cstr(desc)},")
    if subtests:
        print("\t.subtests = subtests,")
        print(f"\t.nr_subtests = {len(subtests)},")
    print("};")


if __name__ == "__main__":
    main()
