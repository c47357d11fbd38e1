#!/usr/bin/env bash
# The main job: boot the patched kernel in the test VM, bind vttm to an
# ivshmem "VRAM" BAR, and run the eviction-under-KVM subtests: a guest keeps
# using a TTM buffer object through a memslot while TTM moves it between
# VRAM, TT and system memory (and swap), and no page reference leaks.
# DEMO_TESTS lists them as BINARY@SUBTEST (globs allowed).
#
# ARCH=arm64: a guest's first writes to a vgem (gem-shmem) BO in a memslot,
# which Debian's 7.3.4 arm64 kernel fails with EFAULT, on the patched
# kernel; and on the baseline kernel too once it is built (make ARCH=arm64
# baseline), to show the EFAULT side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# guest_cmd PREFIX TESTS: one guest command running each BINARY@SUBTEST,
# exiting non-zero if any failed.
guest_cmd() {
	local cmd="$1 uname -r; rc=0" t
	for t in $2; do
		cmd="$cmd; /ttm-kvm/tests/bin/${t%%@*} --run-subtest '${t#*@}' || rc=1"
	done
	echo "$cmd; exit \$rc"
}

if [ "$TARGET_ARCH" != x86_64 ]; then
	tests=${DEMO_TESTS:-kvm_bo_write@vgem-first-write kvm_bo_write@vgem-write-after-guest-read
kvm_bo_write@vgem-write-after-host-read}
	rc=0
	for kind in patched baseline; do
		out=$REPO/build/demo-$TARGET_ARCH-$kind
		if [ "$kind" = baseline ] && [ ! -f "$(kernel_out baseline)/Image" ]; then
			echo "demo: no $TARGET_ARCH baseline kernel (make ARCH=$TARGET_ARCH baseline): there,"
			echo "demo: KVM_RUN fails these writes with EFAULT (make ARCH=$TARGET_ARCH compare shows it)"
			break
		fi
		mkdir -p "$out"
		krc=0
		"$REPO/scripts/run-vm.sh" --kernel "$kind" --vmm sid --out "$out" -- \
			sh -c "$(guest_cmd "" "$tests")" || krc=$?
		echo "demo: $kind kernel:"
		grep -E '^(Subtest|[0-9]+\.[0-9]+\.[0-9]+-)|KVM_RUN|  ' "$out/cmd.log" || true
		echo "demo: $kind kernel exit status $krc (full log: $out/cmd.log)"
		# The series must make them pass; the baseline is expected to fail.
		[ "$kind" = baseline ] || rc=$krc
	done
	exit "$rc"
fi

tests=${DEMO_TESTS:-kvm_bo_eviction@map-read-write-* kvm_bo_eviction@evict-vram-to-tt
kvm_bo_eviction@evict-tt-to-system kvm_bo_eviction@swapout kvm_bo_eviction@no-page-refs
kvm_bo_stress@evict-race}
out=$REPO/build/demo
mkdir -p "$out"
rc=0
"$REPO/scripts/run-vm.sh" --out "$out" --device ivshmem=64M -- \
	sh -c "$(guest_cmd ". /ttm-kvm/guest/setup-vttm.sh;" "$tests")" || rc=$?
grep -E '^(Subtest|IGT-Version|[0-9]+\.[0-9]+\.[0-9]+-)|moves|iterations' "$out/cmd.log" || true
echo "demo: exit status $rc (full log: $out/cmd.log)"
exit "$rc"
