#!/bin/sh
# Guest side of an IGT suite: one igt_runner run per list /out/igt-list.GROUP
# over TESTDIR, results in /out/igt-results.GROUP/results.json. GROUP is the
# DRM driver IGT must use (IGT_FORCE_DRIVER; IGT's "any driver" skips virtual
# drivers such as vkms and vgem), or "any". /out/igt-setup runs first.
# A test running longer than TIMEOUT seconds (default 600) is killed and
# recorded as a timeout, so that one hung test does not cost the VM, and with
# it every other result of the suite.
set -u
dir=$1 timeout=${2:-600}
[ -f /out/igt-setup ] && . /out/igt-setup
rc=0
for list in /out/igt-list.*; do
	[ -s "$list" ] || continue
	group=${list##*.}
	if [ "$group" = any ]; then
		unset IGT_FORCE_DRIVER
	else
		export IGT_FORCE_DRIVER="$group"
	fi
	igt_runner -o --per-test-timeout "$timeout" --test-list "$list" "$dir" \
		"/out/igt-results.$group" || {
		rc=$?
		echo "igt.sh: igt_runner for $group exited $rc" >&2
	}
done
exit $rc
