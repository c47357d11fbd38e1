#!/usr/bin/env bash
# Install everything ttm-kvm needs from Debian, idempotently.
# The host stays on bookworm: the newer suites are added with a low pin and
# used only for the few packages named explicitly (linux-source-7.3).
set -euo pipefail

sources=/etc/apt/sources.list.d/ttm-kvm.sources
pin=/etc/apt/preferences.d/ttm-kvm.pref

if [ "$(id -u)" != 0 ]; then
	echo "deps: must run as root (apt-get)" >&2
	exit 1
fi

changed=0
want_sources='Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie sid bookworm-backports trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
want_pin='Package: *
Pin: release n=bookworm
Pin-Priority: 900

Package: *
Pin: release n=bookworm-security
Pin-Priority: 900

Package: *
Pin: release n=bookworm-updates
Pin-Priority: 900

Package: *
Pin: release o=Debian
Pin-Priority: 100'

if [ "$(cat "$sources" 2>/dev/null)" != "$want_sources" ]; then
	printf '%s\n' "$want_sources" >"$sources"
	changed=1
fi
if [ "$(cat "$pin" 2>/dev/null)" != "$want_pin" ]; then
	printf '%s\n' "$want_pin" >"$pin"
	changed=1
fi

stamp=/var/lib/apt/lists/ttm-kvm.stamp
if [ "$changed" = 1 ] || [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
	apt-get update -qq
	touch "$stamp"
fi

pkgs=(
	build-essential flex bison bc libelf-dev libssl-dev dwarves rsync ccache
	cpio xz-utils git python3 kmod
	qemu-system-x86 debootstrap
	# ARCH=arm64: cross toolchain and the emulated arm64 machine
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	# make check-series: checkpatch's SPDX check, make htmldocs
	python3-ply python3-git python3-sphinx python3-sphinx-rtd-theme python3-yaml
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "deps: ok"
