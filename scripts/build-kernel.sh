#!/usr/bin/env bash
# build-kernel.sh KIND: prepare the KIND (patched|baseline|debug) tree,
# configure it from tinyconfig + configs/*.config + configs/ARCH/*.config
# (+ configs/series/*.config unless baseline, + configs/debug/*.config for
# the debug kernel), and build the kernel image and modules with ccache.
# ARCH=arm64 cross-builds with aarch64-linux-gnu-gcc in trees of its own.
# Output: $CACHE/out/[arm64-]KIND/{bzImage|Image,modules/lib/modules/RELEASE,
# config}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=${1:?usage: build-kernel.sh patched|baseline|debug}
tree=$("$REPO/scripts/prepare-tree.sh" "$kind")
out=$(kernel_out "$kind")
mkdir -p "$out"
case "$KARCH" in
x86) image=bzImage ;;
arm64) image=Image ;;
esac
if [ -n "$CROSS" ] && ! command -v "${CROSS}gcc" >/dev/null; then
	die "no ${CROSS}gcc (make deps installs gcc-aarch64-linux-gnu)"
fi

kernel_ccache_env
jobs=$(($(nproc) + 1))
kmake() {
	# LOCALVERSION= keeps setlocalversion from appending "+" for a git tree.
	make -C "$tree" -s -j"$jobs" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
		CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" LOCALVERSION= "$@"
}

fragments=("$REPO"/configs/*.config "$REPO"/configs/"$KARCH"/*.config)
# Symbols the series adds exist only in the patched and debug trees.
if [ "$kind" != baseline ]; then
	fragments+=("$REPO"/configs/series/*.config)
fi
if [ "$kind" = debug ]; then
	fragments+=("$REPO"/configs/debug/*.config)
fi
cfg_hash=$( (
	echo "$kind"
	cat "${fragments[@]}"
) | sha256sum | cut -c1-16)
if [ "$(cat "$out/config.hash" 2>/dev/null)" != "$cfg_hash" ] || [ ! -f "$tree/.config" ]; then
	log "$kind: configuring (tinyconfig + ${fragments[*]##*/})"
	kmake tinyconfig >/dev/null
	echo "CONFIG_LOCALVERSION=\"-ttm-kvm-$kind\"" >"$out/localversion.config"
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -Q .config "${fragments[@]}" \
		"$out/localversion.config" >/dev/null)
	kmake olddefconfig >/dev/null
	# Fail loudly when Kconfig dropped a requested symbol.
	bad=0
	while IFS= read -r line; do
		case "$line" in "#"* | "") continue ;; esac
		sym=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			grep -qx "$sym=.*" "$tree/.config" && {
				echo "  $sym: wanted n, got $(grep "^$sym=" "$tree/.config")" >&2
				bad=1
			}
		elif ! grep -qx "$line" "$tree/.config"; then
			echo "  $sym: wanted $val, got $(grep -E "^$sym=|# $sym is" "$tree/.config" || echo unset)" >&2
			bad=1
		fi
	done < <(cat "${fragments[@]}")
	[ "$bad" = 0 ] || die "$kind: config fragment not honoured (dependencies missing?)"
	echo "$cfg_hash" >"$out/config.hash"
fi

log "$kind: building in $tree"
kmake "$image" modules
release=$(kmake -s kernelrelease)
rm -rf "$out/modules.new"
kmake INSTALL_MOD_PATH="$out/modules.new" modules_install >/dev/null
rm -rf "$out/modules"
mv "$out/modules.new" "$out/modules"
cp "$tree/arch/$KARCH/boot/$image" "$out/$image.new" && mv "$out/$image.new" "$out/$image"
cp "$tree/.config" "$out/config"
echo "$release" >"$out/release"
log "$kind: $release ready in $out"
