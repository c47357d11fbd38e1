#!/usr/bin/env bash
# Export the patched tree's commits over v7.3.4 into patches/ as a
# `git format-patch` series plus a quilt-style series file. The number of
# leading patches that form the baseline kernel is kept from the old series.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The x86_64 patched tree is the one developers commit in.
tree=$(TARGET_ARCH=x86_64 tree_dir patched)
[ -d "$tree/.git" ] || die "no patched tree at $tree (make kernel first)"
git -C "$tree" diff --quiet HEAD -- . ':!.ttm-kvm-laid-in' ||
	die "$tree has uncommitted changes to upstream files: commit them first"

nbase=$(series_list baseline | wc -l)
had_marker=0
grep -q '^# baseline ends here' "$REPO/patches/series" 2>/dev/null && had_marker=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tree" format-patch -q --no-signature --zero-commit -N \
	-o "$tmp" "v$KVER..HEAD" >/dev/null
mkdir -p "$REPO/patches"
rm -f "$REPO"/patches/*.patch
n=0
{
	echo "# Applied in order to Linux $KVER by scripts/prepare-tree.sh."
	echo "# The entries above the marker line are test infrastructure: the"
	echo "# baseline kernel (make baseline) gets only those."
	for p in "$tmp"/*.patch; do
		[ -f "$p" ] || continue
		if [ "$had_marker" = 1 ] && [ "$n" = "$nbase" ]; then
			echo "# baseline ends here"
		fi
		mv "$p" "$REPO/patches/"
		echo "${p##*/}"
		n=$((n + 1))
	done
	if [ "$had_marker" = 0 ] || [ "$n" -le "$nbase" ]; then
		echo "# baseline ends here"
	fi
} >"$REPO/patches/series"
echo "$(series_hash patched) $(git -C "$tree" rev-parse HEAD)" >"$(applied_stamp "$tree")"
log "exported $n patch(es) to patches/ ($nbase in the baseline)"
