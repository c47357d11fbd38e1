# ttm-kvm: fetch -> patch -> build -> boot -> test.
# Each step is a target that can be run alone; scripts/ holds one script per
# step. Downloads, kernel trees and builds live in $(TTM_KVM_CACHE)
# (default ~/.cache/ttm-kvm) so reruns and fresh clones are incremental.

SHELL := /bin/bash
S := scripts
# ARCH=arm64 cross-builds the kernels and tests and runs them in QEMU's arm64
# virt machine (KVM at EL2 inside it); its suites are KUnit and the project
# tests.
ARCH ?= x86_64
ifneq ($(filter arm64 aarch64,$(ARCH)),)
SUITES ?= kunit project-igt virtgpu
# arm64's VMs run QEMU 11 from the VMM root (see scripts/lib.sh).
ARCH_VMM := vmm-rootfs
else
SUITES ?= kunit upstream-igt project-igt virtgpu docs
endif
export ARCH

.PHONY: all deps fetch kernel baseline debug drivers patches series check-series check-docs drm-ci rootfs vmm-rootfs tests check \
	check-all tests-cross check-baseline \
	check-debug \
	compare bench soak demo run shell clean help

all: kernel rootfs vmm-rootfs tests

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps       install build/test dependencies from Debian (root, idempotent)
deps:
	$(S)/deps.sh

## fetch      download pristine Linux 7.3.4 (linux-source-7.3) into the cache
fetch:
	$(S)/fetch-kernel.sh

## kernel     v7.3.4 + the sets of patches/series, built (bzImage, modules)
kernel:
	$(S)/build-kernel.sh patched

## baseline   v7.3.4 + only the series' test infrastructure (the vttm set)
baseline:
	$(S)/build-kernel.sh baseline

## debug      the patched kernel + configs/debug (KASAN, kmemleak, DEBUG_PAGEALLOC,
##            fault injection)
debug:
	$(S)/build-kernel.sh debug

## drivers    compile-test the series' changes to amdgpu, radeon, nouveau, xe
##            and TTM with those drivers enabled, W=1, warnings fatal
##            (ARCH=arm64 too); a work tree of its own, nothing runs
drivers:
	$(S)/build-drivers.sh

## patches    export the patched tree's commits back into patches/
patches:
	$(S)/export-patches.sh

## series     per-subsystem series to mail in build/series/SET/: cover letters
##            with To/Cc from get_maintainer.pl, signed off by git's user
series:
	$(S)/series.sh

## check-series  every set applies alone to pristine v7.3.4, every prefix
##            builds, checkpatch --strict, kernel-doc and htmldocs are clean
check-series:
	$(S)/check-series.sh

## check-docs the kunit.py commands of the series' rst files, run in a clean
##            work tree of the patched kernel (UML and x86_64 builds)
check-docs: kernel
	$(S)/check-doc-commands.sh

## drm-ci     drm-ci style *-fails/-flakes/-skips.txt generated from
##            tests/*.expected (upstream IGT and virtgpu suites)
drm-ci:
	python3 $(S)/drm-ci-expectations.py . build/drm-ci

## rootfs     Debian sid rootfs for the test VM (IGT, kmod, busybox)
rootfs:
	$(S)/rootfs.sh

## vmm-rootfs Debian sid root with QEMU 11 + virgl (software GL), the VMM of
##            the virtgpu suite (virtio-gpu host-visible blobs)
vmm-rootfs:
	$(S)/vmm-rootfs.sh

## tests      build igt-tests/ against the patched tree
tests: kernel
	$(MAKE) -C igt-tests

## tests-cross  the same without building the kernel (its tree only): the
##            arm64 build check of make check-all when time is short
tests-cross:
	$(S)/prepare-tree.sh patched >/dev/null
	$(MAKE) -C igt-tests

## check      boot the patched kernel, run every suite, print the summary
check: kernel rootfs vmm-rootfs tests
	$(S)/check.sh --kernel patched --suites "$(SUITES)"

## check-all  make check on x86_64, then on arm64 (ARCH=arm64), one summary:
##            what .ci/run runs
check-all:
	$(S)/check-all.sh

## check-baseline  the same suites on the baseline kernel
check-baseline: baseline rootfs vmm-rootfs tests
	$(S)/check.sh --kernel baseline --suites "$(SUITES)"

## check-debug  the same suites on the debug kernel; kmemleak reports fail them
check-debug: debug rootfs vmm-rootfs tests
	$(S)/check.sh --kernel debug --suites "$(SUITES)"

## compare    project IGT suites on baseline and patched kernels, side by side
compare: kernel baseline rootfs vmm-rootfs tests
	$(S)/compare.sh "$(or $(COMPARE_SUITES),project-igt virtgpu)"

## bench      counts (faults, exits, 4K/2M mappings) of BOs mapped into a VM,
##            baseline and patched kernels side by side (BENCH_MIB=256)
bench: kernel baseline rootfs tests $(ARCH_VMM)
	$(S)/bench.sh

## soak       two VMs, a VRAM and a TT BO, SOAK_MOVES=100000 moves under them
soak: kernel rootfs tests
	$(S)/soak.sh

## demo       main job: build, boot, run the KVM demo in the test VM
demo: kernel rootfs tests $(ARCH_VMM)
	$(S)/demo.sh

## run        one test in the VM its suite uses: make run T=vttm_basic@create-info
##            (T=BINARY[@SUBTEST], SUBTEST a glob; T=kunit@SUITE; KIND=patched,
##            baseline or debug; ARGS="--moves 100" for the binary)
KIND ?= patched
RUN_KERNEL_patched := kernel
RUN_KERNEL_baseline := baseline
RUN_KERNEL_debug := debug
run: $(RUN_KERNEL_$(KIND)) rootfs tests \
		$(if $(filter virtgpu_blob% drm_virtgpu%,$(T)),vmm-rootfs)
	@test -n "$(RUN_KERNEL_$(KIND))" || { echo "KIND=$(KIND): patched, baseline or debug"; exit 2; }
	@test -n "$(T)" || { echo "make run T=BINARY[@SUBTEST], e.g. T=vttm_basic@create-info"; exit 2; }
	$(S)/run-test.sh --kernel $(KIND) '$(T)' -- $(ARGS)

## shell      boot the patched kernel with a shell on this terminal
shell: kernel rootfs
	$(S)/run-vm.sh --device virtio-gpu --shell

## clean      remove this checkout's outputs (not the shared cache)
clean:
	rm -rf build
