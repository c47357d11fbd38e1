#!/usr/bin/env bash
# export-patches.sh [TREE]: export the patched tree's commits over v7.3.4
# into patches/SET/ as `git format-patch` files, one directory per set of
# patches/series. A commit's subject prefix names its set (set_of_subject in
# lib.sh); the commits of a set must be contiguous and the sets in series
# order, since the patched kernel applies them so. Cover letters
# (patches/SET/cover.txt) are kept.
#
# The patches carry no Signed-off-by: that is the sender's, added by
# `make series`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The x86_64 patched tree is the one developers commit in.
tree=${1:-$(TARGET_ARCH=x86_64 tree_dir patched)}
[ -d "$tree/.git" ] || [ -f "$tree/.git" ] || die "no patched tree at $tree (make kernel first)"
git -C "$tree" diff --quiet HEAD ||
	die "$tree has uncommitted changes: commit them first"

mapfile -t order < <(series_sets all)
mapfile -t commits < <(git -C "$tree" rev-list --reverse "v$KVER..HEAD")
[ "${#commits[@]}" -gt 0 ] || die "$tree has no commits over v$KVER"

# Sort the commits into sets; each set a contiguous range in series order.
declare -A first last
pos=0
prev=
for c in "${commits[@]}"; do
	subject=$(git -C "$tree" log -1 --format=%s "$c")
	set=$(set_of_subject "$subject") ||
		die "no set for '$subject': name its subsystem as patches/series does (lib.sh set_of_subject)"
	git -C "$tree" log -1 --format=%B "$c" | grep -q '^Signed-off-by:' &&
		die "'$subject' carries a Signed-off-by; the sender adds theirs with make series"
	if [ "$set" != "$prev" ]; then
		[ -z "${first[$set]:-}" ] || die "the commits of set $set are not contiguous ('$subject')"
		while [ "$pos" -lt "${#order[@]}" ] && [ "${order[$pos]}" != "$set" ]; do
			pos=$((pos + 1))
		done
		[ "$pos" -lt "${#order[@]}" ] ||
			die "set $set comes after a later set in patches/series ('$subject')"
		first[$set]=$c
		prev=$set
	fi
	last[$set]=$c
done

n=0
for set in "${order[@]}"; do
	rm -f "$REPO/patches/$set"/[0-9][0-9][0-9][0-9]-*.patch
	[ -n "${first[$set]:-}" ] || continue
	git -C "$tree" format-patch -q --no-signature --zero-commit -N \
		-o "$REPO/patches/$set" "${first[$set]}^..${last[$set]}" >/dev/null
	n=$((n + $(set_patches "$set" | wc -l)))
done
echo "$(series_hash patched) $(git -C "$tree" rev-parse HEAD)" >"$(applied_stamp "$tree")"
log "exported $n patch(es) to patches/ ($(series_sets all | tr '\n' ' '))"
