#!/usr/bin/env bash
# Build the root the virtio-gpu suite runs its VMM in: Debian sid with QEMU
# 11 (virtio-gpu-gl-pci, blob resources, a hostmem BAR), virglrenderer and
# Mesa's software GL, drawn into Xvfb through QEMU's SDL display. This
# machine's QEMU 7.2 has no virgl and no udmabuf, so it cannot create the
# host-visible blobs the suite is about. It also holds QEMU 11's aarch64
# emulator for ARCH=arm64: QEMU 7.2's -cpu max lacks FEAT_S2FWB or
# CTR_EL0.DIC, without which arm64 KVM refuses memslots over cacheable
# VM_PFNMAP memory (QEMU 11's has both). Rebuilt only when the
# package list changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(qemu-system-x86 qemu-system-arm qemu-system-modules-opengl qemu-system-gui xvfb xauth
	libgl1-mesa-dri libegl-mesa0 libegl1 libgl1 libgles2 libglx-mesa0)
want="sid ${pkgs[*]}"
stamp=$VMM_ROOT/.ttm-kvm-packages

if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	exit 0
fi

new=$VMM_ROOT.new
rm -rf "$new"
mkdir -p "$(dirname "$VMM_ROOT")"
log "debootstrap sid into $VMM_ROOT"
debootstrap --variant=minbase sid "$new" http://deb.debian.org/debian \
	>"$CACHE/vmm-debootstrap.log" 2>&1 ||
	die "debootstrap failed, see $CACHE/vmm-debootstrap.log"
# apt, not debootstrap, resolves the GUI stack's virtual packages.
log "installing ${pkgs[*]}"
cp /etc/resolv.conf "$new/etc/resolv.conf"
unshare -m --propagation private sh -c '
	mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" &&
	shift && chroot "$0" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "$@"' \
	"$new" "$new" "${pkgs[@]}" >>"$CACHE/vmm-debootstrap.log" 2>&1 ||
	die "apt-get install failed, see $CACHE/vmm-debootstrap.log"
chroot "$new" apt-get clean
mkdir -p "$new/mnt/root" "$new/mnt/out" "$new/mnt/mods" "$new/mnt/tests" \
	"$new/mnt/kernel" "$new/mnt/guest"
printf '%s\n' "$want" >"$new/.ttm-kvm-packages"
rm -rf "$VMM_ROOT"
mv "$new" "$VMM_ROOT"
log "VMM root ready"
