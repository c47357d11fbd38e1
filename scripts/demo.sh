#!/usr/bin/env bash
# The main job: boot the patched kernel in the test VM, bind vttm to an
# ivshmem "VRAM" BAR, and run the eviction-under-KVM subtests: a guest keeps
# using a TTM buffer object through a memslot while TTM moves it between
# VRAM, TT and system memory (and swap), and no page reference leaks.
# DEMO_TESTS lists them as BINARY@SUBTEST (globs allowed).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tests=${DEMO_TESTS:-kvm_bo_eviction@map-read-write-* kvm_bo_eviction@evict-vram-to-tt
kvm_bo_eviction@evict-tt-to-system kvm_bo_eviction@swapout kvm_bo_eviction@no-page-refs
kvm_bo_stress@evict-race}
out=$REPO/build/demo
mkdir -p "$out"
cmd=". /ttm-kvm/guest/setup-vttm.sh; uname -r; rc=0"
for t in $tests; do
	cmd="$cmd; /ttm-kvm/tests/bin/${t%%@*} --run-subtest '${t#*@}' || rc=1"
done
cmd="$cmd; exit \$rc"
rc=0
"$REPO/scripts/run-vm.sh" --out "$out" --device ivshmem=64M -- sh -c "$cmd" || rc=$?
grep -E '^(Subtest|IGT-Version|[0-9]+\.[0-9]+\.[0-9]+-)|moves|iterations' "$out/cmd.log" || true
echo "demo: exit status $rc (full log: $out/cmd.log)"
exit "$rc"
