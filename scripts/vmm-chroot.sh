#!/usr/bin/env bash
# vmm-chroot.sh ROOT SRC:DST... -- COMMAND...
# Run COMMAND chrooted into the VMM root (scripts/vmm-rootfs.sh) with /proc,
# /dev, a private /tmp and each host directory SRC bind-mounted at ROOT/DST.
# Meant to run under `unshare -m --propagation private`: the mounts vanish
# with the namespace, whatever way COMMAND ends.
set -euo pipefail
root=$1
shift
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmp "$root/tmp"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	mkdir -p "$root/${1#*:}"
	mount --bind "${1%%:*}" "$root/${1#*:}"
	shift
done
shift
exec chroot "$root" "$@"
