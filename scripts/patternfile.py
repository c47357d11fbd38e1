"""Pattern files shared by the log scanners: one regex per line, "#" starts
a comment line, and "  # why" after a regex explains it."""
import re


def read_patterns(path):
    out = []
    for raw in open(path):
        line = re.split(r"\s+#\s", raw.rstrip("\n"), maxsplit=1)[0].strip()
        if line and not line.startswith("#"):
            out.append(re.compile(line))
    return out
