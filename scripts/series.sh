#!/usr/bin/env bash
# series.sh: write each set of patches/series as a series ready to mail, in
# build/series/SET/: a cover letter (patches/SET/cover.txt, with To/Cc from
# get_maintainer.pl, base-commit and the prerequisite patch ids) and the
# patches, signed off by the sender.
#
# The sender is git's user.name/user.email as this checkout sees them. The
# repo's patches carry a placeholder author and no sign-off; this script
# refuses to run without a real identity and makes the sender the author,
# so nothing placeholder can be mailed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=$(git -C "$REPO" config user.name || true)
email=$(git -C "$REPO" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ]; then
	die "no sender identity: set git config user.name and user.email (they sign off every patch)"
fi
case "$email" in
*@localhost | *@localhost.* | ttm-kvm@*)
	die "'$name <$email>' is a placeholder, not a sender: set git config user.email"
	;;
esac
sender="$name <$email>"

pristine=$(TARGET_ARCH=x86_64 tree_dir patched)
[ -e "$pristine/.git" ] || "$REPO/scripts/prepare-tree.sh" patched >/dev/null
# A scratch work tree, so the build trees are never touched.
work=$CACHE/trees/series-mail
git -C "$pristine" worktree prune
[ -e "$work/.git" ] || git -C "$pristine" worktree add -q --detach "$work" "v$KVER"

out=$REPO/build/series
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The project's placeholder identity: the author of the repo's patches and
# the maintainer of vttm in its MAINTAINERS entry. The sender takes its place.
placeholder='ttm-kvm developers <ttm-kvm@localhost>'
sender_sed=$(printf '%s' "$sender" | sed -e 's/[\\/&]/\\&/g')

# apply_as_sender PATCH...: git am with the sender as author and sign-off.
apply_as_sender() {
	local p
	for p in "$@"; do
		sed -e "s/$placeholder/$sender_sed/g" "$p" >"$tmp/${p##*/}"
		git -C "$work" -c user.name="$name" -c user.email="$email" \
			am -q -s --whitespace=nowarn "$tmp/${p##*/}"
	done
}

for set in $(series_sets all); do
	mapfile -t own < <(set_patches "$set")
	[ "${#own[@]}" -gt 0 ] || continue
	cover=$REPO/patches/$set/cover.txt
	[ -s "$cover" ] || die "patches/$set/cover.txt is missing or empty"

	git -C "$work" am --abort >/dev/null 2>&1 || true
	git -C "$work" checkout -q -f --detach "v$KVER"
	for pre in $(set_prereqs "$set"); do
		mapfile -t pp < <(set_patches "$pre")
		apply_as_sender "${pp[@]}"
	done
	since=$(git -C "$work" rev-parse HEAD)
	apply_as_sender "${own[@]}"

	# Maintainers and lists of what the set touches, from the tree's
	# MAINTAINERS: people To, lists Cc.
	git -C "$work" format-patch -q -o "$tmp/gm-$set" "$since..HEAD"
	to=() cc=()
	while IFS= read -r who; do
		[ -n "$who" ] && to+=(--to="$who")
	done < <(cd "$work" && perl scripts/get_maintainer.pl --no-rolestats --no-git \
		--no-git-fallback --no-l --no-multiline "$tmp/gm-$set"/*.patch 2>/dev/null | tr ',' '\n' | sed 's/^ *//')
	while IFS= read -r who; do
		[ -n "$who" ] && cc+=(--cc="$who")
	done < <(cd "$work" && perl scripts/get_maintainer.pl --no-rolestats --no-git \
		--no-git-fallback --no-m --no-r --no-multiline "$tmp/gm-$set"/*.patch 2>/dev/null | tr ',' '\n' | sed 's/^ *//')

	subject=$(head -n1 "$cover")
	tail -n +3 "$cover" >"$tmp/blurb-$set"
	if [ -n "$(set_prereqs "$set")" ]; then
		{
			echo
			echo "Prerequisites, listed below as prerequisite-patch-id: the"
			echo "$(set_prereqs "$set" | tr '\n' ' ' | sed 's/ $//') set of this series, sent separately."
		} >>"$tmp/blurb-$set"
	fi
	{
		echo
		echo "base-commit below is Linux $KVER as Debian's linux-source-7.3 ships it,"
		echo "committed whole: tree $(git -C "$work" rev-parse "v$KVER^{tree}")."
	} >>"$tmp/blurb-$set"

	git -C "$work" -c user.name="$name" -c user.email="$email" format-patch -q \
		--cover-letter --base="v$KVER" --thread --no-signature \
		"${to[@]}" "${cc[@]}" -o "$out/$set" "$since..HEAD"
	letter=$out/$set/0000-cover-letter.patch
	python3 - "$letter" "$subject" "$tmp/blurb-$set" <<'EOF'
import sys
letter, subject, blurb = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(letter).read()
assert "*** SUBJECT HERE ***" in text and "*** BLURB HERE ***" in text
text = text.replace("*** SUBJECT HERE ***", subject, 1)
text = text.replace("*** BLURB HERE ***", blurb.rstrip("\n"), 1)
open(letter, "w").write(text)
EOF
	if grep -l 'ttm-kvm@localhost' "$out/$set"/*.patch >/dev/null; then
		die "a placeholder identity reached build/series/$set"
	fi
	log "$set: $(ls "$out/$set" | wc -l) mail(s), To: ${#to[@]}, Cc: ${#cc[@]}"
done
log "series in build/series/ (git send-email build/series/SET/*.patch)"
