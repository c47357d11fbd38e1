// SPDX-License-Identifier: GPL-2.0-only
/* svm_guest: nested SVM with the VMCB in a BO. See svm_guest.h. */
#include "hostmem.h"
#include "svm_guest.h"

const u8 svm_vmrun_insn[3] = { 0x0f, 0x01, 0xd8 };

static void l2_guest_code(void)
{
	vmmcall();
}

/* VMRUN alone: the VMCB in the BO must not be written by the guest. */
static void vmrun(u64 vmcb_gpa)
{
	/* If L2 did run, its #VMEXIT leaves L2's values in these. */
	asm volatile("push %%rbp; vmrun %%rax; pop %%rbp"
		     : : "a"(vmcb_gpa)
		     : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		       "r11", "r12", "r13", "r14", "r15", "memory", "cc");
}

void svm_guest_vmcb_in_window(struct svm_test_data *svm)
{
	u64 gpa = HOSTMEM_GPA + SVM_GUEST_VMCB_OFF;
	struct vmcb *bo_vmcb = (struct vmcb *)gpa;

	/* A VMRUN with the VMCB in ordinary memory works. */
	generic_svm_setup(svm, l2_guest_code);
	run_guest(svm->vmcb, svm->vmcb_gpa);
	GUEST_ASSERT_EQ(svm->vmcb->control.exit_code, SVM_EXIT_VMMCALL);

	/* The same, fresh, VMCB in the BO. */
	svm->vmcb->save.rip = (u64)l2_guest_code;
	svm->vmcb->save.rsp = (u64)svm->stack;
	memcpy(bo_vmcb, svm->vmcb, sizeof(*bo_vmcb));
	GUEST_SYNC1(1);
	vmrun(gpa);
	GUEST_SYNC2(2, bo_vmcb->control.exit_code);
}
