#!/bin/sh
# Guest side of the KUnit suite: load the TTM KUnit modules (no TTM driver is
# bound in this VM; see DRM_TTM_KUNIT_TEST) and copy each suite's KTAP results
# from debugfs to /out/kunit/SUITE.ktap. Module list: /out/kunit-modules.
set -u
mkdir -p /out/kunit
rc=0
for m in $(cat /out/kunit-modules); do
	modprobe "$m" || { echo "kunit: modprobe $m failed" >&2; rc=1; }
done
found=0
for d in /sys/kernel/debug/kunit/*/; do
	[ -f "$d/results" ] || continue
	s=$(basename "$d")
	cat "$d/results" >"/out/kunit/$s.ktap"
	found=$((found + 1))
done
echo "kunit: $found suite(s) collected"
exit $rc
