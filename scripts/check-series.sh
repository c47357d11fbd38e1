#!/usr/bin/env bash
# check-series.sh: what a maintainer's tooling checks before applying the
# series, on pristine v7.3.4, in a scratch work tree of its own:
#   apply     each set applies alone (with only the sets it needs) and all
#             sets apply in order;
#   build     every prefix of the series builds in the test config
#             (bisectability), incrementally, with ccache;
#   checkpatch  --strict, for every patch;
#   kernel-doc  no new warnings in the C files and headers the series
#             touches (compared with the same files in v7.3.4);
#   htmldocs  the gpu documentation builds without a warning that names a
#             file the series touches.
# CHECK_SERIES_STEPS="apply checkpatch" runs a subset. Ends with one line
# "N passed, N failed"; the log of each check is in build/check-series/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

steps=${CHECK_SERIES_STEPS:-apply build checkpatch kernel-doc htmldocs}
out=$REPO/build/check-series
rm -rf "$out"
mkdir -p "$out"

main=$(TARGET_ARCH=x86_64 tree_dir patched)
[ -e "$main/.git" ] || "$REPO/scripts/prepare-tree.sh" patched >/dev/null
work=$CACHE/trees/series-check
git -C "$main" worktree prune
[ -e "$work/.git" ] || git -C "$main" worktree add -q --detach "$work" "v$KVER"
git -C "$work" config user.name "ttm-kvm check-series"
git -C "$work" config user.email "check-series@invalid"

passed=0 failed=0 failures=()
result() { # result NAME OK|FAIL [WHY]
	if [ "$2" = OK ]; then
		passed=$((passed + 1))
		printf '  %-48s ok\n' "$1"
	else
		failed=$((failed + 1))
		failures+=("$1: $3")
		printf '  %-48s FAIL (%s)\n' "$1" "$3"
	fi
}

# reset_to_pristine: the work tree at v7.3.4, nothing else in it.
reset_to_pristine() {
	git -C "$work" am --abort >/dev/null 2>&1 || true
	git -C "$work" checkout -q -f --detach "v$KVER"
}

apply_sets() { # apply_sets SET...: git am their patches in order
	local set
	for set in "$@"; do
		mapfile -t ps < <(set_patches "$set")
		[ "${#ps[@]}" -eq 0 ] && continue
		git -C "$work" am -q --whitespace=nowarn "${ps[@]}" || return 1
	done
}

mapfile -t sets < <(series_sets all)
t0=$SECONDS
echo "check-series: ${sets[*]} against v$KVER"

if [[ " $steps " == *" apply "* ]]; then
	for set in "${sets[@]}"; do
		reset_to_pristine
		# shellcheck disable=SC2046
		if apply_sets $(set_prereqs "$set") "$set" >"$out/apply-$set.log" 2>&1; then
			result "apply $set alone" OK
		else
			result "apply $set alone" FAIL "git am: build/check-series/apply-$set.log"
		fi
	done
	reset_to_pristine
	if apply_sets "${sets[@]}" >"$out/apply-all.log" 2>&1; then
		result "apply all sets in order" OK
	else
		result "apply all sets in order" FAIL "git am: build/check-series/apply-all.log"
	fi
fi

# The whole series on v7.3.4, for the per-commit checks.
reset_to_pristine
apply_sets "${sets[@]}" >/dev/null 2>&1 || die "the series does not apply in order"
mapfile -t commits < <(git -C "$work" rev-list --reverse "v$KVER..HEAD")
tip=$(git -C "$work" rev-parse HEAD)

if [[ " $steps " == *" build "* ]]; then
	kernel_ccache_env
	jobs=$(($(nproc) + 1))
	kmake() {
		make -C "$work" -s -j"$jobs" ARCH=x86 CC="ccache gcc" HOSTCC="ccache gcc" \
			LOCALVERSION= "$@"
	}
	fragments=("$REPO"/configs/*.config "$REPO"/configs/x86/*.config "$REPO"/configs/series/*.config)
	# v7.3.4 itself first, then every commit: the same config fragments each
	# time (Kconfig drops symbols a prefix does not have yet), building on
	# the previous prefix's objects.
	for c in "v$KVER" "${commits[@]}"; do
		git -C "$work" checkout -q -f --detach "$c"
		name=$(git -C "$work" log -1 --format='%h %s' "$c" | cut -c1-60)
		log "build: $name"
		ts=$SECONDS
		if {
			kmake tinyconfig &&
				(cd "$work" && scripts/kconfig/merge_config.sh -m -Q .config "${fragments[@]}") &&
				kmake olddefconfig && kmake bzImage modules
		} >"$out/build-${c:0:12}.log" 2>&1; then
			result "build ${name}" OK
		else
			result "build ${name}" FAIL "build/check-series/build-${c:0:12}.log"
		fi
		echo "$c $((SECONDS - ts))s" >>"$out/build-times.txt"
	done
	git -C "$work" checkout -q -f --detach "$tip"
fi

if [[ " $steps " == *" checkpatch "* ]]; then
	# The repo's patches carry no sign-off by design (make series adds the
	# sender's). A new file under a path MAINTAINERS already covers needs
	# no MAINTAINERS change, which checkpatch cannot tell: that warning is
	# accepted only when get_maintainer.pl names a maintainer for every
	# file the patch adds.
	for set in "${sets[@]}"; do
		while IFS= read -r p; do
			rel=${p#"$REPO"/patches/}
			log="$out/checkpatch-${rel//\//-}.log"
			(cd "$work" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-signoff --terse \
				--showfile "$p") >"$log" 2>&1 || true
			# A check that could not run (spdxcheck.py's Python modules)
			# is not a clean result.
			if grep -q '^Traceback' "$log"; then
				result "checkpatch $rel" FAIL "a checkpatch helper crashed: ${log#"$REPO"/}"
				continue
			fi
			# The tree is an import of a release tarball, without upstream
			# history: checkpatch cannot look up the commit a Fixes: tag
			# names; check such ids against the mailing-list archives.
			bad=$(grep -E ': (ERROR|WARNING|CHECK):' "$log" |
				grep -v -e 'added, moved or deleted file(s), does MAINTAINERS need updating' \
					-e "Unknown commit id '[0-9a-f]*', maybe rebased or not pulled" || true)
			if grep -q 'does MAINTAINERS need updating' "$log"; then
				while IFS= read -r f; do
					who=$(cd "$work" && perl scripts/get_maintainer.pl --no-rolestats --no-git \
						--no-git-fallback --no-l -f "$f" 2>/dev/null || true)
					[ -n "$who" ] || bad+=$'\n'"$f: no maintainer covers this new file"
				done < <(grep -E '^\+\+\+ b/' "$p" | sed 's|^+++ b/||' |
					while IFS= read -r f; do
						grep -q "^--- /dev/null" <(grep -B1 -F "+++ b/$f" "$p") && echo "$f"
					done)
			fi
			if [ -z "$bad" ]; then
				result "checkpatch $rel" OK
			else
				echo "$bad" >"$log.bad"
				result "checkpatch $rel" FAIL "$(echo "$bad" | grep -c .) report(s): ${log#"$REPO"/}.bad"
			fi
		done < <(set_patches "$set")
	done
fi

# The files the series touches, from the whole series' diff.
mapfile -t touched < <(git -C "$work" diff --name-only "v$KVER" "$tip")

if [[ " $steps " == *" kernel-doc "* ]]; then
	for f in "${touched[@]}"; do
		case "$f" in *.c | *.h) ;; *) continue ;; esac
		case "$f" in tools/*) continue ;; esac
		new=$("$work/scripts/kernel-doc" -none -Wall "$work/$f" 2>&1 |
			sed -e "s|$work/||" -E -e 's/:[0-9]+([: ])/\1/' | sort -u)
		old=
		if git -C "$work" cat-file -e "v$KVER:$f" 2>/dev/null; then
			git -C "$work" show "v$KVER:$f" >"$out/kdoc-old.${f##*.}"
			old=$("$work/scripts/kernel-doc" -none -Wall "$out/kdoc-old.${f##*.}" 2>&1 |
				sed -e "s|$out/kdoc-old.${f##*.}|$f|" -E -e 's/:[0-9]+([: ])/\1/' | sort -u)
		fi
		added=$(comm -23 <(echo "$new") <(echo "$old") | grep . || true)
		if [ -z "$added" ]; then
			result "kernel-doc $f" OK
		else
			echo "$added" >"$out/kernel-doc-${f//\//-}.log"
			result "kernel-doc $f" FAIL "$(echo "$added" | head -n1)"
		fi
	done
	rm -f "$out"/kdoc-old.*
fi

if [[ " $steps " == *" htmldocs "* ]]; then
	if ! command -v sphinx-build >/dev/null; then
		result "htmldocs gpu" FAIL "no sphinx-build (make deps installs python3-sphinx)"
	else
		log "htmldocs: Documentation/gpu"
		ts=$SECONDS
		rm -rf "$work/Documentation/output"
		hstatus=0
		(cd "$work" && make -s SPHINXDIRS=gpu htmldocs) >"$out/htmldocs.log" 2>&1 || hstatus=$?
		echo "htmldocs $((SECONDS - ts))s" >>"$out/build-times.txt"
		# Warnings that name a touched file, with the tree's own path
		# (and kernel-doc's "./") taken off first.
		warn=$(grep -E '(WARNING|ERROR|CRITICAL)' "$out/htmldocs.log" |
			sed -e "s|$work/||g" -e 's|\./||g' |
			grep -F -f <(printf '%s\n' "${touched[@]}") || true)
		missing=
		for f in "${touched[@]}"; do
			case "$f" in Documentation/gpu/*.rst) ;; *) continue ;; esac
			page=${f#Documentation/}
			[ -f "$work/Documentation/output/${page%.rst}.html" ] || missing+=" $f"
		done
		if [ "$hstatus" != 0 ] || [ -n "$missing" ]; then
			result "htmldocs gpu" FAIL "make htmldocs: exit $hstatus, no page for:${missing:- -}"
		elif [ -n "$warn" ]; then
			echo "$warn" >"$out/htmldocs.bad"
			result "htmldocs gpu" FAIL "$(echo "$warn" | grep -c .) warning(s) on touched files: build/check-series/htmldocs.bad"
		else
			result "htmldocs gpu" OK
		fi
	fi
fi

echo "check-series took $(((SECONDS - t0) / 60)) min"
for f in "${failures[@]}"; do echo "FAIL $f"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
