/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * slot0_audit: tell, after a guest died in exception delivery (a
 * KVM_EXIT_SHUTDOWN, i.e. a triple fault), whether the memory that delivery
 * needs changed under the VMM or only in the guest's view of it.
 *
 * Slot 0 holds everything the selftests library's guest needs to take an
 * exception: code, GDT, IDT, TSS, stacks and page tables. The audit copies
 * it before the vCPUs run; after a failure it lists the pages that differ
 * from the copy. If those are only the expected ones (stacks, ucall
 * structures, globals, accessed/dirty bits in page tables), the host's copy
 * of slot 0 is intact and the guest must have seen other memory than the
 * VMM has (its stage-2 translation went wrong). If a page the guest never
 * writes changed, or holds buffer object data, memory was freed and reused
 * under the VMM.
 */
#ifndef IGT_TESTS_SLOT0_AUDIT_H
#define IGT_TESTS_SLOT0_AUDIT_H

#include <kvm_util.h>

struct slot0_audit {
	struct kvm_vm *vm;
	void *copy;
	u64 gpa, size;
	/* Each vCPU's initial rsp: its stack lies below. */
	gva_t stack_top[8];
	unsigned int nr_stacks;
};

/*
 * Copies slot 0 of @vm and notes where its vCPUs' stacks are; call after
 * the guest and its vCPUs are set up, before they run.
 */
void slot0_audit_start(struct slot0_audit *a, struct kvm_vm *vm);

/*
 * Reports, with igt_warn(), the pages of slot 0 that differ from the copy:
 * which descriptor table or page table each is, how many words changed,
 * whether only accessed/dirty bits did, and how many words now carry one of
 * @nr_seeds buffer object fill seeds (pattern(): seed in the high 32 bits),
 * then how many changed pages the guest never writes (descriptor tables,
 * page tables beyond A/D bits, pages with BO data).
 */
void slot0_audit_report(const struct slot0_audit *a, const u64 *seeds,
			unsigned int nr_seeds);

void slot0_audit_fini(struct slot0_audit *a);

#endif
