#!/usr/bin/env bash
# compare.sh [SUITES]: run the IGT suites on the baseline kernel (v7.3.4 +
# test infrastructure only) and on the patched kernel, one after the other,
# and print a side-by-side table of per-test results. Failures on either
# kernel are reported by the table, not by the exit status: the baseline is
# expected to fail where the series fixes something.
#
# Both runs happen with the host oversubscribed (COMPARE_HOGS busy loops,
# default 2): the test VM's vCPU threads then get descheduled at random
# points, which widens kernel race windows the way a loaded host does. On an
# idle 2-core host the evict-race window is rarely hit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suites=${1:-project-igt virtgpu}
tag=compare
if [ "$TARGET_ARCH" != x86_64 ]; then
	suites=project-igt	# the one suite arm64 has
	tag=compare-$TARGET_ARCH
fi
mkdir -p "$REPO/build"
hogs=${COMPARE_HOGS:-2}
hog_pids=()
stop_hogs() {
	if [ "${#hog_pids[@]}" -gt 0 ]; then kill "${hog_pids[@]}" 2>/dev/null || true; fi
	hog_pids=()
}
trap stop_hogs EXIT
for kind in baseline patched; do
	for ((i = 0; i < hogs; i++)); do
		(while :; do :; done) &
		hog_pids+=($!)
	done
	"$REPO/scripts/check.sh" --kernel "$kind" --suites "$suites" \
		--out "$REPO/build/$tag-$kind" >"$REPO/build/$tag-$kind.log" 2>&1 || true
	stop_hogs
	log "$kind: $(tail -n 1 "$REPO/build/$tag-$kind.log")"
done
mkdir -p "$REPO/build/$tag"
# shellcheck disable=SC2086 # one argument per suite
python3 "$REPO/scripts/compare-table.py" "$REPO/build/$tag-baseline" \
	"$REPO/build/$tag-patched" $suites | tee "$REPO/build/$tag/table.txt"
log "compare: runs in build/$tag-baseline/ and build/$tag-patched/, table in build/$tag/table.txt (docs/results.md records measured runs)"
