#!/bin/sh
# plain-runner.sh TESTDIR [BINARY...]
# Guest side of a project suite where igt_runner is not installed (the arm64
# busybox root): runs every subtest of every BINARY (default: every binary
# named in TESTDIR/test-list.txt), as BINARY --run-subtest SUBTEST the way igt_runner
# does, skipping the names listed in /out/exclude. Each subtest's output and
# exit status land in /out/plain-results/; scripts/plain-results.py turns
# them into a results.json for the host's judge.
set -u
dir=$1
shift
bins=${*:-$(sed -n 2p "$dir/test-list.txt")}
[ -f /out/igt-setup ] && . /out/igt-setup
mkdir -p /out/plain-results
for bin in $bins; do
	"$dir/$bin" --list-subtests >"/out/plain-results/$bin.list" 2>&1 || {
		echo "plain-runner: $bin --list-subtests failed" >&2
		continue
	}
	while read -r sub; do
		name=igt@$bin@$sub
		grep -qx "$name" /out/exclude 2>/dev/null && continue
		echo "plain-runner: $name"
		"$dir/$bin" --run-subtest "$sub" >"/out/plain-results/$name.out" 2>&1
		echo $? >"/out/plain-results/$name.rc"
	done <"/out/plain-results/$bin.list"
done
