#!/usr/bin/env bash
# Build the test VM's root filesystem: Debian sid minbase with IGT and the
# tools the suites use. Rebuilt only when the package list changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# arm64: these hosts cannot run arm64 binaries (no binfmt_misc), so no
# debootstrap: the root is Debian's busybox-static for arm64, whose applets
# the guest init links at first boot. The tests are static binaries.
if [ "$TARGET_ARCH" = arm64 ]; then
	want="busybox-static:arm64"
	stamp=$ROOTFS/.ttm-kvm-packages
	[ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && exit 0
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		dpkg --add-architecture arm64
		apt-get update -qq
	}
	rm -rf "$ROOTFS.new" "$CACHE/dl-arm64"
	mkdir -p "$ROOTFS.new" "$CACHE/dl-arm64"
	(cd "$CACHE/dl-arm64" && apt-get download -qq busybox-static:arm64 2>/dev/null) ||
		die "apt-get download busybox-static:arm64 failed"
	dpkg-deb -x "$CACHE"/dl-arm64/busybox-static_*_arm64.deb "$ROOTFS.new"
	(
		cd "$ROOTFS.new"
		mkdir -p proc sys dev tmp run root etc sbin usr/sbin usr/bin lib/modules \
			out ttm-kvm/tests
		ln -sf busybox bin/sh
		echo ttm-kvm-vm >etc/hostname
	)
	printf '%s\n' "$want" >"$ROOTFS.new/.ttm-kvm-packages"
	rm -rf "$ROOTFS"
	mv "$ROOTFS.new" "$ROOTFS"
	log "arm64 rootfs (busybox) ready in $ROOTFS"
	exit 0
fi

pkgs=(kmod busybox procps igt-gpu-tools igt-gpu-tools-tests libdrm-tests strace)
want="sid ${pkgs[*]}"
stamp=$ROOTFS/.ttm-kvm-packages

if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	exit 0
fi

rm -rf "$ROOTFS.new"
mkdir -p "$(dirname "$ROOTFS")"
log "debootstrap sid into $ROOTFS (packages: ${pkgs[*]})"
debootstrap --variant=minbase --include="$(
	IFS=,
	echo "${pkgs[*]}"
)" sid "$ROOTFS.new" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 ||
	die "debootstrap failed, see $CACHE/debootstrap.log"
echo ttm-kvm-vm >"$ROOTFS.new/etc/hostname"
printf '%s\n' "$want" >"$ROOTFS.new/.ttm-kvm-packages"
rm -rf "$ROOTFS"
mv "$ROOTFS.new" "$ROOTFS"
log "rootfs ready"
