# shellcheck shell=bash
# Shared settings for the ttm-kvm scripts. Sourced, not run.

# Downloads, kernel trees, build outputs and the rootfs live here, outside the
# repo, so a fresh clone reuses them. Nothing requires the cache to exist.
CACHE=${TTM_KVM_CACHE:-$HOME/.cache/ttm-kvm}
KVER=7.3.4
TREES=$CACHE/trees
ROOTFS_X86=${TTM_KVM_ROOTFS:-$CACHE/rootfs}
# A second sid root with QEMU 11, virgl and a software GL stack: the VMM for
# the virtio-gpu suite (scripts/vmm-rootfs.sh, run-vm.sh --vmm sid).
VMM_ROOT=${TTM_KVM_VMM_ROOT:-$CACHE/vmm-root}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

log() {
	echo "[${0##*/}] $*" >&2
}

# The architecture kernels and tests are built for: x86_64 (default, native)
# or arm64 (cross-built with Debian's gcc-aarch64-linux-gnu). `make ARCH=arm64`
# sets it; the kernel's own spellings are accepted.
case "${ARCH:-x86_64}" in
x86 | x86_64) TARGET_ARCH=x86_64 ;;
arm64 | aarch64) TARGET_ARCH=arm64 ;;
*) echo "unsupported ARCH=$ARCH (x86_64 or arm64)" >&2 && exit 1 ;;
esac
# What the kernel's build calls it, and the cross compiler prefix.
case "$TARGET_ARCH" in
x86_64) KARCH=x86 CROSS= ;;
arm64) KARCH=arm64 CROSS=aarch64-linux-gnu- ;;
esac

# tree_branch KIND: the branch of KIND's work tree. The trees of both
# architectures are work trees of one repository, and a branch checked out
# in two of them moves under the other when one is rebased.
tree_branch() {
	if [ "$TARGET_ARCH" = x86_64 ]; then
		echo "ttm-kvm-$1"
	else
		echo "ttm-kvm-$TARGET_ARCH-$1"
	fi
}

# tree_dir KIND: the git work tree of the patched, baseline or debug kernel.
# The debug kernel is the patched series with configs/debug/*.config on top,
# in a work tree of its own so that neither build invalidates the other.
# arm64 kernels have trees of their own (arm64-KIND).
tree_dir() {
	case "$1" in
	patched | baseline | debug) ;;
	*) die "unknown kernel kind '$1' (patched, baseline or debug)" ;;
	esac
	if [ "$TARGET_ARCH" = x86_64 ]; then
		echo "$TREES/$1"
	else
		echo "$TREES/$TARGET_ARCH-$1"
	fi
}

# The test VM's root and test binaries, per architecture. Test binaries are
# per checkout (igt-tests/Makefile's default O), so two clones sharing the
# cache never run each other's tests.
if [ "$TARGET_ARCH" = x86_64 ]; then
	ROOTFS=$ROOTFS_X86
	TESTS_OUT=$REPO/build/tests
else
	ROOTFS=$CACHE/rootfs-$TARGET_ARCH
	TESTS_OUT=$REPO/build/tests-$TARGET_ARCH
fi

# suite_vm_args SUITE: the run-vm.sh options of a suite's VM (its devices,
# and the VMM for virtgpu). check.sh boots each suite so, and run-test.sh
# boots a single test the way its suite does.
suite_vm_args() {
	case "$1" in
	kunit) ;;
	upstream-igt) echo "--device virtio-gpu" ;;
	project-igt)
		if [ "$TARGET_ARCH" = x86_64 ]; then
			echo "--device virtio-gpu --device ivshmem=64M --device qxl"
		else
			# QEMU 11: its -cpu max has the FEAT_S2FWB and
			# CTR_EL0.DIC that arm64 KVM wants for memslots over
			# cacheable VM_PFNMAP memory (vttm, udmabuf); 7.2's not.
			echo "--vmm sid --device ivshmem=64M"
		fi
		;;
	virtgpu) echo "--vmm sid --device virtio-gpu-gl" ;;
	*) die "unknown suite $1" ;;
	esac
}

# kernel_out KIND: where the built kernel of KIND for TARGET_ARCH lands.
kernel_out() {
	if [ "$TARGET_ARCH" = x86_64 ]; then
		echo "$CACHE/out/$1"
	else
		echo "$CACHE/out/$TARGET_ARCH-$1"
	fi
}

# The series is a set of patch sets (patches/SET/*.patch), one per subsystem,
# each mailed on its own. patches/series lists them in the order the patched
# kernel applies them: "SET PREREQUISITES KERNELS", PREREQUISITES being the
# sets SET needs applied first ("-" for none), KERNELS the kernel kinds that
# get SET (the baseline kernel gets only the test infrastructure).

# series_sets KIND: the sets KIND gets, in order (KIND "all": every set).
series_sets() {
	local kind=$1 set prereq kernels
	[ -f "$REPO/patches/series" ] || return 0
	while read -r set prereq kernels; do
		case "$set" in "#"* | "") continue ;; esac
		[ -d "$REPO/patches/$set" ] || die "patches/series names missing set $set"
		case "$kind" in
		all) echo "$set" ;;
		debug) [[ " $kernels " == *" patched "* ]] && echo "$set" ;;
		*) [[ " $kernels " == *" $kind "* ]] && echo "$set" ;;
		esac
	done <"$REPO/patches/series"
	return 0
}

# set_prereqs SET: the sets SET needs applied before it, in series order.
set_prereqs() {
	local want=$1 set prereq kernels
	while read -r set prereq kernels; do
		[ "$set" = "$want" ] || continue
		[ "$prereq" = - ] || echo "${prereq//,/ }"
		return 0
	done <"$REPO/patches/series"
	die "no set $want in patches/series"
}

# set_patches SET: the patch files of SET, in order.
set_patches() {
	local p
	for p in "$REPO/patches/$1"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -f "$p" ] && echo "$p"
	done
	return 0
}

# series_list KIND: the patch files KIND gets, in order.
series_list() {
	local set
	for set in $(series_sets "$1"); do
		set_patches "$set"
	done
}

# set_of_subject SUBJECT: the set a commit belongs to, by its subject prefix
# (the subsystem it is mailed to). make patches sorts commits so.
set_of_subject() {
	case "$1" in
	"KVM: "*) echo kvm ;;
	"mm: "* | "mm/"* | "x86/mm/pat: "*) echo mm ;;
	"drm/ttm"* | "drm/gem"* | "Documentation/gpu: "* | \
	"drm/amdgpu"* | "drm/radeon"* | "drm/nouveau"* | "drm/xe"* | "drm/qxl"*) echo ttm ;;
	"drm/virtio"*) echo virtio ;;
	"drm/vttm"*) echo vttm ;;
	*) return 1 ;;
	esac
}

# series_hash KIND: identifies the patch set KIND is built from.
series_hash() {
	local p
	(
		echo "$KVER"
		series_list "$1" | while IFS= read -r p; do sha256sum <"$p"; done
	) | sha256sum | cut -c1-16
}

# kernel_ccache_env: the ccache settings of every kernel build: one cache
# for all work trees (patched, baseline, debug, series checks), whose paths
# differ.
kernel_ccache_env() {
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	export CCACHE_BASEDIR=$TREES
	export CCACHE_NOHASHDIR=1
}

# applied_stamp TREE: where prepare-tree.sh records "HASH HEAD" after git am.
applied_stamp() {
	echo "$(git -C "$1" rev-parse --absolute-git-dir)/ttm-kvm-applied"
}
