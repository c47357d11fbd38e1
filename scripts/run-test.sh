#!/usr/bin/env bash
# run-test.sh [--kernel KIND] [--out DIR] TEST [-- ARGS...]
# Boot a VM the way make check boots the suite TEST belongs to (its devices,
# VMM and setup) and run that one test; print its output, its result and
# what tests/*.expected expects. `make run T=TEST` runs this.
#
#   TEST   BINARY@SUBTEST   one subtest (SUBTEST may be a glob)
#          BINARY           every subtest, or a tool (kvm_bo_bench) with ARGS
#          kunit@SUITE      one KUnit suite (glob), e.g. kunit@ttm_pool_refs
#   ARGS   passed to the binary, e.g. -- --moves 100 --seconds 5
#
# BINARY is a project test (igt-tests/, built into build/tests/bin), an
# upstream IGT binary of the rootfs (/usr/libexec/igt-gpu-tools; run with
# IGT_FORCE_DRIVER as its group in tests/upstream-igt.expected says) or
# drm_virtgpu / virtgpu_blob (the virtgpu suite's QEMU 11 and device).
# Exits 0 when every result is what the expected files say (pass, or skip
# where they say skip), 1 otherwise, 125 when the VM did not finish.
# Output: build/run/TEST-KIND/ (console.log, cmd.log, dmesg.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=patched out=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kind=$2; shift ;;
	--out) out=$2; shift ;;
	-*) die "unknown option $1 (see the header of $0)" ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || die "no test given: run-test.sh BINARY[@SUBTEST] (e.g. vttm_basic@create-info)"
test=$1
shift
[ $# -eq 0 ] || { [ "$1" = -- ] && shift; }
bin=${test%%@*} sub=
[ "$bin" = "$test" ] || sub=${test#*@}
[ -n "$bin" ] || die "no binary in '$test'"

igtdir=/usr/libexec/igt-gpu-tools
expected=() path=
if [ "$bin" = kunit ]; then
	suite=kunit
elif [ "$bin" = virtgpu_blob ] || [ "$bin" = drm_virtgpu ]; then
	[ "$TARGET_ARCH" = x86_64 ] || [ "$bin" = virtgpu_blob ] ||
		die "$bin runs in the x86_64 virtgpu suite only (IGT is not in the $TARGET_ARCH root)"
	suite=virtgpu
	expected=("$REPO/tests/virtgpu.expected")
	[ "$TARGET_ARCH" = x86_64 ] || expected=("$REPO/tests/virtgpu.$TARGET_ARCH.expected")
	if [ "$bin" = drm_virtgpu ]; then path=$igtdir/$bin; else path=/ttm-kvm/tests/bin/$bin; fi
elif [ -x "$TESTS_OUT/bin/$bin" ]; then
	suite=project-igt
	path=/ttm-kvm/tests/bin/$bin
	expected=("$REPO/tests/project-igt.expected")
	[ "$TARGET_ARCH" = x86_64 ] || expected=("$REPO/tests/project-igt.$TARGET_ARCH.expected")
	expected+=("$REPO/tests/project-igt.$kind.expected")
elif [ -x "$ROOTFS$igtdir/$bin" ]; then
	suite=upstream-igt
	path=$igtdir/$bin
	expected=("$REPO/tests/upstream-igt.expected" "$REPO/tests/upstream-igt.$kind.expected")
else
	die "unknown test binary '$bin': not in $TESTS_OUT/bin (make tests) nor in the rootfs's $igtdir"
fi

out=${out:-$REPO/build/run/${test//[^A-Za-z0-9@_.-]/_}-$kind}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The guest command, one line (run-vm.sh quotes it with printf %q).
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
case "$suite" in
kunit)
	cmd="sh /ttm-kvm/guest/kunit.sh $(q "${sub:-*}") && cat /out/kunit/*.ktap"
	;;
*)
	cmd=
	[ "$suite" != project-igt ] || cmd=". /ttm-kvm/guest/setup-vttm.sh; "
	if [ "$suite" = upstream-igt ]; then
		# The @driver group of the test in the expected file.
		drv=$(awk -v t="igt@$bin@${sub:-}" -v b="igt@$bin@" '
			$1 == "@driver" { g = $2; next }
			$1 == t { exact = g } index($1, b) == 1 && !any { any = g }
			END { print exact ? exact : any }' "${expected[0]}")
		[ -z "$drv" ] || [ "$drv" = any ] || cmd+="export IGT_FORCE_DRIVER=$drv; "
	fi
	cmd+=$(q "$path")
	[ -z "$sub" ] || cmd+=" --run-subtest $(q "$sub")"
	for a in "$@"; do cmd+=" $(q "$a")"; done
	;;
esac

args=()
# shellcheck disable=SC2207 # one word per option
args=($(suite_vm_args "$suite"))
# As check.sh: KASAN and DEBUG_PAGEALLOC under TCG boot slowly.
[ "$kind" != debug ] || args+=(--timeout 3000)
log "$test on the $kind kernel ($suite suite's VM: ${args[*]:-no devices})"
rc=0
"$REPO/scripts/run-vm.sh" --kernel "$kind" --out "$out" "${args[@]}" -- sh -c "$cmd" || rc=$?
cat "$out/cmd.log"
echo
if [ "$rc" = 125 ]; then
	echo "$test: the VM did not finish (see $out/console.log)"
	exit 125
fi

# Results against the expected files (the last entry wins, as in check.sh).
want() { # NAME: pass, skip or exclude
	local f w=pass
	for f in "${expected[@]}"; do
		[ -f "$f" ] || continue
		w=$(awk -v n="$1" -v w="$w" '$1 == n { w = $2 } END { print w }' "$f")
	done
	echo "$w"
}
bad=0 n=0
if [ "$suite" = kunit ]; then
	while read -r ok _ name; do
		n=$((n + 1))
		r=pass
		[ "$ok" = ok ] || r=fail
		printf '%-56s %s\n' "kunit@$name" "$r"
		[ "$r" = pass ] || bad=1
	done < <(grep -hE '^(not )?ok [0-9]+ ' "$out"/kunit/*.ktap 2>/dev/null | sed 's/^not ok/not_ok/')
else
	while read -r name result; do
		n=$((n + 1))
		full=igt@$bin@$name w=$(want "igt@$bin@$name")
		case "$result" in
		SUCCESS) got=pass ;;
		SKIP) got=skip ;;
		*) got=fail ;;
		esac
		printf '%-56s %-5s (expected: %s)\n' "$full" "$got" "$w"
		[ "$got" = "$w" ] || bad=1
	done < <(sed -nE 's/^Subtest ([^:]+): ([A-Z]+).*/\1 \2/p' "$out/cmd.log")
fi
if [ "$n" = 0 ]; then
	echo "$test: exit status $rc, no subtest results (see $out/cmd.log)"
	[ "$rc" = 0 ] || bad=1
fi
echo "output: $out"
exit "$bad"
