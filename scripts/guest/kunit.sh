#!/bin/sh
# kunit.sh [SUITE...]
# Guest side of the KUnit suite. The KUnit tests are built in but do not run
# at boot (kunit.autorun=0); here every registered suite (or those matching
# the SUITE globs) is run through its debugfs "run" file and its KTAP
# results are copied to /out/kunit/SUITE.ktap.
# TTM's tests must not run while a TTM driver is bound (DRM_TTM_KUNIT_TEST).
set -u
for drv in /sys/class/drm/card*/device/driver; do
	[ -e "$drv" ] || continue
	case "$(basename "$(readlink "$drv")")" in
	qxl | vttm)
		echo "kunit: a TTM driver is bound ($drv); refusing to run TTM tests" >&2
		exit 1
		;;
	esac
done
mkdir -p /out/kunit
n=0
for d in /sys/kernel/debug/kunit/*/; do
	[ -f "$d/run" ] || continue
	s=$(basename "$d")
	if [ $# -gt 0 ]; then
		want=0
		for pat in "$@"; do
			# shellcheck disable=SC2254 # pat is a glob
			case $s in $pat) want=1 ;; esac
		done
		[ "$want" = 1 ] || continue
	fi
	echo 1 >"$d/run"
	cat "$d/results" >"/out/kunit/$s.ktap"
	n=$((n + 1))
done
echo "kunit: ran $n suite(s)"
[ "$n" -gt 0 ]
