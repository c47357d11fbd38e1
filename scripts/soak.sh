#!/usr/bin/env bash
# make soak: kvm_bo_stress@evict-race-two-vms --moves SOAK_MOVES
# (default 100000): two VMs count in a VRAM BO and a TT BO while the host
# moves both through every domain, swapping out where there is swap. Prints
# the moves done, lost writes and stale reads (the subtest fails on any),
# KVM_RUN EFAULTs and kernel log reports; exits non-zero on any of them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

moves=${SOAK_MOVES:-100000}
out=$REPO/build/soak
mkdir -p "$out"
rm -f "$out"/soak-watch*.log
# Under TCG a move takes 10-20 ms; leave room for a slow host.
timeout=$((moves / 10 + 900))
log "soak: $moves moves (VM timeout ${timeout} s)"
rc=0
# One line: run-vm.sh quotes the command with printf %q, and the guest's sh
# (dash) does not read $'...' strings. soak-watch.sh records where the
# test's threads are and, on a stall, gets backtraces on the console.
guest_cmd=". /ttm-kvm/guest/setup-vttm.sh;"
guest_cmd+=" /ttm-kvm/tests/bin/kvm_bo_stress --run-subtest evict-race-two-vms --moves $moves & p=\$!;"
guest_cmd+=" sh /ttm-kvm/guest/soak-watch.sh \$p /out/cmd.log & wait \$p"
log "QEMU monitor: $out/monitor.sock; guest threads: $out/soak-watch.log"
"$REPO/scripts/run-vm.sh" --out "$out" --device ivshmem=64M --timeout "$timeout" \
	--monitor "$out/monitor.sock" -- sh -c "$guest_cmd" || rc=$?
grep -E '^Subtest|moves|Test failed|expected|lost|stale|slot 0|vCPU' "$out/cmd.log" || true
reports=$(python3 "$REPO/scripts/dmesg-scan.py" "$out/dmesg.log" \
	"$REPO/tests/dmesg-fail.pattern" 2>"$out/dmesg.reports")
echo "soak: kernel log reports: $reports"
head -n 20 "$out/dmesg.reports"
[ "$rc" = 0 ] || die "soak failed (exit $rc): see $out/cmd.log"
[ "$reports" = 0 ] || die "soak: $reports kernel log report(s): see $out/dmesg.reports"
log "soak passed"
