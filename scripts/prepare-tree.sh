#!/usr/bin/env bash
# prepare-tree.sh KIND: make the kernel work tree for KIND (patched|baseline)
# ready to build: pristine v7.3.4 as the first commit and the sets of
# patches/series that KIND gets applied with git am (baseline: the test
# infrastructure only). The patches are the only source of the kernel
# changes: new kernel files enter the tree through the patch that hooks
# them up.
#
# Commits made by hand in the patched tree are kept while patches/ is
# unchanged, so edit-build-test works before `make patches` exports them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=${1:?usage: prepare-tree.sh patched|baseline|debug}
tree=$(tree_dir "$kind")
# One git repo for all trees: the x86_64 patched tree; the others are its
# worktrees.
main=$(TARGET_ARCH=x86_64 tree_dir patched)

# The pristine tree: one git repo (the patched tree); baseline is a worktree.
if [ ! -e "$main/.git" ]; then
	"$REPO/scripts/fetch-kernel.sh"
	log "unpacking Linux $KVER into $main"
	rm -rf "$main.new"
	mkdir -p "$main.new"
	tar -xf "$CACHE/linux-$KVER.tar.xz" -C "$main.new" --strip-components=1
	mk=$main.new/Makefile
	got=$(awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3} /^SUBLEVEL =/{s=$3} END{print v"."p"."s}' "$mk")
	[ "$got" = "$KVER" ] || die "source tree is Linux $got; this project is pinned to $KVER"
	(
		cd "$main.new"
		git init -q -b pristine
		git config user.name "ttm-kvm developers"
		git config user.email "ttm-kvm@localhost"
		git config core.abbrev 12
		git add -A -f .
		git commit -q -m "Linux $KVER"
		git tag "v$KVER"
	)
	mv "$main.new" "$main"
fi
if [ "$tree" != "$main" ] && [ ! -e "$tree/.git" ]; then
	git -C "$main" worktree prune
	git -C "$main" worktree add -q --detach "$tree" "v$KVER"
fi

mapfile -t list < <(series_list "$kind")
want=$(series_hash "$kind")
stamp=$(applied_stamp "$tree")

cd "$tree"
head=$(git rev-parse HEAD)
read -r have have_head 2>/dev/null <"$stamp" || have= have_head=
if [ "$have" != "$want" ]; then
	if [ -n "$have_head" ] && [ "$have_head" != "$head" ]; then
		die "$tree has commits not exported to patches/ and patches/ changed too; " \
			"export them (make patches) or reset the tree (git -C $tree reset --hard $have_head)"
	fi
	log "$kind: applying ${#list[@]} patch(es) to v$KVER"
	git am --abort >/dev/null 2>&1 || true
	# Trees made before the patches carried the new files had them laid
	# in as untracked files; git am would refuse to create them.
	if [ -f .ttm-kvm-laid-in ]; then
		xargs -r rm -f <.ttm-kvm-laid-in
		rm -f .ttm-kvm-laid-in
	fi
	git checkout -q -f -B "$(tree_branch "$kind")" "v$KVER"
	if [ "${#list[@]}" -gt 0 ]; then
		git am -q --whitespace=nowarn "${list[@]}" ||
			die "git am failed in $tree: fix the patch in patches/ (git -C $tree am --abort)"
	fi
	echo "$want $(git rev-parse HEAD)" >"$stamp"
elif [ "$have_head" != "$head" ]; then
	log "$kind: building local commits in $tree not yet exported (make patches)"
fi

echo "$tree"
