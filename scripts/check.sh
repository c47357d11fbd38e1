#!/usr/bin/env bash
# check.sh [--kernel KIND]
#          [--suites "kunit upstream-igt project-igt virtgpu docs"]
#          [--out DIR]
# Boot the KIND kernel once per suite, run it, scan the VM's kernel log, and
# print a table plus the final "N passed, N failed, N skipped" line. Exits
# non-zero on any failure and when a suite ran no test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=patched suites="kunit upstream-igt project-igt virtgpu docs" out=
# Per-test limit of igt_runner; the suite's VM has 900 s in all.
test_timeout=600
# arm64 has KUnit, the project tests and virtgpu_blob (no igt_runner or
# IGT in its busybox root).
[ "$TARGET_ARCH" = x86_64 ] || suites="kunit project-igt virtgpu"
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kind=$2; shift ;;
	--suites) suites=$2; shift ;;
	--out) out=$2; shift ;;
	*) die "unknown option $1" ;;
	esac
	shift
done
for s in $suites; do
	[ "$TARGET_ARCH" = x86_64 ] || [ "$s" = kunit ] || [ "$s" = project-igt ] ||
		[ "$s" = virtgpu ] || die "suite $s does not run on $TARGET_ARCH (kunit, project-igt and virtgpu do)"
done
if [ "$TARGET_ARCH" = x86_64 ]; then
	out=${out:-$REPO/build/check-$kind}
else
	out=${out:-$REPO/build/check-$TARGET_ARCH-$kind}
fi
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
tree=$(tree_dir "$kind")
summary=$out/summary.tsv
: >"$summary"
failures=$out/failures.txt
: >"$failures"

# record SUITE PASSED FAILED SKIPPED
record() { printf '%s\t%s\t%s\t%s\n' "$@" >>"$summary"; }
fail_note() { printf '%s: %s\n' "$1" "$2" >>"$failures"; }

# dmesg_reports SUITE DMESG [ALLOW]: kernel complaints count as failures.
dmesg_reports() {
	local n
	n=$(python3 "$REPO/scripts/dmesg-scan.py" "$2" "$REPO/tests/dmesg-fail.pattern" \
		${3:+"$3"} 2>"$2.reports")
	head -n 20 "$2.reports" | while IFS= read -r l; do fail_note "$1" "dmesg: $l"; done
	# The debug kernel's kmemleak dump (scripts/guest-init.sh), judged
	# with tests/SUITE-kmemleak.allow when there is one.
	local leaks=${2%/*}/kmemleak.log allow=$REPO/tests/$1-kmemleak.allow m
	if [ -s "$leaks" ]; then
		m=$(python3 "$REPO/scripts/kmemleak-scan.py" "$leaks" \
			$([ -f "$allow" ] && echo "$allow") 2>"$leaks.reports")
		head -n 10 "$leaks.reports" | grep -v 'allowed object' |
			while IFS= read -r l; do fail_note "$1" "$l"; done
		n=$((n + m))
	fi
	echo "$n"
}

vm() { # SUITE OUTDIR RUN-VM-ARGS...
	local suite=$1 dir=$2 limit=()
	shift 2
	local rc=0
	# KASAN and DEBUG_PAGEALLOC under TCG: boot alone takes over 3 minutes,
	# and the upstream IGT suite did not finish in the default 900 s.
	if [ "$kind" = debug ]; then
		limit=(--timeout 3000)
	elif [ -n "${vm_timeout:-}" ]; then
		limit=(--timeout "$vm_timeout")
	fi
	"$REPO/scripts/run-vm.sh" --kernel "$kind" --out "$dir" "${limit[@]}" "$@" || rc=$?
	if [ "$rc" = 125 ]; then
		fail_note "$suite" "VM did not finish (see $dir/console.log)"
	fi
	return "$rc"
}

suite_kunit() {
	local d=$out/kunit rc=0
	mkdir -p "$d"
	vm kunit "$d" -- sh /ttm-kvm/guest/kunit.sh || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 125 ] || fail_note kunit "guest script exited $rc: $(tail -n 3 "$d/cmd.log" | tr '\n' ' ')"
	# One KTAP document from the per-suite debugfs results, for kunit.py.
	local n ktap=$d/all.ktap
	n=$(find "$d/kunit" -name '*.ktap' 2>/dev/null | wc -l)
	{
		echo "KTAP version 1"
		echo "1..$n"
		local i=0 f
		for f in "$d"/kunit/*.ktap; do
			[ -f "$f" ] || continue
			i=$((i + 1))
			sed -e '1,2d' -e "\$s/^\(\(not \)\?ok\) 1 /\1 $i /" "$f"
		done
	} >"$ktap"
	python3 "$tree/tools/testing/kunit/kunit.py" parse "$ktap" >"$d/parsed.txt" 2>&1 || true
	local line p f s e
	line=$(grep -Eo 'Ran [0-9]+ tests?: .*' "$d/parsed.txt" | tail -n 1 || true)
	p=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$line")
	f=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$line")
	s=$(sed -nE 's/.*skipped: ([0-9]+).*/\1/p' <<<"$line")
	e=$(sed -nE 's/.*errors: ([0-9]+).*/\1/p' <<<"$line")
	{ grep -E '\[(FAILED|CRASHED)\]' "$d/parsed.txt" || true; } | sed -E 's/^\[[0-9:]+\] //' |
		while IFS= read -r l; do fail_note kunit "$l"; done
	[ "${e:-0}" = 0 ] || fail_note kunit "$e KTAP parse error(s), see $d/parsed.txt"
	local dm
	dm=$(dmesg_reports kunit "$d/dmesg.log" "$REPO/tests/kunit-dmesg.allow")
	record kunit "${p:-0}" $((${f:-0} + ${e:-0} + dm)) "${s:-0}"
}

# igt_suite SUITE TESTDIR EXPECTED VM-ARGS...: run igt_runner on the tests
# EXPECTED lists, one run per "@driver NAME" group, and judge results.json.
igt_suite() {
	local suite=$1 testdir=$2 expected=$3
	shift 3
	local d=$out/$suite rc=0
	mkdir -p "$d"
	if [ -f "$out/$suite.setup" ]; then cp "$out/$suite.setup" "$d/igt-setup"; fi
	# Excluded entries are not run at all.
	awk -v d="$d" 'BEGIN { g = "any" }
		$1 == "@driver" { g = $2; next }
		/^igt@/ && $2 != "exclude" { print $1 > (d "/igt-list." g) }' "$expected"
	vm "$suite" "$d" "$@" -- sh /ttm-kvm/guest/igt.sh "$testdir" "$test_timeout" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 125 ] || fail_note "$suite" "igt_runner exited $rc: $(tail -n 3 "$d/cmd.log" | tr '\n' ' ')"
	# igt_runner prints "[N/M] binary (subtest)" as it starts each test.
	[ "$rc" != 125 ] || fail_note "$suite" "the VM ended while running $(sed -nE \
		's/.*\[[0-9]+\/[0-9]+\] ([^ ]+) \((.*)\)$/igt@\1@\2/p' "$d/cmd.log" | tail -n 1)"
	local counts dm p f s
	counts=$(python3 "$REPO/scripts/igt-judge.py" "$expected" "$suite" \
		"$d"/igt-results.*/results.json 2>>"$failures") || true
	dm=$(dmesg_reports "$suite" "$d/dmesg.log")
	read -r p f s <<<"${counts:-0 0 0}"
	record "$suite" "$p" $((f + dm)) "$s"
}

suite_upstream-igt() {
	local list=$out/upstream-igt.expected over=$REPO/tests/upstream-igt.$kind.expected
	# tests/upstream-igt.KIND.expected overrides entries in place, so the
	# "@driver" groups stay as they are.
	if [ -f "$over" ]; then
		awk 'NR == FNR { if ($1 ~ /^igt@/) o[$1] = $0; next }
			$1 in o { print o[$1]; next } { print }' "$over" \
			"$REPO/tests/upstream-igt.expected" >"$list"
	else
		cp "$REPO/tests/upstream-igt.expected" "$list"
	fi
	# shellcheck disable=SC2046 # one word per option
	igt_suite upstream-igt /usr/libexec/igt-gpu-tools "$list" $(suite_vm_args upstream-igt)
}

# arm64: the test binaries cannot run on this host, so the guest lists their
# subtests and runs them all (scripts/guest/plain-runner.sh); the expected
# list is made from what it listed, with tests/SUITE.arm64.expected on top,
# and judged as igt_runner results are.
# plain_suite SUITE "BINARIES" VM-ARGS...
plain_suite() {
	local suite=$1 bins=$2 d=$out/$1 rc=0 list=$out/$1.expected
	local expected=$REPO/tests/$1.$TARGET_ARCH.expected
	shift 2
	mkdir -p "$d"
	echo ". /ttm-kvm/guest/setup-vttm.sh" >"$d/igt-setup"
	awk '$2 == "exclude" { print $1 }' "$expected" >"$d/exclude"
	# shellcheck disable=SC2086 # one word per binary
	vm "$suite" "$d" "$@" -- sh /ttm-kvm/guest/plain-runner.sh /ttm-kvm/tests/bin $bins || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 125 ] || fail_note "$suite" "plain-runner exited $rc"
	python3 "$REPO/scripts/plain-results.py" "$d"
	{
		for f in "$d"/plain-results/*.list; do
			[ -f "$f" ] || continue
			b=$(basename "$f" .list)
			sed "s/^/igt@$b@/; s/\$/ pass/" "$f"
		done
		grep '^igt@' "$expected" || true
	} | awk '!($1 in last) { order[n++] = $1 } { last[$1] = $0 }
		END { for (i = 0; i < n; i++) print last[order[i]] }' >"$list"
	local counts dm p f s
	counts=$(python3 "$REPO/scripts/igt-judge.py" "$list" "$suite" \
		"$d"/igt-results.*/results.json 2>>"$failures") || true
	dm=$(dmesg_reports "$suite" "$d/dmesg.log")
	read -r p f s <<<"${counts:-0 0 0}"
	record "$suite" "$p" $((f + dm)) "$s"
}

# The binaries of the arm64 project suite: all but virtgpu_blob, which
# needs the virtgpu suite's device.
project_plain() {
	local bins
	bins=$(sed -n 2p "$TESTS_OUT/bin/test-list.txt" | tr ' ' '\n' | grep -vx virtgpu_blob | tr '\n' ' ')
	# shellcheck disable=SC2046 # one word per option
	plain_suite project-igt "$bins" $(suite_vm_args project-igt)
}

suite_project-igt() {
	if [ "$TARGET_ARCH" != x86_64 ]; then
		project_plain
		return
	fi
	local list=$out/project-igt.expected b
	# Every subtest every project test binary lists is expected to pass,
	# unless tests/project-igt.expected, then tests/project-igt.KIND.expected
	# for this kernel kind, say otherwise (last entry wins).
	{
		# The binaries igt-tests/Makefile built (TESTS), not whatever else
		# may sit in the shared output directory.
		for b in $(sed -n 2p "$TESTS_OUT/bin/test-list.txt"); do
			"$TESTS_OUT/bin/$b" --list-subtests | sed "s/^/igt@$b@/; s/\$/ pass/" ||
				fail_note project-igt "$b: --list-subtests failed"
		done
		grep '^igt@' "$REPO/tests/project-igt.expected" || true
		if [ -f "$REPO/tests/project-igt.$kind.expected" ]; then
			grep '^igt@' "$REPO/tests/project-igt.$kind.expected" || true
		fi
	} | awk '!($1 in last) { order[n++] = $1 } { last[$1] = $0 }
		END { for (i = 0; i < n; i++) print last[order[i]] }' >"$list"
	echo ". /ttm-kvm/guest/setup-vttm.sh" >"$out/project-igt.setup"
	# The longest project tests take one to three minutes, depending on
	# the host's load (evict-race-two-vms: 38-162 s seen); a hung one is
	# cut short well within the VM's time (the debug kernel is slower).
	local test_timeout=300 vm_timeout=1800
	[ "$kind" != debug ] || test_timeout=600
	# shellcheck disable=SC2046 # one word per option
	igt_suite project-igt /ttm-kvm/tests/bin "$list" $(suite_vm_args project-igt)
}

# Upstream drm_virtgpu and our virtgpu_blob on a virtio-gpu that has virgl,
# blob resources and a hostmem region: QEMU 11 from the VMM root.
suite_virtgpu() {
	if [ "$TARGET_ARCH" != x86_64 ]; then
		# IGT's drm_virtgpu needs IGT's libraries: not in the busybox root.
		# shellcheck disable=SC2046 # one word per option
		plain_suite virtgpu virtgpu_blob $(suite_vm_args virtgpu)
		return
	fi
	cat >"$out/virtgpu.setup" <<-'SETUP'
		# One directory for igt_runner: IGT's drm_virtgpu and ours.
		mkdir -p /tmp/virtgpu-tests
		ln -sf /usr/libexec/igt-gpu-tools/drm_virtgpu /tmp/virtgpu-tests/
		ln -sf /ttm-kvm/tests/bin/virtgpu_blob /tmp/virtgpu-tests/
		printf 'TESTLIST\ndrm_virtgpu virtgpu_blob\nEND TESTLIST\n' \
			>/tmp/virtgpu-tests/test-list.txt
	SETUP
	# shellcheck disable=SC2046 # one word per option
	igt_suite virtgpu /tmp/virtgpu-tests "$REPO/tests/virtgpu.expected" \
		$(suite_vm_args virtgpu)
}

# The kunit.py commands the series' documentation gives, run on the host
# (UML, and x86_64 under QEMU) in a clean tree of the patched kernel.
suite_docs() {
	local d=$out/docs rc=0 p f
	if [ "$kind" != patched ]; then
		log "docs: the documentation's commands are checked on the patched tree only"
		return 0
	fi
	mkdir -p "$d"
	"$REPO/scripts/check-doc-commands.sh" >"$d/log" 2>&1 || rc=$?
	p= f=
	read -r p f < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$d/log" | tail -n 1) || true
	if [ -z "${p:-}" ]; then
		p=0 f=1
		fail_note docs "check-doc-commands.sh ended without a result (exit $rc): $d/log"
	fi
	sed -n 's/^FAIL /  /p' "$d/log" | while IFS= read -r l; do fail_note docs "$l"; done
	record docs "$p" "$f" 0
}

for s in $suites; do
	declare -F "suite_$s" >/dev/null || die "unknown suite $s"
	log "suite $s on the $kind kernel"
	"suite_$s"
done

# Summary.
printf '\n%-16s %7s %7s %7s\n' suite passed failed skipped
tp=0 tf=0 ts=0 empty=0
while IFS=$'\t' read -r s p f k; do
	printf '%-16s %7s %7s %7s\n' "$s" "$p" "$f" "$k"
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + k))
	if [ $((p + f)) = 0 ]; then
		fail_note "$s" "suite ran no test"
		empty=$((empty + 1))
	fi
done <"$summary"
if [ -s "$failures" ]; then
	echo
	echo "Failures:"
	sed 's/^/  /' "$failures"
fi
echo
echo "$tp passed, $((tf + empty)) failed, $ts skipped"
[ $((tf + empty)) = 0 ]
