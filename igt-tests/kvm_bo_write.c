// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: kvm_bo_write
 * Description: Guest writes to BOs of every provider plugged into a memslot:
 *   the first write to a page, a write after the guest or the host read it,
 *   and the stores a GPU upload uses (SSE, AVX, rep movs). A write must land
 *   in the BO, KVM_RUN must not fail, and on x86 KVM must map the page
 *   writable instead of emulating the access. Dirty logging sees every
 *   write. Bad input (read-only memslot, PROT_READ mapping, a memslot over
 *   an unmapped BO) ends in a defined exit or errno.
 *
 * Providers (lib/hostmem.h, lib/providers.c): vttm (TTM, writable PTEs),
 * qxl (TTM on QEMU's qxl device; its BOs are evicted by allocation
 * pressure in qxl-evict-under-pressure), vgem (gem-shmem: VM_PFNMAP with .pfn_mkwrite, so its PTEs start
 * write-protected, the case VMMs of gem-shmem blobs hit) and udmabuf (a
 * dma-buf over memfd pages). Subtests of a provider the VM lacks skip.
 *
 * Each write subtest prints the KVM statistics of its write phase (x86:
 * instructions emulated, exits, KVM page faults; arm64: exits), which make
 * compare puts side by side for the baseline and the patched kernel.
 *
 * On arm64 the memory type stage 2 gives a BO decides what the guest may
 * do with it: vttm-vram-guest-exec and vttm-tt-guest-exec run guest code
 * placed in a BO, which KVM refuses on a non-cacheable (Device) stage-2
 * mapping only. A write-combined VRAM BO should get one; on v7.3.4 and
 * with this series it does not (docs/results.md), so the VRAM case fails.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/hostmem.h"

#define PAGE		4096ull
#define BO_SIZE		(256ull << 10)
#define BO_PAGES	(BO_SIZE / PAGE)
#define WIN		HOSTMEM_GPA

/* How the guest stores to each page, and how many bytes. */
enum store {
	STORE_MOV,	/* one 8-byte mov */
	STORE_SSE,	/* movdqu, 16 bytes */
	STORE_AVX,	/* vmovdqu, 32 bytes */
	STORE_REP_MOVS,	/* rep movsb, 64 bytes */
};

static const unsigned int store_bytes[] = {
	[STORE_MOV] = 8, [STORE_SSE] = 16, [STORE_AVX] = 32,
	[STORE_REP_MOVS] = 64,
};

static const char *const store_names[] = {
	[STORE_MOV] = "mov", [STORE_SSE] = "movdqu", [STORE_AVX] = "vmovdqu",
	[STORE_REP_MOVS] = "rep movsb",
};

/* What touched the pages before the guest writes them. */
enum before {
	UNTOUCHED,
	GUEST_READ,
	HOST_READ,
};

static inline u64 pattern(u64 seed, u64 off)
{
	return (seed << 32) ^ off ^ 0x9e3779b97f4a7c15ull;
}

enum { OP_READ = 1, OP_WRITE, OP_EXEC };

/*
 * The guest's next command, set by the host before each run. OP_WRITE
 * writes the pages i < @pages with i % @stride == @first (@stride 0: all).
 */
static struct wcmd {
	u64 op, pages, store, seed, stride, first;
} wcmd;

static void guest_store(u64 addr, u64 store, u64 seed)
{
	u64 src[8] __attribute__((aligned(32)));
	u64 i, n = 8;

	for (i = 0; i < n; i++)
		src[i] = pattern(seed, addr - WIN + 8 * i);
	switch (store) {
	case STORE_MOV:
		WRITE_ONCE(*(u64 *)addr, src[0]);
		break;
#ifdef __x86_64__
	case STORE_SSE:
		asm volatile("movdqu (%0), %%xmm0\n\tmovdqu %%xmm0, (%1)"
			     : : "r"(src), "r"(addr) : "xmm0", "memory");
		break;
	case STORE_AVX:
		asm volatile("vmovdqu (%0), %%ymm0\n\tvmovdqu %%ymm0, (%1)"
			     : : "r"(src), "r"(addr) : "xmm0", "memory");
		break;
	case STORE_REP_MOVS: {
		void *d = (void *)addr, *s = src;
		u64 c = sizeof(src);

		asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
		break;
	}
#endif
	}
}

#ifdef __aarch64__
/* The ESR of the instruction abort the guest's last OP_EXEC took, or 0. */
static u64 guest_iabt_esr;

static void guest_iabt_handler(struct ex_regs *regs)
{
	guest_iabt_esr = read_sysreg(esr_el1);
	regs->pc = regs->regs[30];	/* back to the caller */
}
#endif

/*
 * Reports each command with a ucall: SYNC(op, sum of the first words) for
 * OP_READ, SYNC(op) for OP_WRITE, SYNC(op, x0, ESR of the abort taken or
 * 0) for OP_EXEC (arm64: calls the code at the window's start).
 */
static void guest_loop(void)
{
	GUEST_SYNC1(0);
	for (;;) {
		u64 i, sum = 0;

		switch (wcmd.op) {
#ifdef __aarch64__
		case OP_EXEC:
			guest_iabt_esr = 0;
			sum = ((u64 (*)(void))WIN)();
			GUEST_SYNC3(OP_EXEC, sum, guest_iabt_esr);
			break;
#endif
		case OP_READ:
			for (i = 0; i < wcmd.pages; i++)
				sum += READ_ONCE(*(u64 *)(WIN + i * PAGE));
			GUEST_SYNC2(OP_READ, sum);
			break;
		case OP_WRITE:
			for (i = 0; i < wcmd.pages; i++)
				if (!wcmd.stride || i % wcmd.stride == wcmd.first)
					guest_store(WIN + i * PAGE, wcmd.store, wcmd.seed);
			GUEST_SYNC1(OP_WRITE);
			break;
		default:
			GUEST_FAIL("unknown op %lu", (unsigned long)wcmd.op);
		}
	}
}

/* ---- host side -------------------------------------------------------- */

struct wvm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct hostmem hm;
};

static void wvm_create(struct wvm *t)
{
	struct kvm_vcpu *vcpus[1];
	struct ucall uc;

	t->vm = hostmem_vm_create(&t->hm, 1, guest_loop, vcpus, HOSTMEM_ALIGN, 0);
	t->vcpu = vcpus[0];
#ifdef __aarch64__
	vm_init_descriptor_tables(t->vm);
	vcpu_init_descriptor_tables(t->vcpu);
	vm_install_sync_handler(t->vm, VECTOR_SYNC_CURRENT, ESR_ELx_EC_IABT_CUR,
				guest_iabt_handler);
#endif
	igt_assert_eq(vcpu_run_ucall(t->vcpu, &uc), UCALL_SYNC);
}

/*
 * Runs the vCPU to its next exit and returns -errno of KVM_RUN (0 if it
 * succeeded); a failed guest assertion fails the subtest.
 */
static int wvm_run(struct wvm *t, struct ucall *uc)
{
	int ret = _vcpu_run(t->vcpu), err = ret ? -errno : 0;

	memset(uc, 0, sizeof(*uc));
	if (!err && get_ucall(t->vcpu, uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(*uc);
	return err;
}

/* Runs @op to its ucall; any other outcome fails the subtest, and says why. */
static void wvm_do(struct wvm *t, u64 op, u64 pages, u64 store, u64 seed,
		   struct ucall *uc)
{
	struct kvm_run *run = t->vcpu->run;
	int err;

	wcmd = (struct wcmd) { op, pages, store, seed, 0, 0 };
	sync_global_to_guest(t->vm, wcmd);
	err = wvm_run(t, uc);
	igt_assert_f(!err, "KVM_RUN failed with %s (exit reason %s)",
		     igt_errname(err), exit_reason_str(run->exit_reason));
	igt_assert_f(run->exit_reason != KVM_EXIT_INTERNAL_ERROR,
		     "KVM_EXIT_INTERNAL_ERROR, suberror %u (%s)",
		     run->internal.suberror,
		     run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
		     "the instruction could not be emulated" : "other");
	igt_assert_f(uc->cmd == UCALL_SYNC && uc->args[0] == op,
		     "expected the guest's ucall for op %llu, got exit reason %s, ucall %llu",
		     (unsigned long long)op, exit_reason_str(run->exit_reason),
		     (unsigned long long)uc->cmd);
}

/* The KVM statistics a write phase is judged by. */
struct wstats {
	u64 emulated, exits, faults;
};

static struct wstats wstats_read(struct wvm *t)
{
	struct wstats s = {};

	s.exits = vcpu_get_stat(t->vcpu, exits);
#ifdef __x86_64__
	s.emulated = vcpu_get_stat(t->vcpu, insn_emulation);
	s.faults = vcpu_get_stat(t->vcpu, pf_taken);
#endif
	return s;
}

/* Opens the provider @name, or skips. */
static void provider_require(struct bo_provider *p, struct vttm_dev *dev,
			     const char *name)
{
	igt_require_kvm();
	if (!strcmp(name, "vttm")) {
		vttm_require(dev);
		bo_provider_init_vttm(p, dev);
	} else if (!strcmp(name, "qxl")) {
		if (!bo_provider_init_qxl(p))
			igt_skip("no qxl device (run the VM with -device qxl)");
	} else if (!strcmp(name, "vgem")) {
		if (!bo_provider_init_vgem(p))
			igt_skip("no vgem device (CONFIG_DRM_VGEM)");
	} else if (!strcmp(name, "udmabuf")) {
		if (!bo_provider_init_udmabuf(p))
			igt_skip("no /dev/udmabuf (CONFIG_UDMABUF)");
	} else {
		igt_fail("unknown provider %s", name);
	}
}

/* The domain a new BO of @p goes to: VRAM where it has one. */
static u32 provider_domain(const struct bo_provider *p)
{
	return p->domains & BO_DOMAIN_VRAM ? BO_DOMAIN_VRAM : BO_DOMAIN_SYSTEM;
}

#ifdef __x86_64__
/* CPUID.1:ECX.AVX; the library names only the features its tests use. */
#define BO_WRITE_FEATURE_AVX	KVM_X86_CPU_FEATURE(0x1, 0, ECX, 28)
#endif

static void require_store(enum store store)
{
#ifdef __x86_64__
	if (store == STORE_AVX && !kvm_cpu_has(BO_WRITE_FEATURE_AVX))
		igt_skip("KVM offers no AVX to its guests here");
#else
	if (store != STORE_MOV)
		igt_skip("%s is an x86 instruction", store_names[store]);
#endif
}

/* A provider, a BO of it and a VM with an empty window: one subtest's setup. */
struct wcase {
	struct vttm_dev dev;
	struct bo_provider p;
	struct hm_bo bo;
	struct wvm t;
};

/* Skips unless @provider and @store work here. */
static void wcase_open(struct wcase *c, const char *provider, enum store store)
{
	provider_require(&c->p, &c->dev, provider);
	require_store(store);
	bo_create(&c->bo, &c->p, BO_SIZE, provider_domain(&c->p));
	wvm_create(&c->t);
}

/*
 * Plugs the BO into the window. arm64 KVM refuses some memslots over
 * VM_PFNMAP memory with EINVAL (kvm_arch_prepare_memory_region()): a
 * cacheable mapping unless the CPU has FEAT_S2FWB and CTR_EL0.DIC (QEMU
 * 7.2's TCG "max" CPU has not both, QEMU 11's has: make check runs the
 * latter), and dirty logging of any. That is upstream's rule, not a
 * result: skip.
 */
static void wcase_plug(struct wcase *c, u32 flags)
{
	int err = __hostmem_plug(&c->t.hm, c->bo.map, BO_SIZE, flags);

#ifdef __aarch64__
	if (err == -EINVAL)
		igt_skip("arm64 KVM refuses a memslot over this %s mapping (flags %#x): EINVAL",
			 c->p.name, flags);
#endif
	igt_assert_f(!err, "%s: KVM_SET_USER_MEMORY_REGION flags %#x: %s",
		     c->p.name, flags, igt_errname(err));
}

static void wcase_close(struct wcase *c)
{
	kvm_vm_free(c->t.vm);
	if (c->bo.map)
		bo_close(&c->bo);
	bo_provider_fini(&c->p);
}

static void write_case(const char *provider, enum before before,
		       enum store store)
{
	const u64 seed = 0x5eed0000 + getpid();
	const unsigned int words = store_bytes[store] / 8;
	struct wstats s0, s1;
	struct ucall uc;
	struct wcase c;
	u64 i, w, sum = 0;

	wcase_open(&c, provider, store);
	wcase_plug(&c, 0);

	/* VRAM is not cleared (qxl): compare the reads with each other. */
	for (i = 0; before != UNTOUCHED && i < BO_PAGES; i++)
		sum += READ_ONCE(*(u64 *)((char *)c.bo.map + i * PAGE));
	if (before == GUEST_READ) {
		wvm_do(&c.t, OP_READ, BO_PAGES, 0, 0, &uc);
		igt_assert_eq_u64(uc.args[1], sum);
	}

	s0 = wstats_read(&c.t);
	wvm_do(&c.t, OP_WRITE, BO_PAGES, store, seed, &uc);
	s1 = wstats_read(&c.t);

	for (i = 0; i < BO_PAGES; i++) {
		for (w = 0; w < words; w++) {
			u64 off = i * PAGE + 8 * w;
			u64 got = *(volatile u64 *)((char *)c.bo.map + off);

			igt_assert_f(got == pattern(seed, off),
				     "%s: word at offset %#llx is %#llx after the guest's %s, expected %#llx",
				     provider, (unsigned long long)off,
				     (unsigned long long)got, store_names[store],
				     (unsigned long long)pattern(seed, off));
		}
	}
	igt_info("%s %s: %llu pages written: %llu emulated, %llu exits, %llu KVM page faults\n",
		 provider, store_names[store], BO_PAGES,
		 (unsigned long long)(s1.emulated - s0.emulated),
		 (unsigned long long)(s1.exits - s0.exits),
		 (unsigned long long)(s1.faults - s0.faults));
	/* For make compare (scripts/compare-table.py); arm64 counts exits only. */
	igt_info("figure exits %llu\n", (unsigned long long)(s1.exits - s0.exits));
#ifdef __x86_64__
	igt_info("figure emulated %llu\n", (unsigned long long)(s1.emulated - s0.emulated));
	igt_info("figure kvm_faults %llu\n", (unsigned long long)(s1.faults - s0.faults));
#endif
	igt_assert_f(s1.emulated == s0.emulated,
		     "%s: KVM emulated %llu of the guest's %llu first writes instead of mapping the pages writable",
		     provider, (unsigned long long)(s1.emulated - s0.emulated),
		     BO_PAGES);

	wcase_close(&c);
}

/*
 * A read-only memslot over a BO: a guest write is an MMIO exit carrying the
 * data (KVM never writes through a read-only memslot), the BO is unchanged,
 * and reads still come from the BO.
 */
static void readonly_memslot(const char *provider)
{
	struct kvm_run *run;
	struct ucall uc;
	struct wcase c;
	int err;

	wcase_open(&c, provider, STORE_MOV);
	*(volatile u64 *)c.bo.map = 0x600d;
	wcase_plug(&c, KVM_MEM_READONLY);
	run = c.t.vcpu->run;

	wcmd = (struct wcmd) { OP_WRITE, 1, STORE_MOV, 7 };
	sync_global_to_guest(c.t.vm, wcmd);
	err = wvm_run(&c.t, &uc);
	igt_assert_f(!err, "KVM_RUN failed with %s", igt_errname(err));
	igt_assert_exit_reason(c.t.vcpu, KVM_EXIT_MMIO);
	igt_assert(run->mmio.is_write);
	igt_assert_eq_u64(run->mmio.phys_addr, WIN);
	igt_assert_eq(run->mmio.len, 8);
	igt_assert_eq_u64(*(u64 *)run->mmio.data, pattern(7, 0));
	/* The VMM drops the write; the guest goes on to its ucall. */
	err = wvm_run(&c.t, &uc);
	igt_assert_f(!err && uc.cmd == UCALL_SYNC && uc.args[0] == OP_WRITE,
		     "after the MMIO exit: KVM_RUN %s, exit reason %s",
		     igt_errname(err), exit_reason_str(run->exit_reason));
	igt_assert_eq_u64(*(volatile u64 *)c.bo.map, 0x600d);

	wvm_do(&c.t, OP_READ, 1, 0, 0, &uc);
	igt_assert_eq_u64(uc.args[1], 0x600d);

	wcase_close(&c);
}

/*
 * A writable memslot over a mapping the VMM made read-only (mprotect):
 * KVM may not write through it. x86 reports the write as MMIO (the
 * emulator cannot write the page), arm64 fails KVM_RUN with EFAULT. The BO
 * is unchanged either way.
 */
static void prot_read_mapping(const char *provider)
{
	struct kvm_run *run;
	struct ucall uc;
	struct wcase c;
	int err;

	wcase_open(&c, provider, STORE_MOV);
	*(volatile u64 *)c.bo.map = 0x600d;
	igt_assert_ok(mprotect(c.bo.map, BO_SIZE, PROT_READ));
	wcase_plug(&c, 0);
	run = c.t.vcpu->run;

	wcmd = (struct wcmd) { OP_WRITE, 1, STORE_MOV, 7 };
	sync_global_to_guest(c.t.vm, wcmd);
	err = wvm_run(&c.t, &uc);
#ifdef __x86_64__
	igt_assert_f(!err, "KVM_RUN failed with %s", igt_errname(err));
	igt_assert_exit_reason(c.t.vcpu, KVM_EXIT_MMIO);
	igt_assert(run->mmio.is_write);
	igt_assert_eq_u64(run->mmio.phys_addr, WIN);
#else
	igt_assert_f(err == -EFAULT, "expected KVM_RUN to fail with EFAULT, got %s (exit reason %s)",
		     igt_errname(err), exit_reason_str(run->exit_reason));
#endif
	igt_assert_eq_u64(*(volatile u64 *)c.bo.map, 0x600d);

	igt_assert_ok(mprotect(c.bo.map, BO_SIZE, PROT_READ | PROT_WRITE));
	wcase_close(&c);
}

/*
 * The VMM unmaps and frees a BO but leaves its memslot: a guest access is
 * KVM_RUN failing with EFAULT, never data, a hang or a kernel report.
 */
static void unmapped_under_memslot(const char *provider)
{
	struct ucall uc;
	struct wcase c;
	int err;

	wcase_open(&c, provider, STORE_MOV);
	wcase_plug(&c, 0);
	/* The guest maps the BO first, so KVM has something to zap. */
	*(volatile u64 *)c.bo.map = 0x600d;
	wvm_do(&c.t, OP_READ, 1, 0, 0, &uc);
	igt_assert_eq_u64(uc.args[1], 0x600d);
	/* Keep the range reserved so nothing else is mapped there. */
	igt_assert(mmap(c.bo.map, BO_SIZE, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == c.bo.map);
	igt_assert_eq(c.p.close(&c.p, c.bo.handle), 0);

	wcmd = (struct wcmd) { OP_READ, 1, 0, 0 };
	sync_global_to_guest(c.t.vm, wcmd);
	err = wvm_run(&c.t, &uc);
	igt_assert_f(err == -EFAULT, "expected KVM_RUN to fail with EFAULT, got %s (exit reason %s)",
		     igt_errname(err), exit_reason_str(c.t.vcpu->run->exit_reason));

	kvm_vm_free(c.t.vm);
	munmap(c.bo.map, BO_SIZE);
	bo_provider_fini(&c.p);
}

/**
 * SUBTEST: vttm-vram-guest-exec
 * Description: arm64: a VRAM BO is write-combined (Normal-NC) in the host,
 *   so KVM should map it non-cacheable at stage 2: Device-nGnRE, as
 *   nothing but vfio-pci allows any uncached type (VM_ALLOW_ANY_UNCACHED).
 *   The guest may then load and store there but not run code from it: KVM
 *   answers the instruction fetch with a prefetch abort (ESR_EL1.EC 0x21),
 *   and the memslot stays usable. Fails today: KVM reads the VMA's
 *   vm_page_prot, which TTM leaves cacheable (excluded in
 *   tests/project-igt.arm64.expected). Skips on x86.
 *
 * SUBTEST: vttm-tt-guest-exec
 * Description: arm64: a TT BO (cached pages) is Normal memory at stage 2,
 *   so code the host placed in it runs in the guest and returns its value.
 *   Skips on x86.
 */
static void guest_exec(u32 domain)
{
	/* mov x0, #0x42; ret */
	static const u32 code[] = { 0xd2800840, 0xd65f03c0 };
	struct ucall uc;
	struct wcase c;

#ifndef __aarch64__
	igt_skip("arm64's stage-2 memory types: x86 maps a WC BO with a PAT type instead");
#endif
	provider_require(&c.p, &c.dev, "vttm");
	bo_create(&c.bo, &c.p, BO_SIZE, domain);
	wvm_create(&c.t);
	memcpy(c.bo.map, code, sizeof(code));
	wcase_plug(&c, 0);

	wcmd = (struct wcmd) { OP_EXEC };
	sync_global_to_guest(c.t.vm, wcmd);
	igt_assert_eq(wvm_run(&c.t, &uc), 0);
	igt_assert_f(uc.cmd == UCALL_SYNC && uc.args[0] == OP_EXEC,
		     "guest exec: exit reason %s, ucall %llu",
		     exit_reason_str(c.t.vcpu->run->exit_reason),
		     (unsigned long long)uc.cmd);
	igt_info("%s BO: guest call returned %#llx, ESR %#llx\n",
		 bo_domain_name(domain), (unsigned long long)uc.args[1],
		 (unsigned long long)uc.args[2]);
	if (domain == BO_DOMAIN_VRAM) {
		/* ESR_ELx.EC 0x21: instruction abort taken without a change in EL. */
		igt_assert_f(uc.args[2] >> 26 == 0x21,
			     "VRAM BO: the guest's call %s (ESR %#llx), expected a prefetch abort",
			     uc.args[2] ? "took another exception" : "ran",
			     (unsigned long long)uc.args[2]);
		/* The memslot still works for data. */
		*(volatile u64 *)c.bo.map = 0x600d;
		wvm_do(&c.t, OP_READ, 1, 0, 0, &uc);
		igt_assert_eq_u64(uc.args[1], 0x600d);
	} else {
		igt_assert_f(!uc.args[2], "TT BO: the guest's call took an exception, ESR %#llx",
			     (unsigned long long)uc.args[2]);
		igt_assert_eq_u64(uc.args[1], 0x42);
	}
	wcase_close(&c);
}

static void vttm_vram_guest_exec(void)
{
	guest_exec(BO_DOMAIN_VRAM);
}

static void vttm_tt_guest_exec(void)
{
	guest_exec(BO_DOMAIN_TT);
}

/**
 * SUBTEST: qxl-evict-under-pressure
 * Description: qxl cannot move a BO on request, but TTM evicts it from
 *   VRAM to system memory when new BOs need the room. A BO the guest has
 *   mapped and read keeps its data through that, the guest's next access
 *   faults again (KVM was told through the MMU notifier), and guest writes
 *   after the eviction land in the BO.
 */
static void qxl_evict_under_pressure(void)
{
	const u64 seed = 0xe71c7;
	struct wstats s0, s1;
	struct ucall uc;
	struct wcase c;
	u64 i, sum = 0;
	int err;

	wcase_open(&c, "qxl", STORE_MOV);
	for (i = 0; i < BO_PAGES; i++) {
		*(volatile u64 *)((char *)c.bo.map + i * PAGE) = pattern(seed, i * PAGE);
		sum += pattern(seed, i * PAGE);
	}
	wcase_plug(&c, 0);
	wvm_do(&c.t, OP_READ, BO_PAGES, 0, 0, &uc);
	igt_assert_eq_u64(uc.args[1], sum);

	/*
	 * Twice qxl's VRAM (63 MiB with QEMU's defaults) in 4 MiB BOs: TTM
	 * evicts the least recently used ones, the oldest being ours.
	 */
	err = bo_provider_qxl_pressure(&c.p, 128ull << 20, 4ull << 20);
	igt_assert_f(!err || err == -ENOMEM, "qxl: allocating under pressure failed with %s",
		     igt_errname(err));

	s0 = wstats_read(&c.t);
	wvm_do(&c.t, OP_READ, BO_PAGES, 0, 0, &uc);
	s1 = wstats_read(&c.t);
	igt_assert_f(uc.args[1] == sum, "qxl: after the eviction the guest read sum %#llx, expected %#llx",
		     (unsigned long long)uc.args[1], (unsigned long long)sum);
#ifdef __x86_64__
	igt_assert_f(s1.faults - s0.faults >= BO_PAGES,
		     "qxl: %llu KVM page faults after the eviction, expected at least %llu: was the BO evicted?",
		     (unsigned long long)(s1.faults - s0.faults), BO_PAGES);
#endif
	igt_info("qxl: after eviction, %llu KVM page faults for %llu pages\n",
		 (unsigned long long)(s1.faults - s0.faults), BO_PAGES);

	wvm_do(&c.t, OP_WRITE, BO_PAGES, STORE_MOV, seed + 1, &uc);
	for (i = 0; i < BO_PAGES; i++)
		igt_assert_eq_u64(*(volatile u64 *)((char *)c.bo.map + i * PAGE),
				  pattern(seed + 1, i * PAGE));

	wcase_close(&c);
}

/* Fetches (and so clears) the dirty log of the window into @bitmap. */
static void get_dirty(struct wcase *c, u64 *bitmap)
{
	memset(bitmap, 0, BO_PAGES / 8);
	kvm_vm_get_dirty_log(c->t.vm, c->t.hm.slot, bitmap);
}

/*
 * Dirty logging over a BO: after the guest writes every @stride-th page
 * from @first, KVM's dirty log holds exactly those pages. For vgem this is
 * the write-notify path under dirty logging: the write-protect fault must
 * be taken and logged like any other write fault.
 */
static void check_dirty_writes(struct wcase *c, u64 stride, u64 first,
			       u64 seed)
{
	u64 bitmap[BO_PAGES / 64];
	struct ucall uc;
	u64 i;

	wcmd = (struct wcmd) { OP_WRITE, BO_PAGES, STORE_MOV, seed, stride, first };
	sync_global_to_guest(c->t.vm, wcmd);
	igt_assert_eq(wvm_run(&c->t, &uc), 0);
	igt_assert_f(uc.cmd == UCALL_SYNC && uc.args[0] == OP_WRITE,
		     "dirty-logged writes: exit reason %s",
		     exit_reason_str(c->t.vcpu->run->exit_reason));
	get_dirty(c, bitmap);
	for (i = 0; i < BO_PAGES; i++) {
		bool want = i % stride == first;
		bool got = bitmap[i / 64] >> (i % 64) & 1;

		igt_assert_f(got == want, "%s: page %llu is %s in the dirty log after writes to every %lluth page from %llu",
			     c->p.name, (unsigned long long)i,
			     got ? "dirty" : "clean", (unsigned long long)stride,
			     (unsigned long long)first);
		if (want)
			igt_assert_eq_u64(*(volatile u64 *)((char *)c->bo.map + i * PAGE),
					  pattern(seed, i * PAGE));
	}
}

static void dirty_log(const char *provider)
{
	u64 bitmap[BO_PAGES / 64];
	struct ucall uc;
	struct wcase c;

	wcase_open(&c, provider, STORE_MOV);
	wcase_plug(&c, KVM_MEM_LOG_DIRTY_PAGES);
	get_dirty(&c, bitmap);
	/* A read may map a page writable and log it: start from reads. */
	wvm_do(&c.t, OP_READ, BO_PAGES, 0, 0, &uc);
	get_dirty(&c, bitmap);

	check_dirty_writes(&c, 3, 0, 0xd1);
	check_dirty_writes(&c, 5, 2, 0xd2);
	check_dirty_writes(&c, 1, 0, 0xd3);
	wcase_close(&c);
}

/**
 * SUBTEST: %arg[1]-first-write
 * Description: The guest's first write (an 8-byte mov) to each page of a
 *   BO plugged into a memslot lands in the BO, KVM_RUN does not fail, and
 *   KVM maps the page writable instead of emulating the write (x86: no
 *   instruction emulated). Provider: %arg[1].
 *
 * SUBTEST: %arg[1]-write-after-guest-read
 * Description: The same after the guest read every page (so KVM may have
 *   mapped it read-only first). Provider: %arg[1].
 *
 * SUBTEST: %arg[1]-write-after-host-read
 * Description: The same after the host read every page through its
 *   mapping. Provider: %arg[1].
 *
 * SUBTEST: %arg[1]-store-sse
 * Description: The first write to each page as an SSE movdqu (16 bytes),
 *   as GPU uploads store: the data lands and nothing is emulated. x86
 *   only. Provider: %arg[1].
 *
 * SUBTEST: %arg[1]-store-avx
 * Description: The same with an AVX vmovdqu (32 bytes); skips without
 *   AVX. x86 only. Provider: %arg[1].
 *
 * SUBTEST: %arg[1]-store-rep-movs
 * Description: The same with rep movsb (64 bytes). x86 only. Provider:
 *   %arg[1].
 *
 * SUBTEST: %arg[1]-readonly-memslot
 * Description: A read-only memslot over a BO: a guest write is an MMIO
 *   exit carrying the data (KVM never writes through a read-only memslot),
 *   the BO is unchanged, and reads still come from the BO. Provider:
 *   %arg[1].
 *
 * SUBTEST: %arg[1]-prot-read-mapping
 * Description: A writable memslot over a mapping the VMM made read-only
 *   (mprotect): KVM does not write through it; x86 reports the write as
 *   MMIO, arm64 fails KVM_RUN with EFAULT, and the BO is unchanged.
 *   Provider: %arg[1].
 *
 * SUBTEST: %arg[1]-unmapped-under-memslot
 * Description: The VMM unmaps and frees a BO but leaves its memslot: a
 *   guest access fails KVM_RUN with EFAULT, never data, a hang or a kernel
 *   report. Provider: %arg[1].
 *
 * SUBTEST: %arg[1]-dirty-log
 * Description: After the guest writes every Nth page of a BO in a
 *   dirty-logged memslot, KVM's dirty log holds exactly those pages, and
 *   the data landed (for vgem: the write-notify fault is logged like any
 *   write fault). Provider: %arg[1].
 *
 * arg[1]:
 *
 * @vttm: vttm (TTM, writable PTEs)
 * @qxl: qxl (TTM on QEMU's qxl device; skips without one)
 * @vgem: vgem (gem-shmem: VM_PFNMAP with .pfn_mkwrite, PTEs start
 *   write-protected)
 * @udmabuf: udmabuf (a dma-buf over sealed memfd pages)
 */
#define PROVIDER_SUBTESTS(prov)						\
static void prov##_first_write(void)					\
{ write_case(#prov, UNTOUCHED, STORE_MOV); }				\
static void prov##_write_after_guest_read(void)				\
{ write_case(#prov, GUEST_READ, STORE_MOV); }				\
static void prov##_write_after_host_read(void)				\
{ write_case(#prov, HOST_READ, STORE_MOV); }				\
static void prov##_store_sse(void)					\
{ write_case(#prov, UNTOUCHED, STORE_SSE); }				\
static void prov##_store_avx(void)					\
{ write_case(#prov, UNTOUCHED, STORE_AVX); }				\
static void prov##_store_rep_movs(void)					\
{ write_case(#prov, UNTOUCHED, STORE_REP_MOVS); }			\
static void prov##_readonly_memslot(void)				\
{ readonly_memslot(#prov); }						\
static void prov##_prot_read_mapping(void)				\
{ prot_read_mapping(#prov); }						\
static void prov##_unmapped_under_memslot(void)			\
{ unmapped_under_memslot(#prov); }					\
static void prov##_dirty_log(void)					\
{ dirty_log(#prov); }

#define PROVIDER_TABLE(prov)						\
	{ #prov "-first-write", prov##_first_write },			\
	{ #prov "-write-after-guest-read", prov##_write_after_guest_read }, \
	{ #prov "-write-after-host-read", prov##_write_after_host_read }, \
	{ #prov "-store-sse", prov##_store_sse },			\
	{ #prov "-store-avx", prov##_store_avx },			\
	{ #prov "-store-rep-movs", prov##_store_rep_movs },		\
	{ #prov "-readonly-memslot", prov##_readonly_memslot },		\
	{ #prov "-prot-read-mapping", prov##_prot_read_mapping },	\
	{ #prov "-unmapped-under-memslot", prov##_unmapped_under_memslot }, \
	{ #prov "-dirty-log", prov##_dirty_log }

PROVIDER_SUBTESTS(vttm)
PROVIDER_SUBTESTS(qxl)
PROVIDER_SUBTESTS(vgem)
PROVIDER_SUBTESTS(udmabuf)

static const struct igt_subtest tests[] = {
	PROVIDER_TABLE(vttm),
	{ "vttm-vram-guest-exec", vttm_vram_guest_exec },
	{ "vttm-tt-guest-exec", vttm_tt_guest_exec },
	PROVIDER_TABLE(qxl),
	{ "qxl-evict-under-pressure", qxl_evict_under_pressure },
	PROVIDER_TABLE(vgem),
	PROVIDER_TABLE(udmabuf),
};

IGT_MAIN(tests)
