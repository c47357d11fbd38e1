#!/usr/bin/env bash
# compare.sh [SUITES]: run the IGT suites on the baseline kernel (v7.3.4 +
# test infrastructure only) and on the patched kernel, one after the other,
# and print a side-by-side table of per-test results. Failures on either
# kernel are reported by the table, not by the exit status: the baseline is
# expected to fail where the series fixes something.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suites=${1:-project-igt}
mkdir -p "$REPO/build"
for kind in baseline patched; do
	"$REPO/scripts/check.sh" --kernel "$kind" --suites "$suites" \
		--out "$REPO/build/compare-$kind" >"$REPO/build/compare-$kind.log" 2>&1 || true
	log "$kind: $(tail -n 1 "$REPO/build/compare-$kind.log")"
done
# shellcheck disable=SC2086 # one argument per suite
python3 "$REPO/scripts/compare-table.py" "$REPO/build/compare-baseline" \
	"$REPO/build/compare-patched" $suites
