#!/bin/sh
# Guest side of an IGT suite: igt_runner TESTDIR with /out/igt-list, results
# in /out/igt-results (results.json). Extra setup runs from /out/igt-setup.
set -u
dir=$1
[ -f /out/igt-setup ] && . /out/igt-setup
igt_runner -o --per-test-timeout 600 --test-list /out/igt-list "$dir" /out/igt-results
