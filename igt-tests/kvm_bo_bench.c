// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm_bo_bench: what it costs a guest, and a host process, to map a vttm
 * BO, counted in page faults, VM exits and KVM's 4 KiB and 2 MiB mappings,
 * which QEMU TCG does not distort the way it distorts time. A tool for
 * `make bench` (scripts/bench.sh runs it on both kernels and prints the
 * figures side by side), not a test: make check never runs it.
 *
 *   kvm_bo_bench [MiB]        (default 256; a multiple of 2)
 *
 * For a VRAM BO, a TT BO and, as the limit, anonymous memory backed by
 * transparent huge pages, each plugged into a VM as one memslot:
 *   - guest first touch: KVM page faults and VM exits per MiB while the
 *     guest reads one word of every page, and the 4K/2M mappings KVM made;
 *   - guest refault: the same after the BO moved (VRAM <-> TT);
 *   - CPU first touch: page faults per MiB of a process touching a fresh
 *     mapping of the BO;
 *   - move cost: time of a move with the BO mapped into the VM and touched
 *     by the guest, over the time of a move of the same BO touched only
 *     through the host mapping (same run; informational under TCG), and
 *     both per MiB (instructions under -icount: make bench BENCH_ICOUNT=1).
 * And for a write-notify BO (vgem, gem-shmem: PTEs start write-protected),
 * the guest's first write to every page: KVM page faults, VM exits and
 * instructions KVM emulated, per MiB.
 *
 * On arm64, KVM has no fault, emulation or mapping-size stats: the figures
 * are VM exits per MiB and the stage-2 leaf entries over the window, read
 * from the VM's stage-2 dump in debugfs (CONFIG_PTDUMP_STAGE2_DEBUGFS).
 *
 * Output: one "bench <metric> <value>" line per figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"

#include "lib/hostmem.h"
#include "lib/vttm.h"

#define PAGE		4096ull
#define SZ_2M		(2ull << 20)
#define MOVE_ROUNDS	4

static u64 window_size;
/* Set by the host: the guest writes instead of reading. */
static u64 guest_writes;

/* Reads (or writes) one word of every page of the window, once per host request. */
static void guest_touch_loop(void)
{
	volatile u64 *p;
	u64 sum = 0, off;

	for (;;) {
		for (off = 0; off < window_size; off += PAGE) {
			p = (volatile u64 *)(HOSTMEM_GPA + off);
			if (guest_writes)
				*p = off;
			else
				sum += *p;
		}
		GUEST_SYNC1(sum);
	}
}

static void out(const char *backing, const char *metric, double value)
{
	printf("bench %s.%s %.2f\n", backing, metric, value);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long minor_faults(void)
{
	struct rusage ru;

	TEST_ASSERT(!getrusage(RUSAGE_SELF, &ru), "getrusage");
	return ru.ru_minflt;
}

static void host_touch(const void *map, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += PAGE)
		(void)*(const volatile u64 *)((const char *)map + off);
}

struct bench_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct hostmem hm;
};

/*
 * Runs one guest pass over the window; prints its counts under @metric.
 * False when KVM_RUN failed: its errno is the figure then (an arm64
 * baseline fails a guest write to a write-notify BO with EFAULT).
 */
static bool guest_pass(struct bench_vm *b, const char *backing,
		       const char *metric, bool mappings)
{
	u64 exits = vcpu_get_stat(b->vcpu, exits);
#ifdef __x86_64__
	u64 pf = vcpu_get_stat(b->vcpu, pf_taken);
	u64 emulated = vcpu_get_stat(b->vcpu, insn_emulation);
	u64 m4 = vm_get_stat(b->vm, pages_4k);
	u64 m2 = vm_get_stat(b->vm, pages_2m);
#else
	struct s2_mappings m;
#endif
	double mib = window_size >> 20;
	struct ucall uc;
	char name[64];

	if (__vcpu_run(b->vcpu)) {
		snprintf(name, sizeof(name), "%s_kvm_run_errno", metric);
		out(backing, name, errno);
		return false;
	}
	TEST_ASSERT(get_ucall(b->vcpu, &uc) == UCALL_SYNC,
		    "guest pass ended with exit %s",
		    exit_reason_str(b->vcpu->run->exit_reason));
	snprintf(name, sizeof(name), "%s_exits_per_mib", metric);
	out(backing, name, (vcpu_get_stat(b->vcpu, exits) - exits) / mib);
#ifdef __x86_64__
	snprintf(name, sizeof(name), "%s_faults_per_mib", metric);
	out(backing, name, (vcpu_get_stat(b->vcpu, pf_taken) - pf) / mib);
	snprintf(name, sizeof(name), "%s_emulated_per_mib", metric);
	out(backing, name, (vcpu_get_stat(b->vcpu, insn_emulation) - emulated) / mib);
	if (!mappings)
		return true;
	snprintf(name, sizeof(name), "%s_new_pages_4k", metric);
	out(backing, name, (double)vm_get_stat(b->vm, pages_4k) - m4);
	snprintf(name, sizeof(name), "%s_new_pages_2m", metric);
	out(backing, name, (double)vm_get_stat(b->vm, pages_2m) - m2);
#else
	if (!mappings)
		return true;
	/* What stage 2 maps of the window now, not what this pass added. */
	vm_stage2_mappings(b->vm, HOSTMEM_GPA, window_size, &m);
	snprintf(name, sizeof(name), "%s_s2_pages_4k", metric);
	out(backing, name, m.pages_4k);
	snprintf(name, sizeof(name), "%s_s2_blocks_2m", metric);
	out(backing, name, m.blocks_2m);
	snprintf(name, sizeof(name), "%s_s2_blocks_1g", metric);
	out(backing, name, m.blocks_1g);
	snprintf(name, sizeof(name), "%s_s2_exec_share", metric);
	out(backing, name, (double)m.exec_bytes / window_size);
#endif
	return true;
}

static void bench_vm_create(struct bench_vm *b, void *hva)
{
	struct kvm_vcpu *vcpus[1];

	b->vm = hostmem_vm_create(&b->hm, 1, guest_touch_loop, vcpus,
				  window_size, 0);
	b->vcpu = vcpus[0];
	sync_global_to_guest(b->vm, window_size);
	hostmem_plug(&b->hm, hva, window_size, 0);
}

/* Time of MOVE_ROUNDS round trips @from -> @to -> @from, in seconds. */
static double move_rounds(struct hm_bo *bo, u32 from, u32 to,
			  struct bench_vm *b)
{
	double spent = 0, t;
	unsigned int i;

	for (i = 0; i < MOVE_ROUNDS; i++) {
		if (b)
			vcpu_run(b->vcpu);	/* the guest maps it again */
		else
			host_touch(bo->map, bo->size);
		t = now_s();
		bo_move(bo, to);
		bo_move(bo, from);
		spent += now_s() - t;
	}
	return spent;
}

static void bench_bo(struct bo_provider *p, u32 domain, u32 other)
{
	const char *backing = bo_domain_name(domain);
	double mib = window_size >> 20, unmapped, mapped;
	struct bench_vm b;
	struct hm_bo bo;
	void *fresh;
	long flt;

	bo_create(&bo, p, window_size, domain);
	host_touch(bo.map, bo.size);
	out(backing, "host_map_2m_aligned",
	    ((uintptr_t)bo.map & (SZ_2M - 1)) == 0);

	/* CPU first touch through a mapping nobody touched yet. */
	fresh = bo_map(&bo);
	flt = minor_faults();
	host_touch(fresh, bo.size);
	out(backing, "cpu_first_touch_faults_per_mib",
	    (minor_faults() - flt) / mib);
	munmap(fresh, bo.size);

	bench_vm_create(&b, bo.map);
	if (!guest_pass(&b, backing, "guest_first_touch", true))
		goto out;
	bo_move(&bo, other);
	bo_move(&bo, domain);
	if (!guest_pass(&b, backing, "guest_refault", true))
		goto out;

	unmapped = move_rounds(&bo, domain, other, NULL);
	mapped = move_rounds(&bo, domain, other, &b);
	/*
	 * Per MiB and round trip, in microseconds: under QEMU -icount
	 * (BENCH_ICOUNT=1) guest time counts guest instructions, 1000 per
	 * microsecond, so these become instruction counts.
	 */
	out(backing, "move_us_per_mib_unmapped",
	    unmapped * 1e6 / MOVE_ROUNDS / mib);
	out(backing, "move_us_per_mib_mapped", mapped * 1e6 / MOVE_ROUNDS / mib);
	out(backing, "move_time_mapped_over_unmapped", mapped / unmapped);
out:
	kvm_vm_free(b.vm);
	bo_close(&bo);
}

/* Anonymous memory with transparent huge pages: what a VM gets at best. */
static void bench_anon_thp(void)
{
	u64 len = window_size + SZ_2M;
	struct bench_vm b;
	char *raw, *mem;

	raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(raw != MAP_FAILED, "mmap");
	mem = (char *)(((uintptr_t)raw + SZ_2M - 1) & ~(SZ_2M - 1));
	madvise(mem, window_size, MADV_HUGEPAGE);
	memset(mem, 1, window_size);

	bench_vm_create(&b, mem);
	guest_pass(&b, "anon-thp", "guest_first_touch", true);
	kvm_vm_free(b.vm);
	munmap(raw, len);
}

/*
 * A vgem BO: gem-shmem maps with .pfn_mkwrite, so every PTE starts
 * write-protected and a CPU write takes a write-protect fault. The guest
 * writes every page once (nothing touched them before), then reads them.
 */
static void bench_write_notify(void)
{
	struct bench_vm b;
	struct bo_provider p;
	struct hm_bo bo;
	u64 off;

	if (!bo_provider_init_vgem(&p)) {
		printf("bench vgem.missing 1\n");
		return;
	}
	bo_create(&bo, &p, window_size, BO_DOMAIN_SYSTEM);
	bench_vm_create(&b, bo.map);
	guest_writes = 1;
	sync_global_to_guest(b.vm, guest_writes);
	if (guest_pass(&b, "vgem", "guest_first_write", true))
		for (off = 0; off < window_size; off += PAGE)
			TEST_ASSERT(*(u64 *)((char *)bo.map + off) == off,
				    "vgem: the guest's write at %#llx did not land",
				    (unsigned long long)off);
	guest_writes = 0;
	kvm_vm_free(b.vm);
	bo_close(&bo);
	bo_provider_fini(&p);
}

int main(int argc, char **argv)
{
	struct vttm_dev dev;
	struct bo_provider p;

	window_size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 256) << 20;
	if (!window_size || window_size % SZ_2M) {
		fprintf(stderr, "kvm_bo_bench: size must be a multiple of 2 MiB\n");
		return 2;
	}
	if (!vttm_open(&dev)) {
		fprintf(stderr, "kvm_bo_bench: no vttm device\n");
		return 77;
	}
	bo_provider_init_vttm(&p, &dev);
	printf("bench window_mib %llu\n", (unsigned long long)(window_size >> 20));

	bench_bo(&p, BO_DOMAIN_VRAM, BO_DOMAIN_TT);
	bench_bo(&p, BO_DOMAIN_TT, BO_DOMAIN_VRAM);
	bench_anon_thp();
	bench_write_notify();
	return 0;
}
