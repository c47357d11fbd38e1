#!/usr/bin/env python3
"""Write drm-ci style expectation files from tests/*.expected.

drm-ci (drivers/gpu/drm/ci/xfails/) keeps, per driver and board,
DRIVER-BOARD-fails.txt ("test@subtest,Fail"), -flakes.txt (one test per
line) and -skips.txt (regular expressions of tests not run). This project's
tests/SUITE.expected files are the source of truth; this script generates
the drm-ci view of the upstream-IGT and virtgpu suites so that their
results can be set beside drm-ci's:

  upstream-igt.expected, "@driver vkms"  -> vkms-none-*.txt
  upstream-igt.expected, "@driver vgem"  -> vgem-none-*.txt
  upstream-igt.expected, "@driver any"   -> virtio_gpu-none-*.txt
  virtgpu.expected                      -> virtio_gpu-virgl-*.txt

An expected "pass" or "skip" needs no line (drm-ci treats both as
success); "exclude" becomes a skips line with its reason; "fail" and
"flake" (none today) become fails and flakes lines.

usage: drm-ci-expectations.py REPO OUTDIR
"""
import os
import re
import sys

BOARDS = {
    ("upstream-igt", "vkms"): "vkms-none",
    ("upstream-igt", "vgem"): "vgem-none",
    ("upstream-igt", "any"): "virtio_gpu-none",
    ("virtgpu", "any"): "virtio_gpu-virgl",
}


def parse(path):
    """Yields (driver, name, status, reason) for each entry of @path."""
    driver = "any"
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("@driver"):
                driver = line.split()[1]
                continue
            body, _, reason = line.partition("#")
            fields = body.split()
            if len(fields) < 2 or not fields[0].startswith("igt@"):
                continue
            yield driver, fields[0][len("igt@"):], fields[1], reason.strip()


def main():
    repo, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    files = {}
    for suite in ("upstream-igt", "virtgpu"):
        src = f"tests/{suite}.expected"
        for driver, name, status, reason in parse(os.path.join(repo, src)):
            board = BOARDS.get((suite, driver))
            if board is None:
                sys.exit(f"{src}: no drm-ci board for @driver {driver}")
            out = files.setdefault(board, {"fails": [], "flakes": [],
                                           "skips": []})
            if status == "exclude":
                if reason:
                    out["skips"].append(f"# {reason}")
                out["skips"].append("^" + re.escape(name) + "$")
            elif status == "fail":
                out["fails"].append(f"{name},Fail")
            elif status == "flake":
                out["flakes"].append(name)
            elif status not in ("pass", "skip"):
                sys.exit(f"{src}: {name}: unknown status {status}")
    for board, kinds in sorted(files.items()):
        for kind, lines in kinds.items():
            path = os.path.join(outdir, f"{board}-{kind}.txt")
            with open(path, "w") as f:
                f.write(f"# Generated from tests/*.expected by "
                        f"scripts/drm-ci-expectations.py; do not edit.\n")
                for line in lines:
                    f.write(line + "\n")
        print(f"{board}: {len(kinds['fails'])} fails, "
              f"{len(kinds['flakes'])} flakes, "
              f"{sum(1 for l in kinds['skips'] if not l.startswith('#'))} skips")


if __name__ == "__main__":
    main()
