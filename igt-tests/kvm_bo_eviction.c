// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: kvm_bo_eviction
 * Description: TTM buffer objects mapped into KVM guests stay coherent
 *   while TTM moves, evicts, swaps out and frees them: the guest, the host
 *   mapping and the driver's state (vttm INFO and debugfs) agree after
 *   every move, no page reference is taken, and freed memory is never
 *   reached through a memslot.
 *
 * A VMM that exposes a host-visible GPU BO to its guest (virtio-gpu blobs)
 * mmap()s the BO and plugs the mapping into a memslot of its "hostmem
 * window" (lib/hostmem.h). TTM mappings are VM_PFNMAP | VM_IO: KVM resolves
 * them with follow_pfnmap_start() and must rely on the MMU notifier alone,
 * never on page references, because TTM moves the memory behind the
 * mapping whenever it likes and frees or reuses the old backing right away.
 *
 * Needs /dev/kvm and a vttm device (Documentation/gpu/vttm.rst); skips
 * without them. swapout needs swap space, pin-refused-* a guest with SVM.
 * Every subtest checks at its end that vttm_usage is back to where it
 * started (lib/bo_env.h), i.e. that nothing leaked. The guests are
 * lib/guest_cmd.h's command loop; the long races, the soak and fault
 * injection are in kvm_bo_stress.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/bo_data.h"
#include "lib/bo_env.h"
#include "lib/guest_cmd.h"
#include "lib/swap.h"
#include "lib/svm_guest.h"
#include "lib/vttm_audit.h"

#define PAGE		4096ull
#define BO_SIZE		(2ull << 20)
#define BO_PAGES	(BO_SIZE / PAGE)
#define BO_WORDS	(BO_SIZE / 8)
#define WIN		HOSTMEM_GPA

#define SYS		BO_DOMAIN_SYSTEM
#define TT		BO_DOMAIN_TT
#define VRAM		BO_DOMAIN_VRAM

/* A VM running guest_cmd's loop with @bo plugged into its window. */
static void tvm_with_bo(struct tvm *t, struct hm_bo *bo, u32 flags)
{
	tvm_create(t, BO_SIZE);
	hostmem_plug(&t->hm, bo->map, BO_SIZE, flags);
}

/**
 * SUBTEST: map-read-write-%arg[1]
 * Description: Data written on either side of a memslot over a %arg[1] BO
 *   shows on the other: the host fills, the guest reads; the guest fills,
 *   the host reads through its mapping and through a new one.
 *
 * arg[1]:
 *
 * @vram: VRAM
 * @tt: TT
 * @system: SYSTEM
 */
static void map_read_write(u32 domain, u64 host_seed, u64 guest_seed)
{
	struct hm_bo bo;
	struct bo_env e;
	struct tvm t;

	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, domain);
	host_fill(bo.map, BO_SIZE, host_seed);
	tvm_with_bo(&t, &bo, 0);

	guest_expect(&t, host_seed, "host-written data");
	guest_fill(&t, guest_seed);
	host_check_both(&bo, guest_seed, "guest-written data");
	igt_assert_eq(bo_info(&bo).domain, domain);

	tvm_free(&t);
	bo_close(&bo);
	bo_env_fini(&e);
}

static void test_map_read_write_vram(void)
{
	map_read_write(VRAM, 0xa100, 0xb100);
}

static void test_map_read_write_tt(void)
{
	map_read_write(TT, 0xa101, 0xb101);
}

static void test_map_read_write_system(void)
{
	map_read_write(SYS, 0xa102, 0xb102);
}

/**
 * SUBTEST: evict-vram-to-tt
 * Description: A VRAM BO the guest has read moves to TT while the vCPU is
 *   stopped: the move zaps every KVM mapping of the BO, the guest then
 *   reads the old data from the new place and its writes land there.
 *
 * SUBTEST: evict-tt-to-system
 * Description: The same for a move from TT to SYSTEM.
 *
 * SUBTEST: swapout
 * Description: The same for a TT BO swapped out (moved to SYSTEM and
 *   backed up): the guest's accesses swap it back in. Needs swap space.
 */
static void evict_while_mapped(u32 from, u32 to, bool swapout)
{
	const u64 seed = 0xe1, seed2 = 0xe2;
	struct bo_info info;
	u64 mapped, after;
	struct hm_bo bo;
	struct bo_env e;
	struct tvm t;

	bo_env_init(&e);
	if (swapout && !have_swap())
		igt_skip("no free swap space: swapout needs swap (swapon, e.g. on zram)");

	bo_create(&bo, &e.p, BO_SIZE, from);
	host_fill(bo.map, BO_SIZE, seed);
	tvm_with_bo(&t, &bo, 0);

	/* The guest maps every page of the old backing. */
	after = vm_mapped_4k(t.vm);
	guest_expect(&t, seed, "before the move");
	mapped = vm_mapped_4k(t.vm);
	igt_assert_f(mapped >= after + BO_PAGES,
		     "reading the BO added %llu 4K mappings in KVM, expected at least %llu",
		     (unsigned long long)(mapped - after), BO_PAGES);

	if (swapout) {
		igt_assert_eq(__bo_move(&bo, SYS, BO_MOVE_SWAPOUT), 0);
		info = bo_info(&bo);
		igt_assert_eq(info.domain, SYS);
		igt_assert_f(info.swapped, "BO not swapped out after VTTM_MOVE_SWAPOUT");
	} else {
		bo_move(&bo, to);
	}
	after = vm_mapped_4k(t.vm);
	igt_assert_f(mapped - after >= BO_PAGES,
		     "the move removed %lld of KVM's 4K mappings, expected all %llu of the BO",
		     (long long)(mapped - after), BO_PAGES);

	guest_expect(&t, seed, "after the move");
	guest_fill(&t, seed2);

	info = bo_info(&bo);
	igt_assert_f(info.domain == to, "BO in %s after the guest's accesses, expected %s",
		     bo_domain_name(info.domain), bo_domain_name(to));
	if (swapout)
		igt_assert_f(!info.swapped, "guest accesses did not swap the BO back in");
	host_check_both(&bo, seed2, "guest writes after the move");

	tvm_free(&t);
	bo_close(&bo);
	bo_env_fini(&e);
}

static void test_evict_vram_to_tt(void)
{
	evict_while_mapped(VRAM, TT, false);
}

static void test_evict_tt_to_system(void)
{
	evict_while_mapped(TT, SYS, false);
}

static void test_swapout(void)
{
	evict_while_mapped(TT, SYS, true);
}

/**
 * SUBTEST: bo-freed-under-memslot-%arg[1]
 * Description: A BO mapped into a guest is unmapped and closed while its
 *   memslot stays: KVM_RUN fails with EFAULT, also after a new BO took the
 *   freed memory, and the guest never reads the new BO until it is plugged
 *   in. The BO is in %arg[1].
 *
 * arg[1]:
 *
 * @vram: VRAM, and the new BO at its offset (needs VRAM to itself)
 * @tt: TT
 */
/*
 * The start of the subtests that reuse a BO's old backing: a fresh
 * environment, a BO in @domain (in VRAM, the only BO there) filled with
 * @seed, plugged into a VM whose guest has checked the data, @when.
 */
static void filled_bo_in_vm(struct bo_env *e, struct hm_bo *a, struct tvm *t,
			    u32 domain, u64 seed, const char *when)
{
	bo_env_init(e);
	if (domain == VRAM)
		bo_env_require_empty_vram(e);
	bo_create(a, &e->p, BO_SIZE, domain);
	host_fill(a->map, BO_SIZE, seed);
	tvm_with_bo(t, a, 0);
	guest_expect(t, seed, when);
}

static void freed_under_memslot(u32 domain)
{
	const u64 seed = 0xf1, marker = 0xf2;
	struct bo_info old, info;
	struct hm_bo a, b;
	struct gcmd c = {
		.op = OP_CHECK, .addr = WIN, .len = BO_SIZE,
		.seed = seed, .marker = marker,
	};
	struct bo_env e;
	struct ucall uc;
	struct tvm t;
	void *hole;
	char *p;

	filled_bo_in_vm(&e, &a, &t, domain, seed, "before the BO is freed");
	old = bo_info(&a);

	/*
	 * Drop every reference: the mapping goes (replaced by a PROT_NONE
	 * placeholder, so nothing else can be mapped there while the memslot
	 * points at it) and so does the handle.
	 */
	hole = mmap(a.map, BO_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	igt_assert_f(hole == a.map, "placeholder mmap: %p, %s", hole,
		     strerror(errno));
	a.map = NULL;
	bo_close(&a);
	p = __vttm_bo_audit(&e.dev, old.id);
	igt_assert_f(!p, "BO %llu still exists after munmap and GEM_CLOSE:\n%s",
		     (unsigned long long)old.id, p);

	/* The guest reads the window: nothing is there, KVM says so. */
	tvm_set_cmd(&t, &c);
	tvm_expect_efault(&t, "BO freed");
	tvm_expect_efault(&t, "BO freed, second KVM_RUN");

	/* New BOs get the freed memory; the guest must not see them. */
	bo_create(&b, &e.p, BO_SIZE, domain);
	info = bo_info(&b);
	if (domain == VRAM)
		igt_assert_f(info.vram_offset == old.vram_offset,
			     "new BO at VRAM offset %#llx, the freed one was at %#llx",
			     (unsigned long long)info.vram_offset,
			     (unsigned long long)old.vram_offset);
	igt_assert_f((char *)b.map + BO_SIZE <= (char *)hole ||
		     (char *)b.map >= (char *)hole + BO_SIZE,
		     "new BO mapped at %p, inside the placeholder %p", b.map, hole);
	host_fill(b.map, BO_SIZE, marker);
	tvm_expect_efault(&t, "freed memory reused by a new BO");

	/* Plugging the new BO in makes the guest's read work again. */
	hostmem_plug(&t.hm, b.map, BO_SIZE, 0);
	igt_assert_eq(vcpu_run_ucall(t.vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], OP_CHECK);
	igt_assert_f(uc.args[2] == BO_WORDS && uc.args[1] == 0 && uc.args[3] == 0,
		     "after plugging the new BO the guest read %llu words of it, %llu of the freed BO, %llu others",
		     (unsigned long long)uc.args[2],
		     (unsigned long long)uc.args[1],
		     (unsigned long long)uc.args[3]);

	tvm_free(&t);
	igt_assert_ok(munmap(hole, BO_SIZE));
	bo_close(&b);
	bo_env_fini(&e);
}

static void test_bo_freed_under_memslot_vram(void)
{
	freed_under_memslot(VRAM);
}

static void test_bo_freed_under_memslot_tt(void)
{
	freed_under_memslot(TT);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* How many of @b's page frames were @a's. */
static unsigned int pfn_overlap(u64 *a, const u64 *b)
{
	unsigned int i, n = 0;

	qsort(a, BO_PAGES, sizeof(*a), cmp_u64);
	for (i = 0; i < BO_PAGES; i++)
		n += !!bsearch(&b[i], a, BO_PAGES, sizeof(*a), cmp_u64);
	return n;
}

/**
 * SUBTEST: no-stale-access-%arg[1]
 * Description: BO A, read by the guest, moves away; BO B takes its old
 *   memory and is filled with a marker. The guest reads A's data at A's
 *   address, never the marker, and its writes do not reach B. A moves from
 *   %arg[1].
 *
 * arg[1]:
 *
 * @vram: VRAM to TT, B gets A's VRAM offset (needs VRAM to itself)
 * @tt: TT to VRAM, B gets what the page allocator gives it (the subtest
 *   reports how many of A's pages)
 */
static void stale_access(u32 domain, u32 away)
{
	const u64 seed = 0x5a, marker = 0x5b, seed2 = 0x5c;
	static u64 pfns_a[BO_PAGES], pfns_b[BO_PAGES];
	struct check_result r;
	struct bo_info old;
	struct hm_bo a, b;
	struct bo_env e;
	struct tvm t;

	filled_bo_in_vm(&e, &a, &t, domain, seed, "before the move");
	old = bo_info(&a);
	if (domain != VRAM)
		vttm_audit_pfns(&e.dev, old.id, pfns_a, BO_PAGES);

	bo_move(&a, away);
	bo_create(&b, &e.p, BO_SIZE, domain);
	if (domain == VRAM) {
		u64 off = bo_info(&b).vram_offset;

		igt_assert_f(off == old.vram_offset,
			     "B is at VRAM offset %#llx, not at A's old %#llx",
			     (unsigned long long)off,
			     (unsigned long long)old.vram_offset);
	} else {
		vttm_audit_pfns(&e.dev, bo_info(&b).id, pfns_b, BO_PAGES);
		igt_info("%s: B got %u of A's old %llu pages",
			 bo_domain_name(domain), pfn_overlap(pfns_a, pfns_b),
			 BO_PAGES);
	}
	host_fill(b.map, BO_SIZE, marker);

	r = guest_check(&t, seed, marker);
	igt_assert_f(r.marked == 0 && r.bad == 0 && r.ok == BO_WORDS,
		     "after A moved out of %s the guest read %llu words of B (the marker) and %llu other wrong words at A's address; first wrong at %#llx: %#llx",
		     bo_domain_name(domain), (unsigned long long)r.marked,
		     (unsigned long long)r.bad, (unsigned long long)r.bad_off,
		     (unsigned long long)r.bad_val);

	guest_fill(&t, seed2);
	host_check(a.map, BO_SIZE, seed2, "A after the guest's writes");
	host_check(b.map, BO_SIZE, marker, "B after the guest wrote A");

	tvm_free(&t);
	bo_close(&a);
	bo_close(&b);
	bo_env_fini(&e);
}

static void test_no_stale_access_vram(void)
{
	stale_access(VRAM, TT);
}

static void test_no_stale_access_tt(void)
{
	stale_access(TT, VRAM);
}

/**
 * SUBTEST: shared-bo-two-vms
 * Description: Two VMs map one BO through two host mappings; each sees
 *   what the other wrote, in every domain, across moves.
 */
static void test_shared_bo_two_vms(void)
{
	static const u32 path[] = { TT, SYS, VRAM, TT, VRAM, SYS };
	struct tvm t[2];
	struct hm_bo bo;
	struct bo_env e;
	void *map2;
	unsigned int i;
	char what[64];

	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	/* Two VMMs, two mappings of the same BO. */
	map2 = bo_map(&bo);
	tvm_with_bo(&t[0], &bo, 0);
	tvm_create(&t[1], BO_SIZE);
	hostmem_plug(&t[1].hm, map2, BO_SIZE, 0);

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		struct tvm *writer = &t[i % 2], *reader = &t[1 - i % 2];
		u64 seed = 0x2000 + i;

		guest_fill(writer, seed);
		snprintf(what, sizeof(what), "VM %u reading VM %u's writes in %s",
			 1 - i % 2, i % 2, bo_domain_name(bo_info(&bo).domain));
		guest_expect(reader, seed, what);

		bo_move(&bo, path[i]);
		snprintf(what, sizeof(what), "VM %u after the move to %s",
			 1 - i % 2, bo_domain_name(path[i]));
		guest_expect(reader, seed, what);
		snprintf(what, sizeof(what), "VM %u after the move to %s",
			 i % 2, bo_domain_name(path[i]));
		guest_expect(writer, seed, what);
		host_check(bo.map, BO_SIZE, seed, "first mapping");
		host_check(map2, BO_SIZE, seed, "second mapping");
	}

	tvm_free(&t[0]);
	tvm_free(&t[1]);
	munmap(map2, BO_SIZE);
	bo_close(&bo);
	bo_env_fini(&e);
}

static void write_pages(struct tvm *t, const u32 *pages, unsigned int n,
			u64 seed)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 off = pages[i] * PAGE + 8 * (i + 1);

		guest_write(t, WIN + off, bo_pattern(seed, off));
	}
}

/* KVM_GET_DIRTY_LOG, which also clears the log: how many pages. */
static unsigned int count_dirty(struct tvm *t)
{
	u64 bitmap[BO_PAGES / 64] = { };
	unsigned int i, n = 0;

	kvm_vm_get_dirty_log(t->vm, t->hm.slot, bitmap);
	for (i = 0; i < BO_PAGES / 64; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

/* KVM_GET_DIRTY_LOG (which also clears it) must report exactly @pages. */
static void expect_dirty(struct tvm *t, const u32 *pages, unsigned int n,
			 const char *when)
{
	u64 bitmap[BO_PAGES / 64] = { }, want[BO_PAGES / 64] = { };
	char got_s[256] = "", want_s[256] = "";
	unsigned int i;
	size_t gl = 0, wl = 0;

	kvm_vm_get_dirty_log(t->vm, t->hm.slot, bitmap);
	for (i = 0; i < n; i++)
		want[pages[i] / 64] |= 1ull << (pages[i] % 64);
	if (!memcmp(bitmap, want, sizeof(want)))
		return;
	for (i = 0; i < BO_PAGES; i++) {
		if ((bitmap[i / 64] >> (i % 64) & 1) && gl < sizeof(got_s) - 8)
			gl += snprintf(got_s + gl, sizeof(got_s) - gl, " %u", i);
		if ((want[i / 64] >> (i % 64) & 1) && wl < sizeof(want_s) - 8)
			wl += snprintf(want_s + wl, sizeof(want_s) - wl, " %u", i);
	}
	igt_fail("%s: dirty pages [%s ] expected [%s ]", when, got_s, want_s);
}

/**
 * SUBTEST: dirty-log
 * Description: KVM's dirty log of a memslot over a BO reports exactly the
 *   pages the guest wrote, also when the BO moved between the write and
 *   KVM_GET_DIRTY_LOG; host writes and reads through existing mappings
 *   dirty nothing, and the written words move with the BO.
 */
static void test_dirty_log(void)
{
	static const u32 w1[] = { 0, 1, 7, 100, 511 };
	static const u32 w2[] = { 2, 255, 256 };
	static const u32 w3[] = { 3, 300 };
	static const u32 w4[] = { 4, 5, 6, 400 };
	const u64 seed = 0xd1, seed2 = 0xd2;
	struct hm_bo bo;
	struct bo_env e;
	struct tvm t;
	u64 *w;
	unsigned int i;

	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	host_fill(bo.map, BO_SIZE, seed);
	tvm_with_bo(&t, &bo, KVM_MEM_LOG_DIRTY_PAGES);

	expect_dirty(&t, NULL, 0, "new slot");
	/*
	 * A read fault maps the page writable when the host PTE is (TTM's
	 * are) and so logs it dirty: only count those. Once the log has been
	 * fetched, the mappings are write-protected and reads dirty nothing.
	 */
	guest_expect(&t, seed, "through the dirty-logged slot");
	igt_info("first guest reads logged %u of %llu pages dirty\n",
		 count_dirty(&t), BO_PAGES);
	guest_expect(&t, seed, "through the dirty-logged slot, again");
	expect_dirty(&t, NULL, 0, "after guest reads through existing mappings");
	/* Host writes go around KVM. */
	((volatile u64 *)bo.map)[8] = bo_pattern(seed, 64);
	expect_dirty(&t, NULL, 0, "after a host write");

	write_pages(&t, w1, ARRAY_SIZE(w1), seed2);
	expect_dirty(&t, w1, ARRAY_SIZE(w1), "guest writes in VRAM");

	/* Dirty bits are KVM's, per gfn: a move must not lose them. */
	write_pages(&t, w2, ARRAY_SIZE(w2), seed2);
	bo_move(&bo, TT);
	expect_dirty(&t, w2, ARRAY_SIZE(w2), "guest writes in VRAM, then a move to TT");

	write_pages(&t, w3, ARRAY_SIZE(w3), seed2);
	expect_dirty(&t, w3, ARRAY_SIZE(w3), "guest writes after the move to TT");

	bo_move(&bo, SYS);
	write_pages(&t, w4, ARRAY_SIZE(w4), seed2);
	bo_move(&bo, VRAM);
	expect_dirty(&t, w4, ARRAY_SIZE(w4), "guest writes in SYSTEM, then a move to VRAM");
	expect_dirty(&t, NULL, 0, "nothing written since");

	/* The written words moved with the BO; nothing else changed. */
	w = bo.map;
	for (i = 0; i < BO_WORDS; i++) {
		u64 off = i * 8, want = bo_pattern(seed, off);
		const u32 *sets[] = { w1, w2, w3, w4 };
		const unsigned int lens[] = { ARRAY_SIZE(w1), ARRAY_SIZE(w2),
					      ARRAY_SIZE(w3), ARRAY_SIZE(w4) };
		unsigned int s, j;

		for (s = 0; s < 4; s++)
			for (j = 0; j < lens[s]; j++)
				if (off == sets[s][j] * PAGE + 8 * (j + 1))
					want = bo_pattern(seed2, off);
		igt_assert_f(w[i] == want, "word at %#llx is %#llx, expected %#llx",
			     (unsigned long long)off, (unsigned long long)w[i],
			     (unsigned long long)want);
	}

	tvm_free(&t);
	bo_close(&bo);
	bo_env_fini(&e);
}

/* A guest write to a read-only slot exits as MMIO and changes nothing. */
static void readonly_write(struct tvm *t, struct hm_bo *bo, u64 seed, u64 off)
{
	const u64 value = 0x0bad0bad0bad0badull;
	struct kvm_run *run = t->vcpu->run;
	struct gcmd c = { .op = OP_WRITE, .addr = WIN + off, .seed = value };
	struct ucall uc;
	u64 got;

	tvm_set_cmd(t, &c);
	vcpu_run(t->vcpu);
	igt_assert_exit_reason(t->vcpu, KVM_EXIT_MMIO);
	igt_assert_eq(run->mmio.is_write, 1);
	igt_assert_eq_u64(run->mmio.phys_addr, WIN + off);
	igt_assert_eq(run->mmio.len, 8);
	memcpy(&got, run->mmio.data, 8);
	igt_assert_eq_u64(got, value);

	/* The VMM drops the write; the guest goes on to its ucall. */
	igt_assert_eq(vcpu_run_ucall(t->vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], OP_WRITE);
	igt_assert_eq_u64(guest_read(t, WIN + off), bo_pattern(seed, off));
	host_check(bo->map, BO_SIZE, seed, "BO behind a read-only slot");
}

/**
 * SUBTEST: readonly-memslot
 * Description: Through a read-only memslot over a writable BO mapping the
 *   guest reads the BO, before and after a move, and its writes exit to
 *   the VMM as MMIO and change nothing.
 */
static void test_readonly_memslot(void)
{
	const u64 seed = 0x7e;
	struct hm_bo bo;
	struct bo_env e;
	struct tvm t;

	bo_env_init(&e);
	igt_require(kvm_has_cap(KVM_CAP_READONLY_MEM));
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	host_fill(bo.map, BO_SIZE, seed);
	/* The host mapping is writable; the slot is not. */
	tvm_with_bo(&t, &bo, KVM_MEM_READONLY);

	guest_expect(&t, seed, "read-only slot");
	readonly_write(&t, &bo, seed, 5 * PAGE + 0x18);
	bo_move(&bo, TT);
	guest_expect(&t, seed, "read-only slot after a move to TT");
	readonly_write(&t, &bo, seed, 300 * PAGE + 0x7f8);

	tvm_free(&t);
	bo_close(&bo);
	bo_env_fini(&e);
}

static void expect_same_audit(const char *before, const char *now,
			      const char *when)
{
	igt_assert_f(!strcmp(before, now),
		     "%s: page audit changed from\n%sto\n%s", when, before, now);
}

/* The guest reads and writes every page; KVM must map them all. */
static void guest_touch_all(struct tvm *t, u64 seed, u64 seed2)
{
	u64 before = vm_mapped_4k(t->vm), after;

	guest_expect(t, seed, "guest touching the BO");
	guest_fill(t, seed2);
	after = vm_mapped_4k(t->vm);
	igt_assert_f(after >= before + BO_PAGES,
		     "touching the BO added %llu 4K mappings in KVM, expected at least %llu",
		     (unsigned long long)(after - before), BO_PAGES);
}

/* The page audit of BO @id must not change while @t touches it. */
static void touch_keeps_audit(struct bo_env *e, struct tvm *t, u64 id,
			      u64 seed, u64 seed2, const char *when)
{
	char *before = vttm_audit_pages(&e->dev, id), *now;

	vttm_check_audit_pages(before, BO_SIZE);
	guest_touch_all(t, seed, seed2);
	now = vttm_audit_pages(&e->dev, id);
	expect_same_audit(before, now, when);
	free(now);
	free(before);
}

/**
 * SUBTEST: no-page-refs
 * Description: Page references are TTM's business: every page of a TT BO
 *   mapped into a guest and touched keeps the reference count it had
 *   (vttm's page audit), through moves to SYSTEM, VRAM and new TT pages,
 *   and TTM found no foreign reference when it freed or pooled them.
 */
static void test_no_page_refs(void)
{
	int foreign = ttm_foreign_page_refs();
	char *before, *now;
	struct hm_bo bo;
	struct bo_env e;
	struct tvm t;
	u64 id;

	if (foreign < 0)
		igt_info("no ttm/foreign_page_refs: this kernel does not check for foreign references");
	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, TT);
	host_fill(bo.map, BO_SIZE, 0x61);
	id = bo_info(&bo).id;
	tvm_with_bo(&t, &bo, 0);
	before = vttm_audit_pages(&e.dev, id);
	touch_keeps_audit(&e, &t, id, 0x61, 0x62, "mapped and touched by the guest");

	/* TT -> SYSTEM keeps the pages but unmaps them. */
	bo_move(&bo, SYS);
	now = vttm_audit_pages(&e.dev, id);
	expect_same_audit(before, now, "after the move to SYSTEM");
	free(now);
	free(before);
	touch_keeps_audit(&e, &t, id, 0x62, 0x63, "touched again in SYSTEM");

	/* Through VRAM (the pages are freed) and back to new pages. */
	bo_move(&bo, VRAM);
	bo_move(&bo, TT);
	touch_keeps_audit(&e, &t, id, 0x63, 0x64, "new pages touched by the guest");
	host_check(bo.map, BO_SIZE, 0x64, "after the page audits");

	tvm_free(&t);
	bo_close(&bo);
	bo_env_fini(&e);
	/* The BO's pages went to the pool or the system: TTM checked them. */
	igt_assert_eq(ttm_foreign_page_refs(), foreign);
}

/* The guest reads the BO; KVM must map it with one 2 MiB SPTE. */
static void guest_expect_huge(struct tvm *t, u64 seed, const char *what)
{
	u64 m2 = vm_get_stat(t->vm, pages_2m);
	u64 m4 = vm_get_stat(t->vm, pages_4k);
	u64 d2, d4;

	guest_expect(t, seed, what);
	d2 = vm_get_stat(t->vm, pages_2m) - m2;
	d4 = vm_get_stat(t->vm, pages_4k) - m4;
	/* Slot 0's own mappings may change too, if khugepaged steps in. */
	igt_assert_f(d2 >= 1 && d4 < BO_PAGES,
		     "%s: the guest's reads added %llu 2M and %llu 4K mappings in KVM, expected one 2M mapping",
		     what, (unsigned long long)d2, (unsigned long long)d4);
}

/**
 * SUBTEST: huge-guest-mapping
 * Description: A BO whose memory is contiguous in 2 MiB pieces reaches the
 *   guest as 2 MiB KVM mappings: TTM maps it with a PMD at a 2 MiB-aligned
 *   address and KVM follows the host's level. A VRAM BO always qualifies,
 *   a TT BO when the pool gave it a 2 MiB chunk. A move zaps the 2 MiB
 *   mapping and the guest gets a new one; with dirty logging KVM maps
 *   4 KiB pages.
 */
static void test_huge_guest_mapping(void)
{
	const u64 seed = 0x2a, seed2 = 0x2b;
	u64 m2, m4, id;
	struct hm_bo bo;
	struct bo_env e;
	struct tvm t;

	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	id = bo_info(&bo).id;
	igt_assert_f(((uintptr_t)bo.map & (BO_SIZE - 1)) == 0,
		     "the BO is mapped at %p, which is not 2 MiB-aligned", bo.map);
	host_fill(bo.map, BO_SIZE, seed);
	tvm_with_bo(&t, &bo, 0);
	guest_expect_huge(&t, seed, "VRAM BO");

	m2 = vm_get_stat(t.vm, pages_2m);
	bo_move(&bo, TT);
	igt_assert_f(vm_get_stat(t.vm, pages_2m) < m2,
		     "the move left all %llu of KVM's 2M mappings in place",
		     (unsigned long long)m2);
	if (vttm_audit_huge_windows(&e.dev, id, BO_SIZE))
		guest_expect_huge(&t, seed, "after the move to TT");
	else
		igt_info("the pool gave the TT BO no 2 MiB chunk: 4K mappings expected there");
	guest_fill(&t, seed2);
	host_check_both(&bo, seed2, "guest writes through the 2M mapping");

	/* Dirty logging needs 4 KiB granularity: the slot is remapped. */
	hostmem_unplug(&t.hm);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, KVM_MEM_LOG_DIRTY_PAGES);
	m2 = vm_get_stat(t.vm, pages_2m);
	m4 = vm_get_stat(t.vm, pages_4k);
	guest_expect(&t, seed2, "with dirty logging");
	igt_assert_f(vm_get_stat(t.vm, pages_2m) == m2 &&
		     vm_get_stat(t.vm, pages_4k) >= m4 + BO_PAGES,
		     "with dirty logging the guest's reads added %llu 2M and %llu 4K mappings, expected 4K only",
		     (unsigned long long)(vm_get_stat(t.vm, pages_2m) - m2),
		     (unsigned long long)(vm_get_stat(t.vm, pages_4k) - m4));

	tvm_free(&t);
	bo_close(&bo);
	bo_env_fini(&e);
}

/**
 * SUBTEST: qxl-huge-guest-mapping
 * Description: The same for qxl, a TTM driver of a device QEMU has: its
 *   2 MiB VRAM BO is placed 2 MiB-aligned in the VRAM BAR and mapped at a
 *   2 MiB-aligned address, and the guest gets one 2 MiB KVM mapping of it.
 */
static void test_qxl_huge_guest_mapping(void)
{
	struct bo_provider p;
	struct hm_bo bo;
	struct tvm t;

	if (!bo_provider_init_qxl(&p))
		igt_skip("no qxl device");
	bo_create(&bo, &p, BO_SIZE, VRAM);
	igt_assert_f(((uintptr_t)bo.map & (BO_SIZE - 1)) == 0,
		     "the qxl BO is mapped at %p, which is not 2 MiB-aligned", bo.map);
	host_fill(bo.map, BO_SIZE, 0x9c1);
	tvm_with_bo(&t, &bo, 0);
	guest_expect_huge(&t, 0x9c1, "qxl VRAM BO");
	tvm_free(&t);
	bo_close(&bo);
	bo_provider_fini(&p);
}

/**
 * SUBTEST: pin-refused-%arg[1]
 * Description: Nested SVM makes KVM map a VMCB12 page with kvm_vcpu_map(),
 *   outside MMU notifier protection, which needs a pin; KVM refuses to pin
 *   VM_PFNMAP memory (unless kvm.allow_unsafe_mappings). A guest VMRUN
 *   with its VMCB in a %arg[1] BO ends in an emulation error exit at the
 *   VMRUN and leaves the BO alone. Needs nested SVM.
 *
 * arg[1]:
 *
 * @vram: VRAM
 * @tt: TT
 */
static void pin_refused(u32 domain)
{
	struct kvm_vcpu *vcpu;
	struct kvm_regs regs;
	struct hostmem hm;
	struct kvm_vm *vm;
	struct bo_env e;
	gva_t svm_gva;
	struct ucall uc;
	struct hm_bo bo;
	void *snapshot;
	int ret;

	bo_env_init(&e);
	if (!kvm_cpu_has(X86_FEATURE_SVM))
		igt_skip("KVM offers no SVM to guests (needs kvm_amd with nested=1)");
	if (!sysfs_param_is("/sys/module/kvm_amd/parameters/nested", '1') &&
	    !sysfs_param_is("/sys/module/kvm_amd/parameters/nested", 'Y'))
		igt_skip("kvm_amd nested is off");
	if (sysfs_param_is("/sys/module/kvm/parameters/allow_unsafe_mappings", 'Y'))
		igt_skip("kvm.allow_unsafe_mappings is set: KVM pins VM_PFNMAP memory");

	bo_create(&bo, &e.p, BO_SIZE, domain);
	host_fill(bo.map, BO_SIZE, 0x9c);
	vm = hostmem_vm_create(&hm, 1, svm_guest_vmcb_in_window, &vcpu, BO_SIZE, 32);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vcpu, 1, svm_gva);
	hostmem_plug(&hm, bo.map, BO_SIZE, 0);

	igt_assert_eq(vcpu_run_ucall(vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], 1);
	snapshot = malloc(BO_SIZE);
	igt_assert(snapshot);
	memcpy(snapshot, bo.map, BO_SIZE);

	ret = _vcpu_run(vcpu);
	igt_assert_f(ret == 0, "KVM_RUN: %d, errno %s", ret, igt_errname(errno));
	if (get_ucall(vcpu, &uc) == UCALL_SYNC)
		igt_fail("VMRUN with the VMCB in a %s BO ran L2 (exit code %#llx): KVM pinned VM_PFNMAP memory",
			 bo_domain_name(domain), (unsigned long long)uc.args[1]);
	igt_assert_exit_reason(vcpu, KVM_EXIT_INTERNAL_ERROR);
	igt_assert_eq(vcpu->run->internal.suberror, KVM_INTERNAL_ERROR_EMULATION);
	/* Still at the VMRUN. */
	vcpu_regs_get(vcpu, &regs);
	igt_assert_f(!memcmp(addr_gva2hva(vm, regs.rip), svm_vmrun_insn, 3),
		     "guest RIP %#llx is not at the VMRUN", regs.rip);
	igt_assert_f(!memcmp(snapshot, bo.map, BO_SIZE),
		     "the failed VMRUN changed the BO");
	igt_assert_eq(bo_info(&bo).domain, domain);

	free(snapshot);
	kvm_vm_free(vm);
	bo_close(&bo);
	bo_env_fini(&e);
}

static void test_pin_refused_vram(void)
{
	pin_refused(VRAM);
}

static void test_pin_refused_tt(void)
{
	pin_refused(TT);
}

static const struct igt_subtest tests[] = {
	{ "map-read-write-vram", test_map_read_write_vram },
	{ "map-read-write-tt", test_map_read_write_tt },
	{ "map-read-write-system", test_map_read_write_system },
	{ "evict-vram-to-tt", test_evict_vram_to_tt },
	{ "evict-tt-to-system", test_evict_tt_to_system },
	{ "swapout", test_swapout },
	{ "bo-freed-under-memslot-vram", test_bo_freed_under_memslot_vram },
	{ "bo-freed-under-memslot-tt", test_bo_freed_under_memslot_tt },
	{ "no-stale-access-vram", test_no_stale_access_vram },
	{ "no-stale-access-tt", test_no_stale_access_tt },
	{ "shared-bo-two-vms", test_shared_bo_two_vms },
	{ "dirty-log", test_dirty_log },
	{ "readonly-memslot", test_readonly_memslot },
	{ "no-page-refs", test_no_page_refs },
	{ "huge-guest-mapping", test_huge_guest_mapping },
	{ "qxl-huge-guest-mapping", test_qxl_huge_guest_mapping },
	{ "pin-refused-vram", test_pin_refused_vram },
	{ "pin-refused-tt", test_pin_refused_tt },
};

IGT_MAIN(tests)
