#!/usr/bin/env bash
# check-doc-commands.sh: run every kunit.py command the series' documentation
# gives (literal blocks of the rst files the patches add or change), as a
# reader would, in a clean work tree of the patched kernel: kunit.py builds
# out of tree (--build_dir), which needs a source tree without an in-tree
# build. Each command gets ccache and the host's cores; its output goes to
# build/doc-commands/N.log. Ends with "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$REPO/build/doc-commands
rm -rf "$out"
mkdir -p "$out"

main=$(TARGET_ARCH=x86_64 tree_dir patched)
[ -e "$main/.git" ] || die "no patched tree (make kernel first)"
head=$(git -C "$main" rev-parse HEAD)
work=$CACHE/trees/doc-commands
git -C "$main" worktree prune
[ -e "$work/.git" ] || git -C "$main" worktree add -q --detach "$work" "$head"
git -C "$work" checkout -q -f --detach "$head"

# The rst files the series touches, and the kunit.py commands in them
# (a command may continue over lines ending in a backslash).
mapfile -t rsts < <(git -C "$work" diff --name-only "v$KVER" HEAD -- '*.rst')
mapfile -t cmds < <(
	for f in "${rsts[@]}"; do
		awk '
			/^[ \t]*\.\/tools\/testing\/kunit\/kunit\.py / { cmd = ""; on = 1 }
			on {
				line = $0
				sub(/^[ \t]+/, "", line)
				cont = sub(/[ \t]*\\$/, "", line)
				cmd = cmd (cmd == "" ? "" : " ") line
				if (!cont) { print cmd; on = 0 }
			}' "$work/$f"
	done
)
[ "${#cmds[@]}" -gt 0 ] || die "no kunit.py command in ${rsts[*]}"

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
passed=0 failed=0 n=0 fails=()
for cmd in "${cmds[@]}"; do
	n=$((n + 1))
	# Each command's own build directory, kept between runs (incremental).
	bdir=$CACHE/out/kunit-$(echo "$cmd" | sha256sum | cut -c1-12)
	log "[$n] $cmd"
	ts=$SECONDS
	# kunit.py boots x86_64 with "-accel kvm -accel hvf -accel tcg". Where
	# /dev/kvm exists but cannot run a guest (a nested /dev/kvm on a TCG
	# host, as on this project's build hosts), QEMU would take it and hang.
	# A qemu-system-x86_64 first in PATH drops "-accel kvm", so that QEMU
	# falls back to TCG; KUNIT_DOC_KEEP_KVM=1 keeps KVM.
	path=$PATH
	if [[ "$cmd" == *--arch=x86_64* ]] && [ -z "${KUNIT_DOC_KEEP_KVM:-}" ]; then
		mkdir -p "$out/bin"
		real=$(command -v qemu-system-x86_64)
		cat >"$out/bin/qemu-system-x86_64" <<-EOF
			#!/usr/bin/env bash
			args=()
			while [ \$# -gt 0 ]; do
				if [ "\$1" = -accel ] && [ "\${2:-}" = kvm ]; then
					shift 2
					continue
				fi
				args+=("\$1")
				shift
			done
			exec "$real" "\${args[@]}"
		EOF
		chmod +x "$out/bin/qemu-system-x86_64"
		path=$out/bin:$PATH
	fi
	if (cd "$work" && PATH=$path bash -c "$cmd --build_dir='$bdir' --jobs=$(nproc) --make_options 'CC=ccache gcc'") \
		>"$out/$n.log" 2>&1 &&
		grep -q 'Testing complete\.' "$out/$n.log" &&
		! grep -qE '(^|\] )(FAILED|CRASHED)' "$out/$n.log"; then
		passed=$((passed + 1))
		printf '  %-90s ok (%d s)\n' "$cmd" $((SECONDS - ts))
	else
		failed=$((failed + 1))
		fails+=("$cmd: see build/doc-commands/$n.log")
		printf '  %-90s FAIL (%d s)\n' "$cmd" $((SECONDS - ts))
	fi
	grep -E 'Testing complete|Ran [0-9]+ tests' "$out/$n.log" | sed 's/^/    /' || true
done
for f in "${fails[@]}"; do echo "FAIL $f"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
