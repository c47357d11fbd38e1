#!/usr/bin/env bash
# race-hunt.sh [--runs N] [--vmm host|sid] [--kernel KIND] [--no-swap]
#              [--seed N] [--trace]
# Runs kvm_bo_stress@evict-race N times (default 10), each in a fresh VM,
# and counts the outcomes: passes, failures, KVM_EXIT_SHUTDOWNs, KVM_RUN
# EFAULTs, kernel log reports. It separates the suspects of the rare
# SHUTDOWN of the eviction race: --vmm sid runs the VM under QEMU 11's TCG
# instead of QEMU 7.2's; --no-swap turns the guest's zram swap off, so
# neither the BO nor the test's own memory (slot 0) is ever swapped out;
# --seed N moves the BO to random domains from seed N (run i: N + i - 1)
# instead of the fixed cycle; --trace records KVM's exits, injected
# exceptions, page faults and TDP MMU SPTE changes in the guest kernel's
# trace buffer, which the test stops at an unexpected exit (a SHUTDOWN), and
# keeps the last events of each CPU of a failed run in run-N/trace-cpuN.txt.
# Output: build/race-hunt/<label>/run-N/ and a summary line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=10 vmm=host kind=patched noswap=0 seed=0 trace=0
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift ;;
	--vmm) vmm=$2; shift ;;
	--kernel) kind=$2; shift ;;
	--no-swap) noswap=1 ;;
	--seed) seed=$2; shift ;;
	--trace) trace=1 ;;
	*) die "unknown option $1" ;;
	esac
	shift
done
label=$kind-qemu-$vmm$([ "$noswap" = 1 ] && echo -noswap || true)$([ "$seed" = 0 ] || echo "-seed$seed")$([ "$trace" = 0 ] || echo -trace)
top=$REPO/build/race-hunt/$label
rm -rf "$top"
mkdir -p "$top"
cmd=". /ttm-kvm/guest/setup-vttm.sh;"
[ "$noswap" = 1 ] && cmd+=" swapoff -a;"
if [ "$trace" = 1 ]; then
	t=/sys/kernel/tracing
	cmd+=" [ -e $t/trace ] || mount -t tracefs tracefs $t; echo 16384 > $t/buffer_size_kb;"
	for e in kvm/kvm_exit kvm/kvm_entry kvm/kvm_page_fault kvm/kvm_inj_exception \
		kvm/kvm_userspace_exit kvm/kvm_unmap_hva_range kvmmmu/kvm_tdp_mmu_spte_changed; do
		cmd+=" echo 1 > $t/events/$e/enable;"
	done
fi
cmd+=" /ttm-kvm/tests/bin/kvm_bo_stress --run-subtest evict-race"
pass=0 fail=0 shutdown=0 efault=0 reports=0
for ((i = 1; i <= runs; i++)); do
	d=$top/run-$i
	mkdir -p "$d"
	rc=0
	s=$([ "$seed" = 0 ] && echo 0 || echo $((seed + i - 1)))
	"$REPO/scripts/run-vm.sh" --kernel "$kind" --vmm "$vmm" --out "$d" \
		--device ivshmem=64M --timeout 600 -- sh -c "$cmd --seed $s$([ "$trace" = 0 ] ||
			echo "; r=\$?; [ \$r = 0 ] || for c in $t/per_cpu/cpu*; do tail -n 20000 \$c/trace > trace-\${c##*/}.txt; done; exit \$r")" \
		>/dev/null 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	grep -q SHUTDOWN "$d/cmd.log" 2>/dev/null && shutdown=$((shutdown + 1))
	# "KVM_RUN EFAULTs: vCPU0 N, vCPU1 M" from the subtest's summary.
	n=$(sed -nE 's/.*KVM_RUN EFAULTs: vCPU0 ([0-9]+), vCPU1 ([0-9]+).*/\1 \2/p' "$d/cmd.log" |
		awk '{ s += $1 + $2 } END { print s + 0 }')
	efault=$((efault + n))
	r=$(python3 "$REPO/scripts/dmesg-scan.py" "$d/dmesg.log" "$REPO/tests/dmesg-fail.pattern" \
		2>/dev/null || echo 0)
	reports=$((reports + r))
	log "$label run $i: exit $rc, $(grep -oE '[0-9]+ moves \([0-9]+ of them swapouts\)' "$d/cmd.log" || echo 'no moves line')"
done
echo "$label: $runs runs: $pass passed, $fail failed, $shutdown SHUTDOWN, $efault KVM_RUN EFAULTs, $reports kernel log reports" |
	tee "$top/summary.txt"
