#!/usr/bin/env bash
# Build the test VM's root filesystem: Debian sid minbase with IGT and the
# tools the suites use. Rebuilt only when the package list changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

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
