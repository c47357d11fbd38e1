#!/usr/bin/env bash
# make drivers [ARCH=arm64]: compile what the series changes in the host GPU
# drivers (amdgpu, radeon, nouveau, xe) and in TTM, with those drivers
# enabled and W=1, and fail on any warning. Compile-testing only: none of
# these drivers runs here. The patched tree is built in place, so the
# drivers get a work tree of their own at the same commit, in the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

patched=$("$REPO/scripts/prepare-tree.sh" patched)
tree=$TREES/drivers-$TARGET_ARCH
head=$(git -C "$patched" rev-parse HEAD)
if [ ! -d "$tree/.git" ] && [ ! -f "$tree/.git" ]; then
	log "drivers: new work tree $tree"
	git -C "$patched" worktree prune
	git -C "$patched" worktree add -q --detach "$tree" "$head"
fi
git -C "$tree" checkout -q --detach "$head"

if [ -n "$CROSS" ] && ! command -v "${CROSS}gcc" >/dev/null; then
	die "no ${CROSS}gcc (make deps installs gcc-aarch64-linux-gnu)"
fi
kernel_ccache_env
kmake() {
	make -C "$tree" -s -j"$(($(nproc) + 1))" ARCH="$KARCH" \
		CROSS_COMPILE="$CROSS" CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" \
		LOCALVERSION= "$@"
}

fragments=("$REPO"/configs/*.config "$REPO"/configs/"$KARCH"/*.config
	"$REPO"/configs/series/*.config "$REPO"/configs/drivers/*.config)
cfg_hash=$(cat "${fragments[@]}" | sha256sum | cut -c1-16)
if [ "$(cat "$tree/.config.hash" 2>/dev/null)" != "$cfg_hash" ] || [ ! -f "$tree/.config" ]; then
	log "drivers: configuring (tinyconfig + ${fragments[*]##*/})"
	kmake tinyconfig >/dev/null
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -Q .config "${fragments[@]}" >/dev/null)
	kmake olddefconfig >/dev/null
	echo "$cfg_hash" >"$tree/.config.hash"
fi
missing=()
while IFS= read -r line; do
	case "$line" in CONFIG_*=m) grep -qx "$line" "$tree/.config" || missing+=("${line%%=*}") ;; esac
done <"$REPO/configs/drivers/host-gpus.config"
[ "${#missing[@]}" = 0 ] || die "drivers: Kconfig did not enable ${missing[*]} for $TARGET_ARCH"

# The C files the series changes in TTM and in these drivers.
mapfile -t objs < <(git -C "$tree" diff --name-only "v$KVER..HEAD" -- \
	drivers/gpu/drm/ttm drivers/gpu/drm/drm_gem.c drivers/gpu/drm/qxl \
	drivers/gpu/drm/amd drivers/gpu/drm/radeon \
	drivers/gpu/drm/nouveau drivers/gpu/drm/xe |
	grep '\.c$' | grep -v '/tests/' | sed 's/\.c$/.o/')
[ "${#objs[@]}" -gt 0 ] || die "drivers: the series changes no driver file"
# Touching them makes a second run compile them again, warnings and all.
(cd "$tree" && touch "${objs[@]/%.o/.c}")
log "drivers: W=1 ${objs[*]} ($TARGET_ARCH)"
kmake W=1 "${objs[@]}" 2>&1 | tee "$tree/drivers-build.log"
if grep -q 'warning:\|error:' "$tree/drivers-build.log"; then
	die "drivers: the compiler warned (above; $tree/drivers-build.log)"
fi
# W=1 also runs kernel-doc, whose "Warning:" lines v7.3.4 has in some of
# these files already; make check-series compares those with v7.3.4.
if grep -q '^Warning:' "$tree/drivers-build.log"; then
	log "drivers: kernel-doc warnings above (make check-series tells new ones from v$KVER's)"
fi
log "drivers: ${#objs[@]} file(s) compiled without warnings for $TARGET_ARCH"
