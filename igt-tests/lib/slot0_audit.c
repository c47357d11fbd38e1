// SPDX-License-Identifier: GPL-2.0-only
/*
 * slot0_audit: see slot0_audit.h.
 */
#include <stdlib.h>
#include <string.h>

#include "igt_proto.h"
#include "slot0_audit.h"

#define PG		4096ull
#define PTE_P		(1ull << 0)
#define PTE_A		(1ull << 5)
#define PTE_D		(1ull << 6)
#define PTE_PS		(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull
/* Pages listed one by one before the report only counts. */
#define REPORT_PAGES	24

enum page_kind { OTHER, GDT, IDT, TSS, PGTABLE, STACK };

static const char *const kind_name[] = {
	[OTHER] = "other", [GDT] = "GDT", [IDT] = "IDT", [TSS] = "TSS",
	[PGTABLE] = "page table", [STACK] = "stack",
};

void slot0_audit_start(struct slot0_audit *a, struct kvm_vm *vm)
{
	struct userspace_mem_region *r = memslot2region(vm, 0);
	struct kvm_vcpu *vcpu;

	a->vm = vm;
	a->gpa = r->region.guest_phys_addr;
	a->size = r->region.memory_size;
	a->copy = malloc(a->size);
	igt_assert_f(a->copy, "no memory for a %#llx-byte copy of slot 0",
		     (unsigned long long)a->size);
	memcpy(a->copy, addr_gpa2hva(vm, a->gpa), a->size);

	a->nr_stacks = 0;
	list_for_each_entry(vcpu, &vm->vcpus, list) {
		struct kvm_regs regs;

		if (a->nr_stacks == ARRAY_SIZE(a->stack_top))
			break;
		vcpu_regs_get(vcpu, &regs);
		a->stack_top[a->nr_stacks++] = regs.rsp;
	}
}

void slot0_audit_fini(struct slot0_audit *a)
{
	free(a->copy);
	a->copy = NULL;
}

static bool in_slot(const struct slot0_audit *a, u64 gpa)
{
	return gpa >= a->gpa && gpa < a->gpa + a->size;
}

static void mark(const struct slot0_audit *a, u8 *kinds, u64 gpa, u8 kind)
{
	if (in_slot(a, gpa))
		kinds[(gpa - a->gpa) / PG] = kind;
}

/*
 * Marks the guest's page table pages, walking the copy (the tables as the
 * library built them), not the live slot that may be damaged.
 */
static void mark_tables(const struct slot0_audit *a, u8 *kinds, u64 table,
			int level)
{
	const u64 *e;
	int i;

	if (!in_slot(a, table))
		return;
	mark(a, kinds, table, PGTABLE);
	if (level == 1)
		return;
	e = (const u64 *)((const char *)a->copy + (table - a->gpa));
	for (i = 0; i < 512; i++)
		if ((e[i] & PTE_P) && !(e[i] & PTE_PS))
			mark_tables(a, kinds, e[i] & PTE_ADDR, level - 1);
}

static void mark_gva(const struct slot0_audit *a, u8 *kinds, gva_t gva,
		     u8 kind)
{
	mark(a, kinds, addr_gva2gpa(a->vm, gva), kind);
}

void slot0_audit_report(const struct slot0_audit *a, const u64 *seeds,
			unsigned int nr_seeds)
{
	const char *live = addr_gpa2hva(a->vm, a->gpa);
	u64 pages = a->size / PG, p, changed = 0, bo_pages = 0;
	unsigned int bad = 0, listed = 0, s;
	u8 *kinds;
	int i;

	kinds = calloc(pages, 1);
	igt_assert(kinds);
	mark_tables(a, kinds, a->vm->mmu.pgd, a->vm->mmu.pgtable_levels);
	mark_gva(a, kinds, a->vm->arch.gdt, GDT);
	mark_gva(a, kinds, a->vm->arch.idt, IDT);
	mark_gva(a, kinds, a->vm->arch.tss, TSS);
	for (s = 0; s < a->nr_stacks; s++)
		for (i = 0; i < DEFAULT_STACK_PGS; i++)
			mark_gva(a, kinds,
				 (a->stack_top[s] - 1 - i * PG) & ~(PG - 1),
				 STACK);

	for (p = 0; p < pages; p++) {
		const u64 *old = (const u64 *)((const char *)a->copy + p * PG);
		const u64 *now = (const u64 *)(live + p * PG);
		u64 words = 0, ad_only = 1, seeded = 0, w;

		for (w = 0; w < PG / 8; w++) {
			if (old[w] == now[w])
				continue;
			words++;
			if ((old[w] ^ now[w]) & ~(PTE_A | PTE_D))
				ad_only = 0;
			for (s = 0; s < nr_seeds; s++)
				seeded += now[w] >> 32 == seeds[s];
		}
		if (!words)
			continue;
		changed++;
		bo_pages += seeded > 0;
		/* The guest writes only its stacks and data pages. */
		if (seeded || kinds[p] == GDT || kinds[p] == IDT ||
		    kinds[p] == TSS || (kinds[p] == PGTABLE && !ad_only))
			bad++;
		if (listed++ < REPORT_PAGES)
			igt_warn("slot 0 gpa %#llx (%s): %llu words changed%s, %llu with a BO seed",
				 (unsigned long long)(a->gpa + p * PG),
				 kind_name[kinds[p]],
				 (unsigned long long)words,
				 ad_only ? ", accessed/dirty bits only" : "",
				 (unsigned long long)seeded);
	}
	igt_warn("slot 0 (%llu pages): %llu changed since the guest started, %llu holding BO data, %u that the guest never writes",
		 (unsigned long long)pages, (unsigned long long)changed,
		 (unsigned long long)bo_pages, bad);
	free(kinds);
}
