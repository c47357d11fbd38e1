#!/usr/bin/env bash
# make bench: kvm_bo_bench (igt-tests/kvm_bo_bench.c) on the baseline and
# on the patched kernel, one after the other in this run, and its figures
# side by side. Counts, not times, are what to compare under QEMU TCG; the
# one time figure is a ratio measured within each kernel's run. Then
# ttm_pool_bench (igt-tests/ttm_pool_bench.c) on both kernels under QEMU's
# -icount shift=0: TTM pool costs in guest instructions per MiB, and the
# patched/baseline ratio per row.
#
# ARCH=arm64: the same tools in the arm64 virt machine on QEMU 11 (its -cpu
# max lets KVM take cacheable VM_PFNMAP memslots); kvm_bo_bench prints exits
# and the stage-2 block sizes (4K/2M/1G) over each memslot there.
#
#   BENCH_POOL_ROUNDS  rounds per pool figure (default 16)
#   BENCH_ICOUNT       1: kvm_bo_bench under -icount as well (move costs in
#                      guest instructions)
#   BENCH_MIB   size of each BO and memslot (default 256; 64 on arm64)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "$TARGET_ARCH" = x86_64 ]; then
	mib=${BENCH_MIB:-256}
	out=$REPO/build/bench
	vmm=()
else
	mib=${BENCH_MIB:-64}
	out=$REPO/build/bench-$TARGET_ARCH
	vmm=(--vmm sid)
fi
# BENCH_ICOUNT=1: kvm_bo_bench under -icount too, so its times (the move
# costs) are guest instruction counts; slower, so not the default.
icount=()
[ "${BENCH_ICOUNT:-0}" = 1 ] && icount=(--icount)
# A power-of-two BAR with room for a 2 MiB-aligned BO of $mib MiB.
bar=1
while [ "$bar" -lt $((mib + 2)) ]; do bar=$((bar * 2)); done

for kind in baseline patched; do
	d=$out/$kind
	mkdir -p "$d"
	log "bench: $kind kernel, $mib MiB"
	"$REPO/scripts/run-vm.sh" --kernel "$kind" --out "$d" "${vmm[@]}" \
		"${icount[@]}" --device "ivshmem=${bar}M" --mem 4G --timeout 3600 -- \
		sh -c ". /ttm-kvm/guest/setup-vttm.sh; /ttm-kvm/tests/bin/kvm_bo_bench $mib" ||
		die "kvm_bo_bench failed on the $kind kernel: see $d/cmd.log"
	grep -q '^bench ' "$d/cmd.log" || die "no figures from the $kind kernel: see $d/cmd.log"
done

# The pool bench: each kernel under -icount, where guest time is a count
# of guest instructions; figures are medians within each run.
for kind in baseline patched; do
	d=$out/pool-$kind
	mkdir -p "$d"
	log "bench: TTM pool, $kind kernel (-icount shift=0)"
	"$REPO/scripts/run-vm.sh" --kernel "$kind" --out "$d" --icount "${vmm[@]}" \
		--device "ivshmem=64M" --timeout 3600 -- \
		sh -c ". /ttm-kvm/guest/setup-vttm.sh; /ttm-kvm/tests/bin/ttm_pool_bench ${BENCH_POOL_ROUNDS:-16}" ||
		die "ttm_pool_bench failed on the $kind kernel: see $d/cmd.log"
	grep -q '^bench ' "$d/cmd.log" || die "no pool figures from the $kind kernel: see $d/cmd.log"
done

awk '
	FNR == 1 { k = (k % 2) + 1 }
	$1 == "bench" { v[k, $2] = $3; if (!seen[$2]++) order[++n] = $2 }
	END {
		printf "%-48s %12s %12s %8s\n", "metric", "baseline", "patched", "ratio"
		for (i = 1; i <= n; i++) {
			b = v[1, order[i]]; p = v[2, order[i]]
			r = (b + 0 != 0 && p != "") ? sprintf("%.3f", p / b) : "-"
			printf "%-48s %12s %12s %8s\n", order[i], b, p, r
		}
	}' "$out/baseline/cmd.log" "$out/patched/cmd.log" \
	"$out/pool-baseline/cmd.log" "$out/pool-patched/cmd.log" | tee "$out/table.txt"
log "bench: table in ${out#"$REPO"/}/table.txt, each kernel's run in ${out#"$REPO"/}/{baseline,patched}/ (docs/results.md records measured runs)"
