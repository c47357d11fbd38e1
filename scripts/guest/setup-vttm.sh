#!/bin/sh
# Sourced by guest suite scripts: bind vttm to QEMU's ivshmem device (vttm has
# no ID table and is bound explicitly, like vfio-pci) and turn on swap on
# zram so TTM's shrinker can back buffer objects up.
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ] || continue
	echo vttm >"$d/driver_override"
	echo "${d##*/}" >/sys/bus/pci/drivers_probe
	[ -e "$d/driver" ] && [ "$(basename "$(readlink "$d/driver")")" = vttm ] ||
		echo "setup-vttm: binding ${d##*/} to vttm failed" >&2
done
if [ -e /sys/block/zram0/disksize ] && ! grep -q zram0 /proc/swaps; then
	echo 256M >/sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 ||
		echo "setup-vttm: no swap on zram0" >&2
fi
