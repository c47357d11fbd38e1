#!/bin/sh
# Sourced by guest suite scripts: bind vttm to QEMU's ivshmem device (vttm has
# no ID table and is bound explicitly, like vfio-pci). The guest init turns
# on swap on zram, so TTM's shrinker can back buffer objects up.
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ] || continue
	echo vttm >"$d/driver_override"
	echo "${d##*/}" >/sys/bus/pci/drivers_probe
	[ -e "$d/driver" ] && [ "$(basename "$(readlink "$d/driver")")" = vttm ] ||
		echo "setup-vttm: binding ${d##*/} to vttm failed" >&2
done
