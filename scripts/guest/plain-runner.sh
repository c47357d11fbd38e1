#!/bin/sh
# Guest side of a project suite where igt_runner is not installed (the arm64
# busybox root): runs each subtest named in /out/igt-list.* (lines
# igt@BINARY@SUBTEST) as BINARY --run-subtest SUBTEST from TESTDIR, the way
# igt_runner does, and leaves its output and exit status in
# /out/plain-results/, which scripts/plain-results.py turns into a
# results.json for the host's judge.
set -u
dir=$1
[ -f /out/igt-setup ] && . /out/igt-setup
mkdir -p /out/plain-results
for list in /out/igt-list.*; do
	[ -s "$list" ] || continue
	while read -r name; do
		rest=${name#igt@}
		bin=${rest%%@*}
		sub=${rest#*@}
		echo "plain-runner: $name"
		"$dir/$bin" --run-subtest "$sub" >"/out/plain-results/$name.out" 2>&1
		echo $? >"/out/plain-results/$name.rc"
	done <"$list"
done
