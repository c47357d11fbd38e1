#!/usr/bin/env bash
# The main job: boot the patched kernel in the test VM and show a TTM buffer
# object backing a KVM guest while TTM evicts it (igt-tests/kvm_bo_eviction).
# Until that test exists the demo runs the KVM smoke test, which proves the
# nested-KVM half of the path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$REPO/build/demo
mkdir -p "$out"
bin=/ttm-kvm/tests/bin
if [ -x "$CACHE/out/tests/bin/kvm_bo_eviction" ]; then
	cmd="$bin/kvm_bo_eviction"
else
	log "kvm_bo_eviction is not built yet; running kvm_smoke"
	cmd="$bin/kvm_smoke"
fi
rc=0
"$REPO/scripts/run-vm.sh" --out "$out" --device virtio-gpu --device ivshmem -- \
	sh -c "uname -r; grep -o -m1 svm /proc/cpuinfo; $cmd" || rc=$?
cat "$out/cmd.log"
echo "demo: exit status $rc (logs in $out)"
exit "$rc"
